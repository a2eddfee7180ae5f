"""A charge point that lost a session's transaction (it rebooted empty, or the server was gone while it did)
ends that session, priced from the readings the store has; one that kept it and replays its StopTransaction
after the reboot is priced from its own figures. Nothing stays CHARGING that no charge point charges."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import msgspec
from sqlalchemy import func, select

from chargeassist.domain.sessions import MeterReading, pricing_samples
from chargeassist.domain.tariffs import decode_tariff, price_session
from chargeassist.simulator import SimulatedStation
from chargeassist.store import ChargeSession, OcppTransaction
from tests.csms._live import TARIFF, LiveServer, close_to_our_partner, driver_with_card, start_session, wait_status
from tests.csms.test_charging_end_to_end import _expected_cost

ENERGY = "Energy.Active.Import.Register"


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


async def _charging(live: LiveServer, station: SimulatedStation, app_token: str = "driver-1") -> str:
    await station.start()
    await station.wait_booted()
    method_id = await driver_with_card(live, app_token)
    response = await start_session(live, method_id, app_token=app_token)
    assert response.status_code == 201, response.text
    session_id: str = response.json()["chargeSessionId"]
    await wait_status(live, session_id, "CHARGING", app_token=app_token)
    return session_id


def _cost_up_to_the_last_reading(station: SimulatedStation) -> Decimal:
    """The price of what the charge point reported (and was answered for) before it lost the transaction."""
    (start,) = station.sent_of("StartTransaction")
    started, meter_start = _time(start.request["timestamp"]), int(start.request["meterStart"])
    readings = [
        MeterReading(
            timestamp=_time(meter_value["timestamp"]),
            energy_wh=Decimal(next(v["value"] for v in meter_value["sampledValue"] if v.get("measurand") == ENERGY)),
        )
        for exchange in station.sent_of("MeterValues")
        if exchange.result is not None
        for meter_value in exchange.request["meterValue"]
    ]
    last = max(readings, key=lambda r: r.timestamp)
    assert last.energy_wh is not None
    stopped, meter_stop = last.timestamp, int(last.energy_wh)
    samples = pricing_samples(
        started_at=started, meter_start=meter_start, stopped_at=stopped, meter_stop=meter_stop, readings=readings
    )
    priced = price_session(
        decode_tariff(msgspec.json.encode(TARIFF)),
        session_start=started,
        samples=samples,
        charging_end=stopped,
        session_end=stopped,
        time_zone="Europe/Amsterdam",
    )
    return priced.amount_due_incl_vat


async def _back_empty(live: LiveServer, station: SimulatedStation) -> SimulatedStation:
    """The charge point goes away and comes back without its transaction (a new station of the same id)."""
    await station.stop()
    empty = live.station(station.config.charge_point_id)
    await empty.start()
    await empty.wait_booted()
    # After its boot a charge point reports every connector: that is what tells the server what it lost.
    await empty.wait_sent("StatusNotification", 2)
    await empty.wait_until(lambda: all(e.done for e in empty.sent_of("StatusNotification")))
    return empty


async def _count(live: LiveServer, model: type, *where: object) -> int:
    async with live.services.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


async def test_charge_point_back_without_the_transaction_ends_the_session_priced_from_its_readings(
    live: LiveServer,
) -> None:
    live.services.sessions.lost_grace = timedelta(seconds=0.2)
    station = live.station(log_limit=None)
    session_id = await _charging(live, station)
    await station.wait_sent("MeterValues", 3)
    await station.wait_until(lambda: all(e.done for e in station.sent_of("MeterValues")))
    await _back_empty(live, station)
    session = await wait_status(live, session_id, "CDR_AVAILABLE")
    assert Decimal(session["totalCosts"]) == _cost_up_to_the_last_reading(station)
    assert "no longer" in session["statusReason"]


async def test_the_driver_may_start_again_where_the_lost_session_was(live: LiveServer) -> None:
    station = live.station()
    await _charging(live, station)
    await _back_empty(live, station)
    method_id = await driver_with_card(live)
    async with live.services.db.read() as session:
        open_sessions = await session.scalar(select(func.count()).where(ChargeSession.status == "CHARGING"))
    assert open_sessions == 0
    assert (await start_session(live, method_id)).status_code == 201


async def test_stop_of_a_lost_session_does_not_go_back_to_charging(live: LiveServer) -> None:
    station = live.station()
    session_id = await _charging(live, station)
    await _back_empty(live, station)
    response = await live.call("POST", f"/v1/tokens/driver-1/sessions/{session_id}/stop")
    assert response.status_code == 200, response.text
    assert response.json()["status"] in ("COMPLETED", "CDR_AVAILABLE")


async def test_stop_replayed_after_the_reboot_is_priced_from_the_charge_points_own_figures(
    live: LiveServer,
) -> None:
    station = live.station(log_limit=None)
    session_id = await _charging(live, station)
    await station.wait_sent("MeterValues", 2)
    await station.drop_connection(offline_s=1.0)
    await station.stop_local(1, reason="EVDisconnected")  # while offline: queued, replayed after the boot
    await station.wait_booted(timeout_s=10)
    await station.wait_until(lambda: station.outbox_size == 0)
    session = await wait_status(live, session_id, "CDR_AVAILABLE")
    assert Decimal(session["totalCosts"]) == _expected_cost(station)
    assert session["statusReason"] is None
    assert await _count(live, ChargeSession) == 1


async def test_readings_after_the_stop_do_not_change_the_finished_session(live: LiveServer) -> None:
    station = live.station(log_limit=None)
    session_id = await _charging(live, station)
    await station.wait_sent("MeterValues", 2)
    transaction_id = station.transactions[1]
    await station.stop_local(1, reason="EVDisconnected")
    receipt = await wait_status(live, session_id, "CDR_AVAILABLE")
    (stop,) = station.sent_of("StopTransaction")
    late = {
        "connectorId": 1,
        "transactionId": transaction_id,
        "meterValue": [
            {
                "timestamp": (_time(stop.request["timestamp"]) + timedelta(minutes=5)).isoformat(),
                "sampledValue": [{"value": str(stop.request["meterStop"] + 50_000), "measurand": ENERGY, "unit": "Wh"}],
            }
        ],
    }
    answer = await station.send_raw(json.dumps([2, "mv-late", "MeterValues", late]))
    assert answer == '[3,"mv-late",{}]'
    after = await wait_status(live, session_id, "CDR_AVAILABLE")
    assert after["usageSummary"] == receipt["usageSummary"]
    assert after["energyInKwh"] == receipt["energyInKwh"]


async def test_a_new_start_on_a_busy_connector_ends_the_stale_transaction(live: LiveServer) -> None:
    await close_to_our_partner(live)  # where a card charges on its wallet
    station = live.station(meter_interval_s=60.0)
    session_id = await _charging(live, station)
    card_tag = "NLTSTC000000017"  # driver-1's card, as its RFID reports it
    start = {
        "connectorId": 1,
        "idTag": card_tag,
        "meterStart": 2_000_000,
        "timestamp": datetime.now(UTC).isoformat(),
    }
    answer = json.loads(await station.send_raw(json.dumps([2, "start-2", "StartTransaction", start])) or "null")
    assert answer[2]["idTagInfo"]["status"] == "Accepted"
    stale = await wait_status(live, session_id, "COMPLETED", "CDR_AVAILABLE")
    assert stale["statusReason"] is not None
    open_here = await _count(
        live,
        OcppTransaction,
        OcppTransaction.charge_point_id == "CP-E2E-1",
        OcppTransaction.connector_id == 1,
        OcppTransaction.stopped_at.is_(None),
    )
    assert open_here == 1


async def test_an_app_tag_already_charging_gets_concurrent_tx_on_another_connector(live: LiveServer) -> None:
    station = live.station(meter_interval_s=60.0)
    await _charging(live, station)
    (first,) = station.sent_of("StartTransaction")
    start = {
        "connectorId": 2,
        "idTag": first.request["idTag"],
        "meterStart": 0,
        "timestamp": datetime.now(UTC).isoformat(),
    }
    answer = json.loads(await station.send_raw(json.dumps([2, "start-2", "StartTransaction", start])) or "null")
    assert answer[2]["idTagInfo"]["status"] == "ConcurrentTx"
