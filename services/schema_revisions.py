"""The newest migration of each database. A database already at it opens without importing
Alembic (a few hundred milliseconds of every start), and ``kindred directory search`` opens the
directory without SQLAlchemy only when it is at it. tests/test_storage_head.py fails when a
migration is added and this is not moved on with it."""

HEAD_REVISIONS = {"directory": "d0005", "private": "p0005"}
