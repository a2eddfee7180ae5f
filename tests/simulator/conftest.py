"""Fixtures for the simulator tests: a fake central system and fast-running stations."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from typing import Any

import pytest

from chargeassist.simulator import SimulatedStation, StationConfig
from tests.simulator._central import FakeCentral

StationFactory = Callable[..., SimulatedStation]


def fast_config(url: str, charge_point_id: str = "CP-1", **overrides: Any) -> StationConfig:
    """A station configuration with intervals short enough for tests."""
    base = StationConfig(
        charge_point_id=charge_point_id,
        url=url,
        meter_interval_s=0.05,
        reconnect_initial_s=0.05,
        reconnect_max_s=0.2,
        response_timeout_s=2.0,
        close_timeout_s=0.5,
        ping_interval_s=None,
        open_timeout_s=2.0,
        transaction_message_retry_interval_s=0.05,
    )
    return replace(base, **overrides)


@pytest.fixture
async def central() -> AsyncIterator[FakeCentral]:
    fake = await FakeCentral().start()
    try:
        yield fake
    finally:
        await fake.close()


@pytest.fixture
async def make_station(central: FakeCentral) -> AsyncIterator[StationFactory]:
    """Build stations against `central`; all are stopped at teardown (before the central closes)."""
    stations: list[SimulatedStation] = []

    def build(charge_point_id: str = "CP-1", *, url: str | None = None, **overrides: Any) -> SimulatedStation:
        station = SimulatedStation(fast_config(url or central.url, charge_point_id, **overrides))
        stations.append(station)
        return station

    try:
        yield build
    finally:
        for station in stations:
            await station.stop()
            assert not station._tasks
            assert not station._session_tasks


@pytest.fixture
async def station(make_station: StationFactory) -> SimulatedStation:
    """A booted two-connector station."""
    built = make_station()
    await built.start()
    await built.wait_booted(timeout_s=5)
    return built
