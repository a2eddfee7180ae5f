"""uvicorn's WebSocket protocol, made quiet about upgrades the app refuses with an HTTP response.

uvicorn's ``websockets-sansio`` protocol (the one its ``auto`` choice picks) marks the handshake complete when
the app accepts or closes the WebSocket, but not when it answers the upgrade with an HTTP response through
the "websocket.http.response" extension; so after every such refusal (401, 404, 429...) it logs "ASGI
callable returned without completing handshake" at ERROR. Its ``wsproto`` protocol marks it complete there;
this does the same. The central system logs each refusal itself, at INFO or WARNING.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

if TYPE_CHECKING:
    from uvicorn._types import ASGISendEvent

__all__ = ["QuietRefusalWebSocketProtocol"]


class QuietRefusalWebSocketProtocol(WebSocketsSansIOProtocol):
    """Pass as ``ws=`` to uvicorn: the handshake counts as complete once a refusal's response is sent."""

    async def send(self, message: ASGISendEvent) -> None:
        """Send as uvicorn does; a finished HTTP answer to the upgrade completes the handshake."""
        await super().send(message)
        if message["type"] == "websocket.http.response.body" and not message.get("more_body", False):
            self.handshake_complete = True
