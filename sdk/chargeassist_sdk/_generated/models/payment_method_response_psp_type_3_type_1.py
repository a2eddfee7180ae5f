from typing import Literal

PaymentMethodResponsePspType3Type1 = Literal["STRIPE"]

PAYMENT_METHOD_RESPONSE_PSP_TYPE_3_TYPE_1_VALUES: set[PaymentMethodResponsePspType3Type1] = {
    "STRIPE",
}


def check_payment_method_response_psp_type_3_type_1(value: str) -> PaymentMethodResponsePspType3Type1:
    if value in PAYMENT_METHOD_RESPONSE_PSP_TYPE_3_TYPE_1_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PAYMENT_METHOD_RESPONSE_PSP_TYPE_3_TYPE_1_VALUES!r}")
