"""operator-loaded OCPI tokens: charge cards are verified against what their issuer issued

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import chargeassist.store._models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_VALID_CARD = "verification_status = 'VALID' AND type = 'CHARGE_CARD'"


def upgrade() -> None:
    op.create_table(
        "issued_tokens",
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("uid_key", sa.String(length=64), nullable=False),
        sa.Column("visual_key", sa.String(length=64), nullable=True),
        sa.Column("partner_id", sa.String(length=40), nullable=True),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("party_id", sa.String(length=3), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("contract_id", sa.String(length=36), nullable=False),
        sa.Column("visual_number", sa.String(length=64), nullable=True),
        sa.Column("issuer", sa.String(length=64), nullable=False),
        sa.Column("group_id", sa.String(length=36), nullable=True),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("whitelist", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("default_profile_type", sa.String(length=16), nullable=True),
        sa.Column("energy_contract", sa.String(length=512), nullable=True),
        sa.Column("expires_at", chargeassist.store._models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_updated", chargeassist.store._models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_at", chargeassist.store._models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("uid_key", name=op.f("pk_issued_tokens")),
    )
    with op.batch_alter_table("issued_tokens", schema=None) as batch_op:
        batch_op.create_index("ix_issued_tokens_visual_key", ["visual_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_issued_tokens_partner_id"), ["partner_id"], unique=False)

    with op.batch_alter_table("payment_methods", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issued_token_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("operator_verdict", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("verified_at", chargeassist.store._models.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_payment_methods_issued_token_key"), ["issued_token_key"], unique=False)

    # Before this revision every card was VALID the moment anyone typed its number. None of them was checked
    # against an issuer, so each waits for its token to be loaded or for the operator to approve it; this also
    # clears the duplicates across partners that the index below refuses.
    op.execute("UPDATE payment_methods SET verification_status = 'PENDING' WHERE type = 'CHARGE_CARD'")
    with op.batch_alter_table("payment_methods", schema=None) as batch_op:
        batch_op.create_index(
            "uq_payment_methods_valid_id_tag",
            ["id_tag"],
            unique=True,
            sqlite_where=sa.text(_VALID_CARD),
            postgresql_where=sa.text(_VALID_CARD),
        )


def downgrade() -> None:
    with op.batch_alter_table("payment_methods", schema=None) as batch_op:
        batch_op.drop_index("uq_payment_methods_valid_id_tag")
        batch_op.drop_index(batch_op.f("ix_payment_methods_issued_token_key"))
        batch_op.drop_column("verified_at")
        batch_op.drop_column("operator_verdict")
        batch_op.drop_column("issued_token_key")
    # Cards were VALID without verification before this revision.
    op.execute("UPDATE payment_methods SET verification_status = 'VALID' WHERE type = 'CHARGE_CARD'")

    with op.batch_alter_table("issued_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issued_tokens_partner_id"))
        batch_op.drop_index("ix_issued_tokens_visual_key")
    op.drop_table("issued_tokens")
