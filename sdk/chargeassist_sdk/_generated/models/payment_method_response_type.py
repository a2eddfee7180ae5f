from typing import Literal

PaymentMethodResponseType = Literal["CHARGE_CARD", "EXTERNAL", "PSP"]

PAYMENT_METHOD_RESPONSE_TYPE_VALUES: set[PaymentMethodResponseType] = {
    "CHARGE_CARD",
    "EXTERNAL",
    "PSP",
}


def check_payment_method_response_type(value: str) -> PaymentMethodResponseType:
    if value in PAYMENT_METHOD_RESPONSE_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PAYMENT_METHOD_RESPONSE_TYPE_VALUES!r}")
