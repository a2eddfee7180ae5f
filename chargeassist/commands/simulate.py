"""``chargeassist simulate``: run a fleet of simulated OCPP 1.6J charge points against a central system."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

import click

from chargeassist.simulator import Fleet, FleetStatus, run_fleet

__all__ = ["simulate"]


def _run(coro: Coroutine[Any, Any, None]) -> None:
    try:
        import uvloop
    except ImportError:
        asyncio.run(coro)
        return
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(coro)


@click.command("simulate")
@click.option(
    "--url",
    default="ws://127.0.0.1:8000/ocpp",
    show_default=True,
    help="Central system base URL; each station connects to URL/<charge point id>.",
)
@click.option("--stations", "-n", default=1, show_default=True, type=click.IntRange(1, 100_000))
@click.option(
    "--password",
    envvar="CHARGEASSIST_SIM_PASSWORD",
    default=None,
    help="HTTP Basic password for every station (user = charge point id). Env: CHARGEASSIST_SIM_PASSWORD.",
)
@click.option("--id-prefix", default="SIM", show_default=True, help="Stations are named PREFIX-00001, ...")
@click.option("--first-index", default=1, show_default=True, type=click.IntRange(0), help="Number of the first id.")
@click.option("--connectors", default=2, show_default=True, type=click.IntRange(1, 32), help="Connectors per station.")
@click.option(
    "--meter-interval",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.01),
    help="Seconds between MeterValues during a transaction.",
)
@click.option("--max-power", default=11.0, show_default=True, type=click.FloatRange(min=0.1), help="kW per connector.")
@click.option(
    "--time-scale",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0.001),
    help="Simulated charging seconds per real second (fast-forwards the battery curve).",
)
@click.option("--auto-charge", is_flag=True, help="Plug in EVs and start RFID sessions without a central-system start.")
@click.option("--reject-starts", is_flag=True, help="Answer every RemoteStartTransaction with Rejected.")
@click.option("--never-answer", is_flag=True, help="Receive the central system's CALLs but never answer them.")
@click.option(
    "--drop-every",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Abort each connection this many seconds after boot (stations reconnect and replay).",
)
@click.option(
    "--connect-concurrency",
    default=100,
    show_default=True,
    type=click.IntRange(1),
    help="Connection handshakes plus first BootNotifications in flight at once.",
)
@click.option(
    "--status-interval",
    default=5.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds between status lines.",
)
@click.option(
    "--duration", type=click.FloatRange(min=0.0), default=None, help="Stop after this many seconds instead of Ctrl-C."
)
@click.option("--no-validate", is_flag=True, help="Skip JSON-schema validation of outgoing CALLs (saves CPU).")
@click.option("-v", "--verbose", count=True, help="-v logs connection events, -vv every OCPP frame.")
def simulate(
    url: str,
    stations: int,
    password: str | None,
    id_prefix: str,
    first_index: int,
    connectors: int,
    meter_interval: float,
    max_power: float,
    time_scale: float,
    auto_charge: bool,
    reject_starts: bool,
    never_answer: bool,
    drop_every: float | None,
    connect_concurrency: int,
    status_interval: float,
    duration: float | None,
    no_validate: bool,
    verbose: int,
) -> None:
    """Run simulated OCPP 1.6J charge points until Ctrl-C."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if verbose:
        logging.getLogger("chargeassist.simulator").setLevel(logging.INFO if verbose == 1 else logging.DEBUG)
    if verbose < 2:
        # The ocpp package logs every frame at INFO; that is only wanted when asked for.
        logging.getLogger("chargeassist.simulator.ocpp").setLevel(logging.WARNING)
    else:
        logging.getLogger("chargeassist.simulator.ocpp").setLevel(logging.INFO)
    fleets: list[Fleet] = []

    def show(status: FleetStatus) -> None:
        click.echo(status.line())

    async def main() -> None:
        task = asyncio.create_task(
            run_fleet(
                url,
                stations,
                password=password,
                id_prefix=id_prefix,
                first_index=first_index,
                connector_count=connectors,
                meter_interval_s=meter_interval,
                connect_concurrency=connect_concurrency,
                auto_charge=auto_charge,
                reject_remote_start=reject_starts,
                never_answer=never_answer,
                drop_after_s=drop_every,
                time_scale=time_scale,
                max_power_kw=max_power,
                validate_messages=not no_validate,
                status_interval_s=status_interval,
                on_status=show,
                on_started=fleets.append,
            )
        )
        if duration is None:
            await task
            return
        done, _ = await asyncio.wait({task}, timeout=duration)
        if task in done:
            task.result()
            return
        if fleets:
            show(fleets[0].status())
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    click.echo(f"Simulating {stations} station(s) against {url} (Ctrl-C to stop)")
    try:
        _run(main())
    except KeyboardInterrupt:
        click.echo("Stopped.")
