"""Wrong OCPP passwords are throttled before they are hashed: per source address, per charge point id, and
with a bounded number of checks in flight, so a guesser cannot keep the real charge point out or slow it
down. Real upgrades over real sockets; the loopback addresses 127.0.0.1 and 127.0.0.2 stand for two hosts.
On Redis, the throttles of several processes share their counts."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Subprotocol

from chargeassist.csms._auth_throttle import AuthThrottle
from chargeassist.limits import MemoryRateLimitBackend
from chargeassist.settings import BusSettings, Settings
from tests.conftest import make_settings
from tests.csms._live import PASSWORD, LiveServer, live_server, seed

GUESSER, CHARGER = "127.0.0.1", "127.0.0.2"


@pytest.fixture
async def live(sqlite_url: str) -> AsyncIterator[LiveServer]:
    settings = make_settings(
        sqlite_url,
        ocpp_auth_failures_per_address=5,
        ocpp_auth_failures_per_charge_point=50,
        ocpp_auth_failure_window_s=60,
        ocpp_auth_checks_in_flight=1,
    )
    async with live_server(settings) as server:
        await seed(server)
        yield server


@pytest.fixture
def hashes(live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The passwords scrypt checked, in order."""
    checked: list[str] = []
    charge_points = live.services.charge_points
    verify = charge_points.verify

    async def counting(charge_point_id: str, stored: str, password: str) -> bool:
        checked.append(password)
        return await verify(charge_point_id, stored, password)

    monkeypatch.setattr(charge_points, "verify", counting)
    return checked


async def _upgrade(live: LiveServer, password: str, *, source: str = GUESSER, charge_point_id: str = "CP-E2E-1") -> int:
    """The HTTP status of an upgrade (101 when accepted)."""
    token = base64.b64encode(f"{charge_point_id}:{password}".encode()).decode()
    try:
        async with connect(
            f"{live.ocpp_url}/{charge_point_id}",
            subprotocols=[Subprotocol("ocpp1.6")],
            additional_headers={"Authorization": f"Basic {token}"},
            proxy=None,
            local_addr=(source, 0),
        ):
            return 101
    except InvalidStatus as refused:
        return refused.response.status_code


async def _refusal(live: LiveServer, password: str) -> InvalidStatus:
    token = base64.b64encode(f"CP-E2E-1:{password}".encode()).decode()
    with pytest.raises(InvalidStatus) as refused:
        async with connect(
            f"{live.ocpp_url}/CP-E2E-1",
            subprotocols=[Subprotocol("ocpp1.6")],
            additional_headers={"Authorization": f"Basic {token}"},
            proxy=None,
        ):
            pass
    return refused.value


async def test_wrong_passwords_past_the_address_limit_are_429(live: LiveServer) -> None:
    statuses = [await _upgrade(live, f"guess-{n}") for n in range(7)]
    assert statuses == [401] * 5 + [429] * 2


async def test_refused_attempt_is_problem_json_with_retry_after(live: LiveServer) -> None:
    for n in range(5):
        await _upgrade(live, f"guess-{n}")
    refused = await _refusal(live, "guess-6")
    assert refused.response.status_code == 429
    assert 1 <= int(refused.response.headers["Retry-After"]) <= 60
    assert refused.response.headers["Content-Type"] == "application/problem+json"
    assert json.loads(refused.response.body)["code"] == "too_many_attempts"


async def test_refused_attempts_are_not_hashed(live: LiveServer, hashes: list[str]) -> None:
    for n in range(20):
        await _upgrade(live, f"guess-{n}")
    assert hashes == [f"guess-{n}" for n in range(5)]


async def test_right_password_from_another_address_gets_in_past_the_guessers_limit(live: LiveServer) -> None:
    for n in range(10):
        await _upgrade(live, f"guess-{n}")
    assert await _upgrade(live, PASSWORD, source=CHARGER) == 101


async def test_guesser_storm_runs_few_hashes_and_lets_the_charger_in(live: LiveServer, hashes: list[str]) -> None:
    storm = [asyncio.create_task(_upgrade(live, f"guess-{n}")) for n in range(300)]
    statuses: list[int] = []
    for _ in range(20):  # the charger retries after a short back-off, as OCPP charge points do
        statuses.append(await _upgrade(live, PASSWORD, source=CHARGER))
        if statuses[-1] == 101:
            break
        await asyncio.sleep(0.05)
    refused = await asyncio.gather(*storm)
    assert statuses[-1] == 101
    assert set(statuses[:-1]) <= {429}
    assert set(refused) <= {401, 429}
    assert len(hashes) <= 5 + 1  # the guesser up to its address limit, the charger once


