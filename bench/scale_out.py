"""Scale-out benchmark: two ``chargeassist serve`` processes against one, on one PostgreSQL database and one Redis.

Run: ``.venv/bin/python bench/scale_out.py`` (PostgreSQL and Redis on their usual local ports, or
``--postgres`` / ``--redis``; needs ``wrk``; about eight minutes with the defaults on a busy two-core machine).
In one run, on a fresh PostgreSQL database (dropped at the end) and the machine's Redis under a key prefix of
its own (deleted at the end), with processes A and B started once and each pinned to a core of its own with
``taskset`` (A on the first CPU, B on the second; ``--no-pin`` leaves them to the scheduler), it prints:

1. Search: bounding-box searches (bench/search.py's city boxes and its synthetic data set, ``--evses``) from
   two ``wrk`` load generators of ``--connections / 2`` connections each; in a "1 process" round both aim at
   one process (A and B in turn), in a "2 processes" round one aims at A and one at B. Rounds alternate
   (``--rounds`` of each) so that noise from other work on the machine hits both alike; the figures are
   medians of the rounds, and the ratio is the median of the per-pair ratios.
2. MeterValues: ``--charging`` charge points of two connectors each (bench/csms.py's lean OCPP-J clients, in
   two processes), one MeterValues per connector per second, each connector waiting for its answer before
   the next; first all into A, then other charge points split between A and B. Every reading sent is then
   looked for in the store. The lean clients give up at the first error before they all charge; a round
   that fails so is tried again (``--attempts``) with charge points that were never used.
3. Commands to a charge point connected to A (a simulated one in this process): GetConfiguration through
   the operator API (``--commands`` through A and as many through B, alternating), and remote starts
   (``--starts`` of each: POST a session start, timed until the charge point receives its
   RemoteStartTransaction; then stopped and waited for before the next). Through B the command crosses
   Redis to A and the answer comes back; the difference is what crossing processes costs.

The machine is shared and has two cores for everything: the servers, PostgreSQL, Redis, the load generators,
this script and other people's work. So beside each rate the CPU the servers used is printed, and "per server
core" is the rate divided by it; "from server CPU" says what one process on a full core and two on two full
cores would take at that cost per request, which is the ratio the machine would show with two idle cores.
Options: ``--evses 200000 --rounds 4 --seconds 5 --connections 32 --charging 300 --meter-s 15 --attempts 3
--commands 200 --starts 20 --no-pin --skip-search --skip-meter --skip-commands``. The servers' own logs
(at WARNING) and the lean clients' failures go to stderr.

Figures on a quiet machine (2026-12-01, load average 1.1-1.5, the default command at f4659ff, after the deadlock
below was fixed): search 2 processes / 1 = 1.47 (rounds 1.36-1.49), 4,726 against 6,808 req/s, the servers at 99%
of a core alone and 148% together (wrk shares the two cores), 4,773 and 4,588 req/s per server core: 1.92x for two
full cores. MeterValues: 600/s offered and answered by one process and by two (p99 11 and 12 ms), all 21,600
readings stored: a rate ratio of 1.00 since one process keeps up (1.29 from CPU per message). GetConfiguration
through B +0.91 ms p50 and +1.54 ms p99 over 4.99 / 12.87 ms through A; a remote start 21 ms p50 either way.

Earlier figures (the two cores shared with other work at a load average of 6 to 18; three runs of the
default command at commits 5981425 and cd53659):

- search: 2 processes / 1 = 1.48 and 1.74 (rounds from 1.00 to 2.45; target 1.8), about 2,800-3,200 req/s
  against 4,300-4,800; the servers got 0.6-0.7 of a core in the one-process rounds and 1.0 in the
  two-process rounds, and at 4,500-4,700 req/s per server core in both, two full cores would give
  1.92-1.95x.
- MeterValues: not measured on those commits (fixed since, 0ef9e03). Concurrent StatusNotifications
  deadlocked on PostgreSQL (15-45 "deadlock detected" per run): the offline sweep updated EVSE rows and
  then took the ``counters`` row, while a location write takes the counter first; the lean clients stop at
  the first InternalError, so the one-process round got through in one run of three (600/s, all that was
  offered, p99 to CALLRESULT 78 ms, 3,400 MeterValues/s per server core) and the two-process round in
  none. With the sweep taking the counter first (tried on a copy of the package) no deadlock was seen in
  four runs; the two-process round passed once (602/s against 600/s, every one of 15,606 readings stored,
  2,760/s per server core against 2,610/s: 2.1x from CPU) and otherwise ran PostgreSQL out of connections
  (max_connections 100 on this machine, shared with other work; up to 30 per process). 600 connectors took
  31-70 s to all be charging: every EVSE status write waits for that one counter row.
- GetConfiguration through B rather than A: p50 +0.7, +3.7 and +12.5 ms, p99 +3.0, +11.9 and +51.4 ms (5-6
  ms p50 through A; the larger figures at the higher loads). A remote start's POST until the charge point
  receives RemoteStartTransaction: 71-175 ms p50 either way, the difference within the noise (-10 to +2 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import search  # noqa: E402  (bench/search.py: the data set, its city boxes, wrk)
from csms import (  # noqa: E402  (bench/csms.py: the server process, the lean fleet, seeding, figures)
    PASSWORD,
    FleetProcess,
    Server,
    _all,
    _cpu_s,
    _percentiles,
    _raise_fd_limit,
    _seed,
)
from failover import _admin, _drop_prefix  # noqa: E402  (bench/failover.py: a fresh database, a Redis prefix dropped)

OPERATOR_KEY = "bench-operator-key-0123456789abcdef"
COMMAND_DRIVER = "bench-commands"  # the app token of the remote starts
COMMAND_CARD = "BENCHCMD"
FINAL_STATES = ("COMPLETED", "CDR_AVAILABLE", "REJECTED", "TIMEOUT", "CANCELLED", "ERROR")


# --- the store and Redis ---------------------------------------------------------------------------------


async def _copy_search_data(sqlite_path: Path, dsn: str) -> tuple[int, int]:
    """Copy bench/search.py's SQLite data set (locations and EVSEs, written in bulk there) into PostgreSQL with
    COPY: the service's own import checks and writes one location at a time (~13 ms each here)."""
    import asyncpg

    source = sqlite3.connect(sqlite_path)
    updated = datetime(2026, 1, 1, tzinfo=UTC)
    locations = [
        (pk, key, cc, party, lat, lng, doc, bool(restricted), allowed, seq, bool(deleted), updated)
        for pk, key, cc, party, lat, lng, doc, restricted, allowed, seq, deleted in source.execute(
            "SELECT pk, id, country_code, party_id, latitude, longitude, document, restricted,"
            " allowed_partner_ids, change_seq, deleted FROM locations"
        )
    ]
    evses = list(
        source.execute("SELECT pk, location_pk, position, uid, evse_id, evse_id_key, status, document FROM evses")
    )
    source.close()
    connection = await asyncpg.connect(dsn)
    try:
        async with connection.transaction():
            await connection.copy_records_to_table(
                "locations",
                records=locations,
                columns=[
                    "pk",
                    "id",
                    "country_code",
                    "party_id",
                    "latitude",
                    "longitude",
                    "document",
                    "restricted",
                    "allowed_partner_ids",
                    "change_seq",
                    "deleted",
                    "updated_at",
                ],
            )
            await connection.copy_records_to_table(
                "evses",
                records=evses,
                columns=["pk", "location_pk", "position", "uid", "evse_id", "evse_id_key", "status", "document"],
            )
            # Later writes (the service's own) take their keys and change numbers after these.
            await connection.execute(
                "SELECT setval(pg_get_serial_sequence('locations', 'pk'), (SELECT max(pk) FROM locations))"
            )
            await connection.execute(
                "SELECT setval(pg_get_serial_sequence('evses', 'pk'), (SELECT max(pk) FROM evses))"
            )
            await connection.execute(
                "UPDATE counters SET value = (SELECT max(change_seq) FROM locations) WHERE name = 'locations'"
            )
    finally:
        await connection.close()
    return len(locations), len(evses)


