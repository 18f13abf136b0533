"""Print jobs are claimed before they are sent and their bytes are MAC'd

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-27

`claim` and `claimed_at`: the process that sends a job first takes it with a compare-and-set
(status 'sending' plus a random token), so two processes never send the same receipt; a job
left 'sending' by a crash is recognised by its age and only ever printed again as a COPIA.
`mac`: HMAC of the job's bytes with the ledger key, so rewritten receipt bytes are refused at
print time and reported by `pos verify`. `status` grows to hold 'unconfirmed'.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


# print_job has no guard triggers, so the batch rebuild SQLite needs to widen `status` is safe
# here (it is not for journal_entry or event_log). PostgreSQL gets plain ALTERs.
def upgrade() -> None:
    with op.batch_alter_table("print_job") as batch:
        batch.add_column(sa.Column("claim", sa.String(32), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.String(32), nullable=True))
        batch.add_column(sa.Column("mac", sa.String(64), nullable=True))
        batch.alter_column("status", type_=sa.String(16), existing_type=sa.String(10),
                           existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("print_job") as batch:
        batch.alter_column("status", type_=sa.String(10), existing_type=sa.String(16),
                           existing_nullable=False)
        batch.drop_column("mac")
        batch.drop_column("claimed_at")
        batch.drop_column("claim")
