"""payments: the payment of a session and its outbox of provider steps, provider events seen

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import chargeassist.store._models

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_BIG_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _when(name: str, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, chargeassist.store._models.UtcDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("charge_sessions", schema=None) as batch_op:
        batch_op.add_column(_when("remote_start_at"))
    # Sessions from before payments asked the charge point at once.
    op.execute("UPDATE charge_sessions SET remote_start_at = requested_at")
    with op.batch_alter_table("locations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pre_auth_amount", sa.String(length=40), nullable=True))

    op.create_table(
        "session_payments",
        sa.Column("pk", _BIG_PK, autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("session_pk", _BIG_PK, nullable=False),
        sa.Column("app_token_pk", sa.BigInteger(), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("authorized_amount", sa.String(length=40), nullable=False),
        sa.Column("captured_amount", sa.String(length=40), nullable=False),
        sa.Column("amount_due", sa.String(length=40), nullable=True),
        sa.Column("reference", sa.String(length=255), nullable=True),
        sa.Column("client_secret", sa.String(length=255), nullable=True),
        sa.Column("psp_customer_id", sa.String(length=255), nullable=True),
        sa.Column("psp_payment_method_id", sa.String(length=255), nullable=True),
        sa.Column("payment_method_id", sa.String(length=40), nullable=True),
        sa.Column("can_raise", sa.Boolean(), nullable=False),
        sa.Column("failure_code", sa.String(length=64), nullable=True),
        sa.Column("failure_message", sa.String(length=500), nullable=True),
        sa.Column("retries", sa.Integer(), nullable=False),
        _when("next_retry_at"),
        _when("authorized_at"),
        _when("paid_at"),
        _when("created_at", nullable=False),
        _when("updated_at", nullable=False),
        sa.ForeignKeyConstraint(
            ["session_pk"],
            ["charge_sessions.pk"],
            name=op.f("fk_session_payments_session_pk_charge_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_session_payments")),
        sa.UniqueConstraint("id", name=op.f("uq_session_payments_id")),
        sa.UniqueConstraint("session_pk", name=op.f("uq_session_payments_session_pk")),
    )
    op.create_index("ix_session_payments_app_token_status", "session_payments", ["app_token_pk", "status"])
    op.create_index("ix_session_payments_next_retry_at", "session_payments", ["next_retry_at"])

    op.create_table(
        "payment_steps",
        sa.Column("pk", _BIG_PK, autoincrement=True, nullable=False),
        sa.Column("payment_pk", _BIG_PK, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("amount", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=255), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _when("next_attempt_at"),
        _when("created_at", nullable=False),
        _when("finished_at"),
        sa.ForeignKeyConstraint(
            ["payment_pk"],
            ["session_payments.pk"],
            name=op.f("fk_payment_steps_payment_pk_session_payments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_payment_steps")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_payment_steps_idempotency_key")),
    )
    op.create_index(op.f("ix_payment_steps_payment_pk"), "payment_steps", ["payment_pk"])
    op.create_index("ix_payment_steps_status_next_attempt_at", "payment_steps", ["status", "next_attempt_at"])

    op.create_table(
        "provider_events",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        _when("received_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_events")),
    )

    op.create_table(
        "psp_customers",
        sa.Column("pk", _BIG_PK, autoincrement=True, nullable=False),
        sa.Column("app_token_pk", _BIG_PK, nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        _when("created_at", nullable=False),
        sa.ForeignKeyConstraint(
            ["app_token_pk"],
            ["app_tokens.pk"],
            name=op.f("fk_psp_customers_app_token_pk_app_tokens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_psp_customers")),
        sa.UniqueConstraint("app_token_pk", "provider", name=op.f("uq_psp_customers_app_token_pk")),
    )

    op.create_table(
        "psp_cards",
        sa.Column("payment_method_id", sa.String(length=40), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("psp_payment_method_id", sa.String(length=255), nullable=False),
        sa.Column("psp_customer_id", sa.String(length=255), nullable=False),
        sa.Column("brand", sa.String(length=32), nullable=True),
        sa.Column("last4", sa.String(length=4), nullable=True),
        sa.Column("expiry_month", sa.Integer(), nullable=True),
        sa.Column("expiry_year", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["payment_method_id"],
            ["payment_methods.id"],
            name=op.f("fk_psp_cards_payment_method_id_payment_methods"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("payment_method_id", name=op.f("pk_psp_cards")),
    )
    op.create_index(op.f("ix_psp_cards_psp_payment_method_id"), "psp_cards", ["psp_payment_method_id"])


def downgrade() -> None:
    with op.batch_alter_table("locations", schema=None) as batch_op:
        batch_op.drop_column("pre_auth_amount")
    with op.batch_alter_table("charge_sessions", schema=None) as batch_op:
        batch_op.drop_column("remote_start_at")
    op.drop_index(op.f("ix_psp_cards_psp_payment_method_id"), table_name="psp_cards")
    op.drop_table("psp_cards")
    op.drop_table("psp_customers")
    op.drop_table("provider_events")
    op.drop_index("ix_payment_steps_status_next_attempt_at", table_name="payment_steps")
    op.drop_index(op.f("ix_payment_steps_payment_pk"), table_name="payment_steps")
    op.drop_table("payment_steps")
    op.drop_index("ix_session_payments_next_retry_at", table_name="session_payments")
    op.drop_index("ix_session_payments_app_token_status", table_name="session_payments")
    op.drop_table("session_payments")
