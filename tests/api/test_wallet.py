"""Wallets: charge cards and external payment methods of an app token."""

from __future__ import annotations

import pytest

from chargeassist.services import Services
from tests.api._helpers import Client, add_card, add_external, assert_problem, error_fields, register_token
from tests.conftest import bearer

CARD = "NL-TST-C12345678-9"
CARD_PATH = "/v1/tokens/driver-1/wallet/charge-card"
EXTERNAL_PATH = "/v1/tokens/driver-1/wallet/external"


@pytest.fixture
async def driver(client: Client, partner_key: str) -> str:
    """The partner key, with app token ``driver-1`` registered."""
    await register_token(client, partner_key, "driver-1")
    return partner_key


# --- charge cards ----------------------------------------------------------------------------


async def test_new_charge_card_answers_201(client: Client, driver: str) -> None:
    response = await client.put(CARD_PATH, json={"visualNumber": CARD}, headers=bearer(driver))
    assert response.status_code == 201


async def test_new_charge_card_no_issued_token_names_is_pending(client: Client, driver: str) -> None:
    response = await client.put(CARD_PATH, json={"visualNumber": CARD}, headers=bearer(driver))
    assert response.json()["verificationStatus"] == "PENDING"


async def test_new_charge_card_issued_by_the_partner_is_valid(
    client: Client, driver: str, operator_key: str, services: Services
) -> None:
    identity = await services.partners.authenticate(driver)
    assert identity is not None
    token = {
        "country_code": "NL",
        "party_id": "TST",
        "uid": "04A1B2C3D4E5F6",
        "type": "RFID",
        "contract_id": "NL-TST-C12345678-9",
        "visual_number": CARD,
        "issuer": "Test Partner",
        "valid": True,
        "whitelist": "ALLOWED",
        "last_updated": "2026-11-01T10:00:00Z",
        "partner_id": identity.partner_id,
    }
    loaded = await client.put("/v1/operator/tokens/04A1B2C3D4E5F6", json=token, headers=bearer(operator_key))
    assert loaded.status_code == 201, loaded.text
    response = await client.put(CARD_PATH, json={"visualNumber": CARD}, headers=bearer(driver))
    assert (response.status_code, response.json()["verificationStatus"]) == (201, "VALID")


async def test_charge_card_has_the_documented_shape(client: Client, driver: str) -> None:
    method = await add_card(client, driver, "driver-1", CARD)
    assert method["id"]
    assert method["type"] == "CHARGE_CARD"
    assert method["isVidMapped"] is True
    assert method["verificationStatus"] in {"PENDING", "VALID", "INVALID"}


async def test_charge_card_hints_show_only_the_last_four_characters(client: Client, driver: str) -> None:
    method = await add_card(client, driver, "driver-1", CARD)
    assert method["cardShortHint"] == "6789"
    assert method["cardHint"] == "**-***-******678-9"


async def test_charge_card_keeps_its_display_name(client: Client, driver: str) -> None:
    response = await client.put(
        CARD_PATH, json={"visualNumber": CARD, "displayName": "Work card"}, headers=bearer(driver)
    )
    assert response.json()["displayName"] == "Work card"


async def test_same_charge_card_again_answers_200_with_the_same_id(client: Client, driver: str) -> None:
    first = await add_card(client, driver, "driver-1", CARD)
    response = await client.put(CARD_PATH, json={"visualNumber": CARD}, headers=bearer(driver))
    assert response.status_code == 200
    assert response.json()["id"] == first["id"]


@pytest.mark.parametrize(
    "spelling", ["nl-tst-c12345678-9", "NLTSTC123456789", "NL TST C12345678 9", "nl-tstc-1234-5678-9"]
)
async def test_same_charge_card_spelled_otherwise_is_the_same_card(client: Client, driver: str, spelling: str) -> None:
    first = await add_card(client, driver, "driver-1", CARD)
    response = await client.put(CARD_PATH, json={"visualNumber": spelling}, headers=bearer(driver))
    assert response.status_code == 200
    assert response.json()["id"] == first["id"]


async def test_same_charge_card_is_listed_once(client: Client, driver: str) -> None:
    await add_card(client, driver, "driver-1", CARD)
    await add_card(client, driver, "driver-1", CARD.lower())
    response = await client.get("/v1/tokens/driver-1/wallet", headers=bearer(driver))
    assert response.json()["meta"]["count"] == 1


