"""Location search benchmark: 1,000,000 EVSEs over Europe, bounding-box search vs a trivial endpoint.

Run: ``.venv/bin/python bench/search.py`` (needs ``wrk``: ``apt-get install wrk``).

Both endpoints are measured in the same run on the same single-worker server, so the ratio is what
counts on a shared, noisy machine. The trivial endpoint is ``GET /v1/ping``: authenticated like search,
returning a constant JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import msgspec

from chargeassist.demo import synthetic_locations
from chargeassist.domain.locations import convert_location, location_key
from chargeassist.services import PartnerService, evse_id_key
from chargeassist.store import Database, upgrade

ROOT = Path(__file__).resolve().parent
DATA = ROOT / ".data"
PARTNER_KEY = "bench-partner-key-0123456789abcdef"
_encoder = msgspec.json.Encoder()

# City-sized boxes (about 10 x 10 km) that the synthetic data set populates densely.
CITY_BOXES = {
    "Paris": (48.82, 2.29, 48.90, 2.42),
    "Berlin": (52.48, 13.33, 52.56, 13.46),
    "Madrid": (40.38, -3.74, 40.46, -3.64),
    "Amsterdam": (52.33, 4.84, 52.41, 4.96),
    "Milan": (45.43, 9.13, 45.51, 9.24),
}


def build_store(path: Path, evse_count: int) -> None:
    """A SQLite store with the synthetic data set, written in bulk (validated like the API does)."""
    url = f"sqlite+aiosqlite:///{path}"
    upgrade(url)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    now = "2026-01-01 00:00:00.000000"
    pk = evse_pk = 0
    locations: list[tuple[object, ...]] = []
    evses: list[tuple[object, ...]] = []
    started = time.perf_counter()

    def flush() -> None:
        connection.executemany(
            "INSERT INTO locations (pk, id, country_code, party_id, latitude, longitude, document, restricted,"
            " allowed_partner_ids, change_seq, deleted, updated_at) VALUES (?,?,?,?,?,?,?,0,'[]',?,0,?)",
            locations,
        )
        connection.executemany(
            "INSERT INTO evses (pk, location_pk, position, uid, evse_id, evse_id_key, status, document)"
            " VALUES (?,?,?,?,?,?,?,?)",
            evses,
        )
        locations.clear()
        evses.clear()

    for document in synthetic_locations(evse_count):
        location = convert_location(document)
        pk += 1
        bare = msgspec.structs.replace(location, evses=None)
        key = location_key(location.country_code, location.party_id, location.id)
        locations.append(
            (
                pk,
                key,
                location.country_code,
                location.party_id,
                float(location.coordinates.latitude),
                float(location.coordinates.longitude),
                _encoder.encode(bare).decode(),
                pk,
                now,
            )
        )
        for position, evse in enumerate(location.evses or ()):
            evse_pk += 1
            evses.append(
                (
                    evse_pk,
                    pk,
                    position,
                    evse.uid,
                    evse.evse_id,
                    evse_id_key(evse.evse_id),
                    evse.status,
                    _encoder.encode(evse).decode(),
                )
            )
        if len(locations) >= 20_000:
            flush()
    flush()
    connection.execute("UPDATE counters SET value = ? WHERE name = 'locations'", (pk,))
    connection.commit()
    connection.close()

    async def partner() -> None:
        database = Database(url)
        try:
            await PartnerService(database).ensure("Bench Partner", PARTNER_KEY, is_operator=False)
        finally:
            await database.dispose()

    asyncio.run(partner())
    print(f"built store: {pk:,} locations, {evse_pk:,} EVSEs in {time.perf_counter() - started:.0f} s")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and its children (the server's worker), in KiB."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, AttributeError):
            continue
        pids.extend(int(c) for c in children)
    return total


def wait_ready(base: str, timeout_s: float) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout_s:
        try:
            with urllib.request.urlopen(base + "/v1/health", timeout=2) as response:  # noqa: S310
                body = msgspec.json.decode(response.read())
                if body.get("indexedLocations", 0) > 0:
                    return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("server did not become ready")


LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], {["Authorization"] = "Bearer %s"})
end
"""


