from typing import Literal

ListOperatorPaymentMethodsVerificationStatusType2Type1 = Literal["INVALID", "PENDING", "VALID"]

LIST_OPERATOR_PAYMENT_METHODS_VERIFICATION_STATUS_TYPE_2_TYPE_1_VALUES: set[
    ListOperatorPaymentMethodsVerificationStatusType2Type1
] = {
    "INVALID",
    "PENDING",
    "VALID",
}


def check_list_operator_payment_methods_verification_status_type_2_type_1(
    value: str,
) -> ListOperatorPaymentMethodsVerificationStatusType2Type1:
    if value in LIST_OPERATOR_PAYMENT_METHODS_VERIFICATION_STATUS_TYPE_2_TYPE_1_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {LIST_OPERATOR_PAYMENT_METHODS_VERIFICATION_STATUS_TYPE_2_TYPE_1_VALUES!r}"
    )
