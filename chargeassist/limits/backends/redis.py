"""Counters in Redis, shared by every process: one Lua script per hit, on Redis's clock.

The bucket is the same GCRA as :mod:`.memory` (one number per key, its theoretical arrival time, in µs). The
script reads it, decides and writes it back in one round trip, atomically for every process of a deployment.
It takes the time from Redis (``TIME``), not from the caller, so processes on machines whose clocks disagree
still share one bucket, and gives the key a time to live that ends when the bucket has refilled (a refilled
bucket means the same as no key), so Redis holds no dead keys.

While Redis is unavailable a check neither hangs nor fails the request: this process counts in a
:class:`~.memory.MemoryRateLimitBackend` of its own (each process then limits alone, so N processes let N times
the rate through; limiting a little too loosely for a while beats refusing every request or failing them with a
500). A warning is logged once when the outage begins. A background probe tries Redis again at most once every
``retry_s`` while hits keep coming, so no request waits on a Redis known to be away; once it answers, hits go to
Redis again and the per-process counters are dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from redis.exceptions import RedisError

from chargeassist.bus import REDIS_ERRORS, open_redis

from .base import Decision, Rate, RateLimitBackend
from .memory import MemoryRateLimitBackend

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from chargeassist.settings import Settings

__all__ = ["RedisRateLimitBackend"]

_log = logging.getLogger("chargeassist.limits")

# Any Redis error means "do not count on Redis now": connection lost, timeout, LOADING, READONLY, OOM...
_UNAVAILABLE: tuple[type[Exception], ...] = (*REDIS_ERRORS, RedisError)

# KEYS[1]: the bucket. ARGV: interval (µs one hit costs), burst, cost. Returns {allowed, µs until it would be}.
# Times are whole µs since the epoch (about 1.8e15), exact in Lua's doubles; written with %.0f because Lua's own
# number formatting keeps 14 digits. SET ... PX sets the value and its expiry in one command.
_GCRA = """
if redis.replicate_commands then redis.replicate_commands() end
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local arrival = tonumber(redis.call('GET', KEYS[1])) or now
if arrival < now then arrival = now end
local new_arrival = arrival + interval * math.max(cost, 1)
local allowed_from = new_arrival - interval * burst
if allowed_from > now then
  return {0, math.ceil(allowed_from - now)}
end
if cost > 0 then
  local ttl_ms = math.max(1, math.ceil((new_arrival - now) / 1000))
  redis.call('SET', KEYS[1], string.format('%.0f', new_arrival), 'PX', ttl_ms)
end
return {1, 0}
"""


class RedisRateLimitBackend(RateLimitBackend):
    """GCRA buckets in Redis under ``prefix``, one script round trip per hit; see the module's description."""

    def __init__(
        self,
        client: Redis,
        *,
        prefix: str,
        retry_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._prefix = prefix
        self._script = client.register_script(_GCRA)
        self._retry_s = retry_s
        self._clock = clock
        self._fallback: MemoryRateLimitBackend | None = None
        """The counters of this process while Redis is unavailable; None while Redis answers."""
        self._next_probe = 0.0
        self._probe: asyncio.Task[None] | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> RedisRateLimitBackend:
        """The backend of ``CHARGEASSIST_REDIS_URL``, its keys under ``{CHARGEASSIST_REDIS_KEY_PREFIX}:ratelimit:``."""
        return cls(open_redis(settings.bus), prefix=f"{settings.bus.key_prefix}:ratelimit:")

    @property
    def available(self) -> bool:
        """Whether hits are counted in Redis (False: in this process, until Redis answers again)."""
        return self._fallback is None

    async def hit(self, key: str, rate: Rate, cost: int = 1) -> Decision:
        fallback = self._fallback
        if fallback is None:
            try:
                return await self._hit_redis(key, rate, cost)
            except _UNAVAILABLE as exc:
                fallback = self._outage_began(exc)
        else:
            self._probe_later()
        return await fallback.hit(key, rate, cost)

    async def close(self) -> None:
        if self._probe is not None:
            self._probe.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._probe
        await self._client.aclose()

    async def _hit_redis(self, key: str, rate: Rate, cost: int) -> Decision:
        # Sent as text: a float's repr is exact, and the script parses it with tonumber.
        interval_us = repr(rate.interval_s * 1_000_000)
        allowed, retry_us = await self._script(keys=[self._prefix + key], args=[interval_us, rate.burst, cost])
        if allowed:
            return Decision(allowed=True)
        return Decision(allowed=False, retry_after_s=int(retry_us) / 1_000_000)

    def _outage_began(self, exc: Exception) -> MemoryRateLimitBackend:
        # Several hits in flight fail together: the first one starts the outage, the others join it.
        if self._fallback is None:
            _log.warning(
                "Redis is unavailable for rate limits (%s: %s); counting in this process until it answers again",
                type(exc).__name__,
                exc,
            )
            self._fallback = MemoryRateLimitBackend()
            self._next_probe = self._clock() + self._retry_s
        return self._fallback

    def _probe_later(self) -> None:
        if self._probe is not None or self._clock() < self._next_probe:
            return
        self._next_probe = self._clock() + self._retry_s
        self._probe = asyncio.create_task(self._try_redis())

    async def _try_redis(self) -> None:
        # The script itself, asking without taking: it also loads the script into a Redis that restarted empty.
        try:
            await self._hit_redis("probe", Rate(count=1, period_s=1, burst=1), cost=0)
        except _UNAVAILABLE:
            pass
        else:
            _log.info("Redis answers again: rate limits are shared by every process again")
            self._fallback = None
        finally:
            self._probe = None
