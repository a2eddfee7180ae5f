"""The servers `chargeassist serve` runs defend themselves: bounded request heads, head and body deadlines, a
connection cap; charge points' WebSockets stay open however idle. Each server runs as `serve` runs it, in a
process of its own, and its memory is read from /proc."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from tests._processes import free_port, run_cli
from tests.conftest import bearer

SERVERS = ["uvicorn", "granian"]
HEAD_TIMEOUT_S = 2
BODY_TIMEOUT_S = 2
PASSWORD = "cp-password-0123456789"
MIB = 1024 * 1024


@dataclass(frozen=True)
class Served:
    """A running `chargeassist serve`."""

    server: str
    port: int
    process: subprocess.Popen[bytes]
    operator_key: str

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _serve(server: str, store: Path, **settings: str) -> Iterator[Served]:
    env = {
        **os.environ,
        "CHARGEASSIST_DATABASE_URL": f"sqlite+aiosqlite:///{store}",
        "CHARGEASSIST_LOG_LEVEL": "WARNING",
    }
    env.update({f"CHARGEASSIST_{name.upper()}": value for name, value in settings.items()})
    run_cli("db", "upgrade", env=env)
    match = re.search(
        r"API key \(shown once\): (\S+)", run_cli("partners", "create", "Limits Operator", "--operator", env=env)
    )
    assert match is not None
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "chargeassist.cli", "serve", "--port", str(port), "--server", server],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code == 200:
                    break
            if process.poll() is not None:
                raise AssertionError(f"chargeassist serve --server {server} exited")
            time.sleep(0.05)
        yield Served(server, port, process, match.group(1))
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module", params=SERVERS)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`chargeassist serve --server NAME` with short head and body deadlines and a short keep-alive."""
    store = tmp_path_factory.mktemp(f"limits-{request.param}") / "served.db"
    yield from _serve(
        request.param,
        store,
        http_header_timeout_s=str(HEAD_TIMEOUT_S),
        http_body_timeout_s=str(BODY_TIMEOUT_S),
        http_keep_alive_s="1",
    )


