"""Receipt arithmetic: a priced session as invoice lines that add up exactly in the currency's minor unit.

An EU invoice shows, per line and in total, a net amount, the VAT on it and the gross amount, and each
must be an amount of money (whole cents for EUR) with ``net + vat == gross`` exactly. The tariff engine
prices with full precision; this module turns its lines into such amounts:

- One receipt line per priced dimension and price: the tariff engine's lines of one dimension (ENERGY,
  TIME, PARKING_TIME, FLAT, RESERVATION_TIME, RESERVATION_FLAT) at one unit price and VAT rate are added
  up into one line, so a session under one price per dimension has one line per dimension and a
  time-of-day tariff one line per price it used.
- ``min_price``/``max_price`` appear as MIN_PRICE/MAX_PRICE adjustment lines (quantity 1, the adjustment
  as unit price, negative for MAX_PRICE). Their VAT is what the tariff engine makes it (a limit without
  ``incl_vat`` moves both amounts alike, so its VAT is 0); their rate is the rate that VAT is of the
  adjustment when it is one of the session's rates (or 0), and None (a mixed adjustment) otherwise.
- The gross total is the amount charged (the session's ``amount_due_incl_vat``); the VAT total is the
  session's exact VAT rounded once, ROUND_HALF_UP; the net total is the difference, so a rounding
  difference lands in the net amount, never in the VAT or the amount charged.
- Line amounts are shared out of those totals by largest remainder: each line gets its exact gross (and
  VAT) rounded down to the minor unit, and the units still missing go one each to the lines with the
  largest remainders (ties: the earlier line). A line's net is its gross minus its VAT. So the lines add
  up to the totals exactly and no line is off its exact amount by a whole unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal, localcontext

import msgspec

from chargeassist.domain.tariffs import PricedSession, minor_unit, round_to_minor_unit
from chargeassist.domain.tariffs._money import MONEY_CONTEXT, quantize_ocpi

__all__ = [
    "PricedLine",
    "ReceiptAmounts",
    "ReceiptLine",
    "ReceiptTotals",
    "VatAmount",
    "priced_lines",
    "receipt_amounts",
    "session_amounts",
]

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_ADJUSTMENTS = frozenset({"MIN_PRICE", "MAX_PRICE"})
_UNITS = {
    "ENERGY": "kWh",
    "TIME": "h",
    "PARKING_TIME": "h",
    "RESERVATION_TIME": "h",
}
# A rate of a mixed adjustment is shown to this many decimals at most before it counts as "not a rate".
_RATE_STEP = Decimal("0.01")


class PricedLine(msgspec.Struct, frozen=True, kw_only=True):
    """One line as the tariff engine priced it: ``vat`` is the percentage (None: no VAT), costs unrounded
    or to 4 decimals, as they were kept."""

    dimension: str
    quantity: Decimal
    unit_price: Decimal
    vat: Decimal | None
    cost_excl_vat: Decimal
    cost_incl_vat: Decimal


class ReceiptLine(msgspec.Struct, frozen=True, kw_only=True):
    """One invoice line; ``net``, ``vat`` and ``gross`` are in the currency's minor unit and add up."""

    dimension: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    net: Decimal
    vat_rate: Decimal | None
    vat: Decimal
    gross: Decimal


class VatAmount(msgspec.Struct, frozen=True, kw_only=True):
    """The lines at one VAT rate, added up."""

    rate: Decimal | None
    net: Decimal
    vat: Decimal
    gross: Decimal


class ReceiptTotals(msgspec.Struct, frozen=True, kw_only=True):
    """The sums of the lines; ``vat_by_rate`` has one entry per rate the lines carry."""

    net: Decimal
    vat: Decimal
    gross: Decimal
    currency: str
    vat_by_rate: tuple[VatAmount, ...]


class ReceiptAmounts(msgspec.Struct, frozen=True, kw_only=True):
    """The lines and totals of a receipt."""

    lines: tuple[ReceiptLine, ...]
    totals: ReceiptTotals


def priced_lines(priced: PricedSession) -> list[PricedLine]:
    """The tariff engine's breakdown, with its unrounded costs."""
    return [
        PricedLine(
            dimension=line.dimension,
            quantity=line.quantity,
            unit_price=line.unit_price,
            vat=line.vat,
            cost_excl_vat=line.cost_excl_vat,
            cost_incl_vat=line.cost_incl_vat,
        )
        for line in priced.breakdown
    ]


def session_amounts(priced: PricedSession) -> ReceiptAmounts:
    """The receipt amounts of a priced session: the gross total is the amount it charges."""
    return receipt_amounts(priced_lines(priced), currency=priced.currency, gross=priced.amount_due_incl_vat)


class _Group:
    __slots__ = ("dimension", "excl", "incl", "quantity", "unit_price", "vat")

    def __init__(self, line: PricedLine) -> None:
        self.dimension = line.dimension
        self.unit_price = line.unit_price
        self.vat = line.vat
        self.quantity = _ZERO
        self.excl = _ZERO
        self.incl = _ZERO


