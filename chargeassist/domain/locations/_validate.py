"""Decoding and semantic checks of OCPI Locations; errors name the field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from .._validation import path_and_reason
from ._models import Connector, Evse, Location

__all__ = ["LocationValidationError", "connector_kw", "convert_location", "location_key", "parse_coordinate"]

_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
_PARTY_ID = re.compile(r"^[A-Z0-9]{3}$")
_LOCATION_KEY = re.compile(r"^[a-z]{2}-[a-z0-9]{3}-[a-z0-9._-]{1,36}$")
# Beyond any charger built (megawatt charging is 1,250 V and 3,000 A): figures that large are typing errors, and
# they reach the power arithmetic of search and pricing.
MAX_VOLTAGE = 5_000
MAX_AMPERAGE = 5_000
MAX_ELECTRIC_POWER_W = 10_000_000


class LocationValidationError(ValueError):
    """An OCPI Location that cannot be stored; ``field`` is a JSON path, ``reason`` says why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def parse_coordinate(value: str, *, low: Decimal, high: Decimal) -> float:
    """An OCPI coordinate string as a float within ``[low, high]``; ValueError otherwise."""
    try:
        number = Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f"not a decimal number: {value!r}") from exc
    if not number.is_finite() or not low <= number <= high:
        raise ValueError(f"must be between {low} and {high}")
    return float(number)


def location_key(country_code: str, party_id: str, location_id: str) -> str:
    """The service's location id: ``{country}-{party}-{id}`` lowercased, unless the id already carries it."""
    prefix = f"{country_code}-{party_id}-".lower()
    lowered = location_id.lower()
    return lowered if lowered.startswith(prefix) else prefix + lowered


def is_valid_location_key(key: str) -> bool:
    """Whether ``key`` has the ``{country}-{party}-{id}`` lowercase shape."""
    return bool(_LOCATION_KEY.fullmatch(key))


def connector_kw(connector: Connector) -> Decimal:
    """The connector's maximum power in kW; derived from voltage and amperage when OCPI leaves it out."""
    if connector.max_electric_power is not None:
        return Decimal(connector.max_electric_power) / 1000
    if connector.power_type == "AC_3_PHASE":
        # OCPI gives line-to-neutral voltage (230 V x 16 A x 3 = 11 kW); a figure of 380 V or more is
        # line-to-line, which needs sqrt(3) instead of 3.
        factor = Decimal("1.7320508") if connector.max_voltage >= 380 else Decimal(3)
    else:
        factor = Decimal(1)
    watts = Decimal(connector.max_voltage) * connector.max_amperage * factor
    return (watts / 1000).quantize(Decimal("0.1"))


def _check_evse(index: int, evse: Evse, seen_uids: set[str]) -> None:
    where = f"evses[{index}]"
    if not evse.uid or len(evse.uid) > 36:
        raise LocationValidationError(f"{where}.uid", "must be 1 to 36 characters")
    if evse.uid in seen_uids:
        raise LocationValidationError(f"{where}.uid", f"duplicate EVSE uid {evse.uid!r}")
    seen_uids.add(evse.uid)
    if evse.evse_id is not None and len(evse.evse_id) > 48:
        raise LocationValidationError(f"{where}.evse_id", "must be at most 48 characters")
    if not evse.connectors:
        raise LocationValidationError(f"{where}.connectors", "an EVSE needs at least one connector")
    connector_ids: set[str] = set()
    for c_index, connector in enumerate(evse.connectors):
        c_where = f"{where}.connectors[{c_index}]"
        if not connector.id:
            raise LocationValidationError(f"{c_where}.id", "must not be empty")
        if connector.id in connector_ids:
            raise LocationValidationError(f"{c_where}.id", f"duplicate connector id {connector.id!r}")
        connector_ids.add(connector.id)
        _check_bounded(f"{c_where}.max_voltage", connector.max_voltage, MAX_VOLTAGE)
        _check_bounded(f"{c_where}.max_amperage", connector.max_amperage, MAX_AMPERAGE)
        if connector.max_electric_power is not None:
            _check_bounded(f"{c_where}.max_electric_power", connector.max_electric_power, MAX_ELECTRIC_POWER_W)
    if evse.coordinates is not None:
        _check_coordinates(f"{where}.coordinates", evse.coordinates.latitude, evse.coordinates.longitude)


def _check_bounded(where: str, value: int, highest: int) -> None:
    if value <= 0:
        raise LocationValidationError(where, "must be positive")
    if value > highest:
        raise LocationValidationError(where, f"must be at most {highest}")


def _check_coordinates(where: str, latitude: str, longitude: str) -> tuple[float, float]:
    try:
        lat = parse_coordinate(latitude, low=Decimal(-90), high=Decimal(90))
    except ValueError as exc:
        raise LocationValidationError(f"{where}.latitude", str(exc)) from exc
    try:
        lng = parse_coordinate(longitude, low=Decimal(-180), high=Decimal(180))
    except ValueError as exc:
        raise LocationValidationError(f"{where}.longitude", str(exc)) from exc
    return lat, lng


def check_location(location: Location) -> None:
    """Semantic checks msgspec's types cannot express."""
    if not _COUNTRY_CODE.fullmatch(location.country_code):
        raise LocationValidationError("country_code", "must be two upper-case letters (ISO 3166-1 alpha-2)")
    if not _PARTY_ID.fullmatch(location.party_id):
        raise LocationValidationError("party_id", "must be three upper-case letters or digits")
    if not location.id or len(location.id) > 36:
        raise LocationValidationError("id", "must be 1 to 36 characters")
    if not re.fullmatch(r"[A-Z]{3}", location.country):
        raise LocationValidationError("country", "must be three upper-case letters (ISO 3166-1 alpha-3)")
    _check_coordinates("coordinates", location.coordinates.latitude, location.coordinates.longitude)
    try:
        ZoneInfo(location.time_zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise LocationValidationError("time_zone", f"unknown IANA time zone {location.time_zone!r}") from exc
    for index, hours in enumerate((location.opening_times.regular_hours or ()) if location.opening_times else ()):
        if not 1 <= hours.weekday <= 7:
            raise LocationValidationError(
                f"opening_times.regular_hours[{index}].weekday", "must be 1 (Monday) to 7 (Sunday)"
            )
    seen: set[str] = set()
    for index, evse in enumerate(location.evses or ()):
        _check_evse(index, evse, seen)


def convert_location(obj: Mapping[str, Any]) -> Location:
    """Decode and check an OCPI Location given as parsed JSON."""
    try:
        location = msgspec.convert(obj, Location)
    except msgspec.ValidationError as exc:
        field, reason = path_and_reason(exc)
        raise LocationValidationError(field, reason) from exc
    check_location(location)
    return location
