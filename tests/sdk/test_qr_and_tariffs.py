"""client.qr and client.tariffs against the live demo server."""

from __future__ import annotations

from chargeassist_sdk import ChargeAssist
from tests._live import HOTEL_LOCATION

HOTEL_EVSE = "NL-GFX-EHOTELAMSTEL-1"


def test_parse_resolves_a_typed_evse_id(sdk: ChargeAssist) -> None:
    scanned = sdk.qr.parse("NL*GFX*EHOTELAMSTEL*1")
    assert (scanned.valid, scanned.location_id, scanned.evse_uid) == (True, HOTEL_LOCATION, HOTEL_EVSE)


def test_parse_answers_invalid_for_unknown_text(sdk: ChargeAssist) -> None:
    assert sdk.qr.parse("https://example.com/not-a-charger").valid is False


def test_for_evse_prices_each_payment_method(sdk: ChargeAssist, app_token: str, card_number: str) -> None:
    card = sdk.wallet.add_charge_card(app_token, card_number)
    external = sdk.wallet.add_external(app_token, "folio-201")
    offers = sdk.tariffs.for_evse(app_token, HOTEL_LOCATION, HOTEL_EVSE)
    assert {offer.payment_method.id for offer in offers} == {card.id, external.id}


def test_for_evse_gives_the_tariff_with_prices_as_exact_strings(sdk: ChargeAssist, app_token: str) -> None:
    sdk.wallet.add_external(app_token, "folio-202")
    (offer,) = sdk.tariffs.for_evse(app_token, HOTEL_LOCATION, HOTEL_EVSE)
    assert offer.validity == "VALID"
    assert offer.tariff is not None
    assert isinstance(offer.tariff.elements[0].price_components[0].price_incl_vat, str)
