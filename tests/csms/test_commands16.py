"""Each command is the OCPP 1.6 CALL the specification names, with its payload as the schemas spell it."""

from __future__ import annotations

from typing import Any

import pytest
from ocpp.messages import Call, validate_payload

from chargeassist.bus import (
    ChangeAvailability,
    ChangeConfiguration,
    GetConfiguration,
    Reset,
    StartCharging,
    StopCharging,
    TriggerMessage,
    UnlockConnector,
    command_name,
)
from chargeassist.bus.commands import ChargePointCommand
from chargeassist.csms._commands16 import ocpp16_call

CASES: list[tuple[ChargePointCommand, str, dict[str, Any]]] = [
    (StartCharging(connector_id=1, id_tag="TAG1"), "RemoteStartTransaction", {"connectorId": 1, "idTag": "TAG1"}),
    (StopCharging(transaction_id=7), "RemoteStopTransaction", {"transactionId": 7}),
    (Reset(kind="Hard"), "Reset", {"type": "Hard"}),
    (UnlockConnector(connector_id=2), "UnlockConnector", {"connectorId": 2}),
    (
        ChangeAvailability(connector_id=0, kind="Inoperative"),
        "ChangeAvailability",
        {"connectorId": 0, "type": "Inoperative"},
    ),
    (TriggerMessage(requested_message="Heartbeat"), "TriggerMessage", {"requestedMessage": "Heartbeat"}),
    (
        TriggerMessage(requested_message="StatusNotification", connector_id=1),
        "TriggerMessage",
        {"requestedMessage": "StatusNotification", "connectorId": 1},
    ),
    (GetConfiguration(), "GetConfiguration", {}),
    (GetConfiguration(keys=("HeartbeatInterval",)), "GetConfiguration", {"key": ["HeartbeatInterval"]}),
    (
        ChangeConfiguration(key="HeartbeatInterval", value="60"),
        "ChangeConfiguration",
        {"key": "HeartbeatInterval", "value": "60"},
    ),
]


@pytest.mark.parametrize(
    ("command", "action", "payload"), CASES, ids=lambda v: command_name(v) if not isinstance(v, (str, dict)) else ""
)
def test_a_command_is_its_ocpp16_call(command: ChargePointCommand, action: str, payload: dict[str, Any]) -> None:
    assert ocpp16_call(command) == (action, payload)


@pytest.mark.parametrize("command", [case[0] for case in CASES], ids=command_name)
async def test_every_call_passes_the_ocpp16_schema(command: ChargePointCommand) -> None:
    action, payload = ocpp16_call(command)
    await validate_payload(Call("1", action, payload), "1.6")
