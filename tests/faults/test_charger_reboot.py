"""A charge point reboots mid-session: the session ends, never stranded CHARGING, and the driver can start
again on that EVSE. Told to reset, it stops its transaction first and the session is priced from it; after a
power loss it comes back without one, only its BootNotification and StatusNotification say so, and the
session ends at the last reading the store has."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from chargeassist.simulator import SimulatedStation
from chargeassist.store import MeterValueRow
from tests.faults._served import Served, driver_with_card, expected_cost, start_session, wait_status


async def _charging(server: Served, station: SimulatedStation, method_id: str) -> str:
    response = await start_session(server, method_id)
    assert response.status_code == 201, response.text
    session_id: str = response.json()["chargeSessionId"]
    await wait_status(server, session_id, "CHARGING")
    await station.wait_transaction(1)
    return session_id


async def _connector_free(server: Served, connector_id: int, timeout_s: float = 10.0) -> None:
    """Wait until the server has taken in that the connector is free again (its own view, not the station's log:
    the boot's statuses and the replug's may be processed in either order)."""
    async with asyncio.timeout(timeout_s):
        while True:
            response = await server.call("GET", "/v1/operator/charge-points/CP-E2E-1", server.operator_key)
            statuses = {c["connectorId"]: c["status"] for c in response.json()["connectors"]}
            if statuses.get(connector_id) in ("Available", "Preparing"):
                return
            await asyncio.sleep(0.05)


async def _last_energy_stored(server: Served, transaction_id: int) -> Decimal:
    """The highest register reading the store has for the transaction (a reading whose answer the power cut
    took may be there too, so the station's own log cannot say)."""
    engine = create_async_engine(server.database_url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            rows = await connection.scalars(
                select(MeterValueRow.energy_wh).where(MeterValueRow.transaction_id == transaction_id)
            )
            return max(Decimal(value) for value in rows if value is not None)
    finally:
        await engine.dispose()


async def test_a_hard_reset_ends_the_session_priced(server: Served) -> None:
    station = server.station()
    await station.start()
    await station.wait_booted(timeout_s=15)
    session_id = await _charging(server, station, await driver_with_card(server))
    await station.wait_sent("MeterValues", 3)

    response = await server.call(
        "POST", "/v1/operator/charge-points/CP-E2E-1/commands/reset", server.operator_key, json={"type": "Hard"}
    )
    assert response.status_code == 200, response.text

    session = await wait_status(server, session_id, "CDR_AVAILABLE", timeout_s=20)
    assert Decimal(session["totalCosts"]) == expected_cost(station)


async def test_the_driver_starts_again_after_a_hard_reset(server: Served) -> None:
    station = server.station()
    await station.start()
    await station.wait_booted(timeout_s=15)
    method_id = await driver_with_card(server)
    first = await _charging(server, station, method_id)
    response = await server.call(
        "POST", "/v1/operator/charge-points/CP-E2E-1/commands/reset", server.operator_key, json={"type": "Hard"}
    )
    assert response.status_code == 200, response.text
    await wait_status(server, first, "CDR_AVAILABLE", timeout_s=20)
    await station.wait_until(lambda: station.boot_count == 2, timeout_s=20)
    # The cable stayed in through the reset (Finishing): the driver plugs in again, as at a real charger.
    await station.unplug(1)
    await station.plug_in(1)
    await _connector_free(server, 1)

    again = await _charging(server, station, method_id)

    assert again != first


async def _power_lost(server: Served) -> tuple[SimulatedStation, str, str, int]:
    """A charging session whose charger lost power and came back without its transaction.

    Returns the rebooted charger, the session, the card's payment method and the lost transaction's id.
    """
    station = server.station()
    await station.start()
    await station.wait_booted(timeout_s=15)
    method_id = await driver_with_card(server)
    session_id = await _charging(server, station, method_id)
    await station.wait_sent("MeterValues", 3)
    transaction_id = station.transactions[1]
    # Power gone: no StopTransaction, no close frame, and the charger forgets the transaction.
    await station.drop_connection(offline_s=3600)
    await station.stop()
    rebooted = server.station(initial_meter_wh=station.connectors[1].meter_wh)
    await rebooted.start()
    await rebooted.wait_booted(timeout_s=15)
    return rebooted, session_id, method_id, transaction_id


async def test_a_charger_back_without_its_transaction_ends_the_session_at_its_last_reading(server: Served) -> None:
    _, session_id, _, transaction_id = await _power_lost(server)

    # Priced once the (shortened) grace period for a charger that still had the transaction queued is over.
    session = await wait_status(server, session_id, "CDR_AVAILABLE", timeout_s=20)

    (start,) = server.stations[0].sent_of("StartTransaction")
    energy = await _last_energy_stored(server, transaction_id)
    assert Decimal(session["energyInKwh"]) == (energy - start.request["meterStart"]) / 1000
    assert Decimal(session["totalCosts"]) > 0
    assert session["statusReason"]


async def test_the_driver_starts_again_after_the_charger_lost_its_transaction(server: Served) -> None:
    rebooted, first, method_id, _ = await _power_lost(server)
    await wait_status(server, first, "COMPLETED", "CDR_AVAILABLE", timeout_s=20)

    response = await start_session(server, method_id)

    assert response.status_code == 201, response.text
    await wait_status(server, response.json()["chargeSessionId"], "CHARGING")
    assert await rebooted.wait_transaction(1)
