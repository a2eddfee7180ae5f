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
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, text, update

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


class BatchWriter:
    """Collects rows from many connections and commits them together, one flush at a time."""

    def __init__(self, db: Database, *, seen_flush_interval_s: float = 5.0, linger_s: float = 0.004) -> None:
        self._db = db
        # Waiting a few milliseconds before a commit gathers more rows into it: under load that halves the
        # commits (and their thread hops) per second for a few milliseconds more per answer.
        self._linger_s = linger_s
        self.readings_sql = _READINGS_UPSERT
        """The upsert of meter readings, for callers that write readings inside a transaction of their own."""
        self._readings: list[MeterReadingRow] = []
        self._statuses: dict[tuple[str, int], ConnectorStatusRow] = {}
        self._connected: list[dict[str, Any]] = []
        self._booted: list[dict[str, Any]] = []
        self._disconnected: list[dict[str, Any]] = []
        self._seen: dict[str, datetime] = {}
        self._waiters: list[asyncio.Future[None]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._ticker: asyncio.Task[None] | None = None
        self._seen_interval = seen_flush_interval_s
        self.flushes = 0
        """Commits so far (for benchmarks: rows per commit is what batching buys)."""

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
        """Store meter readings; returns once they are committed."""
        if not rows:
            return
        self._readings.extend(rows)
        await self._wait()

    async def write_status(self, row: ConnectorStatusRow) -> None:
        """Store a connector's status; returns once it is committed (a newer one of the same connector wins)."""
        self._statuses[(row["charge_point_id"], row["connector_id"])] = row
        await self._wait()

    async def write_connected(self, charge_point_id: str, node_id: str, at: datetime) -> None:
        """Record a new connection of a charge point held by process ``node_id``; returns once committed."""
        self._connected.append({"b_id": charge_point_id, "b_node": node_id, "b_at": at})
        await self._wait()

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
        self._booted.append(
            {
                "b_id": charge_point_id,
                "b_vendor": vendor,
                "b_model": model,
                "b_serial": serial_number,
                "b_firmware": firmware_version,
                "b_at": at,
            }
        )
        await self._wait()

    async def write_disconnected(self, charge_point_id: str, node_id: str, since: datetime, at: datetime) -> None:
        """Record the end of the connection accepted at ``since``; returns once committed."""
        self._disconnected.append({"b_id": charge_point_id, "b_node": node_id, "b_since": since, "b_at": at})
        await self._wait()

    def seen(self, charge_point_id: str, at: datetime) -> None:
        """Remember that a charge point was heard from; written with the next flush, not waited for."""
        self._seen[charge_point_id] = at

    async def _wait(self) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(future)
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

    async def _flush_all(self, include_seen: bool) -> None:
        # Everything that arrives during a commit waits for the next one: batches grow with the load.
        while self._pending() or (include_seen and self._seen):
            if self._linger_s > 0:
                await asyncio.sleep(self._linger_s)
            readings, self._readings = self._readings, []
            statuses, self._statuses = list(self._statuses.values()), {}
            connected, self._connected = self._connected, []
            booted, self._booted = self._booted, []
            disconnected, self._disconnected = self._disconnected, []
            seen: dict[str, datetime] = {}
            if include_seen:
                seen, self._seen = self._seen, {}
                include_seen = False
            waiters, self._waiters = self._waiters, []
            try:
                # A plain connection, no ORM session: nothing here needs one, and it costs per batch.
                async with self._db.write_connection() as connection:
                    # In this order: a connection's record before its boot, a disconnect last.
                    if connected:
                        await connection.execute(_CONNECTED, connected)
                    if booted:
                        await connection.execute(_BOOTED, booted)
                    if readings:
                        await connection.execute(self.readings_sql, readings)
                    if statuses:
                        await connection.execute(_STATUS_UPSERT, statuses)
                    if seen:
                        await connection.execute(_SEEN, [{"cp_id": k, "seen_at": v} for k, v in seen.items()])
                    if disconnected:
                        await connection.execute(_DISCONNECTED, disconnected)
            except Exception as exc:
                _log.exception("batch write of %d readings and %d statuses failed", len(readings), len(statuses))
                for waiter in waiters:
                    if not waiter.done():
                        waiter.set_exception(exc)
                continue
            self.flushes += 1
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)
