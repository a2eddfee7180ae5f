"""The worked examples of the OCPI 2.2.1 Tariffs module (and the step_size examples of the CDRs module), with
the totals the bug-fixed text gives. Tariffs and sessions are written from the examples' descriptions.

Three published figures are arithmetic slips of the text and are asserted corrected, each saying why:
the Saturday complex session, the "switching to Free-of-Charge Tariff Element" session, and the
"first hour free" session (whose figure only holds if durations counted from the end of charging).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest

from chargeassist.domain.tariffs import (
    ChargingPeriod,
    PricedSession,
    Tariff,
    price_charging_periods,
    price_expired_reservation,
)

from .factories import component, cost, element, later, minutes, period, tariff, utc

BERLIN = ZoneInfo("Europe/Berlin")


def _price(
    used_tariff: Tariff,
    periods: Sequence[ChargingPeriod],
    end: datetime,
    *,
    time_zone: ZoneInfo | str = "UTC",
) -> PricedSession:
    return price_charging_periods(
        used_tariff, periods, session_start=periods[0].start_date_time, session_end=end, time_zone=time_zone
    )


def _line_quantities(session: PricedSession, dimension: str) -> list[D]:
    return [line.quantity for line in session.breakdown if line.dimension == dimension]


def _line_minutes(session: PricedSession, dimension: str) -> list[D]:
    """Billed minutes per line, to the microsecond (hours are not exact decimals)."""
    return [(quantity * 60).quantize(D("0.00000001")).normalize() for quantity in _line_quantities(session, dimension)]


# "Simple Tariff example 0.25 euro per kWh"
SIMPLE_025 = tariff(element(component("ENERGY", "0.25", vat="10")))
START = utc("2022-01-13T14:30")


def test_simple_025_per_kwh_costs_5_00_for_20_kwh() -> None:
    session = _price(SIMPLE_025, [period(START, energy=20, time=1)], later(START, hours=1))

    assert cost(session) == (D("5.0000"), D("5.5000"))


# "Tariff example 0.25 euro per kWh + start fee"
START_FEE = tariff(element(component("FLAT", "0.50", vat="20"), component("ENERGY", "0.25", vat="10")))


def test_025_per_kwh_with_start_fee_costs_5_50_for_20_kwh() -> None:
    session = _price(START_FEE, [period(START, energy=20, time=1)], later(START, hours=1))

    assert cost(session) == (D("5.5000"), D("6.1000"))


# "Tariff example 0.25 euro per kWh + minimum price"
MIN_PRICE = tariff(
    element(component("ENERGY", "0.25", vat="10")), min_price={"excl_vat": D("0.50"), "incl_vat": D("0.55")}
)


def test_min_price_does_not_touch_a_20_kwh_session() -> None:
    session = _price(MIN_PRICE, [period(START, energy=20, time=1)], later(START, hours=1))

    assert cost(session) == (D("5.0000"), D("5.5000"))


def test_min_price_is_billed_below_2_kwh() -> None:
    session = _price(MIN_PRICE, [period(START, energy="1.2", time=1)], later(START, hours=1))

    assert cost(session) == (D("0.5000"), D("0.5500"))


# "Tariff example 0.25 euro per kWh + parking fee + start fee"
PARKING_START = tariff(
    element(
        component("FLAT", "0.50", vat="20"),
        component("ENERGY", "0.25", vat="10"),
        component("PARKING_TIME", "2.00", vat="20", step=900),
    )
)


def test_20_kwh_and_40_minutes_parking_cost_7_00() -> None:
    periods = [period(START, energy=20, time=2), period(later(START, hours=2), parking=minutes(40))]

    session = _price(PARKING_START, periods, later(START, hours=2, minutes=40))

    assert cost(session) == (D("7.0000"), D("7.9000"))


def test_40_minutes_parking_are_billed_as_45() -> None:
    periods = [period(START, energy=20, time=2), period(later(START, hours=2), parking=minutes(40))]

    session = _price(PARKING_START, periods, later(START, hours=2, minutes=40))

    assert _line_quantities(session, "PARKING_TIME") == [D("0.75")]


# "Tariff example 0.25 euro per kWh + start fee + max price + tariff end date"
MAX_PRICE = tariff(
    element(component("FLAT", "0.50", vat="20"), component("ENERGY", "0.25", vat="10")),
    max_price={"excl_vat": D(10), "incl_vat": D(11)},
    end_date_time="2019-06-30T23:59:59Z",
)
BEFORE_END = utc("2019-03-01T10:00")


def test_max_price_caps_a_50_kwh_session_at_10_00() -> None:
    session = _price(MAX_PRICE, [period(BEFORE_END, energy=50, time=5)], later(BEFORE_END, hours=5))

    assert cost(session) == (D("10.0000"), D("11.0000"))


def test_max_price_leaves_a_30_kwh_session_at_8_00() -> None:
    session = _price(MAX_PRICE, [period(BEFORE_END, energy=30, time=3)], later(BEFORE_END, hours=3))

    assert cost(session) == (D("8.0000"), D("8.8500"))


# "Simple Tariff example 2 euro per hour"
TWO_PER_HOUR = tariff(element(component("TIME", "2.00", vat="10", step=60)))


def test_two_and_a_half_hours_cost_5_00() -> None:
    session = _price(TWO_PER_HOUR, [period(START, time="2.5")], later(START, hours=2.5))

    assert cost(session) == (D("5.0000"), D("5.5000"))


def test_a_time_only_tariff_does_not_bill_parking() -> None:
    periods = [period(START, time="2.5"), period(later(START, hours=2.5), parking=1)]

    session = _price(TWO_PER_HOUR, periods, later(START, hours=3.5))

    assert cost(session) == (D("5.0000"), D("5.5000"))


# "Simple Tariff example 3 euro per hour, 5 euro per hour parking"
THREE_AND_FIVE = tariff(
    element(component("TIME", "3.00", vat="10", step=60), component("PARKING_TIME", "5.00", vat="20", step=300))
)


def test_150_minutes_charging_and_42_parking_cost_11_25() -> None:
    periods = [period(START, time="2.5"), period(later(START, minutes=150), parking=minutes(42))]

    session = _price(THREE_AND_FIVE, periods, later(START, minutes=192))

    assert cost(session) == (D("11.2500"), D("12.7500"))


# "Ad-Hoc simple Tariff example with multiple languages"
ALT_TEXT = tariff(
    element(component("TIME", "1.90", vat="5.2", step=300)),
    type="AD_HOC_PAYMENT",
    tariff_alt_text=[
        {"language": "en", "text": "2.00 euro p/hour including VAT."},
        {"language": "nl", "text": "2.00 euro p/uur inclusief BTW."},
    ],
)


def test_ad_hoc_two_and_a_half_hours_charge_4_75_and_5_00_incl_vat() -> None:
    session = _price(ALT_TEXT, [period(START, time="2.5")], later(START, hours=2.5))

    assert (session.amount_due, session.amount_due_incl_vat) == (D("4.75"), D("5.00"))


# "Simple Tariff example with alternative URL"
def _alt_url(energy_price: str) -> Tariff:
    return tariff(
        element(component("FLAT", "0.50", vat="20"), component("ENERGY", energy_price, vat="10", step=100)),
        type="PROFILE_CHEAP",
        tariff_alt_url="https://company.com/tariffs/13",
    )


def test_alt_url_bills_20_45_kwh_as_20_5() -> None:
    session = _price(_alt_url("0.25"), [period(START, energy="20.45", time=2)], later(START, hours=2))

    assert _line_quantities(session, "ENERGY") == [D("20.5")]


def test_alt_url_energy_costs_5_13_and_5_64_in_cents() -> None:
    session = _price(_alt_url("0.25"), [period(START, energy="20.45", time=2)], later(START, hours=2))

    assert cost(session, "total_energy_cost") == (D("5.1250"), D("5.6375"))


def test_alt_url_session_charges_5_63_and_6_24() -> None:
    session = _price(_alt_url("0.25"), [period(START, energy="20.45", time=2)], later(START, hours=2))

    assert (session.amount_due, session.amount_due_incl_vat) == (D("5.63"), D("6.24"))


def test_alt_url_at_the_real_time_price_of_0_22_charges_5_01_and_5_56() -> None:
    session = _price(_alt_url("0.22"), [period(START, energy="20.45", time=2)], later(START, hours=2))

    assert (session.amount_due, session.amount_due_incl_vat) == (D("5.01"), D("5.56"))


# "Complex Tariff example"
WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]
COMPLEX = tariff(
    element(component("FLAT", "2.50", vat="15")),
    element(component("TIME", "1.00", vat="20", step=900), max_current=D(32)),
    element(component("TIME", "2.00", vat="20", step=600), min_current=D(32), day_of_week=WEEKDAYS),
    element(component("TIME", "1.25", vat="20", step=600), min_current=D(32), day_of_week=["SATURDAY", "SUNDAY"]),
    element(
        component("PARKING_TIME", "5.00", vat="10", step=300),
        start_time="09:00",
        end_time="18:00",
        day_of_week=WEEKDAYS,
    ),
    element(
        component("PARKING_TIME", "6.00", vat="10", step=300),
        start_time="10:00",
        end_time="17:00",
        day_of_week=["SATURDAY"],
    ),
    type="REGULAR",
    tariff_alt_url="https://company.com/tariffs/14",
)
MONDAY_0930 = datetime(2024, 6, 3, 9, 30, tzinfo=BERLIN)
SATURDAY_1330 = datetime(2024, 6, 8, 13, 30, tzinfo=BERLIN)


def _monday() -> PricedSession:
    periods = [
        period(MONDAY_0930, time="2.75", current=16),
        period(later(MONDAY_0930, minutes=165), parking=minutes(42)),
    ]
    return _price(COMPLEX, periods, later(MONDAY_0930, minutes=207), time_zone=BERLIN)


def _saturday() -> PricedSession:
    periods = [
        period(SATURDAY_1330, time="1.9", current=43),
        period(later(SATURDAY_1330, minutes=114), parking=minutes(71)),
    ]
    return _price(COMPLEX, periods, later(SATURDAY_1330, minutes=185), time_zone=BERLIN)


def test_complex_monday_session_costs_9_00_and_10_30() -> None:
    assert cost(_monday()) == (D("9.0000"), D("10.3000"))


def test_complex_monday_charging_time_is_not_rounded_before_parking() -> None:
    assert _line_quantities(_monday(), "TIME") == [D("2.75")]


def test_complex_saturday_bills_75_minutes_of_parking_at_6_00() -> None:
    assert cost(_saturday(), "total_parking_cost") == (D("7.5000"), D("8.2500"))


def test_complex_saturday_bills_114_minutes_of_charging_at_1_25() -> None:
    # The text's breakdown prices these 114 minutes at 1.20 per hour (2.28); its own tariff says 1.25.
    assert cost(_saturday(), "total_time_cost") == (D("2.3750"), D("2.8500"))


def test_complex_saturday_total_is_corrected_from_the_text() -> None:
    # The text gives 12.28 / 13.861, the sum with the slip above; with 1.25 per hour it is 12.375 / 13.975.
    assert cost(_saturday()) == (D("12.3750"), D("13.9750"))


# "Free of Charge Tariff example"
FREE = tariff(element(component("FLAT", "0.00", step=0)))


def test_a_free_of_charge_tariff_costs_nothing() -> None:
    periods = [period(START, energy=30, time=2), period(later(START, hours=2), parking=3)]

    session = _price(FREE, periods, later(START, hours=5))

    assert cost(session) == (D("0.0000"), D("0.0000"))


# "First hour free energy example"
FIRST_HOUR_FREE = tariff(
    element(component("PARKING_TIME", "0.00", step=60), min_duration=0, max_duration=3600),
    element(component("PARKING_TIME", "2.00", step=60), min_duration=3600, max_duration=10800),
    element(component("PARKING_TIME", "3.00", step=60), min_duration=10800),
    element(component("ENERGY", "0.00"), max_kwh=D("1.0")),
    element(component("ENERGY", "0.20"), min_kwh=D("1.0")),
)


def test_first_hour_free_costs_7_30_when_parking_starts_at_plug_in() -> None:
    # The text's 7.30 (3.80 energy + 1.75 h at 2.00) counts the free hour from the end of charging, while
    # min/max_duration count from the start of the session; the two agree when charging takes no time.
    periods = [
        period(START, energy=1),
        period(START, energy=19),
        period(START, parking=1),
        period(later(START, hours=1), parking="1.75"),
    ]

    session = _price(FIRST_HOUR_FREE, periods, later(START, hours=2.75))

    assert cost(session) == (D("7.3000"), D("7.3000"))


def test_first_hour_free_counts_durations_from_the_session_start() -> None:
    # 20 kWh in 30 minutes, then 2.75 h parked: parking is free until 1 h into the session, 2.00 per hour
    # until 3 h, then 3.00 per hour: 3.80 energy + 4.00 + 0.75 parking = 8.55 (not the text's 7.30).
    periods = [
        period(START, energy=1, time=minutes(3)),
        period(later(START, minutes=3), energy=19, time=minutes(27)),
        period(later(START, minutes=30), parking="0.5"),
        period(later(START, hours=1), parking=2),
        period(later(START, hours=3), parking="0.25"),
    ]

    session = _price(FIRST_HOUR_FREE, periods, later(START, hours=3.25))

    assert cost(session) == (D("8.5500"), D("8.5500"))


def test_first_hour_free_charges_the_energy_after_the_first_kwh() -> None:
    periods = [period(START, energy=1, time=minutes(3)), period(later(START, minutes=3), energy=19, time=minutes(27))]

    session = _price(FIRST_HOUR_FREE, periods, later(START, minutes=30))

    assert cost(session, "total_energy_cost") == (D("3.8000"), D("3.8000"))


# Reservation examples
RESERVATION_5 = tariff(
    element(component("TIME", "5.00", vat="20", step=60), reservation="RESERVATION"),
    element(component("FLAT", "0.50", vat="20"), component("ENERGY", "0.25", vat="10")),
)
RESERVATION_FEE = tariff(
    element(
        component("FLAT", "2.00", vat="20"), component("TIME", "5.00", vat="20", step=300), reservation="RESERVATION"
    ),
    element(component("FLAT", "0.50", vat="20"), component("ENERGY", "0.25", vat="10")),
)
EXPIRE_FEE = tariff(
    element(component("FLAT", "4.00", vat="20"), reservation="RESERVATION_EXPIRES"),
    element(component("TIME", "2.00", vat="20", step=600), reservation="RESERVATION"),
    element(component("FLAT", "0.50", vat="20"), component("ENERGY", "0.25", vat="10")),
)
EXPIRE_TIME = tariff(
    element(component("TIME", "6.00", vat="20", step=600), reservation="RESERVATION_EXPIRES"),
    element(component("TIME", "3.00", vat="20", step=600), reservation="RESERVATION"),
    element(component("FLAT", "0.50", vat="20"), component("ENERGY", "0.25", vat="10")),
)


def _reserved_then_charged(used_tariff: Tariff, waited_minutes: int) -> PricedSession:
    charging_start = later(START, minutes=waited_minutes)
    periods = [period(START, reservation=minutes(waited_minutes)), period(charging_start, energy=20, time=2)]
    return _price(used_tariff, periods, later(charging_start, hours=2))


def test_reservation_of_15_minutes_and_20_kwh_cost_6_75() -> None:
    assert cost(_reserved_then_charged(RESERVATION_5, 15)) == (D("6.7500"), D("7.6000"))


def test_reservation_of_15_minutes_costs_1_25() -> None:
    assert cost(_reserved_then_charged(RESERVATION_5, 15), "total_reservation_cost") == (D("1.2500"), D("1.5000"))


def test_reservation_fee_session_of_13_minutes_costs_8_75() -> None:
    assert cost(_reserved_then_charged(RESERVATION_FEE, 13)) == (D("8.7500"), D("10.0000"))


def test_reservation_fee_bills_13_minutes_as_15() -> None:
    assert _line_quantities(_reserved_then_charged(RESERVATION_FEE, 13), "RESERVATION_TIME") == [D("0.25")]


def test_reservation_fee_and_time_are_reservation_cost_not_fixed_cost() -> None:
    session = _reserved_then_charged(RESERVATION_FEE, 13)

    assert (cost(session, "total_reservation_cost"), cost(session, "total_fixed_cost")) == (
        (D("3.2500"), D("3.9000")),
        (D("0.5000"), D("0.6000")),
    )


def test_expire_fee_example_used_after_22_minutes_costs_6_50() -> None:
    assert cost(_reserved_then_charged(EXPIRE_FEE, 22)) == (D("6.5000"), D("7.3000"))


def test_expire_fee_example_expired_after_an_hour_costs_6_00() -> None:
    session = price_expired_reservation(
        EXPIRE_FEE, reservation_start=START, reservation_end=later(START, hours=1), time_zone="UTC"
    )

    assert cost(session) == (D("6.0000"), D("7.2000"))


def test_expire_time_example_used_after_22_minutes_costs_7_00() -> None:
    assert cost(_reserved_then_charged(EXPIRE_TIME, 22)) == (D("7.0000"), D("7.9000"))


def test_expire_time_example_expired_after_90_minutes_costs_9_00() -> None:
    session = _price(EXPIRE_TIME, [period(START, reservation="1.5")], later(START, hours=1.5))

    assert cost(session) == (D("9.0000"), D("10.8000"))


# step_size examples of the Tariffs module ("Example Tariff" switching between elements)
STEP_SIZE = tariff(
    element(
        component("TIME", "1.20", step=1800),
        component("PARKING_TIME", "1.00", step=900),
        start_time="00:00",
        end_time="17:00",
    ),
    element(
        component("TIME", "2.40", step=900),
        component("PARKING_TIME", "1.00", step=900),
        start_time="17:00",
        end_time="20:00",
    ),
    element(component("TIME", "2.40", step=900), start_time="20:00", end_time="00:00"),
)


def test_switching_elements_1_costs_0_55() -> None:
    plug_in = utc("2024-06-03T16:55")
    periods = [
        period(plug_in, time=minutes(5)),
        period(later(plug_in, minutes=5), time=minutes(5)),
        period(later(plug_in, minutes=10), parking=minutes(2)),
    ]

    session = _price(STEP_SIZE, periods, later(plug_in, minutes=12))

    assert cost(session) == (D("0.5500"), D("0.5500"))


def test_switching_elements_2_costs_1_30() -> None:
    plug_in = utc("2024-06-03T16:35")
    periods = [period(plug_in, time=minutes(25)), period(later(plug_in, minutes=25), time=minutes(10))]

    session = _price(STEP_SIZE, periods, later(plug_in, minutes=35))

    assert cost(session) == (D("1.3000"), D("1.3000"))


def test_switching_elements_2_bills_20_minutes_after_17_00() -> None:
    plug_in = utc("2024-06-03T16:35")
    periods = [period(plug_in, time=minutes(25)), period(later(plug_in, minutes=25), time=minutes(10))]

    session = _price(STEP_SIZE, periods, later(plug_in, minutes=35))

    assert _line_minutes(session, "TIME") == [D(25), D(20)]


def test_switching_to_free_parking_costs_0_73() -> None:
    # The text prices 12 min of charging between 19:40 and 19:52 at "1.20" (0.20) and 15 billed parking
    # minutes at "2.40" (0.60), 0.80 in all; its tariff gives 2.40 per hour charging there (0.48) and
    # 1.00 per hour parking (8 minutes rounded up to 15: 0.25), which is 0.73.
    plug_in = utc("2024-06-03T19:40")
    periods = [
        period(plug_in, time=minutes(12)),
        period(later(plug_in, minutes=12), parking=minutes(8)),
        period(later(plug_in, minutes=20), parking=minutes(12)),
    ]

    session = _price(STEP_SIZE, periods, later(plug_in, minutes=32))

    assert cost(session) == (D("0.7300"), D("0.7300"))


def test_switching_to_free_parking_bills_8_minutes_of_parking_as_15() -> None:
    plug_in = utc("2024-06-03T19:40")
    periods = [
        period(plug_in, time=minutes(12)),
        period(later(plug_in, minutes=12), parking=minutes(8)),
        period(later(plug_in, minutes=20), parking=minutes(12)),
    ]

    session = _price(STEP_SIZE, periods, later(plug_in, minutes=32))

    assert _line_quantities(session, "PARKING_TIME") == [D("0.25")]


def test_switching_to_free_parking_in_the_unfixed_text_costs_0_60() -> None:
    # OCPI 2.2.1 before the fixes: 19:55, 10 min charging then 2 min (free) parking after 20:00.
    plug_in = utc("2024-06-03T19:55")
    periods = [
        period(plug_in, time=minutes(5)),
        period(later(plug_in, minutes=5), time=minutes(5)),
        period(later(plug_in, minutes=10), parking=minutes(2)),
    ]

    session = _price(STEP_SIZE, periods, later(plug_in, minutes=12))

    assert cost(session) == (D("0.6000"), D("0.6000"))


# step_size notes of the PriceComponent class: 115.2 Wh at 0.25 per kWh
@pytest.mark.parametrize(("step", "expected"), [(1, "0.029"), (25, "0.03125"), (500, "0.125")])
def test_115_2_wh_are_billed_in_steps(step: int, expected: str) -> None:
    used_tariff = tariff(element(component("ENERGY", "0.25", step=step)))

    session = _price(used_tariff, [period(START, energy="0.1152")], later(START, minutes=1))

    assert session.breakdown[0].cost_excl_vat == D(expected)


# "Example: Tariff with max_power Tariff Restrictions"
MAX_POWER = tariff(
    element(component("ENERGY", "0.20", vat="20"), max_power=D(16)),
    element(component("ENERGY", "0.35", vat="20"), max_power=D(32)),
    element(component("ENERGY", "0.50", vat="20")),
    type="REGULAR",
)


def test_max_power_example_costs_20_30() -> None:
    periods = [
        period(START, energy=1, time=minutes(10), power=6),
        period(later(START, minutes=10), energy=40, time=minutes(50), power=48),
        period(later(START, minutes=60), energy="0.5", time=minutes(7.5), power=4),
    ]

    session = _price(MAX_POWER, periods, later(START, minutes=67.5))

    assert cost(session) == (D("20.3000"), D("24.3600"))


# "Example: Tariff with max_duration Tariff Restrictions"
MAX_DURATION = tariff(
    element(component("ENERGY", "0.00", vat="20"), max_duration=1800),
    element(component("ENERGY", "0.25", vat="20"), max_duration=3600),
    element(component("ENERGY", "0.40", vat="20")),
    type="REGULAR",
)


def test_max_duration_example_costs_0_30() -> None:
    periods = [
        period(START, energy=5, time="0.5"),
        period(later(START, minutes=30), energy="1.2", time=minutes(10)),
    ]

    session = _price(MAX_DURATION, periods, later(START, minutes=40))

    assert cost(session) == (D("0.3000"), D("0.3600"))


# step_size text of the CDRs module (bug-fixed)
def test_charging_then_parking_rounds_only_the_parking() -> None:
    used_tariff = tariff(element(component("TIME", "6.00", step=300), component("PARKING_TIME", "6.00", step=300)))
    periods = [period(START, time=minutes(21)), period(later(START, minutes=21), parking=minutes(7))]

    session = _price(used_tariff, periods, later(START, minutes=28))

    assert (_line_minutes(session, "TIME"), _line_minutes(session, "PARKING_TIME")) == ([D(21)], [D(10)])


def test_energy_step_rounds_the_session_total_not_the_last_period() -> None:
    used_tariff = tariff(
        element(component("ENERGY", "0.20", step=500), end_time="17:00"),
        element(component("ENERGY", "0.27", step=500), start_time="17:00"),
    )
    periods = [period(utc("2024-06-03T16:00"), energy="4.3"), period(utc("2024-06-03T17:00"), energy="1.1")]

    session = _price(used_tariff, periods, utc("2024-06-03T18:00"))

    assert cost(session) == (D("1.1840"), D("1.1840"))


def test_time_step_rounds_the_session_total_not_the_last_period() -> None:
    used_tariff = tariff(
        element(component("TIME", "5.00", step=600), end_time="17:00"),
        element(component("TIME", "7.00", step=600), start_time="17:00"),
    )
    periods = [period(utc("2024-06-03T16:54"), time=minutes(6)), period(utc("2024-06-03T17:00"), time=minutes(22))]

    session = _price(used_tariff, periods, utc("2024-06-03T17:22"))

    assert cost(session) == (D("3.3000"), D("3.3000"))


def test_21_minutes_charging_and_16_parking_bill_20_minutes_of_parking() -> None:
    used_tariff = tariff(element(component("TIME", "1.00", step=600), component("PARKING_TIME", "2.00", step=600)))
    periods = [period(START, time=minutes(21)), period(later(START, minutes=21), parking=minutes(16))]

    session = _price(used_tariff, periods, later(START, minutes=37))

    assert cost(session) == (D("1.0167"), D("1.0167"))


def test_cdr_module_example_bills_1_973_hours_as_2() -> None:
    used_tariff = tariff(element(component("TIME", "2.00", vat="10", step=300)))

    session = _price(used_tariff, [period(START, time="1.973")], later(START, hours=1.973))

    assert cost(session) == (D("4.0000"), D("4.4000"))
