"""Rate limits on the expensive and the guessable operations: 429 problem details with ``Retry-After``."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from chargeassist.app import create_app
from chargeassist.openapi import export_openapi
from chargeassist.services import Services
from tests.api._helpers import Client, assert_problem
from tests.conftest import bearer, make_settings

START_BODY = {"locationId": "nl-tst-nowhere", "evseUid": "NL-TST-E1", "paymentMethodId": "pm_nothing"}


async def until_refused(send: Any, tries: int) -> tuple[int, httpx.Response | None]:
    """Send up to ``tries`` requests; how many passed before the first 429, and that 429."""
    for passed in range(tries):
        response: httpx.Response = await send()
        if response.status_code == 429:
            return passed, response
    return tries, None


def assert_rate_limited(response: httpx.Response | None) -> None:
    assert response is not None, "never refused"
    body = assert_problem(response, 429, "rate_limited")
    assert int(response.headers["retry-after"]) >= 1
    assert body["status"] == 429


@pytest.fixture
async def tight_client(sqlite_url: str) -> AsyncIterator[Client]:
    """An app whose token and access-token rates are small enough to reach in a few requests."""
    settings = make_settings(
        sqlite_url, rate_limit_app_token_create="1/min:3", rate_limit_access_token_create="1/min:3"
    )
    async with AsyncTestClient(app=create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
async def tight_partner_key(tight_client: Client) -> str:
    app: Litestar = tight_client.app
    services: Services = app.state.services
    return (await services.partners.create("Tight Partner")).api_key


async def test_two_thousand_qr_parses_from_one_key_meet_a_429(client: Client, partner_key: str) -> None:
    async def parse() -> httpx.Response:
        return await client.post("/v1/qr", json={"url": "NL*TST*E1"}, headers=bearer(partner_key))

    passed, refused = await until_refused(parse, 2000)
    assert_rate_limited(refused)
    assert passed >= 100  # the burst


async def test_another_partner_keeps_its_own_qr_rate(client: Client, partner_key: str, other_partner_key: str) -> None:
    async def parse() -> httpx.Response:
        return await client.post("/v1/qr", json={"url": "NL*TST*E1"}, headers=bearer(partner_key))

    await until_refused(parse, 2000)
    response = await client.post("/v1/qr", json={"url": "NL*TST*E1"}, headers=bearer(other_partner_key))
    assert response.status_code == 200, response.text


async def test_searches_from_one_key_meet_a_429(client: Client, partner_key: str) -> None:
    async def search() -> httpx.Response:
        return await client.get("/v1/locations/nearby?latitude=52.37&longitude=4.89", headers=bearer(partner_key))

    assert_rate_limited((await until_refused(search, 2000))[1])


async def test_a_box_search_shares_the_search_rate(client: Client, partner_key: str) -> None:
    async def search() -> httpx.Response:
        return await client.get("/v1/locations/nearby?latitude=52.37&longitude=4.89", headers=bearer(partner_key))

    await until_refused(search, 2000)
    box = "bottomLeftLat=52.3&bottomLeftLng=4.8&topRightLat=52.4&topRightLng=5.0"
    response = await client.get(f"/v1/locations/boundingbox?{box}", headers=bearer(partner_key))
    assert_rate_limited(response)


async def test_session_starts_are_limited_per_app_token(client: Client, partner_key: str) -> None:
    async def start() -> httpx.Response:
        return await client.post("/v1/tokens/driver-1/sessions", json=START_BODY, headers=bearer(partner_key))

    passed, refused = await until_refused(start, 50)
    assert_rate_limited(refused)
    assert passed == 5


async def test_another_app_token_starts_while_one_is_limited(client: Client, partner_key: str) -> None:
    async def start() -> httpx.Response:
        return await client.post("/v1/tokens/driver-1/sessions", json=START_BODY, headers=bearer(partner_key))

    await until_refused(start, 50)
    response = await client.post("/v1/tokens/driver-2/sessions", json=START_BODY, headers=bearer(partner_key))
    assert response.status_code != 429, response.text


async def test_app_token_registrations_are_limited_per_partner(tight_client: Client, tight_partner_key: str) -> None:
    counter = iter(range(100))

    async def register() -> httpx.Response:
        return await tight_client.put(f"/v1/tokens/driver-{next(counter)}", headers=bearer(tight_partner_key))

    passed, refused = await until_refused(register, 20)
    assert_rate_limited(refused)
    assert passed == 3


async def test_access_tokens_are_limited_per_partner(tight_client: Client, tight_partner_key: str) -> None:
    assert (await tight_client.put("/v1/tokens/driver-1", headers=bearer(tight_partner_key))).status_code == 201

    async def mint() -> httpx.Response:
        return await tight_client.post("/v1/tokens/driver-1/access-token", headers=bearer(tight_partner_key))

    passed, refused = await until_refused(mint, 20)
    assert_rate_limited(refused)
    assert passed == 3


async def test_failed_api_keys_from_one_address_meet_a_429(client: Client) -> None:
    async def guess() -> httpx.Response:
        return await client.get("/v1/ping", headers=bearer("guessed-key-0123456789"))

    passed, refused = await until_refused(guess, 100)
    assert_rate_limited(refused)
    assert passed == 10


async def test_a_throttled_address_is_refused_even_with_a_valid_key(client: Client, partner_key: str) -> None:
    # Answering a right key differently would tell the guesser which one was right.
    for _ in range(10):
        await client.get("/v1/ping", headers=bearer("guessed-key-0123456789"))
    assert_rate_limited(await client.get("/v1/ping", headers=bearer(partner_key)))


async def test_forged_access_tokens_count_as_failed_credentials(client: Client) -> None:
    async def forge() -> httpx.Response:
        return await client.get("/v1/ping", headers=bearer("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"))

    assert_rate_limited((await until_refused(forge, 100))[1])


async def test_valid_keys_do_not_count_as_failures(client: Client, partner_key: str) -> None:
    for _ in range(50):
        assert (await client.get("/v1/ping", headers=bearer(partner_key))).status_code == 200


async def test_a_limit_switched_off_never_refuses(sqlite_url: str) -> None:
    settings = make_settings(sqlite_url, rate_limit_session_start="off")
    async with AsyncTestClient(app=create_app(settings)) as test_client:
        app: Litestar = test_client.app
        key = (await app.state.services.partners.create("Partner")).api_key
        for _ in range(20):
            response = await test_client.post("/v1/tokens/driver-1/sessions", json=START_BODY, headers=bearer(key))
            assert response.status_code != 429, response.text


def test_every_authenticated_operation_declares_429() -> None:
    document = json.loads(export_openapi())
    missing = [
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if path != "/v1/health" and "429" not in operation["responses"]
    ]
    assert missing == []


async def test_unsigned_flood_of_the_stripe_webhook_meets_a_429_per_address(sqlite_url: str) -> None:
    settings = make_settings(sqlite_url, rate_limit_stripe_webhook="1/min:3")
    async with AsyncTestClient(app=create_app(settings)) as test_client:

        async def deliver() -> httpx.Response:
            return await test_client.post("/v1/webhooks/stripe", content=b"{}", headers={"Stripe-Signature": "t=1"})

        passed, refused = await until_refused(deliver, 10)
    assert passed == 3
    assert_rate_limited(refused)
