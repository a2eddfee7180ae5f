from typing import Literal

PaymentMethodResponseVerificationStatus = Literal["INVALID", "PENDING", "VALID"]

PAYMENT_METHOD_RESPONSE_VERIFICATION_STATUS_VALUES: set[PaymentMethodResponseVerificationStatus] = {
    "INVALID",
    "PENDING",
    "VALID",
}


def check_payment_method_response_verification_status(value: str) -> PaymentMethodResponseVerificationStatus:
    if value in PAYMENT_METHOD_RESPONSE_VERIFICATION_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {PAYMENT_METHOD_RESPONSE_VERIFICATION_STATUS_VALUES!r}"
    )
