"""The HTTP servers' own limits: request head size, head and body read timeouts, keep-alive, connection cap.

uvicorn's httptools parser has no bound on a request head (its ``h11_max_incomplete_event_size`` applies to h11
only) and no timeout before a request head is complete, so a client that sends an endless or a slow head holds
memory and a connection for as long as it likes. :class:`BoundedHttpToolsProtocol` adds both, and a body
deadline; granian has its own settings for what it offers.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgspec
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

if TYPE_CHECKING:
    from chargeassist.settings import Settings

__all__ = ["BoundedHttpToolsProtocol", "HttpLimits"]

_log = logging.getLogger("chargeassist.limits")
_HEAD_END = b"\r\n\r\n"
_REASONS = {408: "Request Timeout", 431: "Request Header Fields Too Large", 503: "Service Unavailable"}


@dataclass(frozen=True, slots=True)
class HttpLimits:
    """What a server lets one connection hold, from the ``CHARGEASSIST_HTTP_*`` and ``WS_*`` settings."""

    max_header_bytes: int
    header_timeout_s: float
    body_timeout_s: float
    keep_alive_s: int
    max_connections: int
    ws_max_message_bytes: int

    @classmethod
    def from_settings(cls, settings: Settings) -> HttpLimits:
        """The limits the settings name."""
        return cls(
            max_header_bytes=settings.http_max_header_bytes,
            header_timeout_s=settings.http_header_timeout_s,
            body_timeout_s=settings.http_body_timeout_s,
            keep_alive_s=settings.http_keep_alive_s,
            max_connections=settings.http_max_connections,
            ws_max_message_bytes=settings.ws_max_message_bytes,
        )

    def uvicorn_options(self) -> dict[str, Any]:
        """Keyword arguments of ``uvicorn.run`` that apply these limits."""
        return {
            "http": BoundedHttpToolsProtocol,
            "timeout_keep_alive": self.keep_alive_s,
            "ws_max_size": self.ws_max_message_bytes,
        }

    def granian_options(self, workers: int) -> dict[str, Any]:
        """Keyword arguments of ``granian.Granian`` that apply these limits (granian has no body deadline,
        and its keep-alive is on or off)."""
        from granian.http import HTTP1Settings, HTTP2Settings

        return {
            "http1_settings": HTTP1Settings(
                header_read_timeout=min(60_000, max(1, round(self.header_timeout_s * 1000))),
                keep_alive=True,
                # The read buffer bounds the request head; granian refuses less than 8 KiB.
                max_buffer_size=max(8192, self.max_header_bytes),
            ),
            "http2_settings": HTTP2Settings(max_headers_size=self.max_header_bytes),
            # Requests in progress per worker; a WebSocket is one for as long as it is open.
            "backpressure": max(1, self.max_connections // workers),
        }


@functools.cache
def _process_limits() -> HttpLimits:
    # uvicorn builds the protocol itself, in each worker process, with nothing but its own config: the limits
    # come from the same CHARGEASSIST_* variables the app reads, once per process.
    from chargeassist.settings import Settings

    return HttpLimits.from_settings(Settings.from_env())


def _problem_response(status: int, code: str, detail: str) -> bytes:
    reason = _REASONS[status]
    body = msgspec.json.encode(
        {"type": f"urn:chargeassist:problem:{code}", "title": reason, "status": status, "code": code, "detail": detail}
    )
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/problem+json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a bounded request head, head and body deadlines, and a cap on open
    connections, WebSockets included."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limits = _process_limits()
        self._max_head = limits.max_header_bytes
        self._head_timeout_s = limits.header_timeout_s
        self._body_timeout_s = limits.body_timeout_s
        self._max_connections = limits.max_connections
        self._in_head = True
        self._head_bytes = 0
        self._tail = b""
        self._deadline: asyncio.TimerHandle | None = None

    def _arm(self, delay_s: float) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(delay_s, self._deadline_passed)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _refuse(self, status: int, code: str, detail: str) -> None:
        self._disarm()
        if not self.transport.is_closing():
            self.transport.write(_problem_response(status, code, detail))
            self.transport.close()

    def _deadline_passed(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self._in_head:
            if self._head_bytes == 0:
                self.transport.close()  # nothing was asked: nothing to answer
            else:
                _log.info("closed a connection whose request head was not complete in %s s", self._head_timeout_s)
                self._refuse(408, "request_timeout", "the request head did not arrive in time")
        elif self.cycle is not None and not self.cycle.response_started:
            _log.info("closed a connection whose request body was not complete in %s s", self._body_timeout_s)
            self._refuse(408, "request_timeout", "the request body did not arrive in time")
        else:
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # uvicorn's own cap (limit_concurrency) answers plain text, and only to HTTP requests: upgrades always got
        # in. Counted here, before anything is read, it covers both (WebSockets stay in the same set).
        if len(self.connections) > self._max_connections:
            _log.warning("refused a connection: %d open", len(self.connections) - 1)
            self._refuse(503, "too_many_connections", "the server holds as many connections as it may")
            return
        self._arm(self._head_timeout_s)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            if self._deadline is None:
                self._arm(self._head_timeout_s)  # the first byte of a request on a kept-alive connection
            self._head_bytes += len(data)
            if self._head_bytes > self._max_head and not self._head_ends_in_time(data):
                _log.info("refused a request head of more than %d bytes", self._max_head)
                self._refuse(431, "request_head_too_large", f"the request head is larger than {self._max_head} bytes")
                return
            self._tail = data[-3:]
        super().data_received(data)

    def _head_ends_in_time(self, data: bytes) -> bool:
        # One read may hold the end of the head and the start of the body: only the head counts.
        window = self._tail + data
        end = window.find(_HEAD_END)
        if end < 0:
            return False
        before = self._head_bytes - len(data) - len(self._tail)
        return before + end + len(_HEAD_END) <= self._max_head

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._head_bytes = 0
        self._tail = b""
        self._arm(self._body_timeout_s)
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        self._in_head = True
        super().on_message_complete()
