"""Tables of the money: a session's payment, the outbox of provider steps, and the provider events seen.

Amounts are Decimal text in the currency's major unit, like every other amount in the store, so nothing
is rounded on the way in or out.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ._models import Base, BigIntPk, utcnow

__all__ = ["PaymentStep", "ProviderEvent", "PspCard", "PspCustomer", "SessionPayment"]


class SessionPayment(Base):
    """How one charging session is paid: the hold, what was captured, and whether it is still owed.

    ``status`` is the domain's ``PaymentStatus``; ``reference`` is the provider's id of the hold (Stripe:
    the PaymentIntent). A payment whose status is FAILED or PARTIALLY_FAILED is a failed payment the
    driver owes; ``next_retry_at`` is when it is tried again automatically.
    """

    __tablename__ = "session_payments"
    __table_args__ = (
        Index("ix_session_payments_app_token_status", "app_token_pk", "status"),
        Index("ix_session_payments_next_retry_at", "next_retry_at"),
    )

    pk: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    session_pk: Mapped[int] = mapped_column(ForeignKey("charge_sessions.pk", ondelete="CASCADE"), unique=True)
    app_token_pk: Mapped[int] = mapped_column(BigInteger)
    provider: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3))
    authorized_amount: Mapped[str] = mapped_column(String(40), default="0")
    captured_amount: Mapped[str] = mapped_column(String(40), default="0")
    amount_due: Mapped[str | None] = mapped_column(String(40))
    """What the session cost, once priced; owed while the payment is unpaid."""
    reference: Mapped[str | None] = mapped_column(String(255))
    client_secret: Mapped[str | None] = mapped_column(String(255))
    """Only while the driver must complete 3-D Secure; cleared once the hold is placed or released."""
    psp_customer_id: Mapped[str | None] = mapped_column(String(255))
    psp_payment_method_id: Mapped[str | None] = mapped_column(String(255))
    payment_method_id: Mapped[str | None] = mapped_column(String(40))
    can_raise: Mapped[bool] = mapped_column(default=False)
    failure_code: Mapped[str | None] = mapped_column(String(64))
    failure_message: Mapped[str | None] = mapped_column(String(500))
    retries: Mapped[int] = mapped_column(Integer, default=0)
    next_retry_at: Mapped[datetime | None] = mapped_column()
    authorized_at: Mapped[datetime | None] = mapped_column()
    paid_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PaymentStep(Base):
    """One call to the payment provider, recorded before it is made and again once it is answered.

    A step that stays PENDING is one whose outcome is unknown (the process died, the network failed after
    the request left): the reconciler makes the same call again with the same ``idempotency_key``, and the
    provider answers what it did the first time, so a hold or a capture happens once, never twice.
    """

    __tablename__ = "payment_steps"
    __table_args__ = (Index("ix_payment_steps_status_next_attempt_at", "status", "next_attempt_at"),)

    pk: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    payment_pk: Mapped[int] = mapped_column(ForeignKey("session_payments.pk", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    amount: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16))
    """PENDING (asked, outcome unknown), DONE, or FAILED (the provider refused: final)."""
    reference: Mapped[str | None] = mapped_column(String(255))
    error: Mapped[str | None] = mapped_column(String(500))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()


class ProviderEvent(Base):
    """A webhook event from a payment provider, kept by id so a redelivery is acknowledged and ignored."""

    __tablename__ = "provider_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    type: Mapped[str] = mapped_column(String(100))
    document: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class PspCustomer(Base):
    """The payment provider's customer for one app token, made once when the driver first saves a card."""

    __tablename__ = "psp_customers"
    __table_args__ = (UniqueConstraint("app_token_pk", "provider"),)

    pk: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    app_token_pk: Mapped[int] = mapped_column(ForeignKey("app_tokens.pk", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(16))
    customer_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PspCard(Base):
    """What the provider told us about a card saved with it (a wallet's payment method of type PSP).

    Only the provider's ids and what the driver sees (brand, last four digits, expiry) are kept: the card
    number never reaches the service.
    """

    __tablename__ = "psp_cards"

    payment_method_id: Mapped[str] = mapped_column(
        ForeignKey("payment_methods.id", ondelete="CASCADE"), primary_key=True
    )
    provider: Mapped[str] = mapped_column(String(16))
    psp_payment_method_id: Mapped[str] = mapped_column(String(255), index=True)
    psp_customer_id: Mapped[str] = mapped_column(String(255))
    brand: Mapped[str | None] = mapped_column(String(32))
    last4: Mapped[str | None] = mapped_column(String(4))
    expiry_month: Mapped[int | None] = mapped_column(Integer)
    expiry_year: Mapped[int | None] = mapped_column(Integer)
