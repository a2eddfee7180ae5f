"""Wire structs of location search."""

from __future__ import annotations

import msgspec

from chargeassist.services import LocationSummary

from .._wire import ListMeta

__all__ = ["BoundingBox", "BoundingBoxPage", "NearbyLocation", "NearbyPage"]


class BoundingBox(msgspec.Struct, kw_only=True, rename="camel"):
    """The box searched."""

    bottom_left_lat: float
    bottom_left_lng: float
    top_right_lat: float
    top_right_lng: float


class BoundingBoxPage(msgspec.Struct, kw_only=True, rename="camel"):
    """One page of locations in a box, in a stable order."""

    bounding_box: BoundingBox
    data: list[LocationSummary]
    meta: ListMeta


class NearbyLocation(LocationSummary, kw_only=True, rename="camel"):
    """A location with its distance from the point searched."""

    distance_in_meters: int


class NearbyPage(msgspec.Struct, kw_only=True, rename="camel"):
    """Up to 25 locations within 50 km, nearest first."""

    data: list[NearbyLocation]
    meta: ListMeta
