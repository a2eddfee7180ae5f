"""App access tokens: short-lived JWTs that let a phone act for one app token, and nothing else."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from litestar.testing import AsyncTestClient

from chargeassist.app import create_app
from chargeassist.services import AccessTokenService, Services
from chargeassist.settings import JwtKey, Settings
from tests.api._helpers import Client, assert_problem, mint_access_token, register_token
from tests.conftest import bearer, make_settings

CURRENT_KEY = JwtKey(key_id="2025-06", secret="c" * 40)
PREVIOUS_KEY = JwtKey(key_id="2025-01", secret="p" * 40)
TTL_S = 600


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    """Two configured keys: the first signs, both verify."""
    return make_settings(sqlite_url, jwt_keys=(CURRENT_KEY, PREVIOUS_KEY), access_token_ttl_s=TTL_S)


async def _partner_id(services: Services, key: str) -> str:
    identity = await services.partners.authenticate(key)
    assert identity is not None
    return identity.partner_id


def _claims(partner_id: str, app_token: str, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": "chargeassist",
        "aud": "chargeassist-app",
        "sub": app_token,
        "ptn": partner_id,
        "iat": now,
        "exp": now + 300,
    }
    claims.update(changes)
    return claims


def _sign(claims: dict[str, Any], key: JwtKey, **headers: Any) -> str:
    return jwt.encode(claims, key.secret, algorithm="HS256", headers={"kid": key.key_id, **headers})


# --- minting ---------------------------------------------------------------------------------


async def test_minting_answers_201_with_a_bearer_token(client: Client, partner_key: str) -> None:
    await register_token(client, partner_key, "phone-1")
    response = await client.post("/v1/tokens/phone-1/access-token", headers=bearer(partner_key))
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"accessToken", "tokenType", "expiresIn"}
    assert body["tokenType"] == "Bearer"
    assert body["expiresIn"] == TTL_S


async def test_minted_token_is_a_jwt_naming_its_signing_key(client: Client, partner_key: str) -> None:
    token = await mint_access_token(client, partner_key, "phone-1")
    header = jwt.get_unverified_header(token)
    assert header["kid"] == CURRENT_KEY.key_id
    assert header["alg"] == "HS256"


async def test_minted_token_is_bound_to_its_app_token_and_lifetime(
    client: Client, partner_key: str, services: Services
) -> None:
    token = await mint_access_token(client, partner_key, "phone-1")
    claims = jwt.decode(token, CURRENT_KEY.secret, algorithms=["HS256"], audience="chargeassist-app")
    assert claims["sub"] == "phone-1"
    assert claims["ptn"] == await _partner_id(services, partner_key)
    assert claims["exp"] - claims["iat"] == TTL_S


async def test_minting_for_an_unknown_app_token_is_404(client: Client, partner_key: str) -> None:
    response = await client.post("/v1/tokens/never-registered/access-token", headers=bearer(partner_key))
    assert_problem(response, 404, "app_token_not_found")


async def test_minting_for_another_partners_app_token_is_404(
    client: Client, partner_key: str, other_partner_key: str
) -> None:
    await register_token(client, other_partner_key, "their-phone")
    response = await client.post("/v1/tokens/their-phone/access-token", headers=bearer(partner_key))
    assert_problem(response, 404, "app_token_not_found")


# --- what the token may do -------------------------------------------------------------------


async def test_access_token_reads_its_own_app_token(client: Client, partner_key: str) -> None:
    token = await mint_access_token(client, partner_key, "phone-1")
    response = await client.get("/v1/tokens/phone-1", headers=bearer(token))
    assert response.status_code == 200
    assert response.json()["appToken"] == "phone-1"


async def test_access_token_manages_its_own_wallet(client: Client, partner_key: str) -> None:
    token = await mint_access_token(client, partner_key, "phone-1")
    added = await client.put(
        "/v1/tokens/phone-1/wallet/charge-card", json={"visualNumber": "NL-TST-000123-4"}, headers=bearer(token)
    )
    assert added.status_code == 201
    listed = await client.get("/v1/tokens/phone-1/wallet", headers=bearer(token))
    assert [m["id"] for m in listed.json()["data"]] == [added.json()["id"]]


async def test_access_token_may_search_locations(client: Client, partner_key: str) -> None:
    token = await mint_access_token(client, partner_key, "phone-1")
    response = await client.get("/v1/locations/nearby?latitude=52.37&longitude=4.89", headers=bearer(token))
    assert response.status_code == 200


async def test_access_token_may_scan_qr_codes(client: Client, partner_key: str) -> None:
    token = await mint_access_token(client, partner_key, "phone-1")
    response = await client.post("/v1/qr", json={"url": "NL*TST*E1*1"}, headers=bearer(token))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/tokens/phone-2"),
        ("GET", "/v1/tokens/phone-2/wallet"),
        ("PUT", "/v1/tokens/phone-2/wallet/external"),
        ("DELETE", "/v1/tokens/phone-2/wallet/pm_anything"),
        ("GET", "/v1/tokens/phone-2/tariffs/nl-tst-1/evse-1"),
    ],
)
async def test_access_token_is_refused_for_another_app_token(
    client: Client, partner_key: str, method: str, path: str
) -> None:
    await register_token(client, partner_key, "phone-2")
    token = await mint_access_token(client, partner_key, "phone-1")
    response = await client.request(method, path, headers=bearer(token), json={"externalPaymentMethodId": "x"})
    assert_problem(response, 403, "token_scope")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/operator/locations/nl-tst-1"),
        ("PUT", "/v1/operator/tariffs/t-1"),
        ("POST", "/v1/operator/qr-codes"),
    ],
)
async def test_access_token_is_refused_by_operator_endpoints(
    client: Client, operator_key: str, method: str, path: str
) -> None:
    token = await mint_access_token(client, operator_key, "operator-phone")
    response = await client.request(method, path, headers=bearer(token), json={})
    assert_problem(response, 403, "operator_only")


async def test_access_token_cannot_mint_another_access_token(client: Client, partner_key: str) -> None:
    token = await mint_access_token(client, partner_key, "phone-1")
    response = await client.post("/v1/tokens/phone-1/access-token", headers=bearer(token))
    assert_problem(response, 403, "partner_key_required")


async def test_access_token_cannot_register_its_app_token_again(client: Client, partner_key: str) -> None:
    token = await mint_access_token(client, partner_key, "phone-1")
    response = await client.put("/v1/tokens/phone-1", headers=bearer(token))
    assert_problem(response, 403, "partner_key_required")


async def test_access_token_cannot_delete_its_app_token(client: Client, partner_key: str) -> None:
    token = await mint_access_token(client, partner_key, "phone-1")
    response = await client.delete("/v1/tokens/phone-1", headers=bearer(token))
    assert_problem(response, 403, "partner_key_required")
    still_there = await client.get("/v1/tokens/phone-1", headers=bearer(partner_key))
    assert still_there.status_code == 200


async def test_access_token_of_a_deleted_app_token_finds_nothing(client: Client, partner_key: str) -> None:
    token = await mint_access_token(client, partner_key, "phone-1")
    await client.delete("/v1/tokens/phone-1", headers=bearer(partner_key))
    response = await client.get("/v1/tokens/phone-1/wallet", headers=bearer(token))
    assert_problem(response, 404, "app_token_not_found")


# --- tokens that are not valid ---------------------------------------------------------------


async def test_expired_access_token_is_401(client: Client, partner_key: str, services: Services) -> None:
    await register_token(client, partner_key, "phone-1")
    now = int(time.time())
    claims = _claims(await _partner_id(services, partner_key), "phone-1", iat=now - 1000, exp=now - 10)
    response = await client.get("/v1/tokens/phone-1", headers=bearer(_sign(claims, CURRENT_KEY)))
    assert_problem(response, 401, "unauthorized")


async def test_access_token_with_a_changed_payload_is_401(client: Client, partner_key: str) -> None:
    await register_token(client, partner_key, "phone-2")
    token = await mint_access_token(client, partner_key, "phone-1")
    header, _, signature = token.split(".")
    other = await mint_access_token(client, partner_key, "phone-2")
    forged = f"{header}.{other.split('.')[1]}.{signature}"
    response = await client.get("/v1/tokens/phone-2", headers=bearer(forged))
    assert_problem(response, 401, "unauthorized")


async def test_access_token_with_a_changed_signature_is_401(client: Client, partner_key: str) -> None:
    token = await mint_access_token(client, partner_key, "phone-1")
    head, payload, signature = token.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    response = await client.get("/v1/tokens/phone-1", headers=bearer(f"{head}.{payload}.{flipped}"))
    assert_problem(response, 401, "unauthorized")


async def test_access_token_signed_under_an_unknown_kid_is_401(
    client: Client, partner_key: str, services: Services
) -> None:
    await register_token(client, partner_key, "phone-1")
    claims = _claims(await _partner_id(services, partner_key), "phone-1")
    token = _sign(claims, JwtKey(key_id="attacker", secret="a" * 40))
    response = await client.get("/v1/tokens/phone-1", headers=bearer(token))
    assert_problem(response, 401, "unauthorized")


async def test_access_token_naming_a_known_kid_but_signed_otherwise_is_401(
    client: Client, partner_key: str, services: Services
) -> None:
    await register_token(client, partner_key, "phone-1")
    claims = _claims(await _partner_id(services, partner_key), "phone-1")
    token = _sign(claims, JwtKey(key_id=CURRENT_KEY.key_id, secret="a" * 40))
    response = await client.get("/v1/tokens/phone-1", headers=bearer(token))
    assert_problem(response, 401, "unauthorized")


async def test_access_token_without_kid_is_401(client: Client, partner_key: str, services: Services) -> None:
    await register_token(client, partner_key, "phone-1")
    claims = _claims(await _partner_id(services, partner_key), "phone-1")
    token = jwt.encode(claims, CURRENT_KEY.secret, algorithm="HS256")
    response = await client.get("/v1/tokens/phone-1", headers=bearer(token))
    assert_problem(response, 401, "unauthorized")


async def test_unsigned_access_token_is_401(client: Client, partner_key: str, services: Services) -> None:
    await register_token(client, partner_key, "phone-1")
    claims = _claims(await _partner_id(services, partner_key), "phone-1")
    token = jwt.encode(claims, key=None, algorithm="none", headers={"kid": CURRENT_KEY.key_id})
    response = await client.get("/v1/tokens/phone-1", headers=bearer(token))
    assert_problem(response, 401, "unauthorized")


async def test_access_token_for_another_audience_is_401(client: Client, partner_key: str, services: Services) -> None:
    await register_token(client, partner_key, "phone-1")
    claims = _claims(await _partner_id(services, partner_key), "phone-1", aud="someone-else")
    response = await client.get("/v1/tokens/phone-1", headers=bearer(_sign(claims, CURRENT_KEY)))
    assert_problem(response, 401, "unauthorized")


# --- key rotation ----------------------------------------------------------------------------


async def test_token_signed_with_the_second_configured_key_is_accepted(
    client: Client, partner_key: str, services: Services
) -> None:
    await register_token(client, partner_key, "phone-1")
    partner_id = await _partner_id(services, partner_key)
    token = AccessTokenService((PREVIOUS_KEY,), ttl_s=60).mint(partner_id=partner_id, app_token="phone-1").token
    response = await client.get("/v1/tokens/phone-1", headers=bearer(token))
    assert response.status_code == 200


def test_service_verifies_tokens_of_every_configured_key() -> None:
    before_rotation = AccessTokenService((PREVIOUS_KEY,), ttl_s=60)
    after_rotation = AccessTokenService((CURRENT_KEY, PREVIOUS_KEY), ttl_s=60)
    token = before_rotation.mint(partner_id="ptn_1", app_token="phone-1").token
    claims = after_rotation.verify(token)
    assert claims is not None
    assert (claims.partner_id, claims.app_token) == ("ptn_1", "phone-1")


def test_service_signs_with_the_first_configured_key() -> None:
    service = AccessTokenService((CURRENT_KEY, PREVIOUS_KEY), ttl_s=60)
    token = service.mint(partner_id="ptn_1", app_token="phone-1").token
    assert jwt.get_unverified_header(token)["kid"] == CURRENT_KEY.key_id


def test_service_refuses_tokens_of_a_retired_key() -> None:
    token = AccessTokenService((PREVIOUS_KEY,), ttl_s=60).mint(partner_id="ptn_1", app_token="phone-1").token
    assert AccessTokenService((CURRENT_KEY,), ttl_s=60).verify(token) is None


def test_service_needs_a_key() -> None:
    with pytest.raises(ValueError, match="key"):
        AccessTokenService((), ttl_s=60)


async def test_generated_key_survives_a_restart(sqlite_url: str) -> None:
    """Without configured keys, one is generated and kept in the store, so a restart keeps tokens valid."""
    settings = make_settings(sqlite_url)
    first = create_app(settings)
    async with AsyncTestClient(app=first) as client:
        key = (await first.state.services.partners.create("Restart Partner")).api_key
        token = await mint_access_token(client, key, "phone-1")
    second = create_app(settings)
    async with AsyncTestClient(app=second) as client:
        response = await client.get("/v1/tokens/phone-1", headers=bearer(token))
    assert response.status_code == 200
