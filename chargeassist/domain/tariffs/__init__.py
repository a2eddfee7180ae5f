"""OCPI 2.2.1 tariffs: parse and validate Tariffs, build charging periods, price sessions (pure, no I/O).

Rounding: every computation keeps full Decimal precision. OCPI totals are given to 4 decimals
(ROUND_HALF_UP). The amount actually charged (``PricedSession.amount_due``/``amount_due_incl_vat``) is the
exact total rounded once, ROUND_HALF_UP, to the ISO 4217 minor unit of the tariff's currency (2 decimals
for EUR, 0 for JPY, 3 for KWD, ...).

The pricing rules, including the OCPI 2.2.1 bug-fix reading of ``step_size``, are described in
``_pricing`` and ``_rules``; how meter data becomes charging periods in ``_periods``.
"""

from ._estimate import estimate_session
from ._models import (
    Cdr,
    CdrDimension,
    CdrDimensionType,
    CdrLocation,
    CdrTotals,
    ChargingPeriod,
    DayOfWeek,
    DisplayText,
    EnergyMix,
    EnergySource,
    EnvironmentalImpact,
    Price,
    PriceComponent,
    ReservationRestrictionType,
    Tariff,
    TariffDimensionType,
    TariffElement,
    TariffRestrictions,
    TariffType,
)
from ._money import minor_unit, round_to_minor_unit
from ._parse import (
    CdrValidationError,
    OcpiValidationError,
    TariffValidationError,
    check_tariff,
    convert_tariff,
    decode_cdr,
    decode_tariff,
    encode_tariff,
)
from ._periods import MeterSample, build_charging_periods, price_expired_reservation, price_session
from ._pricing import (
    BreakdownDimension,
    BreakdownLine,
    PricedSession,
    TariffNotActiveError,
    price_charging_periods,
)

__all__ = [
    "BreakdownDimension",
    "BreakdownLine",
    "Cdr",
    "CdrDimension",
    "CdrDimensionType",
    "CdrLocation",
    "CdrTotals",
    "CdrValidationError",
    "ChargingPeriod",
    "DayOfWeek",
    "DisplayText",
    "EnergyMix",
    "EnergySource",
    "EnvironmentalImpact",
    "MeterSample",
    "OcpiValidationError",
    "Price",
    "PriceComponent",
    "PricedSession",
    "ReservationRestrictionType",
    "Tariff",
    "TariffDimensionType",
    "TariffElement",
    "TariffNotActiveError",
    "TariffRestrictions",
    "TariffType",
    "TariffValidationError",
    "build_charging_periods",
    "check_tariff",
    "convert_tariff",
    "decode_cdr",
    "decode_tariff",
    "encode_tariff",
    "estimate_session",
    "minor_unit",
    "price_charging_periods",
    "price_expired_reservation",
    "price_session",
    "round_to_minor_unit",
]
