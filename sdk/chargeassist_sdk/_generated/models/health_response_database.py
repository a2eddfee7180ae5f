from typing import Literal

HealthResponseDatabase = Literal["ok", "unavailable"]

HEALTH_RESPONSE_DATABASE_VALUES: set[HealthResponseDatabase] = {
    "ok",
    "unavailable",
}


def check_health_response_database(value: str) -> HealthResponseDatabase:
    if value in HEALTH_RESPONSE_DATABASE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {HEALTH_RESPONSE_DATABASE_VALUES!r}")
