"""sessions hardening: one active session per EVSE, lost transactions, card numbers unique per partner

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import chargeassist.store._models

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ACTIVE = "status IN ('REQUESTED', 'STARTING', 'CHARGING', 'PARKING', 'STOPPING')"


def upgrade() -> None:
    with op.batch_alter_table("ocpp_transactions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lost_at", chargeassist.store._models.UtcDateTime(timezone=True), nullable=True))

    # A store that ran before this revision can hold several active sessions on one EVSE (concurrent starts,
    # a second StartTransaction on a busy connector); all but the newest are stranded. End them, or the index
    # that keeps it from happening again cannot be built.
    op.execute(
        "UPDATE charge_sessions SET status = 'ERROR', "
        "status_reason = 'ended on upgrade: a newer session was active on the same EVSE', "
        "ended_at = CURRENT_TIMESTAMP "
        "WHERE evse_pk IS NOT NULL "
        "AND status IN ('REQUESTED', 'STARTING', 'CHARGING', 'PARKING', 'STOPPING') "
        "AND pk < (SELECT MAX(newer.pk) FROM charge_sessions newer WHERE newer.evse_pk = charge_sessions.evse_pk "
        "AND newer.status IN ('REQUESTED', 'STARTING', 'CHARGING', 'PARKING', 'STOPPING'))"
    )
    with op.batch_alter_table("charge_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "uq_charge_sessions_active_evse",
            ["evse_pk"],
            unique=True,
            sqlite_where=sa.text(_ACTIVE),
            postgresql_where=sa.text(_ACTIVE),
        )

    with op.batch_alter_table("payment_methods", schema=None) as batch_op:
        batch_op.add_column(sa.Column("partner_id", sa.String(length=40), nullable=True))
    op.execute(
        "UPDATE payment_methods SET partner_id = "
        "(SELECT app_tokens.partner_id FROM app_tokens WHERE app_tokens.pk = payment_methods.app_token_pk)"
    )
    with op.batch_alter_table("payment_methods", schema=None) as batch_op:
        batch_op.alter_column("partner_id", existing_type=sa.String(length=40), nullable=False)
        batch_op.drop_constraint("uq_payment_methods_card_key", type_="unique")
        batch_op.create_unique_constraint("uq_payment_methods_partner_card", ["partner_id", "card_key"])


def downgrade() -> None:
    with op.batch_alter_table("payment_methods", schema=None) as batch_op:
        batch_op.drop_constraint("uq_payment_methods_partner_card", type_="unique")
        batch_op.create_unique_constraint("uq_payment_methods_card_key", ["card_key"])
        batch_op.drop_column("partner_id")

    with op.batch_alter_table("charge_sessions", schema=None) as batch_op:
        batch_op.drop_index("uq_charge_sessions_active_evse")

    with op.batch_alter_table("ocpp_transactions", schema=None) as batch_op:
        batch_op.drop_column("lost_at")
