"""Benchmark of OCPI tariff pricing: price many realistic CDRs and report throughput and latency.

Run with ``.venv/bin/python bench/tariffs.py [--count 10000] [--seed 7]``. CDRs have 1 to 100 charging
periods and are priced with tariffs that use time-of-day, weekday, power, current, kWh and duration
restrictions, step sizes and price limits. Generating the CDRs is not timed; each tariff is compiled once
(its first use), as it would be in a running server.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from chargeassist.domain.tariffs import (
    CdrDimension,
    ChargingPeriod,
    Tariff,
    convert_tariff,
    price_charging_periods,
)

ZONE = "Europe/Amsterdam"
WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]


def _component(kind: str, price: str, vat: str = "21", step: int = 1) -> dict[str, Any]:
    return {"type": kind, "price": Decimal(price), "vat": Decimal(vat), "step_size": step}


TARIFFS: list[dict[str, Any]] = [
    {  # the OCPI complex example: current, weekday and time-of-day restrictions
        "id": "complex",
        "currency": "EUR",
        "elements": [
            {"price_components": [_component("FLAT", "2.50", "15")]},
            {"price_components": [_component("TIME", "1.00", "20", 900)], "restrictions": {"max_current": 32}},
            {
                "price_components": [_component("TIME", "2.00", "20", 600)],
                "restrictions": {"min_current": 32, "day_of_week": WEEKDAYS},
            },
            {
                "price_components": [_component("TIME", "1.25", "20", 600)],
                "restrictions": {"min_current": 32, "day_of_week": ["SATURDAY", "SUNDAY"]},
            },
            {
                "price_components": [_component("PARKING_TIME", "5.00", "10", 300)],
                "restrictions": {"start_time": "09:00", "end_time": "18:00", "day_of_week": WEEKDAYS},
            },
            {
                "price_components": [_component("PARKING_TIME", "6.00", "10", 300)],
                "restrictions": {"start_time": "10:00", "end_time": "17:00", "day_of_week": ["SATURDAY"]},
            },
        ],
    },
    {  # power tiers with a night rate and a cap
        "id": "power-night",
        "currency": "EUR",
        "max_price": {"excl_vat": Decimal(60), "incl_vat": Decimal("72.60")},
        "elements": [
            {
                "price_components": [_component("ENERGY", "0.25")],
                "restrictions": {"start_time": "23:00", "end_time": "07:00"},
            },
            {"price_components": [_component("ENERGY", "0.35")], "restrictions": {"max_power": 22}},
            {"price_components": [_component("ENERGY", "0.49")], "restrictions": {"max_power": 50}},
            {"price_components": [_component("ENERGY", "0.59")]},
            {
                "price_components": [_component("PARKING_TIME", "6.00", step=300)],
                "restrictions": {"min_duration": 7200},
            },
        ],
    },
    {  # kWh tiers, a free first half hour of parking, a start fee and a minimum
        "id": "kwh-tiers",
        "currency": "EUR",
        "min_price": {"excl_vat": Decimal(1), "incl_vat": Decimal("1.21")},
        "elements": [
            {"price_components": [_component("FLAT", "0.35"), _component("ENERGY", "0.30", step=100)]},
            {"price_components": [_component("ENERGY", "0.27", step=100)], "restrictions": {"min_kwh": 20}},
            {"price_components": [_component("PARKING_TIME", "0")], "restrictions": {"max_duration": 1800}},
            {"price_components": [_component("PARKING_TIME", "3.00", step=60)]},
        ],
    },
    {  # the OCPI step_size example, switching elements by time of day
        "id": "step-size",
        "currency": "EUR",
        "elements": [
            {
                "price_components": [
                    _component("TIME", "1.20", step=1800),
                    _component("PARKING_TIME", "1.00", step=900),
                ],
                "restrictions": {"start_time": "00:00", "end_time": "17:00"},
            },
            {
                "price_components": [
                    _component("TIME", "2.40", step=900),
                    _component("PARKING_TIME", "1.00", step=900),
                ],
                "restrictions": {"start_time": "17:00", "end_time": "20:00"},
            },
            {
                "price_components": [_component("TIME", "2.40", step=900)],
                "restrictions": {"start_time": "20:00", "end_time": "00:00"},
            },
        ],
    },
]


def _cdr(rng: random.Random, count: int) -> tuple[list[ChargingPeriod], datetime, datetime]:
    """A session of ``count`` periods: charging with a falling power curve, then some parking."""
    start = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(366 * 24 * 60))
    charging = max(1, round(count * rng.uniform(0.6, 1.0)))
    power = Decimal(rng.choice([7, 11, 22, 50, 150]))
    current = Decimal(rng.choice([16, 32, 48, 96]))
    periods = []
    moment = start
    for index in range(count):
        minutes = rng.randint(1, 20)
        hours = Decimal(minutes) / 60
        if index < charging:
            power = max(Decimal(3), power * Decimal(rng.choice(["0.8", "0.9", "1", "1"])))
            dimensions: tuple[CdrDimension, ...] = (
                CdrDimension(type="ENERGY", volume=(power * hours).quantize(Decimal("0.001"))),
                CdrDimension(type="TIME", volume=hours),
                CdrDimension(type="POWER", volume=power),
                CdrDimension(type="CURRENT", volume=current),
            )
        else:
            dimensions = (CdrDimension(type="PARKING_TIME", volume=hours),)
        periods.append(ChargingPeriod(start_date_time=moment, dimensions=dimensions))
        moment += timedelta(minutes=minutes)
    return periods, start, moment


def _percentile(values: list[int], share: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="number of CDRs to price")
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    tariffs: list[Tariff] = [convert_tariff(document) for document in TARIFFS]
    cdrs = [(rng.choice(tariffs), *_cdr(rng, rng.randint(1, 100))) for _ in range(options.count)]

    timings: list[int] = []
    began = time.perf_counter_ns()
    for tariff, periods, start, end in cdrs:
        before = time.perf_counter_ns()
        price_charging_periods(tariff, periods, session_start=start, session_end=end, time_zone=ZONE)
        timings.append(time.perf_counter_ns() - before)
    elapsed = time.perf_counter_ns() - began
    periods_total = sum(len(periods) for _, periods, _, _ in cdrs)

    print(f"priced {options.count} CDRs ({periods_total} periods, 1-100 each) with {len(tariffs)} tariffs")
    print(f"  throughput: {options.count / (elapsed / 1e9):,.0f} CDRs/s")
    median, p99 = statistics.median(timings) / 1000, _percentile(timings, 0.99) / 1000
    print(f"  per CDR:    median {median:.1f} us, p99 {p99:.1f} us")

    typical = _cdr(random.Random(24), 24)
    complex_tariff = tariffs[0]
    samples = []
    for _ in range(2000):
        before = time.perf_counter_ns()
        price_charging_periods(
            complex_tariff, typical[0], session_start=typical[1], session_end=typical[2], time_zone=ZONE
        )
        samples.append(time.perf_counter_ns() - before)
    print(
        f"  typical 24-period CDR (complex tariff): median {statistics.median(samples) / 1000:.1f} us,"
        f" p99 {_percentile(samples, 0.99) / 1000:.1f} us"
    )


if __name__ == "__main__":
    main()
