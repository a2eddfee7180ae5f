"""One charge point's OCPP 1.6J session on the central system side.

Framing and payload checks are done with msgspec (see ``_messages``); each handler receives the checked
request struct. The RPC layer is this module's own rather than the ``ocpp`` package's: the package keeps
every answer it receives in a queue until a call takes it, so answers to calls nobody made pile up (and its
recursive search through them overflows the stack). Here at most one CALL is outstanding per connection, as
OCPP-J requires, and an answer is taken only when its id is that call's; any other is counted and dropped.
The ``ocpp`` package still supplies the command payload classes and the JSON schemas commands and their
answers are checked against.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast

from ocpp.exceptions import OCPPError
from ocpp.messages import Call, CallResult, validate_payload
from ocpp.v16.enums import Action

from chargeassist.services import ChargePointCommand, CommandOutcome

from ._commands16 import ocpp16_call
from ._connection import ConnectionClosedError
from ._messages import (
    CALL,
    CALL_ERROR_CODES,
    CALLERROR,
    AuthorizeRequest,
    BootNotificationRequest,
    DataTransferRequest,
    DiagnosticsStatusNotificationRequest,
    FirmwareStatusNotificationRequest,
    Frame,
    FrameError,
    HeartbeatRequest,
    MeterValuesRequest,
    PayloadError,
    StartTransactionRequest,
    StatusNotificationRequest,
    StopTransactionRequest,
    as_utc,
    call_error_frame,
    call_frame,
    call_result_frame,
    decode_payload,
    parse_frame,
    readings_of,
)

if TYPE_CHECKING:
    from ._central import CentralSystem
    from ._connection import AsgiWebSocket

__all__ = ["CentralChargePoint"]

_log = logging.getLogger("chargeassist.csms")
_frames = logging.getLogger("chargeassist.csms.frames")
_F = TypeVar("_F", bound=Callable[..., Any])

_REQUESTS: dict[str, type[Any]] = {
    Action.boot_notification: BootNotificationRequest,
    Action.heartbeat: HeartbeatRequest,
    Action.status_notification: StatusNotificationRequest,
    Action.authorize: AuthorizeRequest,
    Action.start_transaction: StartTransactionRequest,
    Action.meter_values: MeterValuesRequest,
    Action.stop_transaction: StopTransactionRequest,
    Action.data_transfer: DataTransferRequest,
    Action.diagnostics_status_notification: DiagnosticsStatusNotificationRequest,
    Action.firmware_status_notification: FirmwareStatusNotificationRequest,
}
# Every action OCPP 1.6 knows: a charge point sending one we do not take (RemoteStartTransaction, say) gets
# NotSupported; an action 1.6 does not know at all gets NotImplemented (OCPP-J 1.6, section 4.2.3).
_KNOWN_ACTIONS = frozenset(action.value for action in Action)
# A connector the charge point names that is not among those known is looked up again at most this often,
# so a newly mapped EVSE is seen without a reconnect and a charge point naming absent ones costs no queries.
_CONNECTORS_REFRESH_S = 5.0
# Malformed frames logged per connection; the rest are counted and summed up when the connection ends.
_MALFORMED_LOGGED = 10


def _on(action: str) -> Callable[[_F], _F]:
    def mark(function: _F) -> _F:
        function._on_action = action  # type: ignore[attr-defined]
        return function

    return mark


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _clean(text: str, limit: int) -> str:
    """A charge point's text made safe to store and show: no NUL, bounded length."""
    return text.replace("\x00", "")[:limit]


@dataclass(slots=True)
class _OutstandingCall:
    unique_id: str
    action: str
    answer: asyncio.Future[Frame]


