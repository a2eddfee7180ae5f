"""Commands cross processes as one tagged union: each decodes into the type it was encoded from."""

from __future__ import annotations

import msgspec
import pytest

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

COMMANDS: list[ChargePointCommand] = [
    StartCharging(connector_id=1, id_tag="TAG1"),
    StopCharging(transaction_id=7),
    Reset(kind="Hard"),
    UnlockConnector(connector_id=2),
    ChangeAvailability(connector_id=0, kind="Inoperative"),
    TriggerMessage(requested_message="StatusNotification", connector_id=1),
    GetConfiguration(keys=("HeartbeatInterval",)),
    ChangeConfiguration(key="HeartbeatInterval", value="60"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=command_name)
def test_a_command_decodes_into_what_was_encoded(command: ChargePointCommand) -> None:
    encoded = msgspec.msgpack.encode(command)
    assert msgspec.msgpack.decode(encoded, type=ChargePointCommand) == command


def test_the_tag_names_the_command() -> None:
    assert msgspec.json.decode(msgspec.json.encode(Reset(kind="Soft")))["type"] == "Reset"


def test_an_unknown_command_is_refused_when_decoded() -> None:
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(b'{"type": "FormatDisk"}', type=ChargePointCommand)
