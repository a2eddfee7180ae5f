"""The in-process command bus: one process holds every connection (the embedded default)."""

from __future__ import annotations

import logging

from .base import HeldConnections
from .commands import ChargePointCommand, CommandOutcome, command_name

__all__ = ["InProcessCommandBus", "OfflineCommandBus"]

_log = logging.getLogger("chargeassist.bus")


class InProcessCommandBus:
    """Delivers a command to the connection in this process's registry; a charge point held nowhere here is
    offline, since no other process exists."""

    def __init__(self, registry: HeldConnections) -> None:
        self.registry = registry

    async def send(self, charge_point_id: str, command: ChargePointCommand, *, timeout_s: float) -> CommandOutcome:
        """Send the command and wait for the answer; ``offline`` when no connection is held here."""
        connection = self.registry.get(charge_point_id)
        if connection is None:
            return CommandOutcome(status="offline")
        _log.info("%s: sending %s", charge_point_id, command_name(command))
        return await connection.send_command(command, timeout_s)

    async def is_connected(self, charge_point_id: str) -> bool:
        """Whether this process holds a connection of the charge point."""
        return self.registry.get(charge_point_id) is not None

    async def held(self, charge_point_id: str) -> None:
        """Nothing to record: the registry is the record."""

    async def released(self, charge_point_id: str) -> None:
        """Nothing to record: the registry is the record."""

    async def start(self) -> None:
        """Nothing to start."""

    async def stop(self) -> None:
        """Nothing to stop."""


class OfflineCommandBus:
    """A bus with no charge point behind it (command-line tools, processes without a central system)."""

    async def send(self, charge_point_id: str, command: ChargePointCommand, *, timeout_s: float) -> CommandOutcome:
        """Every charge point is offline."""
        return CommandOutcome(status="offline")

    async def is_connected(self, charge_point_id: str) -> bool:
        """Never."""
        return False

    async def held(self, charge_point_id: str) -> None:
        """Nothing is held."""

    async def released(self, charge_point_id: str) -> None:
        """Nothing is held."""

    async def start(self) -> None:
        """Nothing to start."""

    async def stop(self) -> None:
        """Nothing to stop."""
