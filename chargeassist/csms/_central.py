"""The OCPP 1.6J endpoint: ``/ocpp/{chargePointId}`` in the same app as the API.

Before the WebSocket upgrade is accepted the charge point must offer the ``ocpp1.6`` subprotocol, exist, and
present its password with HTTP Basic (security profiles 1 and 2; TLS for profile 2 ends at the edge). An
unknown id is answered 404 and a wrong or missing password 401, as HTTP responses to the upgrade request,
through the ASGI "websocket.http.response" extension. A server without the extension can only refuse the
upgrade, which its clients see as 403.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
import secrets
from typing import cast

import msgspec
from litestar.handlers import ASGIRouteHandler, asgi
from litestar.types import Receive, Scope, Send

from chargeassist.limits import RateLimitBackend
from chargeassist.services import CommandBus, Services
from chargeassist.settings import Settings

from ._auth_throttle import AuthThrottle
from ._connection import AsgiReceive, AsgiScope, AsgiSend, AsgiWebSocket
from ._handler import CentralChargePoint
from ._registry import ConnectionRegistry

__all__ = ["SUBPROTOCOL", "CentralSystem", "new_node_id"]

_log = logging.getLogger("chargeassist.csms")

SUBPROTOCOL = "ocpp1.6"
_CHARGE_POINT_ID = re.compile(r"^[A-Za-z0-9._:-]{1,48}$")
_REALM = b'Basic realm="chargeassist-ocpp", charset="UTF-8"'


def new_node_id() -> str:
    """A name for this process, unique across a deployment's processes and their restarts."""
    return "node-" + secrets.token_hex(6)


class CentralSystem:
    """Accepts charge point connections and keeps them in the registry the command bus sends through."""

    def __init__(
        self,
        services: Services,
        registry: ConnectionRegistry,
        settings: Settings,
        *,
        commands: CommandBus | None = None,
        node_id: str | None = None,
        failures: RateLimitBackend | None = None,
    ) -> None:
        self.services = services
        self.registry = registry
        self.settings = settings
        self.commands = commands
        """The bus told which charge points this process holds, so commands from any process find them."""
        self.node_id = node_id or new_node_id()
        """This process, as recorded with the charge points it holds."""
        self.auth_throttle = AuthThrottle(settings, failures)
        """Failed password attempts, counted before any is hashed (on ``failures``, the API's rate-limit backend
        when given, so one pool serves both; else one of its own, closed by :meth:`stop`)."""

    def route_handler(self) -> ASGIRouteHandler:
        """The Litestar route of the endpoint: ``/ocpp/{chargePointId}``.

        Mounted at ``/ocpp`` with the id read from the rest of the path, because Litestar, routing a plain
        HTTP request to an ASGI handler whose path has parameters, looks them up under the request's method
        and fails with a 500; mounted, the request reaches :meth:`__call__`, which answers it 426."""

        @asgi("/ocpp", name="ocpp", is_mount=True, copy_scope=False)
        async def ocpp_endpoint(scope: Scope, receive: Receive, send: Send) -> None:
            rest = str(scope.get("path", ""))
            scope["path_params"] = {"charge_point_id": rest.strip("/")}
            scope["path"] = "/ocpp" + rest.rstrip("/")
            await self(cast("AsgiScope", scope), cast("AsgiReceive", receive), cast("AsgiSend", send))

        return ocpp_endpoint

    async def stop(self) -> None:
        """Close every connection (charge points reconnect to another process, or to this one restarted)."""
        for connection in self.registry:
            await connection.close("the central system is shutting down")
        await self.auth_throttle.close()

    async def __call__(self, scope: AsgiScope, receive: AsgiReceive, send: AsgiSend) -> None:
        if scope["type"] != "websocket":
            await _http_answer(
                scope, send, 426, "websocket_required", "this is the OCPP 1.6J WebSocket endpoint; connect with ocpp1.6"
            )
            return
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        charge_point_id = str(scope.get("path_params", {}).get("charge_point_id", ""))
        if not _CHARGE_POINT_ID.fullmatch(charge_point_id):
            _log.info("refused an upgrade for %r: not a charge point id", charge_point_id[:64])
            await _deny(scope, send, 404, "charge_point_not_found", "no such charge point")
            return
        if SUBPROTOCOL not in scope.get("subprotocols", ()):
            _log.info("%s: refused, no ocpp1.6 among the subprotocols offered", charge_point_id)
            await _deny(scope, send, 400, "subprotocol_not_supported", "offer the WebSocket subprotocol ocpp1.6")
            return
        if not await self._authenticate(scope, send, charge_point_id):
            return
        await send({"type": "websocket.accept", "subprotocol": SUBPROTOCOL})
        await self._serve(charge_point_id, AsgiWebSocket(receive, send))

    async def _authenticate(self, scope: AsgiScope, send: AsgiSend, charge_point_id: str) -> bool:
        """Check the charge point's password, or answer the upgrade with 404, 401 or 429 and return False.

        A password verified before gets in at once; every other is throttled before it is hashed."""
        charge_points = self.services.charge_points
        stored = await charge_points.password_hash(charge_point_id)
        if stored is None:
            _log.info("%s: refused, unknown charge point", charge_point_id)
            await _deny(scope, send, 404, "charge_point_not_found", "no such charge point")
            return False
        password = _basic_password(scope, charge_point_id)
        if password is None:
            _log.info("%s: refused, no password", charge_point_id)
            await self._unauthorized(scope, send)
            return False
        known = charge_points.recognised(charge_point_id, stored, password)
        if known:
            return True
        client = scope.get("client")
        address = str(client[0]) if client else None
        retry_after = await self.auth_throttle.refused_for(charge_point_id, address)
        if retry_after is None and known is None and not self.auth_throttle.begin_check(charge_point_id):
            retry_after = self.auth_throttle.in_flight_retry_s
        # Verified by another process (or before a restart): known too, so a throttle that others' wrong guesses
        # put on this id does not keep it out. Asked only when throttled: unthrottled, verify asks it first.
        if (
            retry_after is not None
            and known is None
            and await charge_points.recognised_shared(charge_point_id, stored, password)
        ):
            return True
        if retry_after is not None:
            await _deny(
                scope,
                send,
                429,
                "too_many_attempts",
                "too many password attempts; retry later",
                [(b"retry-after", str(retry_after).encode())],
            )
            return False
        if known is None:
            try:
                if await charge_points.verify(charge_point_id, stored, password):
                    return True
                # Counted before the slot is given back, so the next attempt sees this failure.
                limit_reached = await self.auth_throttle.failed(charge_point_id, address)
            finally:
                self.auth_throttle.end_check(charge_point_id)
        else:
            limit_reached = await self.auth_throttle.failed(charge_point_id, address)
        if limit_reached:
            _log.warning(
                "%s: refused, wrong password; the limit of failures is reached (from %s), further attempts are "
                "refused with 429",
                charge_point_id,
                address,
            )
        else:
            _log.warning("%s: refused, wrong password (from %s)", charge_point_id, address)
        await self._unauthorized(scope, send)
        return False

    async def _unauthorized(self, scope: AsgiScope, send: AsgiSend) -> None:
        await _deny(scope, send, 401, "unauthorized", "wrong or missing credentials", [(b"www-authenticate", _REALM)])

    async def _serve(self, charge_point_id: str, websocket: AsgiWebSocket) -> None:
        connection = CentralChargePoint(charge_point_id, websocket, self)
        charge_points = self.services.charge_points
        await charge_points.record_connected(charge_point_id, self.node_id, connection.connected_at)
        previous = self.registry.add(connection)
        if previous is not None:
            _log.info("%s: a new connection replaces the previous one", charge_point_id)
            await previous.close("replaced by a new connection of the same charge point")
        if self.commands is not None:
            await self.commands.held(charge_point_id)
        _log.info("%s: connected", charge_point_id)
        try:
            await connection.start()
        except Exception:
            _log.exception("%s: connection failed", charge_point_id)
        finally:
            connection.connection_lost()
            if self.registry.remove(connection):
                if self.commands is not None:
                    await self.commands.released(charge_point_id)
                try:
                    await charge_points.record_disconnected(charge_point_id, self.node_id, connection.connected_at)
                except Exception:
                    _log.exception("%s: recording the disconnect failed", charge_point_id)
            _log.info("%s: disconnected", charge_point_id)