async def test_charge_card_in_another_wallet_is_409(client: Client, driver: str) -> None:
    await add_card(client, driver, "driver-1", CARD)
    await register_token(client, driver, "driver-2")
    response = await client.put(
        "/v1/tokens/driver-2/wallet/charge-card", json={"visualNumber": CARD}, headers=bearer(driver)
    )
    assert_problem(response, 409, "charge_card_in_other_wallet")


async def test_charge_card_in_another_partners_wallet_tells_nothing_of_it(
    client: Client, driver: str, other_partner_key: str
) -> None:
    # Which card numbers another partner's drivers registered is not this partner's to learn.
    await add_card(client, driver, "driver-1", CARD)
    await register_token(client, other_partner_key, "their-driver")
    response = await client.put(
        "/v1/tokens/their-driver/wallet/charge-card",
        json={"visualNumber": CARD.replace("-", "")},
        headers=bearer(other_partner_key),
    )
    assert response.status_code == 201, response.text


async def test_charge_card_conflict_does_not_name_the_other_wallet(client: Client, driver: str) -> None:
    await add_card(client, driver, "driver-1", CARD)
    await register_token(client, driver, "driver-2")
    response = await client.put(
        "/v1/tokens/driver-2/wallet/charge-card", json={"visualNumber": CARD}, headers=bearer(driver)
    )
    assert "driver-1" not in response.text


@pytest.mark.parametrize("visual_number", ["12!45678", "ABC", "NL_TST_1234567", "Ä" * 8, "1" * 41])
async def test_malformed_visual_number_is_400_naming_it(client: Client, driver: str, visual_number: str) -> None:
    response = await client.put(CARD_PATH, json={"visualNumber": visual_number}, headers=bearer(driver))
    assert response.status_code == 400
    assert error_fields(response.json()) == ["visualNumber"]


async def test_empty_visual_number_is_400_naming_it(client: Client, driver: str) -> None:
    response = await client.put(CARD_PATH, json={"visualNumber": ""}, headers=bearer(driver))
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["visualNumber"]


async def test_charge_card_without_visual_number_is_400_naming_it(client: Client, driver: str) -> None:
    response = await client.put(CARD_PATH, json={"displayName": "Work card"}, headers=bearer(driver))
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["visualNumber"]


async def test_visual_number_of_the_wrong_type_is_400_naming_it(client: Client, driver: str) -> None:
    response = await client.put(CARD_PATH, json={"visualNumber": 12345678}, headers=bearer(driver))
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["visualNumber"]


async def test_display_name_too_long_is_400_naming_it(client: Client, driver: str) -> None:
    response = await client.put(
        CARD_PATH, json={"visualNumber": CARD, "displayName": "x" * 256}, headers=bearer(driver)
    )
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["displayName"]


@pytest.mark.parametrize("content", [b"not json", b'{"visualNumber": ', b""])
async def test_body_that_is_not_json_is_400_naming_the_body(client: Client, driver: str, content: bytes) -> None:
    headers = {**bearer(driver), "Content-Type": "application/json"}
    response = await client.put(CARD_PATH, content=content, headers=headers)
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["body"]


async def test_body_that_is_not_an_object_is_400_naming_the_body(client: Client, driver: str) -> None:
    response = await client.put(CARD_PATH, json=[CARD], headers=bearer(driver))
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["body"]


async def test_charge_card_for_an_unknown_app_token_is_404(client: Client, partner_key: str) -> None:
    response = await client.put(
        "/v1/tokens/nobody/wallet/charge-card", json={"visualNumber": CARD}, headers=bearer(partner_key)
    )
    assert_problem(response, 404, "app_token_not_found")


# --- external payment methods ----------------------------------------------------------------


async def test_external_payment_method_answers_201_and_is_valid(client: Client, driver: str) -> None:
    response = await client.put(EXTERNAL_PATH, json={"externalPaymentMethodId": "psp-42"}, headers=bearer(driver))
    assert response.status_code == 201
    body = response.json()
    assert body["type"] == "EXTERNAL"
    assert body["verificationStatus"] == "VALID"
    assert body["externalPaymentMethodId"] == "psp-42"


async def test_same_external_payment_method_again_answers_200_with_the_same_id(client: Client, driver: str) -> None:
    first = await add_external(client, driver, "driver-1", "psp-42")
    response = await client.put(EXTERNAL_PATH, json={"externalPaymentMethodId": "psp-42"}, headers=bearer(driver))
    assert response.status_code == 200
    assert response.json()["id"] == first["id"]


