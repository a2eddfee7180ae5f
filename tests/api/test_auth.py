"""Who may call what: partner and operator API keys."""

from __future__ import annotations

import pytest

from tests.api._helpers import Client, assert_problem
from tests.conftest import bearer

OPERATOR_PATHS = [
    ("GET", "/v1/operator/locations/nl-tst-1"),
    ("PUT", "/v1/operator/locations/nl-tst-1"),
    ("PATCH", "/v1/operator/locations/nl-tst-1"),
    ("DELETE", "/v1/operator/locations/nl-tst-1"),
    ("PUT", "/v1/operator/tariffs/t-1"),
    ("GET", "/v1/operator/tariffs/t-1"),
    ("DELETE", "/v1/operator/tariffs/t-1"),
    ("PUT", "/v1/operator/charge-points/cp-1"),
    ("POST", "/v1/operator/qr-codes"),
    ("GET", "/v1/operator/qr-codes/qr_x.png"),
]


async def test_missing_authorization_is_401_problem(client: Client) -> None:
    response = await client.get("/v1/ping")
    assert_problem(response, 401, "unauthorized")


async def test_401_names_the_bearer_scheme_in_www_authenticate(client: Client) -> None:
    response = await client.get("/v1/ping")
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_unknown_api_key_is_401(client: Client) -> None:
    response = await client.get("/v1/ping", headers=bearer("ca_not-a-key"))
    body = assert_problem(response, 401, "unauthorized")
    assert "www-authenticate" in response.headers
    assert body["status"] == 401


async def test_other_scheme_than_bearer_is_401(client: Client, partner_key: str) -> None:
    response = await client.get("/v1/ping", headers={"Authorization": f"Basic {partner_key}"})
    assert_problem(response, 401, "unauthorized")


async def test_empty_bearer_credential_is_401(client: Client) -> None:
    response = await client.get("/v1/ping", headers={"Authorization": "Bearer "})
    assert_problem(response, 401, "unauthorized")


async def test_oversized_credential_is_401(client: Client) -> None:
    response = await client.get("/v1/ping", headers=bearer("k" * 5000))
    assert_problem(response, 401, "unauthorized")


async def test_partner_key_is_accepted(client: Client, partner_key: str) -> None:
    response = await client.get("/v1/ping", headers=bearer(partner_key))
    assert response.status_code == 200
    assert response.json() == {"pong": True}


async def test_bearer_scheme_is_case_insensitive(client: Client, partner_key: str) -> None:
    response = await client.get("/v1/ping", headers={"Authorization": f"bearer {partner_key}"})
    assert response.status_code == 200


async def test_health_needs_no_credentials(client: Client) -> None:
    response = await client.get("/v1/health")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


async def test_driver_endpoints_need_credentials(client: Client) -> None:
    response = await client.get("/v1/locations/nearby?latitude=52.37&longitude=4.89")
    assert_problem(response, 401, "unauthorized")


@pytest.mark.parametrize(("method", "path"), OPERATOR_PATHS)
async def test_operator_endpoints_refuse_a_partner_key(
    client: Client, partner_key: str, method: str, path: str
) -> None:
    response = await client.request(method, path, headers=bearer(partner_key), json={})
    assert_problem(response, 403, "operator_only")


@pytest.mark.parametrize(("method", "path"), OPERATOR_PATHS)
async def test_operator_endpoints_refuse_no_key(client: Client, method: str, path: str) -> None:
    response = await client.request(method, path, json={})
    assert_problem(response, 401, "unauthorized")


async def test_operator_key_reaches_operator_endpoints(client: Client, operator_key: str) -> None:
    response = await client.get("/v1/operator/locations/nl-tst-unknown", headers=bearer(operator_key))
    assert_problem(response, 404, "location_not_found")


async def test_operator_key_is_also_a_partner_key(client: Client, operator_key: str) -> None:
    response = await client.put("/v1/tokens/operator-device", headers=bearer(operator_key))
    assert response.status_code == 201
