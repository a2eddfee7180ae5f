"""A small HTTP server on a loopback port that answers as scripted: the API under failure, over real sockets.

Each route has a list of replies used in turn (the last one repeats). A reply can be slow, drop the
connection without answering, or stream server-sent events. Every request is recorded.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True)
class Reply:
    """One scripted answer."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    drop: bool = False
    """Close the connection without answering."""
    events: Sequence[tuple[float, str]] = ()
    """Server-sent events to stream: (pause before it, the event's text)."""


def problem(status: int, code: str, **headers: str) -> Reply:
    """A problem+json error reply."""
    body = {"type": f"urn:chargeassist:problem:{code}", "title": "Error", "status": status, "code": code}
    return Reply(status, body | {"detail": code.replace("_", " "), "requestId": f"req-{code}"}, headers)


@dataclass(frozen=True)
class Seen:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


class StandIn:
    """The scripted server; ``url`` is its base URL, ``seen`` what it received."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Reply]] = {}
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self.url = ""

    def script(self, method: str, path: str, *replies: Reply) -> None:
        """Answer ``method path`` with these replies in turn, the last one from then on."""
        self.routes[(method, path)] = list(replies)

    def requests_to(self, path: str) -> list[Seen]:
        """The requests received for a path (query string left out)."""
        return [seen for seen in self.seen if seen.path.partition("?")[0] == path]

    def _next(self, method: str, path: str) -> Reply:
        with self._lock:
            replies = self.routes.get((method, path.partition("?")[0]))
            if not replies:
                return problem(404, "not_found")
            return replies.pop(0) if len(replies) > 1 else replies[0]


def _handler(stand_in: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            with stand_in._lock:
                headers = {k.lower(): v for k, v in self.headers.items()}
                stand_in.seen.append(Seen(self.command, self.path, headers, body, time.monotonic()))
            reply = stand_in._next(self.command, self.path)
            time.sleep(reply.delay_s)
            if reply.drop:
                self.close_connection = True
                self.connection.close()
                return
            if reply.events:
                self._stream(reply)
                return
            content = b"" if reply.body is None else json.dumps(reply.body).encode()
            self.send_response(reply.status)
            media_type = PROBLEM_JSON if reply.status >= 400 else "application/json"
            self.send_header("Content-Type", reply.headers.get("Content-Type", media_type))
            self.send_header("Content-Length", str(len(content)))
            for name, value in reply.headers.items():
                if name != "Content-Type":
                    self.send_header(name, value)
            self.end_headers()
            self.wfile.write(content)

        def _stream(self, reply: Reply) -> None:
            self.close_connection = True
            self.send_response(reply.status)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            for pause, text in reply.events:
                time.sleep(pause)
                try:
                    self.wfile.write(text.encode())
                    self.wfile.flush()
                except OSError:
                    return

        do_GET = do_POST = do_PUT = do_DELETE = _answer

    return Handler


@contextmanager
def stand_in() -> Iterator[StandIn]:
    """Run a stand-in server for the duration of the block."""
    state = StandIn()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
