"""The command bus's interface: how services reach a charge point whichever process holds its WebSocket, and
how the central system says which charge points this process holds."""

from __future__ import annotations

from typing import Protocol

from .commands import ChargePointCommand, CommandOutcome

__all__ = ["CommandBus", "CommandBusUnavailable", "CommandTarget", "HeldConnections"]


class CommandBusUnavailable(Exception):
    """The bus cannot tell where a charge point is or carry a command to it now (its Redis is away). Nothing was
    sent; callers answer 503 and may retry."""


class CommandTarget(Protocol):
    """A charge point's connection held by this process."""

    async def send_command(self, command: ChargePointCommand, timeout_s: float) -> CommandOutcome:
        """Send the command over the WebSocket and wait up to ``timeout_s`` seconds for the answer."""
        ...

    async def close(self, reason: str) -> None:
        """Close the connection (it was replaced by a newer one, perhaps on another process)."""
        ...


class HeldConnections(Protocol):
    """The charge point connections this process holds (the central system's registry)."""

    def get(self, charge_point_id: str) -> CommandTarget | None:
        """The connection of a charge point, if this process holds one."""
        ...


class CommandBus(Protocol):
    """Sends commands to charge points wherever their connection is held.

    Services use :meth:`send` and :meth:`is_connected`; the central system tells the bus which charge points
    this process holds with :meth:`held` and :meth:`released`, so other processes can find them."""

    async def send(self, charge_point_id: str, command: ChargePointCommand, *, timeout_s: float) -> CommandOutcome:
        """Send ``command`` and wait up to ``timeout_s`` seconds for the charge point's answer.

        Raises :class:`CommandBusUnavailable` when the bus cannot find out where the charge point is."""
        ...

    async def is_connected(self, charge_point_id: str) -> bool:
        """Whether some process holds a WebSocket of this charge point now (raises
        :class:`CommandBusUnavailable` when the bus cannot tell)."""
        ...

    async def held(self, charge_point_id: str) -> None:
        """This process now holds the charge point's connection (a newer connection anywhere replaces older ones)."""
        ...

    async def released(self, charge_point_id: str) -> None:
        """This process's connection of the charge point ended."""
        ...

    async def start(self) -> None:
        """Begin serving commands for the charge points this process holds."""
        ...

    async def stop(self) -> None:
        """Stop serving commands; charge points held here are no longer found through this process."""
        ...
