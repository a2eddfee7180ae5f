"""Processes that migrate one PostgreSQL store at the same moment take turns (an advisory lock), and all succeed."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from chargeassist.store import Database, advisory_lock
from tests.conftest import fresh_postgres_database

PROCESSES = 4

# Each process waits for the same moment, then migrates: they reach the first CREATE TABLE side by side.
_MIGRATE_AT = """
import sys, time
from chargeassist.store import upgrade
at = float(sys.argv[2])
time.sleep(max(0.0, at - time.time()))
upgrade(sys.argv[1])
"""


@pytest.fixture
def empty_postgres_url() -> Iterator[str]:
    with fresh_postgres_database("chargeassist_migrate") as url:
        yield url


def _versions(url: str) -> list[str]:
    async def read() -> list[str]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                return list((await connection.scalars(text("SELECT version_num FROM alembic_version"))).all())
        finally:
            await engine.dispose()

    return asyncio.run(read())


def test_processes_migrating_an_empty_store_at_once_all_succeed(empty_postgres_url: str, tmp_path: Path) -> None:
    at = time.time() + 3  # past every interpreter's imports
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _MIGRATE_AT, empty_postgres_url, str(at)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    assert [process.returncode for process in processes] == [0] * PROCESSES, "\n".join(outputs)
    assert _versions(empty_postgres_url) == ["0008"]


async def test_the_advisory_lock_is_held_by_one_at_a_time(empty_postgres_url: str) -> None:
    one, two = Database(empty_postgres_url), Database(empty_postgres_url)
    order: list[str] = []
    try:
        async with advisory_lock(one, "test.lock"):
            second = asyncio.create_task(_hold(two, order))
            await asyncio.sleep(0.5)  # the other is waiting for the lock meanwhile, not done
            order.append("first done")
        await asyncio.wait_for(second, timeout=10)
    finally:
        await one.dispose()
        await two.dispose()
    assert order == ["first done", "second held"]


async def _hold(db: Database, order: list[str]) -> None:
    async with advisory_lock(db, "test.lock"):
        order.append("second held")


async def test_a_lock_is_let_go_after_its_block_fails(empty_postgres_url: str) -> None:
    db = Database(empty_postgres_url)
    try:
        with pytest.raises(RuntimeError):
            async with advisory_lock(db, "test.lock"):
                raise RuntimeError("the work failed")
        async with asyncio.timeout(10), advisory_lock(db, "test.lock"):
            pass
    finally:
        await db.dispose()


async def test_on_sqlite_the_lock_is_nothing(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    try:
        async with advisory_lock(db, "test.lock"), advisory_lock(db, "test.lock"):
            pass  # one process: nothing to wait for, even nested
    finally:
        await db.dispose()
