"""A small OCPP 1.6 central system used as a test double for the simulator's own tests.

It is a real ``websockets`` server speaking OCPP through ``ocpp.v16.ChargePoint``: it checks the
subprotocol and HTTP Basic credentials, records every CALL it receives (with the connection it came on
and when), answers them, and can send CALLs to the connected stations.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any, TypeVar, cast

from ocpp.routing import on as _ocpp_on
from ocpp.v16 import ChargePoint, call_result
from ocpp.v16.enums import Action
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.typing import Subprotocol

_F = TypeVar("_F", bound=Callable[..., Any])


def on(action: str) -> Callable[[_F], _F]:
    return cast("Callable[[_F], _F]", _ocpp_on(action))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Record:
    """One CALL received from a station."""

    cp_id: str
    action: str
    payload: dict[str, Any]
    connection: int
    """1 for the station's first connection, 2 after its first reconnect, ..."""
    seq: int
    received_at: str
    """Wall-clock arrival time, as an OCPP timestamp."""
    answer: dict[str, Any] = field(default_factory=dict)


class CentralChargePoint(ChargePoint):  # type: ignore[misc]
    def __init__(self, cp_id: str, ws: ServerConnection, central: FakeCentral, connection: int) -> None:
        super().__init__(cp_id, ws, response_timeout=central.response_timeout)
        self.central = central
        self.connection_no = connection
        self.ws = ws

    def _record(self, action: str, payload: dict[str, Any]) -> Record:
        return self.central._record(self.id, action, payload, self.connection_no)

    @on(Action.boot_notification)
    def on_boot_notification(self, **payload: Any) -> Any:
        self._record("BootNotification", payload)
        return call_result.BootNotification(
            current_time=_now(), interval=self.central.heartbeat_interval, status=self.central.boot_status
        )

    @on(Action.heartbeat)
    def on_heartbeat(self, **payload: Any) -> Any:
        self._record("Heartbeat", payload)
        return call_result.Heartbeat(current_time=_now())

    @on(Action.status_notification)
    def on_status_notification(self, **payload: Any) -> Any:
        self._record("StatusNotification", payload)
        return call_result.StatusNotification()

    @on(Action.authorize)
    def on_authorize(self, id_tag: str, **payload: Any) -> Any:
        self._record("Authorize", {"id_tag": id_tag, **payload})
        return call_result.Authorize(id_tag_info={"status": self.central.tag_status(id_tag)})

    @on(Action.start_transaction)
    def on_start_transaction(self, **payload: Any) -> Any:
        record = self._record("StartTransaction", payload)
        key = (self.id, payload["connector_id"], payload["timestamp"], payload["id_tag"])
        # Idempotent on a repeated StartTransaction, like a central system should be.
        tx_id = self.central.tx_by_start.get(key)
        if tx_id is None:
            tx_id = next(self.central.tx_ids)
            self.central.tx_by_start[key] = tx_id
        record.answer = {"transaction_id": tx_id}
        return call_result.StartTransaction(
            transaction_id=tx_id, id_tag_info={"status": self.central.tag_status(payload["id_tag"])}
        )

    @on(Action.meter_values)
    def on_meter_values(self, **payload: Any) -> Any:
        self._record("MeterValues", payload)
        return call_result.MeterValues()

    @on(Action.stop_transaction)
    def on_stop_transaction(self, **payload: Any) -> Any:
        self._record("StopTransaction", payload)
        return call_result.StopTransaction(id_tag_info={"status": "Accepted"})

    @on(Action.data_transfer)
    def on_data_transfer(self, **payload: Any) -> Any:
        self._record("DataTransfer", payload)
        return call_result.DataTransfer(status="Accepted", data="pong")

    @on(Action.diagnostics_status_notification)
    def on_diagnostics_status_notification(self, **payload: Any) -> Any:
        self._record("DiagnosticsStatusNotification", payload)
        return call_result.DiagnosticsStatusNotification()

    @on(Action.firmware_status_notification)
    def on_firmware_status_notification(self, **payload: Any) -> Any:
        self._record("FirmwareStatusNotification", payload)
        return call_result.FirmwareStatusNotification()


