from typing import Literal

HealthResponseStatus = Literal["degraded", "ok"]

HEALTH_RESPONSE_STATUS_VALUES: set[HealthResponseStatus] = {
    "degraded",
    "ok",
}


def check_health_response_status(value: str) -> HealthResponseStatus:
    if value in HEALTH_RESPONSE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {HEALTH_RESPONSE_STATUS_VALUES!r}")
