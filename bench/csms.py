"""Benchmark of the CSMS: connections held by one server process, and MeterValues it takes per second.

Run with ``.venv/bin/python bench/csms.py`` (about ten minutes). It prints three parts:

1. Where the time of one MeterValues goes: checking the payload with the ``ocpp`` package's jsonschema
   (what the package does for every message, in a thread pool) against msgspec, and storing readings one
   commit per message against one commit per batch.
2. Connections: ``chargeassist serve`` (uvicorn by default, one worker) on a fresh SQLite store, and
   ``--stations`` simulated charge points (the simulator) in two separate processes connecting, booting and
   sending heartbeats. Reports the time for all of them to connect and boot (the first time, when each
   password costs one scrypt, and again after they reconnect) and the server's memory per connection.
3. Messages: ``--charging`` charge points with two connectors each, started with an RFID StartTransaction
   and sending one MeterValues per connector per second, into the same kind of server; reports the rate,
   the time from sending a MeterValues to its CALLRESULT (median, p95, p99, max; measured at the charge
   points), and the driver API's answer times for session status while that runs. By default these are
   lean OCPP-J clients (``_lean_fleet``), since the simulator costs more CPU per message than the server
   does; ``--load simulator`` runs the simulator instead.

Options: ``--stations 5000 --charging 500 --measure-s 60 --server uvicorn|granian --load lean|simulator
--skip-connections --skip-messages --skip-micro``. Simulated charge points use ``validate_messages=False``
so their own jsonschema checks do not eat the CPU the server needs (two cores run both sides).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-charge-point-password"
CARD = "SIMTAG"  # the simulator's default RFID tag, as a charge card's visual number
PAGE = 4096


# --- helpers ---------------------------------------------------------------------------------------------


def _raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _percentiles(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "max": ordered[-1], "n": float(len(ordered))}


def _ms(stats: dict[str, float]) -> str:
    if not stats:
        return "no samples"
    return (
        f"median {stats['p50'] * 1000:.1f} ms, p95 {stats['p95'] * 1000:.1f} ms, "
        f"p99 {stats['p99'] * 1000:.1f} ms, max {stats['max'] * 1000:.1f} ms ({int(stats['n'])} samples)"
    )


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split()
        found.extend(int(c) for c in children)
    return found


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- 1. where the time goes -----------------------------------------------------------------------------


def _meter_values_payload(transaction_id: int, connector_id: int, energy_wh: int, timestamp: str) -> dict[str, Any]:
    """One MeterValues as a charging connector sends it: energy register, power, current and SoC."""
    readings = (
        (str(energy_wh), "Energy.Active.Import.Register", "Wh"),
        ("11000", "Power.Active.Import", "W"),
        ("16", "Current.Import", "A"),
        ("50", "SoC", "Percent"),
    )
    return {
        "connectorId": connector_id,
        "transactionId": transaction_id,
        "meterValue": [
            {
                "timestamp": timestamp,
                "sampledValue": [
                    {"value": value, "context": "Sample.Periodic", "measurand": measurand, "unit": unit}
                    for value, measurand, unit in readings
                ],
            }
        ],
    }


def micro(rounds: int = 2000) -> None:
    from ocpp.messages import Call, _validate_payload

    from chargeassist.csms._messages import MeterValuesRequest, decode_payload, readings_of

    payload = _meter_values_payload(7, 1, 1003, "2025-01-06T08:00:01Z")
    started = time.perf_counter()
    for i in range(rounds):
        _validate_payload(Call(str(i), "MeterValues", payload), "1.6")
    jsonschema_us = (time.perf_counter() - started) / rounds * 1e6
    started = time.perf_counter()
    for _ in range(rounds):
        readings_of(decode_payload(payload, MeterValuesRequest).meter_value)
    msgspec_us = (time.perf_counter() - started) / rounds * 1e6
    print("1. Where the time of one MeterValues goes")
    print(f"   payload check, ocpp jsonschema (in a thread pool per message): {jsonschema_us:7.1f} us")
    print(f"   payload check and parse, msgspec (this CSMS):                  {msgspec_us:7.1f} us")
    single, batched = asyncio.run(_store_costs())
    print(f"   store one reading, one commit per message (SQLite, WAL):        {single:7.1f} us")
    print(f"   store one reading, one commit per 100 (group commit):          {batched:7.1f} us")


async def _store_costs(count: int = 1000) -> tuple[float, float]:
    from chargeassist.services import BatchWriter
    from chargeassist.store import Database, OcppTransaction, upgrade

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/micro.db"
        await asyncio.to_thread(upgrade, url)
        db = Database(url)
        writer = BatchWriter(db)
        async with db.transaction() as session:
            session.add(
                OcppTransaction(
                    id=1,
                    charge_point_id="CP",
                    connector_id=1,
                    id_tag="T",
                    id_tag_status="Accepted",
                    meter_start=0,
                    started_at=datetime.now(UTC),
                )
            )
        base = datetime.now(UTC)

        def row(i: int) -> dict[str, Any]:
            return {
                "transaction_id": 1,
                "timestamp": base + timedelta(seconds=i),
                "energy_wh": str(i),
                "power_w": "11000",
                "current_a": "16",
                "soc": "50",
            }

        started = time.perf_counter()
        for i in range(count):
            async with db.transaction() as session:
                await session.execute(writer.readings_sql, [row(i)])
        single = (time.perf_counter() - started) / count * 1e6
        started = time.perf_counter()
        for chunk in range(count, 2 * count, 100):
            async with db.transaction() as session:
                await session.execute(writer.readings_sql, [row(i) for i in range(chunk, chunk + 100)])
        batched = (time.perf_counter() - started) / count * 1e6
        await db.dispose()
    return single, batched


# --- the store and the server ---------------------------------------------------------------------------


async def _seed(url: str, idle: int, charging: int) -> str:
    """Charge points (one shared scrypt hash, computed once), EVSEs for the charging ones, a wallet with the
    simulators' RFID card."""
    from sqlalchemy import insert, update

    from chargeassist.services import Services, hash_password
    from chargeassist.settings import Settings
    from chargeassist.store import ChargePoint, EvseRow

    services = Services.create(Settings(database_url=url, search_refresh_interval_s=0))
    await services.start()
    try:
        partner = await services.partners.create("Bench Partner")
        token, _ = await services.wallet.register(partner.identity.partner_id, "bench-driver")
        await services.wallet.add_charge_card(token, CARD, "bench card")
        partner_key = partner.api_key
        await services.tariffs.put(
            "bench",
            {
                "country_code": "NL",
                "party_id": "BEN",
                "id": "bench",
                "currency": "EUR",
                "elements": [{"price_components": [{"type": "ENERGY", "price": 0.3, "vat": 21.0, "step_size": 1}]}],
                "last_updated": "2025-01-06T08:00:00Z",
            },
        )
        locations = [_location(n) for n in range(1, charging + 1)]
        for start in range(0, len(locations), 500):
            await services.locations.bulk_put(locations[start : start + 500])
        hashed = hash_password(PASSWORD)
        ids = [f"IDLE-{n:05d}" for n in range(1, idle + 1)] + [f"CHG-{n:05d}" for n in range(1, charging + 1)]
        async with services.db.transaction() as session:
            for start in range(0, len(ids), 1000):
                await session.execute(
                    insert(ChargePoint), [{"id": i, "password_hash": hashed} for i in ids[start : start + 1000]]
                )
            for n in range(1, charging + 1):
                for connector in (1, 2):
                    await session.execute(
                        update(EvseRow)
                        .where(EvseRow.uid == f"BEN-{n:05d}-{connector}")
                        .values(charge_point_id=f"CHG-{n:05d}", ocpp_connector_id=connector)
                    )
    finally:
        await services.stop()
    return partner_key


