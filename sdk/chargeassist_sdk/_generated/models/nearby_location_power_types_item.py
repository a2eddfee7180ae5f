from typing import Literal

NearbyLocationPowerTypesItem = Literal["AC", "DC"]

NEARBY_LOCATION_POWER_TYPES_ITEM_VALUES: set[NearbyLocationPowerTypesItem] = {
    "AC",
    "DC",
}


def check_nearby_location_power_types_item(value: str) -> NearbyLocationPowerTypesItem:
    if value in NEARBY_LOCATION_POWER_TYPES_ITEM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {NEARBY_LOCATION_POWER_TYPES_ITEM_VALUES!r}")
