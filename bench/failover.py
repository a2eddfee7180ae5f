"""Benchmark of failover storms: a process dies and all of its charge points reconnect to another at once.

Run with ``.venv/bin/python bench/failover.py`` (PostgreSQL and Redis on their usual local ports, or
``--postgres`` / ``--redis``; about ten minutes with the defaults). It prints two parts:

1. What one check costs: a scrypt password check, the in-process tier of verified passwords, the shared
   tier's HMAC and its Redis GET; and, for partner API keys (a per-process cache today), the cache hit, a
   Redis GET and the database query a miss costs, which is what a shared tier would trade.
2. Failover: ``--stations`` charge points (registered with passwords) connect through a small TCP balancer
   to ``chargeassist serve`` process A, on a fresh PostgreSQL database and Redis. Process B is running
   beside it with ``--bystanders`` charge points of its own, connected to it directly, heartbeating every
   ``--bystander-heartbeat-s``. A is killed with SIGKILL; the balancer sends every reconnect to B. Reports
   the time from the kill until every one of the stations is connected and booted again, and the heartbeat
   answer times (p50/p99) in steady state before the kill and during the storm. Then the same again from B
   to a fresh process C, with the shared cache of verified passwords emptied first (every password costs
   one scrypt, as before the cache existed), and the ratio of the two reconnect times.

The shared cache works only when the server builds its charge point service with the shared store; the
benchmark counts the entries in Redis after the first connect and says so when there are none.

Options: ``--stations 5000 --bystanders 200 --bystander-heartbeat-s 2 --steady-s 20 --skip-micro
--no-shared-cache`` (only the failover without the cache) ``--shared-cache-only`` (only the one with it).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from csms import (  # noqa: E402  (bench/csms.py: its servers, seeding, figures)
    PASSWORD,
    Server,
    _cpu_s,
    _free_port,
    _ms,
    _percentiles,
    _raise_fd_limit,
    _seed,
)

PREFIX = "IDLE"  # the charge point ids bench/csms.py seeds


# --- 1. what one check costs ----------------------------------------------------------------------------


def _per_call_us(function: Any, rounds: int) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        function()
    return (time.perf_counter() - started) / rounds * 1e6


async def _micro(url: str, redis_url: str, key_prefix: str) -> None:
    from chargeassist.bus import build_store
    from chargeassist.services import PartnerService, hash_password, verify_password
    from chargeassist.services._credentials import STORE_NAME, VerifiedCredentials, _mac
    from chargeassist.settings import BusSettings
    from chargeassist.store import Database

    print("1. What one check costs")
    stored = hash_password(PASSWORD)
    scrypt_us = _per_call_us(lambda: verify_password(PASSWORD, stored), 20)
    db = Database(url)
    bus = BusSettings(redis_url=redis_url, stores="redis", key_prefix=key_prefix)
    store = build_store(bus, STORE_NAME)
    credentials = VerifiedCredentials(db, store)
    await credentials.remember("CP-MICRO", stored, PASSWORD)
    local_us = _per_call_us(lambda: credentials.recognised("CP-MICRO", stored, PASSWORD), 100_000)
    key = secrets.token_bytes(32)
    mac_us = _per_call_us(lambda: _mac(key, "CP-MICRO", stored, PASSWORD), 100_000)
    gets = await _timed_async(lambda: store.get("CP-MICRO"), 2000)
    shared = await _timed_async(lambda: credentials.recognised_shared("CP-MICRO", stored, PASSWORD), 2000)
    print(f"   scrypt check of a password (N=2^14, r=8):                  {scrypt_us / 1000:8.1f} ms")
    print(f"   in-process tier (dict + HMAC of the password):              {local_us:8.1f} us")
    print(f"   shared tier's HMAC of id, stored hash and password:         {mac_us:8.1f} us")
    print(f"   Redis GET through the Litestar store: {_ms(_percentiles(gets))}")
    print(f"   shared tier check (GET + HMAC + compare): {_ms(_percentiles(shared))}")
    await store.delete("CP-MICRO")
    await credentials.aclose()

    partners = PartnerService(db)
    key_of_partner = (await partners.create("Micro Partner")).api_key
    await partners.authenticate(key_of_partner)
    hit_us = await _mean_async_us(lambda: partners.authenticate(key_of_partner), 20_000)
    misses = await _timed_async(lambda: partners.authenticate(key_of_partner, use_cache=False), 2000)
    print("   partner API key, per request:")
    print(f"     per-process cache hit (SHA-256 + dict):                   {hit_us:8.1f} us")
    print(f"     cache miss, database query (PostgreSQL): {_ms(_percentiles(misses))}")
    print(
        f"     a shared tier would put a Redis GET (median {_percentiles(gets)['p50'] * 1e6:.0f} us) before that "
        f"query on every local miss, i.e. once per key per process per {partners._cache_ttl_s:.0f} s"
    )
    await db.dispose()


async def _timed_async(make: Any, rounds: int) -> list[float]:
    times: list[float] = []
    for _ in range(rounds):
        started = time.perf_counter()
        await make()
        times.append(time.perf_counter() - started)
    return times


async def _mean_async_us(make: Any, rounds: int) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        await make()
    return (time.perf_counter() - started) / rounds * 1e6


# --- the store, Redis ------------------------------------------------------------------------------------


async def _admin(admin_url: str, sql: str) -> None:
    import asyncpg  # type: ignore[import-untyped]

    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def _shared_entries(redis_url: str, key_prefix: str, *, delete: bool = False) -> int:
    """How many verified-credential entries Redis holds under the benchmark's prefix (deleted if asked)."""
    from redis.asyncio import Redis

    from chargeassist.services._credentials import STORE_NAME

    client: Redis = Redis.from_url(redis_url)
    try:
        found = [key async for key in client.scan_iter(match=f"{key_prefix}:{STORE_NAME}:*", count=1000)]
        if delete and found:
            for start in range(0, len(found), 1000):
                await client.delete(*found[start : start + 1000])
        return len(found)
    finally:
        await client.aclose()


