"""Units of work on both stores: writers take turns on SQLite, readers never write."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from chargeassist.store import Counter, Database
from chargeassist.store._database import StoreUnavailable, is_store_unavailable

_BUSY_TIMEOUT_S = 5.0  # the store's PRAGMA busy_timeout


async def _counter(db: Database) -> int:
    async with db.read() as session:
        value = await session.scalar(select(Counter.value).where(Counter.name == "locations"))
    assert value is not None
    return int(value)


async def _bump(db: Database, hold_s: float = 0.0) -> None:
    async with db.transaction() as session:
        value = await session.scalar(select(Counter.value).where(Counter.name == "locations"))
        if hold_s:
            await asyncio.sleep(hold_s)
        await session.execute(update(Counter).where(Counter.name == "locations").values(value=(value or 0) + 1))


async def test_a_writer_waits_its_turn_longer_than_the_busy_timeout(sqlite_url: str) -> None:
    # Left to SQLite, the second writer gives up with "database is locked" once the busy timeout has passed.
    db = Database(sqlite_url)
    try:
        before = await _counter(db)
        started = time.monotonic()
        await asyncio.gather(_bump(db, hold_s=_BUSY_TIMEOUT_S + 0.5), _bump(db))
        assert time.monotonic() - started > _BUSY_TIMEOUT_S
        assert await _counter(db) == before + 2
    finally:
        await db.dispose()


async def test_writers_that_read_first_lose_no_update(database_url: str) -> None:
    db = Database(database_url)
    try:
        before = await _counter(db)
        await asyncio.gather(*(_bump(db, hold_s=0.001) for _ in range(40)))
        # Each unit read the counter and wrote it back plus one: on SQLite they take turns, so none is lost.
        if db.is_sqlite:
            assert await _counter(db) == before + 40
        else:
            assert before < await _counter(db) <= before + 40
    finally:
        await db.dispose()


async def test_a_reader_is_not_held_up_by_an_open_writer(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    try:
        release = asyncio.Event()

        async def writer() -> None:
            async with db.transaction() as session:
                await session.execute(update(Counter).where(Counter.name == "locations").values(value=Counter.value))
                await release.wait()

        task = asyncio.create_task(writer())
        await asyncio.sleep(0.05)
        read = await asyncio.wait_for(_counter(db), timeout=1.0)
        release.set()
        await task
        assert read >= 0
    finally:
        await db.dispose()


async def test_a_write_unit_inside_another_is_refused_on_sqlite(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    try:
        async with db.transaction():
            with pytest.raises(RuntimeError, match="inside another"):
                async with db.transaction():
                    pass
    finally:
        await db.dispose()


async def test_a_failed_write_unit_gives_the_next_its_turn(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    try:

        async def failing() -> None:
            async with db.transaction() as session:
                await session.execute(update(Counter).where(Counter.name == "locations").values(value=-1))
                raise ZeroDivisionError

        with pytest.raises(ZeroDivisionError):
            await failing()
        await asyncio.wait_for(_bump(db), timeout=2.0)
        assert await _counter(db) != -1
    finally:
        await db.dispose()


async def test_a_read_unit_refuses_writes_on_postgres(postgres_url: str) -> None:
    db = Database(postgres_url)
    try:
        with pytest.raises(DBAPIError, match="read-only"):
            async with db.read() as session:
                await session.execute(text("UPDATE counters SET value = value WHERE name = 'locations'"))
    finally:
        await db.dispose()


async def test_a_write_to_a_sqlite_file_replaced_under_the_store_is_refused(sqlite_url: str) -> None:
    # Writes through the connections still open would land in the old file, which nothing will read again.
    db = Database(sqlite_url)
    try:
        await _bump(db)
        path = Path(sqlite_url.split(":///", 1)[1])
        shutil.copy(path, path.with_name("copy.db"))
        os.replace(path.with_name("copy.db"), path)
        with pytest.raises(StoreUnavailable, match="replaced"):
            await _bump(db)
    finally:
        await db.dispose()


async def test_a_refused_write_is_told_from_a_bug(sqlite_url: str) -> None:
    db = Database(f"sqlite+aiosqlite:///file:{sqlite_url.split(':///', 1)[1]}?mode=ro&uri=true")
    try:
        with pytest.raises(DBAPIError) as caught:
            await _bump(db)
        assert is_store_unavailable(caught.value)
    finally:
        await db.dispose()


async def test_a_constraint_violation_is_not_an_outage(database_url: str) -> None:
    db = Database(database_url)
    try:
        with pytest.raises(DBAPIError) as caught:
            async with db.transaction() as session:
                await session.execute(text("INSERT INTO counters (name, value) VALUES ('locations', 1)"))
        assert not is_store_unavailable(caught.value)
    finally:
        await db.dispose()
