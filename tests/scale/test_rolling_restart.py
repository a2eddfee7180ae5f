"""A rolling deploy: process A, holding the charge point mid-session, is stopped cleanly (SIGTERM) and started
again. The charge point moves to B and keeps charging; the restarted A drives it on B (the other direction
across the bus) and follows the session to its end; every reading is stored once."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from chargeassist.simulator import SimulatedStation
from chargeassist.store import ChargeSession, MeterValueRow, OcppTransaction
from tests.faults._served import driver_with_card, start_session, wait_status
from tests.scale._pair import Following, Node, Pair, command, eventually

pytestmark = pytest.mark.scale

CP = "CP-E2E-1"


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _readings_taken(station: SimulatedStation) -> set[datetime]:
    return {
        _time(meter_value["timestamp"])
        for exchange in station.sent_of("MeterValues")
        for meter_value in exchange.request["meterValue"]
    }


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


async def _a_reaches_b(pair: Pair) -> bool:
    response = await command(pair.a, CP, "get-configuration", {"key": ["HeartbeatInterval"]})
    return response.status_code == 200


async def test_a_process_restarted_cleanly_mid_session_hands_the_charge_point_to_b(pair: Pair) -> None:
    station = pair.station(CP)
    await station.start()
    await station.wait_booted(timeout_s=15)
    response = await start_session(pair.b, await driver_with_card(pair.b))
    assert response.status_code == 201, response.text
    session_id: str = response.json()["chargeSessionId"]
    await wait_status(pair.b, session_id, "CHARGING")
    transaction_id = await station.wait_transaction(1)
    await station.wait_sent("MeterValues", 3)

    await pair.a.stop()
    await station.wait_until(lambda: station.current_endpoint.startswith(pair.b.ocpp_url), timeout_s=15)
    await station.wait_booted(timeout_s=20)
    await pair.a.start()

    await eventually(lambda: _a_reaches_b(pair), timeout_s=15, what="the restarted A reaching the charge point on B")
    await wait_status(pair.a, session_id, "CHARGING")
    async with Following(pair.a, "driver-1", session_id) as events:
        response = await pair.a.call("POST", f"/v1/tokens/driver-1/sessions/{session_id}/stop")
        assert response.status_code == 200, response.text
        statuses = await events.ended()
    assert (statuses[0], statuses[-1]) == ("CHARGING", "CDR_AVAILABLE"), statuses

    await station.wait_until(lambda: station.outbox_size == 0, timeout_s=15)
    (start,) = [e for e in station.sent_of("StartTransaction") if e.result is not None]
    (stop,) = [e for e in station.sent_of("StopTransaction") if e.result is not None]
    ends = {_time(start.request["timestamp"]), _time(stop.request["timestamp"])}
    assert await _stored_readings(pair.b, transaction_id) == _readings_taken(station) | ends
    assert station.count_received("RemoteStopTransaction") == 1
    assert await pair.b.count(OcppTransaction) == 1
    assert await pair.b.count(ChargeSession, ChargeSession.status == "CDR_AVAILABLE") == 1
