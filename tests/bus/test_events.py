"""Session events through Litestar channels: in memory, and on Redis between two instances standing for two
processes (the machine's Redis, or a private one a test stops)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from chargeassist.bus import SessionEvents, SessionUpdate
from chargeassist.settings import BusSettings
from tests.conftest import PrivateRedis

AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _update(status: str, session_id: str = "cs_1") -> SessionUpdate:
    return SessionUpdate(session_id=session_id, status=status, at=AT)


def _redis(url: str, prefix: str) -> SessionEvents:
    return SessionEvents.from_settings(BusSettings(redis_url=url, events="redis", key_prefix=prefix))


@pytest.fixture
async def memory_events() -> AsyncIterator[SessionEvents]:
    events = SessionEvents.in_memory()
    yield events
    await events.close()


@pytest.fixture
async def redis_pair(redis_url: str, redis_prefix: str) -> AsyncIterator[tuple[SessionEvents, SessionEvents]]:
    a, b = _redis(redis_url, redis_prefix), _redis(redis_url, redis_prefix)
    yield a, b
    await a.close()
    await b.close()


async def test_a_follower_gets_the_update_published_in_memory(memory_events: SessionEvents) -> None:
    async with memory_events.subscribe("cs_1") as subscription:
        await memory_events.publish(_update("CHARGING"))
        assert await subscription.next(2) == _update("CHARGING")


async def test_a_follower_of_another_session_gets_nothing(memory_events: SessionEvents) -> None:
    async with memory_events.subscribe("cs_2") as subscription:
        await memory_events.publish(_update("CHARGING"))
        assert await subscription.next(0.1) is None


async def test_updates_come_in_the_order_published(memory_events: SessionEvents) -> None:
    async with memory_events.subscribe("cs_1") as subscription:
        for status in ("STARTING", "CHARGING", "STOPPING"):
            await memory_events.publish(_update(status))
        received = [await subscription.next(2) for _ in range(3)]
    assert [u.status for u in received if u is not None] == ["STARTING", "CHARGING", "STOPPING"]


async def test_a_slow_follower_loses_the_oldest_updates_first() -> None:
    events = SessionEvents(SessionEvents.in_memory().plugin._backend, queue_limit=2)
    try:
        async with events.subscribe("cs_1") as subscription:
            for status in ("STARTING", "CHARGING", "STOPPING"):
                await events.publish(_update(status))
            await asyncio.sleep(0.05)
            received = [await subscription.next(0.5) for _ in range(2)]
        assert [u.status for u in received if u is not None] == ["CHARGING", "STOPPING"]
    finally:
        await events.close()


async def test_leaving_unsubscribes(memory_events: SessionEvents) -> None:
    async with memory_events.subscribe("cs_1"):
        assert memory_events.subscriber_count("cs_1") == 1
    assert memory_events.subscriber_count("cs_1") == 0


async def test_an_update_published_in_one_process_reaches_a_follower_in_another(
    redis_pair: tuple[SessionEvents, SessionEvents],
) -> None:
    a, b = redis_pair
    async with b.subscribe("cs_1") as subscription:
        await a.publish(_update("COMPLETED"))
        assert await subscription.next(5) == _update("COMPLETED")


async def test_deployments_with_other_prefixes_do_not_hear_each_other(redis_url: str, redis_prefix: str) -> None:
    a, b = _redis(redis_url, redis_prefix), _redis(redis_url, redis_prefix + "-other")
    try:
        async with b.subscribe("cs_1") as subscription:
            await a.publish(_update("COMPLETED"))
            assert await subscription.next(0.5) is None
    finally:
        await a.close()
        await b.close()


async def test_without_redis_a_follower_is_woken_to_read_the_session(
    private_redis: PrivateRedis, redis_prefix: str
) -> None:
    events = _redis(private_redis.url, redis_prefix)
    private_redis.stop()
    try:
        async with events.subscribe("cs_1") as subscription:
            prompt = await subscription.next(5)
        assert prompt is not None
        assert prompt.session_id == "cs_1"
    finally:
        private_redis.start()
        await events.close()


async def test_publishing_without_redis_does_not_fail(private_redis: PrivateRedis, redis_prefix: str) -> None:
    events = _redis(private_redis.url, redis_prefix)
    try:
        private_redis.stop()
        await events.publish(_update("CHARGING"))
        await asyncio.sleep(0.2)
    finally:
        private_redis.start()
        await events.close()


async def test_events_flow_again_once_redis_is_back(private_redis: PrivateRedis, redis_prefix: str) -> None:
    a, b = _redis(private_redis.url, redis_prefix), _redis(private_redis.url, redis_prefix)
    try:
        async with b.subscribe("cs_1") as subscription:
            private_redis.stop()
            await a.publish(_update("CHARGING"))  # dropped: Redis is away
            private_redis.start()
            received = None
            async with asyncio.timeout(15):
                while received is None:
                    await a.publish(_update("STOPPING"))
                    received = await subscription.next(0.5)
            assert received.status == "STOPPING"
    finally:
        await a.close()
        await b.close()
