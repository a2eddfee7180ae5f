"""Verified charge point passwords shared across processes: a second ChargePointService (as another process
builds it) over the same store and shared cache recognises a password the first verified, without scrypt."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass

import pytest
from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore

import chargeassist.services._charge_points as charge_points_module
from chargeassist.bus import build_store
from chargeassist.services import ChargePointService
from chargeassist.services._credentials import STORE_NAME, VerifiedCredentials
from chargeassist.settings import BusSettings
from chargeassist.store import Database
from tests.conftest import PrivateRedis

PASSWORD = "a-password-of-16-chars"
NEW_PASSWORD = "another-password-16"


@dataclass
class Scrypt:
    """How many scrypt checks ran (the real ones, counted)."""

    calls: int = 0


@pytest.fixture
def scrypt(monkeypatch: pytest.MonkeyPatch) -> Scrypt:
    counter = Scrypt()
    real = charge_points_module.verify_password

    def counted(password: str, encoded: str) -> bool:
        counter.calls += 1
        return real(password, encoded)

    monkeypatch.setattr(charge_points_module, "verify_password", counted)
    return counter


@pytest.fixture(params=["memory", "redis"])
def store_factory(request: pytest.FixtureRequest) -> Iterator[Callable[[], Store]]:
    """Builds the shared store as each process would: one MemoryStore for all (memory), or a RedisStore of
    each process's own under the test's key prefix (redis)."""
    if request.param == "memory":
        shared = MemoryStore()
        yield lambda: shared
        return
    bus = BusSettings(
        redis_url=request.getfixturevalue("redis_url"),
        stores="redis",
        key_prefix=request.getfixturevalue("redis_prefix"),
    )
    yield lambda: build_store(bus, STORE_NAME)


@dataclass
class Processes:
    """Two services over one database and one shared store, and the hash stored for CP-1."""

    first: ChargePointService
    second: ChargePointService
    store: Store
    stored: str


@pytest.fixture
async def processes(database_url: str, store_factory: Callable[[], Store]) -> AsyncIterator[Processes]:
    first = ChargePointService(Database(database_url), verified_store=store_factory())
    second = ChargePointService(Database(database_url), verified_store=store_factory())
    inspector = store_factory()
    try:
        await first.put("CP-1", PASSWORD, [])
        stored = await first.password_hash("CP-1")
        assert stored is not None
        yield Processes(first, second, inspector, stored)
    finally:
        await inspector.delete("CP-1")
        for service in (first, second):
            await service.aclose()
            await service._db.dispose()
        await inspector.__aexit__(None, None, None)


async def test_a_password_verified_by_one_process_is_recognised_by_another_without_scrypt(
    processes: Processes, scrypt: Scrypt
) -> None:
    assert await processes.first.verify("CP-1", processes.stored, PASSWORD) is True
    before = scrypt.calls
    assert await processes.second.verify("CP-1", processes.stored, PASSWORD) is True
    assert scrypt.calls == before


async def test_the_first_check_of_a_password_costs_one_scrypt(processes: Processes, scrypt: Scrypt) -> None:
    assert await processes.first.verify("CP-1", processes.stored, PASSWORD) is True
    assert scrypt.calls == 1


async def test_a_password_recognised_from_the_shared_store_is_then_known_in_the_process(
    processes: Processes,
) -> None:
    await processes.first.verify("CP-1", processes.stored, PASSWORD)
    assert processes.second.recognised("CP-1", processes.stored, PASSWORD) is None
    assert await processes.second.recognised_shared("CP-1", processes.stored, PASSWORD) is True
    assert processes.second.recognised("CP-1", processes.stored, PASSWORD) is True


async def test_a_wrong_password_is_not_recognised_by_another_process(processes: Processes, scrypt: Scrypt) -> None:
    await processes.first.verify("CP-1", processes.stored, PASSWORD)
    assert await processes.second.recognised_shared("CP-1", processes.stored, "wrong-password-0000") is None


async def test_a_wrong_password_is_refused_by_scrypt_in_another_process(processes: Processes, scrypt: Scrypt) -> None:
    await processes.first.verify("CP-1", processes.stored, PASSWORD)
    before = scrypt.calls
    assert await processes.second.verify("CP-1", processes.stored, "wrong-password-0000") is False
    assert scrypt.calls == before + 1


async def test_a_wrong_password_leaves_nothing_in_the_shared_store(processes: Processes) -> None:
    assert await processes.first.verify("CP-1", processes.stored, "wrong-password-0000") is False
    assert await processes.store.get("CP-1") is None


async def test_a_new_password_deletes_the_shared_entry(processes: Processes) -> None:
    await processes.first.verify("CP-1", processes.stored, PASSWORD)
    await processes.second.put("CP-1", NEW_PASSWORD, [])
    assert await processes.store.get("CP-1") is None


async def test_a_new_password_is_not_recognised_from_an_entry_of_the_old_one(processes: Processes) -> None:
    await processes.first.verify("CP-1", processes.stored, PASSWORD)
    old_entry = await processes.store.get("CP-1")
    assert old_entry is not None
    await processes.first.put("CP-1", NEW_PASSWORD, [])
    # As if the delete had not reached the store: the entry names the old hash, so it matches nothing now.
    await processes.store.set("CP-1", old_entry)
    new_stored = await processes.second.password_hash("CP-1")
    assert new_stored is not None
    assert (
        await processes.second.recognised_shared("CP-1", new_stored, PASSWORD),
        await processes.second.recognised_shared("CP-1", new_stored, NEW_PASSWORD),
    ) == (None, None)


async def test_the_old_password_is_refused_after_a_change_in_another_process(processes: Processes) -> None:
    await processes.first.verify("CP-1", processes.stored, PASSWORD)
    await processes.second.verify("CP-1", processes.stored, PASSWORD)
    await processes.first.put("CP-1", NEW_PASSWORD, [])
    new_stored = await processes.second.password_hash("CP-1")
    assert new_stored is not None
    assert await processes.second.verify("CP-1", new_stored, PASSWORD) is False


async def test_an_entry_of_another_charge_point_is_not_recognised(processes: Processes) -> None:
    await processes.first.verify("CP-1", processes.stored, PASSWORD)
    entry = await processes.store.get("CP-1")
    assert entry is not None
    await processes.store.set("CP-2", entry)
    try:
        assert await processes.second.recognised_shared("CP-2", processes.stored, PASSWORD) is None
    finally:
        await processes.store.delete("CP-2")


async def test_without_a_shared_store_another_process_checks_with_scrypt(sqlite_url: str, scrypt: Scrypt) -> None:
    first, second = ChargePointService(Database(sqlite_url)), ChargePointService(Database(sqlite_url))
    try:
        await first.put("CP-1", PASSWORD, [])
        stored = await first.password_hash("CP-1")
        assert stored is not None
        await first.verify("CP-1", stored, PASSWORD)
        before = scrypt.calls
        assert await second.verify("CP-1", stored, PASSWORD) is True
        assert scrypt.calls == before + 1
    finally:
        for service in (first, second):
            await service.aclose()
            await service._db.dispose()


# --- Redis away --------------------------------------------------------------------------------------------


@pytest.fixture
async def outage(sqlite_url: str, private_redis: PrivateRedis) -> AsyncIterator[Processes]:
    """Two services sharing a private Redis, CP-1's password verified by the first, then Redis stopped."""
    bus = BusSettings(redis_url=private_redis.url, stores="redis", key_prefix="outage")
    first = ChargePointService(Database(sqlite_url), verified_store=build_store(bus, STORE_NAME))
    second = ChargePointService(Database(sqlite_url), verified_store=build_store(bus, STORE_NAME))
    try:
        await first.put("CP-1", PASSWORD, [])
        stored = await first.password_hash("CP-1")
        assert stored is not None
        assert await first.verify("CP-1", stored, PASSWORD) is True
        private_redis.stop()
        yield Processes(first, second, MemoryStore(), stored)
    finally:
        for service in (first, second):
            await service.aclose()
            await service._db.dispose()


