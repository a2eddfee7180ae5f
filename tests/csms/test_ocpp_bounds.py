"""Values no store column can hold, NUL characters, connectors the charge point does not have, times with no
UTC equivalent and JSON nested deeper than the decoder goes: each is a CALLERROR, nothing is recorded, and
the connection stays up. On both stores, since each store refuses different things."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chargeassist.simulator import SimulatedStation
from tests.csms._live import LiveServer

_STATUS: dict[str, Any] = {"connectorId": 1, "errorCode": "NoError", "status": "Available"}
_START: dict[str, Any] = {"connectorId": 1, "idTag": "TAG", "meterStart": 0, "timestamp": "2025-01-06T08:00:00Z"}
_STOP: dict[str, Any] = {"transactionId": 1, "meterStop": 10, "timestamp": "2025-01-06T09:00:00Z"}


def _meter(value: str = "1000", **fields: Any) -> dict[str, Any]:
    reading = {"timestamp": "2025-01-06T08:00:00Z", "sampledValue": [{"value": value}]}
    return {"connectorId": 1, "meterValue": [reading], **fields}


CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("status-connector-2^63", "StatusNotification", {**_STATUS, "connectorId": 2**63}),
    ("status-connector-2^31", "StatusNotification", {**_STATUS, "connectorId": 2**31}),
    ("status-connector-99", "StatusNotification", {**_STATUS, "connectorId": 99}),
    ("status-connector-minus-1", "StatusNotification", {**_STATUS, "connectorId": -1}),
    ("status-info-nul", "StatusNotification", {**_STATUS, "info": "jam\u0000med"}),
    ("status-vendor-error-nul", "StatusNotification", {**_STATUS, "vendorErrorCode": "\u0000"}),
    ("boot-vendor-nul", "BootNotification", {"chargePointVendor": "A\u0000", "chargePointModel": "M"}),
    ("authorize-tag-nul", "Authorize", {"idTag": "TAG\u0000"}),
    ("start-connector-0", "StartTransaction", {**_START, "connectorId": 0}),
    ("start-connector-99", "StartTransaction", {**_START, "connectorId": 99}),
    ("start-tag-nul", "StartTransaction", {**_START, "idTag": "\u0000"}),
    ("start-meter-negative", "StartTransaction", {**_START, "meterStart": -1}),
    ("start-meter-2^63", "StartTransaction", {**_START, "meterStart": 2**63}),
    ("start-reservation-2^63", "StartTransaction", {**_START, "reservationId": 2**63}),
    ("start-time-before-utc-calendar", "StartTransaction", {**_START, "timestamp": "0001-01-01T00:00:00+14:00"}),
    ("stop-transaction-2^63", "StopTransaction", {**_STOP, "transactionId": 2**63}),
    ("stop-meter-2^63", "StopTransaction", {**_STOP, "meterStop": 2**63}),
    ("stop-tag-nul", "StopTransaction", {**_STOP, "idTag": "\u0000"}),
    ("meter-connector-2^63", "MeterValues", {**_meter(), "connectorId": 2**63}),
    ("meter-connector-99", "MeterValues", {**_meter(), "connectorId": 99}),
    ("meter-transaction-2^63", "MeterValues", _meter(transactionId=2**63)),
    ("meter-value-too-long", "MeterValues", _meter("1" * 33)),
    ("meter-value-too-large", "MeterValues", _meter("1e20")),
    ("meter-value-too-small", "MeterValues", _meter("1e-20")),
    ("meter-value-nul", "MeterValues", _meter("1\u0000")),
    (
        "meter-time-after-utc-calendar",
        "MeterValues",
        {**_meter(), "meterValue": [{"timestamp": "9999-12-31T23:59:59-14:00", "sampledValue": [{"value": "1"}]}]},
    ),
]


@pytest.fixture
async def station(live: LiveServer) -> SimulatedStation:
    built = live.station()
    await built.start()
    await built.wait_booted()
    await built.wait_sent("StatusNotification", 2)
    return built


@pytest.mark.parametrize(("action", "payload"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
async def test_out_of_bounds_value_is_a_property_constraint_violation(
    station: SimulatedStation, action: str, payload: dict[str, Any]
) -> None:
    answer = await station.send_raw(json.dumps([2, "bad-1", action, payload]))
    assert answer is not None
    assert json.loads(answer)[:3] == [4, "bad-1", "PropertyConstraintViolation"]


@pytest.mark.parametrize(("action", "payload"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
async def test_connection_stays_up_after_an_out_of_bounds_value(
    station: SimulatedStation, action: str, payload: dict[str, Any]
) -> None:
    await station.send_raw(json.dumps([2, "bad-1", action, payload]))
    assert (await station.heartbeat()).current_time
    assert station.connect_count == 1


async def test_status_of_a_connector_the_charge_point_does_not_have_is_not_recorded(
    live: LiveServer, station: SimulatedStation
) -> None:
    await station.send_raw(json.dumps([2, "s-99", "StatusNotification", {**_STATUS, "connectorId": 99}]))
    assert await live.services.charge_points.connector_status("CP-E2E-1", 99) is None


async def test_status_of_connector_zero_is_taken(live: LiveServer, station: SimulatedStation) -> None:
    answer = await station.send_raw(json.dumps([2, "s-0", "StatusNotification", {**_STATUS, "connectorId": 0}]))
    assert answer == '[3,"s-0",{}]'
    assert await live.services.charge_points.connector_status("CP-E2E-1", 0) == "Available"


async def test_status_with_nul_in_info_leaves_the_stored_status_alone(
    live: LiveServer, station: SimulatedStation
) -> None:
    faulted = {**_STATUS, "status": "Faulted", "info": "\u0000"}
    await station.send_raw(json.dumps([2, "s-nul", "StatusNotification", faulted]))
    assert await live.services.charge_points.connector_status("CP-E2E-1", 1) == "Available"


@pytest.mark.parametrize("depth", [1_000, 5_000, 100_000])
async def test_deeply_nested_frame_is_a_formation_violation(live: LiveServer, depth: int) -> None:
    station = live.station()
    await station.start()
    await station.wait_booted()
    answer = await station.send_raw('[2, "deep", "DataTransfer", ' + "[" * depth + "]" * depth + "]")
    assert answer is not None
    assert json.loads(answer)[:3] == [4, "deep", "FormationViolation"]
    assert (await station.heartbeat()).current_time
    assert station.connect_count == 1
