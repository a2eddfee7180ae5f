from typing import Literal

PaidWithMethod = Literal["CHARGE_CARD", "EXTERNAL", "PSP"]

PAID_WITH_METHOD_VALUES: set[PaidWithMethod] = {
    "CHARGE_CARD",
    "EXTERNAL",
    "PSP",
}


def check_paid_with_method(value: str) -> PaidWithMethod:
    if value in PAID_WITH_METHOD_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PAID_WITH_METHOD_VALUES!r}")
