"""Group commit for the CSMS's hot writes: meter readings, connector statuses and "last seen" times.

Writers hand their rows over and (for meter readings and statuses) wait until they are committed, so a
charge point is answered only once its data is safe; rows that arrive while one commit runs go together
into the next. One transaction and one ``executemany`` per kind of row, however many charge points wrote,
is what lets one process take thousands of MeterValues a second on SQLite.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Executable, Table, bindparam, text, update
from sqlalchemy.exc import OperationalError

from chargeassist.store import ChargePoint, Database
from chargeassist.store._models import UtcDateTime

__all__ = ["BatchWriter", "ConnectorStatusRow", "MeterReadingRow"]

_log = logging.getLogger("chargeassist.csms.store")

MeterReadingRow = dict[str, Any]
"""``transaction_id``, ``timestamp``, ``energy_wh``, ``power_w``, ``current_a``, ``soc`` (decimal text or None)."""
ConnectorStatusRow = dict[str, Any]
"""``charge_point_id``, ``connector_id``, ``status``, ``error_code``, ``info``, ``vendor_error_code``,
``status_at``, ``updated_at``."""


# Plain SQL, the same on SQLite and PostgreSQL: SQLAlchemy 2.0 does not cache the compiled form of its
# dialects' INSERT ... ON CONFLICT constructs, and compiling one for every batch cost more than the batch.
# Readings of one instant merge: a replay changes nothing, a second message with other measurands of the
# same instant fills in what the first lacked.
_READINGS_UPSERT = text(
    "INSERT INTO meter_values (transaction_id, timestamp, energy_wh, power_w, current_a, soc) "
    "VALUES (:transaction_id, :timestamp, :energy_wh, :power_w, :current_a, :soc) "
    "ON CONFLICT (transaction_id, timestamp) DO UPDATE SET "
    "energy_wh = COALESCE(excluded.energy_wh, meter_values.energy_wh), "
    "power_w = COALESCE(excluded.power_w, meter_values.power_w), "
    "current_a = COALESCE(excluded.current_a, meter_values.current_a), "
    "soc = COALESCE(excluded.soc, meter_values.soc)"
).bindparams(bindparam("timestamp", type_=UtcDateTime()))
# MeterValues for a transaction the charge point has stopped change nothing (a closed session keeps what it
# was billed for). Checked by the statement itself, so the hot path costs no query of its own; a transaction
# the central system closed because the charge point had lost it still takes readings, in case the charge
# point replays them with its StopTransaction after all. PostgreSQL infers no types for the parameters of an
# INSERT ... SELECT, SQLite would turn a cast to a timestamp type into a number: one spelling each.
_OPEN_READINGS_SQLITE = text(
    "INSERT INTO meter_values (transaction_id, timestamp, energy_wh, power_w, current_a, soc) "
    "SELECT :transaction_id, :timestamp, :energy_wh, :power_w, :current_a, :soc "
    "WHERE NOT EXISTS (SELECT 1 FROM ocpp_transactions t WHERE t.id = :transaction_id "
    "AND t.stopped_at IS NOT NULL AND t.lost_at IS NULL) "
    "ON CONFLICT (transaction_id, timestamp) DO UPDATE SET "
    "energy_wh = COALESCE(excluded.energy_wh, meter_values.energy_wh), "
    "power_w = COALESCE(excluded.power_w, meter_values.power_w), "
    "current_a = COALESCE(excluded.current_a, meter_values.current_a), "
    "soc = COALESCE(excluded.soc, meter_values.soc)"
).bindparams(bindparam("timestamp", type_=UtcDateTime()))
_OPEN_READINGS_POSTGRESQL = text(
    "INSERT INTO meter_values (transaction_id, timestamp, energy_wh, power_w, current_a, soc) "
    "SELECT CAST(:transaction_id AS BIGINT), CAST(:timestamp AS TIMESTAMP WITH TIME ZONE), "
    "CAST(:energy_wh AS VARCHAR), CAST(:power_w AS VARCHAR), CAST(:current_a AS VARCHAR), CAST(:soc AS VARCHAR) "
    "WHERE NOT EXISTS (SELECT 1 FROM ocpp_transactions t WHERE t.id = CAST(:transaction_id AS BIGINT) "
    "AND t.stopped_at IS NOT NULL AND t.lost_at IS NULL) "
    "ON CONFLICT (transaction_id, timestamp) DO UPDATE SET "
    "energy_wh = COALESCE(excluded.energy_wh, meter_values.energy_wh), "
    "power_w = COALESCE(excluded.power_w, meter_values.power_w), "
    "current_a = COALESCE(excluded.current_a, meter_values.current_a), "
    "soc = COALESCE(excluded.soc, meter_values.soc)"
).bindparams(bindparam("timestamp", type_=UtcDateTime()))
_STATUS_UPSERT = text(
    "INSERT INTO connector_statuses "
    "(charge_point_id, connector_id, status, error_code, info, vendor_error_code, status_at, updated_at) "
    "VALUES (:charge_point_id, :connector_id, :status, :error_code, :info, :vendor_error_code, :status_at, "
    ":updated_at) "
    "ON CONFLICT (charge_point_id, connector_id) DO UPDATE SET "
    "status = excluded.status, error_code = excluded.error_code, info = excluded.info, "
    "vendor_error_code = excluded.vendor_error_code, status_at = excluded.status_at, "
    "updated_at = excluded.updated_at"
).bindparams(bindparam("status_at", type_=UtcDateTime()), bindparam("updated_at", type_=UtcDateTime()))

_CHARGE_POINTS = cast("Table", ChargePoint.__table__)
_CP = _CHARGE_POINTS.c
# Connections and boots come in storms (every charge point at once after a restart or a network outage):
# one commit for many of them. "updated_at" is kept where nothing about the charge point itself changed.
_CONNECTED = (
    update(_CHARGE_POINTS)
    .where(_CP.id == bindparam("b_id"))
    .values(
        connected=True,
        connected_at=bindparam("b_at"),
        node_id=bindparam("b_node"),
        last_seen_at=bindparam("b_at"),
        updated_at=_CP.updated_at,
    )
)
_BOOTED = (
    update(_CHARGE_POINTS)
    .where(_CP.id == bindparam("b_id"))
    .values(
        vendor=bindparam("b_vendor"),
        model=bindparam("b_model"),
        serial_number=bindparam("b_serial"),
        firmware_version=bindparam("b_firmware"),
        booted_at=bindparam("b_at"),
        last_seen_at=bindparam("b_at"),
    )
)
# Only the connection that ended: a newer connection of the same charge point keeps its record.
_DISCONNECTED = (
    update(_CHARGE_POINTS)
    .where(_CP.id == bindparam("b_id"), _CP.node_id == bindparam("b_node"), _CP.connected_at == bindparam("b_since"))
    .values(connected=False, disconnected_at=bindparam("b_at"), updated_at=_CP.updated_at)
)
_SEEN = (
    update(_CHARGE_POINTS)
    .where(_CHARGE_POINTS.c.id == bindparam("cp_id"))
    # Keep updated_at as it is: being seen is not a change of the charge point.
    .values(last_seen_at=bindparam("seen_at"), updated_at=_CHARGE_POINTS.c.updated_at)
)


@dataclass(slots=True)
class _Write:
    """The rows one caller handed over for one statement, and the future that caller waits on (if any)."""

    rows: list[dict[str, Any]]
    waiters: list[asyncio.Future[None]] = field(default_factory=list)


@dataclass(slots=True)
class _Batch:
    """What one flush commits: per statement, in the order they must run, the writes that use it."""

    statements: list[tuple[str, Executable, list[_Write]]]

    def rows(self) -> int:
        return sum(len(write.rows) for _, _, writes in self.statements for write in writes)


def _settle(waiters: Sequence[asyncio.Future[None]], exc: BaseException | None = None) -> None:
    for waiter in waiters:
        if not waiter.done():
            if exc is None:
                waiter.set_result(None)
            else:
                waiter.set_exception(exc)


def _one_line(exc: BaseException) -> str:
    # The driver's own error, not SQLAlchemy's wrapper that repeats the statement and every parameter.
    cause = getattr(exc, "orig", None) or exc
    text = f"{type(cause).__name__}: {cause}".splitlines()[0] if str(cause) else type(cause).__name__
    return text[:300]


class BatchWriter:
    """Collects rows from many connections and commits them together, one flush at a time.

    A batch that the store refuses is written again one caller at a time, each in a transaction of its own:
    only the caller whose row is at fault is failed, every other caller's rows are committed.
    """

    def __init__(self, db: Database, *, seen_flush_interval_s: float = 5.0, linger_s: float = 0.004) -> None:
        self._db = db
        # Waiting a few milliseconds before a commit gathers more rows into it: under load that halves the
        # commits (and their thread hops) per second for a few milliseconds more per answer.
        self._linger_s = linger_s
        self.readings_sql = _READINGS_UPSERT
        """The upsert of meter readings, for callers that write readings inside a transaction of their own
        (a StopTransaction's own readings: unlike the batch's, they are taken while the transaction stops)."""
        self._open_readings_sql = _OPEN_READINGS_SQLITE if db.is_sqlite else _OPEN_READINGS_POSTGRESQL
        self._readings: list[_Write] = []
        self._statuses: dict[tuple[str, int], _Write] = {}
        self._connected: list[_Write] = []
        self._booted: list[_Write] = []
        self._disconnected: list[_Write] = []
        self._seen: dict[str, datetime] = {}
        self._flusher: asyncio.Task[None] | None = None
        self._ticker: asyncio.Task[None] | None = None
        self._seen_interval = seen_flush_interval_s
        self.flushes = 0
        """Commits so far (for benchmarks: rows per commit is what batching buys)."""
        self.refused = 0
        """Writes the store refused even on their own (each failed its caller alone)."""

    async def start(self) -> None:
        """Flush "last seen" times every few seconds."""
        if self._ticker is None:
            self._ticker = asyncio.create_task(self._tick(), name="csms-seen-flush")

    async def stop(self) -> None:
        """Write what is pending, then stop."""
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        self._kick(include_seen=True)
        if self._flusher is not None:
            with contextlib.suppress(Exception):
                await self._flusher

    async def write_readings(self, rows: Sequence[MeterReadingRow]) -> None:
        """Store meter readings; returns once they are committed. Readings for a transaction the charge point
        has stopped are left out (the statement checks it)."""
        if not rows:
            return
        write = _Write(list(rows))
        self._readings.append(write)
        await self._wait(write)

    async def write_status(self, row: ConnectorStatusRow) -> None:
        """Store a connector's status; returns once it is committed (a newer one of the same connector wins,
        and its callers share the outcome of the one that is written)."""
        key = (row["charge_point_id"], row["connector_id"])
        earlier = self._statuses.get(key)
        write = _Write([row], earlier.waiters if earlier is not None else [])
        self._statuses[key] = write
        await self._wait(write)

    async def write_connected(self, charge_point_id: str, node_id: str, at: datetime) -> None:
        """Record a new connection of a charge point held by process ``node_id``; returns once committed."""
        write = _Write([{"b_id": charge_point_id, "b_node": node_id, "b_at": at}])
        self._connected.append(write)
        await self._wait(write)

    async def write_booted(
        self,
        charge_point_id: str,
        *,
        vendor: str,
        model: str,
        serial_number: str | None,
        firmware_version: str | None,
        at: datetime,
    ) -> None:
        """Record a BootNotification; returns once committed."""
        write = _Write(
            [
                {
                    "b_id": charge_point_id,
                    "b_vendor": vendor,
                    "b_model": model,
                    "b_serial": serial_number,
                    "b_firmware": firmware_version,
                    "b_at": at,
                }
            ]
        )
        self._booted.append(write)
        await self._wait(write)

    async def write_disconnected(self, charge_point_id: str, node_id: str, since: datetime, at: datetime) -> None:
        """Record the end of the connection accepted at ``since``; returns once committed."""
        write = _Write([{"b_id": charge_point_id, "b_node": node_id, "b_since": since, "b_at": at}])
        self._disconnected.append(write)
        await self._wait(write)

    def seen(self, charge_point_id: str, at: datetime) -> None:
        """Remember that a charge point was heard from; written with the next flush, not waited for."""
        self._seen[charge_point_id] = at

    async def _wait(self, write: _Write) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        write.waiters.append(future)
        self._kick()
        await future

    def _kick(self, *, include_seen: bool = False) -> None:
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_all(include_seen), name="csms-batch-flush")

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self._seen_interval)
            if self._seen:
                self._kick(include_seen=True)

    def _pending(self) -> bool:
        return bool(self._readings or self._statuses or self._connected or self._booted or self._disconnected)

    def _take(self, include_seen: bool) -> _Batch:
        seen: list[_Write] = []
        if include_seen:
            seen = [_Write([{"cp_id": k, "seen_at": v}]) for k, v in self._seen.items()]
            self._seen = {}
        # In this order: a connection's record before its boot, a disconnect last.
        batch = _Batch(
            [
                ("connection", _CONNECTED, self._connected),
                ("boot", _BOOTED, self._booted),
                ("meter readings", self._open_readings_sql, self._readings),
                ("connector status", _STATUS_UPSERT, list(self._statuses.values())),
                ("last seen", _SEEN, seen),
                ("disconnection", _DISCONNECTED, self._disconnected),
            ]
        )
        self._connected, self._booted, self._readings, self._statuses, self._disconnected = [], [], [], {}, []
        return batch

    async def _flush_all(self, include_seen: bool) -> None:
        # Everything that arrives during a commit waits for the next one: batches grow with the load.
        while self._pending() or (include_seen and self._seen):
            if self._linger_s > 0:
                await asyncio.sleep(self._linger_s)
            batch = self._take(include_seen)
            include_seen = False
            try:
                # A plain connection, no ORM session: nothing here needs one, and it costs per batch.
                async with self._db.write_connection() as connection:
                    for _, statement, writes in batch.statements:
                        if writes:
                            await connection.execute(statement, [row for write in writes for row in write.rows])
            except Exception as exc:
                _log.info("a batch of %d rows was refused (%s); writing them one caller at a time", batch.rows(), exc)
                await self._write_one_by_one(batch)
                continue
            self.flushes += 1
            for _, _, writes in batch.statements:
                for write in writes:
                    _settle(write.waiters)

    async def _write_one_by_one(self, batch: _Batch) -> None:
        store_down: BaseException | None = None
        for kind, statement, writes in batch.statements:
            for write in writes:
                if store_down is not None:
                    _settle(write.waiters, store_down)
                    continue
                try:
                    async with self._db.write_connection() as connection:
                        await connection.execute(statement, write.rows)
                except OperationalError as exc:
                    # The store itself fails (read-only, gone, unreachable), not this row: trying every
                    # other row alone would only take longer to give every caller the same answer.
                    _log.error("the store refused a %s write: %s", kind, _one_line(exc))
                    store_down = exc
                    _settle(write.waiters, exc)
                except Exception as exc:
                    self.refused += 1
                    _log.warning("a %s write was refused by the store: %s", kind, _one_line(exc))
                    _settle(write.waiters, exc)
                else:
                    _settle(write.waiters)
