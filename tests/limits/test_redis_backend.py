"""What only the Redis rate-limit backend does: keys under the deployment's prefix that expire once refilled,
one bucket for many processes at once, and a Redis outage that neither hangs a check nor fails it."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import socket
import time
from collections.abc import AsyncIterator, Iterator

import pytest
from redis.asyncio import Redis

from chargeassist.bus import open_redis
from chargeassist.limits import BACKENDS, Rate, RedisRateLimitBackend
from chargeassist.settings import BusSettings, Settings
from tests.conftest import PrivateRedis
from tests.limits._contenders import contend
from tests.limits.conftest import Clock

SLOW = Rate(count=1, period_s=3600, burst=3)


@pytest.fixture
async def backend(redis_url: str, redis_prefix: str) -> AsyncIterator[RedisRateLimitBackend]:
    """A backend on the machine's Redis, its keys under ``{redis_prefix}:ratelimit:``."""
    backend = RedisRateLimitBackend(Redis.from_url(redis_url), prefix=f"{redis_prefix}:ratelimit:")
    try:
        yield backend
    finally:
        await backend.close()


async def _until_available(backend: RedisRateLimitBackend) -> None:
    """Hit until the backend counts in Redis again (a failure after 10 s, never a hang)."""
    async with asyncio.timeout(10):
        while not backend.available:
            await backend.hit("k", SLOW, cost=0)
            await asyncio.sleep(0.02)


async def test_a_redis_url_puts_the_counters_in_redis_under_the_key_prefix(
    redis_url: str, redis_prefix: str, redis_client: Redis
) -> None:
    settings = Settings.from_env({"CHARGEASSIST_REDIS_URL": redis_url, "CHARGEASSIST_REDIS_KEY_PREFIX": redis_prefix})
    backend = BACKENDS[settings.rate_limit_backend](settings)
    try:
        await backend.hit("search:partner-1", SLOW)
    finally:
        await backend.close()
    assert await redis_client.exists(f"{redis_prefix}:ratelimit:search:partner-1") == 1


async def test_a_key_lives_until_its_bucket_has_refilled(
    backend: RedisRateLimitBackend, redis_prefix: str, redis_client: Redis
) -> None:
    rate = Rate(count=1, period_s=60, burst=5)
    await backend.hit("k", rate)
    await backend.hit("k", rate)
    assert 119_000 < await redis_client.pttl(f"{redis_prefix}:ratelimit:k") <= 120_000


async def test_a_refilled_bucket_leaves_no_key(
    backend: RedisRateLimitBackend, redis_prefix: str, redis_client: Redis
) -> None:
    await backend.hit("k", Rate(count=10, period_s=1, burst=1))
    await asyncio.sleep(0.2)
    assert await redis_client.exists(f"{redis_prefix}:ratelimit:k") == 0


async def test_a_zero_cost_hit_writes_nothing(
    backend: RedisRateLimitBackend, redis_prefix: str, redis_client: Redis
) -> None:
    await backend.hit("k", SLOW, cost=0)
    assert await redis_client.exists(f"{redis_prefix}:ratelimit:k") == 0


async def test_processes_hitting_one_bucket_at_once_let_exactly_its_burst_through(
    redis_url: str, redis_prefix: str
) -> None:
    processes, tries, burst = 8, 25, 50
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(processes)
    allowed: multiprocessing.Queue[int] = context.Queue()
    rate = Rate(count=1, period_s=3600, burst=burst)
    contenders = [
        context.Process(
            target=contend, args=(redis_url, f"{redis_prefix}:ratelimit:", "k", rate, tries, start, allowed)
        )
        for _ in range(processes)
    ]
    for contender in contenders:
        contender.start()
    try:
        counts = [await asyncio.to_thread(allowed.get, timeout=60) for _ in contenders]
    finally:
        for contender in contenders:
            contender.join(timeout=10)
            if contender.is_alive():
                contender.kill()
    assert sum(counts) == burst
    assert len([count for count in counts if count > 0]) > 1  # the bucket was shared, not won by one process


