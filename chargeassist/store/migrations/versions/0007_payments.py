"""payments: the payment of a session and its outbox of provider steps, provider events seen

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Filled in by the change that adds these tables; kept in the chain so the revisions after it are stable.
    pass


def downgrade() -> None:
    pass
