from typing import Literal

PaymentResponseStatus = Literal[
    "AUTHORIZED", "CAPTURED", "FAILED", "NONE", "PARTIALLY_FAILED", "RELEASED", "REQUIRES_ACTION"
]

PAYMENT_RESPONSE_STATUS_VALUES: set[PaymentResponseStatus] = {
    "AUTHORIZED",
    "CAPTURED",
    "FAILED",
    "NONE",
    "PARTIALLY_FAILED",
    "RELEASED",
    "REQUIRES_ACTION",
}


def check_payment_response_status(value: str) -> PaymentResponseStatus:
    if value in PAYMENT_RESPONSE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PAYMENT_RESPONSE_STATUS_VALUES!r}")
