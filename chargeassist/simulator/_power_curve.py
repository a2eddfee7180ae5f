"""Battery model and the power curve a charging EV draws from a connector.

The curve is integrated in closed form, so advancing a session by ten simulated
minutes costs the same as advancing it by a second. That keeps thousands of
simulated stations cheap and makes energy exactly additive over time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["BatteryModel", "ChargeCurve"]

# Percent of state of charge gained per second for each watt into one kWh:
# 1 W for 1 s is 1/3600 Wh, and 1 kWh is 1000 Wh per 100 %.
_SOC_PER_WATT_SECOND_PER_KWH = 100.0 / (3600.0 * 1000.0)


@dataclass(frozen=True, slots=True)
class BatteryModel:
    """The EV plugged into a connector."""

    capacity_kwh: float = 60.0
    """Usable battery capacity in kWh."""

    start_soc: float = 20.0
    """State of charge (%) when the EV is plugged in."""

    target_soc: float = 100.0
    """State of charge (%) at which the EV stops drawing power (its charge limit)."""

    taper_soc: float = 80.0
    """State of charge (%) from which power tapers linearly towards zero at 100 %."""

    max_power_kw: float | None = None
    """Vehicle-side power limit in kW (on-board charger or DC limit); `None` for none."""

    cutoff_fraction: float = 0.05
    """While tapering, the EV ends charging once power falls below this share of peak power."""

    def __post_init__(self) -> None:
        if self.capacity_kwh <= 0:
            raise ValueError("capacity_kwh must be positive")
        if not 0.0 <= self.start_soc <= 100.0 or not 0.0 <= self.target_soc <= 100.0:
            raise ValueError("start_soc and target_soc must be within 0..100")
        if not 0.0 < self.taper_soc <= 100.0:
            raise ValueError("taper_soc must be within (0, 100]")
        if self.max_power_kw is not None and self.max_power_kw <= 0:
            raise ValueError("max_power_kw must be positive")
        if not 0.0 < self.cutoff_fraction < 1.0:
            raise ValueError("cutoff_fraction must be within (0, 1)")


class ChargeCurve:
    """State of one charging session: constant power up to the taper point, then a linear taper.

    In the taper phase power is proportional to the remaining headroom ``100 - soc``, which
    makes the state of charge approach 100 % exponentially; the EV stops at its target or when
    power drops below the cut-off, whichever comes first.
    """

    __slots__ = ("_end_soc", "_k_taper", "_rate_const", "_taper", "battery", "elapsed_s", "peak_w", "soc")

    def __init__(self, battery: BatteryModel, connector_max_kw: float) -> None:
        if connector_max_kw <= 0:
            raise ValueError("connector_max_kw must be positive")
        self.battery = battery
        peak_kw = connector_max_kw if battery.max_power_kw is None else min(connector_max_kw, battery.max_power_kw)
        self.peak_w = peak_kw * 1000.0
        self.soc = battery.start_soc
        self.elapsed_s = 0.0
        self._taper = battery.taper_soc
        self._rate_const = self.peak_w * _SOC_PER_WATT_SECOND_PER_KWH / battery.capacity_kwh
        if self._taper < 100.0:
            self._k_taper = self._rate_const / (100.0 - self._taper)
            cutoff_soc = 100.0 - (100.0 - self._taper) * battery.cutoff_fraction
        else:
            self._k_taper = 0.0
            cutoff_soc = 100.0
        self._end_soc = min(battery.target_soc, cutoff_soc)

    @property
    def finished(self) -> bool:
        """Whether the EV has stopped drawing power."""
        return self.soc >= self._end_soc

    @property
    def power_w(self) -> float:
        """Instantaneous power in W at the current state of charge."""
        if self.finished:
            return 0.0
        if self.soc < self._taper:
            return self.peak_w
        return self.peak_w * (100.0 - self.soc) / (100.0 - self._taper)

    @property
    def energy_wh(self) -> float:
        """Energy delivered since the start of the session in Wh."""
        return max(0.0, self.soc - self.battery.start_soc) / 100.0 * self.battery.capacity_kwh * 1000.0

    def advance(self, dt_s: float) -> None:
        """Advance the session by `dt_s` simulated seconds."""
        if dt_s < 0:
            raise ValueError("time only moves forward")
        self.elapsed_s += dt_s
        remaining = dt_s
        end = self._end_soc
        while remaining > 0.0 and self.soc < end:
            if self.soc < self._taper:
                stop_at = min(self._taper, end)
                needed = (stop_at - self.soc) / self._rate_const
                if needed > remaining:
                    self.soc = min(stop_at, self.soc + self._rate_const * remaining)
                    return
                self.soc = stop_at
                remaining -= needed
            else:
                needed = math.log((100.0 - self.soc) / (100.0 - end)) / self._k_taper
                if needed > remaining:
                    self.soc = 100.0 - (100.0 - self.soc) * math.exp(-self._k_taper * remaining)
                    return
                self.soc = end
                return
