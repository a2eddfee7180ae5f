"""Fleets of simulated stations and the ``simulate`` command."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from chargeassist.commands.simulate import simulate
from chargeassist.simulator import Fleet, FleetStatus, run_fleet
from tests.simulator._central import FakeCentral
from tests.simulator.conftest import fast_config


async def test_fleet_drives_sessions_by_itself(central: FakeCentral) -> None:
    template = fast_config(central.url, "template", time_scale=200.0, connector_count=1)
    fleet = Fleet.numbered(
        central.url, 4, id_prefix="T", template=template, connect_concurrency=2, auto_charge=True, seed=7
    )
    fleet.session_s = (0.2, 0.3)
    fleet.idle_s = (0.01, 0.05)
    async with fleet:
        await fleet.wait_booted(timeout_s=5)
        await central.wait_for(lambda: len(central.of("StopTransaction")) >= 4, timeout=10)
        status = fleet.status()
    assert sorted(central.cps) == ["T-00001", "T-00002", "T-00003", "T-00004"]
    assert status.stations == 4
    assert status.booted == 4
    assert status.meter_values > 0
    assert {r.payload["reason"] for r in central.of("StopTransaction")} == {"EVDisconnected"}
    assert all(not s.connected for s in fleet.stations)


async def test_run_fleet_until_cancelled(central: FakeCentral) -> None:
    statuses: list[FleetStatus] = []
    fleets: list[Fleet] = []
    task = asyncio.create_task(
        run_fleet(
            central.url,
            3,
            id_prefix="RUN",
            first_index=7,
            meter_interval_s=0.05,
            status_interval_s=0.05,
            on_status=statuses.append,
            on_started=fleets.append,
        )
    )
    await central.wait_count("StatusNotification", 6)
    await asyncio.sleep(0.15)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert sorted(central.cps) == ["RUN-00007", "RUN-00008", "RUN-00009"]
    assert statuses
    assert statuses[-1].booted == 3
    assert "3/3 booted" in statuses[-1].line()
    (fleet,) = fleets
    assert all(not s.connected and not s._tasks for s in fleet.stations)


@pytest.fixture
def threaded_central() -> Iterator[FakeCentral]:
    """A fake central system on its own event loop, for commands that run their own loop."""
    started = threading.Event()
    state: dict[str, object] = {}

    async def serve() -> None:
        central = await FakeCentral(password="pw").start()
        stop = asyncio.Event()
        state.update(central=central, loop=asyncio.get_running_loop(), stop=stop)
        started.set()
        await stop.wait()
        await central.close()

    thread = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True)
    thread.start()
    assert started.wait(5)
    central = state["central"]
    assert isinstance(central, FakeCentral)
    try:
        yield central
    finally:
        loop, stop = state["loop"], state["stop"]
        assert isinstance(loop, asyncio.AbstractEventLoop)
        assert isinstance(stop, asyncio.Event)
        loop.call_soon_threadsafe(stop.set)
        thread.join(5)


def test_simulate_command(threaded_central: FakeCentral) -> None:
    result = CliRunner().invoke(
        simulate,
        [
            "--url",
            threaded_central.url,
            "--stations",
            "3",
            "--connectors",
            "1",
            "--id-prefix",
            "CLI",
            "--meter-interval",
            "0.05",
            "--time-scale",
            "100",
            "--auto-charge",
            "--status-interval",
            "0.2",
            "--duration",
            "1.0",
        ],
        env={"CHARGEASSIST_SIM_PASSWORD": "pw"},
    )
    assert result.exit_code == 0, result.output
    assert "Simulating 3 station(s)" in result.output
    assert "3/3 booted" in result.output
    assert sorted(threaded_central.cps) == ["CLI-00001", "CLI-00002", "CLI-00003"]
    assert threaded_central.of("StartTransaction")


def test_simulate_help() -> None:
    result = CliRunner().invoke(simulate, ["--help"])
    assert result.exit_code == 0
    for option in (
        "--url",
        "--stations",
        "--password",
        "--id-prefix",
        "--meter-interval",
        "--reject-starts",
        "--never-answer",
        "--drop-every",
    ):
        assert option in result.output
