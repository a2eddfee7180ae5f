"""Two processes on one PostgreSQL store: the session sweep runs in one of them (its lease), so a session past its
deadline is timed out once and a finished one priced once; killed with SIGKILL, the holder's sweep is taken over
by the other."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from chargeassist.services import Services
from chargeassist.services.sessions._sweeper import SWEEP_LEASE
from chargeassist.settings import Settings
from chargeassist.store import ChargeSession, Database, WebhookEvent, lease_holder, upgrade, utcnow
from tests.conftest import fresh_postgres_database

# A process as `serve` has one, without HTTP: its services started, every sweep round written to a file of its own
# (how many sessions the round acted on), until SIGTERM.
_PROCESS = """
import asyncio, signal, sys
from chargeassist.services import Services
from chargeassist.services.sessions import _sweeper
from chargeassist.settings import Settings

rounds = open(sys.argv[2], "a", buffering=1)
sweep = _sweeper.SessionSweeper.sweep

async def counted(self):
    acted = await sweep(self)
    rounds.write(f"{acted}\\n")
    return acted

_sweeper.SessionSweeper.sweep = counted

async def main() -> None:
    settings = Settings(database_url=sys.argv[1], session_sweep_interval_s=0.2, search_refresh_interval_s=0.0)
    services = Services.create(settings)
    await services.start()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print("ready", flush=True)
    await stop.wait()
    await services.stop()

asyncio.run(main())
"""


@dataclass
class Store:
    url: str
    partner_id: str
    app_token_pk: int


@pytest.fixture
def store() -> Iterator[Store]:
    """A fresh store with a partner whose webhook endpoint hears of every session change."""
    with fresh_postgres_database("chargeassist_once") as url:
        upgrade(url)
        yield asyncio.run(_partner(url))


async def _partner(url: str) -> Store:
    services = Services.create(Settings(database_url=url))
    try:
        partner = (await services.partners.create("Once Partner")).identity.partner_id
        await services.webhooks.put_endpoint(
            partner, "hooks", "https://hooks.example.test/charge", ["session.status_changed", "session.cdr_available"]
        )
        token, _ = await services.wallet.register(partner, "driver-once")
        return Store(url=url, partner_id=partner, app_token_pk=token.pk)
    finally:
        await services.db.dispose()


class Process:
    """One process of the two, and the sweep rounds it made."""

    def __init__(self, store: Store, rounds: Path) -> None:
        self.rounds = rounds
        self.popen = subprocess.Popen(
            [sys.executable, "-c", _PROCESS, store.url, str(rounds)], stdout=subprocess.PIPE, text=True
        )
        assert self.popen.stdout is not None
        assert self.popen.stdout.readline().strip() == "ready"

    def acted(self) -> list[int]:
        """How many sessions each of its sweep rounds acted on."""
        return [int(line) for line in self.rounds.read_text().split()] if self.rounds.exists() else []

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            self.popen.wait(30)
        if self.popen.stdout is not None:
            self.popen.stdout.close()


async def _add_session(store: Store, suffix: str, **values: object) -> str:
    db = Database(store.url)
    try:
        async with db.transaction() as session:
            session.add(
                ChargeSession(
                    id=f"cs_once_{suffix}",
                    partner_id=store.partner_id,
                    app_token_pk=store.app_token_pk,
                    start_kind="APP",
                    location_id="nl-tst-once",
                    evse_uid=f"E-{suffix}",
                    connector_id="1",
                    charge_point_id="CP-ONCE",
                    ocpp_connector_id=1,
                    id_tag="ONCETAG",
                    **values,
                )
            )
    finally:
        await db.dispose()
    return f"cs_once_{suffix}"


async def _due(store: Store, suffix: str) -> str:
    """A session whose charge point never answered the start, past its deadline."""
    asked = utcnow() - timedelta(minutes=5)
    return await _add_session(store, suffix, status="REQUESTED", requested_at=asked, remote_start_at=asked)


async def _finished(store: Store, suffix: str) -> str:
    """A session that stopped a while ago and was never priced."""
    started, stopped = utcnow() - timedelta(hours=1), utcnow() - timedelta(minutes=5)
    return await _add_session(
        store,
        suffix,
        status="COMPLETED",
        requested_at=started,
        remote_start_at=started,
        started_at=started,
        stopped_at=stopped,
        meter_start=0,
        meter_stop=12_000,
        updated_at=stopped,
    )


async def _statuses(store: Store, *session_ids: str) -> dict[str, str]:
    db = Database(store.url)
    try:
        async with db.read() as session:
            rows = await session.execute(
                select(ChargeSession.id, ChargeSession.status).where(ChargeSession.id.in_(session_ids))
            )
            return dict(rows.tuples().all())
    finally:
        await db.dispose()


async def _until(store: Store, wanted: dict[str, str]) -> None:
    async with asyncio.timeout(60):
        while await _statuses(store, *wanted) != wanted:
            await asyncio.sleep(0.1)


async def _events(store: Store, session_id: str) -> list[str]:
    db = Database(store.url)
    try:
        async with db.read() as session:
            found = await session.scalars(
                select(WebhookEvent.type).where(WebhookEvent.payload.contains(session_id)).order_by(WebhookEvent.pk)
            )
            return list(found.all())
    finally:
        await db.dispose()


async def _holder(store: Store) -> str | None:
    db = Database(store.url)
    try:
        return await lease_holder(db, SWEEP_LEASE)
    finally:
        await db.dispose()


@pytest.fixture
def processes(store: Store, tmp_path: Path) -> Iterator[list[Process]]:
    started = [Process(store, tmp_path / f"rounds-{i}.txt") for i in range(2)]
    try:
        yield started
    finally:
        for process in started:
            process.stop()


async def test_two_processes_time_a_session_out_once_and_price_one_once(store: Store, processes: list[Process]) -> None:
    late, finished = await _due(store, "late"), await _finished(store, "done")
    await _until(store, {late: "TIMEOUT", finished: "CDR_AVAILABLE"})
    assert await _events(store, late) == ["session.status_changed"]
    assert await _events(store, finished) == ["session.status_changed", "session.cdr_available"]
    # One process swept (every round), the other never did; the rounds acted on each session once.
    sweeping = [process for process in processes if process.acted()]
    assert len(sweeping) == 1
    assert sum(sweeping[0].acted()) == 2


async def test_the_sweep_of_a_killed_holder_is_taken_over(store: Store, processes: list[Process]) -> None:
    first = await _due(store, "first")
    await _until(store, {first: "TIMEOUT"})
    holder = await _holder(store)
    assert holder is not None
    (holding,) = [p for p in processes if f":{p.popen.pid}:" in holder]
    (survivor,) = [p for p in processes if p is not holding]
    os.kill(holding.popen.pid, signal.SIGKILL)
    holding.popen.wait(10)
    assert survivor.acted() == []
    second = await _due(store, "second")
    await _until(store, {second: "TIMEOUT"})  # within the lease's ttl (three rounds) and a round
    assert sum(survivor.acted()) == 1
    assert await _events(store, second) == ["session.status_changed"]
    holder_now = await _holder(store)
    assert holder_now is not None
    assert f":{survivor.popen.pid}:" in holder_now