def _tree_rss_bytes(pid: int) -> int:
    """Resident memory of a process and all its descendants (granian serves from child processes)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                parent = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        pending.extend(children.get(current, []))
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
    return total


def _open(served: Served) -> socket.socket:
    return socket.create_connection(("127.0.0.1", served.port), timeout=30)


def _closed_by_server(sock: socket.socket, *, within_s: float) -> bool:
    """Whether the server closes the connection (after an answer, or without one) within ``within_s``."""
    sock.settimeout(within_s)
    deadline = time.monotonic() + within_s
    try:
        while time.monotonic() < deadline:
            if not sock.recv(65536):
                return True
    except ConnectionError:
        return True
    except TimeoutError:
        return False
    return False


def _send_unfinished_head(sock: socket.socket, total: int) -> int:
    """Send a request head with one header of ``total`` bytes and no end; how much the server took."""
    sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ")
    chunk, sent = b"a" * (256 * 1024), 0
    try:
        while sent < total:
            sock.sendall(chunk)
            sent += len(chunk)
    except (ConnectionError, TimeoutError):
        pass
    return sent


def test_a_slow_request_head_is_cut_off(served: Served) -> None:
    with _open(served) as sock:
        sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")
        cut_off = False
        for _ in range(60):  # one byte every 0.5 s: never a complete head
            try:
                sock.sendall(b"X")
            except ConnectionError:
                cut_off = True
                break
            if _closed_by_server(sock, within_s=0.5):
                cut_off = True
                break
        assert cut_off


def test_two_hundred_slow_header_connections_are_all_dropped(served: Served) -> None:
    sockets = [_open(served) for _ in range(200)]
    try:
        for sock in sockets:
            sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        deadline = time.monotonic() + HEAD_TIMEOUT_S * 10
        still_open = [
            sock for sock in sockets if not _closed_by_server(sock, within_s=max(0.01, deadline - time.monotonic()))
        ]
        assert still_open == []
    finally:
        for sock in sockets:
            sock.close()


def test_a_32_mib_header_is_refused_early(served: Served) -> None:
    with _open(served) as sock:
        sent = _send_unfinished_head(sock, 32 * MIB)
        try:
            answer = sock.recv(65536)
        except ConnectionError:
            answer = b""
    assert sent < 32 * MIB or answer.startswith(b"HTTP/1.1 431")
    assert answer == b"" or answer.startswith(b"HTTP/1.1 431")


def test_unfinished_32_mib_headers_do_not_grow_the_process(served: Served) -> None:
    before = _tree_rss_bytes(served.process.pid)
    sockets = [_open(served) for _ in range(8)]
    try:
        for sock in sockets:
            _send_unfinished_head(sock, 32 * MIB)
        grown = _tree_rss_bytes(served.process.pid) - before
    finally:
        for sock in sockets:
            sock.close()
    assert grown < 64 * MIB, f"grew by {grown / MIB:.0f} MiB"


def test_a_request_head_at_the_limit_is_served(served: Served) -> None:
    response = httpx.get(f"{served.base}/v1/health", headers={"X-Padding": "p" * 60_000}, timeout=10)
    assert response.status_code == 200


def test_a_large_body_sent_with_its_head_is_read(served: Served) -> None:
    # Head and body arrive in the same reads: only the head counts towards its limit.
    body = json.dumps({"url": "x" * (512 * 1024)})
    response = httpx.post(f"{served.base}/v1/qr", content=body, headers=bearer(served.operator_key), timeout=10)
    assert response.status_code in (200, 400), response.text


def test_a_slow_request_body_is_cut_off(served: Served) -> None:
    if served.server == "granian":
        pytest.skip("granian has no body read deadline")
    with _open(served) as sock:
        head = f"POST /v1/qr HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {served.operator_key}\r\n"
        sock.sendall(f"{head}Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{".encode())
        cut_off = False
        for _ in range(60):  # one byte every 0.5 s of a body that would take 8 minutes
            try:
                sock.sendall(b" ")
            except ConnectionError:
                cut_off = True
                break
            if _closed_by_server(sock, within_s=0.5):
                cut_off = True
                break
        assert cut_off


def test_an_idle_keep_alive_connection_is_closed(served: Served) -> None:
    with _open(served) as sock:
        sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")
        assert _closed_by_server(sock, within_s=30)


def test_an_idle_charge_point_stays_connected(served: Served) -> None:
    charge_point_id = f"CP-LIMITS-{served.server}"
    created = httpx.put(
        f"{served.base}/v1/operator/charge-points/{charge_point_id}",
        json={"password": PASSWORD, "evses": []},
        headers=bearer(served.operator_key),
        timeout=10,
    )
    assert created.status_code in (200, 201), created.text
    credentials = base64.b64encode(f"{charge_point_id}:{PASSWORD}".encode()).decode()
    with connect(
        f"ws://127.0.0.1:{served.port}/ocpp/{charge_point_id}",
        subprotocols=[Subprotocol("ocpp1.6")],
        additional_headers={"Authorization": f"Basic {credentials}"},
    ) as websocket:
        time.sleep(HEAD_TIMEOUT_S + BODY_TIMEOUT_S + 2)  # past every HTTP deadline and the keep-alive
        websocket.send(json.dumps([2, "1", "Heartbeat", {}]))
        answer = json.loads(websocket.recv(timeout=10))
    assert answer[:2] == [3, "1"]


def test_connections_past_the_cap_are_refused(tmp_path: Path) -> None:
    # uvicorn only: granian's cap is on requests in progress (its backpressure), and connections past it wait.
    for served in _serve("uvicorn", tmp_path / "capped.db", http_max_connections="20", http_header_timeout_s="30"):
        holders = [_open(served) for _ in range(40)]
        try:
            for sock in holders:
                with contextlib.suppress(ConnectionError):
                    sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Hold: ")
            refused = 0
            for sock in holders:
                sock.settimeout(0.5)
                with contextlib.suppress(TimeoutError, ConnectionError):
                    answer = sock.recv(65536)
                    refused += not answer or answer.startswith(b"HTTP/1.1 503")
            assert refused > 0
        finally:
            for sock in holders:
                sock.close()
