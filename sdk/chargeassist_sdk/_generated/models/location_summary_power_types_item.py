from typing import Literal

LocationSummaryPowerTypesItem = Literal["AC", "DC"]

LOCATION_SUMMARY_POWER_TYPES_ITEM_VALUES: set[LocationSummaryPowerTypesItem] = {
    "AC",
    "DC",
}


def check_location_summary_power_types_item(value: str) -> LocationSummaryPowerTypesItem:
    if value in LOCATION_SUMMARY_POWER_TYPES_ITEM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {LOCATION_SUMMARY_POWER_TYPES_ITEM_VALUES!r}")
