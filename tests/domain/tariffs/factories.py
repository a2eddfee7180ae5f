"""Small builders for tariffs and charging periods written out in tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from chargeassist.domain.tariffs import (
    CdrDimension,
    CdrDimensionType,
    ChargingPeriod,
    PricedSession,
    Tariff,
    convert_tariff,
)

HOUR = Decimal(60)


def utc(text: str) -> datetime:
    """An aware UTC datetime from ``YYYY-MM-DDTHH:MM[:SS]``."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def minutes(count: float) -> Decimal:
    """``count`` minutes in hours, as OCPI time volumes are given."""
    return Decimal(str(count)) / HOUR


def tariff(*elements: dict[str, Any], **fields: Any) -> Tariff:
    """A valid EUR tariff with the given elements (as OCPI JSON objects) and top-level fields."""
    document: dict[str, Any] = {"id": "T1", "currency": "EUR", "elements": list(elements)}
    document.update(fields)
    return convert_tariff(document)


def component(kind: str, price: str, *, vat: str | None = None, step: int = 1) -> dict[str, Any]:
    """An OCPI PriceComponent object."""
    result: dict[str, Any] = {"type": kind, "price": Decimal(price), "step_size": step}
    if vat is not None:
        result["vat"] = Decimal(vat)
    return result


def element(*components: dict[str, Any], **restrictions: Any) -> dict[str, Any]:
    """An OCPI TariffElement object; keyword arguments become its restrictions."""
    result: dict[str, Any] = {"price_components": list(components)}
    if restrictions:
        result["restrictions"] = restrictions
    return result


_DIMENSIONS: dict[str, CdrDimensionType] = {
    "energy": "ENERGY",
    "time": "TIME",
    "parking": "PARKING_TIME",
    "reservation": "RESERVATION_TIME",
    "power": "POWER",
    "current": "CURRENT",
    "max_power": "MAX_POWER",
    "min_power": "MIN_POWER",
    "max_current": "MAX_CURRENT",
    "min_current": "MIN_CURRENT",
}


def period(start: datetime, **volumes: Decimal | int | str) -> ChargingPeriod:
    """A charging period; keywords: energy (kWh), time/parking/reservation (h), power (kW), current (A)."""
    dimensions = tuple(
        CdrDimension(type=_DIMENSIONS[name], volume=Decimal(str(value))) for name, value in volumes.items()
    )
    return ChargingPeriod(start_date_time=start, dimensions=dimensions)


def later(moment: datetime, *, minutes: float = 0, hours: float = 0) -> datetime:
    """``moment`` shifted by the given amount."""
    return moment + timedelta(minutes=minutes, hours=hours)


def exact_total(session: PricedSession) -> tuple[Decimal, Decimal]:
    """Sum of the unrounded breakdown, excl. and incl. VAT."""
    excl = sum((line.cost_excl_vat for line in session.breakdown), Decimal(0))
    incl = sum((line.cost_incl_vat for line in session.breakdown), Decimal(0))
    return excl, incl


def cost(session: PricedSession, field: str = "total_cost") -> tuple[Decimal, Decimal]:
    """A total as (excl, incl) at the 4 decimals of OCPI."""
    price = getattr(session.totals, field)
    return price.excl_vat, price.incl_vat
