"""Many simulated stations in one process, for demos and load tests."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from chargeassist.simulator._config import StationConfig
from chargeassist.simulator._model import AuthorizationRejected, StationError, Transaction
from chargeassist.simulator._power_curve import BatteryModel
from chargeassist.simulator._station import SimulatedStation

__all__ = ["Fleet", "FleetStatus", "run_fleet"]

_EV_CAPACITIES_KWH = (40.0, 58.0, 64.0, 77.0, 82.0, 100.0)


@dataclass(frozen=True, slots=True)
class FleetStatus:
    """A snapshot of a fleet's counters."""

    stations: int
    connected: int
    booted: int
    charging: int
    """Connectors with a running transaction."""
    meter_values: int
    """MeterValues answered by the central system so far."""
    meter_values_per_s: float
    """MeterValues answered per second since the previous snapshot."""
    queued: int
    """CALLs waiting in the stations' outboxes (offline queues included)."""
    connect_failures: int
    reconnects: int
    elapsed_s: float

    def line(self) -> str:
        """One-line human-readable summary."""
        return (
            f"[{self.elapsed_s:7.1f}s] stations {self.booted}/{self.stations} booted "
            f"({self.connected} connected), {self.charging} charging, "
            f"MeterValues {self.meter_values} ({self.meter_values_per_s:.1f}/s), "
            f"queued {self.queued}, reconnects {self.reconnects}, connect failures {self.connect_failures}"
        )


