"""The hold a Stripe card start places at a location, as drivers see it before they start: in the location
detail and in the tariff offer of a Stripe card (the service here has Stripe: a real localstripe)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chargeassist.settings import PaymentSettings, Settings
from tests.api._demo import DEMO_LOCATIONS, JsonDict, first_evse
from tests.api._helpers import Client, add_external, register_token
from tests.conftest import bearer, make_settings
from tests.payments.conftest import PAYS, StripeRecords, api_base, api_key, local_stripe, stripe_records

__all__ = ["api_base", "api_key", "local_stripe", "stripe_records"]

DEFAULT_HOLD = Decimal("35")


@pytest.fixture
def sqlite_url(demo_sqlite_url: str) -> str:
    return demo_sqlite_url


@pytest.fixture
def settings(sqlite_url: str, api_base: str, api_key: str) -> Settings:
    """The demo data with Stripe configured and a default hold of 35."""
    return make_settings(
        sqlite_url,
        payments=PaymentSettings(stripe_api_key=api_key, stripe_api_base=api_base, preauth_amount=DEFAULT_HOLD),
    )


LOCATION = DEMO_LOCATIONS[1]


async def _view(client: Client, key: str, location_id: str = LOCATION["id"]) -> JsonDict:
    response = await client.get(f"/v1/locations/{location_id}", headers=bearer(key))
    assert response.status_code == 200, response.text
    body: JsonDict = response.json()
    return body


async def _set_hold(client: Client, operator_key: str, amount: str | None) -> None:
    response = await client.patch(
        f"/v1/operator/locations/{LOCATION['id']}", json={"pre_auth_amount": amount}, headers=bearer(operator_key)
    )
    assert response.status_code == 200, response.text


async def test_location_lists_stripe_cards_among_its_payment_methods(client: Client, partner_key: str) -> None:
    view = await _view(client, partner_key)
    assert view["pms"] == ["CHARGE_CARD", "EXTERNAL", "PSP"]


async def test_location_without_its_own_hold_shows_the_default(client: Client, partner_key: str) -> None:
    hold = (await _view(client, partner_key))["preAuthAmount"]
    assert (Decimal(hold["amount"]), hold["currency"], hold["isDefault"]) == (DEFAULT_HOLD, "EUR", True)


async def test_hold_the_operator_sets_is_what_the_driver_sees(
    client: Client, partner_key: str, operator_key: str
) -> None:
    await _set_hold(client, operator_key, "12.50")
    hold = (await _view(client, partner_key))["preAuthAmount"]
    assert (hold["amount"], hold["currency"], hold["isDefault"]) == ("12.50", "EUR", False)


async def test_hold_cleared_by_the_operator_is_the_default_again(
    client: Client, partner_key: str, operator_key: str
) -> None:
    await _set_hold(client, operator_key, "12.50")
    await _set_hold(client, operator_key, None)
    hold = (await _view(client, partner_key))["preAuthAmount"]
    assert (Decimal(hold["amount"]), hold["isDefault"]) == (DEFAULT_HOLD, True)


async def _stripe_card(client: Client, partner_key: str, stripe: StripeRecords) -> JsonDict:
    await register_token(client, partner_key, "driver-1")
    intent = await client.post("/v1/tokens/driver-1/wallet/psp/stripe/setup-intent", headers=bearer(partner_key))
    assert intent.status_code == 200, intent.text
    customer = intent.json()["customerId"]
    payment_method = stripe.create_card(PAYS)
    stripe.attach(payment_method, customer)
    added = await client.put(
        "/v1/tokens/driver-1/wallet/psp/stripe",
        json={"pspPaymentMethodId": payment_method, "pspCustomerId": customer},
        headers=bearer(partner_key),
    )
    assert added.status_code == 201, added.text
    card: JsonDict = added.json()
    return card


async def _offers(client: Client, key: str) -> dict[str, JsonDict]:
    evse = first_evse(LOCATION)
    response = await client.get(f"/v1/tokens/driver-1/tariffs/{LOCATION['id']}/{evse['uid']}", headers=bearer(key))
    assert response.status_code == 200, response.text
    return {offer["paymentMethod"]["type"]: offer for offer in response.json()["data"]}


async def test_tariff_offer_for_a_stripe_card_carries_the_locations_hold(
    client: Client, partner_key: str, operator_key: str, stripe_records: StripeRecords
) -> None:
    await _set_hold(client, operator_key, "20.00")
    await _stripe_card(client, partner_key, stripe_records)
    offer = (await _offers(client, partner_key))["PSP"]
    hold = offer["preAuthAmount"]
    assert (hold["amount"], hold["currency"], hold["isDefault"]) == ("20.00", offer["tariff"]["currency"], False)


async def test_tariff_offer_for_a_stripe_card_names_the_card(
    client: Client, partner_key: str, stripe_records: StripeRecords
) -> None:
    card = await _stripe_card(client, partner_key, stripe_records)
    offer = (await _offers(client, partner_key))["PSP"]
    assert offer["paymentMethod"] == card


async def test_tariff_offer_for_an_external_method_holds_nothing(
    client: Client, partner_key: str, stripe_records: StripeRecords
) -> None:
    await _stripe_card(client, partner_key, stripe_records)
    await add_external(client, partner_key, "driver-1", "psp-42")
    offer = (await _offers(client, partner_key))["EXTERNAL"]
    assert offer["preAuthAmount"] is None