async def _partners_and_credentials(url: str, charge_points: Sequence[str], redis_url: str, prefix: str) -> bool:
    """The search partner (bench/search.py's key), an operator, and the charge points' password remembered as
    verified in the shared tier (one scrypt check of their shared hash): the state a deployment is in once its
    charge points have connected anywhere, so the rounds below are not spent on first connections."""
    from sqlalchemy import select, update

    from chargeassist.bus import build_store
    from chargeassist.services import PartnerService, verify_password
    from chargeassist.services._credentials import STORE_NAME, VerifiedCredentials
    from chargeassist.settings import BusSettings
    from chargeassist.store import ChargePoint, Database, EvseRow

    db = Database(url)
    try:
        partners = PartnerService(db)
        await partners.ensure("Bench Search Partner", search.PARTNER_KEY, is_operator=False)
        await partners.ensure("Bench Operator", OPERATOR_KEY, is_operator=True)
        async with db.transaction() as session:
            stored = (await session.execute(select(ChargePoint.password_hash).limit(1))).scalar_one()
            # Charge points that never connected are offline: their EVSEs show UNKNOWN, as the offline sweep would
            # write in the first seconds of the servers, while the first charge points are connecting.
            await session.execute(
                update(EvseRow).where(EvseRow.charge_point_id.in_(charge_points)).values(status="UNKNOWN")
            )
        if not verify_password(PASSWORD, stored):
            return False
        store = build_store(BusSettings(redis_url=redis_url, stores="redis", key_prefix=prefix), STORE_NAME)
        credentials = VerifiedCredentials(db, store)
        try:
            for charge_point_id in charge_points:
                await credentials.remember(charge_point_id, stored, PASSWORD)
        finally:
            await credentials.aclose()
        return True
    finally:
        await db.dispose()


