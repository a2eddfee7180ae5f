"""A driver charges for real: the app starts a session, a simulated charge point charges over a real
WebSocket, the app stops it and gets the price the tariff engine gives for the meter data."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import msgspec

from chargeassist.domain.tariffs import MeterSample, decode_tariff, price_session
from chargeassist.simulator import SimulatedStation
from tests.csms._live import TARIFF, LiveServer, driver_with_card, start_session, wait_status


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _expected_cost(station: SimulatedStation) -> Decimal:
    """Price the meter data the station sent, with the session's tariff: what the CDR must say."""
    (start,) = station.sent_of("StartTransaction")
    (stop,) = station.sent_of("StopTransaction")
    started, stopped = _time(start.request["timestamp"]), _time(stop.request["timestamp"])
    samples = [MeterSample(timestamp=started, energy_wh=Decimal(start.request["meterStart"]))]
    for exchange in station.sent_of("MeterValues"):
        for meter_value in exchange.request["meterValue"]:
            at = _time(meter_value["timestamp"])
            if not started < at < stopped:
                continue
            values: dict[str, Any] = {v["measurand"]: Decimal(v["value"]) for v in meter_value["sampledValue"]}
            samples.append(
                MeterSample(
                    timestamp=at,
                    energy_wh=values["Energy.Active.Import.Register"],
                    power_w=values.get("Power.Active.Import"),
                    current_a=values.get("Current.Import"),
                    state_of_charge=values.get("SoC"),
                )
            )
    samples.append(MeterSample(timestamp=stopped, energy_wh=Decimal(stop.request["meterStop"])))
    tariff = decode_tariff(msgspec.json.encode(TARIFF))
    priced = price_session(
        tariff,
        session_start=started,
        samples=samples,
        charging_end=stopped,
        session_end=stopped,
        time_zone="Europe/Amsterdam",
    )
    return priced.amount_due_incl_vat


async def _charging(live: LiveServer) -> tuple[SimulatedStation, str]:
    station = live.station()
    await station.start()
    await station.wait_booted()
    method_id = await driver_with_card(live)
    response = await start_session(live, method_id)
    assert response.status_code == 201, response.text
    session_id: str = response.json()["chargeSessionId"]
    await wait_status(live, session_id, "CHARGING")
    return station, session_id


async def test_start_answers_at_once_with_the_session_and_when_to_ask_again(live: LiveServer) -> None:
    station = live.station()
    await station.start()
    await station.wait_booted()
    method_id = await driver_with_card(live)
    response = await start_session(live, method_id)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["chargeSessionId"].startswith("cs_")
    assert body["status"] == "REQUESTED"
    assert body["nextStatusCall"] is not None


async def test_remote_start_makes_the_session_charge(live: LiveServer) -> None:
    station, session_id = await _charging(live)
    assert station.count_received("RemoteStartTransaction") == 1
    session = await wait_status(live, session_id, "CHARGING")
    assert session["startTime"] is not None
    assert session["startMethod"] == "APP"


async def test_energy_grows_while_charging(live: LiveServer) -> None:
    station, session_id = await _charging(live)
    await station.wait_sent("MeterValues", 3)
    first = await wait_status(live, session_id, "CHARGING")
    sent = station.count_sent("MeterValues")
    await station.wait_sent("MeterValues", sent + 3)
    second = await wait_status(live, session_id, "CHARGING")
    assert Decimal(second["energyInKwh"]) > Decimal(first["energyInKwh"]) > 0
    assert Decimal(second["currentPowerInKw"]) > 0
    assert len(second["usageSummary"]["dataPoints"]) >= 3


async def test_stop_gives_a_priced_receipt_from_the_meter_data(live: LiveServer) -> None:
    station, session_id = await _charging(live)
    await station.wait_sent("MeterValues", 4)
    response = await live.call("POST", f"/v1/tokens/driver-1/sessions/{session_id}/stop")
    assert response.status_code == 200, response.text
    assert response.json()["status"] in ("STOPPING", "COMPLETED", "CDR_AVAILABLE")
    session = await wait_status(live, session_id, "CDR_AVAILABLE")
    assert Decimal(session["totalCosts"]) == _expected_cost(station)
    assert Decimal(session["totalCosts"]) > 0
    assert session["currency"] == "EUR"
    assert session["vatPercentage"] == "21.0"
    assert {line["dimension"] for line in session["costBreakdown"]} == {"ENERGY", "TIME"}
