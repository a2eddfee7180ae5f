"""receipts: gapless numbers per operator, one immutable receipt per paid session

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Filled in by the change that adds these tables; kept in the chain so the revisions after it are stable.
    pass


def downgrade() -> None:
    pass
