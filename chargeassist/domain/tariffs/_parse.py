"""Decoding, validating and encoding OCPI 2.2.1 Tariffs and the CDR parts that pricing reads.

Errors name the offending field as a JSON path (``elements[0].price_components[1].step_size``) and say why.
Unknown fields are ignored, as OCPI asks receivers to do. OCPI timestamps without a zone are UTC.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import msgspec

from .._validation import path_and_reason
from ._models import Cdr, ChargingPeriod, Price, Tariff, TariffRestrictions

__all__ = [
    "CdrValidationError",
    "OcpiValidationError",
    "TariffValidationError",
    "check_tariff",
    "convert_tariff",
    "decode_cdr",
    "decode_tariff",
    "encode_tariff",
]

# Larger figures are not prices or meter readings; refusing them keeps 4-decimal rounding within precision.
_MAX_NUMBER = Decimal(10) ** 12

_TIME_RE = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]")
_DATE_RE = re.compile(r"[12][0-9]{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])")
_CURRENCY_RE = re.compile(r"[A-Z]{3}")
_COUNTRY_RE = re.compile(r"[A-Za-z]{2}")
_PARTY_RE = re.compile(r"[A-Za-z0-9]{3}")
_LANGUAGE_RE = re.compile(r"[A-Za-z]{2}")

_TARIFF_DECODER = msgspec.json.Decoder(Tariff)
_CDR_DECODER = msgspec.json.Decoder(Cdr)
_ENCODER = msgspec.json.Encoder(decimal_format="number")

_E = TypeVar("_E", bound="OcpiValidationError")


class OcpiValidationError(ValueError):
    """An OCPI object that does not hold: ``field`` is a JSON path, ``reason`` says what is wrong."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class TariffValidationError(OcpiValidationError):
    """A Tariff that is malformed or breaks an OCPI rule."""


class CdrValidationError(OcpiValidationError):
    """A CDR (or its charging periods) that cannot be priced."""


def decode_tariff(data: bytes | str) -> Tariff:
    """Decode and validate an OCPI 2.2.1 Tariff from JSON."""
    try:
        tariff = _TARIFF_DECODER.decode(data)
    except msgspec.ValidationError as exc:
        raise _from_msgspec(TariffValidationError, exc) from None
    except msgspec.DecodeError as exc:
        raise TariffValidationError("$", f"malformed JSON: {exc}") from None
    return _finish_tariff(tariff)


def convert_tariff(obj: Mapping[str, Any]) -> Tariff:
    """Validate an OCPI 2.2.1 Tariff given as already-decoded JSON (dicts, lists, numbers, strings)."""
    try:
        tariff = msgspec.convert(obj, Tariff)
    except msgspec.ValidationError as exc:
        raise _from_msgspec(TariffValidationError, exc) from None
    return _finish_tariff(tariff)


def encode_tariff(tariff: Tariff) -> bytes:
    """OCPI JSON of a Tariff: prices as JSON numbers, absent optional fields left out."""
    return _ENCODER.encode(tariff)


def decode_cdr(data: bytes | str) -> Cdr:
    """Decode the pricing-relevant part of an OCPI 2.2.1 CDR and check its charging periods."""
    try:
        cdr = _CDR_DECODER.decode(data)
    except msgspec.ValidationError as exc:
        raise _from_msgspec(CdrValidationError, exc) from None
    except msgspec.DecodeError as exc:
        raise CdrValidationError("$", f"malformed JSON: {exc}") from None
    start = _as_utc(cdr.start_date_time)
    end = _as_utc(cdr.end_date_time)
    if end < start:
        raise CdrValidationError("end_date_time", "must not be before start_date_time")
    if cdr.currency is not None and not _CURRENCY_RE.fullmatch(cdr.currency):
        raise CdrValidationError("currency", "must be a 3-letter ISO 4217 code such as EUR")
    periods: list[ChargingPeriod] = []
    previous = start
    for index, period in enumerate(cdr.charging_periods):
        where = f"charging_periods[{index}]"
        period_start = _as_utc(period.start_date_time)
        if period_start < previous:
            raise CdrValidationError(
                f"{where}.start_date_time", "must not be before the session start or the previous period"
            )
        if period_start > end:
            raise CdrValidationError(f"{where}.start_date_time", "must not be after end_date_time")
        previous = period_start
        for dim_index, dimension in enumerate(period.dimensions):
            volume = dimension.volume
            if not volume.is_finite() or abs(volume) >= _MAX_NUMBER:
                raise CdrValidationError(
                    f"{where}.dimensions[{dim_index}].volume", "must be a finite number of sensible size"
                )
        if period_start is not period.start_date_time:
            period = msgspec.structs.replace(period, start_date_time=period_start)
        periods.append(period)
    return msgspec.structs.replace(cdr, start_date_time=start, end_date_time=end, charging_periods=tuple(periods))


