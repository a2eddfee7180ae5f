"""Pricing OCPI charging periods with a Tariff into CDR totals and a receipt-style breakdown.

Rules (OCPI 2.2.1 with the published bug fixes of the CDR and Tariffs modules):

- Each period is priced with the components active at its start (see ``_rules``). ENERGY is charged per
  kWh of the ENERGY dimension, TIME per hour of the TIME dimension, PARKING_TIME per hour of the
  PARKING_TIME dimension.
- FLAT is charged once per session: the first period (in time order) in which a FLAT component is active
  decides which one. A session that is only an expired reservation has no FLAT fee.
- ``step_size`` is applied once per session to the ENERGY total, and once to the time-based dimensions:
  the dimension (TIME or PARKING_TIME) of the last priced time-based period is rounded up, as a total of
  that dimension, so charging time followed by parking time is billed exactly and only the parking is
  rounded up. The step size is that of the last component used; the extra is billed at the price (and
  VAT) of that last period. Reservation time is rounded the same way, on its own.
- Reservations: periods carrying a RESERVATION_TIME dimension (which must come first and carry no energy,
  time or parking) are priced by elements with a ``reservation`` restriction: their TIME component per
  hour of reservation and their FLAT component once; all of it is ``total_reservation_cost``.
- ``min_price``/``max_price`` bound ``total_cost`` excl. and incl. VAT separately (``max_price`` first,
  then ``min_price``). A limit without ``incl_vat`` bounds excl. VAT only, and incl. VAT moves by the
  same amount, so the session's VAT stays what its components make it (this keeps cost monotonic and
  incl. VAT >= excl. VAT). ``min_price`` applies only when a charging session took place. Each difference
  appears as a MIN_PRICE/MAX_PRICE line of the breakdown.
- A missing ``vat`` means no VAT applies: incl. VAT equals excl. VAT.
- Power and current restrictions read the period's POWER (else MAX_POWER, else MIN_POWER; else its ENERGY
  over its duration) and CURRENT (else MAX_CURRENT, else MIN_CURRENT); a period that is only
  PARKING_TIME draws 0 kW and 0 A.
- Durations count from the start of the charging session (the first non-reservation period of a session
  that began with a reservation, the session start otherwise).

Intermediate values keep full precision; see ``_money`` for the two roundings.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, Decimal, localcontext
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from ._models import CdrTotals, ChargingPeriod, Price, Tariff
from ._money import MONEY_CONTEXT, quantize_ocpi, round_to_minor_unit
from ._parse import CdrValidationError
from ._rules import CompiledComponent, CompiledTariff, ReservationMode, SessionState, compile_tariff

__all__ = [
    "BreakdownDimension",
    "BreakdownLine",
    "PeriodData",
    "PricedSession",
    "TariffNotActiveError",
    "price_charging_periods",
    "require_aware",
    "resolve_time_zone",
    "state_of",
]

BreakdownDimension = Literal[
    "FLAT", "ENERGY", "TIME", "PARKING_TIME", "RESERVATION_FLAT", "RESERVATION_TIME", "MIN_PRICE", "MAX_PRICE"
]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_WH_PER_KWH = Decimal(1000)
_SECONDS_PER_HOUR = Decimal(3600)
_MICROSECONDS_PER_HOUR = Decimal(3_600_000_000)
_ONE_MICROSECOND = timedelta(microseconds=1)
# Volumes in hours cannot represent every second exactly; step rounding looks at whole microseconds
# (and micro-watt-hours) so that 0.1666..67 h is 600 s and not "a bit over 600 s".
_BASE_RESOLUTION = Decimal("0.000001")


class TariffNotActiveError(ValueError):
    """The session started outside the tariff's ``start_date_time``..``end_date_time``."""


