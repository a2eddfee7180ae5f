from typing import Literal

TariffOfferResponseValidity = Literal["NO_TARIFF_FOUND", "NOT_COMPATIBLE", "UNKNOWN", "VALID"]

TARIFF_OFFER_RESPONSE_VALIDITY_VALUES: set[TariffOfferResponseValidity] = {
    "NO_TARIFF_FOUND",
    "NOT_COMPATIBLE",
    "UNKNOWN",
    "VALID",
}


def check_tariff_offer_response_validity(value: str) -> TariffOfferResponseValidity:
    if value in TARIFF_OFFER_RESPONSE_VALIDITY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TARIFF_OFFER_RESPONSE_VALIDITY_VALUES!r}")