def _location(n: int) -> dict[str, Any]:
    connector = {
        "id": "1",
        "standard": "IEC_62196_T2",
        "format": "SOCKET",
        "power_type": "AC_3_PHASE",
        "max_voltage": 230,
        "max_amperage": 16,
        "tariff_ids": ["bench"],
        "last_updated": "2025-01-06T08:00:00Z",
    }
    return {
        "country_code": "NL",
        "party_id": "BEN",
        "id": f"{n:05d}",
        "publish": True,
        "address": "Benchstraat 1",
        "city": "Amsterdam",
        "country": "NLD",
        "coordinates": {"latitude": f"{52 + n / 10000:.6f}", "longitude": "4.900000"},
        "time_zone": "Europe/Amsterdam",
        "evses": [
            {"uid": f"BEN-{n:05d}-{c}", "status": "AVAILABLE", "connectors": [connector], "last_updated": "2025-01-06"}
            for c in (1, 2)
        ],
        "last_updated": "2025-01-06T08:00:00Z",
    }


class Server:
    """``chargeassist serve`` in a process of its own."""

    def __init__(self, url: str, server: str, heartbeat_s: int) -> None:
        self.port = _free_port()
        env = {
            **os.environ,
            "CHARGEASSIST_DATABASE_URL": url,
            "CHARGEASSIST_LOG_LEVEL": "WARNING",
            "CHARGEASSIST_OCPP_HEARTBEAT_INTERVAL_S": str(heartbeat_s),
            "CHARGEASSIST_SEARCH_REFRESH_INTERVAL_S": "5",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "chargeassist.cli", "serve", "--port", str(self.port), "--server", server],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        self.ocpp = f"ws://127.0.0.1:{self.port}/ocpp"

    def wait_ready(self) -> None:
        import httpx

        for _ in range(600):
            try:
                if httpx.get(f"{self.base}/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError("the server did not start")

    @property
    def app_pid(self) -> int:
        """The process running the app: granian's worker, or uvicorn itself."""
        children = _children(self.process.pid)
        return children[0] if children else self.process.pid

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


class FleetProcess:
    """Simulated charge points in a process of their own, driven by ``_fleet`` below."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "_fleet", *args],
            stdout=subprocess.PIPE,
            text=True,
        )

    def read(self, prefix: str) -> str:
        assert self.process.stdout is not None
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"a fleet process ended before {prefix}")
            if line.startswith(prefix + " "):
                return line[len(prefix) + 1 :].strip()

    def wait(self) -> None:
        self.process.wait(timeout=120)


# --- 2. connections -------------------------------------------------------------------------------------


def connections(url: str, stations: int, server_name: str, hold_s: float = 30.0) -> None:
    print(f"2. Connections: {stations} charge points into one {server_name} process (two station processes)")
    server = Server(url, server_name, heartbeat_s=15)
    try:
        server.wait_ready()
        time.sleep(2)
        pid = server.app_pid
        idle_rss = _rss_kib(pid)
        half = stations // 2
        for attempt in ("first connect (one scrypt per password)", "reconnect (passwords verified before)"):
            started = time.monotonic()
            fleets = [
                FleetProcess("idle", server.ocpp, "IDLE", "1", str(half), str(hold_s)),
                FleetProcess("idle", server.ocpp, "IDLE", str(half + 1), str(stations - half), str(hold_s)),
            ]
            for fleet in fleets:
                fleet.read("BOOTED")
            elapsed = time.monotonic() - started
            time.sleep(hold_s / 2)
            connected_rss = _rss_kib(pid)
            held = [json.loads(fleet.read("RESULT")) for fleet in fleets]
            for fleet in fleets:
                fleet.wait()
            time.sleep(5)
            left_rss = _rss_kib(pid)
            booted = sum(h["booted"] for h in held)
            heartbeats = sum(h["answered"] for h in held)
            reconnects = sum(h["reconnects"] for h in held)
            print(f"   {attempt}: all {stations} connected and booted in {elapsed:.1f} s")
            print(
                f"     then {hold_s:.0f} s with heartbeats every 15 s: {booted} still booted, {heartbeats} heartbeats "
                f"answered, {reconnects} reconnects, heartbeat answer {_ms(_percentiles(_all(held)))}"
            )
            print(
                f"     server memory: {idle_rss / 1024:.0f} MiB before any connection, {connected_rss / 1024:.0f} MiB "
                f"with {stations}, {left_rss / 1024:.0f} MiB after they left"
            )
            print(f"     machine load (1-minute average, {os.cpu_count()} CPUs): {os.getloadavg()[0]:.1f}")
            print(
                f"     per connection: {(connected_rss - left_rss) / stations:.1f} KiB held while connected, "
                f"{(connected_rss - idle_rss) / stations:.1f} KiB counting all growth since start"
            )
            time.sleep(2)
    finally:
        server.stop()


def _all(results: list[dict[str, Any]]) -> list[float]:
    return [x for r in results for x in r["latencies"]]


# --- 3. messages ----------------------------------------------------------------------------------------


def messages(url: str, partner_key: str, charging: int, measure_s: float, server_name: str, load: str) -> None:
    import httpx

    rate = charging * 2
    print(
        f"3. Messages: {charging} charge points ({load}), {rate} connectors charging, one MeterValues per connector"
        f" per second, into one {server_name} process"
    )
    server = Server(url, server_name, heartbeat_s=300)
    try:
        server.wait_ready()
        if load == "lean":
            fleets = [FleetProcess("lean", server.ocpp, "CHG", "1", str(charging), str(measure_s))]
        else:
            half = charging // 2
            fleets = [
                FleetProcess("charge", server.ocpp, "CHG", "1", str(half), str(measure_s)),
                FleetProcess("charge", server.ocpp, "CHG", str(half + 1), str(charging - half), str(measure_s)),
            ]
        for fleet in fleets:
            fleet.read("CHARGING")
        print(f"   all {rate} connectors charging; measuring for {measure_s:.0f} s")
        pid = server.app_pid
        cpu_before, wall_before = _cpu_s(pid), time.monotonic()
        api: list[float] = []
        api_errors = 0
        with httpx.Client(base_url=server.base, timeout=10) as client:
            headers = {"Authorization": f"Bearer {partner_key}"}
            listed = client.get("/v1/tokens/bench-driver/sessions", params={"pageSize": 50}, headers=headers)
            ids = [s["chargeSessionId"] for s in listed.json()["data"]]
            deadline = time.monotonic() + measure_s - 1
            n = 0
            while time.monotonic() < deadline and ids:
                started = time.perf_counter()
                response = client.get(f"/v1/tokens/bench-driver/sessions/{ids[n % len(ids)]}", headers=headers)
                api.append(time.perf_counter() - started)
                api_errors += response.status_code != 200
                n += 1
                time.sleep(0.05)
        results = [json.loads(fleet.read("RESULT")) for fleet in fleets]
        cpu = (_cpu_s(pid) - cpu_before) / (time.monotonic() - wall_before)
        for fleet in fleets:
            fleet.wait()
        sent = sum(r["answered"] for r in results)
        window = max(r["window_s"] for r in results)
        errors = sum(r["errors"] for r in results)
        print(f"   sustained {sent / window:.0f} MeterValues/s for {window:.0f} s ({errors} errors)")
        print(f"   MeterValues to CALLRESULT: {_ms(_percentiles(_all(results)))}")
        print(f"   server process CPU: {cpu * 100:.0f}% of one core")
        print(f"   driver API, GET session status meanwhile: {_ms(_percentiles(api))}, {api_errors} errors")
        print(f"   machine load meanwhile (1-minute average, {os.cpu_count()} CPUs): {os.getloadavg()[0]:.1f}")
    finally:
        server.stop()


# --- the station processes ------------------------------------------------------------------------------


async def _fleet(mode: str, url: str, prefix: str, first: int, count: int, seconds: float) -> None:
    from chargeassist.simulator import Fleet, SimulatedStation, StationConfig

    template = StationConfig(
        charge_point_id="template",
        url=url,
        password=PASSWORD,
        connector_count=2 if mode == "charge" else 1,
        meter_interval_s=1.0,
        validate_messages=False,
        log_limit=1,
        ping_interval_s=None,
        reconnect_initial_s=1.0,
        reconnect_max_s=10.0,
        open_timeout_s=60.0,
        response_timeout_s=60.0,
    )
    latencies: list[float] = []
    errors: list[str] = []
    recording = False
    action = "MeterValues" if mode == "charge" else "Heartbeat"
    original = SimulatedStation._call

    async def timed(self: SimulatedStation, client: Any, payload: Any, *, replay: bool = False) -> Any:
        started = time.perf_counter()
        try:
            result = await original(self, client, payload, replay=replay)
        except Exception as exc:
            if recording:
                errors.append(type(exc).__name__)
            raise
        if recording and type(payload).__name__ == action:
            latencies.append(time.perf_counter() - started)
        return result

    SimulatedStation._call = timed  # type: ignore[method-assign]
    fleet = Fleet.numbered(
        url,
        count,
        id_prefix=prefix,
        first_index=first,
        template=template,
        connect_concurrency=50,
        auto_charge=mode == "charge",
    )
    fleet.session_s = (3600.0, 3600.0)
    fleet.idle_s = (0.5, 1.0)
    started = time.monotonic()
    await fleet.start()
    await fleet.wait_booted()
    print(f"BOOTED {time.monotonic() - started:.2f}", flush=True)
    if mode == "charge":
        await asyncio.gather(
            *(
                station.wait_until(lambda s=station: all(c.transaction for c in s.connectors.values()), None)
                for station in fleet.stations
            )
        )
        await asyncio.sleep(3)
        print("CHARGING", count * 2, flush=True)
    before = sum(s.count_sent(action) for s in fleet.stations)
    recording = True
    window_started = time.monotonic()
    await asyncio.sleep(seconds)
    recording = False
    window = time.monotonic() - window_started
    status = fleet.status()
    result = {
        "booted": status.booted,
        "reconnects": status.reconnects,
        "answered": sum(s.count_sent(action) for s in fleet.stations) - before,
        "errors": len(errors),
        "window_s": window,
        "latencies": latencies,
    }
    print("RESULT", json.dumps(result), flush=True)
    await fleet.stop()


async def _lean_fleet(url: str, prefix: str, first: int, count: int, seconds: float) -> None:
    """Charge points that speak OCPP-J 1.6 over their own WebSocket with pre-shaped frames and nothing else.

    The simulator runs the ``ocpp`` package on the charge point side, which spends more CPU on a MeterValues
    than the central system does; on two cores a few hundred of them starve the server they measure, and the
    time to CALLRESULT they report is mostly their own event loop's. These send the same frames (boot, status,
    an RFID StartTransaction per connector, then one MeterValues per connector per second at a random phase)
    and time each answer from the send to the CALLRESULT with the same unique id.
    """
    import base64
    import random

    from websockets.asyncio.client import connect

    latencies: list[float] = []
    errors: list[str] = []
    sent = 0
    recording = False
    charging = 0
    all_charging = asyncio.Event()
    stop = asyncio.Event()

    def frame(unique_id: str, action: str, payload: dict[str, Any]) -> str:
        return json.dumps([2, unique_id, action, payload], separators=(",", ":"))

    def now() -> str:
        return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

    async def station(number: int) -> None:
        nonlocal sent, charging
        charge_point_id = f"{prefix}-{number:05d}"
        credentials = base64.b64encode(f"{charge_point_id}:{PASSWORD}".encode()).decode()
        pending: dict[str, tuple[float, asyncio.Future[Any]]] = {}
        counter = 0
        async with connect(
            f"{url}/{charge_point_id}",
            subprotocols=["ocpp1.6"],  # type: ignore[list-item]
            additional_headers={"Authorization": f"Basic {credentials}"},
            ping_interval=None,
            open_timeout=120,
            compression=None,
        ) as websocket:

            async def reader() -> None:
                async for raw in websocket:
                    message = json.loads(raw)
                    waiting = pending.pop(message[1], None)
                    if waiting is None:
                        continue
                    started, future = waiting
                    if message[0] == 3:
                        future.set_result((time.perf_counter() - started, message[2]))
                    else:
                        future.set_exception(RuntimeError(f"{message[2]}: {message[3]}"))

            async def request(action: str, payload: dict[str, Any]) -> tuple[float, Any]:
                nonlocal counter
                counter += 1
                unique_id = str(counter)
                future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
                pending[unique_id] = (time.perf_counter(), future)
                await websocket.send(frame(unique_id, action, payload))
                return await asyncio.wait_for(future, 60)

            reading = asyncio.create_task(reader())
            await request("BootNotification", {"chargePointVendor": "Bench", "chargePointModel": "Lean"})
            transactions: dict[int, int] = {}
            for connector_id in (1, 2):
                status = {"connectorId": connector_id, "errorCode": "NoError", "timestamp": now()}
                await request("StatusNotification", {**status, "status": "Preparing"})
                _, answer = await request(
                    "StartTransaction",
                    {"connectorId": connector_id, "idTag": CARD, "meterStart": 1000, "timestamp": now()},
                )
                transactions[connector_id] = answer["transactionId"]
                await request("StatusNotification", {**status, "status": "Charging", "timestamp": now()})
            charging += 1
            if charging == count:
                all_charging.set()
            await all_charging.wait()
            energy = {1: 1000, 2: 1000}

            async def meter(connector_id: int) -> None:
                nonlocal sent
                await asyncio.sleep(random.random())
                next_at = time.monotonic()
                while not stop.is_set():
                    energy[connector_id] += 3
                    payload = _meter_values_payload(
                        transactions[connector_id], connector_id, energy[connector_id], now()
                    )
                    try:
                        elapsed, _ = await request("MeterValues", payload)
                    except Exception as exc:
                        if recording:
                            errors.append(type(exc).__name__)
                    else:
                        if recording:
                            latencies.append(elapsed)
                            sent += 1
                    next_at += 1.0
                    await asyncio.sleep(max(0.0, next_at - time.monotonic()))

            await asyncio.gather(meter(1), meter(2))
            reading.cancel()

    connecting = asyncio.Semaphore(50)

    async def started(number: int) -> None:
        async with connecting:
            await asyncio.sleep(0)
        await station(number)

    tasks = [asyncio.create_task(started(n)) for n in range(first, first + count)]
    waiting = asyncio.create_task(all_charging.wait())
    await asyncio.wait([waiting, *tasks], return_when=asyncio.FIRST_COMPLETED)
    if not all_charging.is_set():
        failed = next(t for t in tasks if t.done())
        raise RuntimeError(f"a charge point failed before charging: {failed.exception()!r}")
    print("CHARGING", count * 2, flush=True)
    await asyncio.sleep(3)
    recording = True
    window_started = time.monotonic()
    await asyncio.sleep(seconds)
    recording = False
    window = time.monotonic() - window_started
    stop.set()
    await asyncio.wait(tasks, timeout=10)
    for task in tasks:
        task.cancel()
    result = {
        "booted": count,
        "reconnects": 0,
        "answered": sent,
        "errors": len(errors),
        "window_s": window,
        "latencies": latencies,
    }
    print("RESULT", json.dumps(result), flush=True)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_fleet":
        _raise_fd_limit()
        mode, url, prefix, first, count, seconds = sys.argv[2:8]
        if mode == "lean":
            asyncio.run(_lean_fleet(url, prefix, int(first), int(count), float(seconds)))
        else:
            asyncio.run(_fleet(mode, url, prefix, int(first), int(count), float(seconds)))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", type=int, default=5000)
    parser.add_argument("--charging", type=int, default=500)
    parser.add_argument("--measure-s", type=float, default=60.0)
    parser.add_argument("--server", choices=("uvicorn", "granian"), default="uvicorn")
    parser.add_argument(
        "--load",
        choices=("lean", "simulator"),
        default="lean",
        help="Charge points of the messages part: lean OCPP-J clients, or the simulator (costlier than the server).",
    )
    parser.add_argument("--skip-micro", action="store_true")
    parser.add_argument("--skip-connections", action="store_true")
    parser.add_argument("--skip-messages", action="store_true")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    _raise_fd_limit()
    if not args.skip_micro:
        micro()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
        from chargeassist.store import upgrade

        upgrade(url)
        started = time.monotonic()
        partner_key = asyncio.run(_seed(url, args.stations, args.charging))
        print(f"(store seeded in {time.monotonic() - started:.1f} s: {args.stations + args.charging} charge points)")
        if not args.skip_connections:
            connections(url, args.stations, args.server)
        if not args.skip_messages:
            messages(url, partner_key, args.charging, args.measure_s, args.server, args.load)


if __name__ == "__main__":
    main()
