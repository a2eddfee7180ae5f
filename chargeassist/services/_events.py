"""Session updates for live views: a publish/subscribe interface and its in-process implementation.

A Redis implementation can replace :class:`InProcessSessionEvents` (publish to a channel per session, every
process's subscribers listen), so an app streaming a session may be served by any process.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Protocol

import msgspec

__all__ = ["InProcessSessionEvents", "SessionEventBus", "SessionUpdate", "Subscription"]


class SessionUpdate(msgspec.Struct, frozen=True, kw_only=True):
    """A session reached a new status (or new meter data changed what it shows)."""

    session_id: str
    status: str
    at: datetime


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
        """Tell every subscriber of ``update.session_id``."""
        ...

    def subscribe(self, session_id: str) -> AbstractAsyncContextManager[Subscription]:
        """Follow a session; updates published after entering are delivered."""
        ...


class _QueueSubscription:
    """One subscriber's queue; bounded, and when a slow reader lets it fill up the oldest update goes."""

    def __init__(self, limit: int) -> None:
        self.queue: asyncio.Queue[SessionUpdate] = asyncio.Queue(limit)

    def offer(self, update: SessionUpdate) -> None:
        if self.queue.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                self.queue.get_nowait()
        self.queue.put_nowait(update)

    async def next(self, timeout_s: float) -> SessionUpdate | None:
        try:
            return await asyncio.wait_for(self.queue.get(), timeout_s)
        except TimeoutError:
            return None

    async def __aiter__(self) -> AsyncIterator[SessionUpdate]:
        while True:
            yield await self.queue.get()


class InProcessSessionEvents:
    """Subscribers in this process only; enough for one process, replaced by Redis for many."""

    def __init__(self, queue_limit: int = 64) -> None:
        self._subscribers: dict[str, set[_QueueSubscription]] = {}
        self._queue_limit = queue_limit

    async def publish(self, update: SessionUpdate) -> None:
        """Deliver to this process's subscribers of the session."""
        for subscription in self._subscribers.get(update.session_id, ()):
            subscription.offer(update)

    @contextlib.asynccontextmanager
    async def subscribe(self, session_id: str) -> AsyncIterator[Subscription]:
        """Follow a session until the block ends."""
        subscription = _QueueSubscription(self._queue_limit)
        self._subscribers.setdefault(session_id, set()).add(subscription)
        try:
            yield subscription
        finally:
            subscribers = self._subscribers.get(session_id)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._subscribers[session_id]

    def subscriber_count(self, session_id: str) -> int:
        """How many subscribers follow the session (for tests and metrics)."""
        return len(self._subscribers.get(session_id, ()))
