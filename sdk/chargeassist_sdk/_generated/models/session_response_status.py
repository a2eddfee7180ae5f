from typing import Literal

SessionResponseStatus = Literal[
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

SESSION_RESPONSE_STATUS_VALUES: set[SessionResponseStatus] = {
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


def check_session_response_status(value: str) -> SessionResponseStatus:
    if value in SESSION_RESPONSE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SESSION_RESPONSE_STATUS_VALUES!r}")
