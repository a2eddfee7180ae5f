"""Shared fixtures: a migrated store (SQLite file, or PostgreSQL when reachable), the app, and clients."""

from __future__ import annotations

import asyncio
import importlib
import os
import secrets
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from chargeassist.app import create_app
from chargeassist.services import Services
from chargeassist.settings import Settings
from chargeassist.store import upgrade

POSTGRES_HOST, POSTGRES_PORT = "127.0.0.1", 5432
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip when a service is missing, except under CI=true, where a missing service is a failure."""
    if _reachable(host, port):
        return
    message = f"{name} is not reachable at {host}:{port}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; CI needs it")
    pytest.skip(f"{message}; start it to run this test")


def require_module(name: str) -> ModuleType:
    """Import an optional test dependency: skip without it, except under CI=true, where it must be installed."""
    try:
        return importlib.import_module(name)
    except ImportError as error:
        message = f"{name} is not installed ({error})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; CI needs it")
        pytest.skip(f"{message}; install it to run this test")


@contextmanager
def fresh_postgres_database(prefix: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database named ``{prefix}_{random}``, dropped when the block ends."""
    require_service("PostgreSQL", POSTGRES_HOST, POSTGRES_PORT)
    import asyncpg  # type: ignore[import-untyped]

    name = f"{prefix}_{secrets.token_hex(4)}"

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect(host=POSTGRES_HOST, port=POSTGRES_PORT, user="postgres", database="test")
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql+asyncpg://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}/{name}"
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session, dropped at the end."""
    with fresh_postgres_database("chargeassist_test") as url:
        upgrade(url)
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A migrated SQLite file of its own for one test."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'chargeassist.db'}"
    upgrade(url)
    return url


_TABLES = (
    "meter_values, ocpp_transactions, charge_sessions, connector_statuses, qr_codes, payment_methods, app_tokens, "
    "evses, locations, tariffs, charge_points, partners, receipts, receipt_counters, issued_tokens, provider_events"
)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs on both stores; PostgreSQL tables are emptied first."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'chargeassist.db'}"
        upgrade(url)
        return url
    url = str(request.getfixturevalue("postgres_url"))

    async def truncate() -> None:
        import asyncpg

        connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
        try:
            await connection.execute(f"TRUNCATE {_TABLES} RESTART IDENTITY CASCADE")
        finally:
            await connection.close()

    asyncio.run(truncate())
    return url


def make_settings(database_url: str, **overrides: Any) -> Settings:
    """Settings for tests: no background refresh unless asked, fixed base URL."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "public_base_url": "https://charge.example.test",
        "search_refresh_interval_s": 0.0,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    """Settings over a fresh SQLite store."""
    return make_settings(sqlite_url)


@pytest.fixture
def app(settings: Settings) -> Litestar:
    """The app over a fresh store."""
    return create_app(settings)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """An HTTP client on the app, with its lifespan running."""
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


@pytest.fixture
def services(app: Litestar) -> Services:
    """The services of the app under test."""
    found: Services = app.state.services
    return found


@pytest.fixture
async def partner_key(client: AsyncTestClient[Litestar], services: Services) -> str:
    """The API key of a fresh partner."""
    return (await services.partners.create("Test Partner")).api_key


@pytest.fixture
async def other_partner_key(client: AsyncTestClient[Litestar], services: Services) -> str:
    """The API key of a second partner."""
    return (await services.partners.create("Other Partner")).api_key


@pytest.fixture
async def operator_key(client: AsyncTestClient[Litestar], services: Services) -> str:
    """The API key of an operator."""
    return (await services.partners.create("Test Operator", is_operator=True)).api_key


def bearer(key: str) -> dict[str, str]:
    """The Authorization header for a key or token."""
    return {"Authorization": f"Bearer {key}"}
