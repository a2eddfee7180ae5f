from typing import Literal

ConnectorViewPowerType = Literal["AC", "DC"]

CONNECTOR_VIEW_POWER_TYPE_VALUES: set[ConnectorViewPowerType] = {
    "AC",
    "DC",
}


def check_connector_view_power_type(value: str) -> ConnectorViewPowerType:
    if value in CONNECTOR_VIEW_POWER_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CONNECTOR_VIEW_POWER_TYPE_VALUES!r}")
