"""A charge point loses its connection and comes back: nothing it sent is lost, nothing is counted twice."""

from __future__ import annotations

import json
from decimal import Decimal

from sqlalchemy import func, select

from chargeassist.simulator import SimulatedStation
from chargeassist.store import ChargeSession, MeterValueRow, OcppTransaction
from tests.csms._live import LiveServer, driver_with_card, start_session, wait_status
from tests.csms.test_charging_end_to_end import _expected_cost


async def _count(live: LiveServer, model: type, *where: object) -> int:
    async with live.services.db.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


async def _charging(live: LiveServer, station: SimulatedStation) -> str:
    await station.start()
    await station.wait_booted()
    method_id = await driver_with_card(live)
    response = await start_session(live, method_id)
    assert response.status_code == 201, response.text
    session_id: str = response.json()["chargeSessionId"]
    await wait_status(live, session_id, "CHARGING")
    return session_id


def _sent_readings(station: SimulatedStation) -> set[str]:
    """Timestamps of the periodic readings the charge point had answered."""
    return {
        meter_value["timestamp"]
        for exchange in station.sent_of("MeterValues")
        if exchange.result is not None
        for meter_value in exchange.request["meterValue"]
    }


async def test_readings_taken_offline_arrive_after_the_reconnect(live: LiveServer) -> None:
    station = live.station(log_limit=None)
    session_id = await _charging(live, station)
    await station.wait_sent("MeterValues", 2)
    await station.drop_connection(offline_s=0.5)
    await station.wait_booted(timeout_s=10)
    await station.wait_until(lambda: station.outbox_size == 0)
    replayed = [e for e in station.sent_of("MeterValues") if e.replay]
    assert replayed, "nothing was queued while offline"
    transaction_id = station.transactions[1]
    stored = await _count(live, MeterValueRow, MeterValueRow.transaction_id == transaction_id)
    assert stored == len(_sent_readings(station))
    await wait_status(live, session_id, "CHARGING")


async def test_replayed_readings_are_priced_in_their_own_order(live: LiveServer) -> None:
    station = live.station(log_limit=None)
    session_id = await _charging(live, station)
    await station.wait_sent("MeterValues", 2)
    await station.drop_connection(offline_s=0.5)
    await station.wait_booted(timeout_s=10)
    await station.stop_local(1, reason="EVDisconnected")
    session = await wait_status(live, session_id, "CDR_AVAILABLE")
    assert Decimal(session["totalCosts"]) == _expected_cost(station)


async def test_start_transaction_sent_again_gets_the_same_id_and_no_second_session(live: LiveServer) -> None:
    station = live.station(retry_transaction_messages=True, log_limit=None)
    await _charging(live, station)
    await station.drop_connection(offline_s=0.1)
    await station.wait_until(lambda: len(station.sent_of("StartTransaction")) == 2 and station.booted, 10)
    await station.wait_until(lambda: all(e.done for e in station.sent_of("StartTransaction")), 10)
    first, again = station.sent_of("StartTransaction")
    assert again.replay
    assert again.result.transaction_id == first.result.transaction_id
    assert await _count(live, OcppTransaction) == 1
    assert await _count(live, ChargeSession) == 1


async def test_stop_transaction_sent_again_changes_nothing(live: LiveServer) -> None:
    station = live.station(retry_transaction_messages=True, log_limit=None)
    session_id = await _charging(live, station)
    await station.wait_sent("MeterValues", 2)
    transaction_id = station.transactions[1]
    await live.call("POST", f"/v1/tokens/driver-1/sessions/{session_id}/stop")
    receipt = await wait_status(live, session_id, "CDR_AVAILABLE")
    readings = await _count(live, MeterValueRow, MeterValueRow.transaction_id == transaction_id)
    await station.drop_connection(offline_s=0.1)
    await station.wait_until(lambda: len(station.sent_of("StopTransaction")) == 2 and station.booted, 10)
    await station.wait_until(lambda: all(e.done for e in station.sent_of("StopTransaction")), 10)
    assert station.sent_of("StopTransaction")[1].error is None
    after = await wait_status(live, session_id, "CDR_AVAILABLE")
    assert after == receipt
    assert await _count(live, MeterValueRow, MeterValueRow.transaction_id == transaction_id) == readings
    assert await _count(live, ChargeSession) == 1


async def test_the_same_reading_twice_is_stored_once(live: LiveServer) -> None:
    station = live.station(meter_interval_s=60.0)
    await _charging(live, station)
    transaction_id = station.transactions[1]
    before = await _count(live, MeterValueRow, MeterValueRow.transaction_id == transaction_id)
    reading = {
        "connectorId": 1,
        "transactionId": transaction_id,
        "meterValue": [
            {
                "timestamp": "2030-01-01T00:00:00Z",
                "sampledValue": [{"value": "123456", "measurand": "Energy.Active.Import.Register", "unit": "Wh"}],
            }
        ],
    }
    for attempt in ("first", "again"):
        answer = await station.send_raw(json.dumps([2, f"mv-{attempt}", "MeterValues", reading]))
        assert answer == f'[3,"mv-{attempt}",{{}}]'
    assert await _count(live, MeterValueRow, MeterValueRow.transaction_id == transaction_id) == before + 1


async def test_readings_for_another_charge_points_transaction_are_ignored(live: LiveServer) -> None:
    station = live.station(meter_interval_s=60.0)
    await _charging(live, station)
    transaction_id = station.transactions[1]
    before = await _count(live, MeterValueRow)
    foreign = {
        "connectorId": 1,
        "transactionId": transaction_id + 1000,
        "meterValue": [{"timestamp": "2030-01-01T00:00:00Z", "sampledValue": [{"value": "1"}]}],
    }
    answer = await station.send_raw(json.dumps([2, "mv-foreign", "MeterValues", foreign]))
    assert answer == '[3,"mv-foreign",{}]'
    assert await _count(live, MeterValueRow) == before
