"""Commands for a charge point, as typed messages that cross processes, and what became of them.

Each command is a msgspec Struct in one tagged union (the tag is its class name), so a command issued by any
process is encoded once, sent to the process holding the charge point's WebSocket, and decoded into the same
type there. The names say what is asked, not how one OCPP version spells it: the CSMS translates them.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

__all__ = [
    "ChangeAvailability",
    "ChangeConfiguration",
    "ChargePointCommand",
    "CommandOutcome",
    "GetConfiguration",
    "Reset",
    "StartCharging",
    "StopCharging",
    "TriggerMessage",
    "UnlockConnector",
    "command_name",
]


class _Command(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """The base of every command; its tag (the class name) names it on the wire."""


class StartCharging(_Command, frozen=True, kw_only=True):
    """Start a transaction on a connector for an id tag (OCPP 1.6: RemoteStartTransaction)."""

    connector_id: int
    id_tag: str


class StopCharging(_Command, frozen=True, kw_only=True):
    """Stop a running transaction (OCPP 1.6: RemoteStopTransaction)."""

    transaction_id: int


class Reset(_Command, frozen=True, kw_only=True):
    """Restart the charge point: ``Soft`` ends transactions first, ``Hard`` at once."""

    kind: Literal["Hard", "Soft"]


class UnlockConnector(_Command, frozen=True, kw_only=True):
    """Release the cable lock of a connector."""

    connector_id: int


class ChangeAvailability(_Command, frozen=True, kw_only=True):
    """Make a connector (0: the whole charge point) available or unavailable for charging."""

    connector_id: int
    kind: Literal["Operative", "Inoperative"]


class TriggerMessage(_Command, frozen=True, kw_only=True):
    """Ask the charge point to send a message now (a status, a heartbeat, meter values...)."""

    requested_message: str
    connector_id: int | None = None


class GetConfiguration(_Command, frozen=True, kw_only=True):
    """Read configuration keys (all of them when ``keys`` is None)."""

    keys: tuple[str, ...] | None = None


class ChangeConfiguration(_Command, frozen=True, kw_only=True):
    """Set one configuration key."""

    key: str
    value: str


ChargePointCommand = (
    StartCharging
    | StopCharging
    | Reset
    | UnlockConnector
    | ChangeAvailability
    | TriggerMessage
    | GetConfiguration
    | ChangeConfiguration
)
"""Every command a service can send to a charge point."""


class CommandOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """What became of a command.

    ``answered``: the charge point answered, ``payload`` holds its answer. ``offline``: no process holds a
    connection of the charge point (or it was lost before the answer). ``timeout``: no answer in time.
    ``call_error``: the charge point refused the message (``error_code``, ``error_description``).
    """

    status: Literal["answered", "offline", "timeout", "call_error"]
    payload: dict[str, Any] | None = None
    error_code: str | None = None
    error_description: str | None = None


def command_name(command: ChargePointCommand) -> str:
    """The command's name for logs and errors (its tag)."""
    return type(command).__name__
