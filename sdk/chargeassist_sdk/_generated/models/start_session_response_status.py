from typing import Literal

StartSessionResponseStatus = Literal[
    "CANCELLED",
    "CDR_AVAILABLE",
    "CHARGING",
    "COMPLETED",
    "ERROR",
    "PARKING",
    "REJECTED",
    "REQUESTED",
    "STARTING",
    "STOPPING",
    "TIMEOUT",
]

START_SESSION_RESPONSE_STATUS_VALUES: set[StartSessionResponseStatus] = {
    "CANCELLED",
    "CDR_AVAILABLE",
    "CHARGING",
    "COMPLETED",
    "ERROR",
    "PARKING",
    "REJECTED",
    "REQUESTED",
    "STARTING",
    "STOPPING",
    "TIMEOUT",
}


def check_start_session_response_status(value: str) -> StartSessionResponseStatus:
    if value in START_SESSION_RESPONSE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {START_SESSION_RESPONSE_STATUS_VALUES!r}")