class Fleet:
    """A group of stations sharing one connect limiter; optionally drives charging sessions itself.

    With ``auto_charge`` every connector loops through plug-in, RFID start, charging for a while and
    unplugging, so MeterValues flow without a central system starting anything.
    """

    def __init__(
        self,
        configs: Iterable[StationConfig],
        *,
        connect_concurrency: int = 100,
        auto_charge: bool = False,
        session_s: tuple[float, float] = (300.0, 1800.0),
        idle_s: tuple[float, float] = (30.0, 300.0),
        seed: int | None = 0,
    ) -> None:
        if connect_concurrency < 1:
            raise ValueError("connect_concurrency must be at least 1")
        self._limiter = asyncio.Semaphore(connect_concurrency)
        self.stations = [SimulatedStation(c, connect_limiter=self._limiter) for c in configs]
        self.auto_charge = auto_charge
        self.session_s = session_s
        self.idle_s = idle_s
        self._rng = random.Random(seed)
        self._tasks: set[asyncio.Task[None]] = set()
        self._started_at = 0.0
        self._last_sample: tuple[float, int] = (0.0, 0)

    @classmethod
    def numbered(
        cls,
        url: str,
        count: int,
        *,
        id_prefix: str = "SIM",
        first_index: int = 1,
        template: StationConfig | None = None,
        connect_concurrency: int = 100,
        auto_charge: bool = False,
        seed: int | None = 0,
    ) -> Fleet:
        """Stations ``{id_prefix}-00001`` ... built from `template` (which supplies everything but ids)."""
        base = template or StationConfig(charge_point_id="template", url=url)
        configs = [
            # chargePointSerialNumber is a CiString25.
            replace(base, charge_point_id=f"{id_prefix}-{n:05d}", url=url, serial=f"{id_prefix}{n:05d}"[-25:])
            for n in range(first_index, first_index + count)
        ]
        return cls(configs, connect_concurrency=connect_concurrency, auto_charge=auto_charge, seed=seed)

    async def start(self) -> None:
        """Start every station (connections open in the background, bounded by the connect limiter)."""
        loop = asyncio.get_running_loop()
        self._started_at = time.monotonic()
        self._last_sample = (self._started_at, 0)
        for station in self.stations:
            await station.start()
            if self.auto_charge:
                for connector_id in station.connectors:
                    rng = random.Random(self._rng.random())
                    task = loop.create_task(self._autopilot(station, connector_id, rng))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)

    async def wait_booted(self, timeout_s: float | None = None) -> None:
        """Wait until every station has booted."""
        async with asyncio.timeout(timeout_s):
            await asyncio.gather(*(s.wait_booted(timeout_s=None) for s in self.stations))

    async def stop(self) -> None:
        """Stop the autopilots and every station."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await asyncio.gather(*(s.stop() for s in self.stations), return_exceptions=True)

    async def __aenter__(self) -> Fleet:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    def status(self) -> FleetStatus:
        """Aggregate counters; also advances the MeterValues rate window."""
        now = time.monotonic()
        meter_values = sum(s.count_sent("MeterValues") for s in self.stations)
        last_at, last_count = self._last_sample
        rate = (meter_values - last_count) / (now - last_at) if now > last_at else 0.0
        self._last_sample = (now, meter_values)
        return FleetStatus(
            stations=len(self.stations),
            connected=sum(s.connected for s in self.stations),
            booted=sum(s.booted for s in self.stations),
            charging=sum(c.transaction is not None for s in self.stations for c in s.connectors.values()),
            meter_values=meter_values,
            meter_values_per_s=rate,
            queued=sum(s.outbox_size for s in self.stations),
            connect_failures=sum(s.connect_failures for s in self.stations),
            reconnects=sum(max(0, s.connect_count - 1) for s in self.stations),
            elapsed_s=now - self._started_at,
        )

    async def _autopilot(self, station: SimulatedStation, connector_id: int, rng: random.Random) -> None:
        await station.wait_booted(timeout_s=None)
        # Spread the first plug-ins so meter values do not arrive in synchronized bursts.
        await asyncio.sleep(rng.uniform(0.0, station.config.meter_interval_s))
        while True:
            ev = BatteryModel(capacity_kwh=rng.choice(_EV_CAPACITIES_KWH), start_soc=rng.uniform(5.0, 60.0))
            try:
                await station.plug_in(connector_id, ev)
                tx = await station.start_rfid(connector_id)
            except (AuthorizationRejected, StationError):
                await asyncio.sleep(rng.uniform(*self.idle_s))
                # Leave a transaction the central system started on this connector alone.
                if station.connectors[connector_id].transaction is None:
                    with contextlib.suppress(StationError):
                        await station.unplug(connector_id)
                continue
            with contextlib.suppress(TimeoutError):
                await station.wait_until(_session_over(tx), rng.uniform(*self.session_s))
            with contextlib.suppress(StationError):
                await station.unplug(connector_id)
            await asyncio.sleep(rng.uniform(*self.idle_s))


def _session_over(tx: Transaction) -> Callable[[], bool]:
    return lambda: not tx.active or tx.curve.finished


async def run_fleet(
    url: str,
    stations: int,
    *,
    password: str | None = None,
    id_prefix: str = "SIM",
    first_index: int = 1,
    connector_count: int = 2,
    meter_interval_s: float = 10.0,
    connect_concurrency: int = 100,
    auto_charge: bool = False,
    reject_remote_start: bool = False,
    never_answer: bool = False,
    drop_after_s: float | None = None,
    time_scale: float = 1.0,
    max_power_kw: float = 11.0,
    validate_messages: bool = True,
    log_limit: int | None = 20,
    status_interval_s: float | None = None,
    on_status: Callable[[FleetStatus], None] | None = None,
    on_started: Callable[[Fleet], None] | None = None,
    seed: int | None = 0,
) -> None:
    """Run `stations` simulated stations against `url` until cancelled, then stop them cleanly.

    Ids are ``{id_prefix}-{n:05d}`` from `first_index`; all share `password`. Every
    `status_interval_s` seconds `on_status` receives a `FleetStatus`; `on_started` receives the
    `Fleet` once all stations have been started (not necessarily booted).
    """
    template = StationConfig(
        charge_point_id="template",
        url=url,
        password=password,
        connector_count=connector_count,
        meter_interval_s=meter_interval_s,
        reject_remote_start=reject_remote_start,
        never_answer=never_answer,
        drop_after_s=drop_after_s,
        time_scale=time_scale,
        max_power_kw=max_power_kw,
        validate_messages=validate_messages,
        log_limit=log_limit,
        auto_unplug_s=30.0,
    )
    fleet = Fleet.numbered(
        url,
        stations,
        id_prefix=id_prefix,
        first_index=first_index,
        template=template,
        connect_concurrency=connect_concurrency,
        auto_charge=auto_charge,
        seed=seed,
    )
    try:
        await fleet.start()
        if on_started is not None:
            on_started(fleet)
        while True:
            await asyncio.sleep(status_interval_s or 3600.0)
            if on_status is not None and status_interval_s is not None:
                on_status(fleet.status())
    finally:
        await fleet.stop()