async def _command_driver(url: str, partner_key: str) -> str:
    """An app token of its own for the remote starts, with an approved charge card (a card must be VALID to pay
    a start from the app); the lean clients' card stays as bench/csms.py leaves it. Returns the card's id."""
    from chargeassist.services import Services
    from chargeassist.settings import Settings

    services = Services.create(Settings(database_url=url, search_refresh_interval_s=0))
    await services.start()
    try:
        identity = await services.partners.authenticate(partner_key, use_cache=False)
        assert identity is not None
        token, _ = await services.wallet.register(identity.partner_id, COMMAND_DRIVER)
        card, _ = await services.wallet.add_charge_card(token, COMMAND_CARD, "bench command card")
        await services.issued_tokens.approve(card.id)
        return card.id
    finally:
        await services.stop()


async def _stored_readings(url: str, prefix: str) -> tuple[int, int, int]:
    """Readings stored for the lean clients' transactions, against the readings they sent: each connector's
    energy register starts at 1000 Wh and goes up 3 Wh per MeterValues, so its last value says how many it
    sent. Returns (transactions, readings stored, readings sent)."""
    from sqlalchemy import text

    from chargeassist.store import Database

    db = Database(url)
    try:
        async with db.transaction() as session:
            rows = (
                await session.execute(
                    text(
                        "SELECT t.id, count(m.transaction_id), max(CAST(m.energy_wh AS INTEGER)) "
                        "FROM ocpp_transactions t LEFT JOIN meter_values m ON m.transaction_id = t.id "
                        "WHERE t.charge_point_id LIKE :prefix GROUP BY t.id"
                    ),
                    {"prefix": prefix + "-%"},
                )
            ).all()
    finally:
        await db.dispose()
    stored = sum(count for _, count, _ in rows)
    sent = sum((top - 1000) // 3 for _, _, top in rows if top is not None)
    return len(rows), stored, sent


# --- processes -------------------------------------------------------------------------------------------


def _pin(server: Server, cpu: int | None) -> None:
    """Pin every thread of the server (and of its worker, if any) to one CPU."""
    if cpu is None:
        return
    for pid in {server.process.pid, server.app_pid}:
        subprocess.run(["taskset", "-a", "-p", "-c", str(cpu), str(pid)], check=True, stdout=subprocess.DEVNULL)


class CpuMeter:
    """Cores a set of processes used over a stretch of wall time."""

    def __init__(self, pids: Sequence[int]) -> None:
        self.pids = list(pids)
        self.start = [_cpu_s(pid) for pid in self.pids]
        self.wall = time.monotonic()

    def cores(self) -> list[float]:
        wall = time.monotonic() - self.wall
        return [(_cpu_s(pid) - before) / wall for pid, before in zip(self.pids, self.start, strict=True)]


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


# --- 1. search -------------------------------------------------------------------------------------------


def _search_paths(page_size: int) -> list[str]:
    return [
        f"/v1/locations/boundingbox?bottomLeftLat={s}&bottomLeftLng={w}&topRightLat={n}&topRightLng={e}"
        f"&pageSize={page_size}"
        for s, w, n, e in search.CITY_BOXES.values()
    ]


def _search_round(targets: Sequence[Server], servers: Sequence[Server], paths: list[str], args: Any) -> dict[str, Any]:
    """Two wrk processes at once, one per target; the rates add up."""
    meter = CpuMeter([s.app_pid for s in servers])
    with ThreadPoolExecutor(len(targets)) as pool:
        runs = list(
            pool.map(
                lambda server: search.run_wrk(server.base, paths, args.seconds, args.connections // 2),
                targets,
            )
        )
    cores = meter.cores()
    return {
        "rps": sum(r["rps"] for r in runs),
        "p50_ms": max(r["p50_ms"] for r in runs),
        "p99_ms": max(r["p99_ms"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
        "cores": cores,
    }


def search_part(a: Server, b: Server, args: Any) -> dict[str, float]:
    paths = _search_paths(50)
    for server in (a, b):
        search.run_wrk(server.base, paths, 2, args.connections // 2)  # warm-up
    one: list[dict[str, Any]] = []
    two: list[dict[str, Any]] = []
    for n in range(args.rounds):
        # The one process is A and B in turn: each is pinned to a core that other work on the machine shares.
        single = a if n % 2 == 0 else b
        one.append(_search_round([single, single], [a, b], paths, args))
        two.append(_search_round([a, b], [a, b], paths, args))
    ratios = sorted(t["rps"] / o["rps"] for o, t in zip(one, two, strict=True))
    ratio = _median(ratios)
    print(
        f"1. Search: bounding-box (5 city boxes, pageSize 50) over {args.evses:,} EVSEs, {args.connections} "
        f"connections from two wrk, {args.rounds} rounds of {args.seconds} s each, alternating"
    )
    per_core: dict[str, float] = {}
    for label, rounds in (("1 process  ", one), ("2 processes", two)):
        rps = _median([r["rps"] for r in rounds])
        used = _median([sum(r["cores"]) for r in rounds])
        per_core[label] = _median([r["rps"] / max(sum(r["cores"]), 1e-9) for r in rounds])
        print(
            f"   {label}: {rps:7.0f} req/s  p50 {_median([r['p50_ms'] for r in rounds]):.2f} ms"
            f"  p99 {_median([r['p99_ms'] for r in rounds]):.2f} ms  non-2xx {sum(r['errors'] for r in rounds):.0f}"
            f"  server CPU {used * 100:.0f}% of a core (A and B together)"
            f"  per server core {per_core[label]:.0f} req/s"
        )
    print(
        f"   ratio 2 processes / 1: {ratio:.2f} (median of {', '.join(f'{r:.2f}' for r in ratios)}; "
        f"target >= 1.80: {'met' if ratio >= 1.8 else 'NOT met'})"
    )
    estimate = 2 * per_core["2 processes"] / per_core["1 process  "]
    print(
        f"   from server CPU per search: one process on a full core {per_core['1 process  ']:.0f} req/s, two on two"
        f" full cores {2 * per_core['2 processes']:.0f} req/s: ratio {estimate:.2f}"
    )
    return {"ratio": ratio, "estimate": estimate}


# --- 2. MeterValues --------------------------------------------------------------------------------------


class RoundFailed(RuntimeError):
    """A charge point of a round failed before the round began (its fleet process ended)."""


def _meter_round(
    label: str, targets: Sequence[Server], servers: Sequence[Server], first: int, args: Any
) -> dict[str, Any]:
    count = args.charging
    half = count // 2
    fleets = [
        FleetProcess("lean", targets[0].ocpp, "CHG", str(first), str(half), str(args.meter_s)),
        FleetProcess("lean", targets[1].ocpp, "CHG", str(first + half), str(count - half), str(args.meter_s)),
    ]
    started = time.monotonic()
    try:
        for fleet in fleets:
            fleet.read("CHARGING")
    except RuntimeError as exc:
        for fleet in fleets:
            if fleet.process.poll() is None:
                fleet.process.kill()
            fleet.process.wait()
        raise RoundFailed(str(exc)) from exc
    ready_s = time.monotonic() - started
    time.sleep(3)  # the fleets start counting 3 s after they all charge
    meter = CpuMeter([s.app_pid for s in servers])
    results = [json.loads(fleet.read("RESULT")) for fleet in fleets]
    cores = meter.cores()
    for fleet in fleets:
        fleet.wait()
    answered = sum(r["answered"] for r in results)
    window = max(r["window_s"] for r in results)
    rate = answered / window
    stats = _percentiles(_all(results))
    print(
        f"   {label}: {rate:6.0f} MeterValues/s ({sum(r['errors'] for r in results)} errors; "
        f"{2 * count} connectors offering up to {2 * count}/s, all charging {ready_s:.0f} s after the start)  "
        f"to CALLRESULT p50 {stats['p50'] * 1000:.0f} ms p99 {stats['p99'] * 1000:.0f} ms  "
        f"server CPU A {cores[0] * 100:.0f}% B {cores[1] * 100:.0f}%  "
        f"per server core {rate / max(sum(cores), 1e-9):.0f}/s"
    )
    return {"rate": rate, "offered": 2 * count, "per_core": rate / max(sum(cores), 1e-9)}


def meter_part(a: Server, b: Server, url: str, args: Any) -> dict[str, float]:
    print(
        f"2. MeterValues: {args.charging} charge points (lean OCPP-J clients in two processes), two connectors "
        f"each, measured for {args.meter_s:.0f} s"
    )
    blocks = iter(range(1, 2 * args.attempts * args.charging + 1, args.charging))
    rounds: dict[str, dict[str, Any]] = {}
    for label, targets in (("1 process  ", [a, a]), ("2 processes", [a, b])):
        for attempt in range(1, args.attempts + 1):
            try:
                rounds[label] = _meter_round(label, targets, [a, b], next(blocks), args)
                break
            except RoundFailed as exc:
                # Seen on PostgreSQL: a StatusNotification answered InternalError (a deadlock in the store) or a
                # connection refused (the database out of connections); the lean clients stop at the first.
                print(f"   {label}: attempt {attempt} failed before charging ({exc}); other charge points next")
        else:
            print(f"   {label}: no attempt of {args.attempts} got all charge points charging")
            return {}
    one, two = rounds["1 process  "], rounds["2 processes"]
    ratio = two["rate"] / one["rate"]
    saturated = one["rate"] < 0.95 * one["offered"]
    print(
        f"   ratio 2 processes / 1: {ratio:.2f}"
        + ("" if saturated else " (one process kept up with all it was offered: not a capacity ratio)")
    )
    # What each would take with its own full core, from the server CPU one MeterValues cost in each round
    # (PostgreSQL's own CPU and the load generators' are not counted: on this machine they share the cores).
    print(
        f"   from server CPU per MeterValues: one process on a full core {one['per_core']:.0f}/s, two on two full"
        f" cores {2 * two['per_core']:.0f}/s: ratio {2 * two['per_core'] / one['per_core']:.2f}"
    )
    time.sleep(3)  # the batch writers' last group commits
    transactions, stored, sent = asyncio.run(_stored_readings(url, "CHG"))
    print(
        f"   stored: {stored} readings in {transactions} transactions for {sent} MeterValues sent"
        f" ({'every one' if stored == sent else f'{sent - stored} MISSING'})"
    )
    return {"ratio": ratio}


# --- 3. commands through A and through B -----------------------------------------------------------------


async def _commands(
    a: Server, b: Server, charge_point: str, location: str, partner_key: str, method: str, args: Any
) -> None:
    import httpx

    from chargeassist.simulator import SimulatedStation, StationConfig

    station = SimulatedStation(
        StationConfig(
            charge_point_id=charge_point,
            url=a.ocpp,
            password=PASSWORD,
            connector_count=2,
            meter_interval_s=60.0,
            validate_messages=False,
            ping_interval_s=None,
            auto_unplug_s=0.1,
            log_limit=50,
        )
    )
    delivered: list[float] = []
    arrived = asyncio.Event()
    on_remote_start = station._on_remote_start

    def remote_start_received(unique_id: str, id_tag: str, connector_id: int | None) -> Any:
        delivered.append(time.perf_counter())
        arrived.set()
        return on_remote_start(unique_id, id_tag, connector_id)

    station._on_remote_start = remote_start_received  # type: ignore[method-assign]
    await station.start()
    try:
        await station.wait_booted(60)
        operator = {"Authorization": f"Bearer {OPERATOR_KEY}"}
        driver = {"Authorization": f"Bearer {partner_key}"}
        async with httpx.AsyncClient(timeout=30) as client:
            sides = {"A": a, "B": b}
            config: dict[str, list[float]] = {"A": [], "B": []}
            failed: dict[str, int] = {"A": 0, "B": 0}
            path = f"/v1/operator/charge-points/{charge_point}/commands/get-configuration"
            for _ in range(5):  # warm-up: connections, the presence lookup, both processes' code paths
                for side in sides.values():
                    await client.post(side.base + path, json={"key": ["HeartbeatInterval"]}, headers=operator)
            for n in range(2 * args.commands):
                name = "AB"[n % 2]
                started = time.perf_counter()
                response = await client.post(
                    sides[name].base + path, json={"key": ["HeartbeatInterval"]}, headers=operator
                )
                elapsed = time.perf_counter() - started
                if response.status_code == 200 and response.json().get("result"):
                    config[name].append(elapsed)
                else:
                    failed[name] += 1
            starts: dict[str, list[float]] = {"A": [], "B": []}
            start_failed: dict[str, int] = {"A": 0, "B": 0}
            for n in range(2 * args.starts):
                name = "AB"[n % 2]
                ok = await _remote_start(
                    client, sides[name].base, driver, station, location, method, delivered, arrived
                )
                if ok is None:
                    start_failed[name] += 1
                else:
                    starts[name].append(ok)
    finally:
        await station.stop()
    print("3. Commands to a charge point connected to A: through A (local) and through B (across Redis to A)")
    _command_lines("GetConfiguration, request to answer", config, failed)
    _command_lines("remote start, POST to RemoteStartTransaction at the charge point", starts, start_failed)


async def _remote_start(
    client: Any,
    base: str,
    headers: dict[str, str],
    station: Any,
    location: str,
    method: str,
    delivered: list[float],
    arrived: asyncio.Event,
) -> float | None:
    """One remote start on connector 1, timed from the POST until the charge point receives it; then the
    session is stopped and this waits until the EVSE is free again (on the charge point and in the service)."""
    sessions = f"{base}/v1/tokens/{COMMAND_DRIVER}/sessions"
    evse = "BEN-" + location.rsplit("-", 1)[1] + "-1"  # bench/csms.py's EVSE on connector 1
    body = {"locationId": location, "evseUid": evse, "paymentMethodId": method}
    for _ in range(100):
        before = len(delivered)
        arrived.clear()
        started = time.perf_counter()
        response = await client.post(sessions, json=body, headers=headers)
        if response.status_code == 409:  # the service has not seen the EVSE free yet
            await asyncio.sleep(0.1)
            continue
        break
    if response.status_code != 201:
        print(f"   remote start refused: {response.status_code} {response.text[:200]}")
        return None
    session_id = response.json()["chargeSessionId"]
    deadline = time.monotonic() + 15
    try:
        await asyncio.wait_for(arrived.wait(), 15)
    except TimeoutError:
        return None
    latency: float = delivered[before] - started
    connector = station.connectors[1]
    await station.wait_until(lambda: connector.transaction is not None, 15)
    while time.monotonic() < deadline:
        status = (await client.get(f"{sessions}/{session_id}", headers=headers)).json()["status"]
        if status == "CHARGING":
            break
        await asyncio.sleep(0.05)
    stop = await client.post(f"{sessions}/{session_id}/stop", headers=headers)
    stop.raise_for_status()
    await station.wait_until(lambda: connector.transaction is None and connector.status == "Available", 15)
    while time.monotonic() < deadline + 15:
        status = (await client.get(f"{sessions}/{session_id}", headers=headers)).json()["status"]
        if status in FINAL_STATES:
            break
        await asyncio.sleep(0.05)
    return latency


def _command_lines(what: str, samples: dict[str, list[float]], failed: dict[str, int]) -> None:
    stats = {side: _percentiles(values) for side, values in samples.items()}
    print(f"   {what}:")
    for side in ("A", "B"):
        if not stats[side]:
            print(f"     through {side}: no samples, {failed[side]} failed")
            continue
        print(
            f"     through {side}: p50 {stats[side]['p50'] * 1000:6.2f} ms  p99 {stats[side]['p99'] * 1000:6.2f} ms"
            f"  ({int(stats[side]['n'])} samples, {failed[side]} failed)"
        )
    if stats["A"] and stats["B"]:
        print(
            f"     crossing processes adds: p50 {(stats['B']['p50'] - stats['A']['p50']) * 1000:+.2f} ms"
            f"  p99 {(stats['B']['p99'] - stats['A']['p99']) * 1000:+.2f} ms"
        )


# --- the run ---------------------------------------------------------------------------------------------


def _cpus(no_pin: bool) -> tuple[int | None, int | None, str]:
    available = sorted(os.sched_getaffinity(0))
    if no_pin:
        return None, None, "not pinned (--no-pin)"
    if shutil.which("taskset") is None or len(available) < 2:
        return None, None, "not pinned (needs taskset and two CPUs)"
    return available[0], available[1], f"A pinned to CPU {available[0]}, B to CPU {available[1]} (taskset)"


def _timed(what: str, function: Callable[[], Any]) -> Any:
    started = time.monotonic()
    result = function()
    print(f"({what} in {time.monotonic() - started:.1f} s)")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--evses", type=int, default=200_000, help="Size of the search data set.")
    parser.add_argument("--rounds", type=int, default=4, help="Search rounds of each kind, alternating.")
    parser.add_argument("--seconds", type=int, default=5, help="Length of one search round.")
    parser.add_argument("--connections", type=int, default=32, help="Search connections, over two wrk.")
    parser.add_argument("--charging", type=int, default=300, help="Charge points per MeterValues round.")
    parser.add_argument("--meter-s", type=float, default=15.0, help="Length of one MeterValues round.")
    parser.add_argument("--attempts", type=int, default=3, help="Tries per MeterValues round (fresh charge points).")
    parser.add_argument("--commands", type=int, default=200, help="GetConfiguration commands through each.")
    parser.add_argument("--starts", type=int, default=20, help="Remote starts through each.")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--no-pin", action="store_true", help="Leave the servers to the scheduler.")
    parser.add_argument("--skip-search", action="store_true")
    parser.add_argument("--skip-meter", action="store_true")
    parser.add_argument("--skip-commands", action="store_true")
    args = parser.parse_args()
    if not args.skip_search and shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    _raise_fd_limit()
    from chargeassist.store import upgrade

    key_prefix = "bench-scale-" + secrets.token_hex(4)
    name = "chargeassist_bench_" + secrets.token_hex(4)
    admin = args.postgres
    dsn = f"{admin.rsplit('/', 1)[0]}/{name}"
    url = dsn.replace("postgresql://", "postgresql+asyncpg://", 1)
    cpu_a, cpu_b, pinning = _cpus(args.no_pin)
    charging = 0 if args.skip_meter else 2 * args.attempts * args.charging
    command_point = charging + 1  # one more charge point, with its location, for the commands
    asyncio.run(_admin(admin, f'CREATE DATABASE "{name}"'))
    servers: list[Server] = []
    try:
        upgrade(url)
        if not args.skip_search:
            search.DATA.mkdir(exist_ok=True)
            cached = search.DATA / f"search-{args.evses}.db"
            if not cached.exists():
                _timed("search data set built", lambda: search.build_store(cached, args.evses))
            counts = _timed("search data set copied", lambda: asyncio.run(_copy_search_data(cached, dsn)))
            print(f"   {counts[0]:,} locations, {counts[1]:,} EVSEs")
        partner_key = _timed("charge points seeded", lambda: asyncio.run(_seed(url, 0, command_point)))
        ids = [f"CHG-{n:05d}" for n in range(1, command_point + 1)]
        shared = asyncio.run(_partners_and_credentials(url, ids, args.redis, key_prefix))
        method = asyncio.run(_command_driver(url, partner_key))
        os.environ.update(
            {
                "CHARGEASSIST_REDIS_URL": args.redis,
                "CHARGEASSIST_REDIS_KEY_PREFIX": key_prefix,
                # One key asks thousands of searches and many starts a second here: its rate limits would be
                # what is measured.
                "CHARGEASSIST_RATE_LIMIT_SEARCH": "off",
                "CHARGEASSIST_RATE_LIMIT_SESSION_START": "off",
            }
        )
        for cpu in (cpu_a, cpu_b):
            server = Server(url, "uvicorn", heartbeat_s=300)
            servers.append(server)
            _pin(server, cpu)
        for server, cpu in zip(servers, (cpu_a, cpu_b), strict=True):
            server.wait_ready()
            if not args.skip_search:
                search.wait_ready(server.base, 600)
            _pin(server, cpu)  # again: a worker process started after the first pinning
        a, b = servers
        print(
            f"servers: two `chargeassist serve` (uvicorn, one worker each) on one PostgreSQL database and one Redis;"
            f" {pinning}; {os.cpu_count()} CPUs in all, shared with the load generators; machine load "
            f"(1-minute average) {os.getloadavg()[0]:.1f}; charge point passwords "
            f"{'remembered as verified in Redis' if shared else 'NOT remembered (scrypt per first connection)'}"
        )
        if not args.skip_search:
            _timed("search part", lambda: search_part(a, b, args))
        if not args.skip_meter:
            _timed("MeterValues part", lambda: meter_part(a, b, url, args))
        if not args.skip_commands:
            location = f"nl-ben-{command_point:05d}"
            _timed(
                "commands part",
                lambda: asyncio.run(_commands(a, b, ids[-1], location, partner_key, method, args)),
            )
        print(f"machine load at the end (1-minute average): {os.getloadavg()[0]:.1f}")
    finally:
        for server in servers:
            if server.process.poll() is None:
                server.stop()
        asyncio.run(_drop_prefix(args.redis, key_prefix))
        asyncio.run(_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
