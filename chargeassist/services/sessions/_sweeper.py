"""The periodic sweep: times out sessions past their deadline, and prices finished sessions nobody priced
(among them those whose transaction the charge point lost, once their grace period has passed)."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlalchemy import select

from chargeassist.domain.sessions import SessionEvent, Timeouts
from chargeassist.store import ChargeSession, Database, OcppTransaction, utcnow

from ._billing import SessionBilling
from ._records import SessionRecords, timeout_reason

_log = logging.getLogger("chargeassist.sessions")


class SessionSweeper:
    """Runs :meth:`sweep` every ``interval_s`` seconds in every process, also after a restart."""

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
        self._interval_s = interval_s
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self.task is None:
            self.task = asyncio.create_task(self._sweep_forever(), name="session-sweeper")

    async def sweep(self) -> int:
        """Time out sessions past their deadline and price finished ones nobody priced; returns how many
        sessions it acted on. Runs periodically in every process; safe to race."""
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

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self._interval_s)
            try:
                await self.sweep()
            except Exception:
                _log.exception("session sweep failed")
