"""The lowest layer of the session engine: compare-and-set transitions on a session row, publishing them to the
event bus, deadlines, ending a transaction the charge point lost, background work, and small row helpers.

Every status change goes through :func:`chargeassist.domain.sessions.apply` and is written as a conditional
update (``WHERE status = <the status it was computed from>``), so the CSMS, the API and the timeout sweeper
of any process may race without losing or doubling a change. Deadlines are derived from timestamps in the
store, so a restart does not forget them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from chargeassist.domain.sessions import (
    FINAL_STATUSES,
    SessionEvent,
    SessionStatus,
    Timeouts,
    Transition,
    apply,
    deadline,
)
from chargeassist.store import ChargeSession, Database, MeterValueRow, OcppTransaction, utcnow

from .._errors import ServiceError
from .._events import SessionEventBus, SessionUpdate
from .._webhooks import announce_session_change

_log = logging.getLogger("chargeassist.sessions")

# Connector statuses in which OCPP 1.6 has no transaction running on the connector (Finishing: it stopped).
NO_TRANSACTION = frozenset({"Available", "Preparing", "Reserved", "Finishing"})
KWH = Decimal(1000)


def decimal_of(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def text_of(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def status_of(row: ChargeSession) -> SessionStatus:
    return cast("SessionStatus", row.status)


def timeout_reason(status: str, *, awaiting_payment: bool = False) -> str:
    if status == "REQUESTED" and awaiting_payment:
        return "the card's authentication (3-D Secure) was not completed in time"
    if status == "REQUESTED":
        return "the charge point did not answer the start"
    return "the charge point accepted the start but charging did not begin"


class Background:
    """The session engine's background work (remote starts and stops, pricing), so it can be awaited and
    cancelled as one."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Any, name: str) -> None:
        task = asyncio.create_task(coro, name=name)
        self.tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            _log.error("session task %s failed", task.get_name(), exc_info=task.exception())

    async def wait_idle(self) -> None:
        """Wait until background work started so far is done (tests, orderly shutdown)."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)


TransitionHook = Callable[[AsyncSession, ChargeSession, Transition], Awaitable[Callable[[], Awaitable[None]] | None]]
"""Work a committed status change must not lose, written inside its transaction (the payment steps it asks
for); it may return what to do once the change committed (run those steps)."""


class SessionRecords:
    """Changes to session rows that every other part makes the same way."""

    def __init__(self, db: Database, *, events: SessionEventBus, timeouts: Timeouts) -> None:
        self._db = db
        self.events = events
        self.timeouts = timeouts
        self.hooks: list[TransitionHook] = []
        """Called inside the transaction of every status change, with the row as it is after it."""

    # --- transitions ---------------------------------------------------------------------------------

    async def transition(
        self, session_id: str, event: SessionEvent, *, only_from: str | None = None, **values: Any
    ) -> tuple[ChargeSession, Transition]:
        """Apply ``event`` with a compare-and-set on the status; ``values`` are written with a change.
        With ``only_from``, the event applies only while the session is still in that status."""
        for _ in range(20):
            async with self._db.read() as session:
                row = await session.scalar(select(ChargeSession).where(ChargeSession.id == session_id))
            if row is None:
                raise ServiceError(404, "session_not_found", f"no session {session_id!r}")
            if only_from is not None and row.status != only_from:
                return row, Transition(status=status_of(row), changed=False)
            transition = apply(status_of(row), event)
            if not transition.changed:
                return row, transition
            changes: dict[str, Any] = {"status": transition.status, **values}
            if transition.status in FINAL_STATUSES:
                changes.setdefault("ended_at", utcnow())
            after_commit: list[Callable[[], Awaitable[None]]] = []
            async with self._db.transaction() as session:
                result = await session.execute(
                    update(ChargeSession)
                    .where(ChargeSession.id == session_id, ChargeSession.status == row.status)
                    .values(**changes)
                )
                changed = getattr(result, "rowcount", 0) == 1
                if changed:
                    # In the change's transaction: partners hear of exactly the changes that commit.
                    await announce_session_change(session, row, changes)
                    for name, value in changes.items():
                        setattr(row, name, value)
                    for hook in self.hooks:
                        then = await hook(session, row, transition)
                        if then is not None:
                            after_commit.append(then)
            if changed:
                await self.publish(session_id, transition.status)
                for then in after_commit:
                    await then()
                return row, transition
        raise RuntimeError(f"session {session_id}: status kept changing under {event}")

    async def reload(self, session_id: str) -> ChargeSession | None:
        """The session row as the store has it now."""
        async with self._db.read() as session:
            found: ChargeSession | None = await session.scalar(
                select(ChargeSession).where(ChargeSession.id == session_id)
            )
            return found

    async def mark_remote_start(self, session_id: str) -> bool:
        """Note that the charge point is asked to start now, once: False when the session is no longer waiting
        for its hold (it ended meanwhile) or was marked before."""
        async with self._db.transaction() as session:
            result = await session.execute(
                update(ChargeSession)
                .where(
                    ChargeSession.id == session_id,
                    ChargeSession.status == "REQUESTED",
                    ChargeSession.remote_start_at.is_(None),
                )
                .values(remote_start_at=utcnow())
            )
        return getattr(result, "rowcount", 0) == 1

    async def publish(self, session_id: str, status: str) -> None:
        try:
            await self.events.publish(SessionUpdate(session_id=session_id, status=status, at=utcnow()))
        except Exception:
            _log.exception("publishing an update of session %s failed", session_id)

    # --- deadlines -----------------------------------------------------------------------------------

    def deadline(self, row: ChargeSession) -> datetime | None:
        return deadline(
            status_of(row),
            requested_at=row.requested_at,
            start_answered_at=row.start_answered_at,
            timeouts=self.timeouts,
            awaiting_payment=row.remote_start_at is None,
            authorized_at=row.remote_start_at,
        )

    async def apply_deadline(self, row: ChargeSession) -> ChargeSession:
        due = self.deadline(row)
        if due is None or utcnow() < due:
            return row
        updated, _ = await self.transition(
            row.id,
            SessionEvent.DEADLINE_PASSED,
            only_from=row.status,
            status_reason=timeout_reason(row.status, awaiting_payment=row.remote_start_at is None),
        )
        return updated

    # --- transactions the charge point lost ----------------------------------------------------------

    async def open_transactions(self, charge_point_id: str, connector_id: int) -> list[int]:
        async with self._db.read() as session:
            found = await session.scalars(
                select(OcppTransaction.id).where(
                    OcppTransaction.charge_point_id == charge_point_id,
                    OcppTransaction.connector_id == connector_id,
                    OcppTransaction.stopped_at.is_(None),
                )
            )
            return list(found.all())

    async def close_lost(self, transaction_id: int, why: str) -> None:
        """End a transaction the charge point no longer has, at its last energy reading (or its start, with
        none), and complete its session with a reason that says so. It is priced by the sweeper once
        ``lost_grace`` has passed: a charge point that still has the transaction queued (it was offline, and
        replays it after its boot) sends its StopTransaction in the meantime, and that replaces the estimate."""
        async with self._db.transaction() as session:
            started = (
                await session.execute(
                    select(OcppTransaction.started_at, OcppTransaction.meter_start).where(
                        OcppTransaction.id == transaction_id, OcppTransaction.stopped_at.is_(None)
                    )
                )
            ).first()
            if started is None:
                return
            stopped_at, meter_stop = started.started_at, started.meter_start
            last = (
                await session.execute(
                    select(MeterValueRow.timestamp, MeterValueRow.energy_wh)
                    .where(MeterValueRow.transaction_id == transaction_id, MeterValueRow.energy_wh.is_not(None))
                    .order_by(MeterValueRow.timestamp.desc())
                    .limit(1)
                )
            ).first()
            energy = decimal_of(last.energy_wh) if last is not None else None
            if last is not None and energy is not None and energy.is_finite():
                stopped_at = max(last.timestamp, stopped_at)
                meter_stop = max(int(energy), meter_stop)
            result = await session.execute(
                update(OcppTransaction)
                .where(OcppTransaction.id == transaction_id, OcppTransaction.stopped_at.is_(None))
                .values(meter_stop=meter_stop, stopped_at=stopped_at, stop_reason="Other", lost_at=utcnow())
                .returning(OcppTransaction.session_id, OcppTransaction.id_tag_status)
            )
            first = result.first()
        if first is None:
            return
        session_id, tag_status = first
        _log.info("transaction %s closed: %s", transaction_id, why)
        if session_id is None or tag_status != "Accepted":
            return
        await self.transition(
            session_id,
            SessionEvent.TRANSACTION_LOST,
            stopped_at=stopped_at,
            meter_stop=meter_stop,
            status_reason=f"{why} and no longer the transaction; ended at the last meter reading received"[:255],
        )
