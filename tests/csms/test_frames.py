"""Frames that are not OCPP-J, actions nobody takes, payloads that break the OCPP 1.6 schema: each gets the
CALLERROR OCPP-J 1.6 names for it, and the connection stays up."""

from __future__ import annotations

import json

import pytest

from chargeassist.simulator import SimulatedStation
from tests.csms._live import LiveServer

_STATUS = {"connectorId": 1, "errorCode": "NoError", "status": "Sleeping"}
_BAD_READING = {
    "connectorId": 1,
    "meterValue": [{"timestamp": "2025-01-06T08:00:00Z", "sampledValue": [{"value": "lots"}]}],
}
_BAD_TIME = {"connectorId": 1, "idTag": "TAG", "meterStart": 0, "timestamp": "yesterday"}

CASES = [
    ("not json at all", "-1", "FormationViolation"),
    ('{"an": "object"}', "-1", "FormationViolation"),
    ('[2, "m1", "Heartbeat"]', "m1", "FormationViolation"),
    ('[9, "m2", "Heartbeat", {}]', "m2", "FormationViolation"),
    ('[2, "m3", "FlyToTheMoon", {}]', "m3", "NotImplemented"),
    ('[2, "m4", "RemoteStartTransaction", {"idTag": "X"}]', "m4", "NotSupported"),
    ('[2, "m5", "Heartbeat", {"extra": 1}]', "m5", "FormationViolation"),
    ('[2, "m6", "Heartbeat", ["not", "an", "object"]]', "m6", "FormationViolation"),
    ('[2, "m7", "Authorize", {}]', "m7", "OccurenceConstraintViolation"),
    ('[2, "m8", "Authorize", {"idTag": 42}]', "m8", "TypeConstraintViolation"),
    (json.dumps([2, "m9", "Authorize", {"idTag": "X" * 21}]), "m9", "TypeConstraintViolation"),
    (json.dumps([2, "m10", "StatusNotification", _STATUS]), "m10", "PropertyConstraintViolation"),
    ('[2, "m11", "MeterValues", {"connectorId": 1, "meterValue": []}]', "m11", "OccurenceConstraintViolation"),
    (json.dumps([2, "m12", "MeterValues", _BAD_READING]), "m12", "PropertyConstraintViolation"),
    (json.dumps([2, "m13", "StartTransaction", _BAD_TIME]), "m13", "TypeConstraintViolation"),
]


@pytest.fixture
async def station(live: LiveServer) -> SimulatedStation:
    built = live.station()
    await built.start()
    await built.wait_booted()
    return built


@pytest.mark.parametrize(("frame", "unique_id", "code"), CASES, ids=[c[2] + "-" + c[1] for c in CASES])
async def test_broken_frame_gets_the_right_callerror(
    station: SimulatedStation, frame: str, unique_id: str, code: str
) -> None:
    answer = await station.send_raw(frame)
    assert answer is not None
    message_type, answered_id, error_code, description, details = json.loads(answer)
    assert (message_type, answered_id, error_code) == (4, unique_id, code)
    assert description
    assert isinstance(details, dict)


@pytest.mark.parametrize(("frame", "unique_id", "code"), CASES, ids=[c[2] + "-" + c[1] for c in CASES])
async def test_connection_stays_up_after_a_broken_frame(
    station: SimulatedStation, frame: str, unique_id: str, code: str
) -> None:
    await station.send_raw(frame)
    answer = await station.heartbeat()
    assert answer.current_time
    assert station.connect_count == 1


async def test_broken_answer_to_a_command_is_not_answered(station: SimulatedStation) -> None:
    assert await station.send_raw('[3, "no-such-call"]', timeout_s=0.3) is None
    assert (await station.heartbeat()).current_time


async def test_data_transfer_of_an_unknown_vendor_is_answered(station: SimulatedStation) -> None:
    answer = await station.data_transfer("com.example.unknown", message_id="hello", data="{}")
    assert answer.status == "UnknownVendorId"
