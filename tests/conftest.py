"""Shared fixtures: a migrated store (SQLite file, or PostgreSQL when reachable), the app, and clients."""

from __future__ import annotations

import asyncio
import importlib
import os
import secrets
import shutil
import socket
import subprocess
import time
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
def redis_url() -> str:
    """The machine's Redis (127.0.0.1:6379): skipped without it, a failure under CI=true. Tests sharing it keep
    apart by key prefix (:func:`redis_prefix`), never by flushing it."""
    require_service("Redis", REDIS_HOST, REDIS_PORT)
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/0"


@pytest.fixture
def redis_prefix() -> str:
    """A key prefix of this test's own (``CHARGEASSIST_REDIS_KEY_PREFIX``), so tests can share one Redis."""
    return "test-" + secrets.token_hex(6)


class PrivateRedis:
    """A ``redis-server`` of one test's own on a free port, which the test may stop and start again (an outage)."""

    def __init__(self, executable: str, directory: Path) -> None:
        self._executable = executable
        self._directory = directory
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port: int = probe.getsockname()[1]
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Its URL (database 0)."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start it (again, on the same port) and wait until it answers."""
        self._process = subprocess.Popen(
            [self._executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self._directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not _reachable("127.0.0.1", self.port):
            if time.monotonic() > deadline or self._process.poll() is not None:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.02)

    def stop(self) -> None:
        """Stop it (its data goes with it, as after a restart without persistence)."""
        if self._process is not None:
            self._process.terminate()
            self._process.wait(10)
            self._process = None


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A Redis server of this test's own, running; skipped without ``redis-server`` (a failure under CI=true)."""
    executable = shutil.which("redis-server")
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not installed; CI needs it")
        pytest.skip("redis-server is not installed; install it to run this test")
    server = PrivateRedis(executable, tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A migrated SQLite file of its own for one test."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'chargeassist.db'}"
    upgrade(url)
    return url


# Every table the migrations create, emptied before each PostgreSQL test (tests/store/test_postgres_reset.py
# checks none is missing), except ``counters``, whose seeded row is set back to 0 instead, and ``alembic_version``.
# A table left out keeps the rows of earlier tests: a lease held by an app that has stopped, for one.
_TABLES = (
    "app_tokens",
    "charge_points",
    "charge_sessions",
    "connector_statuses",
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
)


def reset_postgres(url: str) -> None:
    """Empty every table of the migrated PostgreSQL store at ``url`` and set its counter back, as on a new store."""
    import asyncpg

    async def reset() -> None:
        connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
        try:
            await connection.execute(f"TRUNCATE {', '.join(_TABLES)} RESTART IDENTITY CASCADE")
            await connection.execute("UPDATE counters SET value = 0")
        finally:
            await connection.close()

    asyncio.run(reset())


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs on both stores; PostgreSQL tables are emptied first."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'chargeassist.db'}"
        upgrade(url)
        return url
    url = str(request.getfixturevalue("postgres_url"))
    reset_postgres(url)
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
