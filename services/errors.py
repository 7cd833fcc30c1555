"""Errors shared across services that callers catch without importing the services themselves
(the CLI catches these before it knows which command runs)."""


class DamagedDataFile(Exception):
    """A database file that SQLite cannot open; the message says what to do."""


class LockedError(Exception):
    """The store was locked; unlock again to read or write private data (re-exported by
    services.privacy)."""
