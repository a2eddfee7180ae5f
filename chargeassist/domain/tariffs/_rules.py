"""A Tariff compiled for fast lookups: which price component of a dimension is active in a given situation.

OCPI 2.2.1: for each dimension, the first tariff element (in list order) that has a component of that
dimension and whose restrictions all hold is active; if there is none the dimension is free. Restrictions
are evaluated at the start of a charging period, in the location's local time:

- ``start_time`` inclusive, ``end_time`` exclusive; ``end_time`` at or before ``start_time`` wraps past
  midnight (so 20:00-00:00 is "from 20:00 to the end of the day", and equal times mean all day);
- ``start_date`` inclusive, ``end_date`` exclusive; ``day_of_week`` is the local weekday;
- ``min_*`` inclusive, ``max_*`` exclusive; ``*_kwh`` is the energy charged before the period,
  ``*_duration`` the time since the charging session started, ``*_power``/``*_current`` the period's
  charging power/current. A power or current restriction that cannot be checked (no figure known) does
  not hold.
- Elements with a ``reservation`` restriction price only reservation time; all others only the session.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Literal

from ._models import Tariff, TariffDimensionType
from ._parse import check_tariff

__all__ = ["CompiledComponent", "CompiledTariff", "ReservationMode", "SessionState", "compile_tariff"]

ReservationMode = Literal["RESERVATION", "RESERVATION_EXPIRES"] | None

_WEEKDAYS = {
    "MONDAY": 0,
    "TUESDAY": 1,
    "WEDNESDAY": 2,
    "THURSDAY": 3,
    "FRIDAY": 4,
    "SATURDAY": 5,
    "SUNDAY": 6,
}
_ONE = Decimal(1)
_HUNDRED = Decimal(100)
_MIDNIGHT = time(0, 0)


@dataclass(frozen=True, slots=True)
class CompiledComponent:
    """A price component together with where it sits in the tariff."""

    element_index: int
    component_index: int
    dimension: TariffDimensionType
    price: Decimal
    vat: Decimal | None
    vat_factor: Decimal
    step_size: int


@dataclass(frozen=True, slots=True)
class _Rule:
    index: int
    reservation: str | None
    unrestricted: bool
    start_time: time | None
    end_time: time | None
    start_date: date | None
    end_date: date | None
    weekdays: frozenset[int] | None
    min_kwh: Decimal | None
    max_kwh: Decimal | None
    min_power: Decimal | None
    max_power: Decimal | None
    min_current: Decimal | None
    max_current: Decimal | None
    min_duration: timedelta | None
    max_duration: timedelta | None
    components: Mapping[str, CompiledComponent]


class SessionState:
    """What restrictions are checked against, at one instant of a session."""

    __slots__ = ("current", "duration", "kwh", "local", "local_date", "local_time", "power", "weekday")

    def __init__(
        self,
        *,
        local: datetime | None,
        duration: timedelta,
        kwh: Decimal,
        power: Decimal | None,
        current: Decimal | None,
    ) -> None:
        self.local = local
        self.duration = duration
        self.kwh = kwh
        self.power = power
        self.current = current
        if local is not None:
            self.local_time: time = local.time()
            self.local_date: date = local.date()
            self.weekday: int = local.weekday()


def _holds(rule: _Rule, state: SessionState) -> bool:
    if rule.unrestricted:
        return True
    if rule.min_duration is not None and state.duration < rule.min_duration:
        return False
    if rule.max_duration is not None and state.duration >= rule.max_duration:
        return False
    if rule.min_kwh is not None and state.kwh < rule.min_kwh:
        return False
    if rule.max_kwh is not None and state.kwh >= rule.max_kwh:
        return False
    if rule.min_power is not None or rule.max_power is not None:
        power = state.power
        if power is None:
            return False
        if rule.min_power is not None and power < rule.min_power:
            return False
        if rule.max_power is not None and power >= rule.max_power:
            return False
    if rule.min_current is not None or rule.max_current is not None:
        current = state.current
        if current is None:
            return False
        if rule.min_current is not None and current < rule.min_current:
            return False
        if rule.max_current is not None and current >= rule.max_current:
            return False
    if rule.weekdays is not None and state.weekday not in rule.weekdays:
        return False
    if rule.start_date is not None and state.local_date < rule.start_date:
        return False
    if rule.end_date is not None and state.local_date >= rule.end_date:
        return False
    if rule.start_time is not None or rule.end_time is not None:
        now = state.local_time
        begin = rule.start_time if rule.start_time is not None else _MIDNIGHT
        finish = rule.end_time
        if finish is None:
            return now >= begin
        if begin < finish:
            return begin <= now < finish
        return now >= begin or now < finish
    return True


@dataclass(frozen=True, slots=True)
class CompiledTariff:
    """A validated Tariff plus what pricing and period building need to know about its restrictions."""

    tariff: Tariff
    by_dimension: Mapping[str, tuple[tuple[_Rule, CompiledComponent], ...]]
    uses_local_time: bool
    time_marks: frozenset[time]
    day_marks: bool
    duration_marks: tuple[timedelta, ...]
    kwh_marks: tuple[Decimal, ...]
    power_marks: tuple[Decimal, ...]
    current_marks: tuple[Decimal, ...]

    def lookup(
        self, dimension: TariffDimensionType, state: SessionState, reservation: ReservationMode = None
    ) -> CompiledComponent | None:
        """The active component of ``dimension``; ``reservation`` selects reservation pricing."""
        candidates = self.by_dimension.get(dimension, ())
        if reservation is None:
            for rule, component in candidates:
                if rule.reservation is None and _holds(rule, state):
                    return component
            return None
        # OCPI: for an expired reservation the RESERVATION_EXPIRES elements win over RESERVATION ones.
        kinds = ("RESERVATION_EXPIRES", "RESERVATION") if reservation == "RESERVATION_EXPIRES" else ("RESERVATION",)
        for kind in kinds:
            for rule, component in candidates:
                if rule.reservation == kind and _holds(rule, state):
                    return component
        return None


@functools.lru_cache(maxsize=512)
def compile_tariff(tariff: Tariff) -> CompiledTariff:
    """Validate and compile; cached, since the same tariff prices many sessions."""
    check_tariff(tariff)
    by_dimension: dict[str, list[tuple[_Rule, CompiledComponent]]] = {}
    time_marks: set[time] = set()
    day_marks = False
    duration_marks: set[timedelta] = set()
    kwh_marks: set[Decimal] = set()
    power_marks: set[Decimal] = set()
    current_marks: set[Decimal] = set()
    uses_local_time = False
    for element_index, element in enumerate(tariff.elements):
        components: dict[str, CompiledComponent] = {}
        for component_index, component in enumerate(element.price_components):
            # Within one element the first component of a dimension counts, like the first element does.
            if component.type in components:
                continue
            vat_factor = _ONE + component.vat / _HUNDRED if component.vat is not None else _ONE
            components[component.type] = CompiledComponent(
                element_index=element_index,
                component_index=component_index,
                dimension=component.type,
                price=component.price,
                vat=component.vat,
                vat_factor=vat_factor,
                step_size=component.step_size,
            )
        restrictions = element.restrictions
        if restrictions is None:
            rule = _Rule(
                index=element_index,
                reservation=None,
                unrestricted=True,
                start_time=None,
                end_time=None,
                start_date=None,
                end_date=None,
                weekdays=None,
                min_kwh=None,
                max_kwh=None,
                min_power=None,
                max_power=None,
                min_current=None,
                max_current=None,
                min_duration=None,
                max_duration=None,
                components=components,
            )
        else:
            start_time = _parse_time(restrictions.start_time)
            end_time = _parse_time(restrictions.end_time)
            start_date = date.fromisoformat(restrictions.start_date) if restrictions.start_date else None
            end_date = date.fromisoformat(restrictions.end_date) if restrictions.end_date else None
            weekdays = (
                frozenset(_WEEKDAYS[day] for day in restrictions.day_of_week) if restrictions.day_of_week else None
            )
            min_duration = (
                timedelta(seconds=restrictions.min_duration) if restrictions.min_duration is not None else None
            )
            max_duration = (
                timedelta(seconds=restrictions.max_duration) if restrictions.max_duration is not None else None
            )
            local = start_time is not None or end_time is not None
            dated = weekdays is not None or start_date is not None or end_date is not None
            uses_local_time = uses_local_time or local or dated
            day_marks = day_marks or dated
            time_marks.update(mark for mark in (start_time, end_time) if mark is not None)
            duration_marks.update(mark for mark in (min_duration, max_duration) if mark is not None)
            kwh_marks.update(mark for mark in (restrictions.min_kwh, restrictions.max_kwh) if mark is not None)
            power_marks.update(mark for mark in (restrictions.min_power, restrictions.max_power) if mark is not None)
            current_marks.update(
                mark for mark in (restrictions.min_current, restrictions.max_current) if mark is not None
            )
            unrestricted = not (
                local
                or dated
                or restrictions.reservation is not None
                or any(
                    value is not None
                    for value in (
                        restrictions.min_kwh,
                        restrictions.max_kwh,
                        restrictions.min_power,
                        restrictions.max_power,
                        restrictions.min_current,
                        restrictions.max_current,
                        min_duration,
                        max_duration,
                    )
                )
            )
            rule = _Rule(
                index=element_index,
                reservation=restrictions.reservation,
                unrestricted=unrestricted,
                start_time=start_time,
                end_time=end_time,
                start_date=start_date,
                end_date=end_date,
                weekdays=weekdays,
                min_kwh=restrictions.min_kwh,
                max_kwh=restrictions.max_kwh,
                min_power=restrictions.min_power,
                max_power=restrictions.max_power,
                min_current=restrictions.min_current,
                max_current=restrictions.max_current,
                min_duration=min_duration,
                max_duration=max_duration,
                components=components,
            )
        for dimension, compiled_component in components.items():
            by_dimension.setdefault(dimension, []).append((rule, compiled_component))
    return CompiledTariff(
        tariff=tariff,
        by_dimension={dimension: tuple(pairs) for dimension, pairs in by_dimension.items()},
        uses_local_time=uses_local_time,
        time_marks=frozenset(time_marks),
        day_marks=day_marks,
        duration_marks=tuple(sorted(duration_marks)),
        kwh_marks=tuple(sorted(kwh_marks)),
        power_marks=tuple(sorted(power_marks)),
        current_marks=tuple(sorted(current_marks)),
    )


def _parse_time(value: str | None) -> time | None:
    if value is None:
        return None
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))
