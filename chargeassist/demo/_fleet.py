"""The demo's simulated charge points, run by one process of a deployment however many run: through a store lease.

Every process of a demo deployment enters :func:`demo_fleet`; each tries the lease ``demo.fleet`` every few
seconds, and the one that holds it runs the fleet. When that process dies its lease expires, and the next process
to try takes it and starts the fleet (the stations reconnect, to whichever process the load balancer picks). A
process that loses the lease (its store did not answer a renewal, and another took it over) stops its fleet, so
two fleets never run the same charge points for longer than a renewal. Unlike a lock file, this works across
machines.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Protocol

from chargeassist.services._leases import ClaimedWork
from chargeassist.settings import Settings
from chargeassist.store import Database

__all__ = ["FLEET_LEASE", "FLEET_RETRY_S", "demo_fleet", "fleet_claim", "start_demo_fleet"]

_log = logging.getLogger("chargeassist.demo")

FLEET_LEASE = "demo.fleet"
FLEET_RETRY_S = 3.0
"""How often a process without the fleet tries its lease (and the holder renews it): a dead holder's fleet is
back within about three times this."""
DEFAULT_OCPP_URL = "ws://127.0.0.1:8000/ocpp"


class RunningFleet(Protocol):
    """What the claim needs of a fleet: stopping it."""

    async def stop(self) -> None:
        """Stop every station."""


async def start_demo_fleet(settings: Settings) -> RunningFleet:
    """Simulated charge points for the demo charge points, connecting to this server's own port."""
    from chargeassist.services._seed import DEMO_CHARGE_POINT_PASSWORD, DEMO_CHARGE_POINTS
    from chargeassist.simulator import Fleet, StationConfig

    url = settings.demo_ocpp_url or DEFAULT_OCPP_URL
    # The simulated side's every frame would otherwise fill the server's log.
    logging.getLogger("chargeassist.simulator.ocpp").setLevel(logging.WARNING)
    fleet = Fleet(
        [
            StationConfig(
                charge_point_id=charge_point_id,
                url=url,
                password=DEMO_CHARGE_POINT_PASSWORD,
                connector_count=len(evses),
                vendor="ChargeAssist",
                model="Demo Wallbox",
                serial=charge_point_id,
                meter_interval_s=5.0,
                auto_unplug_s=15.0,
                reconnect_initial_s=0.5,
                reconnect_max_s=5.0,
                log_limit=50,
            )
            for charge_point_id, evses in DEMO_CHARGE_POINTS.items()
        ]
    )
    await fleet.start()
    _log.info("demo fleet: %d simulated charge points connecting to %s", len(fleet.stations), url)
    return fleet


@contextlib.asynccontextmanager
async def fleet_claim(
    db: Database,
    start: Callable[[], Awaitable[RunningFleet]],
    *,
    retry_s: float = FLEET_RETRY_S,
) -> AsyncIterator[ClaimedWork]:
    """Run the fleet ``start`` makes while this process holds the fleet's lease, for as long as the block runs;
    yields the claim (``held`` says whether this process runs the fleet now)."""
    claim = ClaimedWork(db, FLEET_LEASE, interval_s=retry_s)
    task = asyncio.create_task(_follow(claim, start, retry_s), name="demo-fleet-claim")
    try:
        yield claim
    finally:
        task.cancel()
        await asyncio.wait([task])


async def _follow(claim: ClaimedWork, start: Callable[[], Awaitable[RunningFleet]], retry_s: float) -> None:
    fleet: RunningFleet | None = None
    try:
        while True:
            held = await claim.take()
            if held and fleet is None:
                try:
                    fleet = await start()
                except Exception:
                    # Tried again next round; meanwhile the lease is given back, so another process may run it.
                    _log.exception("starting the demo fleet failed")
                    await claim.release()
            elif not held and fleet is not None:
                _log.warning("demo fleet: another process took its lease over; stopping the fleet here")
                await fleet.stop()
                fleet = None
            await asyncio.sleep(retry_s)
    finally:
        if fleet is not None:
            await fleet.stop()
        await claim.release()


def demo_fleet(settings: Settings, db: Database) -> contextlib.AbstractAsyncContextManager[ClaimedWork]:
    """The demo fleet for this deployment (see the module): run by this process while it holds the lease."""

    async def start() -> RunningFleet:
        return await start_demo_fleet(settings)

    return fleet_claim(db, start)
