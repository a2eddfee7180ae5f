"""The battery power curve: constant power, then a taper; energy exactly additive over time."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chargeassist.simulator import BatteryModel, ChargeCurve

batteries = st.builds(
    BatteryModel,
    capacity_kwh=st.floats(10.0, 150.0),
    start_soc=st.floats(0.0, 99.0),
    target_soc=st.floats(1.0, 100.0),
    taper_soc=st.floats(50.0, 100.0),
    max_power_kw=st.none() | st.floats(3.0, 350.0),
)
durations = st.lists(st.floats(0.0, 20_000.0), min_size=1, max_size=20)


def test_constant_power_until_taper_point() -> None:
    curve = ChargeCurve(BatteryModel(capacity_kwh=60.0, start_soc=20.0), connector_max_kw=11.0)
    assert curve.power_w == 11_000.0
    curve.advance(3600.0)
    assert curve.energy_wh == pytest.approx(11_000.0)
    assert curve.soc == pytest.approx(20.0 + 11.0 / 60.0 * 100.0)
    assert curve.power_w == 11_000.0


def test_power_tapers_after_eighty_percent_and_stops() -> None:
    curve = ChargeCurve(BatteryModel(capacity_kwh=50.0, start_soc=79.0), connector_max_kw=50.0)
    curve.advance(60.0)
    assert curve.soc > 80.0
    assert curve.power_w < 50_000.0
    curve.advance(10 * 3600.0)
    assert curve.finished
    assert curve.power_w == 0.0
    assert curve.soc == pytest.approx(100.0 - 20.0 * 0.05)


def test_vehicle_limit_caps_power() -> None:
    curve = ChargeCurve(BatteryModel(max_power_kw=7.4), connector_max_kw=22.0)
    assert curve.power_w == 7_400.0


def test_full_battery_draws_nothing() -> None:
    curve = ChargeCurve(BatteryModel(start_soc=90.0, target_soc=90.0), connector_max_kw=11.0)
    assert curve.finished
    curve.advance(600.0)
    assert curve.energy_wh == 0.0


@given(batteries, st.floats(1.0, 350.0), durations)
def test_energy_is_monotonic_and_bounded(battery: BatteryModel, max_kw: float, steps: list[float]) -> None:
    curve = ChargeCurve(battery, max_kw)
    previous = curve.energy_wh
    headroom_wh = max(0.0, battery.target_soc - battery.start_soc) / 100.0 * battery.capacity_kwh * 1000.0
    for step in steps:
        power_before = curve.power_w
        curve.advance(step)
        assert curve.energy_wh >= previous
        # Power never rises while charging: energy gained is at most the starting power times the step.
        assert curve.energy_wh - previous <= power_before * step / 3600.0 * (1 + 1e-9) + 1e-6
        assert curve.power_w <= power_before + 1e-6
        assert curve.energy_wh <= headroom_wh + 1e-6
        previous = curve.energy_wh


@given(batteries, st.floats(1.0, 350.0), durations)
def test_energy_is_additive_over_time(battery: BatteryModel, max_kw: float, steps: list[float]) -> None:
    stepped = ChargeCurve(battery, max_kw)
    for step in steps:
        stepped.advance(step)
    at_once = ChargeCurve(battery, max_kw)
    at_once.advance(math.fsum(steps))
    assert stepped.energy_wh == pytest.approx(at_once.energy_wh, rel=1e-6, abs=1e-3)


def test_invalid_models_are_rejected() -> None:
    with pytest.raises(ValueError, match="capacity"):
        BatteryModel(capacity_kwh=0)
    with pytest.raises(ValueError, match="start_soc"):
        BatteryModel(start_soc=120)
    with pytest.raises(ValueError, match="forward"):
        ChargeCurve(BatteryModel(), 11.0).advance(-1.0)
