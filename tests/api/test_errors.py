"""Every error is RFC 9457 problem+json with a stable code; every response carries a request id."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import httpx
import pytest

from chargeassist.services import Services
from tests.api._helpers import PROBLEM_JSON, Client, register_token
from tests.conftest import bearer

Request = Callable[[Client, str, str], Awaitable[httpx.Response]]
GENERATED_ID = re.compile(r"^[0-9a-f]{16}$")


async def _no_credentials(client: Client, partner: str, operator: str) -> httpx.Response:
    return await client.get("/v1/ping")


async def _partner_on_operator_endpoint(client: Client, partner: str, operator: str) -> httpx.Response:
    return await client.get("/v1/operator/tariffs/t-1", headers=bearer(partner))


async def _unknown_route(client: Client, partner: str, operator: str) -> httpx.Response:
    return await client.get("/v1/no-such-thing", headers=bearer(partner))


async def _unknown_resource(client: Client, partner: str, operator: str) -> httpx.Response:
    return await client.get("/v1/tokens/nobody", headers=bearer(partner))


async def _wrong_method(client: Client, partner: str, operator: str) -> httpx.Response:
    return await client.post("/v1/ping", headers=bearer(partner))


async def _bad_query(client: Client, partner: str, operator: str) -> httpx.Response:
    return await client.get("/v1/locations/nearby?latitude=100&longitude=4", headers=bearer(partner))


async def _bad_body(client: Client, partner: str, operator: str) -> httpx.Response:
    await register_token(client, partner, "driver-1")
    return await client.put("/v1/tokens/driver-1/wallet/charge-card", json={"visualNumber": 5}, headers=bearer(partner))


async def _not_json(client: Client, partner: str, operator: str) -> httpx.Response:
    await register_token(client, partner, "driver-1")
    headers = {**bearer(partner), "Content-Type": "application/json"}
    return await client.put("/v1/tokens/driver-1/wallet/charge-card", content=b"{nope", headers=headers)


async def _conflict(client: Client, partner: str, operator: str) -> httpx.Response:
    for token in ("driver-1", "driver-2"):
        await register_token(client, partner, token)
    await client.put(
        "/v1/tokens/driver-1/wallet/charge-card", json={"visualNumber": "AB123456"}, headers=bearer(partner)
    )
    return await client.put(
        "/v1/tokens/driver-2/wallet/charge-card", json={"visualNumber": "AB123456"}, headers=bearer(partner)
    )


async def _too_large(client: Client, partner: str, operator: str) -> httpx.Response:
    headers = {**bearer(operator), "Content-Type": "application/json"}
    return await client.put("/v1/operator/tariffs/t-1", content=b" " * (3 * 1024 * 1024), headers=headers)


async def _service_refusal(client: Client, partner: str, operator: str) -> httpx.Response:
    return await client.put("/v1/operator/tariffs/t-1", json={"id": "t-1"}, headers=bearer(operator))


ERRORS: list[tuple[Request, int, str]] = [
    (_no_credentials, 401, "unauthorized"),
    (_partner_on_operator_endpoint, 403, "operator_only"),
    (_unknown_route, 404, "not_found"),
    (_unknown_resource, 404, "app_token_not_found"),
    (_wrong_method, 405, "method_not_allowed"),
    (_bad_query, 400, "validation_failed"),
    (_bad_body, 400, "validation_failed"),
    (_not_json, 400, "validation_failed"),
    (_conflict, 409, "charge_card_in_other_wallet"),
    (_too_large, 413, "payload_too_large"),
    (_service_refusal, 400, "invalid_tariff"),
]
ERROR_IDS = [request.__name__.strip("_") for request, _, _ in ERRORS]


@pytest.mark.parametrize(("request_", "status", "code"), ERRORS, ids=ERROR_IDS)
async def test_error_is_problem_json(
    client: Client, partner_key: str, operator_key: str, request_: Request, status: int, code: str
) -> None:
    response = await request_(client, partner_key, operator_key)
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM_JSON


@pytest.mark.parametrize(("request_", "status", "code"), ERRORS, ids=ERROR_IDS)
async def test_problem_has_type_title_status_detail_and_code(
    client: Client, partner_key: str, operator_key: str, request_: Request, status: int, code: str
) -> None:
    body = (await request_(client, partner_key, operator_key)).json()
    assert {"type", "title", "status", "detail", "code"} <= set(body)
    assert body["code"] == code
    assert body["status"] == status
    assert body["type"] == f"urn:chargeassist:problem:{code}"
    assert body["title"]
    assert body["detail"]


@pytest.mark.parametrize(("request_", "status", "code"), ERRORS, ids=ERROR_IDS)
async def test_error_response_carries_a_request_id(
    client: Client, partner_key: str, operator_key: str, request_: Request, status: int, code: str
) -> None:
    response = await request_(client, partner_key, operator_key)
    assert GENERATED_ID.match(response.headers.get("x-request-id", ""))


@pytest.mark.parametrize(("request_", "status", "code"), ERRORS, ids=ERROR_IDS)
async def test_problem_names_the_request_id_of_its_response(
    client: Client, partner_key: str, operator_key: str, request_: Request, status: int, code: str
) -> None:
    response = await request_(client, partner_key, operator_key)
    assert response.json()["requestId"] == response.headers["x-request-id"]


async def test_problem_names_the_path_as_instance(client: Client, partner_key: str) -> None:
    response = await client.get("/v1/tokens/nobody", headers=bearer(partner_key))
    assert response.json()["instance"] == "/v1/tokens/nobody"


async def test_unexpected_failure_is_a_500_problem_that_hides_its_cause(
    client: Client, partner_key: str, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object) -> None:
        raise RuntimeError("connection to db.internal:5432 refused for user admin")

    monkeypatch.setattr(services.wallet, "get", broken)
    response = await client.get("/v1/tokens/driver-1", headers=bearer(partner_key))
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["code"] == "internal_error"
    assert "db.internal" not in response.text
    assert body["requestId"] == response.headers["x-request-id"]


# --- request ids -----------------------------------------------------------------------------


async def test_successful_response_carries_a_generated_request_id(client: Client, partner_key: str) -> None:
    response = await client.get("/v1/ping", headers=bearer(partner_key))
    assert GENERATED_ID.match(response.headers["x-request-id"])


async def test_each_request_gets_its_own_id(client: Client, partner_key: str) -> None:
    ids = {(await client.get("/v1/ping", headers=bearer(partner_key))).headers["x-request-id"] for _ in range(5)}
    assert len(ids) == 5


async def test_health_carries_a_request_id(client: Client) -> None:
    response = await client.get("/v1/health")
    assert GENERATED_ID.match(response.headers["x-request-id"])


async def test_callers_request_id_is_echoed(client: Client, partner_key: str) -> None:
    headers = {**bearer(partner_key), "X-Request-Id": "trace-4f2a-0001"}
    response = await client.get("/v1/ping", headers=headers)
    assert response.headers["x-request-id"] == "trace-4f2a-0001"


async def test_callers_request_id_is_echoed_on_errors(client: Client) -> None:
    response = await client.get("/v1/ping", headers={"X-Request-Id": "trace-4f2a-0002"})
    assert response.status_code == 401
    assert response.headers["x-request-id"] == "trace-4f2a-0002"
    assert response.json()["requestId"] == "trace-4f2a-0002"


async def test_callers_request_id_is_echoed_for_unknown_routes(client: Client, partner_key: str) -> None:
    response = await client.get("/v1/no-such-thing", headers={**bearer(partner_key), "X-Request-Id": "trace-0003"})
    assert response.headers["x-request-id"] == "trace-0003"
    assert response.json()["requestId"] == "trace-0003"


async def test_oversized_request_id_is_replaced(client: Client, partner_key: str) -> None:
    headers = {**bearer(partner_key), "X-Request-Id": "r" * 200}
    response = await client.get("/v1/ping", headers=headers)
    assert GENERATED_ID.match(response.headers["x-request-id"])


async def test_empty_request_id_is_replaced(client: Client, partner_key: str) -> None:
    headers = {**bearer(partner_key), "X-Request-Id": ""}
    response = await client.get("/v1/ping", headers=headers)
    assert GENERATED_ID.match(response.headers["x-request-id"])


async def test_response_carries_one_request_id(client: Client, partner_key: str) -> None:
    response = await client.get("/v1/ping", headers={**bearer(partner_key), "X-Request-Id": "trace-0004"})
    assert response.headers.get_list("x-request-id") == ["trace-0004"]
