"""Demo data: locations, tariffs, a closed-loop hotel and the two well-known demo keys (demo mode only)."""

from __future__ import annotations

import logging
from typing import Any

from chargeassist.demo import HOTEL_LOCATION_ID, demo_locations, demo_tariffs

from ._container import Services

__all__ = ["DEMO_OPERATOR_KEY", "DEMO_PARTNER_KEY", "HOTEL_PARTNER_KEY", "seed_demo"]

DEMO_PARTNER_KEY = "demo-partner-key"
DEMO_OPERATOR_KEY = "demo-operator-key"
HOTEL_PARTNER_KEY = "demo-hotel-key"

_log = logging.getLogger("chargeassist.demo")


async def seed_demo(services: Services) -> None:
    """Idempotently load the demo data set; the hotel location is restricted to the demo partner and hotel."""
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
    _log.info("demo data: %d locations, %d tariffs", count, len(tariffs))
