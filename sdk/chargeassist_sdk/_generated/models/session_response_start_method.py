from typing import Literal

SessionResponseStartMethod = Literal["APP", "RFID"]

SESSION_RESPONSE_START_METHOD_VALUES: set[SessionResponseStartMethod] = {
    "APP",
    "RFID",
}


def check_session_response_start_method(value: str) -> SessionResponseStartMethod:
    if value in SESSION_RESPONSE_START_METHOD_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SESSION_RESPONSE_START_METHOD_VALUES!r}")
