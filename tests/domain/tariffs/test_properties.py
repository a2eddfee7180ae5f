"""Properties of pricing that must hold for any tariff and any session."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from chargeassist.domain.tariffs import (
    CdrDimension,
    ChargingPeriod,
    MeterSample,
    PricedSession,
    Tariff,
    build_charging_periods,
    convert_tariff,
    price_charging_periods,
)

from .factories import exact_total, utc

FAST = settings(max_examples=120, deadline=None)
ZERO = Decimal(0)
FOUR = Decimal("0.0001")
DAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]
CLOCK = ["00:00", "06:00", "08:30", "12:00", "17:00", "20:00", "22:00"]
ZONES = ["UTC", "Europe/Amsterdam", "America/New_York", "Asia/Kolkata"]

prices = st.decimals(min_value=0, max_value=5, places=2)
vats = st.none() | st.sampled_from([Decimal(0), Decimal("5.2"), Decimal(10), Decimal(19), Decimal(21)])


@st.composite
def _pair(draw: st.DrawFn, values: st.SearchStrategy[Any], low: str, high: str) -> dict[str, Any]:
    first, second = sorted([draw(values), draw(values)])
    choice = draw(st.sampled_from(["low", "high", "both"]))
    result: dict[str, Any] = {}
    if choice in ("low", "both"):
        result[low] = first
    if choice in ("high", "both"):
        result[high] = second
    return result


_RESTRICTION_KINDS = st.sets(st.sampled_from(["time", "days", "kwh", "power", "current", "duration"]), max_size=2)
_TIMES = _pair(st.sampled_from(CLOCK), "start_time", "end_time")
_DAY_LISTS = st.lists(st.sampled_from(DAYS), min_size=1, max_size=4, unique=True)
_KWH = _pair(st.decimals(min_value=0, max_value=40, places=1), "min_kwh", "max_kwh")
_POWER = _pair(st.decimals(min_value=0, max_value=100, places=1), "min_power", "max_power")
_CURRENT = _pair(st.decimals(min_value=0, max_value=100, places=0), "min_current", "max_current")
_DURATION = _pair(st.integers(min_value=0, max_value=6 * 3600), "min_duration", "max_duration")


@st.composite
def restrictions(draw: st.DrawFn) -> dict[str, Any]:
    result: dict[str, Any] = {}
    kinds = draw(_RESTRICTION_KINDS)
    if "time" in kinds:
        result.update(draw(_TIMES))
        if draw(st.booleans()) and "start_time" in result and "end_time" in result:
            result["start_time"], result["end_time"] = result["end_time"], result["start_time"]
    if "days" in kinds:
        result["day_of_week"] = draw(_DAY_LISTS)
    for kind, values in (("kwh", _KWH), ("power", _POWER), ("current", _CURRENT), ("duration", _DURATION)):
        if kind in kinds:
            result.update(draw(values))
    return result


_ELEMENT_COUNTS = st.integers(min_value=1, max_value=4)
_DIMENSION_SETS = st.sets(st.sampled_from(["ENERGY", "TIME", "PARKING_TIME", "FLAT"]), min_size=1)
_STEP_SIZES = {
    "ENERGY": st.sampled_from([1, 100, 500, 1000]),
    "TIME": st.sampled_from([1, 60, 300, 900]),
    "PARKING_TIME": st.sampled_from([1, 60, 300, 900]),
}
_LOW_LIMITS = st.none() | st.decimals(min_value=0, max_value=10, places=2)
_HIGH_LIMITS = st.none() | st.decimals(min_value=0, max_value=40, places=2)


@st.composite
def tariffs(draw: st.DrawFn, *, steps: bool = True, limits: bool = True) -> Tariff:
    elements = []
    for _ in range(draw(_ELEMENT_COUNTS)):
        kinds = draw(_DIMENSION_SETS)
        components = [
            {
                "type": kind,
                "price": draw(prices),
                "vat": draw(vats),
                "step_size": draw(_STEP_SIZES[kind]) if steps and kind != "FLAT" else 1,
            }
            for kind in sorted(kinds)
        ]
        for item in components:
            if item["vat"] is None:
                del item["vat"]
        element: dict[str, Any] = {"price_components": components}
        restriction = draw(restrictions())
        if restriction:
            element["restrictions"] = restriction
        elements.append(element)
    document: dict[str, Any] = {"id": "P", "currency": "EUR", "elements": elements}
    if limits:
        low = draw(_LOW_LIMITS)
        high = draw(_HIGH_LIMITS)
        if low is not None and high is not None and low > high:
            low, high = high, low
        if low is not None:
            document["min_price"] = {"excl_vat": low}
            if draw(st.booleans()):
                document["min_price"]["incl_vat"] = low * Decimal("1.2")
        if high is not None:
            document["max_price"] = {"excl_vat": high}
            if draw(st.booleans()):
                incl = high * Decimal("1.2")
                if "incl_vat" in document.get("min_price", {}):
                    incl = max(incl, document["min_price"]["incl_vat"])
                document["max_price"]["incl_vat"] = incl
    return convert_tariff(document)


def _charging(start: datetime, minutes: int, wh: int, kw: Decimal, current: Decimal | None) -> ChargingPeriod:
    dimensions = [
        CdrDimension(type="ENERGY", volume=Decimal(wh) / 1000),
        CdrDimension(type="TIME", volume=Decimal(minutes) / 60),
        CdrDimension(type="POWER", volume=kw),
    ]
    if current is not None:
        dimensions.append(CdrDimension(type="CURRENT", volume=current))
    return ChargingPeriod(start_date_time=start, dimensions=tuple(dimensions))


def _parking(start: datetime, minutes: int) -> ChargingPeriod:
    return ChargingPeriod(
        start_date_time=start, dimensions=(CdrDimension(type="PARKING_TIME", volume=Decimal(minutes) / 60),)
    )


# Durations are multiples of 3 minutes, so hours are exact decimals (0.05 h) and nothing is ever rounded.
durations = st.integers(min_value=1, max_value=60).map(lambda units: units * 3)


_START_OFFSETS = st.integers(min_value=0, max_value=175_000)
_CHARGING_COUNTS = st.integers(min_value=1, max_value=6)
_PARKING_COUNTS = st.integers(min_value=0, max_value=3)
_POWERS = st.decimals(min_value=1, max_value=150, places=1)
_SHARES = st.integers(min_value=0, max_value=100)
_CURRENTS = st.none() | st.decimals(min_value=6, max_value=96, places=0)


@st.composite
def sessions(draw: st.DrawFn) -> tuple[list[ChargingPeriod], datetime, datetime, str]:
    start = utc("2024-01-01T00:00") + timedelta(minutes=3 * draw(_START_OFFSETS))
    moment = start
    periods: list[ChargingPeriod] = []
    for _ in range(draw(_CHARGING_COUNTS)):
        minutes = draw(durations)
        kw = draw(_POWERS)
        wh = int(kw * minutes * 1000 / 60) * draw(_SHARES) // 100
        current = draw(_CURRENTS)
        periods.append(_charging(moment, minutes, wh, kw, current))
        moment += timedelta(minutes=minutes)
    for _ in range(draw(_PARKING_COUNTS)):
        minutes = draw(durations)
        periods.append(_parking(moment, minutes))
        moment += timedelta(minutes=minutes)
    return periods, start, moment, draw(st.sampled_from(ZONES))


def _price(tariff: Tariff, periods: list[ChargingPeriod], start: datetime, end: datetime, zone: str) -> PricedSession:
    return price_charging_periods(tariff, periods, session_start=start, session_end=end, time_zone=zone)


def _prices(session: PricedSession) -> list[tuple[Decimal, Decimal]]:
    totals = session.totals
    result = []
    for price in (
        totals.total_cost,
        totals.total_fixed_cost,
        totals.total_energy_cost,
        totals.total_time_cost,
        totals.total_parking_cost,
        totals.total_reservation_cost,
    ):
        assert price.incl_vat is not None
        result.append((price.excl_vat, price.incl_vat))
    return result


@FAST
@given(tariffs(), sessions())
def test_incl_vat_is_never_below_excl_vat(tariff: Tariff, session: Any) -> None:
    priced = _price(tariff, *session)

    assert all(incl >= excl for excl, incl in _prices(priced))
    # MIN_PRICE/MAX_PRICE lines are adjustments and may be negative; every priced line carries VAT >= 0.
    priced_lines = [line for line in priced.breakdown if line.dimension not in ("MIN_PRICE", "MAX_PRICE")]
    assert all(line.cost_incl_vat >= line.cost_excl_vat for line in priced_lines)


@FAST
@given(tariffs(), sessions())
def test_the_breakdown_sums_to_the_totals(tariff: Tariff, session: Any) -> None:
    priced = _price(tariff, *session)

    excl, incl = exact_total(priced)
    assert (excl.quantize(FOUR, ROUND_HALF_UP), incl.quantize(FOUR, ROUND_HALF_UP)) == _prices(priced)[0]
    for field, dimensions in (
        ("total_energy_cost", {"ENERGY"}),
        ("total_time_cost", {"TIME"}),
        ("total_parking_cost", {"PARKING_TIME"}),
        ("total_fixed_cost", {"FLAT"}),
    ):
        part = sum((line.cost_excl_vat for line in priced.breakdown if line.dimension in dimensions), ZERO)
        assert part.quantize(FOUR, ROUND_HALF_UP) == getattr(priced.totals, field).excl_vat


@FAST
@given(tariffs(), sessions())
def test_the_amount_due_is_the_exact_total_in_cents(tariff: Tariff, session: Any) -> None:
    priced = _price(tariff, *session)

    excl, incl = exact_total(priced)
    cents = Decimal("0.01")
    assert (priced.amount_due, priced.amount_due_incl_vat) == (
        excl.quantize(cents, ROUND_HALF_UP),
        incl.quantize(cents, ROUND_HALF_UP),
    )


@FAST
@given(tariffs(), sessions())
def test_min_price_and_max_price_always_hold(tariff: Tariff, session: Any) -> None:
    priced = _price(tariff, *session)

    total = priced.totals.total_cost
    assert total.incl_vat is not None
    low, high = tariff.min_price, tariff.max_price
    if low is not None:
        assert total.excl_vat >= low.excl_vat
        assert total.incl_vat >= (low.incl_vat if low.incl_vat is not None else low.excl_vat)
    if high is not None:
        assert total.excl_vat <= high.excl_vat
        assert high.incl_vat is None or total.incl_vat <= high.incl_vat


@FAST
@given(tariffs(steps=False), sessions(), st.data())
def test_cost_never_decreases_when_the_session_grows(tariff: Tariff, session: Any, data: st.DataObject) -> None:
    periods, start, end, zone = session
    minutes = data.draw(durations)
    if data.draw(st.booleans()):
        kw = data.draw(st.decimals(min_value=1, max_value=150, places=1))
        extra = _charging(end, minutes, data.draw(st.integers(min_value=0, max_value=50_000)), kw, None)
    else:
        extra = _parking(end, minutes)

    before = _prices(_price(tariff, periods, start, end, zone))[0]
    after = _prices(_price(tariff, [*periods, extra], start, end + timedelta(minutes=minutes), zone))[0]

    assert after[0] >= before[0]
    assert after[1] >= before[1]


@FAST
@given(tariffs(steps=False), sessions(), st.data())
def test_cost_never_decreases_when_more_energy_is_charged(tariff: Tariff, session: Any, data: st.DataObject) -> None:
    periods, start, end, zone = session
    index = data.draw(st.integers(min_value=0, max_value=len(periods) - 1))
    chosen = periods[index]
    assume(chosen.dimensions[0].type == "ENERGY")
    more = chosen.dimensions[0].volume + Decimal(data.draw(st.integers(min_value=1, max_value=20_000))) / 1000
    grown = ChargingPeriod(
        start_date_time=chosen.start_date_time,
        dimensions=(CdrDimension(type="ENERGY", volume=more), *chosen.dimensions[1:]),
    )
    if index + 1 < len(periods):
        # Later periods keep their components only if they saw the same energy before them.
        assume(not any(_has_kwh_restriction(element) for element in tariff.elements))

    before = _prices(_price(tariff, periods, start, end, zone))[0]
    after = _prices(_price(tariff, [*periods[:index], grown, *periods[index + 1 :]], start, end, zone))[0]

    assert after[0] >= before[0]
    assert after[1] >= before[1]


def _has_kwh_restriction(element: Any) -> bool:
    found = element.restrictions
    return found is not None and (found.min_kwh is not None or found.max_kwh is not None)


def _split(item: ChargingPeriod, first_minutes: int, total_minutes: int) -> list[ChargingPeriod]:
    second_start = item.start_date_time + timedelta(minutes=first_minutes)
    first: list[CdrDimension] = []
    second: list[CdrDimension] = []
    for dimension in item.dimensions:
        if dimension.type in ("TIME", "PARKING_TIME"):
            head = Decimal(first_minutes) / 60
            first.append(CdrDimension(type=dimension.type, volume=head))
            second.append(CdrDimension(type=dimension.type, volume=dimension.volume - head))
        elif dimension.type == "ENERGY":
            head = (dimension.volume * first_minutes / total_minutes).quantize(Decimal("0.001"))
            first.append(CdrDimension(type="ENERGY", volume=head))
            second.append(CdrDimension(type="ENERGY", volume=dimension.volume - head))
        else:
            first.append(dimension)
            second.append(dimension)
    return [
        ChargingPeriod(start_date_time=item.start_date_time, dimensions=tuple(first)),
        ChargingPeriod(start_date_time=second_start, dimensions=tuple(second)),
    ]


def _components(session: PricedSession, index: int) -> set[tuple[str, int | None, int | None]]:
    return {
        (line.dimension, line.element_index, line.component_index)
        for line in session.breakdown
        if line.period_index == index and line.dimension != "FLAT"
    }


def _flat(session: PricedSession) -> list[tuple[int | None, int | None]]:
    return [(line.element_index, line.component_index) for line in session.breakdown if line.dimension == "FLAT"]


@FAST
@given(tariffs(steps=False), sessions(), st.data())
def test_splitting_a_period_in_two_changes_nothing(tariff: Tariff, session: Any, data: st.DataObject) -> None:
    periods, start, end, zone = session
    index = data.draw(st.integers(min_value=0, max_value=len(periods) - 1))
    following = periods[index + 1].start_date_time if index + 1 < len(periods) else end
    total_minutes = int((following - periods[index].start_date_time).total_seconds()) // 60
    assume(total_minutes >= 6)
    first_minutes = 3 * data.draw(st.integers(min_value=1, max_value=total_minutes // 3 - 1))
    split = [*periods[:index], *_split(periods[index], first_minutes, total_minutes), *periods[index + 1 :]]

    whole = _price(tariff, periods, start, end, zone)
    halves = _price(tariff, split, start, end, zone)
    # Only a split that keeps the same active components is a mere split; the rest is a new session.
    assume(_components(halves, index) == _components(whole, index) == _components(halves, index + 1))
    assume(_flat(halves) == _flat(whole))

    assert _prices(halves) == _prices(whole)


_SECONDS_IN_YEAR = st.integers(min_value=0, max_value=31_000_000)
_REGISTERS = st.integers(min_value=0, max_value=10**7)
_SAMPLE_COUNTS = st.integers(min_value=1, max_value=12)
_WATTS = st.integers(min_value=0, max_value=150_000)
_GAPS = st.integers(min_value=1, max_value=7200)
_WH_STEPS = st.integers(min_value=0, max_value=40_000)
_PARKING_SECONDS = st.integers(min_value=0, max_value=10_000)


@st.composite
def meter_sessions(draw: st.DrawFn) -> tuple[datetime, list[MeterSample], datetime, datetime, str]:
    start = utc("2024-01-01T00:00") + timedelta(seconds=draw(_SECONDS_IN_YEAR))
    moment, register = start, Decimal(draw(_REGISTERS))
    samples = []
    for _ in range(draw(_SAMPLE_COUNTS)):
        samples.append(MeterSample(moment, register, Decimal(draw(_WATTS))))
        moment += timedelta(seconds=draw(_GAPS))
        register += draw(_WH_STEPS)
    samples.append(MeterSample(moment, register))
    session_end = moment + timedelta(seconds=draw(_PARKING_SECONDS))
    return start, samples, moment, session_end, draw(st.sampled_from(ZONES))


@FAST
@given(tariffs(), meter_sessions())
def test_built_periods_account_for_all_energy_and_time(tariff: Tariff, session: Any) -> None:
    start, samples, charging_end, session_end, zone = session

    periods = build_charging_periods(
        tariff,
        session_start=start,
        samples=samples,
        charging_end=charging_end,
        session_end=session_end,
        time_zone=zone,
    )

    volumes: dict[str, Decimal] = {}
    for item in periods:
        for dimension in item.dimensions:
            volumes[dimension.type] = volumes.get(dimension.type, ZERO) + dimension.volume
    hours = Decimal((session_end - start) // timedelta(microseconds=1)) / Decimal(3_600_000_000)
    assert volumes.get("ENERGY", ZERO) * 1000 == samples[-1].energy_wh - samples[0].energy_wh
    assert abs(volumes.get("TIME", ZERO) + volumes.get("PARKING_TIME", ZERO) - hours) < Decimal("1e-9")
