"""Charging periods built from meter samples: where they split, what they carry, what is refused."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal as D

import pytest

from chargeassist.domain.tariffs import (
    ChargingPeriod,
    MeterSample,
    Tariff,
    build_charging_periods,
    price_charging_periods,
    price_session,
)

from .factories import component, cost, element, later, tariff, utc

START = utc("2024-06-03T10:00")  # a Monday
FLAT_RATE = tariff(element(component("ENERGY", "0.30"), component("TIME", "1.00"), component("PARKING_TIME", "2.00")))


def _steady(start: datetime, hours: float, kw: str, *, baseline: str = "0", **extra: D) -> list[MeterSample]:
    """Readings at the start and end of charging at a constant power."""
    end = later(start, hours=hours)
    energy = D(baseline) + D(kw) * D(str(hours)) * 1000
    watts = D(kw) * 1000
    return [
        MeterSample(start, D(baseline), watts, extra.get("current")),
        MeterSample(end, energy, watts, extra.get("current")),
    ]


def _build(
    used_tariff: Tariff,
    samples: Sequence[MeterSample],
    charging_end: datetime,
    session_end: datetime,
    *,
    start: datetime = START,
    time_zone: str = "UTC",
) -> list[ChargingPeriod]:
    return build_charging_periods(
        used_tariff,
        session_start=start,
        samples=samples,
        charging_end=charging_end,
        session_end=session_end,
        time_zone=time_zone,
    )


def _starts(periods: Sequence[ChargingPeriod]) -> list[datetime]:
    return [item.start_date_time for item in periods]


def _volume(item: ChargingPeriod, kind: str) -> D | None:
    return next((dimension.volume for dimension in item.dimensions if dimension.type == kind), None)


def test_an_unrestricted_tariff_gives_one_charging_and_one_parking_period() -> None:
    periods = _build(FLAT_RATE, _steady(START, 2, "11"), later(START, hours=2), later(START, hours=3))

    assert _starts(periods) == [START, later(START, hours=2)]


def test_a_charging_period_carries_energy_time_and_power() -> None:
    periods = _build(FLAT_RATE, _steady(START, 2, "11"), later(START, hours=2), later(START, hours=2))

    assert [(dimension.type, dimension.volume) for dimension in periods[0].dimensions] == [
        ("ENERGY", D(22)),
        ("TIME", D(2)),
        ("POWER", D(11)),
    ]


def test_current_and_state_of_charge_are_carried_when_sampled() -> None:
    samples = [
        MeterSample(START, D(0), D(11000), D(16), D(20)),
        MeterSample(later(START, hours=1), D(11000), D(11000), D(16), D(45)),
    ]

    periods = _build(FLAT_RATE, samples, later(START, hours=1), later(START, hours=1))

    assert (_volume(periods[0], "CURRENT"), _volume(periods[0], "STATE_OF_CHARGE")) == (D(16), D(45))


def test_time_after_charging_is_parking_time() -> None:
    periods = _build(FLAT_RATE, _steady(START, 2, "11"), later(START, hours=2), later(START, hours=2.5))

    assert [(dimension.type, dimension.volume) for dimension in periods[1].dimensions] == [("PARKING_TIME", D("0.5"))]


def test_energy_is_counted_from_the_first_reading() -> None:
    periods = _build(FLAT_RATE, _steady(START, 1, "7", baseline="123456"), later(START, hours=1), later(START, hours=1))

    assert _volume(periods[0], "ENERGY") == D(7)


def test_a_local_time_boundary_splits_the_session() -> None:
    evening = tariff(
        element(component("ENERGY", "0.50"), start_time="17:00", end_time="20:00"), element(component("ENERGY", "0.30"))
    )
    begin = utc("2024-06-03T14:00")

    periods = _build(
        evening,
        _steady(begin, 2, "11"),
        later(begin, hours=2),
        later(begin, hours=2),
        start=begin,
        time_zone="Europe/Amsterdam",
    )

    assert _starts(periods) == [begin, utc("2024-06-03T15:00")]


def test_a_boundary_in_the_spring_dst_gap_falls_on_the_transition() -> None:
    # Europe/Berlin skips from 02:00 to 03:00 on 2024-03-31 (01:00 UTC); 02:30 local never happens.
    night = tariff(element(component("ENERGY", "0.50"), start_time="02:30"), element(component("ENERGY", "0.30")))
    begin = utc("2024-03-31T00:30")

    periods = _build(
        night,
        _steady(begin, 1, "11"),
        later(begin, hours=1),
        later(begin, hours=1),
        start=begin,
        time_zone="Europe/Berlin",
    )

    assert _starts(periods) == [begin, utc("2024-03-31T01:00")]


def test_a_boundary_in_the_autumn_dst_fold_splits_on_both_passes() -> None:
    # Europe/Berlin goes from 03:00 CEST back to 02:00 CET on 2024-10-27 (01:00 UTC): 02:30 happens twice.
    early = tariff(element(component("ENERGY", "0.50"), end_time="02:30"), element(component("ENERGY", "0.30")))
    begin = utc("2024-10-27T00:00")

    periods = _build(
        early,
        _steady(begin, 2, "11"),
        later(begin, hours=2),
        later(begin, hours=2),
        start=begin,
        time_zone="Europe/Berlin",
    )

    assert _starts(periods) == [begin, utc("2024-10-27T00:30"), utc("2024-10-27T01:00"), utc("2024-10-27T01:30")]


def test_local_midnight_splits_when_weekdays_matter() -> None:
    weekend = tariff(
        element(component("ENERGY", "0.50"), day_of_week=["SATURDAY"]), element(component("ENERGY", "0.30"))
    )
    begin = utc("2024-06-07T21:00")  # Friday 23:00 in Berlin

    periods = _build(
        weekend,
        _steady(begin, 2, "11"),
        later(begin, hours=2),
        later(begin, hours=2),
        start=begin,
        time_zone="Europe/Berlin",
    )

    assert _starts(periods) == [begin, utc("2024-06-07T22:00")]


def test_a_duration_mark_splits_the_session() -> None:
    first_half_hour = tariff(
        element(component("ENERGY", "0.00"), max_duration=1800), element(component("ENERGY", "0.30"))
    )

    periods = _build(first_half_hour, _steady(START, 1, "11"), later(START, hours=1), later(START, hours=1))

    assert _starts(periods) == [START, later(START, minutes=30)]


def test_the_period_after_a_kwh_mark_starts_at_exactly_that_amount() -> None:
    first_5_kwh = tariff(element(component("ENERGY", "0.10"), max_kwh=D(5)), element(component("ENERGY", "0.30")))

    periods = _build(first_5_kwh, _steady(START, 1, "11"), later(START, hours=1), later(START, hours=1))

    assert [_volume(item, "ENERGY") for item in periods] == [D(5), D(6)]


def test_a_kwh_mark_moves_the_price_at_the_right_amount() -> None:
    first_5_kwh = tariff(element(component("ENERGY", "0.10"), max_kwh=D(5)), element(component("ENERGY", "0.30")))

    session = price_session(
        first_5_kwh,
        session_start=START,
        samples=_steady(START, 1, "11"),
        charging_end=later(START, hours=1),
        session_end=later(START, hours=1),
        time_zone="UTC",
    )

    assert cost(session) == (D("2.3000"), D("2.3000"))


def test_power_crossing_a_tariff_value_splits_at_the_sample() -> None:
    samples = [
        MeterSample(START, D(0), D(50000)),
        MeterSample(later(START, minutes=30), D(25000), D(10000)),
        MeterSample(later(START, minutes=60), D(30000), D(10000)),
    ]
    fast = tariff(element(component("ENERGY", "0.60"), min_power=D(22)), element(component("ENERGY", "0.30")))

    periods = _build(fast, samples, later(START, hours=1), later(START, hours=1))

    assert [(_volume(item, "ENERGY"), _volume(item, "POWER")) for item in periods] == [(D(25), D(50)), (D(5), D(10))]


def test_power_changes_within_one_band_do_not_split() -> None:
    samples = [
        MeterSample(START, D(0), D(50000)),
        MeterSample(later(START, minutes=30), D(25000), D(30000)),
        MeterSample(later(START, minutes=60), D(40000), D(30000)),
    ]
    fast = tariff(element(component("ENERGY", "0.60"), min_power=D(22)), element(component("ENERGY", "0.30")))

    periods = _build(fast, samples, later(START, hours=1), later(START, hours=1))

    assert [(_volume(item, "ENERGY"), _volume(item, "POWER")) for item in periods] == [(D(40), D(40))]


def test_current_crossing_a_tariff_value_splits_at_the_sample() -> None:
    samples = [
        MeterSample(START, D(0), D(11000), D(16)),
        MeterSample(later(START, minutes=30), D(5500), D(22000), D(32)),
        MeterSample(later(START, minutes=60), D(16500), D(22000), D(32)),
    ]
    strong = tariff(element(component("TIME", "2.00"), min_current=D(32)), element(component("TIME", "1.00")))

    periods = _build(strong, samples, later(START, hours=1), later(START, hours=1))

    assert [_volume(item, "CURRENT") for item in periods] == [D(16), D(32)]


def test_without_power_readings_the_average_power_is_used() -> None:
    samples = [MeterSample(START, D(0)), MeterSample(later(START, hours=2), D(22000))]

    periods = _build(FLAT_RATE, samples, later(START, hours=2), later(START, hours=2))

    assert _volume(periods[0], "POWER") == D(11)


def test_an_idle_tail_before_charging_end_is_parking_time() -> None:
    samples = [
        MeterSample(START, D(0), D(11000)),
        MeterSample(later(START, hours=1), D(11000), D(0)),
        MeterSample(later(START, hours=2), D(11000), D(0)),
    ]

    periods = _build(FLAT_RATE, samples, later(START, hours=2), later(START, hours=3))

    assert [(_volume(item, "TIME"), _volume(item, "PARKING_TIME")) for item in periods] == [(D(1), None), (None, D(2))]


def test_a_flat_register_with_power_reported_is_still_charging() -> None:
    samples = [
        MeterSample(START, D(0), D(11000)),
        MeterSample(later(START, hours=1), D(11000), D(40)),
        MeterSample(later(START, hours=2), D(11000), D(40)),
    ]

    periods = _build(FLAT_RATE, samples, later(START, hours=2), later(START, hours=2))

    assert _volume(periods[0], "TIME") == D(2)


def test_energy_registered_after_charging_end_counts_as_charged() -> None:
    samples = [MeterSample(START, D(0)), MeterSample(later(START, hours=3), D(22000))]

    periods = _build(FLAT_RATE, samples, later(START, hours=2), later(START, hours=3))

    assert [_volume(item, "ENERGY") for item in periods] == [D(22), None]


def test_readings_before_the_session_start_count_from_the_start() -> None:
    samples = [MeterSample(later(START, minutes=-5), D(1000)), MeterSample(later(START, hours=1), D(12000))]

    periods = _build(FLAT_RATE, samples, later(START, hours=1), later(START, hours=1))

    assert _volume(periods[0], "ENERGY") == D(11)


def test_a_session_without_readings_has_time_but_no_energy() -> None:
    periods = _build(FLAT_RATE, [], later(START, hours=1), later(START, hours=1))

    assert (_volume(periods[0], "ENERGY"), _volume(periods[0], "TIME")) == (D(0), D(1))


def test_a_session_of_no_length_has_no_periods() -> None:
    assert _build(FLAT_RATE, [], START, START) == []


def test_time_volumes_add_up_to_the_session() -> None:
    night = tariff(
        element(component("TIME", "0.50"), start_time="22:00", end_time="06:00"), element(component("TIME", "1.00"))
    )
    begin = utc("2024-06-03T20:17:13")

    periods = _build(night, _steady(begin, 7.3, "3.7"), later(begin, hours=7.3), later(begin, hours=9), start=begin)

    total = sum(((_volume(item, "TIME") or 0) + (_volume(item, "PARKING_TIME") or 0) for item in periods), D(0))
    assert abs(total - D(9)) < D("1e-9")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"session_start": datetime(2024, 6, 3, 10)}, "session_start"),
        ({"charging_end": later(START, hours=5)}, "charging_end"),
        ({"samples": [MeterSample(START, D(10)), MeterSample(later(START, hours=1), D(5))]}, "lower"),
        ({"samples": [MeterSample(later(START, hours=1), D(10)), MeterSample(START, D(5))]}, "earlier"),
        ({"samples": [MeterSample(START, D(-1))]}, "energy_wh"),
        ({"samples": [MeterSample(datetime(2024, 6, 3, 10), D(1))]}, "timestamp"),
        ({"samples": [MeterSample(START, D(1), D("NaN"))]}, "power_w"),
    ],
)
def test_unusable_meter_data_is_refused(changes: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {
        "session_start": START,
        "samples": _steady(START, 1, "11"),
        "charging_end": later(START, hours=1),
        "session_end": later(START, hours=2),
        "time_zone": "UTC",
    }
    arguments.update(changes)

    with pytest.raises(ValueError, match=message):
        build_charging_periods(FLAT_RATE, **arguments)  # type: ignore[arg-type]


def test_price_session_prices_the_built_periods() -> None:
    samples = _steady(START, 2, "11")
    periods = _build(FLAT_RATE, samples, later(START, hours=2), later(START, hours=3))

    session = price_session(
        FLAT_RATE,
        session_start=START,
        samples=samples,
        charging_end=later(START, hours=2),
        session_end=later(START, hours=3),
        time_zone="UTC",
    )

    assert (
        session.totals
        == price_charging_periods(FLAT_RATE, periods, session_start=START, session_end=later(START, hours=3)).totals
    )


def test_a_reservation_before_the_session_is_priced() -> None:
    reserving = tariff(
        element(component("TIME", "5.00", step=60), reservation="RESERVATION"), element(component("ENERGY", "0.25"))
    )

    session = price_session(
        reserving,
        session_start=START,
        samples=_steady(START, 1, "11"),
        charging_end=later(START, hours=1),
        session_end=later(START, hours=1),
        time_zone="UTC",
        reservation_start=later(START, minutes=-15),
    )

    assert cost(session, "total_reservation_cost") == (D("1.2500"), D("1.2500"))


def test_the_max_power_example_from_meter_readings_costs_20_30() -> None:
    max_power = tariff(
        element(component("ENERGY", "0.20", vat="20"), max_power=D(16)),
        element(component("ENERGY", "0.35", vat="20"), max_power=D(32)),
        element(component("ENERGY", "0.50", vat="20")),
    )
    samples = [
        MeterSample(START, D(0), D(6000)),
        MeterSample(later(START, minutes=10), D(1000), D(48000)),
        MeterSample(later(START, minutes=60), D(41000), D(4000)),
        MeterSample(later(START, minutes=67.5), D(41500), D(4000)),
    ]

    session = price_session(
        max_power,
        session_start=START,
        samples=samples,
        charging_end=later(START, minutes=67.5),
        session_end=later(START, minutes=67.5),
        time_zone="UTC",
    )

    assert cost(session) == (D("20.3000"), D("24.3600"))


def test_the_max_duration_example_from_meter_readings_costs_0_30() -> None:
    max_duration = tariff(
        element(component("ENERGY", "0.00", vat="20"), max_duration=1800),
        element(component("ENERGY", "0.25", vat="20"), max_duration=3600),
        element(component("ENERGY", "0.40", vat="20")),
    )
    samples = [
        MeterSample(START, D(0)),
        MeterSample(later(START, minutes=30), D(5000)),
        MeterSample(later(START, minutes=40), D(6200)),
    ]

    session = price_session(
        max_duration,
        session_start=START,
        samples=samples,
        charging_end=later(START, minutes=40),
        session_end=later(START, minutes=40),
        time_zone="UTC",
    )

    assert cost(session) == (D("0.3000"), D("0.3600"))


def test_one_second_sessions_work() -> None:
    periods = _build(
        FLAT_RATE, _steady(START, 1 / 3600, "11"), later(START, hours=1 / 3600), START + timedelta(seconds=1)
    )

    assert len(periods) == 1
