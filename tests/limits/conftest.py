"""Every rate-limit backend under the same tests: a subject with its own way of letting time pass."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from redis.asyncio import Redis

from chargeassist.limits import MemoryRateLimitBackend, RateLimitBackend, RedisRateLimitBackend


class Clock:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Subject:
    """A backend under test and how time passes for it: the memory backend's clock moves when told; Redis's
    clock is Redis's own, so a test of Redis waits for real (at least as long as asked, maybe a little more)."""

    backend: RateLimitBackend
    clock: Clock | None = None

    async def wait(self, seconds: float) -> None:
        """Let at least ``seconds`` pass for the backend."""
        if self.clock is not None:
            self.clock.now += seconds
        else:
            await asyncio.sleep(seconds)


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[Redis]:
    """A client of the machine's Redis, closed after the test."""
    client: Redis = Redis.from_url(redis_url)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture(params=["memory", "redis"])
async def subject(request: pytest.FixtureRequest) -> AsyncIterator[Subject]:
    """Each test using this runs on the memory backend and on the machine's Redis (under a prefix of its own)."""
    if request.param == "memory":
        clock = Clock()
        yield Subject(MemoryRateLimitBackend(clock=clock), clock)
        return
    url = str(request.getfixturevalue("redis_url"))
    prefix = str(request.getfixturevalue("redis_prefix"))
    backend = RedisRateLimitBackend(Redis.from_url(url), prefix=f"{prefix}:ratelimit:")
    try:
        yield Subject(backend)
    finally:
        await backend.close()
