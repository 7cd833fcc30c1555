"""Directory database: each group's set of schedule rules, numbered.

Revision ID: d0008
Revises: d0007
Create Date: 2026-12-04

After a week away every timed group's next meeting is worked out again. 100,000 meetings
share about 11,000 distinct sets of rules; the refresh found them by grouping every group's
rules into a text signature and matched 100,000 signatures back (0.3 s of 0.84 s, issue #14).
``directory_rule_set`` numbers each distinct set once, at import; ``directory_next_meeting``
keeps the number, so a refresh works per set and writes back by an integer. Groups stored
before this revision get their number from the first refresh that needs it
(``rows.assign_rule_sets``), so this upgrade itself reads no rows.
"""

import sqlalchemy as sa
from alembic import op

revision = "d0008"
down_revision = "d0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "directory_rule_set",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rules", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_rule_set")),
        sa.UniqueConstraint("rules", name=op.f("uq_directory_rule_set_rules")),
    )
    op.add_column("directory_next_meeting", sa.Column("rule_set", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("directory_next_meeting", "rule_set")
    op.drop_table("directory_rule_set")
