"""Background work under a lease: of two holders on one store only one works, and the other takes over when the
first stops or its store call fails."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy import delete

from chargeassist.services._leases import ClaimedWork
from chargeassist.store import Database, Lease, lease_holder

NAME = "test.claimed"
INTERVAL_S = 0.05


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    try:
        yield database
    finally:
        async with database.transaction() as session:  # the shared PostgreSQL store keeps no lease for the next
            await session.execute(delete(Lease))
        await database.dispose()


class Rounds:
    """Counts a holder's rounds of work, and lets a test wait for the n-th."""

    def __init__(self) -> None:
        self.count = 0
        self._changed = asyncio.Event()

    async def work(self) -> None:
        self.count += 1
        self._changed.set()

    async def reach(self, n: int) -> None:
        async with asyncio.timeout(30):
            while self.count < n:
                self._changed.clear()
                await self._changed.wait()


@contextlib.asynccontextmanager
async def running(claim: ClaimedWork, work: Callable[[], object]) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(claim.run(work, at_once=True))  # type: ignore[arg-type]
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_of_two_holders_only_one_works(db: Database) -> None:
    first, second = ClaimedWork(db, NAME, interval_s=INTERVAL_S), ClaimedWork(db, NAME, interval_s=INTERVAL_S)
    one, two = Rounds(), Rounds()
    async with running(first, one.work):
        await one.reach(1)
        async with running(second, two.work):
            await one.reach(one.count + 5)  # the second tried meanwhile, every round
    assert two.count == 0


async def test_a_holder_that_stops_hands_the_work_on(db: Database) -> None:
    first, second = ClaimedWork(db, NAME, interval_s=INTERVAL_S), ClaimedWork(db, NAME, interval_s=INTERVAL_S)
    one, two = Rounds(), Rounds()
    async with running(first, one.work):
        await one.reach(1)
        waiting = asyncio.create_task(second.run(two.work, at_once=True))
        await one.reach(one.count + 2)
    try:
        await two.reach(1)
        assert await lease_holder(db, NAME) == second.holder
    finally:
        waiting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await waiting


async def test_an_expired_lease_of_a_holder_that_died_is_taken_over(db: Database) -> None:
    dead = ClaimedWork(db, NAME, interval_s=INTERVAL_S, ttl_s=1.0)
    assert await dead.take()  # and never renewed nor given back, as by a process killed with SIGKILL
    survivor, rounds = ClaimedWork(db, NAME, interval_s=INTERVAL_S), Rounds()
    async with running(survivor, rounds.work):
        await rounds.reach(1)


async def test_a_stopped_holder_gives_its_lease_back(db: Database) -> None:
    claim, rounds = ClaimedWork(db, NAME, interval_s=INTERVAL_S), Rounds()
    async with running(claim, rounds.work):
        await rounds.reach(1)
        assert await lease_holder(db, NAME) == claim.holder
    assert await lease_holder(db, NAME) is None


async def test_failed_work_is_logged_and_the_next_round_runs(db: Database) -> None:
    claim, rounds = ClaimedWork(db, NAME, interval_s=INTERVAL_S), Rounds()

    async def failing() -> None:
        await rounds.work()
        raise RuntimeError("a round failed")

    async with running(claim, failing):
        await rounds.reach(2)


async def test_a_store_that_does_not_answer_means_no_work() -> None:
    unreachable = Database("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    try:
        claim = ClaimedWork(unreachable, NAME, interval_s=INTERVAL_S)
        assert not await claim.take()
        assert not claim.held
    finally:
        await unreachable.dispose()


async def test_the_lease_lasts_three_rounds(db: Database) -> None:
    assert ClaimedWork(db, NAME, interval_s=5.0).ttl.total_seconds() == 15.0


async def test_a_short_interval_has_a_lease_of_a_second_at_least(db: Database) -> None:
    assert ClaimedWork(db, NAME, interval_s=0.1).ttl.total_seconds() == 1.0


async def test_a_holder_stopped_in_the_middle_of_its_work_stops(db: Database) -> None:
    claim, started = ClaimedWork(db, NAME, interval_s=INTERVAL_S), asyncio.Event()

    async def long_work() -> None:
        started.set()
        await asyncio.Event().wait()  # never done: only a cancel ends it

    task = asyncio.create_task(claim.run(long_work, at_once=True))
    await started.wait()
    task.cancel()
    async with asyncio.timeout(30):
        await asyncio.wait([task])
    assert task.cancelled()
    assert await lease_holder(db, NAME) is None
