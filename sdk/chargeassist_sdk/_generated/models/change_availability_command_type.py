from typing import Literal

ChangeAvailabilityCommandType = Literal["Inoperative", "Operative"]

CHANGE_AVAILABILITY_COMMAND_TYPE_VALUES: set[ChangeAvailabilityCommandType] = {
    "Inoperative",
    "Operative",
}


def check_change_availability_command_type(value: str) -> ChangeAvailabilityCommandType:
    if value in CHANGE_AVAILABILITY_COMMAND_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CHANGE_AVAILABILITY_COMMAND_TYPE_VALUES!r}")
