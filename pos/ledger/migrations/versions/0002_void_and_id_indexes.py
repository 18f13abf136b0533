"""Indexes for voids and ID searches

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

A void looked its sale up by `ref_ticket` with a full scan inside the write lock; searching
history by ID document scanned `id_digest`. The partial unique index also makes "one void per
sale" hold across terminals sharing a PostgreSQL ledger (their locks are per series).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


# Plain index operations, never batch mode: a batch table rebuild on SQLite would drop the
# journal's guard triggers.
def upgrade() -> None:
    op.create_index("ix_journal_id_digest", "journal_entry", ["id_digest"], unique=False)
    op.create_index("uq_journal_void_ref", "journal_entry", ["ref_ticket"], unique=True,
                    sqlite_where=sa.text("kind = 'void'"),
                    postgresql_where=sa.text("kind = 'void'"))


def downgrade() -> None:
    op.drop_index("uq_journal_void_ref", table_name="journal_entry")
    op.drop_index("ix_journal_id_digest", table_name="journal_entry")
