"""One charge point's OCPP 1.6J session on the central system side, built on ``ocpp.v16.ChargePoint``.

Incoming CALLs are routed through the package's ``@on`` route map, but framing and payload checks are done
here with msgspec (see ``_messages``): the package's route_message drops malformed frames without an answer,
names the 1.6 errors by their 2.0 names, and validates every message with jsonschema in a thread pool. Each
handler receives the checked request struct. Outgoing CALLs (commands) use the package's ``call``, which
keeps one CALL in flight per connection as OCPP-J requires.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast

from ocpp.charge_point import camel_to_snake_case, remove_nones, serialize_as_dict, snake_to_camel_case
from ocpp.exceptions import OCPPError
from ocpp.messages import CallError, CallResult
from ocpp.routing import on as _ocpp_on
from ocpp.v16 import ChargePoint, call
from ocpp.v16.enums import Action

from chargeassist.services import ChargePointCommand, CommandOutcome, ServiceError

from ._connection import ConnectionClosedError
from ._messages import (
    CALL,
    CALLERROR,
    AuthorizeRequest,
    BootNotificationRequest,
    DataTransferRequest,
    DiagnosticsStatusNotificationRequest,
    FirmwareStatusNotificationRequest,
    FrameError,
    HeartbeatRequest,
    MeterValuesRequest,
    PayloadError,
    StartTransactionRequest,
    StatusNotificationRequest,
    StopTransactionRequest,
    as_utc,
    call_error_frame,
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


def _on(action: str) -> Callable[[_F], _F]:
    # Payloads are checked before the route map is consulted, so the package's jsonschema check is skipped.
    return cast("Callable[[_F], _F]", _ocpp_on(action, skip_schema_validation=True))


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class _ConnectionLost:
    """Put in the response queue behind the last frame read: the ``ocpp`` package's ``call`` compares the
    ``unique_id`` of what it takes from the queue with its own, and this one raises instead."""

    @property
    def unique_id(self) -> str:
        raise ConnectionClosedError("the connection closed before the charge point answered")


class CentralChargePoint(ChargePoint):  # type: ignore[misc]
    """The CSMS end of one WebSocket. A new instance for every connection; state of record is in the store."""

    def __init__(self, charge_point_id: str, connection: AsgiWebSocket, central: CentralSystem) -> None:
        super().__init__(
            charge_point_id,
            connection,
            response_timeout=central.settings.ocpp_response_timeout_s,
            logger=_log,
        )
        # The package builds a route map of bound methods for every connection; one map of the class's
        # handlers serves them all (a few KiB less per connected charge point).
        self.route_map = _ROUTE_MAP
        self.central = central
        self.connection = connection
        self.connected_at = datetime.now(UTC)
        # Transaction running on each connector, for MeterValues that do not name it (a cache).
        self._open: dict[int, int] = {}

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
            _log.info("%s: malformed frame: %s", self.id, exc)
            if exc.answer:
                await self._send(call_error_frame(exc.unique_id or "-1", "FormationViolation", str(exc)))
            return
        if frame.message_type == CALL:
            await self._answer(frame.unique_id, frame.action, frame.payload)
        elif frame.message_type == CALLERROR:
            error = CallError(frame.unique_id, frame.error_code, frame.error_description, frame.error_details)
            self._response_queue.put_nowait(error)
        else:
            self._response_queue.put_nowait(CallResult(frame.unique_id, frame.payload))

    async def _answer(self, unique_id: str, action: str, payload: Any) -> None:
        handler = _HANDLERS.get(action)
        if handler is None:
            if action in _KNOWN_ACTIONS:
                code, detail = "NotSupported", f"{action} is an OCPP 1.6 action the central system does not take"
            else:
                code, detail = "NotImplemented", f"unknown action {action[:60]!r}"
            await self._send(call_error_frame(unique_id, code, detail))
            return
        try:
            request = decode_payload(payload, _REQUESTS[action])
            response = await handler(self, request=request)
        except PayloadError as exc:
            await self._send(call_error_frame(unique_id, exc.code, f"{action}: {exc.detail}"))
            return
        except Exception:
            _log.exception("%s: %s failed", self.id, action)
            await self._send(call_error_frame(unique_id, "InternalError", f"{action} could not be processed"))
            return
        await self._send(call_result_frame(unique_id, response))

    async def _send(self, message: str) -> None:
        # The package logs every frame at INFO; at thousands of frames a second that is most of the cost.
        if _frames.isEnabledFor(logging.DEBUG):
            _frames.debug("%s: send %s", self.id, message)
        await self.connection.send(message)

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
        return {"idTagInfo": {"status": status}}

    @_on(Action.start_transaction)
    async def on_start_transaction(self, request: StartTransactionRequest, **_: Any) -> dict[str, Any]:
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
        return {"transactionId": started.transaction_id, "idTagInfo": {"status": started.id_tag_status}}

    @_on(Action.meter_values)
    async def on_meter_values(self, request: MeterValuesRequest, **_: Any) -> dict[str, Any]:
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
        payload_type = getattr(call, command.action, None)
        if payload_type is None:
            raise ServiceError(400, "unknown_command", f"{command.action} is not an OCPP 1.6 command")
        payload = payload_type(**camel_to_snake_case(command.payload))
        try:
            result = await asyncio.wait_for(self.call(payload, suppress=False), timeout_s)
        except OCPPError as exc:
            return CommandOutcome(status="call_error", error_code=exc.code, error_description=exc.description)
        except TimeoutError:
            return CommandOutcome(status="timeout")
        except ConnectionError:
            return CommandOutcome(status="offline")
        answer: dict[str, Any] = snake_to_camel_case(remove_nones(serialize_as_dict(result)))
        return CommandOutcome(status="answered", payload=answer)

    def connection_lost(self) -> None:
        """The WebSocket is gone. Everything the charge point sent before has been read, so a command still
        waiting for its answer will not get one: it ends as soon as it reaches this marker in the queue."""
        self._response_queue.put_nowait(_ConnectionLost())

    async def close(self, reason: str) -> None:
        """Close the WebSocket (a newer connection of the same charge point replaced it)."""
        await self.connection.close(1000, reason)


_HANDLERS: dict[str, Callable[..., Awaitable[dict[str, Any]]]] = {
    function._on_action: function
    for function in vars(CentralChargePoint).values()
    if callable(function) and hasattr(function, "_on_action")
}
_ROUTE_MAP: dict[str, dict[str, Any]] = {
    action: {"_on_action": function, "_skip_schema_validation": True} for action, function in _HANDLERS.items()
}
