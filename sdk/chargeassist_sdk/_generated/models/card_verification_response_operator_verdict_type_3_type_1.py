from typing import Literal

CardVerificationResponseOperatorVerdictType3Type1 = Literal["APPROVED", "BLOCKED"]

CARD_VERIFICATION_RESPONSE_OPERATOR_VERDICT_TYPE_3_TYPE_1_VALUES: set[
    CardVerificationResponseOperatorVerdictType3Type1
] = {
    "APPROVED",
    "BLOCKED",
}


def check_card_verification_response_operator_verdict_type_3_type_1(
    value: str,
) -> CardVerificationResponseOperatorVerdictType3Type1:
    if value in CARD_VERIFICATION_RESPONSE_OPERATOR_VERDICT_TYPE_3_TYPE_1_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CARD_VERIFICATION_RESPONSE_OPERATOR_VERDICT_TYPE_3_TYPE_1_VALUES!r}"
    )
