"""Directory database: an index on how and whether groups meet (attendance, status).

Revision ID: d0007
Revises: d0006
Create Date: 2026-12-03

"Nearest within 25 km" keeps every online group (reachable from anywhere), and counting them
read all 100,000 group rows (22 ms of a 63 ms search, issue #14); so did counting the open
groups for "soonest". Both are now counted off this index alone. The attendance filter
itself does not use it (search.py: half the groups meet in person).
"""

from alembic import op

revision = "d0007"
down_revision = "d0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_directory_group_attendance_status", "directory_group", ["attendance", "status"])


def downgrade() -> None:
    op.drop_index("ix_directory_group_attendance_status", table_name="directory_group")
