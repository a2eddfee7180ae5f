"""The data set the API tests search, and plain-Python answers computed from it to compare with."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import Any

from chargeassist.demo import demo_locations, demo_tariffs

JsonDict = dict[str, Any]

DEMO_COUNT = 60
"""Enough locations for paging past the default page size of 50, few enough to load quickly."""

ALL_DEMO_LOCATIONS: list[JsonDict] = demo_locations(DEMO_COUNT)
"""What the API tests' store holds: the closed hotel (``publish: false``) first, then public locations."""
HOTEL: JsonDict = ALL_DEMO_LOCATIONS[0]
DEMO_LOCATIONS: list[JsonDict] = [location for location in ALL_DEMO_LOCATIONS if location["publish"]]
"""What partners see of it: the hotel, unpublished and restricted to no partner in these tests, is nobody's."""
DEMO_TARIFFS: list[JsonDict] = demo_tariffs()
DEMO_BY_ID: dict[str, JsonDict] = {location["id"]: location for location in DEMO_LOCATIONS}
TARIFFS_BY_ID: dict[str, JsonDict] = {tariff["id"]: tariff for tariff in DEMO_TARIFFS}

# The Netherlands and Belgium: every demo location.
BENELUX = {"bottomLeftLat": 49.0, "bottomLeftLng": 2.0, "topRightLat": 54.0, "topRightLng": 8.0}
# Around Amsterdam: a part of them.
AMSTERDAM = {"bottomLeftLat": 52.25, "bottomLeftLng": 4.70, "topRightLat": 52.50, "topRightLng": 5.10}
# Open sea west of Ireland: nothing.
ATLANTIC = {"bottomLeftLat": 50.0, "bottomLeftLng": -20.0, "topRightLat": 52.0, "topRightLng": -18.0}

EARTH_RADIUS_M = 6_371_008.8


def lat_lng(location: JsonDict) -> tuple[float, float]:
    """The coordinates of an OCPI location as numbers."""
    coordinates = location["coordinates"]
    return float(coordinates["latitude"]), float(coordinates["longitude"])


def connectors(location: JsonDict) -> Iterator[tuple[JsonDict, JsonDict]]:
    """(EVSE, connector) pairs of an OCPI location."""
    for evse in location.get("evses") or ():
        for connector in evse["connectors"]:
            yield evse, connector


def kw(connector: JsonDict) -> float:
    """Maximum power of an OCPI connector in kW (the demo data always states it)."""
    return float(connector["max_electric_power"]) / 1000


def in_box(location: JsonDict, box: dict[str, float]) -> bool:
    """Whether the location lies inside a bounding-box query's box (edges included)."""
    lat, lng = lat_lng(location)
    return box["bottomLeftLat"] <= lat <= box["topRightLat"] and box["bottomLeftLng"] <= lng <= box["topRightLng"]


def available_connectors(location: JsonDict) -> int:
    """Connectors on EVSEs that are AVAILABLE."""
    return sum(1 for evse, _ in connectors(location) if evse["status"] == "AVAILABLE")


def matches(
    location: JsonDict,
    *,
    is_available: bool | None = None,
    power_type: str | None = None,
    connector_types: Iterable[str] = (),
    min_kw: float | None = None,
    max_kw: float | None = None,
    country: str | None = None,
) -> bool:
    """The search filters as documented: the country must match, and one connector must pass all the rest."""
    if country is not None and location["country"] != country:
        return False
    if is_available is False:
        # "Not available": nothing can be plugged in right now.
        if available_connectors(location) > 0:
            return False
        is_available = None
    wanted_types = set(connector_types)
    if not (is_available or power_type or wanted_types or min_kw is not None or max_kw is not None):
        return True
    for evse, connector in connectors(location):
        if is_available and evse["status"] != "AVAILABLE":
            continue
        if power_type is not None and (connector["power_type"] == "DC") != (power_type == "DC"):
            continue
        if wanted_types and connector["standard"] not in wanted_types:
            continue
        if min_kw is not None and kw(connector) < min_kw:
            continue
        if max_kw is not None and kw(connector) > max_kw:
            continue
        return True
    return False


def expected_ids(box: dict[str, float], locations: Iterable[JsonDict] = DEMO_LOCATIONS, **filters: Any) -> set[str]:
    """Ids of the locations a bounding-box search with these filters should find."""
    return {location["id"] for location in locations if in_box(location, box) and matches(location, **filters)}


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres, computed here independently of the service."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def first_evse(location: JsonDict) -> JsonDict:
    """The first EVSE of an OCPI location."""
    evse: JsonDict = location["evses"][0]
    return evse


def find_location(predicate: Any, locations: Iterable[JsonDict] = DEMO_LOCATIONS) -> JsonDict:
    """The first demo location for which ``predicate`` holds."""
    for location in locations:
        if predicate(location):
            return location
    raise LookupError("no demo location fits")
