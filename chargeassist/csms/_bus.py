"""The in-process command bus: commands reach charge points connected to this process."""

from __future__ import annotations

import logging

from chargeassist.services import ChargePointCommand, CommandOutcome

from ._registry import ConnectionRegistry

__all__ = ["InProcessCommandBus"]

_log = logging.getLogger("chargeassist.csms")


class InProcessCommandBus:
    """Delivers a command to the connection in this process's registry.

    A Redis bus would publish the command on the channel of the process that holds the charge point (kept in
    a presence key) and wait for the outcome on a reply channel; callers see the same :class:`CommandOutcome`.
    """

    def __init__(self, registry: ConnectionRegistry | None = None) -> None:
        self.registry = registry or ConnectionRegistry()

    async def send(self, charge_point_id: str, command: ChargePointCommand, *, timeout_s: float) -> CommandOutcome:
        """Send the command and wait for the answer; ``offline`` when no connection is held here."""
        connection = self.registry.get(charge_point_id)
        if connection is None:
            return CommandOutcome(status="offline")
        _log.info("%s: sending %s", charge_point_id, command.action)
        return await connection.send_command(command, timeout_s)

    async def is_connected(self, charge_point_id: str) -> bool:
        """Whether this process holds a connection of the charge point."""
        return self.registry.get(charge_point_id) is not None