def _basic_password(scope: AsgiScope, charge_point_id: str) -> str | None:
    """The password of ``Authorization: Basic``, when its user is the charge point id."""
    header = next((value for name, value in scope.get("headers", ()) if name == b"authorization"), None)
    if header is None or header[:6].lower() != b"basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    if not sep or user != charge_point_id:
        return None
    return password


_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    426: "Upgrade Required",
    429: "Too Many Requests",
}
_problem_encoder = msgspec.json.Encoder()


def _problem(scope: AsgiScope, status: int, code: str, detail: str) -> bytes:
    """An RFC 9457 problem document, the same shape as the API's."""
    return _problem_encoder.encode(
        {
            "type": "urn:chargeassist:problem:" + code,
            "title": _TITLES.get(status, "Error"),
            "status": status,
            "code": code,
            "detail": detail,
            "instance": scope.get("path", ""),
        }
    )


def _headers(body: bytes, extra: list[tuple[bytes, bytes]] | None = None) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
        *(extra or []),
    ]


async def _deny(
    scope: AsgiScope,
    send: AsgiSend,
    status: int,
    code: str,
    detail: str,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """Answer the upgrade request with an HTTP status, when the server lets the app do so (else the server
    refuses the upgrade with 403)."""
    if "websocket.http.response" not in (scope.get("extensions") or {}):
        await send({"type": "websocket.close", "code": 1008, "reason": detail})
        return
    body = _problem(scope, status, code, detail)
    await send({"type": "websocket.http.response.start", "status": status, "headers": _headers(body, headers)})
    await send({"type": "websocket.http.response.body", "body": body, "more_body": False})


async def _http_answer(scope: AsgiScope, send: AsgiSend, status: int, code: str, detail: str) -> None:
    body = _problem(scope, status, code, detail)
    extra = [(b"upgrade", b"websocket"), (b"connection", b"Upgrade")]
    await send({"type": "http.response.start", "status": status, "headers": _headers(body, extra)})
    await send({"type": "http.response.body", "body": body})
