"""How services reach charge points: a command bus, so the API never talks OCPP and never needs to know which
process holds a charge point's WebSocket.

The in-process implementation lives with the CSMS (``chargeassist.csms``); a Redis implementation can route
the same serialisable :class:`ChargePointCommand` to the process holding the connection and carry the
:class:`CommandOutcome` back.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

import msgspec

__all__ = ["ChargePointCommand", "CommandBus", "CommandOutcome", "OfflineCommandBus"]


class ChargePointCommand(msgspec.Struct, frozen=True, kw_only=True):
    """An OCPP CALL to send: its action (``RemoteStartTransaction``...) and camelCase payload as on the wire."""

    action: str
    payload: dict[str, Any] = msgspec.field(default_factory=dict)


class CommandOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """What became of a command.

    ``answered``: the charge point sent a CALLRESULT, ``payload`` holds it. ``offline``: no connection to the
    charge point (or it was lost before the answer). ``timeout``: no answer in time. ``call_error``: the charge
    point answered with a CALLERROR (``error_code``, ``error_description``).
    """

    status: Literal["answered", "offline", "timeout", "call_error"]
    payload: dict[str, Any] | None = None
    error_code: str | None = None
    error_description: str | None = None


class CommandBus(Protocol):
    """Sends commands to charge points wherever their connection is held."""

    async def send(self, charge_point_id: str, command: ChargePointCommand, *, timeout_s: float) -> CommandOutcome:
        """Send ``command`` and wait up to ``timeout_s`` seconds for the charge point's answer."""
        ...

    async def is_connected(self, charge_point_id: str) -> bool:
        """Whether some process holds a WebSocket of this charge point now."""
        ...


class OfflineCommandBus:
    """A bus with no charge point behind it (command-line tools, processes without a CSMS)."""

    async def send(self, charge_point_id: str, command: ChargePointCommand, *, timeout_s: float) -> CommandOutcome:
        """Every charge point is offline."""
        return CommandOutcome(status="offline")

    async def is_connected(self, charge_point_id: str) -> bool:
        """Never."""
        return False
