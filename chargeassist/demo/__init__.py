"""Deterministic demo and benchmark data: OCPI 2.2.1 Locations and Tariffs as plain JSON-able dicts.

``demo_locations`` and ``demo_tariffs`` seed a demo operator in the Netherlands and Belgium;
``synthetic_locations`` streams Europe-wide locations for load and search benchmarks.
"""

from ._generate import (
    DEMO_PARTY_ID,
    HOTEL_LOCATION_ID,
    HOTEL_TARIFF_ID,
    demo_locations,
    demo_tariffs,
    synthetic_locations,
)

__all__ = [
    "DEMO_PARTY_ID",
    "HOTEL_LOCATION_ID",
    "HOTEL_TARIFF_ID",
    "demo_locations",
    "demo_tariffs",
    "synthetic_locations",
]
