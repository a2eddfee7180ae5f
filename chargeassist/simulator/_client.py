"""The ``ocpp`` package side of a simulated station: routing of CALLs from the central system."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from ocpp.exceptions import OCPPError
from ocpp.messages import MessageType, unpack
from ocpp.routing import after as _ocpp_after
from ocpp.routing import on as _ocpp_on
from ocpp.v16 import ChargePoint
from ocpp.v16.enums import Action
from websockets.asyncio.client import ClientConnection

if TYPE_CHECKING:
    from chargeassist.simulator._model import Exchange
    from chargeassist.simulator._station import SimulatedStation

__all__ = ["OcppClient"]

_F = TypeVar("_F", bound=Callable[..., Any])

# Separate from the package's "ocpp" logger so simulator traffic can be silenced without muting a
# central system running in the same process.
OCPP_LOGGER = logging.getLogger("chargeassist.simulator.ocpp")


def _on(action: str) -> Callable[[_F], _F]:
    return cast("Callable[[_F], _F]", _ocpp_on(action))


def _after(action: str) -> Callable[[_F], _F]:
    return cast("Callable[[_F], _F]", _ocpp_after(action))


def _is_call_frame(raw: str | bytes) -> bool:
    try:
        frame = json.loads(raw)
    except ValueError:
        return False
    return isinstance(frame, list) and bool(frame) and frame[0] == MessageType.Call


class OcppClient(ChargePoint):  # type: ignore[misc]
    """One WebSocket session of a `SimulatedStation`; a new instance is made for every connection.

    Handlers only decide the answer; anything that sends further CALLs runs from the ``@after`` hooks,
    i.e. once the answer is on the wire, because the ``ocpp`` package routes incoming frames inline and
    an outgoing CALL from a handler would wait for a response that the blocked reader never delivers.
    """

    def __init__(self, station: SimulatedStation, connection: ClientConnection) -> None:
        super().__init__(
            station.config.charge_point_id,
            connection,
            response_timeout=station.config.response_timeout_s,
            logger=OCPP_LOGGER,
        )
        self.station = station
        self.connection = connection
        self._handling: Exchange | None = None

    async def route_message(self, raw_msg: str | bytes) -> None:
        station = self.station
        waiter = station._raw_waiter
        if waiter is not None and not waiter.done() and not _is_call_frame(raw_msg):
            waiter.set_result(raw_msg if isinstance(raw_msg, str) else raw_msg.decode(errors="replace"))
            return
        try:
            msg = unpack(raw_msg)
        except OCPPError:
            self.logger.warning("%s: ignoring frame that is not OCPP-J: %.200r", self.id, raw_msg)
            return
        if msg.message_type_id != MessageType.Call:
            self._response_queue.put_nowait(msg)
            return
        exchange = station._record_received(msg.action, msg.unique_id, msg.payload)
        if station.config.never_answer:
            return
        self._handling = exchange
        try:
            await self._handle_call(msg)
        except OCPPError as error:
            await self._send(msg.create_call_error(error).to_json())
        finally:
            self._handling = None
            station._received_done(exchange)

    async def _send(self, message: str) -> None:
        handling = self._handling
        # Only answers to the CALL being handled start with [3 or [4; our own CALLs start with [2.
        if handling is not None and message[1:2] in ("3", "4"):
            handling._response_raw = message
        await super()._send(message)

    # ---- CALLs from the central system -------------------------------------------------------------

    @_on(Action.remote_start_transaction)
    def on_remote_start_transaction(
        self, id_tag: str, call_unique_id: str, connector_id: int | None = None, **_: Any
    ) -> Any:
        return self.station._on_remote_start(call_unique_id, id_tag, connector_id)

    @_after(Action.remote_start_transaction)
    def after_remote_start_transaction(self, call_unique_id: str, **_: Any) -> None:
        self.station._run_follow_up(call_unique_id)

    @_on(Action.remote_stop_transaction)
    def on_remote_stop_transaction(self, transaction_id: int, call_unique_id: str, **_: Any) -> Any:
        return self.station._on_remote_stop(call_unique_id, transaction_id)

    @_after(Action.remote_stop_transaction)
    def after_remote_stop_transaction(self, call_unique_id: str, **_: Any) -> None:
        self.station._run_follow_up(call_unique_id)

    @_on(Action.reset)
    def on_reset(self, type: str, call_unique_id: str, **_: Any) -> Any:
        return self.station._on_reset(call_unique_id, type)

    @_after(Action.reset)
    def after_reset(self, call_unique_id: str, **_: Any) -> None:
        self.station._run_follow_up(call_unique_id)

    @_on(Action.unlock_connector)
    def on_unlock_connector(self, connector_id: int, call_unique_id: str, **_: Any) -> Any:
        return self.station._on_unlock_connector(call_unique_id, connector_id)

    @_after(Action.unlock_connector)
    def after_unlock_connector(self, call_unique_id: str, **_: Any) -> None:
        self.station._run_follow_up(call_unique_id)

    @_on(Action.change_availability)
    def on_change_availability(self, connector_id: int, type: str, call_unique_id: str, **_: Any) -> Any:
        return self.station._on_change_availability(call_unique_id, connector_id, type)

    @_after(Action.change_availability)
    def after_change_availability(self, call_unique_id: str, **_: Any) -> None:
        self.station._run_follow_up(call_unique_id)

    @_on(Action.trigger_message)
    def on_trigger_message(
        self, requested_message: str, call_unique_id: str, connector_id: int | None = None, **_: Any
    ) -> Any:
        return self.station._on_trigger_message(call_unique_id, requested_message, connector_id)

    @_after(Action.trigger_message)
    def after_trigger_message(self, call_unique_id: str, **_: Any) -> None:
        self.station._run_follow_up(call_unique_id)

    @_on(Action.get_configuration)
    def on_get_configuration(self, key: list[str] | None = None, **_: Any) -> Any:
        return self.station._on_get_configuration(key)

    @_on(Action.change_configuration)
    def on_change_configuration(self, key: str, value: str, **_: Any) -> Any:
        return self.station._on_change_configuration(key, value)

    @_on(Action.data_transfer)
    def on_data_transfer(self, vendor_id: str, message_id: str | None = None, data: str | None = None, **_: Any) -> Any:
        return self.station._on_data_transfer(vendor_id, message_id, data)

    @_on(Action.clear_cache)
    def on_clear_cache(self, **_: Any) -> Any:
        return self.station._on_clear_cache()

    @_on(Action.get_local_list_version)
    def on_get_local_list_version(self, **_: Any) -> Any:
        return self.station._on_get_local_list_version()

    @_on(Action.set_charging_profile)
    def on_set_charging_profile(self, **_: Any) -> Any:
        return self.station._on_set_charging_profile()

    @_on(Action.clear_charging_profile)
    def on_clear_charging_profile(self, **_: Any) -> Any:
        return self.station._on_clear_charging_profile()

    @_on(Action.reserve_now)
    def on_reserve_now(self, **_: Any) -> Any:
        return self.station._on_reserve_now()

    @_on(Action.cancel_reservation)
    def on_cancel_reservation(self, **_: Any) -> Any:
        return self.station._on_cancel_reservation()
