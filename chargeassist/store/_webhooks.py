"""Tables of partner webhooks: the endpoints a partner registered, the outbox of events and the delivery log.

An event is written in the transaction of the change it reports, with one delivery per subscribed endpoint, so
what commits is announced and what rolls back is not; the delivery worker only ever reads the outbox.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ._models import Base, BigIntPk, utcnow

__all__ = ["WebhookDelivery", "WebhookEndpoint", "WebhookEvent"]


class WebhookEndpoint(Base):
    """A URL of a partner that receives the event types it subscribed to, signed with its own secret."""

    __tablename__ = "webhook_endpoints"
    # Also the index of the enqueue path: every announced change looks up its partner's endpoints by it.
    __table_args__ = (UniqueConstraint("partner_id", "endpoint_id", name="uq_webhook_endpoints_partner_endpoint"),)

    pk: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    # Chosen by the partner (the path of its PUT), unique within the partner only.
    endpoint_id: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(String(2048))
    # The subscribed event types, as a JSON list.
    events: Mapped[str] = mapped_column(Text)
    # Kept as it is because signing needs it; it leaves the store only in the answer that created it.
    secret: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class WebhookEvent(Base):
    """One announced change of a partner's: the outbox row its deliveries are sent from."""

    __tablename__ = "webhook_events"

    pk: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(40))
    # The event's ``data`` as JSON text, encoded once when it was enqueued.
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookDelivery(Base):
    """One event for one endpoint: its state, its attempts and the last answer it got."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("endpoint_pk", "event_pk", name="uq_webhook_deliveries_endpoint_event"),
        # The worker's claim: each endpoint's oldest pending delivery is the first entry under (endpoint, PENDING).
        # A partial index over pending rows would be smaller, but SQLite (without statistics) prefers the log's
        # index of the same columns and walks an endpoint's whole history to find it has nothing pending.
        Index("ix_webhook_deliveries_queue", "endpoint_pk", "status", "pk"),
        # The delivery log, newest first (read backwards).
        Index("ix_webhook_deliveries_endpoint_log", "endpoint_pk", "pk"),
    )

    pk: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    endpoint_pk: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.pk", ondelete="CASCADE"))
    event_pk: Mapped[int] = mapped_column(ForeignKey("webhook_events.pk", ondelete="CASCADE"), index=True)
    # PENDING until a 2xx answer (DELIVERED) or until its retry window has passed (FAILED).
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # When the worker may send it next; a claimed delivery is pushed ahead by the claim's lease.
    next_attempt_at: Mapped[datetime | None] = mapped_column()
    # Where its retry window opens: when it was created, or last replayed (the window's length is configured).
    retry_from: Mapped[datetime] = mapped_column()
    last_attempt_at: Mapped[datetime | None] = mapped_column()
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
