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
down_revision = "0002"
branch_labels = None
depends_on = None


# Plain column operations, never batch mode: a batch table rebuild on SQLite would drop guard
# triggers. SQLite does not enforce VARCHAR lengths, so only PostgreSQL widens `status`.
def upgrade() -> None:
    op.add_column("print_job", sa.Column("claim", sa.String(32), nullable=True))
    op.add_column("print_job", sa.Column("claimed_at", sa.String(32), nullable=True))
    op.add_column("print_job", sa.Column("mac", sa.String(64), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("print_job", "status", type_=sa.String(16),
                        existing_type=sa.String(10), existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("print_job", "status", type_=sa.String(10),
                        existing_type=sa.String(16), existing_nullable=False)
    op.drop_column("print_job", "mac")
    op.drop_column("print_job", "claimed_at")
    op.drop_column("print_job", "claim")
