"""The ``chargeassist`` command line: serve, db, partners, import, openapi, tariff, simulate."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from chargeassist.settings import Settings, SettingsError

__all__ = ["main"]


def _settings(**overrides: Any) -> Settings:
    try:
        return Settings.from_env(**overrides)
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Charge Assist: EV charging backend with a driver API and its own OCPP central system."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--demo", is_flag=True, help="Seed demo locations, tariffs and the well-known demo keys.")
@click.option(
    "--server",
    type=click.Choice(["uvicorn", "granian"]),
    default="uvicorn",
    show_default=True,
    # Measured with bench/csms.py and bench/search.py: a connected charge point costs about a quarter of the
    # memory on uvicorn, and search keeps more of the trivial endpoint's rate there.
    help="ASGI server.",
)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
def serve(host: str, port: int, demo: bool, server: str, workers: int) -> None:
    """Run the API and the CSMS (migrating the store first)."""
    if demo:
        os.environ["CHARGEASSIST_DEMO"] = "true"
    # The demo charge points connect to this server (the variable reaches every worker process).
    local_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    os.environ.setdefault("CHARGEASSIST_DEMO_OCPP_URL", f"ws://{local_host}:{port}/ocpp")
    settings = _settings()
    _refuse_split_platform(settings, workers)
    if settings.demo:
        from chargeassist.demo._serve import demo_stripe

        # Through the environment, so the stand-in's address and keys reach every worker process.
        stripe = demo_stripe(os.environ)
        stripe.stop_at_exit()
        click.echo(stripe.line)
        settings = _settings()
    from chargeassist.store import upgrade

    upgrade(settings.database_url)
    if settings.demo:
        from chargeassist.services._seed import DEMO_OPERATOR_KEY, DEMO_PARTNER_KEY, HOTEL_PARTNER_KEY

        click.echo(
            "Demo mode. Partner key: "
            f"{DEMO_PARTNER_KEY}  Operator key: {DEMO_OPERATOR_KEY}  Hotel partner key: {HOTEL_PARTNER_KEY}"
        )
    click.echo(f"Charge Assist on http://{host}:{port} (API docs at /schema), store {settings.database_url}")
    from chargeassist.limits import HttpLimits

    limits = HttpLimits.from_settings(settings)
    if server == "uvicorn":
        _serve_uvicorn(
            host=host,
            port=port,
            workers=workers,
            log_level=settings.log_level.lower(),
            options=limits.uvicorn_options(),
        )
        return
    from granian import Granian
    from granian.constants import Interfaces, Loops

    Granian(
        "chargeassist.app:app_from_env",
        factory=True,
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        loop=Loops.uvloop,
        log_access=False,
        **limits.granian_options(workers),
    ).serve()


def _serve_uvicorn(*, host: str, port: int, workers: int, log_level: str, options: dict[str, Any]) -> None:
    """Serve with uvicorn; exit with status 3 when a worker's start-up failed, with one worker or many.

    uvicorn exits 3 when the one worker's start-up fails, but its supervisor of several stops every worker when
    one fails to start and then returns as after an orderly stop: the command exited 0, and a process manager took
    a server that never served for one that ended its work. The supervisor is run here, and its workers' exit
    codes read once it has stopped."""
    import uvicorn
    from uvicorn.config import STARTUP_FAILURE
    from uvicorn.supervisors import Multiprocess

    from chargeassist.csms import QuietRefusalWebSocketProtocol

    config = uvicorn.Config(
        "chargeassist.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        log_level=log_level,
        access_log=False,
        # The app's lifespan (migrated store, search index, seeding) must run: its failure fails the start.
        lifespan="on",
        # OCPP frames are small JSON: compressing them saves little, and each connection's zlib state
        # was about half of what a connected charge point cost in memory.
        ws_per_message_deflate=False,
        # websockets-sansio, without its ERROR line after every upgrade the central system refuses.
        ws=QuietRefusalWebSocketProtocol,
        # httptools, with the request head bounded and head and body read deadlines.
        **options,
    )
    if workers == 1:
        server = uvicorn.Server(config)
        server.run()
        if not server.started:
            sys.exit(STARTUP_FAILURE)
        return
    supervisor = Multiprocess(config, sockets=[config.bind_socket()])
    supervisor.run()
    failed = [process.pid for process in supervisor.processes if process.exitcode == STARTUP_FAILURE]
    if failed:
        click.echo(
            f"error: worker process {', '.join(map(str, failed))} failed to start (see its log above); "
            "the server stopped",
            err=True,
        )
        sys.exit(STARTUP_FAILURE)


def _refuse_split_platform(settings: Settings, workers: int) -> None:
    """Refuse several worker processes where they could not form one platform.

    A SQLite file is one process's store (one writer; its write turns are kept in the process). Without Redis,
    the command bus to the charge points, session events and the shared stores live in each process: a command
    for a charge point fails when the request lands on the process without its WebSocket, a stop bounces back to
    CHARGING, event streams miss the end. With PostgreSQL and every bus part on Redis, any number of workers
    form one platform; background work is claimed through the store, so it runs once."""
    if workers <= 1:
        return
    if settings.is_sqlite:
        raise click.UsageError(
            f"--workers {workers}: a SQLite store takes one process (one writer at a time, whose turns are kept "
            "inside the process). Run one worker, or set CHARGEASSIST_DATABASE_URL=postgresql+asyncpg://USER@HOST/DB "
            "and CHARGEASSIST_REDIS_URL=redis://HOST:6379/0."
        )
    if not settings.bus.crosses_processes:
        raise click.UsageError(
            f"--workers {workers}: without Redis the command bus to the charge points, session events and the shared "
            "stores live in each process, so several workers would split the platform (a charge point's commands "
            "fail on the processes without its connection). Set CHARGEASSIST_REDIS_URL=redis://HOST:6379/0 (and "
            "leave CHARGEASSIST_BUS_COMMANDS, _EVENTS and _STORES at redis), or run one worker."
        )


@main.group()
def db() -> None:
    """The store's schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION."""
    from chargeassist.store import upgrade

    settings = _settings()
    upgrade(settings.database_url, revision)
    click.echo(f"store at {revision}: {settings.database_url}")


