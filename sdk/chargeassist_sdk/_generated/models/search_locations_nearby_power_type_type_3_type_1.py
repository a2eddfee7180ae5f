from typing import Literal

SearchLocationsNearbyPowerTypeType3Type1 = Literal["AC", "DC"]

SEARCH_LOCATIONS_NEARBY_POWER_TYPE_TYPE_3_TYPE_1_VALUES: set[SearchLocationsNearbyPowerTypeType3Type1] = {
    "AC",
    "DC",
}


def check_search_locations_nearby_power_type_type_3_type_1(value: str) -> SearchLocationsNearbyPowerTypeType3Type1:
    if value in SEARCH_LOCATIONS_NEARBY_POWER_TYPE_TYPE_3_TYPE_1_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SEARCH_LOCATIONS_NEARBY_POWER_TYPE_TYPE_3_TYPE_1_VALUES!r}"
    )
