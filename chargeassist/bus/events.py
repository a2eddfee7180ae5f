"""Session events through Litestar's channels: in memory for one process, on Redis pub/sub for many.

Every process subscribes the sessions its clients follow (one channel per session) and publishes the changes
it makes, so an event stream on any process sees a session that the charge point's process moved. An event
says only which session changed and to what: followers read the session itself, so an event lost (Redis away,
a slow reader's full queue) costs freshness, never correctness, and while Redis is away a follower reads the
session every few seconds instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime
from typing import TYPE_CHECKING

import msgspec
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.base import ChannelsBackend
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.channels.subscriber import Subscriber

from ._channels_redis import ResilientRedisPubSubBackend
from ._redis import REDIS_ERRORS, open_redis

if TYPE_CHECKING:
    from chargeassist.settings import BusSettings

__all__ = ["SessionEvents", "SessionUpdate"]

_log = logging.getLogger("chargeassist.bus")

_CLOSE_TIMEOUT_S = 5.0
# While events cannot be received, a follower is woken this often to read the session itself.
_POLL_WHILE_UNAVAILABLE_S = 2.0


class SessionUpdate(msgspec.Struct, frozen=True, kw_only=True):
    """A session reached a new status (or new meter data changed what it shows)."""

    session_id: str
    status: str
    at: datetime


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(SessionUpdate)


class _ChannelSubscription:
    """Updates of one session from its channel; a slow reader's oldest updates go first (the queue is bounded)."""

    def __init__(self, subscriber: Subscriber, session_id: str) -> None:
        self._subscriber = subscriber
        self._session_id = session_id

    async def next(self, timeout_s: float) -> SessionUpdate | None:
        """The next update, or None when none came within ``timeout_s`` seconds."""
        # The subscriber's queue rather than iter_events(): cancelling a wait inside that generator ends it.
        queue = self._subscriber._queue
        try:
            async with asyncio.timeout(timeout_s):
                item = await queue.get()
        except TimeoutError:
            return None
        queue.task_done()
        if item is None:
            return None
        try:
            return _decoder.decode(item)
        except msgspec.DecodeError:
            _log.warning("session %s: dropped an event that is not a session update", self._session_id)
            return None

    async def __aiter__(self) -> AsyncIterator[SessionUpdate]:
        while True:
            update = await self.next(3600.0)
            if update is not None:
                yield update


class _PollingSubscription:
    """A follower while events cannot be received: woken every few seconds to read the session itself."""

    def __init__(self, session_id: str) -> None:
        self._session_id = session_id

    async def next(self, timeout_s: float) -> SessionUpdate | None:
        """After a short wait, a prompt to read the session again (its status here is not known)."""
        wait_s = min(timeout_s, _POLL_WHILE_UNAVAILABLE_S)
        await asyncio.sleep(wait_s)
        if wait_s < timeout_s:
            return SessionUpdate(session_id=self._session_id, status="", at=datetime.now().astimezone())
        return None

    async def __aiter__(self) -> AsyncIterator[SessionUpdate]:
        while True:
            update = await self.next(_POLL_WHILE_UNAVAILABLE_S)
            if update is not None:
                yield update


class SessionEvents:
    """Publishes session updates and hands them to whoever follows that session, through a channels backend."""

    def __init__(self, backend: ChannelsBackend, *, channel_prefix: str = "", queue_limit: int = 64) -> None:
        self._plugin = ChannelsPlugin(
            backend,
            arbitrary_channels_allowed=True,
            subscriber_max_backlog=queue_limit,
            subscriber_backlog_strategy="dropleft",
        )
        self._prefix = channel_prefix
        self._started = False

    @classmethod
    def in_memory(cls) -> SessionEvents:
        """Events within this process (the embedded default)."""
        return cls(MemoryChannelsBackend(history=0))

    @classmethod
    def from_settings(cls, bus: BusSettings) -> SessionEvents:
        """The backend ``CHARGEASSIST_BUS_EVENTS`` names: ``memory`` or ``redis`` (pub/sub)."""
        if bus.events == "redis":
            # The receiving loop blocks up to a second per read, so its client needs a longer socket timeout.
            backend = ResilientRedisPubSubBackend(redis=open_redis(bus, socket_timeout_s=5.0))
            return cls(backend, channel_prefix=f"{bus.key_prefix}:session:")
        return cls.in_memory()

    @property
    def plugin(self) -> ChannelsPlugin:
        """The Litestar channels plugin underneath."""
        return self._plugin

    def _channel(self, session_id: str) -> str:
        return self._prefix + session_id

    async def _ensure_started(self) -> None:
        if not self._started:
            self._started = True
            await self._plugin.__aenter__()

    async def publish(self, update: SessionUpdate) -> None:
        """Tell every follower of ``update.session_id`` in every process (queued: this never waits for Redis)."""
        await self._ensure_started()
        self._plugin.publish(_encoder.encode(update), self._channel(update.session_id))

    @contextlib.asynccontextmanager
    async def subscribe(self, session_id: str) -> AsyncIterator[_ChannelSubscription | _PollingSubscription]:
        """Follow a session until the block ends; updates published after entering are delivered."""
        await self._ensure_started()
        channel = self._channel(session_id)
        followers = self._plugin._channels.get(channel)
        before = set(followers) if followers is not None else None
        try:
            subscriber = await self._plugin.subscribe(channel)
        except REDIS_ERRORS as exc:
            # The plugin counted the follower before Redis refused the subscription: uncount it, or the channel
            # would pass for subscribed and later followers would never subscribe it.
            if before is None:
                self._plugin._channels.pop(channel, None)
            else:
                self._plugin._channels[channel] = before
            _log.warning("session %s: events unavailable (%s); the follower reads the session instead", session_id, exc)
            yield _PollingSubscription(session_id)
            return
        try:
            yield _ChannelSubscription(subscriber, session_id)
        finally:
            with contextlib.suppress(*REDIS_ERRORS):
                await self._plugin.unsubscribe(subscriber, channel)

    def subscriber_count(self, session_id: str) -> int:
        """How many followers of the session this process has (for tests and metrics)."""
        return len(self._plugin._channels.get(self._channel(session_id), ()))

    async def close(self) -> None:
        """Stop publishing and receiving (what is queued is published first); a later publish starts again."""
        if self._started:
            self._started = False
            try:
                # Bounded: the plugin first waits for its publishing queue to drain, which a backend that stopped
                # answering would make wait for ever, and a shutdown must end.
                async with asyncio.timeout(_CLOSE_TIMEOUT_S):
                    await self._plugin.__aexit__(None, None, None)
            except TimeoutError:
                _log.warning("session events: not all queued events were published before shutdown")
