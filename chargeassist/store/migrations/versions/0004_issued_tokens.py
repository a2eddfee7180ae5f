"""operator-loaded OCPI tokens: charge cards are verified against what their issuer issued

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Filled in by the change that adds these tables; kept in the chain so the revisions after it are stable.
    pass


def downgrade() -> None:
    pass