async def _drop_prefix(redis_url: str, key_prefix: str) -> None:
    from redis.asyncio import Redis

    client: Redis = Redis.from_url(redis_url)
    try:
        found = [key async for key in client.scan_iter(match=f"{key_prefix}:*", count=1000)]
        for start in range(0, len(found), 1000):
            await client.delete(*found[start : start + 1000])
    finally:
        await client.aclose()


# --- processes of the benchmark --------------------------------------------------------------------------


class Balancer:
    """A TCP balancer in a process of its own: each new connection goes to the first backend that accepts it,
    in the order of a file the benchmark rewrites (a load balancer whose health check found the dead one)."""

    def __init__(self, folder: Path) -> None:
        self.port = _free_port()
        self.backends = folder / "backends"
        self.backends.write_text("")
        self.process = subprocess.Popen(
            [sys.executable, __file__, "_balancer", str(self.port), str(self.backends)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "LISTENING":
            raise RuntimeError("the balancer did not start")
        self.ocpp = f"ws://127.0.0.1:{self.port}/ocpp"

    def route(self, *ports: int) -> None:
        self.backends.write_text(" ".join(str(p) for p in ports))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


class Stations:
    """Simulated charge points in a process of their own (``_stations`` below), driven over stdin/stdout."""

    def __init__(self, url: str, first: int, count: int, heartbeat_s: float | None) -> None:
        self.count = count
        self.process = subprocess.Popen(
            [sys.executable, __file__, "_stations", url, str(first), str(count), str(heartbeat_s or 0)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def read(self, prefix: str) -> str:
        assert self.process.stdout is not None
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"a station process ended before {prefix}")
            if line.startswith(prefix + " "):
                return line[len(prefix) + 1 :].strip()

    def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def booted_after(self, at: float, deadline: float) -> list[float]:
        """When (monotonic clock, shared by the processes of this machine) each station of this process booted
        again after ``at``; waits until all have, or until ``deadline`` (then some are missing)."""
        self.send(f"rebooted {at} {deadline}")
        times: list[float] = json.loads(self.read("REBOOTED"))
        return times

    def results(self) -> dict[str, Any]:
        self.send("stop")
        result: dict[str, Any] = json.loads(self.read("RESULT"))
        self.process.wait(60)
        return result


def _kill(server: Server) -> float:
    """SIGKILL the server (its app process and itself); the moment it was sent."""
    at = time.monotonic()
    for pid in {server.app_pid, server.process.pid}:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    server.process.wait(10)
    return at


def _cpu(pids: dict[str, list[int]]) -> dict[str, float]:
    """CPU seconds used so far by each named group of processes."""
    return {name: sum(_cpu_s(pid) for pid in group) for name, group in pids.items()}


def _heartbeats(results: list[dict[str, Any]], start: float, end: float) -> list[float]:
    return [latency for r in results for sent_at, latency in r["heartbeats"] if start <= sent_at <= end]


def _errors(results: list[dict[str, Any]], start: float, end: float) -> int:
    return sum(1 for r in results for at in r["errors"] if start <= at <= end)


# --- 2. failover -----------------------------------------------------------------------------------------


def failover(args: argparse.Namespace, url: str, folder: Path) -> None:
    os.environ["CHARGEASSIST_REDIS_URL"] = args.redis
    os.environ["CHARGEASSIST_REDIS_KEY_PREFIX"] = args.key_prefix
    phases = []
    if not args.no_shared_cache:
        phases.append(True)
    if not args.shared_cache_only:
        phases.append(False)
    print(
        f"2. Failover: {args.stations} charge points on process A through a balancer; A killed with SIGKILL; "
        f"{args.bystanders} bystanders on the survivor heartbeat every {args.bystander_heartbeat_s:g} s"
    )
    balancer = Balancer(folder)
    servers: list[Server] = []
    fleets: list[Stations] = []
    try:
        victim = Server(url, "uvicorn", args.heartbeat_s)
        servers.append(victim)
        victim.wait_ready()
        balancer.route(victim.port)
        started = time.monotonic()
        half = args.stations // 2
        fleets = [
            Stations(balancer.ocpp, 1, half, None),
            Stations(balancer.ocpp, half + 1, args.stations - half, None),
        ]
        for fleet in fleets:
            fleet.read("BOOTED")
        print(
            f"   first connect (one scrypt per password): {args.stations} booted in {time.monotonic() - started:.1f} s"
        )
        entries = asyncio.run(_shared_entries(args.redis, args.key_prefix))
        print(f"   verified-credential entries in Redis: {entries}")
        if entries == 0:
            print(
                "   NOTE: the server shares no verified credentials (its ChargePointService has no verified_store);"
                " both failovers below pay scrypt"
            )
        first_bystander = args.stations + 1
        times: dict[bool, float] = {}
        incomplete: set[bool] = set()
        for shared in phases:
            survivor = Server(url, "uvicorn", args.heartbeat_s)
            servers.append(survivor)
            survivor.wait_ready()
            bystanders = Stations(survivor.ocpp, first_bystander, args.bystanders, args.bystander_heartbeat_s)
            first_bystander += args.bystanders
            bystanders.read("BOOTED")
            balancer.route(victim.port, survivor.port)
            if not shared:
                removed = asyncio.run(_shared_entries(args.redis, args.key_prefix, delete=True))
                print(f"   shared cache emptied ({removed} entries deleted)")
            steady_from = time.monotonic()
            time.sleep(args.steady_s)
            pids = {
                "survivor": [survivor.app_pid],
                "stations": [fleet.process.pid for fleet in fleets],
                "balancer": [balancer.process.pid],
            }
            cpu_before = _cpu(pids)
            killed_at = _kill(victim)
            balancer.route(survivor.port)
            rebooted = sorted(
                t - killed_at for fleet in fleets for t in fleet.booted_after(killed_at, killed_at + args.timeout_s)
            )
            elapsed = rebooted[-1] if rebooted else args.timeout_s
            back = killed_at + elapsed
            cpu_used = {name: used - cpu_before[name] for name, used in _cpu(pids).items()}
            times[shared] = elapsed
            time.sleep(2)
            # The bystanders leave with their process; the stations stay for the next failover.
            results = [bystanders.results(), *(_snapshot(fleet) for fleet in fleets)]
            steady = _heartbeats(results, steady_from, killed_at)
            storm = _heartbeats(results, killed_at, back)
            label = "with the shared cache" if shared else "without the shared cache (emptied)"
            if len(rebooted) == args.stations:
                print(f"   failover {label}: all {args.stations} connected and booted {elapsed:.1f} s after the kill")
            else:
                print(
                    f"   failover {label}: only {len(rebooted)} of {args.stations} connected and booted again within "
                    f"{args.timeout_s:.0f} s of the kill"
                )
                elapsed = args.timeout_s
                incomplete.add(shared)
            ranks = [(q, int(q * (args.stations - 1))) for q in (0.1, 0.5, 0.9)]
            shares = ", ".join(f"{q:.0%} by {rebooted[rank]:.1f} s" for q, rank in ranks if rank < len(rebooted))
            print(f"     back: {shares}")
            print(f"     heartbeats in steady state before it: {_ms(_percentiles(steady))}")
            print(
                f"     heartbeats during the storm: {_ms(_percentiles(storm))}, "
                f"{_errors(results, killed_at, back)} failed (in flight to the dead process among them)"
            )
            print(
                f"     CPU used until all were back: survivor {cpu_used['survivor']:.1f} s "
                f"({cpu_used['survivor'] / args.stations * 1000:.1f} ms per reconnect, "
                f"{cpu_used['survivor'] / elapsed:.0%} of a core), station processes {cpu_used['stations']:.1f} s, "
                f"balancer {cpu_used['balancer']:.1f} s"
            )
            print(f"     machine load (1-minute average, {os.cpu_count()} CPUs): {os.getloadavg()[0]:.1f}")
            victim = survivor
        if True in times and False in times:
            # A failover cut off by the timeout took longer than the time shown: the ratio is a bound then.
            bounds = {frozenset(): "", frozenset({False}): " (at least)", frozenset({True}): " (at most)"}
            bound = bounds.get(frozenset(incomplete), " (unknown: both cut off)")
            print(
                f"   reconnect time without the shared cache / with it: {times[False]:.1f} s / {times[True]:.1f} s"
                f" = {times[False] / times[True]:.1f}x{bound}"
            )
    finally:
        for fleet in fleets:
            if fleet.process.poll() is None:
                fleet.process.kill()
        for server in servers:
            if server.process.poll() is None:
                server.stop()
        balancer.stop()


def _snapshot(fleet: Stations) -> dict[str, Any]:
    fleet.send("snapshot")
    result: dict[str, Any] = json.loads(fleet.read("SNAPSHOT"))
    return result


# --- the balancer and station processes ------------------------------------------------------------------


def _backend_ports(backends: Path) -> list[int]:
    # A few bytes from the page cache, read once per new connection: cheaper than any channel to the benchmark.
    return [int(port) for port in backends.read_text().split()]


async def _balancer(port: int, backends: Path) -> None:
    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for backend in _backend_ports(backends):
            try:
                upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", backend)
            except OSError:
                continue
            await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))
            return
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=4096)
    print("LISTENING", flush=True)
    async with server:
        await server.serve_forever()