@main.group()
def partners() -> None:
    """Partners (integrators) and operators and their API keys."""


@partners.command("create")
@click.argument("name")
@click.option("--operator", is_flag=True, help="An operator key: manages locations, tariffs, charge points, QR codes.")
def partners_create(name: str, operator: bool) -> None:
    """Create a partner and print its API key (shown once, stored only as a hash)."""
    from chargeassist.services import PartnerService
    from chargeassist.store import Database, upgrade

    settings = _settings()
    upgrade(settings.database_url)

    async def run() -> Any:
        database = Database(settings.database_url)
        try:
            return await PartnerService(database).create(name, is_operator=operator)
        finally:
            await database.dispose()

    created = asyncio.run(run())
    kind = "operator" if operator else "partner"
    click.echo(f"{kind} {created.identity.partner_id} ({name})")
    click.echo(f"API key (shown once): {created.api_key}")


@partners.command("list")
def partners_list() -> None:
    """List partners (never their keys)."""
    from chargeassist.services import PartnerService
    from chargeassist.store import Database, upgrade

    settings = _settings()
    upgrade(settings.database_url)

    async def run() -> Any:
        database = Database(settings.database_url)
        try:
            return await PartnerService(database).list()
        finally:
            await database.dispose()

    for identity in asyncio.run(run()):
        click.echo(f"{identity.partner_id}\t{'operator' if identity.is_operator else 'partner'}\t{identity.name}")


@main.group("import")
def import_group() -> None:
    """Bulk loads."""


@import_group.command("locations")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_locations(file: Path) -> None:
    """Load a JSON array of OCPI Locations, or an object {"tariffs": [...], "locations": [...]}."""
    from chargeassist.services import ServiceError, Services
    from chargeassist.store import upgrade

    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        click.echo(f"error: {file}: {exc}", err=True)
        sys.exit(2)
    if isinstance(document, list):
        tariffs: list[Any] = []
        locations = document
    elif isinstance(document, dict):
        tariffs, locations = document.get("tariffs", []), document.get("locations", [])
        if not isinstance(tariffs, list) or not isinstance(locations, list):
            click.echo(f'error: {file}: "tariffs" and "locations" must be JSON arrays', err=True)
            sys.exit(2)
    else:
        click.echo(f"error: {file}: expected a JSON array of locations", err=True)
        sys.exit(2)
    settings = _settings()
    upgrade(settings.database_url)

    async def run() -> tuple[int, int]:
        services = Services.create(settings)
        try:
            # Everything is checked before anything is written: a bad entry anywhere leaves the store as it was.
            checked_tariffs = services.tariffs.check_many(tariffs)
            checked_locations = services.locations.check_many(locations)
            return (
                await services.tariffs.store_many(checked_tariffs),
                await services.locations.store_many(checked_locations),
            )
        finally:
            await services.db.dispose()

    try:
        tariff_count, location_count = asyncio.run(run())
    except ServiceError as exc:
        click.echo(f"error: {file}: {exc.detail}", err=True)
        sys.exit(2)
    click.echo(f"imported {location_count} locations and {tariff_count} tariffs")


@main.command()
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="File to write.")
def openapi(output: Path | None) -> None:
    """Print (or write) the OpenAPI document of the app."""
    from chargeassist.openapi import export_openapi

    text = export_openapi()
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


def _register_subcommands() -> None:
    from chargeassist.commands.simulate import simulate
    from chargeassist.commands.tariff import tariff
    from chargeassist.commands.tokens import tokens

    main.add_command(tariff)
    main.add_command(tokens)
    main.add_command(simulate)


_register_subcommands()


if __name__ == "__main__":  # pragma: no cover
    main()
