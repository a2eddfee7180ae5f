"""One live demo server for the SDK tests (real HTTP, no mocks), and clients of it.

Tests share the server, so each works on app tokens and cards of its own (``app_token``, ``card_number``).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from chargeassist_sdk import AsyncChargeAssist, ChargeAssist, RetryPolicy
from tests._live import DEMO_HOTEL_KEY, DEMO_OPERATOR_KEY, DEMO_PARTNER_KEY, live_server

NO_RETRIES = RetryPolicy(max_retries=0)


@pytest.fixture(scope="session")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a demo server over its own SQLite store."""
    path = tmp_path_factory.mktemp("sdk-live") / "chargeassist.db"
    with live_server(f"sqlite+aiosqlite:///{path}") as url:
        wait_for_the_demo_charge_points(url)
        yield url


def wait_for_the_demo_charge_points(url: str, timeout_s: float = 30.0) -> None:
    """Wait until the demo charge points are connected, so sessions can start."""
    deadline = time.monotonic() + timeout_s
    headers = {"Authorization": f"Bearer {DEMO_OPERATOR_KEY}"}
    while time.monotonic() < deadline:
        page = httpx.get(f"{url}/v1/operator/charge-points", headers=headers, params={"pageSize": 100}).json()
        if page["data"] and all(charge_point["connected"] for charge_point in page["data"]):
            return
        time.sleep(0.1)
    raise RuntimeError("the demo charge points did not connect")


@pytest.fixture
def sdk(live_url: str) -> Iterator[ChargeAssist]:
    """A blocking client with the demo partner key."""
    with ChargeAssist(api_key=DEMO_PARTNER_KEY, base_url=live_url, retry=NO_RETRIES) as client:
        yield client


@pytest.fixture
def hotel_sdk(live_url: str) -> Iterator[ChargeAssist]:
    """A blocking client with the hotel group's key."""
    with ChargeAssist(api_key=DEMO_HOTEL_KEY, base_url=live_url, retry=NO_RETRIES) as client:
        yield client


@pytest.fixture
async def async_sdk(live_url: str) -> AsyncIterator[AsyncChargeAssist]:
    """An asyncio client with the demo partner key."""
    async with AsyncChargeAssist(api_key=DEMO_PARTNER_KEY, base_url=live_url, retry=NO_RETRIES) as client:
        yield client


@pytest.fixture
def app_token(sdk: ChargeAssist) -> str:
    """An app token of this test's own, registered for the demo partner."""
    token = f"driver-{secrets.token_hex(6)}"
    sdk.tokens.register(token)
    return token


@pytest.fixture
def payment_method_id(sdk: ChargeAssist, app_token: str) -> str:
    """An external payment method in ``app_token``'s wallet."""
    return sdk.wallet.add_external(app_token, f"folio-{secrets.token_hex(4)}").id


@pytest.fixture
def card_number() -> str:
    """A charge card visual number no other test uses."""
    return f"NL-TST-C{secrets.randbelow(10**8):08d}-{secrets.randbelow(10)}"
