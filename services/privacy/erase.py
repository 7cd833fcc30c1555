"""Delete all my data: every private record, every key slot, the keyring entry, the
pre-restore snapshots and the automatic backups in the data folder. The public directory and the device preferences (theme, crisis-line
country) stay, so that "Get help now" keeps working."""

from __future__ import annotations

import shutil
from pathlib import Path

from services.privacy.backup import SNAPSHOT_DIR
from services.privacy.vault import PrivateVault

CONFIRM_WORD = "DELETE"


def erase_private_data(vault: PrivateVault, data_dir: Path) -> None:
    from services.privacy.auto_backup import AUTO_DIR

    vault.delete_everything()
    for folder in (SNAPSHOT_DIR, AUTO_DIR):  # pre-restore snapshots, automatic backups in the data folder
        path = Path(data_dir) / folder
        if path.exists():
            shutil.rmtree(path)
