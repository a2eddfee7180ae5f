"""A driver charges for real: the app starts a session, a simulated charge point charges over a real
WebSocket, the app stops it and gets the price the tariff engine gives for the meter data."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import msgspec
import pytest

from chargeassist.domain.tariffs import MeterSample, decode_tariff, price_session
from chargeassist.simulator import AuthorizationRejected, BatteryModel, SimulatedStation
from tests.csms._live import (
    TARIFF,
    LiveServer,
    close_to_our_partner,
    driver_with_card,
    seed,
    start_session,
    wait_status,
)


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


CARD_TAG = "NLTSTC000000017"  # the card's visual number NL-TST-C00000001-7, normalised: what its RFID reports


async def test_stop_at_the_charger_ends_the_session_like_a_stop_from_the_app(live: LiveServer) -> None:
    station, session_id = await _charging(live)
    await station.wait_sent("MeterValues", 3)
    await station.unplug(1)  # the driver pulls the cable
    session = await wait_status(live, session_id, "CDR_AVAILABLE")
    assert Decimal(session["totalCosts"]) == _expected_cost(station)
    assert station.count_received("RemoteStopTransaction") == 0


async def test_rfid_card_starts_a_session_at_the_charger(live: LiveServer) -> None:
    await close_to_our_partner(live)
    station = live.station()
    await station.start()
    await station.wait_booted()
    await driver_with_card(live)
    tx = await station.start_rfid(1, CARD_TAG)
    assert tx.id_tag_status == "Accepted"
    response = await live.call("GET", "/v1/tokens/driver-1/sessions")
    (session,) = response.json()["data"]
    assert session["startMethod"] == "RFID"
    assert session["status"] == "CHARGING"
    assert session["evseUid"] == "E2E-EVSE-1"


async def test_rfid_session_stopped_with_the_card_is_priced(live: LiveServer) -> None:
    await close_to_our_partner(live)
    station = live.station()
    await station.start()
    await station.wait_booted()
    await driver_with_card(live)
    await station.start_rfid(1, CARD_TAG)
    await station.wait_sent("MeterValues", 3)
    await station.stop_local(1, reason="Local")
    response = await live.call("GET", "/v1/tokens/driver-1/sessions")
    (listed,) = response.json()["data"]
    session = await wait_status(live, listed["chargeSessionId"], "CDR_AVAILABLE")
    assert Decimal(session["totalCosts"]) == _expected_cost(station)


async def test_unknown_rfid_card_is_refused(live: LiveServer) -> None:
    station = live.station()
    await station.start()
    await station.wait_booted()
    with pytest.raises(AuthorizationRejected) as refused:
        await station.start_rfid(1, "UNKNOWNCARD1")
    assert refused.value.status == "Invalid"


async def test_charge_point_rejecting_the_start_makes_the_session_rejected(live: LiveServer) -> None:
    station = live.station(reject_remote_start=True)
    await station.start()
    await station.wait_booted()
    method_id = await driver_with_card(live)
    response = await start_session(live, method_id)
    session = await wait_status(live, response.json()["chargeSessionId"], "REJECTED")
    assert session["nextStatusCall"] is None
    assert session["endTime"] is not None


async def test_no_answer_to_the_start_times_out(impatient: LiveServer) -> None:
    station = impatient.station(never_answer=True)
    await station.start()
    await station.wait_booted()
    method_id = await driver_with_card(impatient)
    response = await start_session(impatient, method_id)
    session = await wait_status(impatient, response.json()["chargeSessionId"], "TIMEOUT")
    assert session["statusReason"] == "the charge point did not answer the start"


async def test_accepted_start_without_a_transaction_times_out(impatient: LiveServer) -> None:
    station = impatient.station(remote_start_waits_for_plug=True)  # and nobody plugs in
    await station.start()
    await station.wait_booted()
    method_id = await driver_with_card(impatient)
    response = await start_session(impatient, method_id)
    session_id = response.json()["chargeSessionId"]
    await wait_status(impatient, session_id, "STARTING", "TIMEOUT")
    session = await wait_status(impatient, session_id, "TIMEOUT")
    assert session["statusReason"] == "the charge point accepted the start but charging did not begin"


async def test_transaction_starting_after_the_timeout_is_refused(impatient: LiveServer) -> None:
    station = impatient.station(remote_start_waits_for_plug=True)
    await station.start()
    await station.wait_booted()
    method_id = await driver_with_card(impatient)
    response = await start_session(impatient, method_id)
    session_id = response.json()["chargeSessionId"]
    await wait_status(impatient, session_id, "TIMEOUT")
    await station.plug_in(1)  # too late
    await station.wait_until(lambda: bool(station.connectors[1].past_transactions), timeout_s=5)
    (tx,) = station.connectors[1].past_transactions
    assert tx.id_tag_status == "Invalid"
    assert tx.stop_reason == "DeAuthorized"
    session = await wait_status(impatient, session_id, "TIMEOUT")
    assert session["totalCosts"] is None


async def test_timeout_survives_a_restart(impatient: LiveServer) -> None:
    station = impatient.station(never_answer=True)
    await station.start()
    await station.wait_booted()
    method_id = await driver_with_card(impatient)
    response = await start_session(impatient, method_id)
    session_id = response.json()["chargeSessionId"]
    # The process that sent the command forgets it (as a restart would); the store still knows the deadline.
    await impatient.services.sessions.stop()
    await impatient.services.sessions.start(impatient.services.continuation)  # type: ignore[arg-type]
    await wait_status(impatient, session_id, "TIMEOUT")


async def test_full_battery_parks_the_session(live: LiveServer) -> None:
    full_soon = BatteryModel(capacity_kwh=1.0, start_soc=70.0, target_soc=75.0)
    station = live.station(battery=full_soon)
    await station.start()
    await station.wait_booted()
    method_id = await driver_with_card(live)
    response = await start_session(live, method_id)
    session_id = response.json()["chargeSessionId"]
    await station.wait_status(1, "SuspendedEV")
    await wait_status(live, session_id, "PARKING")
    await live.call("POST", f"/v1/tokens/driver-1/sessions/{session_id}/stop")
    await wait_status(live, session_id, "CDR_AVAILABLE")


async def test_card_is_refused_at_a_location_closed_to_its_partner(live: LiveServer) -> None:
    other = await live.services.partners.create("Closed-loop Owner")
    await seed(live, restricted_to=[other.identity.partner_id])
    station = live.station()
    await station.start()
    await station.wait_booted()
    await driver_with_card(live)
    with pytest.raises(AuthorizationRejected) as refused:
        await station.start_rfid(1, CARD_TAG)
    assert refused.value.status == "Invalid"


async def test_card_of_a_listed_partner_is_accepted_at_a_closed_location(live: LiveServer) -> None:
    await close_to_our_partner(live)
    station = live.station()
    await station.start()
    await station.wait_booted()
    await driver_with_card(live)
    tx = await station.start_rfid(1, CARD_TAG)
    assert tx.id_tag_status == "Accepted"
