"""The Redis command bus between two buses standing for two processes, over the machine's Redis (or a private
one a test stops). The charge point's connection is a stand-in that answers what it is sent."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from chargeassist.bus import (
    CommandBusUnavailable,
    CommandOutcome,
    RedisCommandBus,
    Reset,
    StartCharging,
)
from chargeassist.bus.commands import ChargePointCommand
from chargeassist.settings import BusSettings
from tests.conftest import PrivateRedis


class StandInConnection:
    """Answers every command Accepted after ``delay_s``; remembers what it was sent and whether it was closed."""

    def __init__(self, delay_s: float = 0.0) -> None:
        self.received: list[ChargePointCommand] = []
        self.closed_because: str | None = None
        self.delay_s = delay_s

    async def send_command(self, command: ChargePointCommand, timeout_s: float) -> CommandOutcome:
        self.received.append(command)
        if self.delay_s > timeout_s:
            await asyncio.sleep(timeout_s)
            return CommandOutcome(status="timeout")
        await asyncio.sleep(self.delay_s)
        return CommandOutcome(status="answered", payload={"status": "Accepted"})

    async def close(self, reason: str) -> None:
        self.closed_because = reason


class Registry(dict[str, StandInConnection]):
    """The connections one process holds."""


def _settings(url: str, prefix: str, ttl_s: float = 30.0) -> BusSettings:
    return BusSettings(redis_url=url, commands="redis", key_prefix=prefix, presence_ttl_s=ttl_s)


@pytest.fixture
async def two_buses(redis_url: str, redis_prefix: str) -> AsyncIterator[tuple[RedisCommandBus, RedisCommandBus]]:
    a = RedisCommandBus(Registry(), _settings(redis_url, redis_prefix), node_id="node-a")
    b = RedisCommandBus(Registry(), _settings(redis_url, redis_prefix), node_id="node-b")
    await a.start()
    await b.start()
    yield a, b
    await a.stop()
    await b.stop()


async def _connect(bus: RedisCommandBus, charge_point_id: str, connection: StandInConnection) -> None:
    bus.registry[charge_point_id] = connection  # type: ignore[index]
    await bus.held(charge_point_id)


async def _disconnect(bus: RedisCommandBus, charge_point_id: str) -> None:
    del bus.registry[charge_point_id]  # type: ignore[attr-defined]
    await bus.released(charge_point_id)


async def test_a_command_reaches_the_process_holding_the_charge_point(two_buses: tuple[RedisCommandBus, ...]) -> None:
    a, b = two_buses
    charger = StandInConnection()
    await _connect(a, "CP-1", charger)
    outcome = await b.send("CP-1", StartCharging(connector_id=2, id_tag="TAG1"), timeout_s=5)
    assert outcome == CommandOutcome(status="answered", payload={"status": "Accepted"})
    assert charger.received == [StartCharging(connector_id=2, id_tag="TAG1")]


async def test_a_charge_point_held_elsewhere_counts_as_connected(two_buses: tuple[RedisCommandBus, ...]) -> None:
    a, b = two_buses
    await _connect(a, "CP-1", StandInConnection())
    assert (await b.is_connected("CP-1"), await b.is_connected("CP-2")) == (True, False)


async def test_a_charge_point_held_nowhere_is_offline(two_buses: tuple[RedisCommandBus, ...]) -> None:
    _, b = two_buses
    assert (await b.send("CP-9", Reset(kind="Soft"), timeout_s=5)).status == "offline"


async def test_a_released_charge_point_is_offline_everywhere(two_buses: tuple[RedisCommandBus, ...]) -> None:
    a, b = two_buses
    await _connect(a, "CP-1", StandInConnection())
    await _disconnect(a, "CP-1")
    assert not await b.is_connected("CP-1")


async def test_the_holders_timeout_comes_back_as_a_timeout(two_buses: tuple[RedisCommandBus, ...]) -> None:
    a, b = two_buses
    await _connect(a, "CP-1", StandInConnection(delay_s=5))
    assert (await b.send("CP-1", Reset(kind="Soft"), timeout_s=0.2)).status == "timeout"


async def test_a_reconnect_to_another_process_moves_the_charge_point(two_buses: tuple[RedisCommandBus, ...]) -> None:
    a, b = two_buses
    old, new = StandInConnection(), StandInConnection()
    await _connect(a, "CP-1", old)
    await _connect(b, "CP-1", new)
    async with asyncio.timeout(5):
        while old.closed_because is None:
            await asyncio.sleep(0.01)
    await _disconnect(a, "CP-1")  # as the closed connection ends
    outcome = await a.send("CP-1", Reset(kind="Hard"), timeout_s=5)
    assert outcome.status == "answered"
    assert (len(old.received), len(new.received)) == (0, 1)


async def test_the_old_holder_closes_its_stale_connection(two_buses: tuple[RedisCommandBus, ...]) -> None:
    a, b = two_buses
    old = StandInConnection()
    await _connect(a, "CP-1", old)
    await _connect(b, "CP-1", StandInConnection())
    async with asyncio.timeout(5):
        while old.closed_because is None:
            await asyncio.sleep(0.01)
    assert "replaced" in old.closed_because


async def test_the_old_holders_release_leaves_the_new_claim(two_buses: tuple[RedisCommandBus, ...]) -> None:
    a, b = two_buses
    await _connect(a, "CP-1", StandInConnection())
    await _connect(b, "CP-1", StandInConnection())
    await _disconnect(a, "CP-1")
    assert await a.is_connected("CP-1")


async def test_a_holder_that_died_is_offline_at_once(redis_url: str, redis_prefix: str) -> None:
    """Killed, a process cannot release: its claim stays until the TTL, but nobody listens on its channel."""
    settings = _settings(redis_url, redis_prefix)
    b = RedisCommandBus(Registry(), settings, node_id="node-b")
    await b.start()
    try:
        client = Redis.from_url(redis_url)
        await client.set(f"{redis_prefix}:cp:CP-1", "node-dead", px=30_000)
        assert (await b.send("CP-1", Reset(kind="Soft"), timeout_s=5)).status == "offline"
        assert await client.get(f"{redis_prefix}:cp:CP-1") is None
        await client.aclose()
    finally:
        await b.stop()


async def test_a_claim_not_refreshed_expires_within_its_ttl(redis_url: str, redis_prefix: str) -> None:
    a = RedisCommandBus(Registry(), _settings(redis_url, redis_prefix, ttl_s=3), node_id="node-a")
    client = Redis.from_url(redis_url)
    try:
        await a.held("CP-1")
        ttl_ms = await client.pttl(f"{redis_prefix}:cp:CP-1")
        assert 0 < ttl_ms <= 3000
    finally:
        await client.aclose()
        await a.stop()


async def test_claims_come_back_after_redis_lost_them(private_redis: PrivateRedis, redis_prefix: str) -> None:
    a = RedisCommandBus(Registry(), _settings(private_redis.url, redis_prefix, ttl_s=3), node_id="node-a")
    await a.start()
    try:
        await _connect(a, "CP-1", StandInConnection())
        private_redis.stop()
        private_redis.start()  # empty: as after a restart without persistence
        client = Redis.from_url(private_redis.url)
        async with asyncio.timeout(10):
            while await client.get(f"{redis_prefix}:cp:CP-1") is None:
                await asyncio.sleep(0.1)
        await client.aclose()
    finally:
        await a.stop()


async def test_redis_away_fails_a_command_fast(private_redis: PrivateRedis, redis_prefix: str) -> None:
    b = RedisCommandBus(Registry(), _settings(private_redis.url, redis_prefix), node_id="node-b")
    await b.start()
    try:
        private_redis.stop()
        began = time.monotonic()
        with pytest.raises(CommandBusUnavailable):
            await b.send("CP-1", Reset(kind="Soft"), timeout_s=30)
        assert time.monotonic() - began < 3
    finally:
        private_redis.start()
        await b.stop()


async def test_commands_cross_again_once_redis_is_back(private_redis: PrivateRedis, redis_prefix: str) -> None:
    a = RedisCommandBus(Registry(), _settings(private_redis.url, redis_prefix, ttl_s=3), node_id="node-a")
    b = RedisCommandBus(Registry(), _settings(private_redis.url, redis_prefix, ttl_s=3), node_id="node-b")
    await a.start()
    await b.start()
    try:
        await _connect(a, "CP-1", StandInConnection())
        private_redis.stop()
        await asyncio.sleep(0.5)
        private_redis.start()
        async with asyncio.timeout(10):
            while True:
                try:
                    if (await b.send("CP-1", Reset(kind="Soft"), timeout_s=1)).status == "answered":
                        break
                except CommandBusUnavailable:
                    pass
                await asyncio.sleep(0.1)
    finally:
        await a.stop()
        await b.stop()