def run_wrk(url_base: str, paths: list[str], seconds: int, connections: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % (", ".join(f'"{p}"' for p in paths), PARTNER_KEY))
    try:
        output = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name, url_base],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)

    def pct(label: str) -> float:
        match = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", output)
        assert match, output
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    return {"rps": rps, "p50_ms": pct("50"), "p99_ms": pct("99"), "errors": float(non_2xx.group(1)) if non_2xx else 0}


def _median(rounds: list[dict[str, float]]) -> dict[str, float]:
    return {key: sorted(r[key] for r in rounds)[len(rounds) // 2] for key in rounds[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evses", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=5, help="Length of one round.")
    parser.add_argument("--rounds", type=int, default=5, help="Rounds per endpoint, alternating.")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--server", choices=["uvicorn", "granian"], default="uvicorn")
    parser.add_argument("--page-size", type=int, default=50)
    parser.add_argument("--rebuild", action="store_true", help="Rebuild the data set even if cached.")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    DATA.mkdir(exist_ok=True)
    store = DATA / f"search-{args.evses}.db"
    if args.rebuild or not store.exists():
        store.unlink(missing_ok=True)
        build_store(store, args.evses)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "CHARGEASSIST_DATABASE_URL": f"sqlite+aiosqlite:///{store}",
        "CHARGEASSIST_SEARCH_REFRESH_INTERVAL_S": "5",
        # One key asks thousands of searches a second here: the per-key search rate would measure itself.
        "CHARGEASSIST_RATE_LIMIT_SEARCH": "off",
        "CHARGEASSIST_LOG_LEVEL": "WARNING",
    }
    cli = Path(sys.executable).with_name("chargeassist")
    server = subprocess.Popen(
        [str(cli), "serve", "--port", str(port), "--server", args.server],
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        load_s = wait_ready(base, 600)
        rss_mib = tree_rss_kib(server.pid) / 1024
        query = "&".join(f"{k}={{{k}}}" for k in ("bottomLeftLat", "bottomLeftLng", "topRightLat", "topRightLng"))
        search_paths = [
            "/v1/locations/boundingbox?"
            + query.format(bottomLeftLat=s, bottomLeftLng=w, topRightLat=n, topRightLng=e)
            + f"&pageSize={args.page_size}"
            for s, w, n, e in CITY_BOXES.values()
        ]
        counts = []
        for path in search_paths:
            request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {PARTNER_KEY}"})  # noqa: S310
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                counts.append(msgspec.json.decode(response.read())["meta"]["count"])
        run_wrk(base, ["/v1/ping"], 3, args.connections)  # warm-up
        # Alternate the two endpoints in short rounds so that noise from other work on a shared machine
        # hits both alike; the figures are the medians of the rounds.
        trivial_rounds, search_rounds = [], []
        for _ in range(args.rounds):
            trivial_rounds.append(run_wrk(base, ["/v1/ping"], args.seconds, args.connections))
            search_rounds.append(run_wrk(base, search_paths, args.seconds, args.connections))
        trivial, search = _median(trivial_rounds), _median(search_rounds)
        ratios = sorted(s["rps"] / t["rps"] for s, t in zip(search_rounds, trivial_rounds, strict=True))
        rss_after_mib = tree_rss_kib(server.pid) / 1024
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    ratio = ratios[len(ratios) // 2]
    print(f"server: {args.server}, 1 worker; data: {args.evses:,} EVSEs; index loaded in {load_s:.1f} s")
    print(f"results per city box (pageSize={args.page_size}): {dict(zip(CITY_BOXES, counts, strict=True))}")
    print(
        f"trivial /v1/ping:        {trivial['rps']:8.0f} req/s  p50 {trivial['p50_ms']:.2f} ms"
        f"  p99 {trivial['p99_ms']:.2f} ms  non-2xx {trivial['errors']:.0f}"
    )
    print(
        f"bounding-box search:     {search['rps']:8.0f} req/s  p50 {search['p50_ms']:.2f} ms"
        f"  p99 {search['p99_ms']:.2f} ms  non-2xx {search['errors']:.0f}"
    )
    print(
        f"ratio search/trivial:    {ratio:.2f} median of {', '.join(f'{r:.2f}' for r in ratios)}"
        f"  (target >= 0.50: {'met' if ratio >= 0.5 else 'NOT met'})"
    )
    print(f"server memory (RSS, all processes): {rss_mib:.0f} MiB after load, {rss_after_mib:.0f} MiB after the runs")


if __name__ == "__main__":
    main()