class CentralChargePoint:
    """The CSMS end of one WebSocket. A new instance for every connection; state of record is in the store."""

    def __init__(self, charge_point_id: str, connection: AsgiWebSocket, central: CentralSystem) -> None:
        self.id = charge_point_id
        self.central = central
        self.connection = connection
        self.connected_at = datetime.now(UTC)
        self._response_timeout_s = central.settings.ocpp_response_timeout_s
        # Transaction running on each connector, for MeterValues that do not name it (a cache).
        self._open: dict[int, int] = {}
        # The connectors the operator mapped, and when they were read (monotonic seconds).
        self._connectors: frozenset[int] = frozenset()
        self._connectors_read_at = -_CONNECTORS_REFRESH_S
        self._call_lock = asyncio.Lock()
        self._outstanding: _OutstandingCall | None = None
        self._lost = False
        self.booted = False
        """Whether the charge point's BootNotification was accepted on this connection."""
        self.calls_before_boot = 0
        """CALLs other than BootNotification taken on this connection before one was accepted."""
        self.stray_answers = 0
        """CALLRESULTs and CALLERRORs received that answer no outstanding call (dropped)."""
        self.malformed_frames = 0
        """Frames received that are not OCPP-J."""

    # --- reading --------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Handle frames until the WebSocket closes."""
        recv = self.connection.recv
        while True:
            raw = await recv()
            if raw is None:
                return
            try:
                await self.route_message(raw)
            except ConnectionClosedError:
                # An answer could not be sent: the peer is going. Read what it sent before it went (the
                # answer to a command may be among it) until the disconnect arrives.
                continue

    async def route_message(self, raw_msg: str | bytes) -> None:
        """Answer a CALL, or hand a CALLRESULT/CALLERROR to the command waiting for it."""
        if _frames.isEnabledFor(logging.DEBUG):
            _frames.debug("%s: receive %s", self.id, raw_msg)
        self.central.services.charge_points.seen(self.id, datetime.now(UTC))
        try:
            frame = parse_frame(raw_msg)
        except FrameError as exc:
            self.malformed_frames += 1
            if self.malformed_frames <= _MALFORMED_LOGGED:
                _log.info("%s: malformed frame: %s", self.id, exc)
            if exc.answer:
                await self._send(call_error_frame(exc.unique_id or "-1", "FormationViolation", str(exc)))
            return
        if frame.message_type == CALL:
            await self._answer(frame.unique_id, frame.action, frame.payload)
            return
        outstanding = self._outstanding
        if outstanding is None or outstanding.unique_id != frame.unique_id or outstanding.answer.done():
            self.stray_answers += 1
            if self.stray_answers == 1:
                _log.warning(
                    "%s: an answer to no outstanding call (id %r) was dropped; further ones are counted",
                    self.id,
                    frame.unique_id,
                )
            return
        outstanding.answer.set_result(frame)

    async def _answer(self, unique_id: str, action: str, payload: Any) -> None:
        handler = _HANDLERS.get(action)
        if handler is None:
            if action in _KNOWN_ACTIONS:
                code, detail = "NotSupported", f"{action} is an OCPP 1.6 action the central system does not take"
            else:
                code, detail = "NotImplemented", f"unknown action {action[:60]!r}"
            await self._send(call_error_frame(unique_id, code, detail))
            return
        if not self.booted and action != Action.boot_notification:
            # OCPP 1.6 lets a charge point that reconnects without rebooting carry on without a new
            # BootNotification; it is taken, and noted once per connection.
            self.calls_before_boot += 1
            if self.calls_before_boot == 1:
                _log.info("%s: %s before a BootNotification on this connection", self.id, action)
        try:
            request = decode_payload(payload, _REQUESTS[action])
            response = await handler(self, request)
        except PayloadError as exc:
            await self._send(call_error_frame(unique_id, exc.code, f"{action}: {exc.detail}"))
            return
        except Exception:
            _log.exception("%s: %s failed", self.id, action)
            await self._send(call_error_frame(unique_id, "InternalError", f"{action} could not be processed"))
            return
        await self._send(call_result_frame(unique_id, response))

    async def _send(self, message: str) -> None:
        if _frames.isEnabledFor(logging.DEBUG):
            _frames.debug("%s: send %s", self.id, message)
        await self.connection.send(message)

    async def _check_connector(self, connector_id: int) -> None:
        """:class:`PayloadError` unless the connector is 0 (the charge point) or one the operator mapped."""
        if connector_id == 0 or connector_id in self._connectors:
            return
        now = time.monotonic()
        if now - self._connectors_read_at >= _CONNECTORS_REFRESH_S:
            self._connectors = await self.central.services.charge_points.connector_ids(self.id)
            self._connectors_read_at = now
            if connector_id in self._connectors:
                return
        raise PayloadError(
            "PropertyConstraintViolation", f"connectorId {connector_id} is not one of this charge point's"
        )

    # --- handlers -------------------------------------------------------------------------------------

    @_on(Action.boot_notification)
    async def on_boot_notification(self, request: BootNotificationRequest, **_: Any) -> dict[str, Any]:
        await self.central.services.charge_points.record_boot(
            self.id,
            vendor=request.charge_point_vendor,
            model=request.charge_point_model,
            serial_number=request.charge_point_serial_number or request.charge_box_serial_number,
            firmware_version=request.firmware_version,
            at=datetime.now(UTC),
        )
        self.booted = True
        return {
            "status": "Accepted",
            "currentTime": _now(),
            "interval": self.central.settings.ocpp_heartbeat_interval_s,
        }

    @_on(Action.heartbeat)
    async def on_heartbeat(self, request: HeartbeatRequest, **_: Any) -> dict[str, Any]:
        return {"currentTime": _now()}

    @_on(Action.status_notification)
    async def on_status_notification(self, request: StatusNotificationRequest, **_: Any) -> dict[str, Any]:
        await self._check_connector(request.connector_id)
        services = self.central.services
        await services.charge_points.record_status(
            self.id,
            request.connector_id,
            status=request.status,
            error_code=request.error_code,
            info=request.info,
            vendor_error_code=request.vendor_error_code,
            status_at=as_utc(request.timestamp) if request.timestamp is not None else None,
        )
        await services.sessions.connector_status(self.id, request.connector_id, request.status)
        return {}

    @_on(Action.authorize)
    async def on_authorize(self, request: AuthorizeRequest, **_: Any) -> dict[str, Any]:
        status = await self.central.services.sessions.authorize(self.id, request.id_tag)
        return {"idTagInfo": await self._id_tag_info(status, request.id_tag)}

    async def _id_tag_info(self, status: str, id_tag: str) -> dict[str, Any]:
        info: dict[str, Any] = {"status": status}
        if status == "Expired":
            # When the card expired, so a charge point that caches tags keeps the same date.
            expiry = (await self.central.services.issued_tokens.card_for_id_tag(id_tag)).expiry_date
            if expiry is not None:
                info["expiryDate"] = expiry.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        return info

    @_on(Action.start_transaction)
    async def on_start_transaction(self, request: StartTransactionRequest, **_: Any) -> dict[str, Any]:
        await self._check_connector(request.connector_id)
        started = await self.central.services.sessions.transaction_started(
            self.id,
            connector_id=request.connector_id,
            id_tag=request.id_tag,
            meter_start=request.meter_start,
            timestamp=as_utc(request.timestamp),
            reservation_id=request.reservation_id,
        )
        if started.id_tag_status == "Accepted":
            self._open[request.connector_id] = started.transaction_id
        return {
            "transactionId": started.transaction_id,
            "idTagInfo": await self._id_tag_info(started.id_tag_status, request.id_tag),
        }

    @_on(Action.meter_values)
    async def on_meter_values(self, request: MeterValuesRequest, **_: Any) -> dict[str, Any]:
        await self._check_connector(request.connector_id)
        readings = readings_of(request.meter_value)
        if not readings:
            return {}
        sessions = self.central.services.sessions
        transaction_id = request.transaction_id
        if transaction_id is None:
            transaction_id = self._open.get(request.connector_id)
            if transaction_id is None:
                transaction_id = await sessions.open_transaction(self.id, request.connector_id)
        elif not await sessions.owns(self.id, transaction_id):
            _log.info("%s: MeterValues for transaction %s, not one of its own", self.id, transaction_id)
            return {}
        if transaction_id is not None:
            await sessions.meter_readings(transaction_id, readings)
        return {}

    @_on(Action.stop_transaction)
    async def on_stop_transaction(self, request: StopTransactionRequest, **_: Any) -> dict[str, Any]:
        readings = readings_of(request.transaction_data or ())
        await self.central.services.sessions.transaction_stopped(
            self.id,
            transaction_id=request.transaction_id,
            meter_stop=request.meter_stop,
            timestamp=as_utc(request.timestamp),
            reason=request.reason,
            id_tag=request.id_tag,
            readings=readings,
        )
        for connector_id, transaction_id in list(self._open.items()):
            if transaction_id == request.transaction_id:
                del self._open[connector_id]
        return {"idTagInfo": {"status": "Accepted"}} if request.id_tag is not None else {}

    @_on(Action.data_transfer)
    async def on_data_transfer(self, request: DataTransferRequest, **_: Any) -> dict[str, Any]:
        _log.info("%s: DataTransfer from vendor %r, message %r", self.id, request.vendor_id, request.message_id)
        return {"status": "UnknownVendorId"}

    @_on(Action.diagnostics_status_notification)
    async def on_diagnostics_status_notification(
        self, request: DiagnosticsStatusNotificationRequest, **_: Any
    ) -> dict[str, Any]:
        await self.central.services.charge_points.record_diagnostics_status(self.id, request.status)
        return {}

    @_on(Action.firmware_status_notification)
    async def on_firmware_status_notification(
        self, request: FirmwareStatusNotificationRequest, **_: Any
    ) -> dict[str, Any]:
        await self.central.services.charge_points.record_firmware_status(self.id, request.status)
        return {}

    # --- commands -------------------------------------------------------------------------------------

    async def send_command(self, command: ChargePointCommand, timeout_s: float) -> CommandOutcome:
        """Send a CALL and wait for its answer, the end of the connection, or ``timeout_s``."""
        action, payload = ocpp16_call(command)
        unique_id = str(uuid.uuid4())
        try:
            await validate_payload(Call(unique_id, action, payload), "1.6")
            async with asyncio.timeout(timeout_s):
                answer = await self._call(unique_id, action, payload)
        except OCPPError as exc:
            return CommandOutcome(status="call_error", error_code=exc.code, error_description=exc.description)
        except TimeoutError:
            return CommandOutcome(status="timeout")
        except ConnectionError:
            return CommandOutcome(status="offline")
        if answer.message_type == CALLERROR:
            code = answer.error_code if answer.error_code in CALL_ERROR_CODES else "GenericError"
            return CommandOutcome(
                status="call_error", error_code=code, error_description=_clean(answer.error_description, 255)
            )
        result = CallResult(unique_id, answer.payload, action)
        try:
            await validate_payload(result, "1.6")
        except OCPPError as exc:
            return CommandOutcome(status="call_error", error_code=exc.code, error_description=exc.description)
        except RecursionError:
            # jsonschema walks nested JSON recursively; what the decoder took can still be too deep for it.
            return CommandOutcome(
                status="call_error", error_code="FormationViolation", error_description="answer nested too deeply"
            )
        return CommandOutcome(status="answered", payload=cast("dict[str, Any]", answer.payload))

    async def _call(self, unique_id: str, action: str, payload: dict[str, Any]) -> Frame:
        """One CALL at a time on the connection (OCPP-J); the answer with its id, or TimeoutError."""
        async with self._call_lock:
            if self._lost:
                raise ConnectionClosedError("the connection is gone")
            outstanding = _OutstandingCall(unique_id, action, asyncio.get_running_loop().create_future())
            self._outstanding = outstanding
            try:
                await self._send(call_frame(unique_id, action, payload))
                async with asyncio.timeout(self._response_timeout_s):
                    return await outstanding.answer
            finally:
                self._outstanding = None

    def connection_lost(self) -> None:
        """The WebSocket is gone. Everything the charge point sent before has been read, so a command still
        waiting for its answer will not get one: it ends now."""
        self._lost = True
        outstanding = self._outstanding
        if outstanding is not None and not outstanding.answer.done():
            outstanding.answer.set_exception(
                ConnectionClosedError("the connection closed before the charge point answered")
            )
        if self.stray_answers or self.malformed_frames:
            _log.info(
                "%s: %d answers to no outstanding call and %d malformed frames were dropped on this connection",
                self.id,
                self.stray_answers,
                self.malformed_frames,
            )

    async def close(self, reason: str) -> None:
        """Close the WebSocket (a newer connection of the same charge point replaced it)."""
        await self.connection.close(1000, reason)


_HANDLERS: dict[str, Callable[..., Awaitable[dict[str, Any]]]] = {
    function._on_action: function
    for function in vars(CentralChargePoint).values()
    if callable(function) and hasattr(function, "_on_action")
}
