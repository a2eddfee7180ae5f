"""The payment steps of sessions, executed exactly once: each call to the provider is recorded in the store
before it is made (a step, PENDING) and again once it is answered (DONE or FAILED), in an outbox.

A step whose answer never came (the process died between the call and the commit, the network failed after
the request left) stays PENDING; :meth:`PaymentSteps.reconcile` makes the same call again with the same
idempotency key, so the provider answers what it did the first time: one hold, one capture, never two.

The session engine plans steps inside the transaction of the session change that asks for them (a hold with
the new session, the capture with the CDR, the release with the end) and runs them after it commits; what the
provider answered comes back to it as a :class:`PaymentChange`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import secrets
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Final, Literal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from chargeassist.domain.payments import PaymentEvent, PaymentStatus, apply_payment, settle
from chargeassist.payments import (
    AuthorizationStatus,
    ChargeStatus,
    IncrementNotSupported,
    PaymentDeclined,
    PaymentError,
    PaymentProvider,
    PaymentProviders,
    PaymentProviderUnavailable,
    PaymentRequestRefused,
    PaymentState,
    idempotency_key,
)
from chargeassist.settings import PaymentSettings
from chargeassist.store import ChargeSession, Database, PaymentStep, ProviderEvent, SessionPayment, utcnow

__all__ = [
    "FailedPayment",
    "PaymentChange",
    "PaymentSteps",
    "StepKind",
]

_log = logging.getLogger("chargeassist.payments")

StepKind = str
"""``authorize``, ``capture``, ``top_up``, ``release``, ``increment-N``, ``retry-N``."""

# The request path runs its own step at once; the reconciler leaves a fresh step alone this long, so the two
# do not make the same call side by side (harmless with the idempotency key, but it costs a round trip).
_INLINE_GRACE: Final = timedelta(seconds=30)
# A step or retry the reconciler runs is claimed for this long: longer than its provider calls may take (20 s each
# at most with the Stripe client's timeout, a step makes two or three), short enough that one a dead process
# claimed is run again soon.
_RECONCILE_CLAIM: Final = timedelta(minutes=2)
# An unknown outcome is asked again after 2, 4, 8 ... s (with jitter), at most every five minutes.
_BACKOFF_BASE_S: Final = 2.0
_BACKOFF_MAX_S: Final = 300.0
_ZERO: Final = Decimal(0)
# Set while a caller handles the answers itself (the start request, which must answer 402 and leave no session
# behind on a decline, rather than have the session engine reject a session it is about to drop).
_quiet: ContextVar[bool] = ContextVar("payment_changes_quiet", default=False)


def _amount(text: str | None) -> Decimal:
    return Decimal(text) if text else _ZERO


def _backoff(attempts: int) -> timedelta:
    delay = min(_BACKOFF_MAX_S, _BACKOFF_BASE_S * (2 ** max(0, attempts - 1)))
    return timedelta(seconds=delay * (0.5 + random.random() / 2))  # jitter, not a secret


def new_payment_id() -> str:
    return "pay_" + secrets.token_hex(12)


@dataclass(frozen=True, slots=True)
class PaymentChange:
    """A payment moved on: what the provider answered, for the session engine to act on."""

    charge_session_id: str
    payment_pk: int
    event: PaymentEvent
    status: PaymentStatus


@dataclass(frozen=True, slots=True)
class _Loaded:
    step: PaymentStep
    payment: SessionPayment
    charge_session_id: str


class PaymentSteps:
    """Plans, runs and reconciles the provider calls of session payments."""

    def __init__(
        self,
        db: Database,
        providers: PaymentProviders,
        settings: PaymentSettings,
    ) -> None:
        self._db = db
        self._providers = providers
        self._settings = settings
        self._locks: dict[int, asyncio.Lock] = {}
        self.on_change: Callable[[PaymentChange], Awaitable[None]] | None = None
        """Set by the session engine: told of every change of a payment's status, after it committed."""
        self.in_transaction: Callable[[AsyncSession, PaymentChange], Awaitable[None]] | None = None
        """Set by the session engine: what a change of a payment's status writes with it, in its transaction
        (the receipt of a paid session, the partner's webhook), so the two are seen together or not at all."""

    @staticmethod
    @contextlib.contextmanager
    def quiet() -> Iterator[None]:
        """Within it, payment changes are recorded but :attr:`on_change` is not called."""
        token = _quiet.set(True)
        try:
            yield
        finally:
            _quiet.reset(token)

    @property
    def hold_exceeded(self) -> Literal["stop", "continue"]:
        """What a session does when its cost reaches a hold that cannot be raised: ``stop`` or ``continue``."""
        return self._settings.payment_hold_exceeded

    @property
    def stripe_enabled(self) -> bool:
        """Whether Stripe cards can be held and charged (a Stripe account is configured)."""
        return self._providers.stripe is not None

    def provider(self, name: str) -> PaymentProvider:
        """The provider a payment was made with."""
        if name == "STRIPE" and self._providers.stripe is not None:
            return self._providers.stripe
        if name == "EXTERNAL":
            return self._providers.external
        raise PaymentError(f"payment provider {name} is not configured", code="payment_provider_not_configured")

    # --- planning (inside the caller's transaction) --------------------------------------------------

    async def plan_hold(
        self,
        session: AsyncSession,
        *,
        charge_session: ChargeSession,
        provider: str,
        amount: Decimal,
        currency: str,
        psp_customer_id: str,
        psp_payment_method_id: str,
    ) -> int:
        """Record the payment of a new session and its ``authorize`` step; returns the step to run."""
        payment = SessionPayment(
            id=new_payment_id(),
            session_pk=charge_session.pk,
            app_token_pk=charge_session.app_token_pk,
            provider=provider,
            status="NONE",
            currency=currency,
            authorized_amount="0",
            captured_amount="0",
            psp_customer_id=psp_customer_id,
            psp_payment_method_id=psp_payment_method_id,
            payment_method_id=charge_session.payment_method_id,
            can_raise=False,
            retries=0,
        )
        session.add(payment)
        await session.flush()
        return await self._add_step(session, payment.pk, charge_session.id, "authorize", amount)

    async def plan_settlement(self, session: AsyncSession, charge_session: ChargeSession) -> list[int]:
        """The steps that pay a priced session from its hold: capture (and the top-up above the hold), or the
        release when there is nothing to pay. None for a session without a held payment."""
        payment = await self._payment_of(session, charge_session.pk)
        if payment is None or payment.status not in {"AUTHORIZED", "REQUIRES_ACTION", "NONE"}:
            return []
        total = _amount(charge_session.total_cost)
        await session.execute(
            update(SessionPayment).where(SessionPayment.pk == payment.pk).values(amount_due=str(total))
        )
        if payment.status != "AUTHORIZED":
            # Priced while the hold was never placed (a charger that started without waiting): nothing held,
            # so everything is charged on top, once the hold is settled one way or the other.
            return [await self._add_step(session, payment.pk, charge_session.id, "release", None)]
        plan = settle(total, _amount(payment.authorized_amount))
        if plan.releases:
            return [await self._add_step(session, payment.pk, charge_session.id, "release", None)]
        steps = [await self._add_step(session, payment.pk, charge_session.id, "capture", plan.capture)]
        if plan.top_up > 0:
            steps.append(await self._add_step(session, payment.pk, charge_session.id, "top_up", plan.top_up))
        return steps

    async def plan_release(self, session: AsyncSession, charge_session: ChargeSession) -> list[int]:
        """The step that gives back the hold of a session that ended without charging."""
        payment = await self._payment_of(session, charge_session.pk)
        if payment is None or payment.status in {"RELEASED", "CAPTURED", "FAILED", "PARTIALLY_FAILED"}:
            return []
        return [await self._add_step(session, payment.pk, charge_session.id, "release", None)]

    async def raise_hold(self, payment_pk: int, charge_session_id: str, new_amount: Decimal) -> bool:
        """Ask for a bigger hold while the session charges (an ``increment-N`` step, run now); True when the
        hold is raised. A raise whose answer is still unknown is asked again by the reconciler, not doubled."""
        async with self._db.transaction() as session:
            kinds = (
                await session.execute(
                    select(PaymentStep.kind, PaymentStep.status).where(
                        PaymentStep.payment_pk == payment_pk, PaymentStep.kind.like("increment-%")
                    )
                )
            ).all()
            if any(status == "PENDING" for _, status in kinds):
                return False
            step_pk = await self._add_step(
                session, payment_pk, charge_session_id, f"increment-{len(kinds) + 1}", new_amount
            )
        await self.run_step(step_pk)
        async with self._db.read() as session:
            held = await session.scalar(select(SessionPayment.authorized_amount).where(SessionPayment.pk == payment_pk))
        return held is not None and _amount(held) >= new_amount

    async def _payment_of(self, session: AsyncSession, session_pk: int) -> SessionPayment | None:
        found: SessionPayment | None = await session.scalar(
            select(SessionPayment).where(SessionPayment.session_pk == session_pk)
        )
        return found

    async def _add_step(
        self, session: AsyncSession, payment_pk: int, charge_session_id: str, kind: StepKind, amount: Decimal | None
    ) -> int:
        key = idempotency_key(charge_session_id, kind)
        existing = await session.scalar(select(PaymentStep.pk).where(PaymentStep.idempotency_key == key))
        if existing is not None:
            return int(existing)
        step = PaymentStep(
            payment_pk=payment_pk,
            kind=kind,
            idempotency_key=key,
            amount=None if amount is None else str(amount),
            status="PENDING",
            attempts=0,
            next_attempt_at=utcnow() + _INLINE_GRACE,
        )
        session.add(step)
        await session.flush()
        return step.pk

    # --- running -------------------------------------------------------------------------------------

    async def run(self, step_pks: list[int]) -> None:
        """Run steps in order; a step that cannot run yet (its outcome unknown) leaves the rest to the
        reconciler, which keeps the order."""
        for pk in step_pks:
            if not await self.run_step(pk):
                return

    async def run_step(self, step_pk: int) -> bool:
        """Make the step's call and record its answer; False when the outcome is still unknown."""
        loaded = await self._load(step_pk)
        if loaded is None:
            return True
        # One call at a time per payment in this process: a release waits for the hold it releases.
        async with self._locks.setdefault(loaded.payment.pk, asyncio.Lock()):
            return await self._execute_nested(step_pk)

    async def _load(self, step_pk: int) -> _Loaded | None:
        async with self._db.read() as session:
            row = (
                await session.execute(
                    select(PaymentStep, SessionPayment, ChargeSession.id)
                    .join(SessionPayment, SessionPayment.pk == PaymentStep.payment_pk)
                    .join(ChargeSession, ChargeSession.pk == SessionPayment.session_pk)
                    .where(PaymentStep.pk == step_pk)
                )
            ).first()
        if row is None:
            return None
        return _Loaded(step=row[0], payment=row[1], charge_session_id=row[2])

    async def _execute(self, loaded: _Loaded) -> bool:
        step, payment = loaded.step, loaded.payment
        provider = self.provider(payment.provider)
        kind = step.kind
        if kind == "authorize":
            return await self._authorize(loaded, provider)
        if kind == "capture":
            return await self._capture(loaded, provider)
        if kind == "top_up" or kind.startswith("retry-"):
            return await self._charge(loaded, provider)
        if kind == "release":
            return await self._release(loaded, provider)
        if kind.startswith("increment-"):
            return await self._increment(loaded, provider)
        await self._finish(step, "FAILED", error=f"unknown step {kind}")
        return True

    async def _authorize(self, loaded: _Loaded, provider: PaymentProvider) -> bool:
        step, payment = loaded.step, loaded.payment
        amount = _amount(step.amount)
        answer = await provider.authorize(
            amount=amount,
            currency=payment.currency,
            customer=payment.psp_customer_id or "",
            payment_method=payment.psp_payment_method_id or "",
            idempotency_key=step.idempotency_key,
            metadata={"charge_session_id": loaded.charge_session_id, "payment_id": payment.id},
        )
        if answer.status is AuthorizationStatus.AUTHORIZED:
            await self._record(
                loaded,
                PaymentEvent.HOLD_PLACED,
                step_status="DONE",
                reference=answer.reference,
                values={
                    "reference": answer.reference,
                    "authorized_amount": str(answer.amount),
                    "authorized_at": utcnow(),
                    "client_secret": None,
                    "can_raise": True,
                },
            )
        elif answer.status is AuthorizationStatus.REQUIRES_ACTION:
            await self._record(
                loaded,
                PaymentEvent.ACTION_REQUIRED,
                step_status="DONE",
                reference=answer.reference,
                values={"reference": answer.reference, "client_secret": answer.client_secret},
            )
        else:
            decline = answer.decline
            await self._record(
                loaded,
                PaymentEvent.DECLINED,
                step_status="FAILED",
                reference=answer.reference,
                error=decline.message if decline else "declined",
                values={
                    "reference": answer.reference,
                    "failure_code": (decline.decline_code or decline.code) if decline else "declined",
                    "failure_message": decline.message[:500] if decline else None,
                },
            )
        return True

    async def _capture(self, loaded: _Loaded, provider: PaymentProvider) -> bool:
        step, payment = loaded.step, loaded.payment
        if payment.reference is None:
            await self._finish(step, "FAILED", error="no hold to capture")
            return True
        amount = _amount(step.amount)
        state: PaymentState | None
        try:
            state = await provider.capture(payment.reference, amount, idempotency_key=step.idempotency_key)
        except PaymentProviderUnavailable:
            raise
        except PaymentError as exc:
            # Any final refusal (declined, refused, the PaymentIntent gone): the money is owed, never dropped.
            state = await self._current(provider, payment.reference)
            # Captured by a first attempt whose answer was lost: the provider's record says so.
            if state is None or state.amount_received < amount:
                await self._failed_capture(loaded, exc)
                return True
        top_up_waits = await self._has_pending(payment.pk, "top_up")
        values = {"captured_amount": str(state.amount_received if state else amount)}
        if top_up_waits:
            await self._finish(step, "DONE", reference=payment.reference, values=values)
        else:
            await self._record(
                loaded, PaymentEvent.CAPTURED, step_status="DONE", reference=payment.reference, values=values
            )
        return True

    async def _failed_capture(self, loaded: _Loaded, exc: PaymentError) -> None:
        # Nothing was taken: the whole amount is owed, and the top-up (if any) is part of that debt now.
        async with self._db.transaction() as session:
            await session.execute(
                update(PaymentStep)
                .where(
                    PaymentStep.payment_pk == loaded.payment.pk,
                    PaymentStep.kind == "top_up",
                    PaymentStep.status == "PENDING",
                )
                .values(status="FAILED", error="capture failed; owed as a failed payment", finished_at=utcnow())
            )
        await self._record(
            loaded,
            PaymentEvent.CAPTURE_FAILED,
            step_status="FAILED",
            error=exc.message,
            values={"failure_code": exc.code, "failure_message": exc.message[:500], **self._first_retry()},
        )

    async def _charge(self, loaded: _Loaded, provider: PaymentProvider) -> bool:
        step, payment = loaded.step, loaded.payment
        if step.kind == "top_up" and await self._has_pending(payment.pk, "capture"):
            return False
        amount = _amount(step.amount)
        is_retry = step.kind.startswith("retry-")
        try:
            answer = await provider.charge_off_session(
                amount=amount,
                currency=payment.currency,
                customer=payment.psp_customer_id or "",
                payment_method=payment.psp_payment_method_id or "",
                idempotency_key=step.idempotency_key,
                metadata={"charge_session_id": loaded.charge_session_id, "payment_id": payment.id, "step": step.kind},
            )
            succeeded = answer.status in {ChargeStatus.SUCCEEDED, ChargeStatus.PROCESSING}
            reference, decline = answer.reference, answer.decline
            failure = (decline.decline_code or decline.code, decline.message) if decline else ("declined", "declined")
        except PaymentProviderUnavailable:
            raise
        except PaymentError as exc:
            # Declined, or refused for good (the card or its customer gone): owed as a failed payment.
            succeeded, reference = False, None
            failure = (getattr(exc, "decline_code", None) or exc.code, exc.message)
        captured = _amount(payment.captured_amount)
        if succeeded:
            await self._record(
                loaded,
                PaymentEvent.PAID_ON_RETRY if is_retry else PaymentEvent.CAPTURED,
                step_status="DONE",
                reference=reference,
                values={
                    "captured_amount": str(captured + amount),
                    "failure_code": None,
                    "failure_message": None,
                    "next_retry_at": None,
                    "paid_at": utcnow(),
                },
            )
            return True
        values: dict[str, object] = {"failure_code": failure[0][:64], "failure_message": failure[1][:500]}
        if is_retry:
            retries = payment.retries + 1
            values |= {"retries": retries, "next_retry_at": self._retry_at(retries)}
            await self._finish(step, "FAILED", reference=reference, error=failure[1], values=values)
        else:
            await self._record(
                loaded,
                PaymentEvent.TOP_UP_FAILED,
                step_status="FAILED",
                reference=reference,
                error=failure[1],
                values=values | self._first_retry(),
            )
        return True

    async def _release(self, loaded: _Loaded, provider: PaymentProvider) -> bool:
        step, payment = loaded.step, loaded.payment
        authorize = await self._step(payment.pk, "authorize")
        if authorize is not None and authorize.status == "PENDING":
            # The hold's own answer is not known yet: learn it first (same key, same answer), then release it.
            if not await self._execute_nested(authorize.pk):
                return False
            reloaded = await self._load(step.pk)
            if reloaded is None:
                return True
            loaded, payment = reloaded, reloaded.payment
        if payment.reference is None or payment.status not in {"AUTHORIZED", "REQUIRES_ACTION"}:
            await self._finish(step, "DONE", error="nothing held")
            return True
        try:
            await provider.release(payment.reference, idempotency_key=step.idempotency_key)
        except PaymentRequestRefused as exc:
            state = await self._current(provider, payment.reference)
            if state is None or state.status.value != "CANCELED":
                await self._finish(step, "FAILED", error=exc.message)
                return True
        await self._record(
            loaded,
            PaymentEvent.RELEASED,
            step_status="DONE",
            reference=payment.reference,
            values={"client_secret": None},
        )
        return True

    async def _execute_nested(self, step_pk: int) -> bool:
        # Called with the payment's lock held: run the step without taking it again.
        loaded = await self._load(step_pk)
        if loaded is None or loaded.step.status != "PENDING":
            return True
        try:
            return await self._execute(loaded)
        except PaymentProviderUnavailable as exc:
            await self._unknown(loaded.step, str(exc))
            return False
        except PaymentError as exc:
            # A refusal that is not a decline (the card was detached, the account refused the request): final.
            if loaded.step.kind == "authorize":
                await self._record(
                    loaded,
                    PaymentEvent.DECLINED,
                    step_status="FAILED",
                    error=exc.message,
                    values={"failure_code": exc.code, "failure_message": exc.message[:500]},
                )
            else:
                await self._finish(loaded.step, "FAILED", error=exc.message)
            return True

    async def _increment(self, loaded: _Loaded, provider: PaymentProvider) -> bool:
        step, payment = loaded.step, loaded.payment
        if payment.reference is None or payment.status != "AUTHORIZED":
            await self._finish(step, "DONE", error="no hold to raise")
            return True
        try:
            state = await provider.increment_authorization(
                payment.reference, _amount(step.amount), idempotency_key=step.idempotency_key
            )
        except (IncrementNotSupported, PaymentDeclined, PaymentRequestRefused) as exc:
            await self._finish(step, "FAILED", error=exc.message, values={"can_raise": False})
            return True
        await self._finish(step, "DONE", values={"authorized_amount": str(state.amount)})
        return True

    # --- recording -----------------------------------------------------------------------------------

    async def _record(
        self,
        loaded: _Loaded,
        event: PaymentEvent,
        *,
        step_status: str,
        reference: str | None = None,
        error: str | None = None,
        values: Mapping[str, object] | None = None,
    ) -> None:
        """Finish the step and move the payment on in one transaction; tell the session engine after it."""
        change: PaymentChange | None = None
        async with self._db.transaction() as session:
            payment = await session.scalar(
                select(SessionPayment).where(SessionPayment.pk == loaded.payment.pk).with_for_update()
            )
            if payment is None:
                return
            transition = apply_payment(payment.status, event)  # type: ignore[arg-type]
            updates: dict[str, object] = dict(values or {})
            if transition.changed:
                updates["status"] = transition.status
                change = PaymentChange(loaded.charge_session_id, payment.pk, event, transition.status)
            if updates:
                await session.execute(update(SessionPayment).where(SessionPayment.pk == payment.pk).values(**updates))
            await self._finish_in(session, loaded.step, step_status, reference=reference, error=error)
            if change is not None and self.in_transaction is not None:
                await self.in_transaction(session, change)
        if change is not None and self.on_change is not None and not _quiet.get():
            try:
                await self.on_change(change)
            except Exception:
                _log.exception("session %s: acting on payment %s failed", change.charge_session_id, change.status)

    async def _finish(
        self,
        step: PaymentStep,
        status: str,
        *,
        reference: str | None = None,
        error: str | None = None,
        values: Mapping[str, object] | None = None,
    ) -> None:
        async with self._db.transaction() as session:
            if values:
                await session.execute(
                    update(SessionPayment).where(SessionPayment.pk == step.payment_pk).values(**values)
                )
            await self._finish_in(session, step, status, reference=reference, error=error)

    @staticmethod
    async def _finish_in(
        session: AsyncSession, step: PaymentStep, status: str, *, reference: str | None, error: str | None
    ) -> None:
        await session.execute(
            update(PaymentStep)
            .where(PaymentStep.pk == step.pk, PaymentStep.status == "PENDING")
            .values(
                status=status,
                reference=reference,
                error=None if error is None else error[:500],
                attempts=step.attempts + 1,
                finished_at=utcnow(),
                next_attempt_at=None,
            )
        )

    async def _unknown(self, step: PaymentStep, error: str) -> None:
        attempts = step.attempts + 1
        _log.warning("payment step %s (%s): outcome unknown, asking again later: %s", step.pk, step.kind, error)
        async with self._db.transaction() as session:
            await session.execute(
                update(PaymentStep)
                .where(PaymentStep.pk == step.pk, PaymentStep.status == "PENDING")
                .values(attempts=attempts, error=error[:500], next_attempt_at=utcnow() + _backoff(attempts))
            )

    async def _has_pending(self, payment_pk: int, kind: str) -> bool:
        found = await self._step(payment_pk, kind)
        return found is not None and found.status == "PENDING"

    async def _step(self, payment_pk: int, kind: str) -> PaymentStep | None:
        async with self._db.read() as session:
            found: PaymentStep | None = await session.scalar(
                select(PaymentStep).where(PaymentStep.payment_pk == payment_pk, PaymentStep.kind == kind)
            )
            return found

    async def _current(self, provider: PaymentProvider, reference: str) -> PaymentState | None:
        try:
            return await provider.retrieve(reference)
        except PaymentError:
            return None

    def _first_retry(self) -> dict[str, object]:
        return {"retries": 0, "next_retry_at": self._retry_at(0)}

    def _retry_at(self, retries: int) -> datetime | None:
        schedule = self._settings.payment_retry_schedule
        return utcnow() + schedule[retries] if retries < len(schedule) else None

    # --- reconciling ---------------------------------------------------------------------------------

    async def reconcile(self, *, now: datetime | None = None) -> int:
        """Run every step whose outcome is unknown and is due, and every failed payment due for its
        automatic retry; returns how many were run.

        What it runs it first claims, in one transaction: each row's due time is moved past ``_RECONCILE_CLAIM``,
        so another reconciler (of a process whose lease ran out while this one ran, see the container) passes it
        over, and on PostgreSQL rows another is claiming are skipped rather than waited for. The run then sets the
        row's next due time itself (done, failed, or asked again after its backoff); a process that dies
        mid-run leaves its claim to expire, and the step is run again then, with the same idempotency key."""
        moment = now or utcnow()
        claimed_until = moment + _RECONCILE_CLAIM
        due_step_query = (
            select(PaymentStep.pk)
            .where(PaymentStep.status == "PENDING", PaymentStep.next_attempt_at <= moment)
            .order_by(PaymentStep.pk)
            .limit(100)
        )
        due_retry_query = (
            select(SessionPayment.pk)
            .where(
                SessionPayment.status.in_(("FAILED", "PARTIALLY_FAILED")),
                SessionPayment.amount_due.is_not(None),
                SessionPayment.next_retry_at <= moment,
            )
            .order_by(SessionPayment.pk)
            .limit(100)
        )
        if not self._db.is_sqlite:
            due_step_query = due_step_query.with_for_update(skip_locked=True)
            due_retry_query = due_retry_query.with_for_update(skip_locked=True)
        async with self._db.transaction() as session:
            due_steps = list((await session.scalars(due_step_query)).all())
            if due_steps:
                await session.execute(
                    update(PaymentStep)
                    .where(PaymentStep.pk.in_(due_steps))
                    .values(next_attempt_at=claimed_until)
                    .execution_options(synchronize_session=False)
                )
            due_retries = list((await session.scalars(due_retry_query)).all())
            if due_retries:
                await session.execute(
                    update(SessionPayment)
                    .where(SessionPayment.pk.in_(due_retries))
                    .values(next_retry_at=claimed_until)
                    .execution_options(synchronize_session=False)
                )
        try:
            for pk in due_steps:
                await self.run_step(pk)
            for pk in due_retries:
                try:
                    await self.retry(pk)
                except PaymentError:
                    _log.exception("automatic retry of payment %s failed", pk)
        finally:
            # What a run left as it was (a top-up behind its capture, a retry that could not be made) is due again
            # at the next round, as before it was claimed.
            await self._unclaim(due_steps, due_retries, claimed_until, moment)
        return len(due_steps) + len(due_retries)

    async def _unclaim(self, steps: list[int], retries: list[int], claimed_until: datetime, due: datetime) -> None:
        if not steps and not retries:
            return
        async with self._db.transaction() as session:
            if steps:
                await session.execute(
                    update(PaymentStep)
                    .where(
                        PaymentStep.pk.in_(steps),
                        PaymentStep.status == "PENDING",
                        PaymentStep.next_attempt_at == claimed_until,
                    )
                    .values(next_attempt_at=due)
                    .execution_options(synchronize_session=False)
                )
            if retries:
                await session.execute(
                    update(SessionPayment)
                    .where(SessionPayment.pk.in_(retries), SessionPayment.next_retry_at == claimed_until)
                    .values(next_retry_at=due)
                    .execution_options(synchronize_session=False)
                )

    async def retry(
        self, payment_pk: int, *, psp_payment_method_id: str | None = None, payment_method_id: str | None = None
    ) -> PaymentStatus:
        """Charge what a failed payment still owes, off-session, to its card or another of the wallet's."""
        async with self._db.transaction() as session:
            row = (
                await session.execute(
                    select(SessionPayment, ChargeSession.id)
                    .join(ChargeSession, ChargeSession.pk == SessionPayment.session_pk)
                    .where(SessionPayment.pk == payment_pk)
                    .with_for_update(of=SessionPayment)
                )
            ).first()
            if row is None:
                raise PaymentError("no such payment", code="payment_not_found")
            payment, charge_session_id = row
            if payment.status not in {"FAILED", "PARTIALLY_FAILED"} or payment.amount_due is None:
                return payment.status  # type: ignore[no-any-return]
            owed = _amount(payment.amount_due) - _amount(payment.captured_amount)
            if owed <= 0:
                return payment.status  # type: ignore[no-any-return]
            pending = await session.scalar(
                select(PaymentStep.pk).where(
                    PaymentStep.payment_pk == payment_pk,
                    PaymentStep.kind.like("retry-%"),
                    PaymentStep.status == "PENDING",
                )
            )
            values: dict[str, object] = {"next_retry_at": None}
            # A retry whose answer is unknown is repeated as it was sent (same key, same card), never with another.
            switched = (
                pending is None
                and psp_payment_method_id is not None
                and psp_payment_method_id != payment.psp_payment_method_id
            )
            own_card = {
                "psp_payment_method_id": payment.psp_payment_method_id,
                "payment_method_id": payment.payment_method_id,
            }
            if switched:
                values |= {"psp_payment_method_id": psp_payment_method_id, "payment_method_id": payment_method_id}
            await session.execute(update(SessionPayment).where(SessionPayment.pk == payment_pk).values(**values))
            if pending is not None:
                step_pk = int(pending)
            else:
                attempt = payment.retries + 1
                step_pk = await self._add_step(session, payment_pk, charge_session_id, f"retry-{attempt}", owed)
        await self.run_step(step_pk)
        async with self._db.transaction() as session:
            step_status = await session.scalar(select(PaymentStep.status).where(PaymentStep.pk == step_pk))
            if switched and step_status == "FAILED":
                # The other card was declined: the payment stays on its own card, which the schedule retries.
                await session.execute(update(SessionPayment).where(SessionPayment.pk == payment_pk).values(**own_card))
            found = await session.scalar(select(SessionPayment.status).where(SessionPayment.pk == payment_pk))
        return "NONE" if found is None else found  # type: ignore[return-value]

    async def refresh(self, payment_pk: int) -> None:
        """Ask the provider where a hold that waits for the driver (3-D Secure) stands, and converge to it.

        Webhooks and this re-check may come in any order and any number of times: each moves the payment only
        from the status it is in, to what the provider's current record says."""
        async with self._db.read() as session:
            row = (
                await session.execute(
                    select(SessionPayment, ChargeSession.id)
                    .join(ChargeSession, ChargeSession.pk == SessionPayment.session_pk)
                    .where(SessionPayment.pk == payment_pk)
                )
            ).first()
        if row is None:
            return
        payment, charge_session_id = row
        if payment.status != "REQUIRES_ACTION" or payment.reference is None:
            return
        state = await self.provider(payment.provider).retrieve(payment.reference)
        status = state.status.value
        if status == "REQUIRES_CAPTURE":
            await self._converge(
                payment,
                charge_session_id,
                PaymentEvent.HOLD_PLACED,
                {
                    "authorized_amount": str(state.amount_capturable),
                    "authorized_at": utcnow(),
                    "client_secret": None,
                    "can_raise": True,
                },
            )
        elif status in {"REQUIRES_PAYMENT_METHOD", "CANCELED"}:
            decline = state.decline
            event = PaymentEvent.RELEASED if status == "CANCELED" else PaymentEvent.DECLINED
            await self._converge(
                payment,
                charge_session_id,
                event,
                {
                    "client_secret": None,
                    "failure_code": (decline.decline_code or decline.code) if decline else None,
                    "failure_message": decline.message[:500] if decline else None,
                },
            )

    async def _converge(
        self, payment: SessionPayment, charge_session_id: str, event: PaymentEvent, values: Mapping[str, object]
    ) -> None:
        transition = apply_payment(payment.status, event)  # type: ignore[arg-type]
        if not transition.changed:
            return
        async with self._db.transaction() as session:
            result = await session.execute(
                update(SessionPayment)
                .where(SessionPayment.pk == payment.pk, SessionPayment.status == payment.status)
                .values(status=transition.status, **values)
            )
        if getattr(result, "rowcount", 0) == 1 and self.on_change is not None and not _quiet.get():
            await self.on_change(PaymentChange(charge_session_id, payment.pk, event, transition.status))

    async def payment_by_reference(self, reference: str) -> int | None:
        """The payment a provider's id belongs to (for its webhooks)."""
        async with self._db.read() as session:
            found = await session.scalar(select(SessionPayment.pk).where(SessionPayment.reference == reference))
        return None if found is None else int(found)

    # --- failed payments and provider events ---------------------------------------------------------

    async def has_unpaid(self, app_token_pk: int, provider: str) -> bool:
        """Whether the token owes a failed payment with ``provider`` (it starts no session with it until paid)."""
        async with self._db.read() as session:
            found = await session.scalar(
                select(SessionPayment.pk)
                .where(
                    SessionPayment.app_token_pk == app_token_pk,
                    SessionPayment.provider == provider,
                    SessionPayment.status.in_(("FAILED", "PARTIALLY_FAILED")),
                    SessionPayment.amount_due.is_not(None),
                )
                .limit(1)
            )
        return found is not None

    async def failed_payments(self, app_token_pk: int) -> list[FailedPayment]:
        """The token's failed payments that are still owed, newest first."""
        async with self._db.read() as session:
            rows = (
                await session.execute(
                    select(SessionPayment, ChargeSession.id)
                    .join(ChargeSession, ChargeSession.pk == SessionPayment.session_pk)
                    .where(
                        SessionPayment.app_token_pk == app_token_pk,
                        SessionPayment.status.in_(("FAILED", "PARTIALLY_FAILED")),
                        SessionPayment.amount_due.is_not(None),
                    )
                    .order_by(SessionPayment.pk.desc())
                    .limit(500)
                )
            ).all()
        return [_failed(payment, session_id) for payment, session_id in rows]

    async def failed_payment(self, app_token_pk: int, payment_id: str) -> FailedPayment | None:
        """One payment of the token by id (also once paid), or None when it is not the token's."""
        async with self._db.read() as session:
            row = (
                await session.execute(
                    select(SessionPayment, ChargeSession.id)
                    .join(ChargeSession, ChargeSession.pk == SessionPayment.session_pk)
                    .where(SessionPayment.app_token_pk == app_token_pk, SessionPayment.id == payment_id)
                )
            ).first()
        return None if row is None else _failed(row[0], row[1])

    async def provider_event_seen(self, event_id: str) -> bool:
        """Whether a provider's event was acted on before."""
        async with self._db.read() as session:
            return await session.scalar(select(ProviderEvent.id).where(ProviderEvent.id == event_id)) is not None

    async def record_provider_event(self, event_id: str, provider: str, type_: str, document: str) -> bool:
        """Keep a provider's event by id; False when it was seen before (a redelivery, acknowledged and ignored)."""
        try:
            async with self._db.transaction() as session:
                session.add(ProviderEvent(id=event_id, provider=provider, type=type_, document=document))
        except IntegrityError:
            return False
        return True


@dataclass(frozen=True, slots=True)
class FailedPayment:
    """A payment as the failed-payments list shows it."""

    pk: int
    id: str
    charge_session_id: str
    status: PaymentStatus
    currency: str
    amount_due: Decimal
    amount_paid: Decimal
    payment_method_id: str | None
    failure_code: str | None
    failure_message: str | None
    retries: int
    next_retry_at: datetime | None

    @property
    def amount_outstanding(self) -> Decimal:
        return max(_ZERO, self.amount_due - self.amount_paid)


def _failed(payment: SessionPayment, charge_session_id: str) -> FailedPayment:
    return FailedPayment(
        pk=payment.pk,
        id=payment.id,
        charge_session_id=charge_session_id,
        status=payment.status,  # type: ignore[arg-type]
        currency=payment.currency,
        amount_due=_amount(payment.amount_due),
        amount_paid=_amount(payment.captured_amount),
        payment_method_id=payment.payment_method_id,
        failure_code=payment.failure_code,
        failure_message=payment.failure_message,
        retries=payment.retries,
        next_retry_at=payment.next_retry_at,
    )
