"""Distances and boxes on the WGS 84 sphere approximation (pure)."""

from __future__ import annotations

import math

__all__ = ["EARTH_RADIUS_M", "bounding_box_around", "haversine_m"]

EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lng2 - lng1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bounding_box_around(lat: float, lng: float, radius_m: float) -> tuple[float, float, float, float]:
    """A box (south, west, north, east) that contains the circle of ``radius_m`` around the point."""
    d_lat = math.degrees(radius_m / EARTH_RADIUS_M)
    cos_lat = max(math.cos(math.radians(lat)), 1e-6)
    d_lng = min(180.0, math.degrees(radius_m / (EARTH_RADIUS_M * cos_lat)))
    return max(-90.0, lat - d_lat), max(-180.0, lng - d_lng), min(90.0, lat + d_lat), min(180.0, lng + d_lng)
