from typing import Literal

SearchLocationsInBoundingBoxPowerTypeType1 = Literal["AC", "DC"]

SEARCH_LOCATIONS_IN_BOUNDING_BOX_POWER_TYPE_TYPE_1_VALUES: set[SearchLocationsInBoundingBoxPowerTypeType1] = {
    "AC",
    "DC",
}


def check_search_locations_in_bounding_box_power_type_type_1(value: str) -> SearchLocationsInBoundingBoxPowerTypeType1:
    if value in SEARCH_LOCATIONS_IN_BOUNDING_BOX_POWER_TYPE_TYPE_1_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SEARCH_LOCATIONS_IN_BOUNDING_BOX_POWER_TYPE_TYPE_1_VALUES!r}"
    )