class FakeCentral:
    def __init__(
        self,
        *,
        password: str | None = None,
        heartbeat_interval: int = 300,
        boot_status: str = "Accepted",
        response_timeout: float = 3.0,
        port: int = 0,
    ) -> None:
        self.port = port
        self.password = password
        self.heartbeat_interval = heartbeat_interval
        self.boot_status = boot_status
        self.response_timeout = response_timeout
        self.blocked_tags: set[str] = set()
        self.records: list[Record] = []
        self.auth_headers: dict[str, list[str | None]] = {}
        self.subprotocols: dict[str, list[str | None]] = {}
        self.cps: dict[str, CentralChargePoint] = {}
        self.tx_ids = itertools.count(1000)
        self.tx_by_start: dict[tuple[Any, ...], int] = {}
        self._connections: dict[str, int] = {}
        self._seq = itertools.count()
        self._waiters: list[asyncio.Future[None]] = []
        self._server: Server | None = None

    @property
    def port_in_use(self) -> int:
        assert self._server is not None
        port: int = next(iter(self._server.sockets)).getsockname()[1]
        return port

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port_in_use}/ocpp"

    async def start(self) -> FakeCentral:
        self._server = await serve(
            self._handler,
            "127.0.0.1",
            self.port,
            subprotocols=[Subprotocol("ocpp1.6")],
            process_request=self._process_request,
            compression=None,
            ping_interval=None,
        )
        return self

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    def tag_status(self, id_tag: str) -> str:
        return "Blocked" if id_tag in self.blocked_tags else "Accepted"

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        cp_id = request.path.rsplit("/", 1)[-1]
        header = request.headers.get("Authorization")
        self.auth_headers.setdefault(cp_id, []).append(header)
        self._notify()
        if not request.path.startswith("/ocpp/"):
            return connection.respond(HTTPStatus.NOT_FOUND, "unknown path\n")
        if self.password is not None:
            expected = "Basic " + base64.b64encode(f"{cp_id}:{self.password}".encode()).decode()
            if header != expected:
                response = connection.respond(HTTPStatus.UNAUTHORIZED, "bad credentials\n")
                response.headers["WWW-Authenticate"] = 'Basic realm="ocpp"'
                return response
        return None

    async def _handler(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        cp_id = ws.request.path.rsplit("/", 1)[-1]
        self.subprotocols.setdefault(cp_id, []).append(ws.subprotocol)
        if ws.subprotocol != "ocpp1.6":
            await ws.close(1002, "ocpp1.6 required")
            return
        number = self._connections.get(cp_id, 0) + 1
        self._connections[cp_id] = number
        cp = CentralChargePoint(cp_id, ws, self, number)
        self.cps[cp_id] = cp
        self._notify()
        try:
            await cp.start()
        except ConnectionClosed:
            pass
        finally:
            self._notify()

    def _record(self, cp_id: str, action: str, payload: dict[str, Any], connection: int) -> Record:
        record = Record(cp_id, action, payload, connection, next(self._seq), _now())
        self.records.append(record)
        self._notify()
        return record

    def _notify(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def of(self, action: str, cp_id: str | None = None) -> list[Record]:
        return [r for r in self.records if r.action == action and (cp_id is None or r.cp_id == cp_id)]

    def connections(self, cp_id: str) -> int:
        return self._connections.get(cp_id, 0)

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        async with asyncio.timeout(timeout):
            while not predicate():
                waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
                self._waiters.append(waiter)
                await waiter

    async def wait_count(
        self, action: str, count: int = 1, cp_id: str | None = None, timeout: float = 5.0
    ) -> list[Record]:
        await self.wait_for(lambda: len(self.of(action, cp_id)) >= count, timeout)
        return self.of(action, cp_id)

    async def call(self, cp_id: str, payload: Any) -> Any:
        return await self.cps[cp_id].call(payload)