async def test_external_payment_method_without_its_id_is_400_naming_it(client: Client, driver: str) -> None:
    response = await client.put(EXTERNAL_PATH, json={}, headers=bearer(driver))
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["externalPaymentMethodId"]


async def test_external_payment_method_with_an_empty_id_is_400_naming_it(client: Client, driver: str) -> None:
    response = await client.put(EXTERNAL_PATH, json={"externalPaymentMethodId": ""}, headers=bearer(driver))
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["externalPaymentMethodId"]


async def test_the_same_external_reference_may_sit_in_two_wallets(client: Client, driver: str) -> None:
    await add_external(client, driver, "driver-1", "psp-shared")
    await register_token(client, driver, "driver-2")
    response = await client.put(
        "/v1/tokens/driver-2/wallet/external", json={"externalPaymentMethodId": "psp-shared"}, headers=bearer(driver)
    )
    assert response.status_code == 201


# --- listing ---------------------------------------------------------------------------------


async def test_empty_wallet_lists_nothing(client: Client, driver: str) -> None:
    response = await client.get("/v1/tokens/driver-1/wallet", headers=bearer(driver))
    assert response.status_code == 200
    assert response.json() == {"data": [], "meta": {"count": 0, "hasMoreData": False, "continuationToken": None}}


async def test_wallet_lists_every_method_in_the_order_added(client: Client, driver: str) -> None:
    card = await add_card(client, driver, "driver-1", CARD)
    external = await add_external(client, driver, "driver-1", "psp-42")
    response = await client.get("/v1/tokens/driver-1/wallet", headers=bearer(driver))
    body = response.json()
    assert [m["id"] for m in body["data"]] == [card["id"], external["id"]]
    assert body["meta"] == {"count": 2, "hasMoreData": False, "continuationToken": None}


async def test_wallet_lists_methods_as_they_were_answered(client: Client, driver: str) -> None:
    card = await add_card(client, driver, "driver-1", CARD)
    response = await client.get("/v1/tokens/driver-1/wallet", headers=bearer(driver))
    assert response.json()["data"] == [card]


async def test_wallet_of_an_unknown_app_token_is_404(client: Client, partner_key: str) -> None:
    response = await client.get("/v1/tokens/nobody/wallet", headers=bearer(partner_key))
    assert_problem(response, 404, "app_token_not_found")


# --- removing --------------------------------------------------------------------------------


async def test_removing_a_payment_method_answers_204(client: Client, driver: str) -> None:
    card = await add_card(client, driver, "driver-1", CARD)
    response = await client.delete(f"/v1/tokens/driver-1/wallet/{card['id']}", headers=bearer(driver))
    assert response.status_code == 204


async def test_removed_payment_method_is_no_longer_listed(client: Client, driver: str) -> None:
    card = await add_card(client, driver, "driver-1", CARD)
    external = await add_external(client, driver, "driver-1", "psp-42")
    await client.delete(f"/v1/tokens/driver-1/wallet/{card['id']}", headers=bearer(driver))
    response = await client.get("/v1/tokens/driver-1/wallet", headers=bearer(driver))
    assert [m["id"] for m in response.json()["data"]] == [external["id"]]


async def test_removing_an_unknown_payment_method_is_404(client: Client, driver: str) -> None:
    response = await client.delete("/v1/tokens/driver-1/wallet/pm_unknown", headers=bearer(driver))
    assert_problem(response, 404, "payment_method_not_found")


async def test_removing_another_wallets_payment_method_is_404(client: Client, driver: str) -> None:
    await register_token(client, driver, "driver-2")
    theirs = await add_card(client, driver, "driver-2", CARD)
    response = await client.delete(f"/v1/tokens/driver-1/wallet/{theirs['id']}", headers=bearer(driver))
    assert_problem(response, 404, "payment_method_not_found")
    kept = await client.get("/v1/tokens/driver-2/wallet", headers=bearer(driver))
    assert [m["id"] for m in kept.json()["data"]] == [theirs["id"]]


async def test_removed_charge_card_may_join_another_wallet(client: Client, driver: str) -> None:
    card = await add_card(client, driver, "driver-1", CARD)
    await client.delete(f"/v1/tokens/driver-1/wallet/{card['id']}", headers=bearer(driver))
    await register_token(client, driver, "driver-2")
    response = await client.put(
        "/v1/tokens/driver-2/wallet/charge-card", json={"visualNumber": CARD}, headers=bearer(driver)
    )
    assert response.status_code == 201
