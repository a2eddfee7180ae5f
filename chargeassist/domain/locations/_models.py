"""OCPI 2.2.1 Location, EVSE and Connector objects as they travel on the operator API (snake_case)."""

from __future__ import annotations

from typing import Literal

import msgspec

__all__ = [
    "AdditionalGeoLocation",
    "BusinessDetails",
    "Connector",
    "DisplayText",
    "Evse",
    "ExceptionalPeriod",
    "GeoLocation",
    "Hours",
    "Location",
    "RegularHours",
]

EvseStatus = Literal[
    "AVAILABLE",
    "BLOCKED",
    "CHARGING",
    "INOPERATIVE",
    "OUTOFORDER",
    "PLANNED",
    "REMOVED",
    "RESERVED",
    "UNKNOWN",
]
PowerType = Literal["AC_1_PHASE", "AC_2_PHASE", "AC_2_PHASE_SPLIT", "AC_3_PHASE", "DC"]
ConnectorFormat = Literal["SOCKET", "CABLE"]


class DisplayText(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Text in one language."""

    language: str
    text: str


class GeoLocation(msgspec.Struct, kw_only=True):
    """WGS 84 coordinates as OCPI strings, e.g. ``"52.370216"``."""

    latitude: str
    longitude: str


class AdditionalGeoLocation(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A further point of interest of a location, such as an entrance."""

    latitude: str
    longitude: str
    name: DisplayText | None = None


class BusinessDetails(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Operator, suboperator or owner."""

    name: str
    website: str | None = None
    logo: dict[str, object] | None = None


class RegularHours(msgspec.Struct, kw_only=True):
    """Opening hours on one weekday (1 = Monday) in the location's local time."""

    weekday: int
    period_begin: str
    period_end: str


class ExceptionalPeriod(msgspec.Struct, kw_only=True):
    """A period of exceptional opening or closing."""

    period_begin: str
    period_end: str


class Hours(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Opening times: either 24/7 or regular hours."""

    twentyfourseven: bool
    regular_hours: list[RegularHours] | None = None
    exceptional_openings: list[ExceptionalPeriod] | None = None
    exceptional_closings: list[ExceptionalPeriod] | None = None


class Connector(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One socket or cable of an EVSE."""

    id: str
    standard: str
    format: ConnectorFormat
    power_type: PowerType
    max_voltage: int
    max_amperage: int
    max_electric_power: int | None = None
    tariff_ids: list[str] | None = None
    terms_and_conditions: str | None = None
    last_updated: str | None = None


class Evse(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One EVSE: the part of a charge point that charges one car at a time."""

    uid: str
    status: EvseStatus
    connectors: list[Connector]
    evse_id: str | None = None
    status_schedule: list[dict[str, object]] | None = None
    capabilities: list[str] | None = None
    floor_level: str | None = None
    coordinates: GeoLocation | None = None
    physical_reference: str | None = None
    directions: list[DisplayText] | None = None
    parking_restrictions: list[str] | None = None
    images: list[dict[str, object]] | None = None
    last_updated: str | None = None


class Location(msgspec.Struct, kw_only=True, omit_defaults=True):
    """An OCPI 2.2.1 Location. Unknown extra fields are tolerated and dropped."""

    country_code: str
    party_id: str
    id: str
    publish: bool
    address: str
    city: str
    country: str
    coordinates: GeoLocation
    time_zone: str
    name: str | None = None
    postal_code: str | None = None
    state: str | None = None
    parking_type: str | None = None
    evses: list[Evse] | None = None
    related_locations: list[AdditionalGeoLocation] | None = None
    directions: list[DisplayText] | None = None
    operator: BusinessDetails | None = None
    suboperator: BusinessDetails | None = None
    owner: BusinessDetails | None = None
    facilities: list[str] | None = None
    opening_times: Hours | None = None
    charging_when_closed: bool | None = None
    images: list[dict[str, object]] | None = None
    energy_mix: dict[str, object] | None = None
    publish_allowed_to: list[dict[str, object]] | None = None
    last_updated: str | None = None
