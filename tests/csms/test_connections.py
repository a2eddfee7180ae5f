"""Who may connect to /ocpp/{chargePointId}, answered before the WebSocket upgrade; one connection per
charge point; what the operator sees of them."""

from __future__ import annotations

import asyncio
import base64
import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Subprotocol

from tests.csms._live import PASSWORD, LiveServer


def _basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


async def _refusal(live: LiveServer, charge_point_id: str, **kwargs: object) -> InvalidStatus:
    with pytest.raises(InvalidStatus) as refused:
        async with connect(f"{live.ocpp_url}/{charge_point_id}", proxy=None, **kwargs):  # type: ignore[arg-type]
            pass
    return refused.value


async def test_wrong_password_is_401_before_the_upgrade(live: LiveServer) -> None:
    station = live.station(password="not-the-right-password")
    await station.start()
    await station.wait_until(lambda: station.connect_failures >= 1)
    assert isinstance(station.last_error, InvalidStatus)
    assert station.last_error.response.status_code == 401
    assert station.connect_count == 0


async def test_missing_password_is_401_with_a_basic_challenge(live: LiveServer) -> None:
    refused = await _refusal(live, "CP-E2E-1", subprotocols=[Subprotocol("ocpp1.6")])
    assert refused.response.status_code == 401
    assert refused.response.headers["WWW-Authenticate"].startswith("Basic ")


async def test_password_of_another_user_name_is_401(live: LiveServer) -> None:
    refused = await _refusal(
        live, "CP-E2E-1", subprotocols=[Subprotocol("ocpp1.6")], additional_headers=_basic("CP-OTHER", PASSWORD)
    )
    assert refused.response.status_code == 401


async def test_unknown_charge_point_is_404_before_the_upgrade(live: LiveServer) -> None:
    station = live.station("CP-NOBODY-KNOWS")
    await station.start()
    await station.wait_until(lambda: station.connect_failures >= 1)
    assert isinstance(station.last_error, InvalidStatus)
    assert station.last_error.response.status_code == 404


async def test_refusal_is_problem_json(live: LiveServer) -> None:
    refused = await _refusal(
        live, "CP-NOBODY-KNOWS", subprotocols=[Subprotocol("ocpp1.6")], additional_headers=_basic("x", "y")
    )
    assert refused.response.headers["Content-Type"] == "application/problem+json"
    assert json.loads(refused.response.body)["code"] == "charge_point_not_found"


async def test_client_offering_no_ocpp16_is_refused(live: LiveServer) -> None:
    refused = await _refusal(
        live, "CP-E2E-1", subprotocols=[Subprotocol("ocpp2.0.1")], additional_headers=_basic("CP-E2E-1", PASSWORD)
    )
    assert refused.response.status_code == 400


async def test_client_offering_ocpp16_gets_it(live: LiveServer) -> None:
    station = live.station()
    await station.start()
    await station.wait_booted()
    assert station.subprotocol == "ocpp1.6"


async def test_second_connection_replaces_the_first(live: LiveServer) -> None:
    headers = _basic("CP-E2E-1", PASSWORD)
    url = f"{live.ocpp_url}/CP-E2E-1"
    offer = [Subprotocol("ocpp1.6")]
    async with (
        connect(url, subprotocols=offer, additional_headers=headers, proxy=None) as first,
        connect(url, subprotocols=offer, additional_headers=headers, proxy=None) as second,
    ):
        with pytest.raises(ConnectionClosed):
            await first.recv()
        await second.send(json.dumps([2, "hb-1", "Heartbeat", {}]))
        answer = json.loads(await second.recv())
        assert answer[:2] == [3, "hb-1"]


async def test_commands_reach_the_newest_connection(live: LiveServer) -> None:
    first = live.station()
    await first.start()
    await first.wait_booted()
    second = live.station()  # the same charge point id
    await second.start()
    await second.wait_booted()
    response = await live.call(
        "POST",
        "/v1/operator/charge-points/CP-E2E-1/commands/get-configuration",
        live.operator_key,
        json={"key": ["HeartbeatInterval"]},
    )
    assert response.status_code == 200, response.text
    assert second.count_received("GetConfiguration") == 1


async def test_operator_sees_connection_boot_and_connector_statuses(live: LiveServer) -> None:
    station = live.station(vendor="Acme", model="Wallbox X", serial="SN-42", firmware="2.1.0")
    await station.start()
    await station.wait_booted()
    await station.wait_sent("StatusNotification", 2)
    response = await live.call("GET", "/v1/operator/charge-points/CP-E2E-1", live.operator_key)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["connected"] is True
    assert (body["vendor"], body["model"], body["serialNumber"], body["firmwareVersion"]) == (
        "Acme",
        "Wallbox X",
        "SN-42",
        "2.1.0",
    )
    assert body["bootTime"] is not None
    assert [(c["connectorId"], c["status"], c["evseUid"]) for c in body["connectors"]] == [
        (1, "Available", "E2E-EVSE-1"),
        (2, "Available", "E2E-EVSE-2"),
    ]


