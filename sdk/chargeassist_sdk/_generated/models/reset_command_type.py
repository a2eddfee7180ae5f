from typing import Literal

ResetCommandType = Literal["Hard", "Soft"]

RESET_COMMAND_TYPE_VALUES: set[ResetCommandType] = {
    "Hard",
    "Soft",
}


def check_reset_command_type(value: str) -> ResetCommandType:
    if value in RESET_COMMAND_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {RESET_COMMAND_TYPE_VALUES!r}")
