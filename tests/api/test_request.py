"""What a request must be before a handler sees it: NUL-free paths, queries and bodies (refused naming the field,
on both stores), JSON bodies declared as JSON and shallow, and no query value of ``null``."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from litestar.testing import AsyncTestClient

from chargeassist.app import create_app
from chargeassist.services import Services
from tests.api._helpers import Client, assert_problem, capture_logs, error_fields, ocpi_location, register_token
from tests.conftest import bearer, make_settings


@dataclass
class Caller:
    """A client on an app over one of the stores, with a partner key, an operator key and an app token."""

    client: Client
    partner: str
    operator: str


@pytest.fixture
async def caller(database_url: str) -> AsyncIterator[Caller]:
    """A caller on each store: PostgreSQL refuses NUL in text, which is what made these 500s."""
    # Partners are made on a store of their own: the app's PostgreSQL connections belong to the test client's loop.
    setup = Services.create(make_settings(database_url))
    try:
        partner = (await setup.partners.create("Partner")).api_key
        operator = (await setup.partners.create("Operator", is_operator=True)).api_key
    finally:
        await setup.db.dispose()
    async with AsyncTestClient(app=create_app(make_settings(database_url))) as client:
        await register_token(client, partner, "driver-1")
        yield Caller(client, partner, operator)


# --- NUL characters -------------------------------------------------------------------------------------------


async def test_nul_in_a_path_id_is_400_naming_it(caller: Caller) -> None:
    response = await caller.client.put("/v1/tokens/driver%00one", headers=bearer(caller.partner))
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["appToken"]


async def test_nul_in_a_location_id_is_400_naming_it(caller: Caller) -> None:
    response = await caller.client.get("/v1/locations/nl-tst-1%00", headers=bearer(caller.partner))
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["locationId"]


async def test_nul_in_a_query_value_is_400_naming_it(caller: Caller) -> None:
    response = await caller.client.get(
        "/v1/tokens/driver-1/sessions?paymentMethodId=pm%00", headers=bearer(caller.partner)
    )
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["paymentMethodId"]


@pytest.mark.parametrize("query", ["=", "=x", "pageSize=5&=x"])
async def test_query_value_without_a_name_is_400(caller: Caller, query: str) -> None:
    response = await caller.client.get(f"/v1/tokens/driver-1/sessions?{query}", headers=bearer(caller.partner))
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["query"]


async def test_nul_in_a_body_string_is_400_naming_the_field(caller: Caller) -> None:
    response = await caller.client.put(
        "/v1/tokens/driver-1/wallet/external",
        json={"externalPaymentMethodId": "ref\x00"},
        headers=bearer(caller.partner),
    )
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["externalPaymentMethodId"]


async def test_nul_deep_in_a_location_is_400_naming_its_path(caller: Caller) -> None:
    location = ocpi_location("nul-1")
    location["evses"][0]["physical_reference"] = "bay\x001"
    response = await caller.client.put(
        "/v1/operator/locations/nl-tst-nul-1", json=location, headers=bearer(caller.operator)
    )
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["evses[0].physical_reference"]


async def test_nul_in_a_body_key_is_400(caller: Caller) -> None:
    tariff = {"id": "t-1", "currency": "EUR", "elements": [], "last_updated": "2025-01-06T08:00:00Z", "x\x00": 1}
    response = await caller.client.put("/v1/operator/tariffs/t-1", json=tariff, headers=bearer(caller.operator))
    assert_problem(response, 400, "validation_failed")


async def test_nothing_is_stored_for_a_body_with_nul(caller: Caller) -> None:
    await caller.client.put(
        "/v1/tokens/driver-1/wallet/external",
        json={"externalPaymentMethodId": "ref-1", "displayName": "mine\x00"},
        headers=bearer(caller.partner),
    )
    listed = await caller.client.get("/v1/tokens/driver-1/wallet", headers=bearer(caller.partner))
    assert listed.json()["data"] == []


# --- media type ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
async def test_a_body_of_another_media_type_is_415(client: Client, partner_key: str, content_type: str) -> None:
    response = await client.post(
        "/v1/qr", content=b'{"url": "X"}', headers={**bearer(partner_key), "Content-Type": content_type}
    )
    assert_problem(response, 415, "unsupported_media_type")


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "application/merge-patch+json"])
async def test_json_media_types_are_read(client: Client, partner_key: str, content_type: str) -> None:
    response = await client.post(
        "/v1/qr", content=b'{"url": "X"}', headers={**bearer(partner_key), "Content-Type": content_type}
    )
    assert response.status_code == 200, response.text


# --- nesting -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [33, 1_000, 100_000])
async def test_deeply_nested_body_is_400_naming_the_body(
    client: Client, partner_key: str, depth: int, caplog: pytest.LogCaptureFixture
) -> None:
    body = b'{"url": ' + b"[" * depth + b"]" * depth + b"}"
    with capture_logs(caplog):
        response = await client.post(
            "/v1/qr", content=body, headers={**bearer(partner_key), "Content-Type": "application/json"}
        )
    problem = assert_problem(response, 400, "validation_failed")
    assert error_fields(problem) == ["body"]
    assert "nested deeper than 32 levels" in problem["detail"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_deeply_nested_object_on_an_operator_body_is_400(client: Client, operator_key: str) -> None:
    body = b'{"a": ' * 1_000 + b"1" + b"}" * 1_000
    response = await client.put(
        "/v1/operator/locations/nl-tst-1",
        content=body,
        headers={**bearer(operator_key), "Content-Type": "application/json"},
    )
    assert_problem(response, 400, "validation_failed")


async def test_nesting_of_32_levels_is_read(client: Client, partner_key: str) -> None:
    # The body itself is level 0; its ``url`` holds 31 more levels.
    body = b'{"url": ' + b"[" * 31 + b"]" * 31 + b"}"
    response = await client.post(
        "/v1/qr", content=body, headers={**bearer(partner_key), "Content-Type": "application/json"}
    )
    # Read, then refused by the body's type (a list is not a string), not by its depth.
    problem = assert_problem(response, 400, "validation_failed")
    assert "nested" not in problem["detail"]


# --- null in queries -----------------------------------------------------------------------------------------


async def test_is_available_null_is_400_in_nearby_search(client: Client, partner_key: str) -> None:
    response = await client.get(
        "/v1/locations/nearby?latitude=52.37&longitude=4.89&isAvailable=null", headers=bearer(partner_key)
    )
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["isAvailable"]


async def test_is_available_null_is_400_in_box_search(client: Client, partner_key: str) -> None:
    response = await client.get(
        "/v1/locations/boundingbox?bottomLeftLat=52&bottomLeftLng=4&topRightLat=53&topRightLng=5&isAvailable=null",
        headers=bearer(partner_key),
    )
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["isAvailable"]


async def test_min_kw_null_is_400(client: Client, partner_key: str) -> None:
    response = await client.get(
        "/v1/locations/nearby?latitude=52.37&longitude=4.89&minKw=null", headers=bearer(partner_key)
    )
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["minKw"]


async def test_infinite_min_kw_is_400(client: Client, partner_key: str) -> None:
    response = await client.get(
        "/v1/locations/nearby?latitude=52.37&longitude=4.89&minKw=inf", headers=bearer(partner_key)
    )
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["minKw"]


async def test_null_is_text_for_a_string_parameter(client: Client, partner_key: str) -> None:
    await register_token(client, partner_key, "driver-1")
    response = await client.get("/v1/tokens/driver-1/sessions?paymentMethodId=null", headers=bearer(partner_key))
    assert response.status_code == 200, response.text
