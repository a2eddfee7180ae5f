"""A real charge point that loses its connection: its EVSEs show UNKNOWN to drivers, then its status once back."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from tests.csms._live import LOCATION_ID, LiveServer


async def _until(check: Callable[[], Awaitable[bool]], what: str, timeout_s: float = 10.0) -> None:
    try:
        async with asyncio.timeout(timeout_s):
            while not await check():
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"never {what}") from None


async def _evse_statuses(live: LiveServer) -> list[str]:
    response = await live.call("GET", f"/v1/locations/{LOCATION_ID}")
    assert response.status_code == 200, response.text
    return [evse["status"] for evse in response.json()["evses"]]


async def _connected(live: LiveServer) -> bool:
    return (await live.services.charge_points.view("CP-E2E-1")).connected


async def _sweep(live: LiveServer) -> None:
    # What each process does every 15 s, done now.
    assert live.services.offline_evses is not None
    await live.services.offline_evses.sweep()


async def test_a_charge_point_gone_shows_its_evses_unknown(live: LiveServer) -> None:
    station = live.station()
    await station.start()
    await station.wait_booted()

    async def reported() -> bool:
        return await _evse_statuses(live) == ["AVAILABLE", "AVAILABLE"]

    await _until(reported, "showed the charge point's Available")
    await station.drop_connection(offline_s=3600)

    async def gone() -> bool:
        return not await _connected(live)

    await _until(gone, "recorded the connection as gone")
    await _sweep(live)
    assert await _evse_statuses(live) == ["UNKNOWN", "UNKNOWN"]


async def test_a_charge_point_back_shows_its_status_again(live: LiveServer) -> None:
    first = live.station()
    await first.start()
    await first.wait_booted()
    await first.drop_connection(offline_s=3600)

    async def gone() -> bool:
        return not await _connected(live)

    await _until(gone, "recorded the connection as gone")
    await _sweep(live)
    assert await _evse_statuses(live) == ["UNKNOWN", "UNKNOWN"]
    await first.stop()
    again = live.station()
    await again.start()
    await again.wait_booted()

    async def back() -> bool:
        await _sweep(live)
        return await _evse_statuses(live) == ["AVAILABLE", "AVAILABLE"]

    await _until(back, "showed the charge point's status again")
