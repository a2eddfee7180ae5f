"""Litestar's Redis pub/sub channels backend, made to outlive a Redis outage.

As shipped, a failed PUBLISH ends the plugin's publishing task and a lost connection ends its receiving task,
so one Redis restart silences session events until the process restarts. Here a publish that fails is dropped
(with one warning per outage: followers catch up by reading the session, see :mod:`.events`) and the receiving
loop reconnects (redis-py subscribes the channels again on its new connection).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Iterable
from typing import Any

from litestar.channels.backends.redis import RedisChannelsPubSubBackend

from ._redis import REDIS_ERRORS

__all__ = ["ResilientRedisPubSubBackend"]

_log = logging.getLogger("chargeassist.bus")


class ResilientRedisPubSubBackend(RedisChannelsPubSubBackend):
    """Pub/sub channels that drop what cannot be published during an outage and resume receiving after it."""

    _publish_failing = False

    async def publish(self, data: bytes, channels: Iterable[str]) -> None:
        """Publish, or drop the event while Redis is away (never raising into the plugin's publishing task)."""
        try:
            await super().publish(data, channels)
        except REDIS_ERRORS as exc:
            if not self._publish_failing:
                _log.warning("session events: Redis is unavailable (%s); events are dropped until it is back", exc)
                self._publish_failing = True
            return
        if self._publish_failing:
            _log.warning("session events: Redis answers again; events are published once more")
            self._publish_failing = False

    async def on_shutdown(self) -> None:
        """Close the subscription and the client (this backend owns its client)."""
        with contextlib.suppress(*REDIS_ERRORS):
            await super().on_shutdown()
        await self._redis.aclose()

    async def stream_events(self) -> AsyncGenerator[tuple[str, Any], None]:
        """The events of the subscribed channels, across reconnections."""
        backoff_s = 0.1
        failing = False
        while True:
            try:
                async for event in super().stream_events():
                    backoff_s = 0.1
                    if failing:
                        _log.warning("session events: Redis answers again; events are received once more")
                        failing = False
                    yield event
            except REDIS_ERRORS as exc:
                # One warning per outage: a retry every 2 s would otherwise log 30 lines a minute per process.
                if not failing:
                    _log.warning("session events: lost Redis (%s); receiving again once it answers", exc)
                    failing = True
                else:
                    _log.debug("session events: Redis still unavailable (%s); next try in %.1f s", exc, backoff_s)
                await asyncio.sleep(backoff_s)
                backoff_s = min(backoff_s * 2, 2.0)
