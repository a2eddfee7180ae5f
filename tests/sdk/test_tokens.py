"""client.tokens against the live server."""

from __future__ import annotations

import secrets

import pytest

from chargeassist_sdk import ChargeAssist, NotFoundError, PermissionDeniedError
from tests.sdk.conftest import NO_RETRIES


def test_register_returns_the_app_token(sdk: ChargeAssist) -> None:
    token = f"driver-{secrets.token_hex(6)}"
    assert sdk.tokens.register(token).app_token == token


def test_registering_again_keeps_the_first_registration(sdk: ChargeAssist, app_token: str) -> None:
    first = sdk.tokens.get(app_token)
    assert sdk.tokens.register(app_token).created_date == first.created_date


def test_get_an_unknown_token_raises_not_found(sdk: ChargeAssist) -> None:
    with pytest.raises(NotFoundError) as caught:
        sdk.tokens.get("never-registered")
    assert caught.value.code == "app_token_not_found"


def test_a_deleted_token_is_gone(sdk: ChargeAssist, app_token: str) -> None:
    sdk.tokens.delete(app_token)
    with pytest.raises(NotFoundError):
        sdk.tokens.get(app_token)


def test_another_partners_token_is_not_found(hotel_sdk: ChargeAssist, app_token: str) -> None:
    with pytest.raises(NotFoundError):
        hotel_sdk.tokens.get(app_token)


def test_an_access_token_acts_for_its_app_token(sdk: ChargeAssist, live_url: str, app_token: str) -> None:
    minted = sdk.tokens.create_access_token(app_token)
    with ChargeAssist(api_key=minted.access_token, base_url=live_url, retry=NO_RETRIES) as phone:
        assert phone.tokens.get(app_token).app_token == app_token


def test_an_access_token_may_not_act_for_another_app_token(sdk: ChargeAssist, live_url: str, app_token: str) -> None:
    other = f"driver-{secrets.token_hex(6)}"
    sdk.tokens.register(other)
    minted = sdk.tokens.create_access_token(app_token)
    with (
        ChargeAssist(api_key=minted.access_token, base_url=live_url, retry=NO_RETRIES) as phone,
        pytest.raises(PermissionDeniedError) as caught,
    ):
        phone.wallet.list(other)
    assert caught.value.code == "token_scope"