async def _stations(url: str, first: int, count: int, heartbeat_s: float) -> None:
    from chargeassist.simulator import Fleet, SimulatedStation, StationConfig

    # The stations have one connector the operator mapped to no EVSE, and the central system refuses its
    # StatusNotification; the ocpp package logs each refusal, which would bury the figures.
    logging.getLogger("chargeassist.simulator.ocpp").setLevel(logging.CRITICAL)

    template = StationConfig(
        charge_point_id="template",
        url=url,
        password=PASSWORD,
        connector_count=1,
        validate_messages=False,
        log_limit=1,
        ping_interval_s=None,
        heartbeat_interval_s=heartbeat_s or None,
        reconnect_initial_s=1.0,
        reconnect_max_s=10.0,
        open_timeout_s=60.0,
        response_timeout_s=60.0,
    )
    boots: dict[str, list[float]] = {}
    heartbeats: list[tuple[float, float]] = []
    errors: list[float] = []
    original_call = SimulatedStation._call
    original_boot = SimulatedStation._apply_boot_interval

    async def timed(self: SimulatedStation, client: Any, payload: Any, *, replay: bool = False) -> Any:
        started = time.monotonic()
        try:
            result = await original_call(self, client, payload, replay=replay)
        except Exception:
            if type(payload).__name__ == "Heartbeat":
                errors.append(started)
            raise
        if type(payload).__name__ == "Heartbeat":
            heartbeats.append((started, time.monotonic() - started))
        return result

    def booted(self: SimulatedStation, interval: int) -> None:
        boots.setdefault(self.config.charge_point_id, []).append(time.monotonic())
        original_boot(self, interval)

    SimulatedStation._call = timed  # type: ignore[method-assign]
    SimulatedStation._apply_boot_interval = booted  # type: ignore[method-assign]
    fleet = Fleet.numbered(url, count, id_prefix=PREFIX, first_index=first, template=template, connect_concurrency=50)
    await fleet.start()
    await fleet.wait_booted()
    print("BOOTED", len(boots), flush=True)
    loop = asyncio.get_running_loop()
    commands = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(commands), sys.stdin)

    def record() -> str:
        return json.dumps({"heartbeats": heartbeats, "errors": errors, "boots": len(boots)})

    while line := (await commands.readline()).decode().strip():
        command, *rest = line.split()
        if command == "rebooted":
            after, deadline = float(rest[0]), float(rest[1])
            while time.monotonic() < deadline:
                latest = [max(times) for times in boots.values()]
                if len(latest) == count and min(latest) > after:
                    print("REBOOTED", json.dumps(latest), flush=True)
                    break
                await asyncio.sleep(0.05)
            else:
                print("REBOOTED", json.dumps([t for t in latest if t > after]), flush=True)
        elif command == "snapshot":
            print("SNAPSHOT", record(), flush=True)
        elif command == "stop":
            break
    result = record()
    await fleet.stop()
    print("RESULT", result, flush=True)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_balancer":
        _raise_fd_limit()
        asyncio.run(_balancer(int(sys.argv[2]), Path(sys.argv[3])))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "_stations":
        _raise_fd_limit()
        url, first, count, heartbeat_s = sys.argv[2:6]
        asyncio.run(_stations(url, int(first), int(count), float(heartbeat_s)))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", type=int, default=5000)
    parser.add_argument("--bystanders", type=int, default=200)
    parser.add_argument("--bystander-heartbeat-s", type=float, default=2.0)
    parser.add_argument("--heartbeat-s", type=int, default=15, help="The server's heartbeat interval.")
    parser.add_argument("--steady-s", type=float, default=20.0)
    parser.add_argument("--timeout-s", type=float, default=600.0, help="How long a failover may take.")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--skip-micro", action="store_true")
    parser.add_argument("--no-shared-cache", action="store_true", help="Only the failover with the cache emptied.")
    parser.add_argument("--shared-cache-only", action="store_true", help="Only the failover with the cache.")
    args = parser.parse_args()
    args.key_prefix = "bench-failover-" + secrets.token_hex(4)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    _raise_fd_limit()
    from chargeassist.store import upgrade

    name = "chargeassist_bench_" + secrets.token_hex(4)
    base = args.postgres.rsplit("/", 1)[0]
    url = f"{base.replace('postgresql://', 'postgresql+asyncpg://', 1)}/{name}"
    asyncio.run(_admin(args.postgres, f'CREATE DATABASE "{name}"'))
    try:
        upgrade(url)
        if not args.skip_micro:
            asyncio.run(_micro(url, args.redis, args.key_prefix))
        started = time.monotonic()
        asyncio.run(_seed(url, args.stations + 2 * args.bystanders, 0))
        print(
            f"(store seeded in {time.monotonic() - started:.1f} s: {args.stations + 2 * args.bystanders} charge points)"
        )
        with tempfile.TemporaryDirectory() as folder:
            failover(args, url, Path(folder))
    finally:
        asyncio.run(_drop_prefix(args.redis, args.key_prefix))
        asyncio.run(_admin(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