async def test_operator_sees_a_disconnect(live: LiveServer) -> None:
    station = live.station()
    await station.start()
    await station.wait_booted()
    await station.stop()
    async with asyncio.timeout(5):
        while True:
            response = await live.call("GET", "/v1/operator/charge-points/CP-E2E-1", live.operator_key)
            if response.json()["connected"] is False:
                break
            await asyncio.sleep(0.05)
    assert response.json()["disconnectedTime"] is not None


async def test_operator_lists_charge_points(live: LiveServer) -> None:
    response = await live.call("GET", "/v1/operator/charge-points", live.operator_key)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [cp["id"] for cp in body["data"]] == ["CP-E2E-1"]
    assert body["meta"] == {"count": 1, "hasMoreData": False, "continuationToken": None}


async def test_status_notification_shows_in_location_search(live: LiveServer) -> None:
    station = live.station()
    await station.start()
    await station.wait_booted()
    await station.plug_in(2)
    await station.wait_sent("StatusNotification", 3)
    response = await live.call("GET", "/v1/locations/nl-tst-e2e-site")
    assert response.status_code == 200, response.text
    statuses = {e["uid"]: e["status"] for e in response.json()["evses"]}
    assert statuses == {"E2E-EVSE-1": "AVAILABLE", "E2E-EVSE-2": "CHARGING"}


@pytest.mark.parametrize(
    ("command", "body", "answer_key"),
    [
        ("reset", {"type": "Soft"}, "status"),
        ("unlock-connector", {"connectorId": 1}, "status"),
        ("change-availability", {"connectorId": 2, "type": "Inoperative"}, "status"),
        ("trigger-message", {"requestedMessage": "Heartbeat"}, "status"),
        ("get-configuration", {"key": ["HeartbeatInterval"]}, "configurationKey"),
        ("change-configuration", {"key": "MeterValueSampleInterval", "value": "30"}, "status"),
    ],
)
async def test_operator_command_reaches_the_charge_point(
    live: LiveServer, command: str, body: dict[str, object], answer_key: str
) -> None:
    station = live.station()
    await station.start()
    await station.wait_booted()
    response = await live.call(
        "POST", f"/v1/operator/charge-points/CP-E2E-1/commands/{command}", live.operator_key, json=body
    )
    assert response.status_code == 200, response.text
    assert answer_key in response.json()["result"]


async def test_command_to_an_offline_charge_point_is_503(live: LiveServer) -> None:
    response = await live.call(
        "POST", "/v1/operator/charge-points/CP-E2E-1/commands/reset", live.operator_key, json={"type": "Soft"}
    )
    assert response.status_code == 503
    assert response.json()["code"] == "charge_point_offline"


async def test_command_the_charge_point_does_not_answer_is_504(live: LiveServer) -> None:
    station = live.station(never_answer=True)
    await station.start()
    await station.wait_booted()
    live.services.charge_points._command_timeout_s = 0.3
    response = await live.call(
        "POST", "/v1/operator/charge-points/CP-E2E-1/commands/reset", live.operator_key, json={"type": "Soft"}
    )
    assert response.status_code == 504
    assert response.json()["code"] == "charge_point_timeout"


async def test_connector_status_changes_the_available_count_in_search(live: LiveServer) -> None:
    station = live.station()
    await station.start()
    await station.wait_booted()
    await station.wait_sent("StatusNotification", 2)

    async def available() -> int:
        response = await live.call("GET", "/v1/locations/nearby", params={"latitude": 52.370216, "longitude": 4.895168})
        assert response.status_code == 200, response.text
        (found,) = [loc for loc in response.json()["data"] if loc["id"] == "nl-tst-e2e-site"]
        count: int = found["conAvail"]
        return count

    assert await available() == 2
    await station.plug_in(1)
    await station.wait_sent("StatusNotification", 3)
    assert await available() == 1


async def test_diagnostics_and_firmware_statuses_reach_the_operator(live: LiveServer) -> None:
    station = live.station()
    await station.start()
    await station.wait_booted()
    for unique_id, action, status in (
        ("d-1", "DiagnosticsStatusNotification", "Uploaded"),
        ("f-1", "FirmwareStatusNotification", "Installed"),
    ):
        answer = await station.send_raw(json.dumps([2, unique_id, action, {"status": status}]))
        assert answer == f'[3,"{unique_id}",{{}}]'
    body = (await live.call("GET", "/v1/operator/charge-points/CP-E2E-1", live.operator_key)).json()
    assert (body["diagnosticsStatus"], body["firmwareStatus"]) == ("Uploaded", "Installed")
