"""The price of a session that has not happened yet, for "about 7.40 EUR" before the driver starts."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from zoneinfo import ZoneInfo

from ._models import Tariff
from ._money import MONEY_CONTEXT
from ._periods import MeterSample, price_session
from ._pricing import PricedSession, require_aware

__all__ = ["estimate_session"]

_W_PER_KW = Decimal(1000)
_WH_PER_KWH = Decimal(1000)
_MICROSECONDS_PER_HOUR = Decimal(3_600_000_000)


def estimate_session(
    tariff: Tariff,
    *,
    energy_kwh: Decimal,
    power_kw: Decimal,
    start: datetime,
    time_zone: str | ZoneInfo,
    parking: timedelta = timedelta(0),
    current_a: Decimal | None = None,
) -> PricedSession:
    """Price charging ``energy_kwh`` at a constant ``power_kw`` from ``start``, then ``parking`` plugged in.

    ``current_a`` (sum over phases) lets current restrictions apply; without it they do not hold.
    """
    require_aware("start", start)
    if not energy_kwh.is_finite() or energy_kwh < 0:
        raise ValueError("energy_kwh must be a finite number >= 0")
    if not power_kw.is_finite() or power_kw <= 0:
        raise ValueError("power_kw must be a finite number > 0")
    if parking < timedelta(0):
        raise ValueError("parking must not be negative")
    with localcontext(MONEY_CONTEXT):
        microseconds = (energy_kwh / power_kw * _MICROSECONDS_PER_HOUR).to_integral_value(rounding=ROUND_HALF_UP)
    charging_end = start + timedelta(microseconds=int(microseconds))
    watts = power_kw * _W_PER_KW
    samples = [
        MeterSample(start, Decimal(0), watts, current_a),
        MeterSample(charging_end, energy_kwh * _WH_PER_KWH, watts, current_a),
    ]
    return price_session(
        tariff,
        session_start=start,
        samples=samples,
        charging_end=charging_end,
        session_end=charging_end + parking,
        time_zone=time_zone,
    )
