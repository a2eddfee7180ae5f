"""A WebSocket over raw ASGI messages: what a connection's handler needs (``recv``/``send``) and no more.

Small on purpose: one of these per connected charge point, and a process holds thousands.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

__all__ = ["AsgiReceive", "AsgiScope", "AsgiSend", "AsgiWebSocket", "ConnectionClosedError"]

AsgiScope = dict[str, Any]
AsgiReceive = Callable[[], Awaitable[dict[str, Any]]]
AsgiSend = Callable[[dict[str, Any]], Awaitable[None]]


class ConnectionClosedError(ConnectionError):
    """The WebSocket is closed."""


class AsgiWebSocket:
    """An accepted WebSocket: text frames in and out."""

    __slots__ = ("_close_sent", "_receive", "_send", "closed")

    def __init__(self, receive: AsgiReceive, send: AsgiSend) -> None:
        self._receive = receive
        self._send = send
        self.closed = False
        # Closing from this end: nothing more may be sent, though what the peer sent is still read.
        self._close_sent = False

    async def recv(self) -> str | bytes | None:
        """The next message, or None once the connection is closed."""
        while not self.closed:
            message = await self._receive()
            kind = message["type"]
            if kind == "websocket.receive":
                text = message.get("text")
                if text is not None:
                    return str(text)
                data = message.get("bytes")
                if data is not None:
                    return bytes(data)
            elif kind == "websocket.disconnect":
                self.closed = True
        return None

    async def send(self, text: str) -> None:
        """Send a text frame."""
        if self.closed or self._close_sent:
            raise ConnectionClosedError("the WebSocket is closed")
        try:
            await self._send({"type": "websocket.send", "text": text})
        except OSError as exc:
            # Not marked closed: what the peer sent before it went is still to be read.
            raise ConnectionClosedError(str(exc)) from exc

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Close the connection; the reader sees it end."""
        if self.closed or self._close_sent:
            return
        self._close_sent = True
        try:
            await self._send({"type": "websocket.close", "code": code, "reason": reason})
        except (OSError, RuntimeError):
            self.closed = True
