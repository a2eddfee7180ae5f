"""A simulated charge point with several central system URLs (processes of one deployment) moves to the next one
when the one it uses refuses or dies: what the multi-process proof needs of it. Against fake central systems,
so it runs without PostgreSQL or Redis."""

from __future__ import annotations

import pytest

from chargeassist.simulator import SimulatedStation, StationConfig
from tests._processes import free_port
from tests.simulator._central import FakeCentral
from tests.simulator.conftest import fast_config


async def test_a_station_whose_url_refuses_connects_to_its_fallback() -> None:
    central = await FakeCentral().start()
    dead = f"ws://127.0.0.1:{free_port()}/ocpp"
    station = SimulatedStation(fast_config(dead, "CP-F", fallback_urls=(central.url,)))
    try:
        await station.start()
        await station.wait_booted(timeout_s=5)
        assert station.current_endpoint == f"{central.url}/CP-F"
        assert central.of("BootNotification", "CP-F")
    finally:
        await station.stop()
        await central.close()


async def test_a_station_moves_to_the_next_url_when_its_central_dies_and_replays_there() -> None:
    first, second = await FakeCentral().start(), await FakeCentral().start()
    station = SimulatedStation(fast_config(first.url, "CP-F", fallback_urls=(second.url,)))
    try:
        await station.start()
        await station.wait_booted(timeout_s=5)
        await station.start_rfid(1)
        await first.close()
        await station.wait_until(lambda: not station.connected, timeout_s=5)
        await station.stop_local(1)  # queued while offline

        await station.wait_booted(timeout_s=5)
        await station.wait_until(lambda: station.outbox_size == 0, timeout_s=5)

        assert station.current_endpoint == f"{second.url}/CP-F"
        assert second.connections("CP-F") == 1
        assert len(second.of("StopTransaction", "CP-F")) == 1
    finally:
        await station.stop()
        await first.close()
        await second.close()


async def test_a_station_stays_on_the_url_that_let_it_in() -> None:
    first, second = await FakeCentral().start(), await FakeCentral().start()
    station = SimulatedStation(fast_config(first.url, "CP-F", fallback_urls=(second.url,)))
    try:
        await station.start()
        await station.wait_booted(timeout_s=5)
        await station.drop_connection()  # a network blip, the central system still up
        await station.wait_until(lambda: station.connect_count == 2 and station.booted, timeout_s=5)

        assert first.connections("CP-F") == 2
        assert second.connections("CP-F") == 0
    finally:
        await station.stop()
        await first.close()
        await second.close()


def test_endpoints_are_the_url_then_the_fallbacks() -> None:
    config = StationConfig(charge_point_id="CP-F", url="ws://a/ocpp/", fallback_urls=("ws://b/ocpp", "wss://c/x"))

    assert config.endpoints == ("ws://a/ocpp/CP-F", "ws://b/ocpp/CP-F", "wss://c/x/CP-F")
    assert config.endpoint == "ws://a/ocpp/CP-F"


def test_a_fallback_that_is_not_a_websocket_url_is_refused() -> None:
    with pytest.raises(ValueError, match="fallback_urls"):
        StationConfig(charge_point_id="CP-F", url="ws://a/ocpp", fallback_urls=("http://b/ocpp",))
