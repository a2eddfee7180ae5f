"""OCPI 2.2.1 Tariff objects and the parts of a CDR that pricing reads or writes (snake_case, as on the wire).

Sequences are tuples and the structs are frozen, so a Tariff is hashable and its compiled form can be cached.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

import msgspec

__all__ = [
    "Cdr",
    "CdrDimension",
    "CdrDimensionType",
    "CdrLocation",
    "CdrTotals",
    "ChargingPeriod",
    "DayOfWeek",
    "DisplayText",
    "EnergyMix",
    "EnergySource",
    "EnvironmentalImpact",
    "Price",
    "PriceComponent",
    "ReservationRestrictionType",
    "Tariff",
    "TariffDimensionType",
    "TariffElement",
    "TariffRestrictions",
    "TariffType",
]

TariffDimensionType = Literal["ENERGY", "FLAT", "PARKING_TIME", "TIME"]
TariffType = Literal["AD_HOC_PAYMENT", "PROFILE_CHEAP", "PROFILE_FAST", "PROFILE_GREEN", "REGULAR"]
DayOfWeek = Literal["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]
ReservationRestrictionType = Literal["RESERVATION", "RESERVATION_EXPIRES"]
CdrDimensionType = Literal[
    "CURRENT",
    "ENERGY",
    "ENERGY_EXPORT",
    "ENERGY_IMPORT",
    "MAX_CURRENT",
    "MIN_CURRENT",
    "MAX_POWER",
    "MIN_POWER",
    "PARKING_TIME",
    "POWER",
    "RESERVATION_TIME",
    "STATE_OF_CHARGE",
    "TIME",
]


class Price(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """An amount of money excluding and including VAT.

    OCPI 2.2.1 makes ``incl_vat`` optional in a Tariff's ``min_price``/``max_price``; every total this
    package computes carries both.
    """

    excl_vat: Decimal
    incl_vat: Decimal | None = None


class DisplayText(msgspec.Struct, frozen=True, kw_only=True):
    """Text in one language (ISO 639-1 code)."""

    language: str
    text: str


class EnergySource(msgspec.Struct, frozen=True, kw_only=True):
    """Share of one kind of source in the energy mix."""

    source: str
    percentage: Decimal


class EnvironmentalImpact(msgspec.Struct, frozen=True, kw_only=True):
    """Emission or waste per kWh."""

    category: str
    amount: Decimal


class EnergyMix(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Energy supplied with a tariff; carried along, never used for pricing."""

    is_green_energy: bool | None = None
    energy_sources: tuple[EnergySource, ...] = ()
    environ_impact: tuple[EnvironmentalImpact, ...] = ()
    supplier_name: str | None = None
    energy_product_name: str | None = None


class PriceComponent(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Price per unit of one dimension: per kWh, per hour, or once (FLAT).

    ``step_size`` is in Wh for ENERGY and in seconds for TIME and PARKING_TIME; FLAT ignores it.
    """

    type: TariffDimensionType
    price: Decimal
    vat: Decimal | None = None
    step_size: int


class TariffRestrictions(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Conditions under which a tariff element is active; all of the given ones must hold."""

    start_time: str | None = None
    end_time: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    min_kwh: Decimal | None = None
    max_kwh: Decimal | None = None
    min_current: Decimal | None = None
    max_current: Decimal | None = None
    min_power: Decimal | None = None
    max_power: Decimal | None = None
    min_duration: int | None = None
    max_duration: int | None = None
    day_of_week: tuple[DayOfWeek, ...] = ()
    reservation: ReservationRestrictionType | None = None


class TariffElement(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Price components that share one set of restrictions."""

    price_components: tuple[PriceComponent, ...]
    restrictions: TariffRestrictions | None = None


class Tariff(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """An OCPI 2.2.1 Tariff.

    ``country_code``, ``party_id`` and ``last_updated`` are required on the OCPI wire but are often
    left out of stored or example tariffs (the receiver knows them from the URL); they are checked when
    present and tolerated when absent.
    """

    country_code: str | None = None
    party_id: str | None = None
    id: str
    currency: str
    type: TariffType | None = None
    tariff_alt_text: tuple[DisplayText, ...] = ()
    tariff_alt_url: str | None = None
    min_price: Price | None = None
    max_price: Price | None = None
    elements: tuple[TariffElement, ...]
    energy_mix: EnergyMix | None = None
    start_date_time: datetime | None = None
    end_date_time: datetime | None = None
    last_updated: datetime | None = None


class CdrDimension(msgspec.Struct, frozen=True, kw_only=True):
    """One measured quantity of a charging period: kWh, hours, kW, A or % depending on ``type``."""

    type: CdrDimensionType
    volume: Decimal


class ChargingPeriod(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A stretch of a session from ``start_date_time`` until the next period starts (or the session ends)."""

    start_date_time: datetime
    dimensions: tuple[CdrDimension, ...]
    tariff_id: str | None = None


class CdrTotals(msgspec.Struct, frozen=True, kw_only=True):
    """The ``total_*`` fields of an OCPI CDR; quantities in kWh and hours, all given to 4 decimals."""

    total_cost: Price
    total_fixed_cost: Price
    total_energy: Decimal
    total_energy_cost: Price
    total_time: Decimal
    total_time_cost: Price
    total_parking_time: Decimal
    total_parking_cost: Price
    total_reservation_cost: Price


class CdrLocation(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """The part of a CDR location pricing can use; a ``time_zone`` is not OCPI but is honoured if present."""

    country: str | None = None
    time_zone: str | None = None


class Cdr(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """The parts of an OCPI CDR that pricing reads, plus its stated totals (to compare against)."""

    start_date_time: datetime
    end_date_time: datetime
    currency: str | None = None
    cdr_location: CdrLocation | None = None
    charging_periods: tuple[ChargingPeriod, ...] = ()
    total_cost: Price | None = None
    total_fixed_cost: Price | None = None
    total_energy: Decimal | None = None
    total_energy_cost: Price | None = None
    total_time: Decimal | None = None
    total_time_cost: Price | None = None
    total_parking_time: Decimal | None = None
    total_parking_cost: Price | None = None
    total_reservation_cost: Price | None = None
