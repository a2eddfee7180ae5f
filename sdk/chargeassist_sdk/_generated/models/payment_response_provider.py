from typing import Literal

PaymentResponseProvider = Literal["EXTERNAL", "STRIPE"]

PAYMENT_RESPONSE_PROVIDER_VALUES: set[PaymentResponseProvider] = {
    "EXTERNAL",
    "STRIPE",
}


def check_payment_response_provider(value: str) -> PaymentResponseProvider:
    if value in PAYMENT_RESPONSE_PROVIDER_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PAYMENT_RESPONSE_PROVIDER_VALUES!r}")
