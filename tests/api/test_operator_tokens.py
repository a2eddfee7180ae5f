"""Operator API for issued cards: OCPI 2.2.1 Tokens, validated, with their issuer, blocked and expired."""

from __future__ import annotations

from typing import Any

import pytest

from chargeassist.services import Services
from tests.api._helpers import Client, add_card, assert_problem, error_fields, register_token
from tests.conftest import bearer

UID = "04A1B2C3D4E5F6"
PATH = f"/v1/operator/tokens/{UID}"
CARD = "NL-TST-000123-4"


def ocpi_token(**changes: Any) -> dict[str, Any]:
    """An OCPI 2.2.1 RFID Token whose printed number is ``CARD``."""
    token: dict[str, Any] = {
        "country_code": "NL",
        "party_id": "TST",
        "uid": UID,
        "type": "RFID",
        "contract_id": "NL-TST-C00001234-5",
        "visual_number": CARD,
        "issuer": "Test Issuer",
        "valid": True,
        "whitelist": "ALLOWED",
        "language": "nl",
        "energy_contract": {"supplier_name": "Green Power", "contract_id": "GP-1"},
        "last_updated": "2026-11-01T10:00:00Z",
    }
    token.update(changes)
    return token


async def _partner_id(services: Services, key: str) -> str:
    identity = await services.partners.authenticate(key)
    assert identity is not None
    return identity.partner_id


async def _wallet_status(client: Client, key: str, method_id: str) -> str:
    wallet = (await client.get("/v1/tokens/driver-1/wallet", headers=bearer(key))).json()
    statuses = [m["verificationStatus"] for m in wallet["data"] if m["id"] == method_id]
    assert len(statuses) == 1
    return str(statuses[0])


async def test_new_token_answers_201_with_the_ocpi_token(client: Client, operator_key: str) -> None:
    response = await client.put(PATH, json=ocpi_token(), headers=bearer(operator_key))
    assert response.status_code == 201
    body = response.json()
    assert (body["uid"], body["contract_id"], body["whitelist"], body["status"]) == (
        UID,
        "NL-TST-C00001234-5",
        "ALLOWED",
        "ACTIVE",
    )


async def test_token_without_partner_is_the_operators_own(client: Client, operator_key: str) -> None:
    response = await client.put(PATH, json=ocpi_token(), headers=bearer(operator_key))
    assert response.json()["partner_id"] is None


async def test_token_names_its_issuing_partner(
    client: Client, operator_key: str, partner_key: str, services: Services
) -> None:
    partner = await _partner_id(services, partner_key)
    response = await client.put(PATH, json=ocpi_token(partner_id=partner), headers=bearer(operator_key))
    assert response.json()["partner_id"] == partner


async def test_token_of_an_unknown_partner_is_400(client: Client, operator_key: str) -> None:
    response = await client.put(PATH, json=ocpi_token(partner_id="pa_nobody"), headers=bearer(operator_key))
    assert error_fields(assert_problem(response, 400, "unknown_partner")) == ["partner_id"]


async def test_same_token_again_answers_200(client: Client, operator_key: str) -> None:
    await client.put(PATH, json=ocpi_token(), headers=bearer(operator_key))
    again = await client.put(PATH, json=ocpi_token(), headers=bearer(operator_key))
    assert again.status_code == 200


async def test_replaced_token_keeps_the_new_fields(client: Client, operator_key: str) -> None:
    await client.put(PATH, json=ocpi_token(), headers=bearer(operator_key))
    await client.put(PATH, json=ocpi_token(whitelist="NEVER"), headers=bearer(operator_key))
    response = await client.get(PATH, headers=bearer(operator_key))
    assert response.json()["whitelist"] == "NEVER"


async def test_token_is_found_by_its_uid_in_another_spelling(client: Client, operator_key: str) -> None:
    await client.put(PATH, json=ocpi_token(), headers=bearer(operator_key))
    response = await client.get("/v1/operator/tokens/04a1-b2c3-d4e5-f6", headers=bearer(operator_key))
    assert response.json()["uid"] == UID


async def test_unknown_token_is_404(client: Client, operator_key: str) -> None:
    response = await client.get(PATH, headers=bearer(operator_key))
    assert_problem(response, 404, "issued_token_not_found")


@pytest.mark.parametrize(
    "field", ["country_code", "party_id", "type", "contract_id", "issuer", "valid", "whitelist", "last_updated"]
)
async def test_token_without_a_required_field_is_400_naming_it(client: Client, operator_key: str, field: str) -> None:
    document = ocpi_token()
    del document[field]
    response = await client.put(PATH, json=document, headers=bearer(operator_key))
    assert error_fields(assert_problem(response, 400, "missing_token_field")) == [field]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("country_code", "NLD"),
        ("party_id", "T"),
        ("type", "BADGE"),
        ("whitelist", "SOMETIMES"),
        ("valid", "yes"),
        ("language", "dutch"),
        ("default_profile_type", "SLOW"),
        ("contract_id", "C" * 37),
        ("issuer", ""),
        ("last_updated", "2026-11-01T10:00:00"),
        ("expiry_date", "tomorrow"),
        ("energy_contract", "Green Power"),
    ],
)
async def test_token_with_a_bad_field_is_400_naming_it(
    client: Client, operator_key: str, field: str, value: Any
) -> None:
    response = await client.put(PATH, json=ocpi_token(**{field: value}), headers=bearer(operator_key))
    assert error_fields(assert_problem(response, 400, "invalid_token_field")) == [field]


