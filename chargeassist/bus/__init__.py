"""What crosses processes: the command bus to the charge points, session events and shared stores.

Each has an interface and, beside it, one file per backend: ``memory`` (this process, the embedded default)
and ``redis`` (every process of a deployment), chosen by :class:`chargeassist.settings.BusSettings` in
:func:`build_command_bus`, :meth:`SessionEvents.from_settings` and :func:`build_store`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._redis import REDIS_ERRORS, open_redis
from .base import CommandBus, CommandBusUnavailable, CommandTarget, HeldConnections
from .commands import (
    ChangeAvailability,
    ChangeConfiguration,
    ChargePointCommand,
    CommandOutcome,
    GetConfiguration,
    Reset,
    StartCharging,
    StopCharging,
    TriggerMessage,
    UnlockConnector,
    command_name,
)
from .events import SessionEvents, SessionUpdate
from .memory import InProcessCommandBus, OfflineCommandBus
from .redis import RedisCommandBus
from .stores import build_store

if TYPE_CHECKING:
    from chargeassist.settings import BusSettings

__all__ = [
    "REDIS_ERRORS",
    "ChangeAvailability",
    "ChangeConfiguration",
    "ChargePointCommand",
    "CommandBus",
    "CommandBusUnavailable",
    "CommandOutcome",
    "CommandTarget",
    "GetConfiguration",
    "HeldConnections",
    "InProcessCommandBus",
    "OfflineCommandBus",
    "RedisCommandBus",
    "Reset",
    "SessionEvents",
    "SessionUpdate",
    "StartCharging",
    "StopCharging",
    "TriggerMessage",
    "UnlockConnector",
    "build_command_bus",
    "build_store",
    "command_name",
    "open_redis",
]


def build_command_bus(bus: BusSettings, registry: HeldConnections, *, node_id: str) -> CommandBus:
    """The bus ``CHARGEASSIST_BUS_COMMANDS`` names, delivering to the connections in ``registry`` here."""
    if bus.commands == "redis":
        return RedisCommandBus(registry, bus, node_id=node_id)
    return InProcessCommandBus(registry)
