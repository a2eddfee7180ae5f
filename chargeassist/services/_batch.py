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

from sqlalchemy import Table, bindparam, func, update
from sqlalchemy.dialects import postgresql, sqlite

from chargeassist.store import ChargePoint, ConnectorStatus, Database, MeterValueRow

__all__ = ["BatchWriter", "ConnectorStatusRow", "MeterReadingRow"]

_log = logging.getLogger("chargeassist.csms.store")

MeterReadingRow = dict[str, Any]
"""``transaction_id``, ``timestamp``, ``energy_wh``, ``power_w``, ``current_a``, ``soc`` (decimal text or None)."""
ConnectorStatusRow = dict[str, Any]
"""``charge_point_id``, ``connector_id``, ``status``, ``error_code``, ``info``, ``vendor_error_code``,
``status_at``, ``updated_at``."""


def _upserts(is_sqlite: bool) -> tuple[Any, Any]:
    insert = sqlite.insert if is_sqlite else postgresql.insert
    readings = insert(MeterValueRow)
    # Readings of one instant merge: a replay changes nothing, a second message with other measurands of
    # the same instant fills in what the first lacked.
    readings = readings.on_conflict_do_update(
        index_elements=[MeterValueRow.transaction_id, MeterValueRow.timestamp],
        set_={
            name: _coalesce(readings.excluded[name], MeterValueRow.__table__.c[name])
            for name in ("energy_wh", "power_w", "current_a", "soc")
        },
    )
    statuses = insert(ConnectorStatus)
    statuses = statuses.on_conflict_do_update(
        index_elements=[ConnectorStatus.charge_point_id, ConnectorStatus.connector_id],
        set_={
            name: statuses.excluded[name]
            for name in ("status", "error_code", "info", "vendor_error_code", "status_at", "updated_at")
        },
    )
    return readings, statuses


def _coalesce(first: Any, second: Any) -> Any:
    return func.coalesce(first, second)


_CHARGE_POINTS = cast("Table", ChargePoint.__table__)
_SEEN = (
    update(_CHARGE_POINTS)
    .where(_CHARGE_POINTS.c.id == bindparam("cp_id"))
    # Keep updated_at as it is: being seen is not a change of the charge point.
    .values(last_seen_at=bindparam("seen_at"), updated_at=_CHARGE_POINTS.c.updated_at)
)


class BatchWriter:
    """Collects rows from many connections and commits them together, one flush at a time."""

    def __init__(self, db: Database, *, seen_flush_interval_s: float = 5.0) -> None:
        self._db = db
        self.readings_sql, self._statuses_sql = _upserts(db.is_sqlite)
        """The upsert of meter readings, for callers that write readings inside a transaction of their own."""
        self._readings: list[MeterReadingRow] = []
        self._statuses: dict[tuple[str, int], ConnectorStatusRow] = {}
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

    async def _flush_all(self, include_seen: bool) -> None:
        # Everything that arrives during a commit waits for the next one: batches grow with the load.
        while self._readings or self._statuses or (include_seen and self._seen):
            readings, self._readings = self._readings, []
            statuses, self._statuses = list(self._statuses.values()), {}
            seen: dict[str, datetime] = {}
            if include_seen:
                seen, self._seen = self._seen, {}
                include_seen = False
            waiters, self._waiters = self._waiters, []
            try:
                async with self._db.transaction() as session:
                    if readings:
                        await session.execute(self.readings_sql, readings)
                    if statuses:
                        await session.execute(self._statuses_sql, statuses)
                    if seen:
                        await session.execute(_SEEN, [{"cp_id": k, "seen_at": v} for k, v in seen.items()])
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
