"""partner webhooks: endpoints, a durable outbox of events and their delivery log

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import chargeassist.store._models

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _utc() -> chargeassist.store._models.UtcDateTime:
    return chargeassist.store._models.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "webhook_endpoints",
        sa.Column("pk", _BIGINT_PK, autoincrement=True, nullable=False),
        sa.Column("partner_id", sa.String(length=40), nullable=False),
        sa.Column("endpoint_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("events", sa.Text(), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_webhook_endpoints_partner_id_partners"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_webhook_endpoints")),
        sa.UniqueConstraint("partner_id", "endpoint_id", name="uq_webhook_endpoints_partner_endpoint"),
    )
    op.create_table(
        "webhook_events",
        sa.Column("pk", _BIGINT_PK, autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("partner_id", sa.String(length=40), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_webhook_events_partner_id_partners"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_webhook_events")),
        sa.UniqueConstraint("id", name=op.f("uq_webhook_events_id")),
    )
    with op.batch_alter_table("webhook_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_events_partner_id"), ["partner_id"], unique=False)
    op.create_table(
        "webhook_deliveries",
        sa.Column("pk", _BIGINT_PK, autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("endpoint_pk", _BIGINT_PK, nullable=False),
        sa.Column("event_pk", _BIGINT_PK, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _utc(), nullable=True),
        sa.Column("retry_from", _utc(), nullable=False),
        sa.Column("last_attempt_at", _utc(), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("delivered_at", _utc(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["endpoint_pk"],
            ["webhook_endpoints.pk"],
            name=op.f("fk_webhook_deliveries_endpoint_pk_webhook_endpoints"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_pk"],
            ["webhook_events.pk"],
            name=op.f("fk_webhook_deliveries_event_pk_webhook_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_webhook_deliveries")),
        sa.UniqueConstraint("endpoint_pk", "event_pk", name="uq_webhook_deliveries_endpoint_event"),
        sa.UniqueConstraint("id", name=op.f("uq_webhook_deliveries_id")),
    )
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_deliveries_event_pk"), ["event_pk"], unique=False)
        batch_op.create_index("ix_webhook_deliveries_queue", ["endpoint_pk", "status", "pk"], unique=False)
        batch_op.create_index("ix_webhook_deliveries_endpoint_log", ["endpoint_pk", "pk"], unique=False)


def downgrade() -> None:
    op.drop_table("webhook_deliveries")
    with op.batch_alter_table("webhook_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_events_partner_id"))
    op.drop_table("webhook_events")
    op.drop_table("webhook_endpoints")
