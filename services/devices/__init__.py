"""Sync between a person's own devices through a folder they already sync (Syncthing,
Nextcloud, Dropbox, iCloud Drive, a USB stick). Kindred runs no server: it writes its
changes as encrypted files into the folder and merges the files other devices wrote.
See ``services/devices/sync.py``."""

from services.devices.folder import SyncFolderError
from services.devices.sync import (
    CONFLICT_KIND,
    LOCAL_KINDS,
    FolderSync,
    JoinError,
    SyncResult,
    SyncStatus,
    join_bundle,
    join_folder,
)

__all__ = [
    "CONFLICT_KIND",
    "LOCAL_KINDS",
    "FolderSync",
    "JoinError",
    "SyncFolderError",
    "SyncResult",
    "SyncStatus",
    "join_bundle",
    "join_folder",
]
