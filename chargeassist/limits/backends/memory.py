"""Counters in this process's memory: the embedded default (one process; several need a shared backend)."""

from __future__ import annotations

import time
from collections.abc import Callable

from .base import Decision, Rate, RateLimitBackend

__all__ = ["MemoryRateLimitBackend"]


class MemoryRateLimitBackend(RateLimitBackend):
    """GCRA buckets in a dict. A hit runs without awaiting anything, so it is atomic within the event loop.

    Keys may come from callers (one per source address), so the dict is bounded: past ``max_keys``, buckets
    that have refilled are dropped (they mean the same as no bucket), then the least recently hit ones.
    """

    def __init__(self, *, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic) -> None:
        self._arrivals: dict[str, float] = {}
        self._max_keys = max_keys
        self._clock = clock

    async def hit(self, key: str, rate: Rate, cost: int = 1) -> Decision:
        now = self._clock()
        interval = rate.interval_s
        arrival = max(self._arrivals.get(key, now), now)
        new_arrival = arrival + interval * max(cost, 1)
        allowed_from = new_arrival - interval * rate.burst
        if allowed_from > now:
            return Decision(allowed=False, retry_after_s=allowed_from - now)
        if cost > 0:
            # Re-inserted at the end: the dict's order is then least recently hit first, for eviction.
            self._arrivals.pop(key, None)
            self._arrivals[key] = new_arrival
            if len(self._arrivals) > self._max_keys:
                self._evict(now)
        return Decision(allowed=True)

    def _evict(self, now: float) -> None:
        self._arrivals = {key: arrival for key, arrival in self._arrivals.items() if arrival > now}
        excess = len(self._arrivals) - self._max_keys * 9 // 10
        if excess > 0:
            for key in list(self._arrivals)[:excess]:
                del self._arrivals[key]

    def __len__(self) -> int:
        return len(self._arrivals)
