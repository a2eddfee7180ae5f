from typing import Literal

FailedPaymentResponseStatus = Literal["CAPTURED", "FAILED", "PARTIALLY_FAILED"]

FAILED_PAYMENT_RESPONSE_STATUS_VALUES: set[FailedPaymentResponseStatus] = {
    "CAPTURED",
    "FAILED",
    "PARTIALLY_FAILED",
}


def check_failed_payment_response_status(value: str) -> FailedPaymentResponseStatus:
    if value in FAILED_PAYMENT_RESPONSE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {FAILED_PAYMENT_RESPONSE_STATUS_VALUES!r}")
