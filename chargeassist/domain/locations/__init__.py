"""OCPI 2.2.1 locations: wire structs and their validation (pure, no I/O)."""

from ._models import (
    AdditionalGeoLocation,
    BusinessDetails,
    Connector,
    DisplayText,
    Evse,
    ExceptionalPeriod,
    GeoLocation,
    Hours,
    Location,
    RegularHours,
)
from ._validate import (
    LocationValidationError,
    check_location,
    connector_kw,
    convert_location,
    is_valid_location_key,
    location_key,
    parse_coordinate,
)

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
    "LocationValidationError",
    "RegularHours",
    "check_location",
    "connector_kw",
    "convert_location",
    "is_valid_location_key",
    "location_key",
    "parse_coordinate",
]
