from typing import Literal

ListOperatorPaymentMethodsVerificationStatusType3Type1 = Literal["INVALID", "PENDING", "VALID"]

LIST_OPERATOR_PAYMENT_METHODS_VERIFICATION_STATUS_TYPE_3_TYPE_1_VALUES: set[
    ListOperatorPaymentMethodsVerificationStatusType3Type1
] = {
    "INVALID",
    "PENDING",
    "VALID",
}


def check_list_operator_payment_methods_verification_status_type_3_type_1(
    value: str,
) -> ListOperatorPaymentMethodsVerificationStatusType3Type1:
    if value in LIST_OPERATOR_PAYMENT_METHODS_VERIFICATION_STATUS_TYPE_3_TYPE_1_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {LIST_OPERATOR_PAYMENT_METHODS_VERIFICATION_STATUS_TYPE_3_TYPE_1_VALUES!r}"
    )