async def test_token_whose_body_uid_differs_from_the_path_is_400(client: Client, operator_key: str) -> None:
    response = await client.put(PATH, json=ocpi_token(uid="FFFFFFFF"), headers=bearer(operator_key))
    assert_problem(response, 400, "token_uid_mismatch")


async def test_token_whose_uid_cannot_be_a_card_number_is_400(client: Client, operator_key: str) -> None:
    response = await client.put("/v1/operator/tokens/ab_c", json=ocpi_token(uid="ab_c"), headers=bearer(operator_key))
    assert error_fields(assert_problem(response, 400, "invalid_token_field")) == ["uid"]


async def test_body_that_is_not_an_object_is_400(client: Client, operator_key: str) -> None:
    response = await client.put(PATH, json=[ocpi_token()], headers=bearer(operator_key))
    assert response.status_code == 400


async def test_partner_key_may_not_load_tokens(client: Client, partner_key: str) -> None:
    response = await client.put(PATH, json=ocpi_token(), headers=bearer(partner_key))
    assert_problem(response, 403, "operator_only")


async def test_partner_key_may_not_read_tokens(client: Client, operator_key: str, partner_key: str) -> None:
    await client.put(PATH, json=ocpi_token(), headers=bearer(operator_key))
    response = await client.get(PATH, headers=bearer(partner_key))
    assert_problem(response, 403, "operator_only")


async def test_patch_valid_false_blocks_the_token(client: Client, operator_key: str) -> None:
    await client.put(PATH, json=ocpi_token(), headers=bearer(operator_key))
    response = await client.patch(PATH, json={"valid": False}, headers=bearer(operator_key))
    assert (response.json()["valid"], response.json()["status"]) == (False, "BLOCKED")


async def test_patch_keeps_the_other_fields(client: Client, operator_key: str) -> None:
    await client.put(PATH, json=ocpi_token(), headers=bearer(operator_key))
    response = await client.patch(PATH, json={"valid": False}, headers=bearer(operator_key))
    assert response.json()["energy_contract"] == {"supplier_name": "Green Power", "contract_id": "GP-1"}


async def test_patch_with_a_past_expiry_expires_the_token(client: Client, operator_key: str) -> None:
    await client.put(PATH, json=ocpi_token(), headers=bearer(operator_key))
    response = await client.patch(PATH, json={"expiry_date": "2026-01-01T00:00:00Z"}, headers=bearer(operator_key))
    assert (response.json()["status"], response.json()["expiry_date"]) == ("EXPIRED", "2026-01-01T00:00:00Z")


async def test_patch_of_an_unknown_token_is_404(client: Client, operator_key: str) -> None:
    response = await client.patch(PATH, json={"valid": False}, headers=bearer(operator_key))
    assert_problem(response, 404, "issued_token_not_found")


async def test_patch_with_a_bad_value_is_400(client: Client, operator_key: str) -> None:
    await client.put(PATH, json=ocpi_token(), headers=bearer(operator_key))
    response = await client.patch(PATH, json={"whitelist": "SOMETIMES"}, headers=bearer(operator_key))
    assert error_fields(assert_problem(response, 400, "invalid_token_field")) == ["whitelist"]


async def test_deleted_token_is_gone(client: Client, operator_key: str) -> None:
    await client.put(PATH, json=ocpi_token(), headers=bearer(operator_key))
    deleted = await client.delete(PATH, headers=bearer(operator_key))
    assert (deleted.status_code, (await client.get(PATH, headers=bearer(operator_key))).status_code) == (204, 404)


async def test_deleting_an_unknown_token_is_404(client: Client, operator_key: str) -> None:
    assert_problem(await client.delete(PATH, headers=bearer(operator_key)), 404, "issued_token_not_found")


async def test_list_pages_through_every_token(client: Client, operator_key: str) -> None:
    uids = [f"0400000{n}AA" for n in range(5)]
    for uid in uids:
        await client.put(f"/v1/operator/tokens/{uid}", json=ocpi_token(uid=uid), headers=bearer(operator_key))
    seen: list[str] = []
    query: dict[str, Any] = {"pageSize": 2}
    while True:
        page = (await client.get("/v1/operator/tokens", params=query, headers=bearer(operator_key))).json()
        seen += [token["uid"] for token in page["data"]]
        if not page["meta"]["hasMoreData"]:
            break
        query["continuationToken"] = page["meta"]["continuationToken"]
    assert seen == uids


async def test_list_with_a_forged_continuation_token_is_400(client: Client, operator_key: str) -> None:
    response = await client.get(
        "/v1/operator/tokens", params={"continuationToken": "forged"}, headers=bearer(operator_key)
    )
    assert_problem(response, 400, "invalid_continuation_token")


async def test_loading_the_token_makes_its_partners_card_valid(
    client: Client, operator_key: str, partner_key: str, services: Services
) -> None:
    await register_token(client, partner_key, "driver-1")
    card = await add_card(client, partner_key, "driver-1", CARD, verified=False)
    partner = await _partner_id(services, partner_key)
    await client.put(PATH, json=ocpi_token(partner_id=partner), headers=bearer(operator_key))
    assert await _wallet_status(client, partner_key, card["id"]) == "VALID"


async def test_blocking_the_token_makes_its_card_invalid(
    client: Client, operator_key: str, partner_key: str, services: Services
) -> None:
    partner = await _partner_id(services, partner_key)
    await client.put(PATH, json=ocpi_token(partner_id=partner), headers=bearer(operator_key))
    await register_token(client, partner_key, "driver-1")
    card = await add_card(client, partner_key, "driver-1", CARD, verified=False)
    await client.patch(PATH, json={"valid": False}, headers=bearer(operator_key))
    assert await _wallet_status(client, partner_key, card["id"]) == "INVALID"
