"""Pricing rules: which component is active, FLAT, step_size, price limits, VAT, rounding, refusals."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest

from chargeassist.domain.tariffs import (
    CdrValidationError,
    ChargingPeriod,
    PriceComponent,
    PricedSession,
    Tariff,
    TariffElement,
    TariffNotActiveError,
    TariffValidationError,
    price_charging_periods,
)

from .factories import component, cost, element, later, minutes, period, tariff, utc

START = utc("2024-06-03T10:00")  # a Monday


def _price(
    used_tariff: Tariff,
    periods: Sequence[ChargingPeriod],
    end: datetime,
    *,
    time_zone: str = "UTC",
    reservation_expired: bool | None = None,
) -> PricedSession:
    return price_charging_periods(
        used_tariff,
        periods,
        session_start=periods[0].start_date_time if periods else START,
        session_end=end,
        time_zone=time_zone,
        reservation_expired=reservation_expired,
    )


def _energy_price_at(used_tariff: Tariff, moment: datetime, *, time_zone: str = "UTC", **dims: object) -> D:
    """Price per kWh charged in a one-hour period starting at ``moment`` (0 when ENERGY is free)."""
    volumes = {"energy": 1, "time": 1, **dims}
    session = price_charging_periods(
        used_tariff,
        [period(moment, **volumes)],  # type: ignore[arg-type]
        session_start=moment,
        session_end=later(moment, hours=1),
        time_zone=time_zone,
    )
    return session.totals.total_energy_cost.excl_vat


def _two_rates(**restrictions: object) -> Tariff:
    """ENERGY at 1.00 when the restrictions hold, 0.10 otherwise."""
    return tariff(element(component("ENERGY", "1.00"), **restrictions), element(component("ENERGY", "0.10")))


@pytest.mark.parametrize(
    ("clock", "price"), [("21:59", "0.10"), ("22:00", "1.00"), ("23:59", "1.00"), ("05:59", "1.00"), ("06:00", "0.10")]
)
def test_a_time_window_ending_before_it_starts_wraps_past_midnight(clock: str, price: str) -> None:
    used_tariff = _two_rates(start_time="22:00", end_time="06:00")

    assert _energy_price_at(used_tariff, utc(f"2024-06-03T{clock}")) == D(price)


@pytest.mark.parametrize(
    ("clock", "price"), [("19:59", "0.10"), ("20:00", "1.00"), ("23:59", "1.00"), ("00:00", "0.10")]
)
def test_end_time_midnight_means_the_end_of_the_day(clock: str, price: str) -> None:
    used_tariff = _two_rates(start_time="20:00", end_time="00:00")

    assert _energy_price_at(used_tariff, utc(f"2024-06-03T{clock}")) == D(price)


@pytest.mark.parametrize(
    ("clock", "price"), [("16:59", "0.10"), ("17:00", "1.00"), ("18:59", "1.00"), ("19:00", "0.10")]
)
def test_start_time_is_inclusive_and_end_time_exclusive(clock: str, price: str) -> None:
    used_tariff = _two_rates(start_time="17:00", end_time="19:00")

    assert _energy_price_at(used_tariff, utc(f"2024-06-03T{clock}")) == D(price)


def test_times_of_day_are_local_to_the_location() -> None:
    used_tariff = _two_rates(start_time="17:00", end_time="19:00")

    assert _energy_price_at(used_tariff, utc("2024-06-03T15:30"), time_zone="Europe/Amsterdam") == D("1.00")


@pytest.mark.parametrize(
    ("moment", "price"),
    [
        ("2024-12-23T22:59", "0.10"),
        ("2024-12-23T23:00", "1.00"),
        ("2024-12-25T22:59", "1.00"),
        ("2024-12-25T23:00", "0.10"),
    ],
)
def test_start_date_is_inclusive_and_end_date_exclusive_in_local_time(moment: str, price: str) -> None:
    used_tariff = _two_rates(start_date="2024-12-24", end_date="2024-12-26")

    assert _energy_price_at(used_tariff, utc(moment), time_zone="Europe/Berlin") == D(price)


def test_day_of_week_is_the_local_weekday() -> None:
    used_tariff = _two_rates(day_of_week=["MONDAY"])

    assert _energy_price_at(used_tariff, utc("2024-06-02T23:30"), time_zone="Europe/Berlin") == D("1.00")


def test_min_kwh_is_inclusive() -> None:
    used_tariff = _two_rates(min_kwh=D(5))
    periods = [period(START, energy=5, time=1), period(later(START, hours=1), energy=1, time=1)]

    session = _price(used_tariff, periods, later(START, hours=2))

    assert session.breakdown[1].unit_price == D("1.00")


def test_max_kwh_is_exclusive() -> None:
    used_tariff = _two_rates(max_kwh=D(5))
    periods = [period(START, energy=5, time=1), period(later(START, hours=1), energy=1, time=1)]

    session = _price(used_tariff, periods, later(START, hours=2))

    assert [line.unit_price for line in session.breakdown] == [D("1.00"), D("0.10")]


@pytest.mark.parametrize(("offset", "price"), [(29, "0.10"), (30, "1.00"), (59, "1.00"), (60, "0.10")])
def test_min_duration_is_inclusive_and_max_duration_exclusive(offset: int, price: str) -> None:
    used_tariff = _two_rates(min_duration=1800, max_duration=3600)
    periods = [period(START, energy=0, time=minutes(offset)), period(later(START, minutes=offset), energy=1, time=1)]

    session = _price(used_tariff, periods, later(START, minutes=offset + 60))

    assert session.breakdown[-1].unit_price == D(price)


@pytest.mark.parametrize(("power", "price"), [("10.99", "0.10"), ("11", "1.00"), ("21.99", "1.00"), ("22", "0.10")])
def test_min_power_is_inclusive_and_max_power_exclusive(power: str, price: str) -> None:
    used_tariff = _two_rates(min_power=D(11), max_power=D(22))

    assert _energy_price_at(used_tariff, START, power=power) == D(price)


@pytest.mark.parametrize(("current", "price"), [("15.9", "0.10"), ("16", "1.00"), ("31.9", "1.00"), ("32", "0.10")])
def test_min_current_is_inclusive_and_max_current_exclusive(current: str, price: str) -> None:
    used_tariff = _two_rates(min_current=D(16), max_current=D(32))

    assert _energy_price_at(used_tariff, START, current=current) == D(price)


def test_a_power_restriction_without_any_power_figure_does_not_hold() -> None:
    used_tariff = tariff(element(component("TIME", "1.00"), max_power=D(50)), element(component("TIME", "3.00")))

    session = _price(used_tariff, [period(START, time=1)], later(START, hours=1))

    assert cost(session) == (D("3.0000"), D("3.0000"))


def test_without_measured_power_the_average_power_of_the_period_counts() -> None:
    used_tariff = _two_rates(min_power=D(20))

    assert _energy_price_at(used_tariff, START, energy=22) == D("22.00")


def test_max_power_stands_in_for_a_missing_power_dimension() -> None:
    used_tariff = _two_rates(max_power=D(22))

    assert _energy_price_at(used_tariff, START, max_power=11) == D("1.00")


def test_a_parked_car_draws_no_power() -> None:
    used_tariff = tariff(
        element(component("PARKING_TIME", "1.00"), max_power=D(1)), element(component("PARKING_TIME", "9.00"))
    )

    session = _price(used_tariff, [period(START, parking=1)], later(START, hours=1))

    assert cost(session) == (D("1.0000"), D("1.0000"))


def test_the_first_matching_element_in_list_order_wins() -> None:
    used_tariff = tariff(element(component("ENERGY", "0.30")), element(component("ENERGY", "0.20")))

    assert _energy_price_at(used_tariff, START) == D("0.30")


def test_an_element_without_the_dimension_is_passed_over() -> None:
    used_tariff = tariff(element(component("TIME", "5.00")), element(component("ENERGY", "0.20")))

    assert _energy_price_at(used_tariff, START) == D("0.20")


def test_a_dimension_without_an_active_component_is_free() -> None:
    used_tariff = tariff(element(component("ENERGY", "0.30"), start_time="20:00", end_time="22:00"))

    session = _price(used_tariff, [period(START, energy=10, time=1)], later(START, hours=1))

    assert (cost(session), session.breakdown) == ((D("0.0000"), D("0.0000")), ())


def test_flat_is_charged_once_per_session() -> None:
    used_tariff = tariff(element(component("FLAT", "1.00")))
    periods = [period(later(START, hours=hour), energy=1, time=1) for hour in range(3)]

    session = _price(used_tariff, periods, later(START, hours=3))

    assert cost(session, "total_fixed_cost") == (D("1.0000"), D("1.0000"))


def test_the_first_period_with_an_active_flat_decides_the_fee() -> None:
    used_tariff = tariff(element(component("FLAT", "5.00"), min_duration=3600), element(component("ENERGY", "0.10")))
    periods = [period(START, energy=1, time=1), period(later(START, hours=1), parking=1)]

    session = _price(used_tariff, periods, later(START, hours=2))

    assert cost(session, "total_fixed_cost") == (D("5.0000"), D("5.0000"))


def test_a_session_without_periods_still_owes_its_start_fee() -> None:
    used_tariff = tariff(element(component("FLAT", "0.50"), component("ENERGY", "0.25")))

    session = _price(used_tariff, [], START)

    assert cost(session) == (D("0.5000"), D("0.5000"))


def test_the_step_extra_is_billed_at_the_price_and_vat_of_the_last_period() -> None:
    used_tariff = tariff(
        element(component("ENERGY", "1.00", vat="0", step=1000), end_time="12:00"),
        element(component("ENERGY", "2.00", vat="50", step=1000), start_time="12:00"),
    )
    periods = [period(utc("2024-06-03T11:00"), energy="1.5"), period(utc("2024-06-03T12:00"), energy="0.25")]

    session = _price(used_tariff, periods, utc("2024-06-03T13:00"))

    assert cost(session) == (D("2.5000"), D("3.0000"))


def test_parking_followed_by_charging_rounds_the_charging_time() -> None:
    used_tariff = tariff(element(component("TIME", "6.00", step=600), component("PARKING_TIME", "6.00", step=600)))
    periods = [period(START, parking=minutes(7)), period(later(START, minutes=7), time=minutes(21))]

    session = _price(used_tariff, periods, later(START, minutes=28))

    assert cost(session) == (D("3.7000"), D("3.7000"))


def test_a_missing_vat_means_incl_equals_excl() -> None:
    used_tariff = tariff(element(component("ENERGY", "0.30")))

    session = _price(used_tariff, [period(START, energy=10, time=1)], later(START, hours=1))

    assert cost(session) == (D("3.0000"), D("3.0000"))


def test_min_price_bounds_excl_and_incl_separately() -> None:
    used_tariff = tariff(
        element(component("ENERGY", "0.10", vat="100")), min_price={"excl_vat": D("1.00"), "incl_vat": D("1.50")}
    )

    session = _price(used_tariff, [period(START, energy=9, time=1)], later(START, hours=1))

    assert cost(session) == (D("1.0000"), D("1.8000"))


def test_max_price_bounds_excl_and_incl_separately() -> None:
    used_tariff = tariff(
        element(component("ENERGY", "0.10", vat="100")), max_price={"excl_vat": D("1.00"), "incl_vat": D("1.50")}
    )

    session = _price(used_tariff, [period(START, energy=9, time=1)], later(START, hours=1))

    assert cost(session) == (D("0.9000"), D("1.5000"))


def test_a_min_price_without_incl_vat_raises_incl_vat_by_the_same_amount() -> None:
    used_tariff = tariff(element(component("ENERGY", "0.10", vat="10")), min_price={"excl_vat": D("2.00")})

    session = _price(used_tariff, [period(START, energy=4, time=1)], later(START, hours=1))

    assert cost(session) == (D("2.0000"), D("2.0400"))


def test_a_max_price_without_incl_vat_lowers_incl_vat_by_the_same_amount() -> None:
    used_tariff = tariff(
        element(component("FLAT", "1.00", vat="20"), component("ENERGY", "0.25", vat="10")),
        max_price={"excl_vat": D("5.00")},
    )

    session = _price(used_tariff, [period(START, energy=36, time=1)], later(START, hours=1))

    assert cost(session) == (D("5.0000"), D("6.1000"))


def test_a_min_price_without_anything_charged_bills_the_limit_as_is() -> None:
    used_tariff = tariff(element(component("ENERGY", "0.00", vat="10")), min_price={"excl_vat": D("2.00")})

    session = _price(used_tariff, [period(START, energy=4, time=1)], later(START, hours=1))

    assert cost(session) == (D("2.0000"), D("2.0000"))


def test_a_price_limit_shows_as_a_breakdown_line() -> None:
    used_tariff = tariff(element(component("ENERGY", "0.10")), min_price={"excl_vat": D("2.00"), "incl_vat": D("2.00")})

    session = _price(used_tariff, [period(START, energy=1, time=1)], later(START, hours=1))

    assert (session.breakdown[-1].dimension, session.breakdown[-1].cost_excl_vat) == ("MIN_PRICE", D("1.90"))


def test_min_price_does_not_apply_to_an_expired_reservation() -> None:
    used_tariff = tariff(
        element(component("TIME", "1.00", step=60), reservation="RESERVATION"),
        element(component("ENERGY", "0.25")),
        min_price={"excl_vat": D("5.00"), "incl_vat": D("5.00")},
    )

    session = _price(used_tariff, [period(START, reservation="0.5")], later(START, minutes=30))

    assert cost(session) == (D("0.5000"), D("0.5000"))


def test_reservation_time_without_a_reservation_element_is_free() -> None:
    used_tariff = tariff(element(component("TIME", "9.00"), component("ENERGY", "0.25")))
    periods = [period(START, reservation="0.5"), period(later(START, minutes=30), energy=4, time=1)]

    session = _price(used_tariff, periods, later(START, minutes=90))

    assert cost(session, "total_reservation_cost") == (D("0.0000"), D("0.0000"))


def test_a_reservation_followed_by_charging_is_not_expired_by_default() -> None:
    used_tariff = tariff(
        element(component("TIME", "6.00", step=60), reservation="RESERVATION_EXPIRES"),
        element(component("TIME", "3.00", step=60), reservation="RESERVATION"),
        element(component("ENERGY", "0.25")),
    )
    periods = [period(START, reservation=1), period(later(START, hours=1), energy=4, time=1)]

    session = _price(used_tariff, periods, later(START, hours=2))

    assert cost(session, "total_reservation_cost") == (D("3.0000"), D("3.0000"))


def test_an_expired_reservation_can_be_stated_explicitly() -> None:
    used_tariff = tariff(
        element(component("TIME", "3.00", step=60), reservation="RESERVATION"),
        element(component("TIME", "6.00", step=60), reservation="RESERVATION_EXPIRES"),
        element(component("ENERGY", "0.25")),
    )
    periods = [period(START, reservation=1), period(later(START, hours=1), energy=4, time=1)]

    session = _price(used_tariff, periods, later(START, hours=2), reservation_expired=True)

    assert cost(session, "total_reservation_cost") == (D("6.0000"), D("6.0000"))


def test_durations_after_a_reservation_count_from_the_start_of_charging() -> None:
    used_tariff = _two_rates(max_duration=1800)
    periods = [period(START, reservation=1), period(later(START, hours=1), energy=1, time=1)]

    session = _price(used_tariff, periods, later(START, hours=2))

    assert cost(session, "total_energy_cost") == (D("1.0000"), D("1.0000"))


def test_total_time_is_the_whole_session() -> None:
    used_tariff = tariff(element(component("ENERGY", "0.25")))

    session = _price(used_tariff, [period(START, energy=4)], later(START, minutes=90))

    assert session.totals.total_time == D("1.5000")


def test_breakdown_columns_are_rounded_to_4_decimals() -> None:
    used_tariff = tariff(element(component("ENERGY", "0.123456", vat="19")))

    session = _price(used_tariff, [period(START, energy=1, time=1)], later(START, hours=1))

    line = session.breakdown[0]
    assert (line.cost_excl_vat_rounded, line.cost_incl_vat_rounded) == (D("0.1235"), D("0.1469"))


def test_the_amount_due_uses_the_minor_unit_of_the_currency() -> None:
    used_tariff = tariff(element(component("ENERGY", "33.5")), currency="JPY")

    session = _price(used_tariff, [period(START, energy=1, time=1)], later(START, hours=1))

    assert session.amount_due == D("34")


def test_the_amount_due_of_a_three_decimal_currency_has_three_decimals() -> None:
    used_tariff = tariff(element(component("ENERGY", "0.0125")), currency="KWD")

    session = _price(used_tariff, [period(START, energy="0.5", time=1)], later(START, hours=1))

    assert session.amount_due == D("0.006")


def test_the_amount_due_rounds_half_up() -> None:
    used_tariff = tariff(element(component("ENERGY", "0.01")))

    session = _price(used_tariff, [period(START, energy="0.5", time=1)], later(START, hours=1))

    assert session.amount_due == D("0.01")


def test_the_amount_due_is_rounded_once_from_the_exact_total() -> None:
    used_tariff = tariff(element(component("ENERGY", "0.0099")))

    session = _price(used_tariff, [period(START, energy="0.5", time=1)], later(START, hours=1))

    assert (session.totals.total_cost.excl_vat, session.amount_due) == (D("0.0050"), D("0.00"))


def test_a_session_before_the_tariff_starts_is_refused() -> None:
    used_tariff = tariff(element(component("ENERGY", "0.25")), start_date_time="2024-07-01T00:00:00Z")

    with pytest.raises(TariffNotActiveError):
        _price(used_tariff, [period(START, energy=1)], later(START, hours=1))


def test_a_session_after_the_tariff_ended_is_refused() -> None:
    used_tariff = tariff(element(component("ENERGY", "0.25")), end_date_time="2019-06-30T23:59:59Z")

    with pytest.raises(TariffNotActiveError):
        _price(used_tariff, [period(START, energy=1)], later(START, hours=1))


def test_a_naive_session_start_is_refused() -> None:
    used_tariff = tariff(element(component("ENERGY", "0.25")))

    with pytest.raises(ValueError, match="session_start"):
        price_charging_periods(used_tariff, [], session_start=datetime(2024, 6, 3), session_end=START)


def test_a_naive_period_start_is_refused() -> None:
    used_tariff = tariff(element(component("ENERGY", "0.25")))

    with pytest.raises(CdrValidationError, match=r"charging_periods\[0\]\.start_date_time"):
        price_charging_periods(
            used_tariff,
            [period(datetime(2024, 6, 3, 10), energy=1)],
            session_start=START,
            session_end=later(START, hours=1),
        )


def test_periods_out_of_order_are_refused() -> None:
    used_tariff = tariff(element(component("ENERGY", "0.25")))
    periods = [period(START, energy=1), period(later(START, hours=1), energy=1), period(later(START, minutes=30))]

    with pytest.raises(CdrValidationError, match=r"charging_periods\[2\]"):
        _price(used_tariff, periods, later(START, hours=2))


def test_a_period_after_the_session_end_is_refused() -> None:
    used_tariff = tariff(element(component("ENERGY", "0.25")))

    with pytest.raises(CdrValidationError, match=r"charging_periods\[1\]"):
        _price(used_tariff, [period(START, energy=1), period(later(START, hours=2), energy=1)], later(START, hours=1))


def test_a_negative_volume_is_refused() -> None:
    used_tariff = tariff(element(component("ENERGY", "0.25")))

    with pytest.raises(CdrValidationError, match=r"dimensions\[0\]\.volume"):
        _price(used_tariff, [period(START, energy=-1)], later(START, hours=1))


def test_a_reservation_period_carrying_energy_is_refused() -> None:
    used_tariff = tariff(element(component("ENERGY", "0.25")))

    with pytest.raises(CdrValidationError, match="RESERVATION_TIME"):
        _price(used_tariff, [period(START, reservation=1, energy=1)], later(START, hours=1))


def test_a_reservation_after_charging_is_refused() -> None:
    used_tariff = tariff(element(component("ENERGY", "0.25")))
    periods = [period(START, energy=1), period(later(START, hours=1), reservation=1)]

    with pytest.raises(CdrValidationError, match="before the charging periods"):
        _price(used_tariff, periods, later(START, hours=2))


def test_an_unknown_time_zone_is_refused() -> None:
    used_tariff = tariff(element(component("ENERGY", "0.25")))

    with pytest.raises(ValueError, match="time zone"):
        _price(used_tariff, [period(START, energy=1)], later(START, hours=1), time_zone="Mars/Olympus")


def test_an_invalid_tariff_built_in_code_is_refused_when_pricing() -> None:
    broken = Tariff(
        id="1",
        currency="EUR",
        elements=(TariffElement(price_components=(PriceComponent(type="ENERGY", price=D(-1), step_size=1),)),),
    )

    with pytest.raises(TariffValidationError):
        _price(broken, [period(START, energy=1)], later(START, hours=1))


def test_a_zone_info_is_accepted_as_time_zone() -> None:
    used_tariff = _two_rates(start_time="17:00", end_time="19:00")

    session = price_charging_periods(
        used_tariff,
        [period(utc("2024-06-03T15:30"), energy=1, time=1)],
        session_start=utc("2024-06-03T15:30"),
        session_end=utc("2024-06-03T16:30"),
        time_zone=ZoneInfo("Europe/Amsterdam"),
    )

    assert session.breakdown[0].unit_price == D("1.00")