def receipt_amounts(
    lines: Sequence[PricedLine], *, currency: str, gross: Decimal, vat: Decimal | None = None
) -> ReceiptAmounts:
    """Receipt lines and totals whose gross total is ``gross`` (the amount charged).

    ``vat`` is the VAT total to show; by default the lines' exact VAT rounded once to the minor unit (give
    it to rebuild a receipt whose totals were fixed before, from lines kept to 4 decimals). Raises
    ValueError when ``gross`` or ``vat`` is not an amount of the currency's minor unit.
    """
    step = Decimal(1).scaleb(-minor_unit(currency))
    with localcontext(MONEY_CONTEXT):
        groups: dict[tuple[str, Decimal, Decimal | None], _Group] = {}
        for line in lines:
            key = (line.dimension, line.unit_price, line.vat)
            group = groups.get(key)
            if group is None:
                group = groups[key] = _Group(line)
            group.quantity += line.quantity
            group.excl += line.cost_excl_vat
            group.incl += line.cost_incl_vat
        # A dimension priced at nothing (no energy drawn) keeps its line: the receipt says what was priced.
        kept = list(groups.values())
        if not kept and gross != 0:
            raise ValueError("a receipt without lines cannot have a gross amount")
        exact_vat = [g.incl - g.excl for g in kept]
        vat_total = round_to_minor_unit(sum(exact_vat, _ZERO), currency) if vat is None else vat
        grosses = _allocate([g.incl for g in kept], _units(gross, step, "gross"), step)
        vats = _allocate(exact_vat, _units(vat_total, step, "vat"), step)
        rates = {_rate(g.vat) for g in kept if g.dimension not in _ADJUSTMENTS}
        receipt_lines = tuple(
            ReceiptLine(
                dimension=g.dimension,
                quantity=quantize_ocpi(g.quantity),
                unit=_UNITS.get(g.dimension, "each"),
                unit_price=g.excl if g.dimension in _ADJUSTMENTS else g.unit_price,
                net=line_gross - line_vat,
                vat_rate=_adjustment_rate(g, rates) if g.dimension in _ADJUSTMENTS else _rate(g.vat),
                vat=line_vat,
                gross=line_gross,
            )
            for g, line_gross, line_vat in zip(kept, grosses, vats, strict=True)
        )
        by_rate: dict[Decimal | None, list[Decimal]] = {}
        for shown in receipt_lines:
            sums = by_rate.setdefault(shown.vat_rate, [_ZERO, _ZERO, _ZERO])
            sums[0] += shown.net
            sums[1] += shown.vat
            sums[2] += shown.gross
        zero = _ZERO.quantize(step)
        totals = ReceiptTotals(
            net=(gross - vat_total).quantize(step),
            vat=vat_total.quantize(step),
            gross=gross.quantize(step),
            currency=currency,
            vat_by_rate=tuple(
                VatAmount(rate=rate, net=net + zero, vat=amount + zero, gross=total + zero)
                for rate, (net, amount, total) in by_rate.items()
            ),
        )
    return ReceiptAmounts(lines=receipt_lines, totals=totals)


def _units(amount: Decimal, step: Decimal, name: str) -> int:
    units = amount / step
    if units != units.to_integral_value():
        raise ValueError(f"{name} {amount} is not a whole amount of the currency's minor unit {step}")
    return int(units)


def _allocate(exact: list[Decimal], target_units: int, step: Decimal) -> list[Decimal]:
    """Whole minor units, one per exact amount, adding up to ``target_units``: largest remainder first."""
    if not exact:
        return []
    scaled = [value / step for value in exact]
    floors = [int(value.to_integral_value(rounding=ROUND_FLOOR)) for value in scaled]
    order = sorted(range(len(exact)), key=lambda i: (-(scaled[i] - floors[i]), i))
    rest = target_units - sum(floors)
    # More units to share than lines only happens when the target was fixed from other figures than these
    # lines (lines kept to 4 decimals); every line then takes its share and the remainder goes as usual.
    whole, extra = divmod(abs(rest), len(exact))
    sign = 1 if rest >= 0 else -1
    units = [f + sign * whole for f in floors]
    chosen = order[:extra] if rest >= 0 else order[len(order) - extra :]
    for index in chosen:
        units[index] += sign
    return [Decimal(u) * step for u in units]


def _rate(vat: Decimal | None) -> Decimal:
    return _ZERO if vat is None else vat


def _adjustment_rate(group: _Group, rates: set[Decimal]) -> Decimal | None:
    vat = group.incl - group.excl
    if vat == 0:
        return _ZERO
    if group.excl == 0:
        return None
    implied = vat * _HUNDRED / group.excl
    for rate in rates:
        # Costs kept to 4 decimals make the implied rate approximate; a rate within half a hundredth counts.
        if abs(implied - rate) < _RATE_STEP / 2:
            return rate
    return None
