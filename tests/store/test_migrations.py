"""Migrations on both stores: they reach head, running them again changes nothing, and they match the models."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from chargeassist.store import Base, alembic_config, upgrade
from tests.conftest import fresh_postgres_database

TABLES = {
    "app_tokens",
    "charge_points",
    "charge_sessions",
    "connector_statuses",
    "counters",
    "evses",
    "issued_tokens",
    "leases",
    "locations",
    "meter_values",
    "ocpp_transactions",
    "partners",
    "payment_methods",
    "payment_steps",
    "provider_events",
    "psp_cards",
    "psp_customers",
    "qr_codes",
    "receipt_counters",
    "receipts",
    "service_secrets",
    "session_payments",
    "tariffs",
    "webhook_deliveries",
    "webhook_endpoints",
    "webhook_events",
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


@pytest.fixture(params=["sqlite", "postgres"])
def empty_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store with no schema at all, on each store."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        return
    with fresh_postgres_database("chargeassist_migrate") as url:
        yield url


def test_downgrade_to_base_and_back_on_a_fresh_store(empty_store_url: str) -> None:
    url = empty_store_url
    upgrade(url)
    command.downgrade(alembic_config(url), "base")
    assert set(_inspect(url, lambda c: inspect(c).get_table_names())) == {"alembic_version"}
    upgrade(url)
    assert _inspect(url, _differences) == []
    assert _inspect(url, _schema)["counters"] == [("locations", 0)]


def test_upgrade_ends_all_but_the_newest_of_several_active_sessions_on_one_evse(empty_store_url: str) -> None:
    # Stores from before the one-active-session index can hold such duplicates; the index must still build.
    upgrade(empty_store_url, "0002")

    def seed(connection: Connection) -> None:
        connection.execute(
            text(
                "INSERT INTO partners (id, name, is_operator, api_key_hash, created_at) "
                "VALUES ('p', 'P', false, 'h', :t)"
            ),
            {"t": datetime.now(UTC)},
        )
        connection.execute(
            text("INSERT INTO app_tokens (pk, partner_id, app_token, created_at) VALUES (1, 'p', 'driver', :t)"),
            {"t": datetime.now(UTC)},
        )
        for pk, status in ((1, "CHARGING"), (2, "CHARGING"), (3, "CDR_AVAILABLE")):
            connection.execute(
                text(
                    "INSERT INTO charge_sessions (pk, id, partner_id, app_token_pk, start_kind, location_id, evse_uid, "
                    "evse_pk, connector_id, charge_point_id, ocpp_connector_id, id_tag, status, requested_at, "
                    "updated_at) VALUES (:pk, :id, 'p', 1, 'APP', 'l', 'E', 7, '1', 'CP', 1, 'T', :status, :t, :t)"
                ),
                {"pk": pk, "id": f"cs_{pk}", "status": status, "t": datetime.now(UTC)},
            )
        connection.commit()

    _inspect(empty_store_url, seed)
    upgrade(empty_store_url)

    def statuses(connection: Connection) -> list[tuple[str, str]]:
        rows = connection.execute(text("SELECT id, status FROM charge_sessions ORDER BY pk")).all()
        return [(row[0], row[1]) for row in rows]

    assert _inspect(empty_store_url, statuses) == [("cs_1", "ERROR"), ("cs_2", "CHARGING"), ("cs_3", "CDR_AVAILABLE")]
