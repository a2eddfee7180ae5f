"""State records a simulated station exposes for inspection: exchanges, connectors, transactions."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from ocpp.charge_point import remove_nones, serialize_as_dict, snake_to_camel_case

from chargeassist.simulator._power_curve import BatteryModel, ChargeCurve

__all__ = [
    "AuthorizationRejected",
    "Connector",
    "Exchange",
    "StationError",
    "StationOffline",
    "Transaction",
    "utc_timestamp",
]


def utc_timestamp() -> str:
    """Current wall-clock time as an OCPP timestamp with millisecond precision."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class StationError(Exception):
    """An operation is not possible in the station's current state."""


class StationOffline(StationError, ConnectionError):
    """The operation needs a connection and the station has none."""


class AuthorizationRejected(StationError):
    """The central system did not accept an idTag."""

    def __init__(self, id_tag: str, status: str) -> None:
        super().__init__(f"idTag {id_tag!r} not authorized: {status}")
        self.id_tag = id_tag
        self.status = status


def _to_wire(payload: Any) -> dict[str, Any]:
    # The same conversion the ocpp package applies before sending, so the log shows the wire format.
    converted: dict[str, Any] = remove_nones(snake_to_camel_case(serialize_as_dict(payload)))
    return converted


@dataclass(eq=False, slots=True)
class Exchange:
    """One CALL and its answer, in either direction.

    ``direction == "sent"``: a CALL from the station; `payload` and `result` are the ``ocpp`` dataclasses
    (nested objects in results are plain dicts, as the ``ocpp`` package builds them).
    ``direction == "received"``: a CALL from the central system; `request` holds the wire payload.
    The camelCase wire form of both sides is available as `request` / `response`.
    """

    direction: Literal["sent", "received"]
    action: str
    at: str
    """OCPP timestamp at which the CALL was sent or received."""
    unique_id: str | None = None
    payload: Any = None
    result: Any = None
    error: str | None = None
    """Why there is no result: a CallError code, ``"Timeout"``, ``"ConnectionLost"``..."""
    done: bool = False
    """Whether an answer (result or error) has been recorded."""
    replay: bool = False
    """Whether this is a transaction message re-sent after a reconnect."""
    _request: dict[str, Any] | None = None
    _response_raw: str | None = None

    @property
    def request(self) -> dict[str, Any]:
        """CALL payload as it appears on the wire."""
        if self._request is None:
            self._request = _to_wire(self.payload)
        return self._request

    @property
    def response(self) -> dict[str, Any] | None:
        """Answer payload as it appears on the wire, or `None` when there was none."""
        if self._response_raw is not None:
            frame = json.loads(self._response_raw)
            if frame[0] == 3:
                answer: dict[str, Any] = frame[2]
                return answer
            return {"errorCode": frame[2], "errorDescription": frame[3], "errorDetails": frame[4]}
        if self.result is None:
            return None
        return _to_wire(self.result)


@dataclass(eq=False)
class Transaction:
    """A charging transaction as the station sees it."""

    connector_id: int
    id_tag: str
    meter_start: int
    """Energy register (Wh) when the transaction started."""
    started_at: str
    curve: ChargeCurve
    transaction_id: int | None = None
    """Id assigned by the central system; `None` until StartTransaction is answered."""
    id_tag_status: str | None = None
    """``idTagInfo.status`` from the StartTransaction answer."""
    remote: bool = False
    meter_stop: int | None = None
    stopped_at: str | None = None
    stop_reason: str | None = None
    meter_values_queued: int = 0
    """Periodic MeterValues generated so far (sent or waiting in the offline queue)."""
    start_failed: bool = False
    """StartTransaction was never answered with an id (CallError or retries exhausted)."""
    last_sample_at: float = 0.0
    begin_value: dict[str, Any] | None = None
    meter_task: asyncio.Task[None] | None = None
    start_answered: asyncio.Future[Any] | None = None

    @property
    def active(self) -> bool:
        """Whether the transaction is still running at the station."""
        return self.stopped_at is None

    @property
    def energy_wh(self) -> float:
        """Energy delivered so far, in Wh."""
        return self.curve.energy_wh


@dataclass(eq=False)
class Connector:
    """One connector (EVSE outlet) of the station."""

    connector_id: int
    meter_wh: float
    """Lifetime energy register in Wh (fractional internally; reported rounded down)."""
    status: str = "Available"
    """Last status computed for the connector (what the central system is told)."""
    plugged: bool = False
    ev: BatteryModel | None = None
    operative: bool = True
    inoperative_scheduled: bool = False
    finishing: bool = False
    pending_start: bool = False
    transaction: Transaction | None = None
    past_transactions: list[Transaction] = field(default_factory=list)
