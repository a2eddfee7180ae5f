"""The periodic sweep: times out sessions past their deadline, and prices finished sessions nobody priced
(among them those whose transaction the charge point lost, once their grace period has passed).

Every process runs the sweeper; one at a time sweeps, the holder of the store lease ``sessions.sweep``
(:class:`~chargeassist.services._leases.ClaimedWork`). A lease rather than ``FOR UPDATE SKIP LOCKED`` on the
session rows: acting on a session is several transactions (the status change, then its payment steps and
events after the commit), longer than a row lock should be held, and the rows need no claim of their own, since
each change is a compare-and-set on the status (a sweep that raced another would change nothing twice). The
lease saves every other process the scan, the pricing that would lose the race, and the payment steps' calls.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from chargeassist.domain.sessions import SessionEvent, Timeouts
from chargeassist.store import ChargeSession, Database, OcppTransaction, utcnow

from .._leases import ClaimedWork
from ._billing import SessionBilling
from ._records import SessionRecords, timeout_reason

SWEEP_LEASE = "sessions.sweep"


class SessionSweeper:
    """Runs :meth:`sweep` every ``interval_s`` seconds in the one process that holds its lease, also after a
    restart; a process that dies hands it on within the lease's ttl (three intervals)."""

    def __init__(
        self,
        db: Database,
        *,
        records: SessionRecords,
        billing: SessionBilling,
        timeouts: Timeouts,
        lost_grace: timedelta,
        interval_s: float,
    ) -> None:
        self._db = db
        self._records = records
        self._billing = billing
        self.timeouts = timeouts
        self.lost_grace = lost_grace
        """How long a session whose transaction the charge point lost waits for a late StopTransaction
        before it is priced from the readings the store has."""
        self.claim = ClaimedWork(db, SWEEP_LEASE, interval_s=interval_s)
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self.task is None:
            self.task = asyncio.create_task(self.claim.run(self.sweep), name="session-sweeper")

    async def sweep(self) -> int:
        """Time out sessions past their deadline and price finished ones nobody priced; returns how many
        sessions it acted on. Runs periodically in the process holding the lease; safe to race all the same."""
        now = utcnow()
        async with self._db.read() as session:
            due = (
                await session.execute(
                    select(ChargeSession.id, ChargeSession.status, ChargeSession.remote_start_at).where(
                        (
                            (ChargeSession.status == "REQUESTED")
                            & (ChargeSession.remote_start_at <= now - self.timeouts.remote_start)
                        )
                        | (
                            # Waiting for the driver to authenticate the hold: the payment's own deadline.
                            (ChargeSession.status == "REQUESTED")
                            & ChargeSession.remote_start_at.is_(None)
                            & (ChargeSession.requested_at <= now - self.timeouts.payment_action)
                        )
                        | (
                            (ChargeSession.status == "STARTING")
                            & (ChargeSession.start_answered_at <= now - self.timeouts.start_transaction)
                        )
                    )
                )
            ).all()
            unpriced = (
                await session.scalars(
                    select(ChargeSession.id)
                    .outerjoin(OcppTransaction, OcppTransaction.id == ChargeSession.transaction_id)
                    .where(
                        ChargeSession.status == "COMPLETED",
                        (OcppTransaction.lost_at.is_(None) & (ChargeSession.updated_at <= now - timedelta(seconds=5)))
                        | (OcppTransaction.lost_at.is_not(None) & (ChargeSession.updated_at <= now - self.lost_grace)),
                    )
                )
            ).all()
        for session_id, status, remote_start_at in due:
            # Only from the status whose deadline passed: a session that moved on since (the charge point
            # answered the start just now) has a deadline of its own, for a later sweep.
            await self._records.transition(
                session_id,
                SessionEvent.DEADLINE_PASSED,
                only_from=status,
                status_reason=timeout_reason(status, awaiting_payment=remote_start_at is None),
            )
        for session_id in unpriced:
            await self._billing.price(session_id)
        return len(due) + len(unpriced)
