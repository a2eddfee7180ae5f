"""Paying for a session: the payment steps the state machine asks for, run through the payment outbox, and what
the provider's answers do to the session (the remote start once the hold is in place, the receipt once paid).

The steps are planned inside the transaction of the session change that asks for them (a hold with the new
session, the capture with the CDR, the release with the end), so a change that commits has its step recorded,
and a step is never recorded for a change that did not commit.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import cast

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from chargeassist.domain.payments import PaymentEvent
from chargeassist.domain.sessions import FINAL_STATUSES, Effect, SessionEvent, SessionStatus, Transition, apply
from chargeassist.payments import PaymentError
from chargeassist.store import ChargeSession, Database, PaymentMethod, PspCard, SessionPayment

from .._payments import PaymentChange, PaymentSteps
from .._receipts import PaidWith, ReceiptService
from .._webhooks import enqueue
from ._charger_commands import ChargerCommands
from ._records import Background, SessionRecords

__all__ = ["SessionPayments"]

_log = logging.getLogger("chargeassist.sessions")
_WEBHOOK_OF: dict[PaymentEvent, str] = {
    PaymentEvent.CAPTURED: "payment.succeeded",
    PaymentEvent.PAID_ON_RETRY: "payment.succeeded",
    PaymentEvent.CAPTURE_FAILED: "payment.failed",
    PaymentEvent.TOP_UP_FAILED: "payment.failed",
}


class SessionPayments:
    """The session engine's side of the payment outbox."""

    def __init__(
        self,
        db: Database,
        *,
        records: SessionRecords,
        steps: PaymentSteps,
        charger_commands: ChargerCommands,
        receipts: ReceiptService,
        background: Background,
    ) -> None:
        self._db = db
        self._records = records
        self.steps = steps
        self._charger_commands = charger_commands
        self._receipts = receipts
        self._background = background
        steps.on_change = self.on_change
        steps.in_transaction = self.with_change

    @property
    def steps_enabled(self) -> bool:
        """Whether sessions can be paid with a hold on a Stripe card."""
        return self.steps.stripe_enabled

    async def recheck(self, row: ChargeSession) -> None:
        """Ask the provider where a hold waiting for the driver's authentication stands (the app's poll is the
        re-check that moves it on when no webhook comes)."""
        if row.status != "REQUESTED" or row.remote_start_at is not None:
            return
        async with self._db.read() as session:
            payment_pk = await session.scalar(select(SessionPayment.pk).where(SessionPayment.session_pk == row.pk))
        if payment_pk is not None:
            try:
                await self.steps.refresh(payment_pk)
            except PaymentError:
                _log.warning("session %s: re-checking its hold failed; the next poll asks again", row.id)

    # --- inside a session change's transaction -------------------------------------------------------

    async def plan(
        self, session: AsyncSession, row: ChargeSession, transition: Transition
    ) -> Callable[[], Awaitable[None]] | None:
        """Record the steps ``transition`` asks for; returns what runs them once the change committed."""
        steps: list[int] = []
        if Effect.CAPTURE_PAYMENT in transition.effects:
            steps = await self.steps.plan_settlement(session, row)
        elif Effect.RELEASE_PAYMENT in transition.effects:
            steps = await self.steps.plan_release(session, row)
        if not steps:
            return None

        async def run() -> None:
            self._background.spawn(self.steps.run(steps), f"payment-steps-{row.id}")

        return run

    # --- what the provider's answers do --------------------------------------------------------------

    async def on_change(self, change: PaymentChange) -> None:
        """Act on a payment that moved on (called after its change committed, once per change)."""
        if change.event is PaymentEvent.HOLD_PLACED:
            # The status stays REQUESTED (the domain asks only for the remote start); the payment's own
            # compare-and-set makes this run once per hold, and the mark once per session.
            async with self._db.read() as session:
                status = await session.scalar(
                    select(ChargeSession.status).where(ChargeSession.id == change.charge_session_id)
                )
            if status is None:
                return
            transition = apply(cast("SessionStatus", status), SessionEvent.PAYMENT_AUTHORIZED)
            if Effect.SEND_REMOTE_START in transition.effects:
                if await self._records.mark_remote_start(change.charge_session_id):
                    self._background.spawn(
                        self._charger_commands.remote_start(change.charge_session_id),
                        f"remote-start-{change.charge_session_id}",
                    )
            elif status in FINAL_STATUSES:
                # The session ended while the driver authenticated (cancelled, timed out): give the hold back.
                await self._release_late_hold(change.charge_session_id)
        elif change.event is PaymentEvent.DECLINED:
            await self._records.transition(
                change.charge_session_id,
                SessionEvent.PAYMENT_DECLINED,
                status_reason="the card was declined (or its authentication failed)",
            )

    async def _release_late_hold(self, charge_session_id: str) -> None:
        async with self._db.transaction() as session:
            row = await session.scalar(select(ChargeSession).where(ChargeSession.id == charge_session_id))
            steps = await self.steps.plan_release(session, row) if row is not None else []
        if steps:
            # Not awaited: this runs inside the step that learned the hold, which holds the payment's lock (a
            # release that first had to learn its hold, the reconciler's replay of a lost hold), and the release
            # waits for that lock; awaited here it waited for itself, and the hold was never given back.
            self._background.spawn(self.steps.run(steps), f"payment-release-{charge_session_id}")

    async def with_change(self, session: AsyncSession, change: PaymentChange) -> None:
        """Inside the transaction of a payment's change: the receipt once paid, and the partner's webhook."""
        if change.event not in _WEBHOOK_OF:
            return
        found = (
            await session.execute(
                select(ChargeSession, SessionPayment)
                .join(SessionPayment, SessionPayment.session_pk == ChargeSession.pk)
                .where(SessionPayment.pk == change.payment_pk)
            )
        ).first()
        if found is None:
            return
        row, payment = found
        if change.status == "CAPTURED" and row.total_cost is not None and row.currency is not None:
            card_hint = None
            if payment.payment_method_id is not None:
                card_hint = await session.scalar(
                    select(PaymentMethod.card_hint).where(PaymentMethod.id == payment.payment_method_id)
                )
            paid = PaidWith(
                amount=Decimal(payment.captured_amount),
                method="PSP",
                psp=payment.provider,
                psp_transaction_id=payment.reference,
                card_hint=card_hint,
            )
            await self._receipts.issue(session, row, paid)
        await enqueue(session, row.partner_id, _WEBHOOK_OF[change.event], _payment_data(row, payment))

    async def psp_card(self, payment_method_id: str) -> PspCard | None:
        """The provider's record of a wallet's card saved with it."""
        async with self._db.read() as session:
            found: PspCard | None = await session.scalar(
                select(PspCard).where(PspCard.payment_method_id == payment_method_id)
            )
            return found


def _payment_data(row: ChargeSession, payment: SessionPayment) -> dict[str, object]:
    return {
        "chargeSessionId": row.id,
        "paymentId": payment.id,
        "provider": payment.provider,
        "status": payment.status,
        "currency": payment.currency,
        "amountDue": payment.amount_due,
        "capturedAmount": payment.captured_amount,
        "pspTransactionId": payment.reference,
        "failureCode": payment.failure_code,
    }
