"""client.wallet against the live server."""

from __future__ import annotations

import secrets

import pytest

from chargeassist_sdk import ChargeAssist, ConflictError, NotFoundError, ValidationError


def test_add_charge_card_returns_the_card(sdk: ChargeAssist, app_token: str, card_number: str) -> None:
    card = sdk.wallet.add_charge_card(app_token, card_number, display_name="Fleet card")
    last_four = "".join(ch for ch in card_number if ch.isalnum())[-4:]
    assert (card.type_, card.display_name, card.card_short_hint) == ("CHARGE_CARD", "Fleet card", last_four)


def test_the_same_card_again_gives_the_same_id(sdk: ChargeAssist, app_token: str, card_number: str) -> None:
    first = sdk.wallet.add_charge_card(app_token, card_number)
    assert sdk.wallet.add_charge_card(app_token, card_number).id == first.id


def test_add_external_returns_the_reference(sdk: ChargeAssist, app_token: str) -> None:
    method = sdk.wallet.add_external(app_token, "folio-101", display_name="Room 101")
    assert (method.type_, method.external_payment_method_id) == ("EXTERNAL", "folio-101")


def test_list_has_every_method(sdk: ChargeAssist, app_token: str, card_number: str) -> None:
    card = sdk.wallet.add_charge_card(app_token, card_number)
    external = sdk.wallet.add_external(app_token, "folio-102")
    assert {method.id for method in sdk.wallet.list(app_token)} == {card.id, external.id}


def test_a_removed_method_leaves_the_wallet(sdk: ChargeAssist, app_token: str) -> None:
    method = sdk.wallet.add_external(app_token, "folio-103")
    sdk.wallet.remove(app_token, method.id)
    assert sdk.wallet.list(app_token) == []


def test_removing_an_unknown_method_raises_not_found(sdk: ChargeAssist, app_token: str) -> None:
    with pytest.raises(NotFoundError) as caught:
        sdk.wallet.remove(app_token, "pm_unknown")
    assert caught.value.code == "payment_method_not_found"


def test_a_card_in_another_wallet_raises_conflict(sdk: ChargeAssist, app_token: str, card_number: str) -> None:
    other = f"driver-{secrets.token_hex(6)}"
    sdk.tokens.register(other)
    sdk.wallet.add_charge_card(other, card_number)
    with pytest.raises(ConflictError) as caught:
        sdk.wallet.add_charge_card(app_token, card_number)
    assert caught.value.code == "charge_card_in_other_wallet"


def test_a_malformed_card_number_raises_validation_naming_the_field(sdk: ChargeAssist, app_token: str) -> None:
    with pytest.raises(ValidationError) as caught:
        sdk.wallet.add_charge_card(app_token, "12")
    assert [error.field for error in caught.value.errors] == ["visualNumber"]