async def test_verified_password_gets_in_while_the_charge_point_id_is_refused(
    sqlite_url: str,
) -> None:
    settings = make_settings(sqlite_url, ocpp_auth_failures_per_address=100, ocpp_auth_failures_per_charge_point=3)
    async with live_server(settings) as live:
        await seed(live)
        assert await _upgrade(live, PASSWORD, source=CHARGER) == 101
        assert [await _upgrade(live, f"guess-{n}") for n in range(4)] == [401, 401, 401, 429]
        assert await _upgrade(live, PASSWORD, source=CHARGER) == 101


async def test_unknown_charge_point_stays_404_past_the_limits(live: LiveServer) -> None:
    for n in range(10):
        await _upgrade(live, f"guess-{n}")
    assert await _upgrade(live, PASSWORD, charge_point_id="CP-NOBODY") == 404


async def test_counts_of_addresses_not_seen_again_do_not_pile_up(sqlite_url: str) -> None:
    backend = MemoryRateLimitBackend(max_keys=1_000)
    throttle = AuthThrottle(make_settings(sqlite_url), backend)
    for n in range(5_000):
        await throttle.failed("CP-E2E-1", f"10.0.{n // 256}.{n % 256}")
    assert len(backend) <= 1_000


async def test_failures_counted_by_one_throttle_refuse_attempts_at_another_on_the_same_backend(sqlite_url: str) -> None:
    settings = make_settings(sqlite_url, ocpp_auth_failures_per_address=3)
    backend = MemoryRateLimitBackend()
    first, second = AuthThrottle(settings, backend), AuthThrottle(settings, backend)
    for _ in range(3):
        await first.failed("CP-E2E-1", GUESSER)
    assert await second.refused_for("CP-E2E-1", GUESSER) is not None


async def test_a_refusal_waits_for_one_failure_to_refill_not_the_whole_window(sqlite_url: str) -> None:
    settings = make_settings(sqlite_url, ocpp_auth_failures_per_address=5, ocpp_auth_failure_window_s=60)
    throttle = AuthThrottle(settings)
    for _ in range(5):
        await throttle.failed("CP-E2E-1", GUESSER)
    assert await throttle.refused_for("CP-E2E-1", GUESSER) == 12


async def test_reaching_a_limit_is_reported_once_per_window_not_per_attempt(sqlite_url: str) -> None:
    throttle = AuthThrottle(make_settings(sqlite_url, ocpp_auth_failures_per_address=3))
    reached = [await throttle.failed("CP-E2E-1", GUESSER) for _ in range(6)]
    assert reached == [False, False, True, False, False, False]


@pytest.fixture
def redis_settings(sqlite_url: str, redis_url: str, redis_prefix: str) -> Settings:
    """Settings of a deployment on the machine's Redis (rate limits there), under a key prefix of the test's own."""
    return make_settings(
        sqlite_url,
        bus=BusSettings(redis_url=redis_url, key_prefix=redis_prefix),
        rate_limit_backend="redis",
        ocpp_auth_failures_per_address=5,
        ocpp_auth_failures_per_charge_point=8,
    )


async def test_throttles_of_two_processes_on_redis_share_the_address_limit(redis_settings: Settings) -> None:
    # Each built from the settings, as each process builds its own: two clients, one Redis.
    first, second = AuthThrottle(redis_settings), AuthThrottle(redis_settings)
    try:
        for _ in range(3):
            await first.failed("CP-E2E-1", GUESSER)
        assert await second.refused_for("CP-E2E-1", GUESSER) is None
        for _ in range(2):
            await second.failed("CP-E2E-1", GUESSER)
        assert await first.refused_for("CP-E2E-1", GUESSER) is not None
    finally:
        await first.close()
        await second.close()


async def test_throttles_of_two_processes_on_redis_share_the_charge_point_limit(redis_settings: Settings) -> None:
    first, second = AuthThrottle(redis_settings), AuthThrottle(redis_settings)
    try:
        for n in range(4):
            await first.failed("CP-E2E-1", f"10.0.0.{n}")
            await second.failed("CP-E2E-1", f"10.0.1.{n}")
        assert await first.refused_for("CP-E2E-1", CHARGER) is not None
        assert await second.refused_for("CP-E2E-2", CHARGER) is None
    finally:
        await first.close()
        await second.close()


async def test_the_throttle_counts_in_redis_under_the_deployments_prefix(
    redis_settings: Settings, redis_url: str, redis_prefix: str
) -> None:
    throttle = AuthThrottle(redis_settings)
    try:
        await throttle.failed("CP-E2E-1", GUESSER)
    finally:
        await throttle.close()
    client = Redis.from_url(redis_url)
    try:
        keys = sorted([key.decode() async for key in client.scan_iter(f"{redis_prefix}:*")])
    finally:
        await client.aclose()
    assert keys == [
        f"{redis_prefix}:ratelimit:ocpp-auth:address:{GUESSER}",
        f"{redis_prefix}:ratelimit:ocpp-auth:id:CP-E2E-1",
    ]
