from typing import Literal

SearchLocationsNearbyPowerTypeType2Type1 = Literal["AC", "DC"]

SEARCH_LOCATIONS_NEARBY_POWER_TYPE_TYPE_2_TYPE_1_VALUES: set[SearchLocationsNearbyPowerTypeType2Type1] = {
    "AC",
    "DC",
}


def check_search_locations_nearby_power_type_type_2_type_1(value: str) -> SearchLocationsNearbyPowerTypeType2Type1:
    if value in SEARCH_LOCATIONS_NEARBY_POWER_TYPE_TYPE_2_TYPE_1_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SEARCH_LOCATIONS_NEARBY_POWER_TYPE_TYPE_2_TYPE_1_VALUES!r}"
    )