class BreakdownLine(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One line of a receipt.

    ``quantity`` is what is billed (kWh, hours, or 1 for a fee) and includes any ``step_size`` rounding;
    ``consumed_quantity`` is what was measured. Costs come unrounded and rounded to 4 decimals.
    """

    dimension: BreakdownDimension
    period_index: int | None = None
    start_date_time: datetime | None = None
    quantity: Decimal
    consumed_quantity: Decimal
    unit_price: Decimal
    vat: Decimal | None = None
    cost_excl_vat: Decimal
    cost_excl_vat_rounded: Decimal
    cost_incl_vat: Decimal
    cost_incl_vat_rounded: Decimal
    element_index: int | None = None
    component_index: int | None = None


class PricedSession(msgspec.Struct, frozen=True, kw_only=True):
    """The price of a session: OCPI totals, the receipt lines, and the amounts to charge.

    ``amount_due``/``amount_due_incl_vat`` are the exact totals rounded ROUND_HALF_UP to the minor unit
    of ``currency``; ``breakdown`` sums (unrounded) to the totals.
    """

    currency: str
    session_start: datetime
    session_end: datetime
    totals: CdrTotals
    breakdown: tuple[BreakdownLine, ...]
    charging_periods: tuple[ChargingPeriod, ...]
    amount_due: Decimal
    amount_due_incl_vat: Decimal


# Where each dimension type lands in PeriodData; the first four are volumes that add up.
_SLOTS = {
    "ENERGY": 0,
    "TIME": 1,
    "PARKING_TIME": 2,
    "RESERVATION_TIME": 3,
    "POWER": 4,
    "MAX_POWER": 5,
    "MIN_POWER": 6,
    "CURRENT": 7,
    "MAX_CURRENT": 8,
    "MIN_CURRENT": 9,
}
_VOLUME_SLOTS = 4


class PeriodData:
    """The figures of one charging period that pricing reads, checked."""

    __slots__ = ("current", "energy", "parking", "power", "reservation", "start", "time")

    def __init__(self, period: ChargingPeriod, index: int) -> None:
        self.start = period.start_date_time
        if self.start.tzinfo is None:
            raise CdrValidationError(f"charging_periods[{index}].start_date_time", "must be timezone-aware (UTC)")
        values: list[Decimal | None] = [None] * len(_SLOTS)
        for dim_index, dimension in enumerate(period.dimensions):
            slot = _SLOTS.get(dimension.type)
            if slot is None:
                continue
            volume = dimension.volume
            if not volume.is_finite() or (slot < _VOLUME_SLOTS and volume < 0):
                raise CdrValidationError(
                    f"charging_periods[{index}].dimensions[{dim_index}].volume",
                    "must be a finite number" if not volume.is_finite() else "must not be negative",
                )
            previous = values[slot]
            values[slot] = volume if previous is None or slot >= _VOLUME_SLOTS else previous + volume
        energy, time, parking, reservation, power, max_power, min_power, current, max_current, min_current = values
        if reservation is not None and (energy is not None or time is not None or parking is not None):
            raise CdrValidationError(
                f"charging_periods[{index}].dimensions",
                "a RESERVATION_TIME period cannot also carry ENERGY, TIME or PARKING_TIME",
            )
        self.energy: Decimal | None = energy
        self.time: Decimal | None = time
        self.parking: Decimal | None = parking
        self.reservation: Decimal | None = reservation
        measured_power = power if power is not None else max_power if max_power is not None else min_power
        measured_current = current if current is not None else max_current if max_current is not None else min_current
        # A car that is only parked draws nothing, so power and current restrictions can be checked.
        if parking is not None and energy is None and time is None:
            measured_power = _ZERO if measured_power is None else measured_power
            measured_current = _ZERO if measured_current is None else measured_current
        self.power: Decimal | None = measured_power
        self.current: Decimal | None = measured_current


def require_aware(name: str, moment: datetime) -> None:
    """Refuse naive datetimes: every instant given to this package is an aware (UTC) datetime."""
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")


def resolve_time_zone(time_zone: str | ZoneInfo) -> ZoneInfo:
    """ZoneInfo for an IANA name (or the ZoneInfo itself)."""
    if isinstance(time_zone, ZoneInfo):
        return time_zone
    try:
        return ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {time_zone!r}") from None


def state_of(
    compiled: CompiledTariff,
    data: PeriodData,
    period_end: datetime,
    kwh_before: Decimal,
    charging_start: datetime,
    time_zone: ZoneInfo,
) -> SessionState:
    """The situation at the start of a period, as restrictions see it."""
    power = data.power
    if power is None and data.energy is not None and period_end > data.start:
        # Without a measured power, the period's average power is the best figure there is.
        hours = Decimal((period_end - data.start) // _ONE_MICROSECOND) / _MICROSECONDS_PER_HOUR
        power = data.energy / hours
    return SessionState(
        local=data.start.astimezone(time_zone) if compiled.uses_local_time else None,
        duration=data.start - charging_start,
        kwh=kwh_before,
        power=power,
        current=data.current,
    )


class _Entry:
    __slots__ = ("billed", "component", "dimension", "index", "start", "volume")

    def __init__(
        self,
        index: int,
        start: datetime,
        dimension: BreakdownDimension,
        volume: Decimal,
        component: CompiledComponent,
    ) -> None:
        self.index = index
        self.start = start
        self.dimension: BreakdownDimension = dimension
        self.volume = volume
        self.billed = volume
        self.component = component


def price_charging_periods(
    tariff: Tariff,
    periods: Sequence[ChargingPeriod],
    *,
    session_start: datetime,
    session_end: datetime,
    time_zone: str | ZoneInfo = "UTC",
    reservation_expired: bool | None = None,
) -> PricedSession:
    """Price OCPI charging periods (a CDR's ``charging_periods``) with ``tariff``.

    ``time_zone`` is the location's, for local-time restrictions. ``reservation_expired`` says whether the
    RESERVATION_TIME periods belong to a reservation that expired; by default it is inferred (expired when
    no charging followed). Raises TariffValidationError for an invalid tariff, CdrValidationError (a
    ValueError) for unusable periods, TariffNotActiveError when the tariff was not valid at
    ``session_start``, and ValueError for naive datetimes.
    """
    require_aware("session_start", session_start)
    require_aware("session_end", session_end)
    if session_end < session_start:
        raise ValueError("session_end must not be before session_start")
    compiled = compile_tariff(tariff)
    zone = resolve_time_zone(time_zone)
    if tariff.start_date_time is not None and session_start < tariff.start_date_time:
        raise TariffNotActiveError(f"tariff {tariff.id} is valid only from {tariff.start_date_time.isoformat()}")
    if tariff.end_date_time is not None and session_start > tariff.end_date_time:
        raise TariffNotActiveError(f"tariff {tariff.id} was valid only until {tariff.end_date_time.isoformat()}")
    with localcontext(MONEY_CONTEXT):
        return _price(compiled, tuple(periods), session_start, session_end, zone, reservation_expired)


def _price(
    compiled: CompiledTariff,
    periods: tuple[ChargingPeriod, ...],
    session_start: datetime,
    session_end: datetime,
    zone: ZoneInfo,
    reservation_expired: bool | None,
) -> PricedSession:
    datas = [PeriodData(period, index) for index, period in enumerate(periods)]
    first_charging: int | None = None
    has_reservation = False
    previous = session_start
    for index, data in enumerate(datas):
        if data.start < previous:
            raise CdrValidationError(
                f"charging_periods[{index}].start_date_time",
                "must not be before the session start or the previous period",
            )
        if data.start > session_end:
            raise CdrValidationError(f"charging_periods[{index}].start_date_time", "must not be after the session end")
        previous = data.start
        if data.reservation is not None:
            if first_charging is not None:
                raise CdrValidationError(
                    f"charging_periods[{index}]", "reservation periods must come before the charging periods"
                )
            has_reservation = True
        elif first_charging is None:
            first_charging = index
    if reservation_expired is None:
        reservation_expired = has_reservation and first_charging is None
    reservation_mode: ReservationMode = "RESERVATION_EXPIRES" if reservation_expired else "RESERVATION"
    charging_start = datas[first_charging].start if has_reservation and first_charging is not None else session_start

    energy_entries: list[_Entry] = []
    time_entries: list[_Entry] = []
    reservation_entries: list[_Entry] = []
    flat: tuple[int | None, datetime, CompiledComponent] | None = None
    reservation_flat: tuple[int, datetime, CompiledComponent] | None = None
    total_energy = _ZERO
    total_parking = _ZERO
    count = len(datas)
    for index, data in enumerate(datas):
        end = datas[index + 1].start if index + 1 < count else session_end
        if data.reservation is not None:
            state = state_of(compiled, data, end, _ZERO, session_start, zone)
            component = compiled.lookup("TIME", state, reservation_mode)
            if component is not None:
                reservation_entries.append(_Entry(index, data.start, "RESERVATION_TIME", data.reservation, component))
            if reservation_flat is None:
                component = compiled.lookup("FLAT", state, reservation_mode)
                if component is not None:
                    reservation_flat = (index, data.start, component)
            continue
        state = state_of(compiled, data, end, total_energy, charging_start, zone)
        if data.energy is not None:
            component = compiled.lookup("ENERGY", state)
            if component is not None:
                energy_entries.append(_Entry(index, data.start, "ENERGY", data.energy, component))
            total_energy += data.energy
        if data.time is not None:
            component = compiled.lookup("TIME", state)
            if component is not None:
                time_entries.append(_Entry(index, data.start, "TIME", data.time, component))
        if data.parking is not None:
            component = compiled.lookup("PARKING_TIME", state)
            if component is not None:
                time_entries.append(_Entry(index, data.start, "PARKING_TIME", data.parking, component))
            total_parking += data.parking
        if flat is None:
            component = compiled.lookup("FLAT", state)
            if component is not None:
                flat = (index, data.start, component)
    charging_happened = first_charging is not None or not has_reservation
    if flat is None and first_charging is None and not has_reservation:
        # A session without periods still owes its start fee.
        state = SessionState(
            local=session_start.astimezone(zone) if compiled.uses_local_time else None,
            duration=timedelta(0),
            kwh=_ZERO,
            power=None,
            current=None,
        )
        component = compiled.lookup("FLAT", state)
        if component is not None:
            flat = (None, session_start, component)

    _apply_step(energy_entries, _WH_PER_KWH)
    _apply_step(time_entries, _SECONDS_PER_HOUR)
    _apply_step(reservation_entries, _SECONDS_PER_HOUR)

    lines: list[BreakdownLine] = []
    sums: dict[str, list[Decimal]] = {
        "FLAT": [_ZERO, _ZERO],
        "ENERGY": [_ZERO, _ZERO],
        "TIME": [_ZERO, _ZERO],
        "PARKING_TIME": [_ZERO, _ZERO],
        "RESERVATION": [_ZERO, _ZERO],
    }
    if reservation_flat is not None:
        index, start, component = reservation_flat
        _add_line(lines, sums["RESERVATION"], "RESERVATION_FLAT", index, start, _ONE, _ONE, component)
    for entry in reservation_entries:
        _add_entry(lines, sums["RESERVATION"], entry)
    if flat is not None:
        flat_index, start, component = flat
        _add_line(lines, sums["FLAT"], "FLAT", flat_index, start, _ONE, _ONE, component)
    # Receipt order: by period, energy before time before parking within one period.
    for entry in sorted(energy_entries + time_entries, key=_line_order):
        _add_entry(lines, sums[entry.dimension], entry)

    subtotal_excl = sum((pair[0] for pair in sums.values()), _ZERO)
    subtotal_incl = sum((pair[1] for pair in sums.values()), _ZERO)
    tariff = compiled.tariff
    total_excl, total_incl = subtotal_excl, subtotal_incl
    high = tariff.max_price
    if high is not None:
        capped_excl = min(total_excl, high.excl_vat)
        capped_incl = (
            min(total_incl, high.incl_vat)
            if high.incl_vat is not None
            else _shifted(total_incl, total_excl, capped_excl)
        )
        _add_adjustment(lines, "MAX_PRICE", capped_excl - total_excl, capped_incl - total_incl)
        total_excl, total_incl = capped_excl, capped_incl
    low = tariff.min_price if charging_happened else None
    if low is not None:
        raised_excl = max(total_excl, low.excl_vat)
        raised_incl = (
            max(total_incl, low.incl_vat) if low.incl_vat is not None else _shifted(total_incl, total_excl, raised_excl)
        )
        if high is not None and high.incl_vat is not None:
            raised_incl = min(raised_incl, high.incl_vat)
        _add_adjustment(lines, "MIN_PRICE", raised_excl - total_excl, raised_incl - total_incl)
        total_excl, total_incl = raised_excl, raised_incl

    session_hours = Decimal((session_end - session_start) // _ONE_MICROSECOND) / _MICROSECONDS_PER_HOUR
    totals = CdrTotals(
        total_cost=_price_of(total_excl, total_incl),
        total_fixed_cost=_price_of(*sums["FLAT"]),
        total_energy=quantize_ocpi(total_energy),
        total_energy_cost=_price_of(*sums["ENERGY"]),
        total_time=quantize_ocpi(session_hours),
        total_time_cost=_price_of(*sums["TIME"]),
        total_parking_time=quantize_ocpi(total_parking),
        total_parking_cost=_price_of(*sums["PARKING_TIME"]),
        total_reservation_cost=_price_of(*sums["RESERVATION"]),
    )
    return PricedSession(
        currency=tariff.currency,
        session_start=session_start,
        session_end=session_end,
        totals=totals,
        breakdown=tuple(lines),
        charging_periods=periods,
        amount_due=round_to_minor_unit(total_excl, tariff.currency),
        amount_due_incl_vat=round_to_minor_unit(total_incl, tariff.currency),
    )


_DIMENSION_ORDER = {"ENERGY": 0, "TIME": 1, "PARKING_TIME": 2}


def _line_order(entry: _Entry) -> tuple[int, int]:
    return entry.index, _DIMENSION_ORDER[entry.dimension]


def _apply_step(entries: list[_Entry], base_per_unit: Decimal) -> None:
    """Round the total of the last priced dimension up to the last component's step; bill the extra last."""
    if not entries:
        return
    last = entries[-1]
    dimension = last.dimension
    total = sum((entry.volume for entry in entries if entry.dimension == dimension), _ZERO)
    step = Decimal(last.component.step_size)
    base = (total * base_per_unit).quantize(_BASE_RESOLUTION)
    steps = (base / step).to_integral_value(rounding=ROUND_CEILING)
    extra = steps * step / base_per_unit - total
    if extra > 0:
        last.billed = last.volume + extra


def _add_entry(lines: list[BreakdownLine], sums: list[Decimal], entry: _Entry) -> None:
    _add_line(lines, sums, entry.dimension, entry.index, entry.start, entry.billed, entry.volume, entry.component)


def _add_line(
    lines: list[BreakdownLine],
    sums: list[Decimal],
    dimension: BreakdownDimension,
    index: int | None,
    start: datetime,
    quantity: Decimal,
    consumed: Decimal,
    component: CompiledComponent,
) -> None:
    cost = quantity * component.price
    cost_incl = cost * component.vat_factor
    sums[0] += cost
    sums[1] += cost_incl
    lines.append(
        BreakdownLine(
            dimension=dimension,
            period_index=index,
            start_date_time=start,
            quantity=quantity,
            consumed_quantity=consumed,
            unit_price=component.price,
            vat=component.vat,
            cost_excl_vat=cost,
            cost_excl_vat_rounded=quantize_ocpi(cost),
            cost_incl_vat=cost_incl,
            cost_incl_vat_rounded=quantize_ocpi(cost_incl),
            element_index=component.element_index,
            component_index=component.component_index,
        )
    )


def _add_adjustment(lines: list[BreakdownLine], dimension: BreakdownDimension, excl: Decimal, incl: Decimal) -> None:
    if excl == 0 and incl == 0:
        return
    lines.append(
        BreakdownLine(
            dimension=dimension,
            quantity=_ONE,
            consumed_quantity=_ONE,
            unit_price=excl,
            cost_excl_vat=excl,
            cost_excl_vat_rounded=quantize_ocpi(excl),
            cost_incl_vat=incl,
            cost_incl_vat_rounded=quantize_ocpi(incl),
        )
    )


def _shifted(incl: Decimal, excl: Decimal, new_excl: Decimal) -> Decimal:
    """Move incl. VAT by the amount excl. VAT moved: the session's VAT amount stays what it was.

    (Scaling by the same factor instead would let incl. VAT drop when a VAT-free amount is added.)
    """
    return incl + (new_excl - excl)


def _price_of(excl: Decimal, incl: Decimal) -> Price:
    return Price(excl_vat=quantize_ocpi(excl), incl_vat=quantize_ocpi(incl))
