"""Estimating a session before it starts."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal as D
from typing import Any

import pytest

from chargeassist.domain.tariffs import estimate_session

from .factories import component, cost, element, tariff, utc

START = utc("2024-06-03T10:00")
SIMPLE = tariff(element(component("FLAT", "0.40"), component("ENERGY", "0.35")))


def test_20_kwh_at_11_kw_is_about_7_40() -> None:
    session = estimate_session(SIMPLE, energy_kwh=D(20), power_kw=D(11), start=START, time_zone="UTC")

    assert session.amount_due_incl_vat == D("7.40")


def test_the_estimated_session_lasts_energy_over_power() -> None:
    session = estimate_session(SIMPLE, energy_kwh=D(20), power_kw=D(11), start=START, time_zone="UTC")

    assert session.totals.total_time == D("1.8182")


def test_an_estimate_crossing_a_price_change_uses_both_prices() -> None:
    evening = tariff(
        element(component("ENERGY", "0.50"), start_time="18:00", end_time="22:00"), element(component("ENERGY", "0.30"))
    )

    session = estimate_session(
        evening, energy_kwh=D(22), power_kw=D(11), start=utc("2024-06-03T15:00"), time_zone="Europe/Amsterdam"
    )

    assert cost(session) == (D("8.8000"), D("8.8000"))


def test_parking_after_charging_is_included() -> None:
    parking = tariff(element(component("ENERGY", "0.30"), component("PARKING_TIME", "6.00", step=900)))

    session = estimate_session(
        parking, energy_kwh=D(11), power_kw=D(11), start=START, time_zone="UTC", parking=timedelta(minutes=20)
    )

    assert cost(session) == (D("6.3000"), D("6.3000"))


def test_a_given_current_lets_current_restrictions_apply() -> None:
    strong = tariff(element(component("TIME", "2.00"), min_current=D(32)), element(component("TIME", "1.00")))

    session = estimate_session(strong, energy_kwh=D(22), power_kw=D(22), start=START, time_zone="UTC", current_a=D(96))

    assert cost(session) == (D("2.0000"), D("2.0000"))


def test_an_estimate_of_no_energy_costs_the_start_fee() -> None:
    session = estimate_session(SIMPLE, energy_kwh=D(0), power_kw=D(11), start=START, time_zone="UTC")

    assert cost(session) == (D("0.4000"), D("0.4000"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start": datetime(2024, 6, 3, 10)}, "start"),
        ({"power_kw": D(0)}, "power_kw"),
        ({"energy_kwh": D(-1)}, "energy_kwh"),
        ({"energy_kwh": D("NaN")}, "energy_kwh"),
        ({"parking": timedelta(minutes=-1)}, "parking"),
    ],
)
def test_impossible_estimates_are_refused(changes: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = {"energy_kwh": D(20), "power_kw": D(11), "start": START, "time_zone": "UTC"}
    arguments.update(changes)

    with pytest.raises(ValueError, match=message):
        estimate_session(SIMPLE, **arguments)
