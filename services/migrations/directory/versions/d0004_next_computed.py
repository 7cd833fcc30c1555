"""Directory database: when each group's stored next meeting was worked out.

Revision ID: d0004
Revises: d0003
Create Date: 2026-12-02

A stored next meeting is only right for a clock at or after the moment it was computed
for: when the clock goes backwards (a search dated ahead, a corrected device clock) every
group computed "in the future" must be worked out again, not only those that have passed.
Existing rows get NULL, which the refresh treats as "work it out again" once.
"""

import sqlalchemy as sa
from alembic import op

revision = "d0004"
down_revision = "d0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN: no table rebuild, every row and reference stays.
    op.add_column("directory_group", sa.Column("next_computed_utc", sa.Integer(), nullable=True))
    op.create_index("ix_directory_group_next_computed_utc", "directory_group", ["next_computed_utc"])


def downgrade() -> None:
    op.drop_index("ix_directory_group_next_computed_utc", table_name="directory_group")
    op.drop_column("directory_group", "next_computed_utc")
