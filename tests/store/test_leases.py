"""Leases on both stores: one holder at a time, renewed by its holder, taken over once expired or given back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import delete

from chargeassist.store import Database, Lease, lease_holder, release_lease, take_lease

NAME = "test.work"
TTL = timedelta(minutes=5)
EXPIRED = timedelta(seconds=-1)
"""A lease taken with this has run out already: what a holder that died leaves behind, without waiting for it."""


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    try:
        yield database
    finally:
        async with database.transaction() as session:  # the shared PostgreSQL store keeps no lease for the next
            await session.execute(delete(Lease))
        await database.dispose()


async def test_a_free_lease_is_taken(db: Database) -> None:
    assert await take_lease(db, NAME, "a", TTL)
    assert await lease_holder(db, NAME) == "a"


async def test_a_held_lease_is_not_taken_by_another(db: Database) -> None:
    await take_lease(db, NAME, "a", TTL)
    assert not await take_lease(db, NAME, "b", TTL)
    assert await lease_holder(db, NAME) == "a"


async def test_the_holder_renews_its_lease(db: Database) -> None:
    await take_lease(db, NAME, "a", TTL)
    assert await take_lease(db, NAME, "a", TTL)


async def test_an_expired_lease_is_taken_over(db: Database) -> None:
    await take_lease(db, NAME, "a", EXPIRED)
    assert await lease_holder(db, NAME) is None
    assert await take_lease(db, NAME, "b", TTL)
    assert await lease_holder(db, NAME) == "b"


async def test_a_lease_given_back_is_taken_at_once(db: Database) -> None:
    await take_lease(db, NAME, "a", TTL)
    assert await release_lease(db, NAME, "a")
    assert await take_lease(db, NAME, "b", TTL)


async def test_only_the_holder_gives_a_lease_back(db: Database) -> None:
    await take_lease(db, NAME, "a", TTL)
    assert not await release_lease(db, NAME, "b")
    assert await lease_holder(db, NAME) == "a"


async def test_leases_of_other_names_are_apart(db: Database) -> None:
    await take_lease(db, NAME, "a", TTL)
    assert await take_lease(db, "test.other", "b", TTL)


async def test_of_many_taking_a_free_lease_at_once_one_gets_it(database_url: str, db: Database) -> None:
    # An engine each, as processes have (on SQLite they queue for the write lock; on PostgreSQL for the row).
    engines = [Database(database_url) for _ in range(4)]
    try:
        taken = await asyncio.gather(*(take_lease(e, NAME, f"h{i}", TTL) for i, e in enumerate(engines)))
    finally:
        await asyncio.gather(*(e.dispose() for e in engines))
    assert sum(taken) == 1
    assert await lease_holder(db, NAME) == f"h{taken.index(True)}"


async def test_of_many_taking_over_an_expired_lease_at_once_one_gets_it(database_url: str, db: Database) -> None:
    await take_lease(db, NAME, "dead", EXPIRED)
    engines = [Database(database_url) for _ in range(4)]
    try:
        taken = await asyncio.gather(*(take_lease(e, NAME, f"h{i}", TTL) for i, e in enumerate(engines)))
    finally:
        await asyncio.gather(*(e.dispose() for e in engines))
    assert sum(taken) == 1
