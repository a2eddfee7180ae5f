"""Health says whether the store takes writes, and a store that cannot write is a 503 ``store_unavailable``.

SQLite, read-only: these tests run as root, whom file permissions do not stop, so the file is opened read-only
the way SQLite itself opens a file it may not write (``mode=ro``), which is what a process that is not root
gets from a read-only file. SQLite, removed: the file is deleted while the service runs. PostgreSQL: the database
is switched to read-only transactions (as a replica is) and the service's connections are cut, so it reconnects.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from chargeassist.app import create_app
from chargeassist.services import Services
from tests.api._helpers import assert_problem, capture_logs
from tests.conftest import POSTGRES_HOST, POSTGRES_PORT, bearer, make_settings


async def _partner_key(database_url: str) -> str:
    # Made on a store of its own: the app's connections belong to the test client's loop.
    setup = Services.create(make_settings(database_url))
    try:
        return (await setup.partners.create("Partner")).api_key
    finally:
        await setup.db.dispose()


def _file_of(sqlite_url: str) -> Path:
    return Path(sqlite_url.split(":///", 1)[1])


async def _started_once(sqlite_url: str) -> None:
    # The first start creates the service's secrets; a read-only store can only read them.
    async with AsyncTestClient(app=create_app(make_settings(sqlite_url))):
        pass


async def test_health_is_ok_and_200_when_the_store_takes_writes(sqlite_url: str) -> None:
    async with AsyncTestClient(app=create_app(make_settings(sqlite_url))) as client:
        response = await client.get("/v1/health")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


async def test_health_is_503_on_a_read_only_sqlite_file(sqlite_url: str) -> None:
    await _started_once(sqlite_url)
    read_only = f"sqlite+aiosqlite:///file:{_file_of(sqlite_url)}?mode=ro&uri=true"
    async with AsyncTestClient(app=create_app(make_settings(read_only))) as client:
        response = await client.get("/v1/health")
    assert_problem(response, 503, "store_unavailable")


async def test_a_write_to_a_read_only_sqlite_file_is_503(sqlite_url: str) -> None:
    key = await _partner_key(sqlite_url)
    await _started_once(sqlite_url)
    read_only = f"sqlite+aiosqlite:///file:{_file_of(sqlite_url)}?mode=ro&uri=true"
    async with AsyncTestClient(app=create_app(make_settings(read_only))) as client:
        response = await client.put("/v1/tokens/driver-1", headers=bearer(key))
    assert_problem(response, 503, "store_unavailable")
    assert response.headers["retry-after"] == "5"


def _remove_store(sqlite_url: str) -> None:
    path = _file_of(sqlite_url)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def test_health_is_503_once_the_sqlite_file_is_removed(sqlite_url: str) -> None:
    async with AsyncTestClient(app=create_app(make_settings(sqlite_url))) as client:
        assert (await client.get("/v1/health")).status_code == 200
        _remove_store(sqlite_url)
        response = await client.get("/v1/health")
    assert_problem(response, 503, "store_unavailable")


async def test_a_write_after_the_sqlite_file_is_removed_is_503(sqlite_url: str) -> None:
    key = await _partner_key(sqlite_url)
    async with AsyncTestClient(app=create_app(make_settings(sqlite_url))) as client:
        assert (await client.put("/v1/tokens/driver-1", headers=bearer(key))).status_code == 201
        _remove_store(sqlite_url)
        response = await client.put("/v1/tokens/driver-2", headers=bearer(key))
    assert_problem(response, 503, "store_unavailable")


async def test_a_store_outage_is_logged_as_one_line_without_a_traceback(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    key = await _partner_key(sqlite_url)
    async with AsyncTestClient(app=create_app(make_settings(sqlite_url))) as client:
        _remove_store(sqlite_url)
        with capture_logs(caplog):
            await client.put("/v1/tokens/driver-1", headers=bearer(key))
    records = [r for r in caplog.records if r.name == "chargeassist.api"]
    assert [r.getMessage().split(":")[0] for r in records] == ["store unavailable on PUT /v1/tokens/driver-1"]
    assert records[0].exc_info is None


# --- PostgreSQL ---------------------------------------------------------------------------------------------


async def _admin(database_url: str, *statements: str) -> None:
    import asyncpg  # type: ignore[import-untyped]

    connection = await asyncpg.connect(host=POSTGRES_HOST, port=POSTGRES_PORT, user="postgres", database="test")
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture
async def read_only_postgres(postgres_url: str) -> AsyncIterator[tuple[str, str]]:
    """The session's PostgreSQL database, made read-only for new transactions once the test asks; set back after."""
    name = postgres_url.rsplit("/", 1)[1]
    try:
        yield postgres_url, name
    finally:
        await _admin(postgres_url, f'ALTER DATABASE "{name}" RESET default_transaction_read_only')


async def _make_read_only(database_url: str, name: str) -> None:
    # As a failover to a replica does: transactions become read-only, and the open connections are cut.
    await _admin(
        database_url,
        f'ALTER DATABASE "{name}" SET default_transaction_read_only = on',
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()",  # noqa: S608 - the test's own database name
    )


async def test_health_is_503_on_a_read_only_postgres(read_only_postgres: tuple[str, str]) -> None:
    url, name = read_only_postgres
    async with AsyncTestClient(app=create_app(make_settings(url))) as client:
        assert (await client.get("/v1/health")).status_code == 200
        await _make_read_only(url, name)
        response = await client.get("/v1/health")
    assert_problem(response, 503, "store_unavailable")


async def test_a_write_to_a_read_only_postgres_is_503(read_only_postgres: tuple[str, str]) -> None:
    url, name = read_only_postgres
    key = await _partner_key(url)
    async with AsyncTestClient(app=create_app(make_settings(url))) as client:
        await _make_read_only(url, name)
        response = await client.put("/v1/tokens/driver-1", headers=bearer(key))
    assert_problem(response, 503, "store_unavailable")
