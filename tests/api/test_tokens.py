"""App tokens: registering (idempotent), reading and deleting, each partner seeing only its own."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

import pytest

from tests.api._helpers import Client, add_card, assert_problem, error_fields, register_token
from tests.conftest import bearer


async def test_first_put_creates_the_app_token(client: Client, partner_key: str) -> None:
    response = await client.put("/v1/tokens/driver-1", headers=bearer(partner_key))
    assert response.status_code == 201
    body = response.json()
    assert body["appToken"] == "driver-1"
    assert datetime.fromisoformat(body["createdDate"]).tzinfo is not None


async def test_second_put_answers_200_with_the_same_created_date(client: Client, partner_key: str) -> None:
    first = await client.put("/v1/tokens/driver-1", headers=bearer(partner_key))
    second = await client.put("/v1/tokens/driver-1", headers=bearer(partner_key))
    assert second.status_code == 200
    assert second.json() == first.json()


async def test_get_returns_the_registered_app_token(client: Client, partner_key: str) -> None:
    created = await client.put("/v1/tokens/driver-1", headers=bearer(partner_key))
    response = await client.get("/v1/tokens/driver-1", headers=bearer(partner_key))
    assert response.status_code == 200
    assert response.json() == created.json()


async def test_get_of_an_unknown_app_token_is_404(client: Client, partner_key: str) -> None:
    response = await client.get("/v1/tokens/nobody", headers=bearer(partner_key))
    assert_problem(response, 404, "app_token_not_found")


async def test_delete_answers_204(client: Client, partner_key: str) -> None:
    await register_token(client, partner_key, "driver-1")
    response = await client.delete("/v1/tokens/driver-1", headers=bearer(partner_key))
    assert response.status_code == 204
    assert response.content == b""


async def test_deleted_app_token_is_gone(client: Client, partner_key: str) -> None:
    await register_token(client, partner_key, "driver-1")
    await client.delete("/v1/tokens/driver-1", headers=bearer(partner_key))
    response = await client.get("/v1/tokens/driver-1", headers=bearer(partner_key))
    assert_problem(response, 404, "app_token_not_found")


async def test_delete_of_an_unknown_app_token_is_404(client: Client, partner_key: str) -> None:
    response = await client.delete("/v1/tokens/nobody", headers=bearer(partner_key))
    assert_problem(response, 404, "app_token_not_found")


async def test_deleting_an_app_token_empties_its_wallet(client: Client, partner_key: str) -> None:
    await register_token(client, partner_key, "driver-1")
    await add_card(client, partner_key, "driver-1", "NL-TST-000123-4")
    await client.delete("/v1/tokens/driver-1", headers=bearer(partner_key))
    await register_token(client, partner_key, "driver-1")
    response = await client.get("/v1/tokens/driver-1/wallet", headers=bearer(partner_key))
    assert response.json()["data"] == []


async def test_deleting_an_app_token_frees_its_charge_cards(client: Client, partner_key: str) -> None:
    await register_token(client, partner_key, "driver-1")
    await add_card(client, partner_key, "driver-1", "NL-TST-000123-4")
    await client.delete("/v1/tokens/driver-1", headers=bearer(partner_key))
    await register_token(client, partner_key, "driver-2")
    response = await client.put(
        "/v1/tokens/driver-2/wallet/charge-card", json={"visualNumber": "NL-TST-000123-4"}, headers=bearer(partner_key)
    )
    assert response.status_code == 201


async def test_another_partner_cannot_read_the_app_token(
    client: Client, partner_key: str, other_partner_key: str
) -> None:
    await register_token(client, partner_key, "driver-1")
    response = await client.get("/v1/tokens/driver-1", headers=bearer(other_partner_key))
    body = assert_problem(response, 404, "app_token_not_found")
    assert "createdDate" not in body


async def test_another_partner_cannot_delete_the_app_token(
    client: Client, partner_key: str, other_partner_key: str
) -> None:
    await register_token(client, partner_key, "driver-1")
    response = await client.delete("/v1/tokens/driver-1", headers=bearer(other_partner_key))
    assert_problem(response, 404, "app_token_not_found")
    still_there = await client.get("/v1/tokens/driver-1", headers=bearer(partner_key))
    assert still_there.status_code == 200


async def test_another_partner_cannot_read_the_wallet(client: Client, partner_key: str, other_partner_key: str) -> None:
    await register_token(client, partner_key, "driver-1")
    await add_card(client, partner_key, "driver-1", "NL-TST-000123-4")
    response = await client.get("/v1/tokens/driver-1/wallet", headers=bearer(other_partner_key))
    assert_problem(response, 404, "app_token_not_found")


async def test_the_same_name_under_another_partner_is_a_separate_app_token(
    client: Client, partner_key: str, other_partner_key: str
) -> None:
    await register_token(client, partner_key, "driver-1")
    await add_card(client, partner_key, "driver-1", "NL-TST-000123-4")
    created = await client.put("/v1/tokens/driver-1", headers=bearer(other_partner_key))
    assert created.status_code == 201
    theirs = await client.get("/v1/tokens/driver-1/wallet", headers=bearer(other_partner_key))
    assert theirs.json()["data"] == []


async def test_app_token_of_255_characters_is_accepted(client: Client, partner_key: str) -> None:
    token = "t" * 255
    response = await client.put(f"/v1/tokens/{token}", headers=bearer(partner_key))
    assert response.status_code == 201
    assert response.json()["appToken"] == token


async def test_app_token_of_256_characters_is_400(client: Client, partner_key: str) -> None:
    response = await client.put(f"/v1/tokens/{'t' * 256}", headers=bearer(partner_key))
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["appToken"]


async def test_app_token_of_256_characters_is_400_when_read(client: Client, partner_key: str) -> None:
    response = await client.get(f"/v1/tokens/{'t' * 256}", headers=bearer(partner_key))
    assert_problem(response, 400, "validation_failed")


async def test_app_token_with_spaces_and_accents_round_trips(client: Client, partner_key: str) -> None:
    token = "Zoë's phone 2"
    created = await client.put(f"/v1/tokens/{quote(token)}", headers=bearer(partner_key))
    assert created.status_code == 201
    response = await client.get(f"/v1/tokens/{quote(token)}", headers=bearer(partner_key))
    assert response.json()["appToken"] == token


@pytest.mark.parametrize(
    "token", [" ", "   ", "\t", " \u00a0 ", "\u3000"], ids=["space", "spaces", "tab", "nbsp", "ideographic"]
)
async def test_blank_app_token_is_400(client: Client, partner_key: str, token: str) -> None:
    response = await client.put(f"/v1/tokens/{quote(token)}", headers=bearer(partner_key))
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["appToken"]


@pytest.mark.parametrize("token", ["a\x01b", "line\nbreak", "bell\x07", "del\x7f", "c1\x85"])
async def test_app_token_with_a_control_character_is_400(client: Client, partner_key: str, token: str) -> None:
    response = await client.put(f"/v1/tokens/{quote(token)}", headers=bearer(partner_key))
    body = assert_problem(response, 400, "validation_failed")
    assert error_fields(body) == ["appToken"]


async def test_app_token_with_a_control_character_is_400_when_used(client: Client, partner_key: str) -> None:
    token = quote("a\x01b")
    response = await client.post(f"/v1/tokens/{token}/access-token", headers=bearer(partner_key))
    assert_problem(response, 400, "validation_failed")


async def test_refused_app_token_reason_is_readable(client: Client, partner_key: str) -> None:
    response = await client.put(f"/v1/tokens/{quote(' ')}", headers=bearer(partner_key))
    assert "regex" not in response.json()["detail"]