async def test_a_process_whose_clock_is_an_hour_ahead_shares_the_bucket(
    redis_url: str, redis_prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two backends as two processes; the second on a machine whose clock is wrong. The bucket is timed by Redis.
    prefix = f"{redis_prefix}:ratelimit:"
    first = RedisRateLimitBackend(Redis.from_url(redis_url), prefix=prefix)
    second = RedisRateLimitBackend(Redis.from_url(redis_url), prefix=prefix)
    try:
        for _ in range(3):
            await first.hit("k", SLOW)
        real_time = time.time
        monkeypatch.setattr(time, "time", lambda: real_time() + 3600)
        assert not (await second.hit("k", SLOW)).allowed
    finally:
        await first.close()
        await second.close()


# Redis outages: a server of the test's own, stopped and started again.


@pytest.fixture
async def outage_backend(private_redis: PrivateRedis) -> AsyncIterator[RedisRateLimitBackend]:
    """A backend on the test's own Redis, which has counted one hit there (so its connection is open)."""
    backend = RedisRateLimitBackend(open_redis(BusSettings(redis_url=private_redis.url)), prefix="t:", retry_s=0.05)
    await backend.hit("k", SLOW, cost=0)
    try:
        yield backend
    finally:
        await backend.close()


async def test_while_redis_is_stopped_hits_are_limited_in_this_process(
    private_redis: PrivateRedis, outage_backend: RedisRateLimitBackend
) -> None:
    private_redis.stop()
    decisions = [await outage_backend.hit("k", SLOW) for _ in range(5)]
    assert [decision.allowed for decision in decisions] == [True] * 3 + [False] * 2
    assert not outage_backend.available


async def test_an_outage_is_logged_once_not_per_hit(
    private_redis: PrivateRedis, outage_backend: RedisRateLimitBackend, caplog: pytest.LogCaptureFixture
) -> None:
    private_redis.stop()
    with caplog.at_level(logging.WARNING, logger="chargeassist.limits"):
        for _ in range(50):
            await outage_backend.hit("k", SLOW)
            await asyncio.sleep(0.005)  # time for probes, which fail while it is down
    assert len([r for r in caplog.records if "unavailable" in r.getMessage()]) == 1


async def test_hits_go_back_to_redis_once_it_answers_again(
    private_redis: PrivateRedis, outage_backend: RedisRateLimitBackend
) -> None:
    private_redis.stop()
    await outage_backend.hit("k", SLOW)
    private_redis.start()
    await _until_available(outage_backend)
    client = Redis.from_url(private_redis.url)
    try:
        await outage_backend.hit("k", SLOW)
        assert await client.exists("t:k") == 1
    finally:
        await client.aclose()


async def test_redis_is_tried_again_no_sooner_than_the_retry_interval(private_redis: PrivateRedis) -> None:
    clock = Clock()
    backend = RedisRateLimitBackend(
        open_redis(BusSettings(redis_url=private_redis.url)), prefix="t:", retry_s=1.0, clock=clock
    )
    try:
        private_redis.stop()
        await backend.hit("k", SLOW)
        private_redis.start()
        for _ in range(20):
            await backend.hit("k", SLOW, cost=0)
            await asyncio.sleep(0.01)
        assert not backend.available  # back, but not asked yet: the retry interval has not passed
        clock.now += 1.0
        await _until_available(backend)
    finally:
        await backend.close()


class SilentRedis:
    """A port that takes connections and never answers (a Redis that hangs); counts the connections made."""

    def __init__(self) -> None:
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(128)  # the kernel completes connections in the backlog without accept()
        self._listener.settimeout(0.05)
        self._accepted: list[socket.socket] = []
        self.url = f"redis://127.0.0.1:{self._listener.getsockname()[1]}/0"

    def connections(self) -> int:
        """How many connections clients have made so far."""
        while True:
            try:
                self._accepted.append(self._listener.accept()[0])
            except TimeoutError:
                return len(self._accepted)

    def close(self) -> None:
        for connection in self._accepted:
            connection.close()
        self._listener.close()


@pytest.fixture
def silent_redis() -> Iterator[SilentRedis]:
    """A Redis that hangs, closed after the test."""
    server = SilentRedis()
    try:
        yield server
    finally:
        server.close()


async def test_a_redis_that_hangs_costs_one_timeout_then_hits_do_not_wait_on_it(silent_redis: SilentRedis) -> None:
    client = open_redis(BusSettings(redis_url=silent_redis.url), socket_timeout_s=0.2)
    backend = RedisRateLimitBackend(client, prefix="t:", clock=Clock())
    try:
        assert (await backend.hit("k", SLOW)).allowed  # after the timeout, counted in this process
        decisions = [await backend.hit("k", SLOW) for _ in range(100)]
    finally:
        await backend.close()
    assert [decision.allowed for decision in decisions] == [True] * 2 + [False] * 98
    assert silent_redis.connections() == 1  # a timed-out connection is dropped: each try would be a new one
