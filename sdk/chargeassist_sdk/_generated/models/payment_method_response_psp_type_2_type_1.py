from typing import Literal

PaymentMethodResponsePspType2Type1 = Literal["STRIPE"]

PAYMENT_METHOD_RESPONSE_PSP_TYPE_2_TYPE_1_VALUES: set[PaymentMethodResponsePspType2Type1] = {
    "STRIPE",
}


def check_payment_method_response_psp_type_2_type_1(value: str) -> PaymentMethodResponsePspType2Type1:
    if value in PAYMENT_METHOD_RESPONSE_PSP_TYPE_2_TYPE_1_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PAYMENT_METHOD_RESPONSE_PSP_TYPE_2_TYPE_1_VALUES!r}")
