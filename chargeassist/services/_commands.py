"""How services reach charge points: the command bus (``chargeassist.bus``), so the API never talks OCPP and
never needs to know which process holds a charge point's WebSocket."""

from __future__ import annotations

from chargeassist.bus import (
    ChangeAvailability,
    ChangeConfiguration,
    ChargePointCommand,
    CommandBus,
    CommandBusUnavailable,
    CommandOutcome,
    GetConfiguration,
    OfflineCommandBus,
    Reset,
    StartCharging,
    StopCharging,
    TriggerMessage,
    UnlockConnector,
    command_name,
)

from ._errors import ServiceError

__all__ = [
    "ChangeAvailability",
    "ChangeConfiguration",
    "ChargePointCommand",
    "CommandBus",
    "CommandBusUnavailable",
    "CommandOutcome",
    "GetConfiguration",
    "OfflineCommandBus",
    "Reset",
    "StartCharging",
    "StopCharging",
    "TriggerMessage",
    "UnlockConnector",
    "bus_unavailable",
    "command_name",
]


def bus_unavailable(exc: CommandBusUnavailable) -> ServiceError:
    """The 503 a caller gets while the command bus cannot reach the charge points (nothing was sent)."""
    return ServiceError(
        503,
        "command_bus_unavailable",
        "the command bus to the charge points is unavailable right now; nothing was sent, retry shortly",
    )
