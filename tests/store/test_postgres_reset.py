"""What the suite does to the shared PostgreSQL store before each test on it (``database_url``): every table the
migrations create is emptied, so no test sees rows an earlier one left, and the location counter is set back."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg  # type: ignore[import-untyped]

from tests.conftest import _TABLES, reset_postgres

# Not emptied: the migration bookkeeping, and the counters table, whose seeded row is set back instead.
_KEPT = {"alembic_version", "counters"}


async def _connect(postgres_url: str) -> asyncpg.Connection:
    return await asyncpg.connect(postgres_url.replace("postgresql+asyncpg", "postgresql"))


def _fetch(postgres_url: str, sql: str) -> list[tuple[object, ...]]:
    async def run() -> list[tuple[object, ...]]:
        connection = await _connect(postgres_url)
        try:
            return [tuple(row) for row in await connection.fetch(sql)]
        finally:
            await connection.close()

    return asyncio.run(run())


def _leave_rows(postgres_url: str) -> None:
    """What an earlier test may leave: a partner, a lease its stopped app still held, a secret, a counted location."""

    async def run() -> None:
        connection = await _connect(postgres_url)
        now = datetime.now(UTC)
        try:
            await connection.execute(
                "INSERT INTO partners (id, name, is_operator, api_key_hash, created_at) "
                "VALUES ('p', 'P', false, 'h', $1)",
                now,
            )
            await connection.execute(
                "INSERT INTO leases (name, holder, expires_at) VALUES ('sweeper', 'gone', $1)", now + timedelta(hours=1)
            )
            await connection.execute(
                "INSERT INTO service_secrets (name, value, created_at) VALUES ('paging', 'x', $1)", now
            )
            await connection.execute("UPDATE counters SET value = 41 WHERE name = 'locations'")
        finally:
            await connection.close()

    asyncio.run(run())


def test_every_table_the_migrations_create_is_emptied(postgres_url: str) -> None:
    rows = _fetch(postgres_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    assert {str(name) for (name,) in rows} - _KEPT == set(_TABLES)


def test_rows_an_earlier_test_left_are_gone(postgres_url: str) -> None:
    _leave_rows(postgres_url)
    reset_postgres(postgres_url)
    # The table names are the suite's own constants, not input.
    counts = " UNION ALL ".join(f"SELECT '{table}', count(*) FROM {table}" for table in _TABLES)  # noqa: S608
    assert [row for row in _fetch(postgres_url, counts) if row[1]] == []


def test_the_location_counter_is_back_at_its_seeded_value(postgres_url: str) -> None:
    _leave_rows(postgres_url)
    reset_postgres(postgres_url)
    assert _fetch(postgres_url, "SELECT name, value FROM counters") == [("locations", 0)]
