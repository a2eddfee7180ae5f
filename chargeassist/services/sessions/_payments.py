"""Paying for a session: the payment steps the state machine asks for, run through the payment outbox, and what
the provider's answers do to the session (the remote start once the hold is in place, the receipt once paid).

The steps are planned inside the transaction of the session change that asks for them (a hold with the new
session, the capture with the CDR, the release with the end), so a change that commits has its step recorded,
and a step is never recorded for a change that did not commit.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Final, cast

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from chargeassist.domain.payments import HoldAdvice, PaymentEvent, check_hold
from chargeassist.domain.sessions import (
    FINAL_STATUSES,
    Effect,
    SessionEvent,
    SessionStatus,
    Transition,
    apply,
)
from chargeassist.domain.tariffs import TariffValidationError
from chargeassist.payments import PaymentError
from chargeassist.store import ChargeSession, Database, PaymentMethod, PaymentStep, PspCard, SessionPayment, utcnow

from .._payments import PaymentChange, PaymentSteps
from .._receipts import PaidWith, ReceiptService
from .._webhooks import enqueue
from ._charger_commands import ChargerCommands
from ._records import Background, SessionRecords
from ._views import readings_of, running_cost

__all__ = ["SessionPayments"]

_log = logging.getLogger("chargeassist.sessions")
# A held session's running cost is priced at most this often: pricing reads all its readings, and at 80 % of
# the hold there is room for several such rounds before the cost could pass it.
HOLD_CHECK_INTERVAL_S: Final = 10.0
_WATCHED_MAX: Final = 100_000
_UNSEEN: Final = -1.0
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
        self.hold_check_interval_s = HOLD_CHECK_INTERVAL_S
        # Per transaction seen here: when its hold was last checked, or None once known to have no hold to
        # watch. Only this dict is touched on the MeterValues path; the store is read in the background.
        self._watched: dict[int, float | None] = {}

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

    # --- the hold while charging ---------------------------------------------------------------------

    def watch_hold(self, transaction_id: int) -> None:
        """Called for each stored batch of a transaction's readings: schedules a check of the hold when one is
        due. Costs one dict lookup for a session without a hold (after its first check found none)."""
        last = self._watched.get(transaction_id, _UNSEEN)
        if last is None:
            return
        now = time.monotonic()
        if last == _UNSEEN:
            if len(self._watched) >= _WATCHED_MAX:
                self._watched.clear()
            # The first check comes within one interval of the first reading, spread out so that charge points
            # starting together (after an outage) do not send their checks to the store together.
            self._watched[transaction_id] = now - random.random() * self.hold_check_interval_s  # not a secret
            return
        if now - last < self.hold_check_interval_s:
            return
        self._watched[transaction_id] = now
        self._background.spawn(self.check_hold(transaction_id), f"hold-check-{transaction_id}")

    async def check_hold(self, transaction_id: int) -> None:
        """Price the running session and raise its hold before the cost reaches it; where it cannot be
        raised, stop the session at the hold or carry on, as the operator chose."""
        async with self._db.read() as session:
            found = (
                await session.execute(
                    select(ChargeSession, SessionPayment)
                    .join(SessionPayment, SessionPayment.session_pk == ChargeSession.pk)
                    .where(ChargeSession.transaction_id == transaction_id)
                )
            ).first()
            if found is None or found[1].status != "AUTHORIZED" or found[0].meter_stop is not None:
                self._watched[transaction_id] = None
                return
            row, payment = found
            readings = await readings_of(session, transaction_id)
            first_hold = await session.scalar(
                select(PaymentStep.amount).where(PaymentStep.payment_pk == payment.pk, PaymentStep.kind == "authorize")
            )
        try:
            running = running_cost(row, readings)
        except (ValueError, ArithmeticError, TariffValidationError):
            _log.exception("session %s: pricing the running session failed; its hold is not checked", row.id)
            self._watched[transaction_id] = None
            return
        held = Decimal(payment.authorized_amount)
        step = Decimal(first_hold) if first_hold else held
        when_exceeded = self.steps.hold_exceeded
        advice = check_hold(running, held, step=step, can_raise=payment.can_raise, when_exceeded=when_exceeded)
        if advice.advice is HoldAdvice.RAISE and advice.new_amount is not None:
            try:
                if await self.steps.raise_hold(payment.pk, row.id, advice.new_amount):
                    _log.info("session %s: hold raised to %s (running cost %s)", row.id, advice.new_amount, running)
                    return
            except PaymentError:
                _log.warning("session %s: raising its hold failed", row.id)
            async with self._db.read() as session:
                can_raise = await session.scalar(
                    select(SessionPayment.can_raise).where(SessionPayment.pk == payment.pk)
                )
            if can_raise is not False:
                return  # the answer is not known yet (the reconciler asks again): no reason to stop
            # Refused: the card allows no more, so what happens at the hold is the operator's choice.
            advice = check_hold(running, held, step=step, can_raise=False, when_exceeded=when_exceeded)
        if advice.advice is HoldAdvice.STOP and row.status == "CHARGING":
            await self._stop_at_the_hold(row.id, running, held)

    async def _stop_at_the_hold(self, session_id: str, running: Decimal, held: Decimal) -> None:
        _log.info(
            "session %s: running cost %s reached its hold of %s, which cannot be raised: stopping",
            session_id,
            running,
            held,
        )
        _, transition = await self._records.transition(
            session_id,
            SessionEvent.STOP_REQUESTED,
            stop_requested_at=utcnow(),
            status_reason="stopped at the card's hold, which could not be raised",
        )
        if Effect.SEND_REMOTE_STOP in transition.effects:
            self._background.spawn(self._charger_commands.remote_stop(session_id), f"remote-stop-{session_id}")

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
