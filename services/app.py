"""The services a running Kindred needs, opened once per process over one data directory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from services.directory.catalogue import CatalogueService
from services.directory.service import DirectoryService
from services.paths import DIRECTORY_DB_NAME, PRIVATE_DB_NAME, ensure_data_dir
from services.preferences import PreferenceStore
from services.privacy import PrivateVault
from services.storage import Database, open_database
from services.sync.service import SyncService


@dataclass
class KindredServices:
    data_dir: Path
    directory_db: Database
    private_db: Database
    preferences: PreferenceStore
    vault: PrivateVault
    directory: DirectoryService
    sync: SyncService
    catalogue: CatalogueService | None = None  # open directories Kindred can suggest (offline)

    def close(self) -> None:
        self.directory_db.close()
        self.private_db.close()


def open_services(data_dir: Path) -> KindredServices:
    ensure_data_dir(data_dir)
    directory_db = open_database(data_dir / DIRECTORY_DB_NAME, "directory")
    private_db = open_database(data_dir / PRIVATE_DB_NAME, "private")
    directory = DirectoryService(directory_db)
    # A fresh install with no network is already useful; later starts only check a version.
    directory.ensure_bundled()
    return KindredServices(
        data_dir=data_dir,
        directory_db=directory_db,
        private_db=private_db,
        preferences=PreferenceStore(private_db),
        vault=PrivateVault(private_db),
        directory=directory,
        sync=SyncService(directory_db),
        catalogue=CatalogueService(data_dir),
    )
