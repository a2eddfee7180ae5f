"""Decimal arithmetic settings and the rounding rules for money.

Two roundings exist and each happens exactly once, on a full-precision value:

- OCPI totals (``CdrTotals``) and the rounded breakdown columns: 4 decimals, ROUND_HALF_UP.
- The amount actually charged: the exact session total rounded ROUND_HALF_UP to the ISO 4217 minor unit
  of the currency (2 decimals unless listed in ``_MINOR_UNITS``).

The charged amount is rounded from the exact total, not from the 4-decimal figure, so that it never
suffers double rounding (0.00495 is 0.00, although its 4-decimal form 0.0050 would round to 0.01).
"""

from __future__ import annotations

from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)

__all__ = ["MONEY_CONTEXT", "minor_unit", "quantize_ocpi", "round_to_minor_unit"]

# 50 digits leave any realistic price * volume product exact; the traps turn silent NaN/inf into errors.
MONEY_CONTEXT = Context(prec=50, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow])

_OCPI_STEP = Decimal("0.0001")

# ISO 4217 currencies whose minor unit is not 2 decimals.
_MINOR_UNITS: dict[str, int] = {
    "BHD": 3,
    "BIF": 0,
    "CLF": 4,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "IQD": 3,
    "ISK": 0,
    "JOD": 3,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "PYG": 0,
    "RWF": 0,
    "TND": 3,
    "UGX": 0,
    "UYI": 0,
    "UYW": 4,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
}

_STEPS = {digits: Decimal(1).scaleb(-digits) for digits in range(5)}


def minor_unit(currency: str) -> int:
    """Number of decimals of the currency's minor unit (ISO 4217), 2 for codes not listed as different."""
    return _MINOR_UNITS.get(currency.upper(), 2)


def round_to_minor_unit(amount: Decimal, currency: str) -> Decimal:
    """Round an exact amount once, ROUND_HALF_UP, to the currency's minor unit."""
    return amount.quantize(_STEPS[minor_unit(currency)], rounding=ROUND_HALF_UP, context=MONEY_CONTEXT)


def quantize_ocpi(value: Decimal) -> Decimal:
    """Round to the 4 decimals OCPI uses for numbers, ROUND_HALF_UP."""
    return value.quantize(_OCPI_STEP, rounding=ROUND_HALF_UP, context=MONEY_CONTEXT)
