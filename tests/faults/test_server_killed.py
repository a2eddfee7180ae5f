"""``kill -9`` of the server mid-session while the charge point keeps running: it reconnects to the restarted
server, replays what it queued, and the session ends once, priced from every reading, nothing lost or doubled."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from chargeassist.simulator import SimulatedStation
from chargeassist.store import ChargeSession, MeterValueRow, OcppTransaction
from tests.faults._served import Served, driver_with_card, expected_cost, readings_sent, start_session, wait_status


async def _stored_readings(server: Served, transaction_id: int) -> list[datetime]:
    engine = create_async_engine(server.database_url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            rows = await connection.scalars(
                select(MeterValueRow.timestamp).where(MeterValueRow.transaction_id == transaction_id)
            )
            return list(rows)
    finally:
        await engine.dispose()


async def _charging_then_killed(server: Served) -> tuple[SimulatedStation, str, int]:
    """A session charging with readings stored, then the server killed; returns the station, session, transaction."""
    station = server.station()
    await station.start()
    await station.wait_booted(timeout_s=15)
    response = await start_session(server, await driver_with_card(server))
    assert response.status_code == 201, response.text
    session_id: str = response.json()["chargeSessionId"]
    await wait_status(server, session_id, "CHARGING")
    transaction_id = await station.wait_transaction(1)
    await station.wait_sent("MeterValues", 3)
    await server.kill()
    await station.wait_until(lambda: not station.connected, timeout_s=15)
    return station, session_id, transaction_id


async def test_a_killed_server_loses_and_doubles_nothing_of_a_running_session(server: Served) -> None:
    station, session_id, transaction_id = await _charging_then_killed(server)
    # Readings the charger takes while the server is down wait in its queue.
    queued = station.outbox_size
    await station.wait_until(lambda: station.outbox_size > queued, timeout_s=15)
    await server.start()
    await station.wait_booted(timeout_s=20)
    await station.wait_until(lambda: station.outbox_size == 0, timeout_s=20)
    assert [e for e in station.sent_of("MeterValues") if e.replay], "nothing was replayed after the restart"

    response = await server.call("POST", f"/v1/tokens/driver-1/sessions/{session_id}/stop")
    assert response.status_code == 200, response.text
    session = await wait_status(server, session_id, "CDR_AVAILABLE", timeout_s=20)

    stored = await _stored_readings(server, transaction_id)
    assert len(stored) == len(set(stored))
    assert readings_sent(station) <= set(stored)
    (start,) = station.sent_of("StartTransaction")
    (stop,) = station.sent_of("StopTransaction")
    assert Decimal(session["energyInKwh"]) == (stop.request["meterStop"] - start.request["meterStart"]) / Decimal(1000)
    assert Decimal(session["totalCosts"]) == expected_cost(station)
    assert await server.count(OcppTransaction) == 1
    assert await server.count(ChargeSession) == 1
    assert await server.count(ChargeSession, ChargeSession.status == "CDR_AVAILABLE") == 1


async def test_a_stop_at_the_charger_while_the_server_is_down_is_priced_once_after_the_restart(server: Served) -> None:
    station, session_id, transaction_id = await _charging_then_killed(server)
    await station.wait_until(lambda: station.outbox_size > 0, timeout_s=15)
    await station.unplug(1)  # the driver pulls the cable: the StopTransaction waits in the charger's queue

    await server.start()
    session = await wait_status(server, session_id, "CDR_AVAILABLE", timeout_s=20)

    assert readings_sent(station) <= set(await _stored_readings(server, transaction_id))
    assert Decimal(session["totalCosts"]) == expected_cost(station)
    assert await server.count(OcppTransaction) == 1
    assert await server.count(ChargeSession) == 1
