"""Charging periods from a session's meter data, split wherever the tariff's price could change.

Model of the meter data:

- ``energy_wh`` is the meter register; the first sample is the register at the start of the session
  (OCPP ``meterStart``). Between samples energy rises linearly. Energy registered after ``charging_end``
  is counted as charged at ``charging_end``.
- ``power_w`` and ``current_a`` hold from their sample until the next one; without ``power_w`` a stretch's
  power is its energy over its duration.
- Charging (TIME) runs from the session start to ``charging_end``; the rest of the session, until
  plug-out, is PARKING_TIME. When the samples show that the car stopped drawing energy before
  ``charging_end`` (a later sample with an unchanged register and no sample reporting power), that idle
  tail is PARKING_TIME too.

A new period starts at every instant at which the active price component could change: a time-of-day or
date boundary of the tariff in the location's time zone (both sides of a DST fold, and every DST
transition), a local day change when days or dates matter, a ``min/max_duration`` mark, the moment a
``min/max_kwh`` amount is reached, and a sample at which the power or current moves across a
``min/max_power``/``min/max_current`` value. Adjacent stretches with the same active components are merged,
so the result is as short as the tariff allows. Energies are exact to 1 micro-Wh, durations to 1 microsecond
(hours to 12 decimals).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal, localcontext
from zoneinfo import ZoneInfo

import msgspec

from ._models import CdrDimension, ChargingPeriod, Tariff, TariffDimensionType
from ._money import MONEY_CONTEXT
from ._pricing import (
    PeriodData,
    PricedSession,
    price_charging_periods,
    require_aware,
    resolve_time_zone,
    state_of,
)
from ._rules import CompiledTariff, compile_tariff

__all__ = ["MeterSample", "build_charging_periods", "price_expired_reservation", "price_session"]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_WH_PER_KWH = Decimal(1000)
_W_PER_KW = Decimal(1000)
_MICROSECONDS_PER_HOUR = Decimal(3_600_000_000)
_ONE_MICROSECOND = timedelta(microseconds=1)
_KWH_RESOLUTION = Decimal("0.000000001")
_HOUR_RESOLUTION = Decimal("0.000000000001")
_SCAN_STEP = timedelta(hours=1)


class MeterSample(msgspec.Struct, frozen=True):
    """One meter reading: register in Wh, and optionally power (W), current (A, all phases) and SoC (%)."""

    timestamp: datetime
    energy_wh: Decimal
    power_w: Decimal | None = None
    current_a: Decimal | None = None
    state_of_charge: Decimal | None = None


class _Stretch:
    """A piece of the session between two boundaries, before merging."""

    __slots__ = ("charging", "current_sum", "energy", "key", "length", "power_sum", "soc", "start")

    def __init__(self, start: int, length: int, charging: bool, energy: Decimal) -> None:
        self.start = start
        self.length = length
        self.charging = charging
        self.energy = energy
        self.power_sum: Decimal | None = None
        self.current_sum: Decimal | None = None
        self.soc: Decimal | None = None
        self.key: tuple[object, ...] = ()


def build_charging_periods(
    tariff: Tariff,
    *,
    session_start: datetime,
    samples: Sequence[MeterSample],
    charging_end: datetime,
    session_end: datetime,
    time_zone: str | ZoneInfo,
) -> list[ChargingPeriod]:
    """OCPI charging periods of a session, each within one set of active price components.

    Charging periods carry ENERGY (kWh), TIME (h) and POWER (kW), plus CURRENT (A) and STATE_OF_CHARGE
    (%) when the samples give them; parking periods carry PARKING_TIME (h).
    """
    require_aware("session_start", session_start)
    require_aware("charging_end", charging_end)
    require_aware("session_end", session_end)
    if not session_start <= charging_end <= session_end:
        raise ValueError("expected session_start <= charging_end <= session_end")
    compiled = compile_tariff(tariff)
    zone = resolve_time_zone(time_zone)
    with localcontext(MONEY_CONTEXT):
        return _Builder(compiled, zone, session_start, charging_end, session_end, samples).build()


class _Builder:
    def __init__(
        self,
        compiled: CompiledTariff,
        zone: ZoneInfo,
        session_start: datetime,
        charging_end: datetime,
        session_end: datetime,
        samples: Sequence[MeterSample],
    ) -> None:
        self.compiled = compiled
        self.zone = zone
        self.origin = session_start
        self.end = self._offset(session_end)
        requested_end = self._offset(charging_end)
        self.times: list[int] = []
        self.energies: list[Decimal] = []
        self.powers: list[Decimal | None] = []
        self.currents: list[Decimal | None] = []
        self.socs: list[Decimal | None] = []
        previous: MeterSample | None = None
        for index, sample in enumerate(samples):
            require_aware(f"samples[{index}].timestamp", sample.timestamp)
            if not sample.energy_wh.is_finite() or sample.energy_wh < 0:
                raise ValueError(f"samples[{index}].energy_wh must be a finite number >= 0")
            for name in ("power_w", "current_a", "state_of_charge"):
                value = getattr(sample, name)
                if value is not None and not value.is_finite():
                    raise ValueError(f"samples[{index}].{name} must be a finite number")
            if previous is not None:
                if sample.timestamp < previous.timestamp:
                    raise ValueError(f"samples[{index}] is earlier than the sample before it")
                if sample.energy_wh < previous.energy_wh:
                    raise ValueError(f"samples[{index}].energy_wh is lower than the reading before it")
            previous = sample
            # Readings outside the charging window are moved to its edge: the energy still counts.
            self.times.append(min(max(self._offset(sample.timestamp), 0), requested_end))
            self.energies.append(sample.energy_wh)
            self.powers.append(sample.power_w)
            self.currents.append(sample.current_a)
            self.socs.append(sample.state_of_charge)
        if not self.times:
            self.times, self.energies, self.powers, self.currents, self.socs = [0], [_ZERO], [None], [None], [None]
        elif self.times[0] > 0:
            self.times.insert(0, 0)
            self.energies.insert(0, self.energies[0])
            self.powers.insert(0, None)
            self.currents.insert(0, None)
            self.socs.insert(0, None)
        self.baseline = self.energies[0]
        self.charging_end = self._idle_from(requested_end, len(samples) > 0)

    def _offset(self, moment: datetime) -> int:
        return (moment - self.origin) // _ONE_MICROSECOND

    def _idle_from(self, requested_end: int, have_samples: bool) -> int:
        """Where charging really ended: the last energy rise, if later readings prove the car idle."""
        if not have_samples:
            return requested_end
        last_rise = 0
        for index in range(1, len(self.times)):
            if self.energies[index] > self.energies[index - 1]:
                last_rise = self.times[index]
        later = [index for index in range(len(self.times)) if self.times[index] > last_rise]
        if not later:
            return requested_end
        if any((power := self.powers[index]) is not None and power > 0 for index in later):
            return requested_end
        return last_rise

    def energy_at(self, offset: int) -> Decimal:
        """Register at ``offset`` microseconds, interpolated linearly; later readings win at equal times."""
        times = self.times
        index = bisect.bisect_right(times, offset) - 1
        if index < 0:
            return self.energies[0]
        if index == len(times) - 1:
            return self.energies[index]
        begin, finish = times[index], times[index + 1]
        low, high = self.energies[index], self.energies[index + 1]
        return low + (high - low) * Decimal(offset - begin) / Decimal(finish - begin)

    def _intervals(self) -> list[tuple[int, int, Decimal, Decimal | None]]:
        """Stretches of constant power (kW) and current (A, or None) within the charging window."""
        result: list[tuple[int, int, Decimal, Decimal | None]] = []
        times = self.times
        for index in range(len(times)):
            begin = times[index]
            finish = times[index + 1] if index + 1 < len(times) else self.charging_end
            finish = min(finish, self.charging_end)
            if finish <= begin:
                continue
            power = self.powers[index]
            if power is None:
                following = self.energies[index + 1] if index + 1 < len(times) else self.energies[index]
                watts = (following - self.energies[index]) * _MICROSECONDS_PER_HOUR / Decimal(finish - begin)
            else:
                watts = power
            result.append((begin, finish, watts / _W_PER_KW, self.currents[index]))
        return result

    def _kwh_marks(self) -> dict[int, Decimal]:
        """When each min/max_kwh amount is reached (rounded up to the microsecond), and that amount."""
        marks: dict[int, Decimal] = {}
        times, energies = self.times, self.energies
        for amount in self.compiled.kwh_marks:
            if amount <= 0:
                continue
            target = self.baseline + amount * _WH_PER_KWH
            for index in range(1, len(times)):
                if energies[index] < target:
                    continue
                begin, low = times[index - 1], energies[index - 1]
                if low >= target:
                    moment = begin
                else:
                    fraction = (target - low) * Decimal(times[index] - begin) / (energies[index] - low)
                    moment = begin + int(fraction.to_integral_value(rounding=ROUND_CEILING))
                moment = min(moment, self.charging_end)
                if 0 < moment < self.end:
                    marks[moment] = max(marks.get(moment, _ZERO), amount)
                break
        return marks

    def _clock_marks(self) -> set[int]:
        """Instants where local time-of-day, date or weekday restrictions can switch."""
        compiled = self.compiled
        marks: set[int] = set()
        if not compiled.uses_local_time:
            return marks
        local_times = set(compiled.time_marks)
        if compiled.day_marks:
            local_times.add(time(0, 0))
        end_moment = self.origin + timedelta(microseconds=self.end)
        first_day = self.origin.astimezone(self.zone).date() - timedelta(days=1)
        last_day = end_moment.astimezone(self.zone).date() + timedelta(days=1)
        day: date = first_day
        while day <= last_day:
            for wall in local_times:
                for fold in (0, 1):
                    moment = datetime.combine(day, wall, tzinfo=self.zone).replace(fold=fold)
                    offset = self._offset(moment.astimezone(UTC))
                    if 0 < offset < self.end:
                        marks.add(offset)
            day += timedelta(days=1)
        marks.update(self._offset_changes(end_moment))
        return marks

    def _offset_changes(self, end_moment: datetime) -> list[int]:
        """DST transitions during the session: local wall time jumps there."""
        changes: list[int] = []
        moment = self.origin
        offset = moment.astimezone(self.zone).utcoffset()
        while moment < end_moment:
            following = min(moment + _SCAN_STEP, end_moment)
            new_offset = following.astimezone(self.zone).utcoffset()
            if new_offset != offset:
                low, high = moment, following
                while high - low > _ONE_MICROSECOND:
                    middle = low + (high - low) / 2
                    if middle.astimezone(self.zone).utcoffset() == offset:
                        low = middle
                    else:
                        high = middle
                change = self._offset(high)
                if 0 < change < self.end:
                    changes.append(change)
                offset = new_offset
            moment = following
        return changes

    def _band_marks(self, intervals: list[tuple[int, int, Decimal, Decimal | None]]) -> set[int]:
        """Sample instants where power or current moves to the other side of a tariff value."""
        power_marks, current_marks = self.compiled.power_marks, self.compiled.current_marks
        marks: set[int] = set()
        if not power_marks and not current_marks:
            return marks
        previous: tuple[object, ...] | None = None
        for begin, _finish, power, current in intervals:
            band = (_band(power, power_marks), _band(current, current_marks))
            if previous is not None and band != previous and begin > 0:
                marks.add(begin)
            previous = band
        return marks

    def build(self) -> list[ChargingPeriod]:
        if self.end <= 0:
            return []
        intervals = self._intervals()
        kwh_marks = self._kwh_marks()
        boundaries = {0, self.charging_end, self.end}
        boundaries.update(kwh_marks)
        boundaries.update(self._clock_marks())
        boundaries.update(self._band_marks(intervals))
        boundaries.update(
            offset for mark in self.compiled.duration_marks if 0 < (offset := mark // _ONE_MICROSECOND) < self.end
        )
        ordered = sorted(point for point in boundaries if 0 <= point <= self.end)
        charged: list[Decimal] = []
        for point in ordered:
            # At a kWh mark the amount is the mark itself: the true crossing lies within that microsecond.
            energy = kwh_marks.get(point)
            if energy is None:
                energy = ((self.energy_at(point) - self.baseline) / _WH_PER_KWH).quantize(_KWH_RESOLUTION)
            charged.append(max(energy, charged[-1]) if charged else energy)
        stretches = []
        for position in range(len(ordered) - 1):
            begin, finish = ordered[position], ordered[position + 1]
            charging = finish <= self.charging_end
            energy = charged[position + 1] - charged[position] if charging else _ZERO
            stretch = _Stretch(begin, finish - begin, charging, energy)
            if charging:
                self._measure(stretch, intervals)
            stretch.key = self._key(stretch, charged[position])
            stretches.append(stretch)
        return self._merge(stretches)

    def _measure(self, stretch: _Stretch, intervals: list[tuple[int, int, Decimal, Decimal | None]]) -> None:
        begin, finish = stretch.start, stretch.start + stretch.length
        power_sum = _ZERO
        current_sum: Decimal | None = _ZERO
        covered = 0
        for low, high, power, current in intervals:
            overlap = min(high, finish) - max(low, begin)
            if overlap <= 0:
                continue
            covered += overlap
            power_sum += power * overlap
            current_sum = None if current is None or current_sum is None else current_sum + current * overlap
        if covered < stretch.length:
            # No reading covers this stretch: its own average power, current unknown.
            power_sum += (
                stretch.energy * _MICROSECONDS_PER_HOUR * Decimal(stretch.length - covered) / Decimal(stretch.length)
            )
            current_sum = None
        stretch.power_sum = power_sum
        stretch.current_sum = current_sum
        index = bisect.bisect_right(self.times, finish) - 1
        while index >= 0 and self.socs[index] is None:
            index -= 1
        stretch.soc = self.socs[index] if index >= 0 else None

    def _period(self, stretch: _Stretch) -> ChargingPeriod:
        start = self.origin + timedelta(microseconds=stretch.start)
        hours = _tidy((Decimal(stretch.length) / _MICROSECONDS_PER_HOUR).quantize(_HOUR_RESOLUTION))
        if not stretch.charging:
            return ChargingPeriod(start_date_time=start, dimensions=(CdrDimension(type="PARKING_TIME", volume=hours),))
        length = Decimal(stretch.length)
        dimensions = [
            CdrDimension(type="ENERGY", volume=_tidy(stretch.energy)),
            CdrDimension(type="TIME", volume=hours),
        ]
        if stretch.power_sum is not None:
            dimensions.append(CdrDimension(type="POWER", volume=stretch.power_sum / length))
        if stretch.current_sum is not None:
            dimensions.append(CdrDimension(type="CURRENT", volume=stretch.current_sum / length))
        if stretch.soc is not None:
            dimensions.append(CdrDimension(type="STATE_OF_CHARGE", volume=stretch.soc))
        return ChargingPeriod(start_date_time=start, dimensions=tuple(dimensions))

    def _key(self, stretch: _Stretch, charged_before: Decimal) -> tuple[object, ...]:
        """What must be equal for two neighbouring stretches to be one period."""
        period = self._period(stretch)
        end = self.origin + timedelta(microseconds=stretch.start + stretch.length)
        state = state_of(self.compiled, PeriodData(period, 0), end, charged_before, self.origin, self.zone)
        compiled = self.compiled
        dimensions: tuple[TariffDimensionType, ...] = (
            ("ENERGY", "TIME", "FLAT") if stretch.charging else ("PARKING_TIME", "FLAT")
        )
        components = tuple(compiled.lookup(dimension, state) for dimension in dimensions)
        return (
            stretch.charging,
            components,
            _band(state.power, compiled.power_marks),
            _band(state.current, compiled.current_marks),
        )

    def _merge(self, stretches: list[_Stretch]) -> list[ChargingPeriod]:
        merged: list[_Stretch] = []
        for stretch in stretches:
            last = merged[-1] if merged else None
            if last is None or last.key != stretch.key:
                merged.append(stretch)
                continue
            last.length += stretch.length
            last.energy += stretch.energy
            if last.power_sum is not None and stretch.power_sum is not None:
                last.power_sum += stretch.power_sum
            if last.current_sum is not None and stretch.current_sum is not None:
                last.current_sum += stretch.current_sum
            if stretch.soc is not None:
                last.soc = stretch.soc
        return [self._period(stretch) for stretch in merged]


def _tidy(value: Decimal) -> Decimal:
    """Drop the trailing zeros that fixed resolution leaves (20.000000000 -> 20) without exponent notation."""
    if value == value.to_integral_value():
        return value.quantize(_ONE)
    return value.normalize()


def _band(value: Decimal | None, marks: tuple[Decimal, ...]) -> tuple[bool, ...] | None:
    if value is None:
        return None
    return tuple(value >= mark for mark in marks)


def price_session(
    tariff: Tariff,
    *,
    session_start: datetime,
    samples: Sequence[MeterSample],
    charging_end: datetime,
    session_end: datetime,
    time_zone: str | ZoneInfo,
    reservation_start: datetime | None = None,
) -> PricedSession:
    """Build the charging periods of a finished session and price them.

    ``reservation_start``: when the session followed a reservation made then, the time until
    ``session_start`` is priced as reservation time and the priced session starts at the reservation.
    """
    periods = build_charging_periods(
        tariff,
        session_start=session_start,
        samples=samples,
        charging_end=charging_end,
        session_end=session_end,
        time_zone=time_zone,
    )
    start = session_start
    if reservation_start is not None:
        require_aware("reservation_start", reservation_start)
        if reservation_start > session_start:
            raise ValueError("reservation_start must not be after session_start")
        start = reservation_start
        periods.insert(0, _reservation_period(reservation_start, session_start))
    return price_charging_periods(tariff, periods, session_start=start, session_end=session_end, time_zone=time_zone)


def price_expired_reservation(
    tariff: Tariff,
    *,
    reservation_start: datetime,
    reservation_end: datetime,
    time_zone: str | ZoneInfo,
) -> PricedSession:
    """Price a reservation that expired without a charging session (RESERVATION_EXPIRES pricing)."""
    require_aware("reservation_start", reservation_start)
    require_aware("reservation_end", reservation_end)
    if reservation_end < reservation_start:
        raise ValueError("reservation_end must not be before reservation_start")
    return price_charging_periods(
        tariff,
        [_reservation_period(reservation_start, reservation_end)],
        session_start=reservation_start,
        session_end=reservation_end,
        time_zone=time_zone,
        reservation_expired=True,
    )


def _reservation_period(start: datetime, end: datetime) -> ChargingPeriod:
    with localcontext(MONEY_CONTEXT):
        hours = Decimal((end - start) // _ONE_MICROSECOND) / _MICROSECONDS_PER_HOUR
        hours = _tidy(hours.quantize(_HOUR_RESOLUTION))
    return ChargingPeriod(start_date_time=start, dimensions=(CdrDimension(type="RESERVATION_TIME", volume=hours),))
