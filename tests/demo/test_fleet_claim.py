"""The demo fleet runs in one process of a deployment at a time (a store lease): a second process waits, and
takes it over when the first stops or dies."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import delete

from chargeassist.demo._fleet import FLEET_LEASE, RunningFleet, fleet_claim
from chargeassist.services._leases import ClaimedWork
from chargeassist.store import Database, Lease, lease_holder

RETRY_S = 0.05


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    try:
        yield database
    finally:
        async with database.transaction() as session:  # the shared PostgreSQL store keeps no lease for the next
            await session.execute(delete(Lease))
        await database.dispose()


class Fleets:
    """Fleets a process started and stopped (what the claim asks of them), and a way to wait for them."""

    def __init__(self) -> None:
        self.started = 0
        self.stopped = 0
        self._changed = asyncio.Event()

    async def start(self) -> RunningFleet:
        self.started += 1
        self._changed.set()
        return _Fleet(self)

    async def until(self, *, started: int, stopped: int = 0) -> None:
        async with asyncio.timeout(30):
            while self.started < started or self.stopped < stopped:
                self._changed.clear()
                await self._changed.wait()


class _Fleet:
    def __init__(self, owner: Fleets) -> None:
        self._owner = owner

    async def stop(self) -> None:
        self._owner.stopped += 1
        self._owner._changed.set()


async def test_one_process_runs_the_fleet(db: Database) -> None:
    one, two = Fleets(), Fleets()
    async with fleet_claim(db, one.start, retry_s=RETRY_S) as first:
        await one.until(started=1)
        async with fleet_claim(db, two.start, retry_s=RETRY_S) as second:
            for _ in range(5):  # the second tries the lease each round meanwhile
                await asyncio.sleep(RETRY_S)
            assert (first.held, second.held) == (True, False)
    assert (one.started, two.started) == (1, 0)


async def test_the_fleet_is_stopped_with_its_process(db: Database) -> None:
    fleets = Fleets()
    async with fleet_claim(db, fleets.start, retry_s=RETRY_S):
        await fleets.until(started=1)
    assert fleets.stopped == 1
    assert await lease_holder(db, FLEET_LEASE) is None


async def test_another_process_takes_the_fleet_over_when_the_first_stops(db: Database) -> None:
    one, two = Fleets(), Fleets()
    async with fleet_claim(db, one.start, retry_s=RETRY_S):
        await one.until(started=1)
        second = fleet_claim(db, two.start, retry_s=RETRY_S)
        waiting = await second.__aenter__()
    try:
        await two.until(started=1)
        assert waiting.held
    finally:
        await second.__aexit__(None, None, None)


async def test_a_fleet_whose_holder_died_is_taken_over_when_its_lease_expires(db: Database) -> None:
    dead = ClaimedWork(db, FLEET_LEASE, interval_s=RETRY_S, ttl_s=1.0)
    assert await dead.take()  # never renewed nor given back, as by a process killed with SIGKILL
    fleets = Fleets()
    async with fleet_claim(db, fleets.start, retry_s=RETRY_S):
        await fleets.until(started=1)


async def test_a_fleet_that_fails_to_start_is_tried_again(db: Database) -> None:
    fleets, attempts = Fleets(), 0

    async def flaky() -> RunningFleet:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            raise OSError("the port is not served yet")
        return await fleets.start()

    async with fleet_claim(db, flaky, retry_s=RETRY_S):
        await fleets.until(started=1)
    assert attempts == 2
