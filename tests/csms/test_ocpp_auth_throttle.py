"""Wrong OCPP passwords are throttled before they are hashed: per source address, per charge point id, and
with a bounded number of checks in flight, so a guesser cannot keep the real charge point out or slow it
down. Real upgrades over real sockets; the loopback addresses 127.0.0.1 and 127.0.0.2 stand for two hosts."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Subprotocol

from chargeassist.csms._auth_throttle import AuthThrottle
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


async def test_counts_of_addresses_not_seen_again_are_swept(sqlite_url: str) -> None:
    throttle = AuthThrottle(make_settings(sqlite_url, ocpp_auth_failure_window_s=1))
    for n in range(1_000):
        await throttle.failed("CP-E2E-1", f"10.0.{n // 256}.{n % 256}")
    await asyncio.sleep(1.1)
    for n in range(1_000):
        await throttle.failed("CP-E2E-1", f"10.1.{n // 256}.{n % 256}")
    assert throttle._memory is not None
    assert len(throttle._memory._store) <= 1_001
