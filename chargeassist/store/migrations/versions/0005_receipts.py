"""receipts: gapless numbers per operator, one immutable receipt per paid session

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import chargeassist.store._models

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "receipt_counters",
        sa.Column("operator_id", sa.String(length=40), nullable=False),
        sa.Column("next_sequence", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("operator_id", name=op.f("pk_receipt_counters")),
    )
    op.create_table(
        "receipts",
        sa.Column("pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("receipt_number", sa.String(length=60), nullable=False),
        sa.Column("operator_id", sa.String(length=40), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("session_pk", sa.BigInteger(), nullable=False),
        sa.Column("session_id", sa.String(length=40), nullable=False),
        sa.Column("issued_at", chargeassist.store._models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_receipts")),
        sa.UniqueConstraint("operator_id", "sequence", name="uq_receipts_operator_sequence"),
        sa.UniqueConstraint("receipt_number", name=op.f("uq_receipts_receipt_number")),
        sa.UniqueConstraint("session_id", name=op.f("uq_receipts_session_id")),
        sa.UniqueConstraint("session_pk", name=op.f("uq_receipts_session_pk")),
    )


def downgrade() -> None:
    op.drop_table("receipts")
    op.drop_table("receipt_counters")
