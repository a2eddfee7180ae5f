"""A simulated OCPP 1.6J charge point speaking to a real central system over a real WebSocket."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import math
import random
from collections import Counter, deque
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Literal

from ocpp.v16 import call, call_result
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, WebSocketException
from websockets.protocol import State
from websockets.typing import Subprotocol

from chargeassist.simulator._client import OcppClient
from chargeassist.simulator._config import StationConfig
from chargeassist.simulator._model import (
    AuthorizationRejected,
    Connector,
    Exchange,
    StationError,
    StationOffline,
    Transaction,
    utc_timestamp,
)
from chargeassist.simulator._power_curve import BatteryModel, ChargeCurve

__all__ = ["SimulatedStation", "StopReason"]

log = logging.getLogger("chargeassist.simulator")

StopReason = Literal[
    "EmergencyStop",
    "EVDisconnected",
    "HardReset",
    "Local",
    "Other",
    "PowerLoss",
    "Reboot",
    "Remote",
    "SoftReset",
    "UnlockCommand",
    "DeAuthorized",
]

_KNOWN_MEASURANDS = frozenset(
    {"Energy.Active.Import.Register", "Power.Active.Import", "Current.Import", "SoC", "Voltage"}
)
_DEFAULT_MEASURANDS = "Energy.Active.Import.Register,Power.Active.Import,Current.Import,SoC"
_PAST_TRANSACTIONS_KEPT = 20
_RESET_DRAIN_S = 5.0


@dataclass(eq=False, slots=True)
class _Outgoing:
    """A CALL waiting in the station's single ordered outbox."""

    payload: Any
    persistent: bool
    """Transaction messages survive disconnects and are replayed; everything else is dropped offline."""
    tx: Transaction | None = None
    on_result: Callable[[Any], None] | None = None
    future: asyncio.Future[Any] | None = None
    attempts: int = 0
    replay: bool = False
    """Queued while offline or carried over a reconnect."""


class _Permit:
    """One slot of the fleet's connect limiter, released exactly once."""

    __slots__ = ("_limiter",)

    def __init__(self, limiter: asyncio.Semaphore | None) -> None:
        self._limiter = limiter

    def release(self) -> None:
        limiter, self._limiter = self._limiter, None
        if limiter is not None:
            limiter.release()


@dataclass(slots=True)
class _ConfigEntry:
    value: str
    readonly: bool = False
    kind: Literal["seconds", "int", "bool", "str", "measurands"] = "str"
    readable: bool = True


def _fail(future: asyncio.Future[Any] | None, exc: BaseException) -> None:
    if future is not None and not future.done():
        future.set_exception(exc)
        # Marks the exception as retrieved: nobody may be awaiting this answer.
        future.exception()


