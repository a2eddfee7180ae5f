"""A real HTTP server on a loopback port that records the webhooks it receives and answers as scripted."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SIGNATURE_HEADER = "Charge-Assist-Signature"


@dataclass
class Received:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def event(self) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(self.body)
        return found

    def signature_matches(self, secret: str) -> bool:
        """Whether the signature header is HMAC-SHA256 of ``t.body`` under ``secret`` (checked independently of the
        service's own code)."""
        parts = dict(item.split("=", 1) for item in self.headers[SIGNATURE_HEADER].split(","))
        expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + self.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(parts["v1"], expected)


@dataclass
class Receiver:
    """What was received, and the statuses to answer with next (then 200)."""

    port: int
    received: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    delays_s: list[float] = field(default_factory=list)
    """How long to wait before answering the next requests (then at once)."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def answered_ok(self) -> list[Received]:
        """The requests answered 2xx, in order (the receiver's answers are recorded with them)."""
        with self.lock:
            return [r for r in self.received if r.headers.get("x-answered", "200").startswith("2")]

    async def wait_for(self, count: int, timeout_s: float = 10.0) -> list[Received]:
        """Wait until ``count`` requests were answered 2xx (letting the event loop run meanwhile)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            ok = self.answered_ok()
            if len(ok) >= count:
                return ok
            await asyncio.sleep(0.02)
        raise AssertionError(f"received {len(self.answered_ok())} webhooks answered 2xx, expected {count}")


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with receiver.lock:
                delay_s = receiver.delays_s.pop(0) if receiver.delays_s else 0.0
            time.sleep(delay_s)
            with receiver.lock:
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                headers = dict(self.headers.items()) | {"x-answered": str(status)}
                receiver.received.append(Received(self.path, headers, body, time.monotonic()))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            if 300 <= status < 400:
                self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def serving(receiver: Receiver) -> Iterator[Receiver]:
    """Serve ``receiver`` on its port until the block ends (a receiver may be served again: down, then up)."""
    ThreadingHTTPServer.allow_reuse_address = True
    server = ThreadingHTTPServer(("127.0.0.1", receiver.port), _handler(receiver))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
