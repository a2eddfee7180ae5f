"""partner webhooks: endpoints, a durable outbox of events and their delivery log

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Filled in by the change that adds these tables; kept in the chain so the revisions after it are stable.
    pass


def downgrade() -> None:
    pass
