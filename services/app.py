"""The services a running Kindred needs, opened once per process over one data directory."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import DatabaseError

from services.directory.service import DirectoryService
from services.errors import DamagedDataFile
from services.paths import DIRECTORY_DB_NAME, PRIVATE_DB_NAME, ensure_data_dir
from services.storage import Database, open_database

if TYPE_CHECKING:
    from services.directory.catalogue import CatalogueService
    from services.preferences import PreferenceStore
    from services.privacy import PrivateVault
    from services.sync.service import SyncService


def _open(path: Path, kind: str, data_dir: Path) -> Database:
    try:
        return open_database(path, kind)
    except DatabaseError as error:
        reason = str(error.orig) if getattr(error, "orig", None) else type(error).__name__
        if kind == "private":
            raise DamagedDataFile(
                f"Kindred's private data file {path} is damaged and cannot be opened ({reason}). Nothing was changed. "
                "To recover: move the damaged file aside, then restore a backup (kindred backup restore FILE), or put "
                f"the newest copy from {data_dir / 'snapshots'} in its place as private.sqlite.") from None
        raise DamagedDataFile(
            f"Kindred's directory file {path} is damaged and cannot be opened ({reason}). It holds only public "
            "directory data: move it aside and Kindred builds a new one at the next start (sync your sources again "
            "afterwards).") from None


@dataclass
class KindredServices:
    """The services over one data directory. Sync, the catalogue, the vault and the preferences
    are made on first use, so a command that only searches the directory never imports the
    HTTP client or the crypto library (issue #14: start-up)."""

    data_dir: Path
    directory_db: Database
    private_db: Database
    directory: DirectoryService

    @cached_property
    def preferences(self) -> PreferenceStore:
        from services.preferences import PreferenceStore

        return PreferenceStore(self.private_db)

    @cached_property
    def vault(self) -> PrivateVault:
        from services.privacy import PrivateVault

        return PrivateVault(self.private_db)

    @cached_property
    def sync(self) -> SyncService:
        from services.sync.service import SyncService

        # A sync of every source also updates the catalogue of open directories (when it has an address).
        return SyncService(self.directory_db, catalogue=self.catalogue)

    @cached_property
    def catalogue(self) -> CatalogueService | None:
        """Open directories Kindred can suggest (offline)."""
        from services.directory.catalogue import CatalogueService

        return CatalogueService(self.data_dir)

    def close(self) -> None:
        self.directory_db.close()
        self.private_db.close()


def open_services(data_dir: Path) -> KindredServices:
    ensure_data_dir(data_dir)
    directory_db = _open(data_dir / DIRECTORY_DB_NAME, "directory", data_dir)
    try:
        private_db = _open(data_dir / PRIVATE_DB_NAME, "private", data_dir)
    except DamagedDataFile:
        directory_db.close()
        raise
    directory = DirectoryService(directory_db)
    # A fresh install with no network is already useful; later starts only check a version.
    directory.ensure_bundled()
    return KindredServices(
        data_dir=data_dir,
        directory_db=directory_db,
        private_db=private_db,
        directory=directory,
    )
