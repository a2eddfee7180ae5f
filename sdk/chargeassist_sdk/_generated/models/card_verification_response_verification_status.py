from typing import Literal

CardVerificationResponseVerificationStatus = Literal["INVALID", "PENDING", "VALID"]

CARD_VERIFICATION_RESPONSE_VERIFICATION_STATUS_VALUES: set[CardVerificationResponseVerificationStatus] = {
    "INVALID",
    "PENDING",
    "VALID",
}


def check_card_verification_response_verification_status(value: str) -> CardVerificationResponseVerificationStatus:
    if value in CARD_VERIFICATION_RESPONSE_VERIFICATION_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CARD_VERIFICATION_RESPONSE_VERIFICATION_STATUS_VALUES!r}"
    )
