"""Operator API for cards waiting in wallets: listed by status, approved or blocked by the operator only."""

from __future__ import annotations

from typing import Any

from chargeassist.services import Services
from tests.api._helpers import Client, add_card, assert_problem, register_token
from tests.conftest import bearer

CARD = "NL-TST-000123-4"
LIST = "/v1/operator/payment-methods"
UID = "04A1B2C3D4E5F6"


def _token(partner_id: str | None, **changes: Any) -> dict[str, Any]:
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
        "last_updated": "2026-11-01T10:00:00Z",
        "partner_id": partner_id,
    }
    token.update(changes)
    return token


async def _pending_card(client: Client, key: str, app_token: str = "driver-1") -> str:
    await register_token(client, key, app_token)
    return str((await add_card(client, key, app_token, CARD, verified=False))["id"])


async def _partner_id(services: Services, key: str) -> str:
    identity = await services.partners.authenticate(key)
    assert identity is not None
    return identity.partner_id


async def test_pending_cards_are_listed_for_the_operator(client: Client, operator_key: str, partner_key: str) -> None:
    card = await _pending_card(client, partner_key)
    response = await client.get(LIST, params={"verificationStatus": "PENDING"}, headers=bearer(operator_key))
    assert [m["id"] for m in response.json()["data"]] == [card]


async def test_listed_card_names_its_partner_and_number(
    client: Client, operator_key: str, partner_key: str, services: Services
) -> None:
    await _pending_card(client, partner_key)
    listed = (await client.get(LIST, headers=bearer(operator_key))).json()["data"][0]
    assert (listed["partnerId"], listed["cardNumber"]) == (await _partner_id(services, partner_key), "NLTST0001234")


async def test_valid_cards_are_not_listed_as_pending(client: Client, operator_key: str, partner_key: str) -> None:
    card = await _pending_card(client, partner_key)
    await client.post(f"{LIST}/{card}/approve", headers=bearer(operator_key))
    response = await client.get(LIST, params={"verificationStatus": "PENDING"}, headers=bearer(operator_key))
    assert response.json()["data"] == []


async def test_unknown_verification_status_is_400(client: Client, operator_key: str) -> None:
    response = await client.get(LIST, params={"verificationStatus": "MAYBE"}, headers=bearer(operator_key))
    assert response.status_code == 400


async def test_empty_verification_status_is_400_not_every_card(client: Client, operator_key: str) -> None:
    response = await client.get(LIST, params={"verificationStatus": ""}, headers=bearer(operator_key))
    assert_problem(response, 400, "validation_failed")


async def test_list_pages_with_a_continuation_token(client: Client, operator_key: str, partner_key: str) -> None:
    for n in range(3):
        await register_token(client, partner_key, f"driver-{n}")
        await add_card(client, partner_key, f"driver-{n}", f"NL-TST-00012{n}-4", verified=False)
    first = (await client.get(LIST, params={"pageSize": 2}, headers=bearer(operator_key))).json()
    rest = await client.get(
        LIST,
        params={"pageSize": 2, "continuationToken": first["meta"]["continuationToken"]},
        headers=bearer(operator_key),
    )
    assert (len(first["data"]), len(rest.json()["data"]), rest.json()["meta"]["hasMoreData"]) == (2, 1, False)


async def test_approved_card_is_valid_in_its_wallet(client: Client, operator_key: str, partner_key: str) -> None:
    card = await _pending_card(client, partner_key)
    response = await client.post(f"{LIST}/{card}/approve", headers=bearer(operator_key))
    assert response.status_code == 200
    wallet = (await client.get("/v1/tokens/driver-1/wallet", headers=bearer(partner_key))).json()["data"]
    assert [m["verificationStatus"] for m in wallet] == ["VALID"]


async def test_blocked_card_is_invalid(client: Client, operator_key: str, partner_key: str) -> None:
    card = await _pending_card(client, partner_key)
    response = await client.post(f"{LIST}/{card}/block", headers=bearer(operator_key))
    assert (response.json()["verificationStatus"], response.json()["operatorVerdict"]) == ("INVALID", "BLOCKED")


async def test_blocked_card_may_be_approved_again(client: Client, operator_key: str, partner_key: str) -> None:
    card = await _pending_card(client, partner_key)
    await client.post(f"{LIST}/{card}/block", headers=bearer(operator_key))
    response = await client.post(f"{LIST}/{card}/approve", headers=bearer(operator_key))
    assert response.json()["verificationStatus"] == "VALID"


async def test_partner_may_not_approve_its_own_card(client: Client, partner_key: str) -> None:
    card = await _pending_card(client, partner_key)
    response = await client.post(f"{LIST}/{card}/approve", headers=bearer(partner_key))
    assert_problem(response, 403, "operator_only")


