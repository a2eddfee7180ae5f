"""Redis stopped for ten seconds under both processes, then started again (empty, as after a restart without
persistence): commands that need it fail fast with 503 ``command_bus_unavailable`` and never report success,
nothing the charge point sent meanwhile is lost, and afterwards everything works again without a restart."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from chargeassist.simulator import SimulatedStation
from chargeassist.store import ChargeSession, MeterValueRow
from tests.conftest import PrivateRedis
from tests.csms._live import EVSES, LOCATION_ID
from tests.faults._served import driver_with_card, start_session, wait_status
from tests.scale._pair import Following, Node, Pair, command, eventually, two_processes

pytestmark = pytest.mark.scale

CP = "CP-E2E-1"
OUTAGE_S = 10.0
FAST_S = 5.0
"""A bound on a hang, not a benchmark: a refused connection fails at once, a call is bounded at 2 s."""


@pytest.fixture
async def pair_on_private_redis(
    private_redis: PrivateRedis, redis_prefix: str, store_url: str, tmp_path: Path
) -> AsyncIterator[Pair]:
    """A and B on a Redis of the test's own, which it stops and starts."""
    async with two_processes(store_url, private_redis.url, redis_prefix, tmp_path) as running:
        yield running


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


async def _stored_readings(node: Node, transaction_id: int) -> set[datetime]:
    engine = create_async_engine(node.database_url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            rows = await connection.scalars(
                select(MeterValueRow.timestamp).where(MeterValueRow.transaction_id == transaction_id)
            )
            return set(rows)
    finally:
        await engine.dispose()


def _readings_taken(station: SimulatedStation) -> set[datetime]:
    return {
        _time(meter_value["timestamp"])
        for exchange in station.sent_of("MeterValues")
        for meter_value in exchange.request["meterValue"]
    }


async def _timed(call: Awaitable[httpx.Response]) -> tuple[httpx.Response, float]:
    """The answer and how long it took (seconds)."""
    began = time.monotonic()
    response = await call
    return response, time.monotonic() - began


async def _b_reaches_a(pair: Pair) -> bool:
    response = await command(pair.b, CP, "get-configuration", {"key": ["HeartbeatInterval"]})
    return response.status_code == 200


async def test_a_redis_outage_fails_fast_loses_nothing_and_heals(
    pair_on_private_redis: Pair, private_redis: PrivateRedis
) -> None:
    pair = pair_on_private_redis
    station = pair.station(CP)
    await station.start()
    await station.wait_booted(timeout_s=15)
    method_id = await driver_with_card(pair.b)
    response = await start_session(pair.b, method_id)
    assert response.status_code == 201, response.text
    session_id: str = response.json()["chargeSessionId"]
    await wait_status(pair.b, session_id, "CHARGING")
    transaction_id = await station.wait_transaction(1)
    await eventually(lambda: _b_reaches_a(pair), timeout_s=15, what="B reaching A before the outage")

    # Followers of the session on B: one open across the outage, one opened during it, one after it.
    async with contextlib.AsyncExitStack() as followers:
        across = await followers.enter_async_context(Following(pair.b, "driver-1", session_id))
        await asyncio.to_thread(private_redis.stop)
        outage_began = time.monotonic()
        taken_before = len(_readings_taken(station))

        response, took_s = await _timed(command(pair.b, CP, "get-configuration", {"key": ["HeartbeatInterval"]}))
        assert (response.status_code, response.json()["code"]) == (503, "command_bus_unavailable"), response.text
        assert took_s < FAST_S, f"a command through B took {took_s:.1f}s during the outage"

        response, took_s = await _timed(pair.b.call("POST", f"/v1/tokens/driver-1/sessions/{session_id}/stop"))
        assert (response.status_code, response.json()["code"]) == (503, "command_bus_unavailable"), response.text
        assert took_s < FAST_S, f"a stop through B took {took_s:.1f}s during the outage"

        body = {"locationId": LOCATION_ID, "evseUid": EVSES[1], "paymentMethodId": method_id}
        response, took_s = await _timed(pair.b.call("POST", "/v1/tokens/driver-1/sessions", json=body))
        assert (response.status_code, response.json()["code"]) == (503, "command_bus_unavailable"), response.text
        assert took_s < FAST_S, f"a start through B took {took_s:.1f}s during the outage"
        assert await pair.b.count(ChargeSession) == 1  # the refused start left no session behind

        during = await followers.enter_async_context(Following(pair.b, "driver-1", session_id))

        # A holds the charge point: its own commands do not need Redis.
        response = await command(pair.a, CP, "get-configuration", {"key": ["HeartbeatInterval"]})
        assert response.status_code == 200, response.text

        # The charge point reconnects during the outage: A cannot record that it holds it until Redis is back.
        connections = station.connect_count
        await station.drop_connection()
        await station.wait_until(lambda: station.connect_count > connections and station.booted, timeout_s=15)
        assert station.current_endpoint.startswith(pair.a.ocpp_url)

        await asyncio.sleep(max(0.0, OUTAGE_S - (time.monotonic() - outage_began)))
        assert len(_readings_taken(station)) > taken_before, "no readings were taken during the outage"
        await wait_status(pair.b, session_id, "CHARGING")  # the refused stop did not stop it
        assert station.count_received("RemoteStopTransaction") == 0
        await asyncio.to_thread(private_redis.start)

        await eventually(lambda: _b_reaches_a(pair), timeout_s=15, what="B reaching A after the outage")
        after = await followers.enter_async_context(Following(pair.b, "driver-1", session_id))
        response = await pair.b.call("POST", f"/v1/tokens/driver-1/sessions/{session_id}/stop")
        assert response.status_code == 200, response.text
        for name, events in (("across", across), ("during", during), ("after", after)):
            statuses = await events.ended()
            assert (statuses[0], statuses[-1]) == ("CHARGING", "CDR_AVAILABLE"), (name, statuses)

    await station.wait_until(lambda: station.outbox_size == 0, timeout_s=15)
    (start,) = [e for e in station.sent_of("StartTransaction") if e.result is not None]
    (stop,) = [e for e in station.sent_of("StopTransaction") if e.result is not None]
    ends = {_time(start.request["timestamp"]), _time(stop.request["timestamp"])}
    assert await _stored_readings(pair.b, transaction_id) == _readings_taken(station) | ends
    assert station.count_received("RemoteStopTransaction") == 1
    assert await pair.b.count(ChargeSession, ChargeSession.status == "CDR_AVAILABLE") == 1