def check_tariff(tariff: Tariff) -> None:
    """Raise TariffValidationError on the first field that breaks an OCPI 2.2.1 rule."""
    if tariff.country_code is not None and not _COUNTRY_RE.fullmatch(tariff.country_code):
        _fail("country_code", "must be an ISO 3166-1 alpha-2 code (2 letters)")
    if tariff.party_id is not None and not _PARTY_RE.fullmatch(tariff.party_id):
        _fail("party_id", "must be 3 letters or digits")
    if not 1 <= len(tariff.id) <= 36:
        _fail("id", "must be 1 to 36 characters long")
    if not _CURRENCY_RE.fullmatch(tariff.currency):
        _fail("currency", "must be a 3-letter ISO 4217 code such as EUR")
    for index, text in enumerate(tariff.tariff_alt_text):
        if not _LANGUAGE_RE.fullmatch(text.language):
            _fail(f"tariff_alt_text[{index}].language", "must be an ISO 639-1 code (2 letters)")
        if len(text.text) > 512:
            _fail(f"tariff_alt_text[{index}].text", "must be at most 512 characters long")
    url = tariff.tariff_alt_url
    if url is not None and (len(url) > 255 or not url.startswith(("http://", "https://"))):
        _fail("tariff_alt_url", "must be an http(s) URL of at most 255 characters")
    _check_price_limit(tariff.min_price, "min_price")
    _check_price_limit(tariff.max_price, "max_price")
    if tariff.min_price is not None and tariff.max_price is not None:
        low, high = tariff.min_price, tariff.max_price
        if low.excl_vat > high.excl_vat:
            _fail("min_price.excl_vat", "must not be greater than max_price.excl_vat")
        if low.incl_vat is not None and high.incl_vat is not None and low.incl_vat > high.incl_vat:
            _fail("min_price.incl_vat", "must not be greater than max_price.incl_vat")
    for name in ("start_date_time", "end_date_time", "last_updated"):
        moment = getattr(tariff, name)
        if moment is not None and moment.tzinfo is None:
            _fail(name, "must carry a time zone (UTC)")
    if (
        tariff.start_date_time is not None
        and tariff.end_date_time is not None
        and tariff.end_date_time < tariff.start_date_time
    ):
        _fail("end_date_time", "must not be before start_date_time")
    if not tariff.elements:
        _fail("elements", "at least one tariff element is required")
    for element_index, element in enumerate(tariff.elements):
        where = f"elements[{element_index}]"
        if not element.price_components:
            _fail(f"{where}.price_components", "at least one price component is required")
        reservation = element.restrictions is not None and element.restrictions.reservation is not None
        for component_index, component in enumerate(element.price_components):
            at = f"{where}.price_components[{component_index}]"
            _check_number(component.price, f"{at}.price")
            if component.vat is not None:
                _check_number(component.vat, f"{at}.vat", maximum=Decimal(100))
            if component.type == "FLAT":
                if component.step_size < 0:
                    _fail(f"{at}.step_size", "must be >= 0")
            elif component.step_size < 1:
                _fail(f"{at}.step_size", "must be >= 1")
            if reservation and component.type not in ("FLAT", "TIME"):
                _fail(f"{at}.type", "a reservation element can only have FLAT and TIME components")
        if element.restrictions is not None:
            _check_restrictions(element.restrictions, f"{where}.restrictions")


def _check_restrictions(restrictions: TariffRestrictions, where: str) -> None:
    for name in ("start_time", "end_time"):
        value = getattr(restrictions, name)
        if value is not None and not _TIME_RE.fullmatch(value):
            _fail(f"{where}.{name}", "must be a 24h time HH:MM with leading zeros")
    dates: dict[str, date] = {}
    for name in ("start_date", "end_date"):
        value = getattr(restrictions, name)
        if value is None:
            continue
        try:
            if not _DATE_RE.fullmatch(value):
                raise ValueError(value)
            dates[name] = date.fromisoformat(value)
        except ValueError:
            _fail(f"{where}.{name}", "must be a date YYYY-MM-DD")
    if len(dates) == 2 and dates["start_date"] > dates["end_date"]:
        _fail(f"{where}.start_date", "must not be after end_date")
    for low_name, high_name in (
        ("min_kwh", "max_kwh"),
        ("min_current", "max_current"),
        ("min_power", "max_power"),
    ):
        low = getattr(restrictions, low_name)
        high = getattr(restrictions, high_name)
        if low is not None:
            _check_number(low, f"{where}.{low_name}")
        if high is not None:
            _check_number(high, f"{where}.{high_name}")
        if low is not None and high is not None and low > high:
            _fail(f"{where}.{low_name}", f"must not be greater than {high_name}")
    low_duration, high_duration = restrictions.min_duration, restrictions.max_duration
    if low_duration is not None and low_duration < 0:
        _fail(f"{where}.min_duration", "must be >= 0")
    if high_duration is not None and high_duration < 0:
        _fail(f"{where}.max_duration", "must be >= 0")
    if low_duration is not None and high_duration is not None and low_duration > high_duration:
        _fail(f"{where}.min_duration", "must not be greater than max_duration")


def _check_price_limit(limit: Price | None, where: str) -> None:
    if limit is None:
        return
    _check_number(limit.excl_vat, f"{where}.excl_vat")
    if limit.incl_vat is not None:
        _check_number(limit.incl_vat, f"{where}.incl_vat")
        if limit.incl_vat < limit.excl_vat:
            _fail(f"{where}.incl_vat", "must not be lower than excl_vat")


def _check_number(value: Decimal, field: str, *, maximum: Decimal = _MAX_NUMBER) -> None:
    if not value.is_finite():
        _fail(field, "must be a finite number")
    if value < 0:
        _fail(field, "must be >= 0")
    if value > maximum:
        _fail(field, f"must be <= {maximum:f}" if maximum < _MAX_NUMBER else "is implausibly large")


def _fail(field: str, reason: str) -> None:
    raise TariffValidationError(field, reason)


def _finish_tariff(tariff: Tariff) -> Tariff:
    changes = {
        name: _as_utc(moment)
        for name in ("start_date_time", "end_date_time", "last_updated")
        if (moment := getattr(tariff, name)) is not None and moment.tzinfo is None
    }
    if changes:
        tariff = msgspec.structs.replace(tariff, **changes)
    check_tariff(tariff)
    return tariff


def _as_utc(moment: datetime) -> datetime:
    # OCPI: "The absence of the timezone designator implies a UTC timestamp."
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _from_msgspec(kind: type[_E], exc: msgspec.ValidationError) -> _E:
    return kind(*path_and_reason(exc))
