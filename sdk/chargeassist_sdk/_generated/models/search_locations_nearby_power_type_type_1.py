from typing import Literal

SearchLocationsNearbyPowerTypeType1 = Literal["AC", "DC"]

SEARCH_LOCATIONS_NEARBY_POWER_TYPE_TYPE_1_VALUES: set[SearchLocationsNearbyPowerTypeType1] = {
    "AC",
    "DC",
}


def check_search_locations_nearby_power_type_type_1(value: str) -> SearchLocationsNearbyPowerTypeType1:
    if value in SEARCH_LOCATIONS_NEARBY_POWER_TYPE_TYPE_1_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SEARCH_LOCATIONS_NEARBY_POWER_TYPE_TYPE_1_VALUES!r}")
