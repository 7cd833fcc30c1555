"""Delete all my data: every private record, every key slot, the keyring entry, and the
pre-restore snapshots. The public directory and the device preferences (theme, crisis-line
country) stay, so that "Get help now" keeps working."""

from __future__ import annotations

import shutil
from pathlib import Path

from services.privacy.backup import SNAPSHOT_DIR
from services.privacy.vault import PrivateVault

CONFIRM_WORD = "DELETE"


def erase_private_data(vault: PrivateVault, data_dir: Path) -> None:
    vault.delete_everything()
    snapshots = Path(data_dir) / SNAPSHOT_DIR
    if snapshots.exists():
        shutil.rmtree(snapshots)
