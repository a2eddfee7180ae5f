"""Demo data: locations, tariffs, a closed-loop hotel and the two well-known demo keys (demo mode only)."""

from __future__ import annotations

import logging
from typing import Any

from chargeassist.demo import HOTEL_LOCATION_ID, demo_locations, demo_tariffs
from chargeassist.store import advisory_lock

from ._container import Services

__all__ = [
    "DEMO_CHARGE_POINTS",
    "DEMO_CHARGE_POINT_PASSWORD",
    "DEMO_OPERATOR_KEY",
    "DEMO_PARTNER_KEY",
    "HOTEL_PARTNER_KEY",
    "seed_demo",
]

DEMO_PARTNER_KEY = "demo-partner-key"
DEMO_OPERATOR_KEY = "demo-operator-key"
HOTEL_PARTNER_KEY = "demo-hotel-key"
DEMO_CHARGE_POINT_PASSWORD = "demo-charge-point-password"  # noqa: S105 - a well-known demo value
"""The OCPP password of every demo charge point (demo mode only)."""
DEMO_CHARGE_POINTS: dict[str, tuple[str, ...]] = {
    "DEMO-HOTEL-1": ("NL-GFX-EHOTELAMSTEL-1", "NL-GFX-EHOTELAMSTEL-2"),
    "DEMO-HOTEL-2": ("NL-GFX-EHOTELAMSTEL-3", "NL-GFX-EHOTELAMSTEL-4"),
    "DEMO-NL-1": ("NL-GFX-E000001-1", "NL-GFX-E000001-2"),
    "DEMO-NL-2": ("NL-GFX-E000002-1", "NL-GFX-E000002-2"),
    "DEMO-BE-5": ("BE-GFX-E000005-1", "BE-GFX-E000005-2"),
}
"""Demo charge points and their EVSEs in connector order; the demo fleet simulates them."""

_log = logging.getLogger("chargeassist.demo")

SEED_LOCK = "chargeassist.demo-seed"
"""Every process of a demo deployment seeds at start-up; they take turns under this lock (see below)."""


async def seed_demo(services: Services) -> None:
    """Idempotently load the demo data set; the hotel location is restricted to the demo partner and hotel.

    Safe to run from several processes at once: on PostgreSQL they take turns under an advisory lock, and each
    after the first finds the data there and writes the same again. Side by side, each tariff's create-or-replace
    raced another's insert, and the loser died of a unique violation on ``tariffs`` (measured: 2 of 3 runs of six
    processes seeding a fresh store at once), taking its worker's start-up with it."""
    async with advisory_lock(services.db, SEED_LOCK):
        await _seed(services)


async def _seed(services: Services) -> None:
    partner = await services.partners.ensure("Demo App Company", DEMO_PARTNER_KEY, is_operator=False)
    hotel = await services.partners.ensure("Demo Hotel Group", HOTEL_PARTNER_KEY, is_operator=False)
    await services.partners.ensure("Demo Operator", DEMO_OPERATOR_KEY, is_operator=True)
    tariffs = demo_tariffs()
    await services.tariffs.bulk_put(tariffs)
    locations: list[dict[str, Any]] = []
    for location in demo_locations():
        if location["id"] == HOTEL_LOCATION_ID:
            # Closed loop: the hotel's chargers are seen and used through the hotel's app (and, so the
            # walk-through can show it with one key, the demo partner).
            location = {**location, "restricted_to_partners": [hotel.partner_id, partner.partner_id]}
        locations.append(location)
    count = await services.locations.bulk_put(locations)
    for charge_point_id, evse_uids in DEMO_CHARGE_POINTS.items():
        await services.charge_points.put(charge_point_id, DEMO_CHARGE_POINT_PASSWORD, evse_uids)
    _log.info("demo data: %d locations, %d tariffs, %d charge points", count, len(tariffs), len(DEMO_CHARGE_POINTS))