def _format_seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class SimulatedStation:
    """An OCPP 1.6J charge point built on the ``ocpp`` package.

    ``await start()`` connects in the background (and keeps reconnecting with back-off until
    ``await stop()``); ``await wait_booted()`` waits until the BootNotification was accepted. All outgoing
    CALLs go through one ordered outbox, because the ``ocpp`` package allows one CALL in flight per
    connection. Transaction messages (StartTransaction, MeterValues, StopTransaction) stay in the outbox
    while offline and are replayed in order, with their original timestamps, after the next boot.
    """

    def __init__(self, config: StationConfig, *, connect_limiter: asyncio.Semaphore | None = None) -> None:
        self.config = config
        self.connectors: dict[int, Connector] = {
            n: Connector(connector_id=n, meter_wh=config.initial_meter_wh) for n in range(1, config.connector_count + 1)
        }
        self.sent: deque[Exchange] = deque(maxlen=config.log_limit)
        """CALLs sent by the station with their answers, oldest first."""
        self.received: deque[Exchange] = deque(maxlen=config.log_limit)
        """CALLs received from the central system with the station's answers, oldest first."""
        self.connected = False
        self.booted = False
        self.connect_count = 0
        """Successful WebSocket handshakes so far."""
        self.boot_count = 0
        """Accepted BootNotifications so far."""
        self.connect_failures = 0
        self.last_error: BaseException | None = None
        """Last connection or handshake failure (e.g. ``InvalidStatus`` for HTTP 401)."""
        self.heartbeat_interval_s: float = 0.0
        self.subprotocol: str | None = None
        self._answered: Counter[str] = Counter()
        self._received_counts: Counter[str] = Counter()
        self._password = config.password
        self._settings = self._initial_settings()
        self._outbox: deque[_Outgoing] = deque()
        self._outbox_wakeup = asyncio.Event()
        self._outbox_empty = asyncio.Event()
        self._outbox_empty.set()
        self._last_tx_message: _Outgoing | None = None
        self._queued_meter_values = 0
        self.meter_values_dropped = 0
        """Queued MeterValues discarded because `meter_value_queue_limit` was reached."""
        # Work to do once the answer to a central-system CALL is on the wire, and what to undo if the
        # connection breaks before that.
        self._follow_ups: dict[str, tuple[Callable[[], None], Callable[[], None] | None]] = {}
        self._waiters: list[asyncio.Future[None]] = []
        self._raw_waiter: asyncio.Future[str | None] | None = None
        self._connect_limiter = connect_limiter
        self._rng = random.Random(config.charge_point_id)
        self._main_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._session_tasks: set[asyncio.Task[Any]] = set()
        self._heartbeat_task: asyncio.Task[None] | None = None
        self._client: OcppClient | None = None
        self._ws: ClientConnection | None = None
        self._offline_until = 0.0
        self._stopping = False
        self._endpoints = config.endpoints
        self._endpoint_index = 0

    def __repr__(self) -> str:
        state = "booted" if self.booted else "connected" if self.connected else "offline"
        return f"<SimulatedStation {self.config.charge_point_id} {state}>"

    @property
    def current_endpoint(self) -> str:
        """The WebSocket URL the station is connected to, or tries next (`StationConfig.endpoints`)."""
        return self._endpoints[self._endpoint_index]

    # ---- lifecycle -------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start connecting in the background; returns immediately."""
        if self._main_task is not None:
            raise StationError("station already started")
        self._main_task = asyncio.get_running_loop().create_task(self._run(), name=f"sim-{self.config.charge_point_id}")

    async def stop(self) -> None:
        """Close the connection cleanly and cancel every task; safe to call more than once."""
        if self._stopping:
            if self._main_task is not None:
                await asyncio.gather(self._main_task, return_exceptions=True)
            return
        self._stopping = True
        ws = self._ws
        if ws is not None:
            with contextlib.suppress(Exception):
                await ws.close()
        for task in (self._main_task, *self._session_tasks, *self._tasks):
            if task is not None:
                task.cancel()
        pending = [t for t in (self._main_task, *self._session_tasks, *self._tasks) if t is not None]
        await asyncio.gather(*pending, return_exceptions=True)
        self._tasks.clear()
        self._session_tasks.clear()
        stopped = StationError("station stopped")
        for item in self._outbox:
            _fail(item.future, stopped)
        for connector in self.connectors.values():
            if connector.transaction is not None and connector.transaction.start_answered is not None:
                _fail(connector.transaction.start_answered, stopped)
        self._resolve_raw(None)
        self._notify()

    async def __aenter__(self) -> SimulatedStation:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    # ---- observation -----------------------------------------------------------------------------------

    @property
    def transactions(self) -> dict[int, int]:
        """Central-system transaction id of the running transaction, per connector."""
        return {
            n: c.transaction.transaction_id
            for n, c in self.connectors.items()
            if c.transaction is not None and c.transaction.transaction_id is not None
        }

    @property
    def outbox_size(self) -> int:
        """CALLs waiting to be sent (including the offline queue)."""
        return len(self._outbox)

    @property
    def configuration(self) -> dict[str, str]:
        """Current configuration keys and values (as GetConfiguration would report them)."""
        return {k: e.value for k, e in self._settings.items() if e.readable}

    def count_sent(self, action: str) -> int:
        """How many CALLs of `action` were answered (result or error), regardless of `log_limit`."""
        return self._answered[action]

    def count_received(self, action: str) -> int:
        """How many CALLs of `action` the central system sent."""
        return self._received_counts[action]

    def sent_of(self, action: str) -> list[Exchange]:
        """Logged exchanges of CALLs the station sent for `action`."""
        return [e for e in self.sent if e.action == action]

    def received_of(self, action: str) -> list[Exchange]:
        """Logged exchanges of CALLs the central system sent for `action`."""
        return [e for e in self.received if e.action == action]

    async def wait_until(self, predicate: Callable[[], bool], timeout_s: float | None = 10.0) -> None:
        """Wait until `predicate()` holds; it is re-evaluated whenever the station's state changes.

        Raises `TimeoutError` after `timeout_s` seconds (`None` waits forever).
        """
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout_s):
                while not predicate():
                    waiter: asyncio.Future[None] = loop.create_future()
                    self._waiters.append(waiter)
                    await waiter
        except TimeoutError:
            raise TimeoutError(f"{self.config.charge_point_id}: condition not met within {timeout_s}s") from None

    async def wait_booted(self, timeout_s: float | None = 10.0) -> None:
        """Wait until connected and the BootNotification has been accepted."""
        await self.wait_until(lambda: self.booted, timeout_s)

    async def wait_sent(self, action: str, count: int = 1, timeout_s: float = 10.0) -> list[Exchange]:
        """Wait until `count` CALLs of `action` have been answered; returns the logged ones."""
        await self.wait_until(lambda: self._answered[action] >= count, timeout_s)
        return self.sent_of(action)

    async def wait_received(self, action: str, count: int = 1, timeout_s: float = 10.0) -> list[Exchange]:
        """Wait until the central system has sent `count` CALLs of `action`."""
        await self.wait_until(lambda: self._received_counts[action] >= count, timeout_s)
        return self.received_of(action)

    async def wait_status(self, connector_id: int, status: str, timeout_s: float = 10.0) -> None:
        """Wait until the connector reaches `status` (e.g. ``"Charging"``)."""
        connector = self._connector(connector_id)
        await self.wait_until(lambda: connector.status == status, timeout_s)

    async def wait_transaction(self, connector_id: int, timeout_s: float = 10.0) -> int:
        """Wait until the connector has a transaction with a central-system id; returns the id."""
        await self.wait_until(lambda: connector_id in self.transactions, timeout_s)
        return self.transactions[connector_id]

    # ---- driver / operator actions at the charger ------------------------------------------------------

    async def plug_in(self, connector_id: int, ev: BatteryModel | None = None) -> None:
        """Plug an EV into the connector (status Preparing)."""
        connector = self._connector(connector_id)
        if connector.transaction is not None:
            raise StationError(f"connector {connector_id} has a running transaction")
        connector.plugged = True
        connector.finishing = False
        connector.ev = ev
        self._refresh_status(connector)
        self._notify()  # a remote start may be waiting for the cable

    async def unplug(self, connector_id: int) -> None:
        """Pull the cable; stops a running transaction with reason EVDisconnected."""
        connector = self._connector(connector_id)
        if connector.transaction is not None:
            await self.stop_local(connector_id, reason="EVDisconnected")
            return
        connector.plugged = False
        connector.finishing = False
        connector.ev = None
        self._refresh_status(connector)

    async def start_rfid(self, connector_id: int, id_tag: str | None = None) -> Transaction:
        """Start a transaction at the charger: Authorize, then StartTransaction.

        Plugs in the default EV if nothing is plugged. Returns once StartTransaction is answered, or at
        once when offline (the start is then queued). Raises `AuthorizationRejected` when the central
        system refuses the tag.
        """
        connector = self._connector(connector_id)
        tag = id_tag or self.config.id_tag
        if connector.transaction is not None or connector.pending_start:
            raise StationError(f"connector {connector_id} is busy")
        if not connector.operative:
            raise StationError(f"connector {connector_id} is unavailable")
        connector.pending_start = True
        try:
            self._refresh_status(connector)
            await self._authorize(tag)
        finally:
            connector.pending_start = False
        tx = self._begin_transaction(connector, tag, remote=False)
        if tx.start_answered is not None and self.booted:
            with contextlib.suppress(Exception):
                await asyncio.shield(tx.start_answered)
        return tx

    async def stop_local(
        self, connector_id: int, reason: StopReason = "Local", *, id_tag: str | None = None
    ) -> Transaction:
        """Stop the running transaction at the charger.

        ``reason="Local"`` is an RFID stop (cable stays plugged, status Finishing);
        ``reason="EVDisconnected"`` is the cable being pulled (status Available). Waits for the
        StopTransaction answer when online.
        """
        connector = self._connector(connector_id)
        tx = connector.transaction
        if tx is None:
            raise StationError(f"connector {connector_id} has no transaction")
        tag = id_tag if id_tag is not None else (tx.id_tag if reason == "Local" else None)
        answered = self._finish_transaction(tx, reason, id_tag=tag)
        if answered is not None and self.booted:
            with contextlib.suppress(Exception):
                await asyncio.shield(answered)
        return tx

    async def data_transfer(self, vendor_id: str, message_id: str | None = None, data: str | None = None) -> Any:
        """Send a DataTransfer CALL and return the ``call_result.DataTransfer`` answer."""
        return await self._request(call.DataTransfer(vendor_id=vendor_id, message_id=message_id, data=data))

    async def heartbeat(self) -> Any:
        """Send a Heartbeat now and return the answer."""
        return await self._request(call.Heartbeat())

    # ---- connection faults -----------------------------------------------------------------------------

    async def drop_connection(self, offline_s: float = 0.0, *, clean: bool = False) -> None:
        """Lose the connection mid-session and stay offline for at least `offline_s` seconds.

        By default the TCP connection is aborted without a close frame, as when a modem loses signal;
        ``clean=True`` sends a close frame instead. Returns once the station noticed it is offline.
        """
        self._offline_until = asyncio.get_running_loop().time() + offline_s
        ws = self._ws
        if ws is None:
            return
        if clean:
            with contextlib.suppress(Exception):
                await ws.close()
        else:
            ws.transport.abort()
        await self.wait_until(lambda: self._ws is not ws, timeout_s=self.config.close_timeout_s + 5.0)

    async def send_raw(self, text: str | bytes, timeout_s: float = 2.0) -> str | None:
        """Send an arbitrary frame and return the next non-CALL frame received, or `None` on timeout.

        Holds the ``ocpp`` call lock while waiting, so no regular CALL's answer can be mistaken for
        the reply. CALLs arriving from the central system meanwhile are handled as usual.
        """
        client = self._client
        if client is None or not self.connected:
            raise StationOffline(f"{self.config.charge_point_id} is not connected")
        async with client._call_lock:
            waiter: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
            self._raw_waiter = waiter
            try:
                await client.connection.send(text)
                try:
                    return await asyncio.wait_for(waiter, timeout_s)
                except TimeoutError:
                    return None
            finally:
                self._raw_waiter = None

    # ---- connection management -------------------------------------------------------------------------

    def _auth_headers(self) -> dict[str, str]:
        if self._password is None:
            return {}
        token = f"{self.config.charge_point_id}:{self._password}".encode()
        return {"Authorization": "Basic " + base64.b64encode(token).decode("ascii")}

    def _backoff(self, failures: int) -> float:
        growth: float = 2.0 ** max(0, failures - 1)
        base = min(self.config.reconnect_max_s, self.config.reconnect_initial_s * growth)
        # Jitter keeps a fleet from reconnecting in lock-step after the central system restarts.
        return base * self._rng.uniform(0.5, 1.0)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        failures = 0
        while not self._stopping:
            wait = self._offline_until - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            limiter = self._connect_limiter
            if limiter is not None:
                await limiter.acquire()
            permit = _Permit(limiter)
            try:
                try:
                    ws = await connect(
                        self.current_endpoint,
                        subprotocols=[Subprotocol("ocpp1.6")],
                        additional_headers=self._auth_headers(),
                        # Real chargers rarely negotiate permessage-deflate, and its zlib state
                        # costs ~100 KiB per connection in large fleets.
                        compression=None,
                        proxy=None,
                        open_timeout=self.config.open_timeout_s,
                        ping_interval=self.config.ping_interval_s,
                        close_timeout=self.config.close_timeout_s,
                        user_agent_header=f"{self.config.vendor}/{self.config.firmware}",
                    )
                except (OSError, WebSocketException, TimeoutError) as exc:
                    failures += 1
                    self.connect_failures += 1
                    self.last_error = exc
                    log.info("%s: connect to %s failed: %s", self.config.charge_point_id, self.current_endpoint, exc)
                    # The next attempt goes to the next central system URL, if there are several.
                    self._endpoint_index = (self._endpoint_index + 1) % len(self._endpoints)
                    self._notify()
                    permit.release()
                    await asyncio.sleep(self._backoff(failures))
                    continue
                failures = 0
                await self._session(ws, permit)
            finally:
                permit.release()
            if not self._stopping:
                await asyncio.sleep(self._backoff(1))

    async def _session(self, ws: ClientConnection, permit: _Permit) -> None:
        client = OcppClient(self, ws)
        self._ws = ws
        self._client = client
        self.connected = True
        self.connect_count += 1
        self.subprotocol = ws.subprotocol
        self._notify()
        loop = asyncio.get_running_loop()
        reader = loop.create_task(client.start(), name=f"sim-{self.config.charge_point_id}-reader")
        online = loop.create_task(self._online(client, permit), name=f"sim-{self.config.charge_point_id}-online")
        self._session_tasks.update((reader, online))
        try:
            await asyncio.wait((reader, online), return_when=asyncio.FIRST_COMPLETED)
            for task in (reader, online):
                if task.done() and not task.cancelled():
                    exc = task.exception()
                    if exc is not None and not isinstance(exc, ConnectionClosed):
                        log.error("%s: session task failed", self.config.charge_point_id, exc_info=exc)
        finally:
            session_tasks = list(self._session_tasks)
            for task in session_tasks:
                task.cancel()
            await asyncio.gather(*session_tasks, return_exceptions=True)
            self._session_tasks.clear()
            self._heartbeat_task = None
            if ws.state is not State.CLOSED:
                ws.transport.abort()
            self._go_offline()

    def _go_offline(self) -> None:
        self._ws = None
        self._client = None
        self.connected = False
        self.booted = False
        for _, abandon in self._follow_ups.values():
            if abandon is not None:
                abandon()
        self._follow_ups.clear()
        self._resolve_raw(None)
        kept: deque[_Outgoing] = deque()
        offline = StationOffline(f"{self.config.charge_point_id} lost its connection")
        for item in self._outbox:
            if item.persistent:
                item.replay = True
                kept.append(item)
            else:
                _fail(item.future, offline)
        self._outbox = kept
        if not kept:
            self._outbox_empty.set()
        self._notify()

    async def _online(self, client: OcppClient, permit: _Permit) -> None:
        await self._boot(client, permit)
        for connector in self.connectors.values():
            await self._call_quietly(client, self._status_payload(connector))
        if self.config.retry_transaction_messages and self._last_tx_message is not None:
            again, self._last_tx_message = self._last_tx_message, None
            await self._resend_as_lost(client, again)
        self._restart_heartbeat()
        if self.config.drop_after_s is not None:
            self._spawn_session(self._drop_later(self.config.drop_after_s))
        await self._send_loop(client)

    async def _boot(self, client: OcppClient, permit: _Permit) -> None:
        payload = self._boot_payload()
        while True:
            try:
                result = await self._call(client, payload)
            except TimeoutError:
                continue
            except ConnectionClosed:
                raise
            except Exception as exc:
                log.warning("%s: BootNotification failed: %s", self.config.charge_point_id, exc)
                await asyncio.sleep(self._backoff(3))
                continue
            finally:
                # Bounds handshakes *and* first boots in flight, which is what loads a central system.
                permit.release()
            if result.status == "Accepted":
                self._apply_boot_interval(result.interval)
                self.booted = True
                self.boot_count += 1
                self._notify()
                return
            # Pending / Rejected: retry after the interval the central system asked for.
            await asyncio.sleep(result.interval if result.interval > 0 else self._backoff(3))

    def _apply_boot_interval(self, interval: int) -> None:
        if self.config.heartbeat_interval_s is None:
            self.heartbeat_interval_s = float(interval)
            self._settings["HeartbeatInterval"].value = str(interval)

    async def _drop_later(self, delay: float) -> None:
        await asyncio.sleep(delay)
        ws = self._ws
        if ws is not None:
            ws.transport.abort()

    def _restart_heartbeat(self) -> None:
        if self._heartbeat_task is not None:
            self._heartbeat_task.cancel()
            self._heartbeat_task = None
        if self._client is not None and self.heartbeat_interval_s > 0:
            self._heartbeat_task = self._spawn_session(self._heartbeat_loop())

    async def _heartbeat_loop(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_interval_s)
            if not any(isinstance(item.payload, call.Heartbeat) for item in self._outbox):
                self._submit(call.Heartbeat(), persistent=False)

    # ---- outbox ----------------------------------------------------------------------------------------

    def _submit(
        self,
        payload: Any,
        *,
        persistent: bool,
        tx: Transaction | None = None,
        on_result: Callable[[Any], None] | None = None,
        want_answer: bool = False,
    ) -> asyncio.Future[Any] | None:
        future: asyncio.Future[Any] | None = None
        if want_answer:
            future = asyncio.get_running_loop().create_future()
        if not persistent and not self.booted:
            _fail(future, StationOffline(f"{self.config.charge_point_id} is offline"))
            return future
        if persistent and isinstance(payload, call.MeterValues):
            self._queued_meter_values += 1
            if self._queued_meter_values > self.config.meter_value_queue_limit:
                self._drop_oldest_meter_values()
        self._outbox.append(_Outgoing(payload, persistent, tx, on_result, future, replay=not self.booted))
        self._outbox_empty.clear()
        self._outbox_wakeup.set()
        return future

    async def _request(self, payload: Any) -> Any:
        if not self.booted:
            raise StationOffline(f"{self.config.charge_point_id} is offline")
        future = self._submit(payload, persistent=False, want_answer=True)
        assert future is not None
        return await future

    def _drop_oldest_meter_values(self) -> None:
        # Like a charger with a full offline store: sacrifice the oldest samples, never Start/Stop.
        # The head may be in flight, so it is left alone.
        for index in range(1, len(self._outbox)):
            item = self._outbox[index]
            if item.persistent and isinstance(item.payload, call.MeterValues):
                del self._outbox[index]
                self._queued_meter_values -= 1
                self.meter_values_dropped += 1
                return

    def _finalize(self, item: _Outgoing) -> Any:
        tx = item.tx
        payload = item.payload
        if tx is None or isinstance(payload, call.StartTransaction):
            return payload
        # Queued while offline the id may not have been known yet; it is filled in at send time.
        if isinstance(payload, call.StopTransaction):
            if tx.transaction_id is None:
                return None
            return replace(payload, transaction_id=tx.transaction_id)
        if isinstance(payload, call.MeterValues):
            return replace(payload, transaction_id=tx.transaction_id)
        return payload

    async def _send_loop(self, client: OcppClient) -> None:
        outbox_retry = self._settings["TransactionMessageRetryInterval"]
        attempts_setting = self._settings["TransactionMessageAttempts"]
        while True:
            if not self._outbox:
                self._outbox_empty.set()
                self._outbox_wakeup.clear()
                await self._outbox_wakeup.wait()
                continue
            item = self._outbox[0]
            payload = self._finalize(item)
            if payload is None:
                self._pop(item, error=StationError("transaction has no id; StopTransaction dropped"))
                continue
            try:
                result = await self._call(client, payload, replay=item.replay)
            except ConnectionClosed:
                raise
            except TimeoutError as exc:
                item.attempts += 1
                if item.persistent and item.attempts < int(attempts_setting.value):
                    await asyncio.sleep(float(outbox_retry.value))
                    continue
                self._pop(item, error=exc)
                continue
            except Exception as exc:
                self._pop(item, error=exc)
                continue
            if isinstance(payload, call.StartTransaction | call.StopTransaction):
                self._last_tx_message = replace(item, payload=payload, future=None, on_result=None)
            self._pop(item, result=result)

    def _pop(self, item: _Outgoing, *, result: Any = None, error: BaseException | None = None) -> None:
        if self._outbox and self._outbox[0] is item:
            self._outbox.popleft()
            if item.persistent and isinstance(item.payload, call.MeterValues):
                self._queued_meter_values -= 1
        if not self._outbox:
            self._outbox_empty.set()
        if error is not None:
            if isinstance(item.payload, call.StartTransaction) and item.tx is not None:
                item.tx.start_failed = True
                self._notify()
            _fail(item.future, error)
            return
        if item.on_result is not None:
            item.on_result(result)
        if item.future is not None and not item.future.done():
            item.future.set_result(result)

    async def _call(self, client: OcppClient, payload: Any, *, replay: bool = False) -> Any:
        exchange = Exchange(
            direction="sent", action=type(payload).__name__, at=utc_timestamp(), payload=payload, replay=replay
        )
        self.sent.append(exchange)
        try:
            result = await client.call(
                payload, suppress=False, skip_schema_validation=not self.config.validate_messages
            )
        except TimeoutError:
            exchange.error = "Timeout"
            raise
        except ConnectionClosed:
            exchange.error = "ConnectionLost"
            raise
        except asyncio.CancelledError:
            exchange.error = "ConnectionLost"
            raise
        except Exception as exc:
            exchange.error = getattr(exc, "code", type(exc).__name__)
            self._answer_recorded(exchange)
            raise
        exchange.result = result
        self._answer_recorded(exchange)
        return result

    async def _call_quietly(self, client: OcppClient, payload: Any) -> None:
        try:
            await self._call(client, payload)
        except ConnectionClosed:
            raise
        except Exception as exc:
            log.info("%s: %s failed: %s", self.config.charge_point_id, type(payload).__name__, exc)

    def _answer_recorded(self, exchange: Exchange) -> None:
        exchange.done = True
        self._answered[exchange.action] += 1
        self._notify()

    async def _resend_as_lost(self, client: OcppClient, item: _Outgoing) -> None:
        try:
            result = await self._call(client, item.payload, replay=True)
        except ConnectionClosed:
            raise
        except Exception as exc:
            log.info("%s: re-sent %s failed: %s", self.config.charge_point_id, type(item.payload).__name__, exc)
            return
        tx = item.tx
        if (
            isinstance(item.payload, call.StartTransaction)
            and tx is not None
            and result.transaction_id != tx.transaction_id
        ):
            log.warning(
                "%s: duplicate StartTransaction got id %s, first answer was %s",
                self.config.charge_point_id,
                result.transaction_id,
                tx.transaction_id,
            )

    # ---- bookkeeping for received CALLs ----------------------------------------------------------------

    def _record_received(self, action: str, unique_id: str, payload: dict[str, Any]) -> Exchange:
        exchange = Exchange(direction="received", action=action, at=utc_timestamp(), unique_id=unique_id)
        exchange._request = payload
        self.received.append(exchange)
        self._received_counts[action] += 1
        self._notify()
        return exchange

    def _received_done(self, exchange: Exchange) -> None:
        exchange.done = exchange._response_raw is not None
        self._notify()

    def _run_follow_up(self, unique_id: str) -> None:
        entry = self._follow_ups.pop(unique_id, None)
        if entry is not None:
            entry[0]()

    def _resolve_raw(self, value: str | None) -> None:
        waiter = self._raw_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(value)

    # ---- handlers (called by OcppClient) ---------------------------------------------------------------

    def _on_remote_start(self, unique_id: str, id_tag: str, connector_id: int | None) -> Any:
        connector = self._free_connector(connector_id)
        if self.config.reject_remote_start or connector is None:
            return call_result.RemoteStartTransaction(status="Rejected")
        connector.pending_start = True

        def abandon() -> None:
            connector.pending_start = False

        self._follow_ups[unique_id] = (lambda: self._start_later(self._remote_start(connector, id_tag)), abandon)
        return call_result.RemoteStartTransaction(status="Accepted")

    async def _remote_start(self, connector: Connector, id_tag: str) -> None:
        try:
            self._refresh_status(connector)
            if self._flag("AuthorizeRemoteTxRequests"):
                try:
                    await self._authorize(id_tag)
                except AuthorizationRejected:
                    return
            if self.config.remote_start_waits_for_plug and not connector.plugged:
                timeout = float(self._settings["ConnectionTimeOut"].value)
                try:
                    await self.wait_until(lambda: connector.plugged, timeout)
                except TimeoutError:
                    # Nobody plugged in: the connector is free again.
                    connector.pending_start = False
                    self._refresh_status(connector)
                    return
        finally:
            connector.pending_start = False
        self._begin_transaction(connector, id_tag, remote=True)

    def _on_remote_stop(self, unique_id: str, transaction_id: int) -> Any:
        for connector in self.connectors.values():
            tx = connector.transaction
            if tx is not None and tx.transaction_id == transaction_id:
                self._follow_ups[unique_id] = (partial(self._stop_if_running, tx, "Remote"), None)
                return call_result.RemoteStopTransaction(status="Accepted")
        return call_result.RemoteStopTransaction(status="Rejected")

    def _stop_if_running(self, tx: Transaction, reason: StopReason) -> None:
        if tx.active:
            self._finish_transaction(tx, reason)

    def _on_reset(self, unique_id: str, kind: str) -> Any:
        self._follow_ups[unique_id] = (lambda: self._start_later(self._reset(kind)), None)
        return call_result.Reset(status="Accepted")

    async def _reset(self, kind: str) -> None:
        reason: StopReason = "HardReset" if kind == "Hard" else "SoftReset"
        for connector in self.connectors.values():
            if connector.transaction is not None:
                self._finish_transaction(connector.transaction, reason)
        # A real charger finishes reporting before it reboots.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(_RESET_DRAIN_S):
                await self._outbox_empty.wait()
        await self.drop_connection(0.0, clean=True)

    def _on_unlock_connector(self, unique_id: str, connector_id: int) -> Any:
        connector = self.connectors.get(connector_id)
        if connector is None:
            return call_result.UnlockConnector(status="NotSupported")

        def unlock() -> None:
            if connector.transaction is not None:
                self._finish_transaction(connector.transaction, "UnlockCommand")
            connector.plugged = False
            connector.finishing = False
            self._refresh_status(connector)

        self._follow_ups[unique_id] = (unlock, None)
        return call_result.UnlockConnector(status="Unlocked")

    def _on_change_availability(self, unique_id: str, connector_id: int, kind: str) -> Any:
        if connector_id == 0:
            targets = list(self.connectors.values())
        elif connector_id in self.connectors:
            targets = [self.connectors[connector_id]]
        else:
            return call_result.ChangeAvailability(status="Rejected")
        operative = kind == "Operative"
        busy = [c for c in targets if c.transaction is not None]
        for connector in targets:
            if connector.transaction is not None and not operative:
                connector.inoperative_scheduled = True
            else:
                connector.operative = operative
                connector.inoperative_scheduled = False

        def announce() -> None:
            for connector in targets:
                self._refresh_status(connector)

        self._follow_ups[unique_id] = (announce, None)
        status = "Scheduled" if busy and not operative else "Accepted"
        return call_result.ChangeAvailability(status=status)

    def _on_trigger_message(self, unique_id: str, requested: str, connector_id: int | None) -> Any:
        if connector_id is not None and connector_id != 0 and connector_id not in self.connectors:
            return call_result.TriggerMessage(status="Rejected")
        targets = list(self.connectors.values()) if not connector_id else [self.connectors[connector_id]]
        follow_up: Callable[[], None]
        if requested == "BootNotification":

            def follow_up() -> None:
                self._submit(self._boot_payload(), persistent=False, on_result=self._on_triggered_boot)

        elif requested == "Heartbeat":

            def follow_up() -> None:
                self._submit(call.Heartbeat(), persistent=False)

        elif requested == "StatusNotification":

            def follow_up() -> None:
                for connector in targets:
                    self._submit(self._status_payload(connector), persistent=False)

        elif requested == "MeterValues":

            def follow_up() -> None:
                for connector in targets:
                    self._submit_meter_values(connector, "Trigger")

        elif requested == "DiagnosticsStatusNotification":

            def follow_up() -> None:
                self._submit(call.DiagnosticsStatusNotification(status="Idle"), persistent=False)

        elif requested == "FirmwareStatusNotification":

            def follow_up() -> None:
                self._submit(call.FirmwareStatusNotification(status="Idle"), persistent=False)

        else:
            return call_result.TriggerMessage(status="NotImplemented")
        self._follow_ups[unique_id] = (follow_up, None)
        return call_result.TriggerMessage(status="Accepted")

    def _on_triggered_boot(self, result: Any) -> None:
        if result.status == "Accepted":
            self._apply_boot_interval(result.interval)
            self._restart_heartbeat()

    def _on_get_configuration(self, keys: list[str] | None) -> Any:
        known: list[dict[str, Any]] = []
        unknown: list[str] = []
        wanted: Iterable[str] = keys if keys else [k for k, e in self._settings.items() if e.readable]
        by_lower = {k.lower(): k for k in self._settings}
        for requested in wanted:
            name = by_lower.get(requested.lower())
            entry = self._settings.get(name) if name is not None else None
            if name is None or entry is None or not entry.readable:
                unknown.append(requested)
                continue
            known.append({"key": name, "readonly": entry.readonly, "value": entry.value})
        return call_result.GetConfiguration(configuration_key=known or None, unknown_key=unknown or None)

    def _on_change_configuration(self, key: str, value: str) -> Any:
        name = {k.lower(): k for k in self._settings}.get(key.lower())
        if name is None:
            return call_result.ChangeConfiguration(status="NotSupported")
        entry = self._settings[name]
        if entry.readonly:
            return call_result.ChangeConfiguration(status="Rejected")
        normalized = self._normalize_setting(entry, value)
        if normalized is None:
            return call_result.ChangeConfiguration(status="Rejected")
        entry.value = normalized
        if name == "HeartbeatInterval":
            self.heartbeat_interval_s = float(normalized)
            self._restart_heartbeat()
        elif name == "AuthorizationKey":
            # Used from the next connection on, as a charger does after a key rotation.
            self._password = value
        return call_result.ChangeConfiguration(status="Accepted")

    @staticmethod
    def _normalize_setting(entry: _ConfigEntry, value: str) -> str | None:
        text = value.strip()
        if entry.kind == "seconds":
            try:
                seconds = float(text)
            except ValueError:
                return None
            return _format_seconds(seconds) if math.isfinite(seconds) and seconds >= 0 else None
        if entry.kind == "int":
            return text if text.isdigit() and int(text) >= 1 else None
        if entry.kind == "bool":
            return text.lower() if text.lower() in ("true", "false") else None
        if entry.kind == "measurands":
            parts = [p.strip() for p in text.split(",") if p.strip()]
            if not parts or any(p not in _KNOWN_MEASURANDS for p in parts):
                return None
            return ",".join(parts)
        return value

    def _on_data_transfer(self, vendor_id: str, message_id: str | None, data: str | None) -> Any:
        # Echoing the data lets central-system tests check a round trip without vendor logic.
        return call_result.DataTransfer(status="Accepted", data=data)

    def _on_clear_cache(self) -> Any:
        return call_result.ClearCache(status="Accepted")

    def _on_get_local_list_version(self) -> Any:
        return call_result.GetLocalListVersion(list_version=0)

    def _on_set_charging_profile(self) -> Any:
        return call_result.SetChargingProfile(status="NotSupported")

    def _on_clear_charging_profile(self) -> Any:
        return call_result.ClearChargingProfile(status="Unknown")

    def _on_reserve_now(self) -> Any:
        return call_result.ReserveNow(status="Rejected")

    def _on_cancel_reservation(self) -> Any:
        return call_result.CancelReservation(status="Rejected")

    # ---- transactions ----------------------------------------------------------------------------------

    async def _authorize(self, id_tag: str) -> None:
        if not self.booted:
            if self._flag("LocalAuthorizeOffline"):
                return
            raise AuthorizationRejected(id_tag, "Offline")
        try:
            result = await self._request(call.Authorize(id_tag=id_tag))
        except (StationOffline, TimeoutError):
            if self._flag("LocalAuthorizeOffline"):
                return
            raise AuthorizationRejected(id_tag, "Offline") from None
        status = result.id_tag_info.get("status")
        if status != "Accepted":
            raise AuthorizationRejected(id_tag, str(status))

    def _begin_transaction(self, connector: Connector, id_tag: str, *, remote: bool) -> Transaction:
        if connector.transaction is not None:
            raise StationError(f"connector {connector.connector_id} is busy")
        loop = asyncio.get_running_loop()
        connector.plugged = True
        connector.finishing = False
        ev = connector.ev or self.config.battery
        meter_start = math.floor(connector.meter_wh)
        tx = Transaction(
            connector_id=connector.connector_id,
            id_tag=id_tag,
            meter_start=meter_start,
            started_at=utc_timestamp(),
            curve=ChargeCurve(ev, self.config.max_power_kw),
            remote=remote,
            last_sample_at=loop.time(),
        )
        # The register reading used for meterStart is the integer the central system sees.
        connector.meter_wh = float(meter_start)
        connector.transaction = tx
        tx.begin_value = self._meter_value(connector, tx, "Transaction.Begin", tx.started_at)
        payload = call.StartTransaction(
            connector_id=connector.connector_id, id_tag=id_tag, meter_start=meter_start, timestamp=tx.started_at
        )
        tx.start_answered = self._submit(
            payload,
            persistent=True,
            tx=tx,
            on_result=lambda result: self._on_start_answer(tx, result),
            want_answer=True,
        )
        self._refresh_status(connector)
        tx.meter_task = self._spawn(self._meter_loop(connector, tx))
        return tx

    def _on_start_answer(self, tx: Transaction, result: Any) -> None:
        tx.transaction_id = result.transaction_id
        tx.id_tag_status = result.id_tag_info.get("status")
        self._notify()
        if tx.id_tag_status != "Accepted" and tx.active and self._flag("StopTransactionOnInvalidId"):
            self._finish_transaction(tx, "DeAuthorized")

    def _finish_transaction(
        self, tx: Transaction, reason: StopReason, *, id_tag: str | None = None
    ) -> asyncio.Future[Any] | None:
        connector = self.connectors[tx.connector_id]
        if tx.meter_task is not None and tx.meter_task is not asyncio.current_task():
            tx.meter_task.cancel()
        tx.meter_task = None
        now = utc_timestamp()
        end_value = self._meter_value(connector, tx, "Transaction.End", now)
        tx.meter_stop = math.floor(connector.meter_wh)
        tx.stopped_at = now
        tx.stop_reason = reason
        payload = call.StopTransaction(
            meter_stop=tx.meter_stop,
            timestamp=now,
            transaction_id=tx.transaction_id or 0,
            reason=reason,
            id_tag=id_tag,
            transaction_data=[v for v in (tx.begin_value, end_value) if v is not None],
        )
        answered = self._submit(payload, persistent=True, tx=tx, want_answer=True)
        connector.transaction = None
        connector.past_transactions.append(tx)
        del connector.past_transactions[:-_PAST_TRANSACTIONS_KEPT]
        if reason in ("EVDisconnected", "UnlockCommand"):
            connector.plugged = False
            connector.ev = None
            connector.finishing = False
        else:
            connector.finishing = connector.plugged
        if connector.inoperative_scheduled:
            connector.operative = False
            connector.inoperative_scheduled = False
        self._refresh_status(connector)
        if connector.finishing and self.config.auto_unplug_s is not None:
            self._spawn(self._unplug_later(connector, self.config.auto_unplug_s))
        return answered

    async def _unplug_later(self, connector: Connector, delay: float) -> None:
        await asyncio.sleep(delay)
        if connector.transaction is None and connector.finishing:
            await self.unplug(connector.connector_id)

    async def _meter_loop(self, connector: Connector, tx: Transaction) -> None:
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        while True:
            next_at += float(self._settings["MeterValueSampleInterval"].value) or self.config.meter_interval_s
            delay = next_at - loop.time()
            if delay < 0:
                # Fell behind (event loop overloaded): skip the missed samples instead of bursting.
                next_at = loop.time()
                delay = 0.0
            await asyncio.sleep(delay)
            if not tx.active:
                return
            tx.meter_values_queued += 1
            self._submit_meter_values(connector, "Sample.Periodic")

    def _submit_meter_values(self, connector: Connector, context: str) -> None:
        tx = connector.transaction
        value = self._meter_value(connector, tx, context, utc_timestamp())
        payload = call.MeterValues(
            connector_id=connector.connector_id,
            meter_value=[value],
            transaction_id=tx.transaction_id if tx is not None else None,
        )
        self._submit(payload, persistent=tx is not None and context != "Trigger", tx=tx)

    def _meter_value(
        self, connector: Connector, tx: Transaction | None, context: str, timestamp: str
    ) -> dict[str, Any]:
        power_w = 0.0
        soc: float | None = None
        if tx is not None:
            now = asyncio.get_running_loop().time()
            elapsed, tx.last_sample_at = now - tx.last_sample_at, now
            was_finished = tx.curve.finished
            before = tx.curve.energy_wh
            tx.curve.advance(max(0.0, elapsed) * self.config.time_scale)
            connector.meter_wh += tx.curve.energy_wh - before
            power_w = tx.curve.power_w
            soc = tx.curve.soc
            if tx.curve.finished and not was_finished:
                self._refresh_status(connector)
        wanted = self._settings["MeterValuesSampledData"].value.split(",")
        sampled: list[dict[str, Any]] = []
        for measurand in wanted:
            if measurand == "Energy.Active.Import.Register":
                value, unit, location = str(math.floor(connector.meter_wh)), "Wh", "Outlet"
            elif measurand == "Power.Active.Import":
                value, unit, location = f"{power_w:.1f}", "W", "Outlet"
            elif measurand == "Current.Import":
                amps = power_w / (self.config.voltage_v * self.config.phases)
                value, unit, location = f"{amps:.2f}", "A", "Outlet"
            elif measurand == "Voltage":
                value, unit, location = f"{self.config.voltage_v:.1f}", "V", "Outlet"
            elif measurand == "SoC":
                if soc is None:
                    continue
                value, unit, location = f"{soc:.1f}", "Percent", "EV"
            else:
                continue
            sampled.append(
                {"value": value, "context": context, "measurand": measurand, "location": location, "unit": unit}
            )
        return {"timestamp": timestamp, "sampledValue": sampled}

    # ---- status ----------------------------------------------------------------------------------------

    def _derive_status(self, connector: Connector) -> str:
        tx = connector.transaction
        if tx is not None:
            return "SuspendedEV" if tx.curve.finished else "Charging"
        if not connector.operative:
            return "Unavailable"
        if connector.finishing:
            return "Finishing"
        if connector.plugged or connector.pending_start:
            return "Preparing"
        return "Available"

    def _refresh_status(self, connector: Connector) -> None:
        status = self._derive_status(connector)
        if status == connector.status:
            return
        connector.status = status
        self._submit(self._status_payload(connector), persistent=False)
        self._notify()

    def _status_payload(self, connector: Connector) -> Any:
        return call.StatusNotification(
            connector_id=connector.connector_id,
            error_code="NoError",
            status=connector.status,
            timestamp=utc_timestamp(),
        )

    def _boot_payload(self) -> Any:
        config = self.config
        return call.BootNotification(
            charge_point_model=config.model,
            charge_point_vendor=config.vendor,
            charge_point_serial_number=config.serial,
            firmware_version=config.firmware,
        )

    # ---- helpers ---------------------------------------------------------------------------------------

    def _connector(self, connector_id: int) -> Connector:
        try:
            return self.connectors[connector_id]
        except KeyError:
            raise StationError(f"no connector {connector_id}") from None

    def _free_connector(self, connector_id: int | None) -> Connector | None:
        if connector_id is not None:
            connector = self.connectors.get(connector_id)
            if connector is None or connector.transaction is not None or connector.pending_start:
                return None
            return connector if connector.operative else None
        candidates = [
            c for c in self.connectors.values() if c.transaction is None and not c.pending_start and c.operative
        ]
        # Prefer a connector where a cable is already plugged in, like a driver waiting for an app start.
        candidates.sort(key=lambda c: not c.plugged)
        return candidates[0] if candidates else None

    def _flag(self, key: str) -> bool:
        return self._settings[key].value == "true"

    def _notify(self) -> None:
        waiters = self._waiters
        if waiters:
            self._waiters = []
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _start_later(self, coro: Coroutine[Any, Any, Any]) -> None:
        self._spawn(coro)

    def _spawn_session(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro)
        self._session_tasks.add(task)
        task.add_done_callback(self._session_task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        self._log_failure(task)

    def _session_task_done(self, task: asyncio.Task[Any]) -> None:
        self._session_tasks.discard(task)
        self._log_failure(task)

    def _log_failure(self, task: asyncio.Task[Any]) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None and not isinstance(exc, ConnectionClosed | StationError):
            log.error("%s: background task failed", self.config.charge_point_id, exc_info=exc)

    def _initial_settings(self) -> dict[str, _ConfigEntry]:
        config = self.config
        heartbeat = config.heartbeat_interval_s
        if heartbeat is not None:
            self.heartbeat_interval_s = heartbeat
        bool_text = {True: "true", False: "false"}
        return {
            "HeartbeatInterval": _ConfigEntry(_format_seconds(heartbeat or 0), kind="seconds"),
            "MeterValueSampleInterval": _ConfigEntry(_format_seconds(config.meter_interval_s), kind="seconds"),
            "ClockAlignedDataInterval": _ConfigEntry("0", kind="seconds"),
            "MeterValuesSampledData": _ConfigEntry(_DEFAULT_MEASURANDS, kind="measurands"),
            "StopTxnSampledData": _ConfigEntry("Energy.Active.Import.Register", kind="measurands"),
            "NumberOfConnectors": _ConfigEntry(str(config.connector_count), readonly=True),
            "ConnectionTimeOut": _ConfigEntry("60", kind="seconds"),
            "AuthorizeRemoteTxRequests": _ConfigEntry(bool_text[config.authorize_remote_starts], kind="bool"),
            "LocalAuthorizeOffline": _ConfigEntry("true", kind="bool"),
            "LocalPreAuthorize": _ConfigEntry("false", kind="bool"),
            "StopTransactionOnEVSideDisconnect": _ConfigEntry("true", readonly=True),
            "StopTransactionOnInvalidId": _ConfigEntry("true", kind="bool"),
            "UnlockConnectorOnEVSideDisconnect": _ConfigEntry("true", readonly=True),
            "TransactionMessageAttempts": _ConfigEntry(str(config.transaction_message_attempts), kind="int"),
            "TransactionMessageRetryInterval": _ConfigEntry(
                _format_seconds(config.transaction_message_retry_interval_s), kind="seconds"
            ),
            "GetConfigurationMaxKeys": _ConfigEntry("50", readonly=True),
            "SupportedFeatureProfiles": _ConfigEntry("Core,RemoteTrigger", readonly=True),
            "SecurityProfile": _ConfigEntry("1" if config.password else "0", readonly=True),
            "AuthorizationKey": _ConfigEntry("", readable=False),
        }