async def test_partner_may_not_block_a_card(client: Client, partner_key: str) -> None:
    card = await _pending_card(client, partner_key)
    response = await client.post(f"{LIST}/{card}/block", headers=bearer(partner_key))
    assert_problem(response, 403, "operator_only")


async def test_partner_may_not_list_cards(client: Client, partner_key: str) -> None:
    assert_problem(await client.get(LIST, headers=bearer(partner_key)), 403, "operator_only")


async def test_approving_an_unknown_card_is_404(client: Client, operator_key: str) -> None:
    response = await client.post(f"{LIST}/pm_nothing/approve", headers=bearer(operator_key))
    assert_problem(response, 404, "payment_method_not_found")


async def test_blocking_an_unknown_card_is_404(client: Client, operator_key: str) -> None:
    response = await client.post(f"{LIST}/pm_nothing/block", headers=bearer(operator_key))
    assert_problem(response, 404, "payment_method_not_found")


async def test_approving_an_external_method_is_404(client: Client, operator_key: str, partner_key: str) -> None:
    await register_token(client, partner_key, "driver-1")
    external = await client.put(
        "/v1/tokens/driver-1/wallet/external", json={"externalPaymentMethodId": "room-1"}, headers=bearer(partner_key)
    )
    response = await client.post(f"{LIST}/{external.json()['id']}/approve", headers=bearer(operator_key))
    assert_problem(response, 404, "payment_method_not_found")


async def test_approving_when_another_partners_card_of_the_number_is_valid_is_409(
    client: Client, operator_key: str, partner_key: str, other_partner_key: str
) -> None:
    mine = await _pending_card(client, partner_key)
    theirs = await _pending_card(client, other_partner_key)
    await client.post(f"{LIST}/{mine}/approve", headers=bearer(operator_key))
    response = await client.post(f"{LIST}/{theirs}/approve", headers=bearer(operator_key))
    assert_problem(response, 409, "charge_card_valid_elsewhere")


async def test_approving_a_card_issued_to_another_partner_is_409(
    client: Client, operator_key: str, partner_key: str, other_partner_key: str, services: Services
) -> None:
    other = await _partner_id(services, other_partner_key)
    await client.put(f"/v1/operator/tokens/{UID}", json=_token(other), headers=bearer(operator_key))
    card = await _pending_card(client, partner_key)
    response = await client.post(f"{LIST}/{card}/approve", headers=bearer(operator_key))
    assert_problem(response, 409, "charge_card_issued_to_other_partner")


async def test_approving_a_card_of_a_blocked_token_is_409(
    client: Client, operator_key: str, partner_key: str, services: Services
) -> None:
    partner = await _partner_id(services, partner_key)
    await client.put(f"/v1/operator/tokens/{UID}", json=_token(partner, valid=False), headers=bearer(operator_key))
    card = await _pending_card(client, partner_key)
    response = await client.post(f"{LIST}/{card}/approve", headers=bearer(operator_key))
    assert_problem(response, 409, "issued_token_not_active")


# --- what the wallet answers another partner -------------------------------------------------------------


async def test_card_valid_in_another_partners_wallet_is_added_201_pending(
    client: Client, operator_key: str, partner_key: str, other_partner_key: str, services: Services
) -> None:
    partner = await _partner_id(services, partner_key)
    await client.put(f"/v1/operator/tokens/{UID}", json=_token(partner), headers=bearer(operator_key))
    await _pending_card(client, partner_key)
    await register_token(client, other_partner_key, "their-driver")
    response = await client.put(
        "/v1/tokens/their-driver/wallet/charge-card", json={"visualNumber": CARD}, headers=bearer(other_partner_key)
    )
    assert (response.status_code, response.json()["verificationStatus"]) == (201, "PENDING")


async def test_answer_to_another_partner_is_the_same_whether_or_not_the_card_is_held(
    client: Client, operator_key: str, partner_key: str, other_partner_key: str
) -> None:
    """Whether another partner holds the card (VALID) or nobody does, the answer reads the same."""
    await register_token(client, other_partner_key, "their-driver")
    path = "/v1/tokens/their-driver/wallet/charge-card"
    unheld = await client.put(path, json={"visualNumber": "NL-TST-999999-9"}, headers=bearer(other_partner_key))
    card = await _pending_card(client, partner_key)
    await client.post(f"{LIST}/{card}/approve", headers=bearer(operator_key))
    held = await client.put(path, json={"visualNumber": CARD}, headers=bearer(other_partner_key))
    assert [(r.status_code, r.json()["verificationStatus"]) for r in (unheld, held)] == [(201, "PENDING")] * 2
