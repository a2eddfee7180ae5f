"""Session updates for live views: the interface the session engine publishes to and followers read from.

Its implementation is :class:`chargeassist.bus.SessionEvents` (Litestar channels: in memory for one process,
Redis pub/sub for many), so an app streaming a session may be served by any process.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from chargeassist.bus import SessionUpdate

__all__ = ["SessionEventBus", "SessionUpdate", "Subscription"]


class Subscription(Protocol):
    """Updates of one session, in the order they were published."""

    def __aiter__(self) -> AsyncIterator[SessionUpdate]:
        """Iterate over updates as they come."""
        ...

    async def next(self, timeout_s: float) -> SessionUpdate | None:
        """The next update, or None when none came within ``timeout_s`` seconds."""
        ...


class SessionEventBus(Protocol):
    """Publishes session updates and hands them to whoever follows that session."""

    async def publish(self, update: SessionUpdate) -> None:
        """Tell every subscriber of ``update.session_id``, in every process."""
        ...

    def subscribe(self, session_id: str) -> AbstractAsyncContextManager[Subscription]:
        """Follow a session; updates published after entering are delivered."""
        ...

    async def close(self) -> None:
        """Stop publishing and receiving."""
        ...
