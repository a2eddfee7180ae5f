"""Read models of locations in the driver API's wire shape (camelCase, as Charge Assist)."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

import msgspec

from chargeassist.domain.locations import Connector, Evse, Location, connector_kw

__all__ = [
    "BusinessDetailsView",
    "ConnectorView",
    "EvseView",
    "LocationSummary",
    "LocationView",
    "OpeningHoursView",
    "PreAuthAmountView",
    "RegularHoursView",
    "build_location_view",
    "build_summary",
    "is_dc",
]


class LocationSummary(msgspec.Struct, kw_only=True, rename="camel"):
    """A location in search results."""

    id: str
    type: str
    name: str | None
    address: str
    city: str
    postal_code: str | None
    country: str
    lat: float
    lng: float
    con_avail: int
    """Connectors on EVSEs that are AVAILABLE now."""
    con_tot: int
    """All connectors."""
    dp: bool
    """DC fast charging present."""
    rfid: bool
    """A charge card (RFID) can start a session here."""
    max_kw: float
    power_types: list[Literal["AC", "DC"]]
    operator_name: str | None
    restricted_access: bool


class ConnectorView(msgspec.Struct, kw_only=True, rename="camel"):
    """One connector of an EVSE."""

    id: str
    standard: str
    format: str
    power_type: Literal["AC", "DC"]
    ocpi_power_type: str
    kw: float
    voltage: int
    amperage: int
    tariff_id: str | None


class EvseView(msgspec.Struct, kw_only=True, rename="camel"):
    """One EVSE of a location."""

    uid: str
    evse_id: str | None
    status: str
    capabilities: list[str]
    physical_reference: str | None
    floor_level: str | None
    connectors: list[ConnectorView]


class BusinessDetailsView(msgspec.Struct, kw_only=True, rename="camel"):
    """Operator or owner."""

    name: str
    website: str | None = None


class RegularHoursView(msgspec.Struct, kw_only=True, rename="camel"):
    """Opening hours on one weekday (1 = Monday), local time."""

    weekday: int
    period_begin: str
    period_end: str


class OpeningHoursView(msgspec.Struct, kw_only=True, rename="camel"):
    """Opening hours in the location's time zone."""

    twentyfourseven: bool
    regular_hours: list[RegularHoursView] = msgspec.field(default_factory=list)


class PreAuthAmountView(msgspec.Struct, kw_only=True, rename="camel"):
    """The hold a start with a card saved with a payment provider (``PSP``) places, released but for the cost."""

    amount: Decimal
    """In the currency's major unit."""
    currency: str
    is_default: bool
    """True when the location sets none and the service's default applies."""


class LocationView(msgspec.Struct, kw_only=True, rename="camel"):
    """The full location for drivers."""

    id: str
    type: str
    name: str | None
    address: str
    city: str
    postal_code: str | None
    country: str
    lat: float
    lng: float
    time_zone: str
    operator: BusinessDetailsView | None
    owner: BusinessDetailsView | None
    facilities: list[str]
    opening_hours: OpeningHoursView | None
    charging_when_closed: bool | None
    pms: list[str]
    """Payment method types that can pay here (``PSP``: a card saved with Stripe, where Stripe is configured)."""
    pre_auth_amount: PreAuthAmountView | None
    """What a start with a ``PSP`` card holds here; None where no such card can pay."""
    restricted_access: bool
    con_avail: int
    con_tot: int
    evses: list[EvseView]
    last_updated: str | None


def is_dc(connector: Connector) -> bool:
    """Whether the connector delivers DC."""
    return connector.power_type == "DC"


def _connector_view(connector: Connector) -> ConnectorView:
    return ConnectorView(
        id=connector.id,
        standard=connector.standard,
        format=connector.format,
        power_type="DC" if is_dc(connector) else "AC",
        ocpi_power_type=connector.power_type,
        kw=float(connector_kw(connector)),
        voltage=connector.max_voltage,
        amperage=connector.max_amperage,
        tariff_id=connector.tariff_ids[0] if connector.tariff_ids else None,
    )


def _counts(evses: list[Evse]) -> tuple[int, int]:
    available = sum(len(e.connectors) for e in evses if e.status == "AVAILABLE")
    return available, sum(len(e.connectors) for e in evses)


def _accepts_rfid(evses: list[Evse]) -> bool:
    return any("RFID_READER" in (e.capabilities or ()) for e in evses)


def build_summary(location_id: str, location: Location, evses: list[Evse], *, restricted: bool) -> LocationSummary:
    """The search summary of a location whose EVSEs carry their current status."""
    available, total = _counts(evses)
    connectors = [c for e in evses for c in e.connectors]
    power_types: list[Literal["AC", "DC"]] = []
    if any(not is_dc(c) for c in connectors):
        power_types.append("AC")
    if any(is_dc(c) for c in connectors):
        power_types.append("DC")
    max_kw = max((connector_kw(c) for c in connectors), default=Decimal(0))
    return LocationSummary(
        id=location_id,
        type=location.parking_type or "UNKNOWN",
        name=location.name,
        address=location.address,
        city=location.city,
        postal_code=location.postal_code,
        country=location.country,
        lat=float(location.coordinates.latitude),
        lng=float(location.coordinates.longitude),
        con_avail=available,
        con_tot=total,
        dp="DC" in power_types,
        rfid=_accepts_rfid(evses),
        max_kw=float(max_kw),
        power_types=power_types,
        operator_name=location.operator.name if location.operator else None,
        restricted_access=restricted,
    )


def build_location_view(
    location_id: str,
    location: Location,
    evses: list[Evse],
    *,
    restricted: bool,
    pre_auth: PreAuthAmountView | None = None,
) -> LocationView:
    """The full driver-facing location; ``pre_auth`` (the card hold) only where Stripe cards can pay."""
    available, total = _counts(evses)
    hours = location.opening_times
    pms = ["EXTERNAL"] + (["CHARGE_CARD"] if evses else [])
    psp = pre_auth is not None and bool(evses)
    if psp:
        pms.append("PSP")
    return LocationView(
        id=location_id,
        type=location.parking_type or "UNKNOWN",
        name=location.name,
        address=location.address,
        city=location.city,
        postal_code=location.postal_code,
        country=location.country,
        lat=float(location.coordinates.latitude),
        lng=float(location.coordinates.longitude),
        time_zone=location.time_zone,
        operator=BusinessDetailsView(name=location.operator.name, website=location.operator.website)
        if location.operator
        else None,
        owner=BusinessDetailsView(name=location.owner.name, website=location.owner.website) if location.owner else None,
        facilities=list(location.facilities or ()),
        opening_hours=OpeningHoursView(
            twentyfourseven=hours.twentyfourseven,
            regular_hours=[
                RegularHoursView(weekday=h.weekday, period_begin=h.period_begin, period_end=h.period_end)
                for h in hours.regular_hours or ()
            ],
        )
        if hours
        else None,
        charging_when_closed=location.charging_when_closed,
        pms=sorted(pms),
        pre_auth_amount=pre_auth if psp else None,
        restricted_access=restricted,
        con_avail=available,
        con_tot=total,
        evses=[
            EvseView(
                uid=e.uid,
                evse_id=e.evse_id,
                status=e.status,
                capabilities=list(e.capabilities or ()),
                physical_reference=e.physical_reference,
                floor_level=e.floor_level,
                connectors=[_connector_view(c) for c in e.connectors],
            )
            for e in evses
        ],
        last_updated=location.last_updated,
    )
