"""Migrations on both stores: they reach head, running them again changes nothing, and they match the models."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from chargeassist.store import Base, alembic_config, upgrade

TABLES = {
    "app_tokens",
    "charge_points",
    "charge_sessions",
    "connector_statuses",
    "counters",
    "evses",
    "locations",
    "meter_values",
    "ocpp_transactions",
    "partners",
    "payment_methods",
    "qr_codes",
    "service_secrets",
    "tariffs",
}


def _inspect(url: str, work: Any) -> Any:
    """Run ``work(connection)`` on a synchronous connection to the store."""

    async def run() -> Any:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(work)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _head(url: str) -> str:
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    assert head is not None
    return head


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _schema(connection: Connection) -> dict[str, Any]:
    """Tables, their columns, indexes and unique constraints, and the counter rows."""
    inspector = inspect(connection)
    tables = {}
    for table in sorted(inspector.get_table_names()):
        tables[table] = (
            [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)],
            sorted((i["name"] or "", tuple(i["column_names"])) for i in inspector.get_indexes(table)),
            sorted((u["name"] or "", tuple(u["column_names"])) for u in inspector.get_unique_constraints(table)),
        )
    counters = connection.execute(text("SELECT name, value FROM counters ORDER BY name")).all()
    return {"tables": tables, "counters": [tuple(row) for row in counters]}


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def test_upgrade_reaches_head(database_url: str) -> None:
    assert _inspect(database_url, _current) == _head(database_url)


def test_upgrade_creates_every_table(database_url: str) -> None:
    tables = set(_inspect(database_url, lambda c: inspect(c).get_table_names()))
    assert tables == TABLES | {"alembic_version"}


def test_upgrade_seeds_the_location_counter(database_url: str) -> None:
    # One row; its value is whatever earlier tests on the shared PostgreSQL store counted up to.
    counters = _inspect(database_url, _schema)["counters"]
    assert [name for name, _ in counters] == ["locations"]


def test_upgrading_again_changes_nothing(database_url: str) -> None:
    before = _inspect(database_url, _schema)
    upgrade(database_url)
    after = _inspect(database_url, _schema)
    assert after == before
    assert _inspect(database_url, _current) == _head(database_url)


def test_models_match_the_migrations(database_url: str) -> None:
    assert _inspect(database_url, _differences) == []


def test_downgrade_to_base_and_back_on_a_fresh_store(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    upgrade(url)
    command.downgrade(alembic_config(url), "base")
    assert set(_inspect(url, lambda c: inspect(c).get_table_names())) == {"alembic_version"}
    upgrade(url)
    assert _inspect(url, _differences) == []
    assert _inspect(url, _schema)["counters"] == [("locations", 0)]