async def test_redis_down_falls_back_to_scrypt(outage: Processes, scrypt: Scrypt) -> None:
    before = scrypt.calls
    assert await outage.second.verify("CP-1", outage.stored, PASSWORD) is True
    assert scrypt.calls == before + 1


async def test_redis_down_still_refuses_a_wrong_password(outage: Processes) -> None:
    assert await outage.second.verify("CP-1", outage.stored, "wrong-password-0000") is False


async def test_redis_down_leaves_the_process_tier_working(outage: Processes) -> None:
    assert outage.first.recognised("CP-1", outage.stored, PASSWORD) is True


async def test_redis_down_does_not_fail_a_password_change(outage: Processes) -> None:
    await outage.first.put("CP-1", NEW_PASSWORD, [])
    new_stored = await outage.first.password_hash("CP-1")
    assert new_stored is not None
    assert await outage.first.verify("CP-1", new_stored, NEW_PASSWORD) is True


async def test_the_shared_tier_is_used_again_once_redis_is_back(sqlite_url: str, private_redis: PrivateRedis) -> None:
    bus = BusSettings(redis_url=private_redis.url, stores="redis", key_prefix="back")
    db = Database(sqlite_url)
    stored = "scrypt$stored-hash-of-cp-1"
    # No pause after an error, so the very next check asks Redis again.
    first = VerifiedCredentials(db, build_store(bus, STORE_NAME), backoff_s=0)
    second = VerifiedCredentials(db, build_store(bus, STORE_NAME), backoff_s=0)
    try:
        private_redis.stop()
        await first.remember("CP-1", stored, PASSWORD)
        assert await second.recognised_shared("CP-1", stored, PASSWORD) is False
        private_redis.start()
        await first.remember("CP-1", stored, PASSWORD)
        assert await second.recognised_shared("CP-1", stored, PASSWORD) is True
    finally:
        await first.aclose()
        await second.aclose()
        await db.dispose()


async def test_after_a_redis_error_the_shared_tier_rests(sqlite_url: str, private_redis: PrivateRedis) -> None:
    bus = BusSettings(redis_url=private_redis.url, stores="redis", key_prefix="rest")
    db = Database(sqlite_url)
    stored = "scrypt$stored-hash-of-cp-1"
    first = VerifiedCredentials(db, build_store(bus, STORE_NAME))
    second = VerifiedCredentials(db, build_store(bus, STORE_NAME), backoff_s=3600)
    try:
        await first.remember("CP-1", stored, PASSWORD)
        private_redis.stop()
        assert await second.recognised_shared("CP-1", stored, PASSWORD) is False
        private_redis.start()
        await first.remember("CP-1", stored, PASSWORD)
        assert await first.recognised_shared("CP-1", stored, PASSWORD) is True
        # Redis is back, but the pause after the error is not over: scrypt decides until it is.
        assert await second.recognised_shared("CP-1", stored, PASSWORD) is False
    finally:
        await first.aclose()
        await second.aclose()
        await db.dispose()
