"""A process of its own hitting one Redis bucket: what the cross-process atomicity test starts several of."""

from __future__ import annotations

import asyncio
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

from redis.asyncio import Redis

from chargeassist.limits import Rate, RedisRateLimitBackend

__all__ = ["contend"]


def contend(url: str, prefix: str, key: str, rate: Rate, tries: int, start: Barrier, allowed: Queue[int]) -> None:
    """Open ``tries`` connections, wait for every contender at ``start``, then hit ``key`` ``tries`` times at once
    (one connection each) and put how many passed on ``allowed``."""

    async def run() -> int:
        backend = RedisRateLimitBackend(Redis.from_url(url), prefix=prefix)
        try:
            # Connections opened (and the script loaded) first, so the hits themselves start together.
            await asyncio.gather(*(backend.hit("warm-up", rate, cost=0) for _ in range(tries)))
            start.wait()
            decisions = await asyncio.gather(*(backend.hit(key, rate) for _ in range(tries)))
            return sum(decision.allowed for decision in decisions)
        finally:
            await backend.close()

    allowed.put(asyncio.run(run()))
