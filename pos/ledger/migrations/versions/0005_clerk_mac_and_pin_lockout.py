"""Clerk records under integrity; PIN failures looked up quickly

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-27

`clerk.mac` is an HMAC (ledger key) over the clerk's name, role, PIN hash, state and creation
time: a row edited directly in the database no longer matches it. Rows that existed before
this revision are sealed once by the application (it holds the key; a migration does not).
The event-log index serves the PIN lockout (recent failures of one clerk) and the clerk
events that verify compares the rows with.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


# Plain operations, never batch mode: a batch rebuild on SQLite would drop the guard triggers.
def upgrade() -> None:
    op.add_column("clerk", sa.Column("mac", sa.String(length=64), nullable=True))
    op.create_index("ix_event_kind_detail", "event_log", ["kind", "detail"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_event_kind_detail", table_name="event_log")
    op.drop_column("clerk", "mac")
