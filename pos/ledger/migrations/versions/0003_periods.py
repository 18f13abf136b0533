"""Z periods instead of closed days; an index for the open shift

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

A Z used to close a business *date*, and later sales were dated past it, so a second Z in a
day pushed every later date ahead. Now every entry carries its real date and the number of
the period (Z) it belongs to; the database refuses an entry for a period its Z already
closed. Entries written before keep `period` NULL (it is hashed only when set, so they still
verify) and are placed by sequence.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SQLITE_UP = (
    "DROP TRIGGER IF EXISTS journal_day_closed",
    """CREATE TRIGGER journal_period_closed BEFORE INSERT ON journal_entry
       WHEN NEW.period IS NOT NULL AND EXISTS (
           SELECT 1 FROM journal_entry WHERE series = NEW.series AND kind = 'z'
                  AND period >= NEW.period)
       BEGIN SELECT RAISE(ABORT, 'period is closed'); END""",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS journal_period_closed",
    """CREATE TRIGGER journal_day_closed BEFORE INSERT ON journal_entry
       WHEN EXISTS (SELECT 1 FROM journal_entry WHERE series = NEW.series
                    AND business_date = NEW.business_date AND kind = 'z')
       BEGIN SELECT RAISE(ABORT, 'business day is closed'); END""",
)
PG_UP = (
    "DROP TRIGGER IF EXISTS journal_day_closed ON journal_entry",
    "DROP FUNCTION IF EXISTS pos_refuse_closed_day()",
    """CREATE FUNCTION pos_refuse_closed_period() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.period IS NOT NULL AND EXISTS (
              SELECT 1 FROM journal_entry WHERE series = NEW.series AND kind = 'z'
                     AND period >= NEW.period) THEN
           RAISE EXCEPTION 'period is closed';
         END IF;
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER journal_period_closed BEFORE INSERT ON journal_entry
       FOR EACH ROW EXECUTE FUNCTION pos_refuse_closed_period()""",
)
PG_DOWN = (
    "DROP TRIGGER IF EXISTS journal_period_closed ON journal_entry",
    "DROP FUNCTION IF EXISTS pos_refuse_closed_period()",
    """CREATE FUNCTION pos_refuse_closed_day() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF EXISTS (SELECT 1 FROM journal_entry WHERE series = NEW.series
                    AND business_date = NEW.business_date AND kind = 'z') THEN
           RAISE EXCEPTION 'business day is closed';
         END IF;
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER journal_day_closed BEFORE INSERT ON journal_entry
       FOR EACH ROW EXECUTE FUNCTION pos_refuse_closed_day()""",
)


# Plain ADD COLUMN, never batch mode: a batch table rebuild on SQLite would drop the guards.
def upgrade() -> None:
    op.add_column("journal_entry", sa.Column("period", sa.Integer(), nullable=True))
    op.create_index("ix_journal_series_kind_seq", "journal_entry", ["series", "kind", "seq"])
    for statement in PG_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP:
        op.execute(statement)


def downgrade() -> None:
    for statement in PG_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN:
        op.execute(statement)
    op.drop_index("ix_journal_series_kind_seq", table_name="journal_entry")
    op.drop_column("journal_entry", "period")
