"""Automatic encrypted backups: on by default, at most one a day, into the data folder's
``backups/`` (or a folder the person chose), keeping the newest few.

No passphrase is asked (nobody is there to type it): an automatic backup is locked with a
key derived from the data key, and carries the key slots, so it opens with the passphrase
or the recovery code this device had when it was made (``backup.encode_backup_with_slots``).
The settings (on/off, how many, where) belong to this device: they live in its private
settings record, which never travels to other devices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from services.privacy import settings as private_settings
from services.privacy.backup import FILE_SUFFIX, encode_backup_with_slots, write_file_atomically
from services.privacy.store import PrivateStore
from services.privacy.vault import PrivateVault
from services.i18n import _

AUTO_DIR = "backups"
DEFAULT_KEEP = 7
KEEP_RANGE = (1, 365)
INTERVAL = timedelta(days=1)
AUTO_NAME = re.compile(r"^kindred-auto-(\d{4}-\d\d-\d\d-\d{6})" + re.escape(FILE_SUFFIX) + "$")
SETTING = "auto_backup"


@dataclass(frozen=True)
class AutoBackupSettings:
    enabled: bool = True
    keep: int = DEFAULT_KEEP
    folder: str | None = None  # None: <data folder>/backups


@dataclass(frozen=True)
class AutoBackupStatus:
    settings: AutoBackupSettings
    folder: Path
    last: datetime | None  # the newest automatic backup's time
    count: int


def load(store: PrivateStore) -> AutoBackupSettings:
    values = private_settings.get(store, SETTING) or {}
    keep = values.get("keep", DEFAULT_KEEP)
    if not isinstance(keep, int) or not KEEP_RANGE[0] <= keep <= KEEP_RANGE[1]:
        keep = DEFAULT_KEEP
    folder = values.get("folder")
    return AutoBackupSettings(enabled=values.get("enabled", True) is not False, keep=keep,
                              folder=folder if isinstance(folder, str) and folder else None)


def save(store: PrivateStore, enabled: bool | None = None, keep: int | None = None, folder: str | None = None,
         default_folder: bool = False) -> AutoBackupSettings:
    """Change the settings; ``default_folder`` goes back to the data folder's backups/."""
    current = load(store)
    if keep is not None and not KEEP_RANGE[0] <= keep <= KEEP_RANGE[1]:
        raise ValueError(_("Keep between {low} and {high} automatic backups.").format(low=KEEP_RANGE[0], high=KEEP_RANGE[1]))
    new_folder = None if default_folder else (str(Path(folder).expanduser().resolve()) if folder else current.folder)
    values = {"enabled": current.enabled if enabled is None else bool(enabled),
              "keep": current.keep if keep is None else keep, "folder": new_folder}
    private_settings.update(store, **{SETTING: values})
    return load(store)


def folder_for(settings: AutoBackupSettings, data_dir: Path) -> Path:
    return Path(settings.folder) if settings.folder else Path(data_dir) / AUTO_DIR


def _backups(folder: Path) -> list[tuple[datetime, Path]]:
    found = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for path in entries:
        match = AUTO_NAME.match(path.name)
        if match:
            stamp = datetime.strptime(match.group(1), "%Y-%m-%d-%H%M%S").replace(tzinfo=timezone.utc)
            found.append((stamp, path))
    return sorted(found)


def status(store: PrivateStore, data_dir: Path) -> AutoBackupStatus:
    settings = load(store)
    folder = folder_for(settings, data_dir)
    found = _backups(folder)
    return AutoBackupStatus(settings=settings, folder=folder, last=found[-1][0] if found else None, count=len(found))


def make_now(store: PrivateStore, vault: PrivateVault, data_dir: Path, now: datetime | None = None,
             device: str | None = None) -> Path:
    """Write one automatic backup now and keep only the newest ``keep``."""
    settings = load(store)
    folder = folder_for(settings, data_dir)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    contents = store.backup_contents()
    data = encode_backup_with_slots(contents.records, store.data_key, vault.backup_slots(), contents.kept_aside, device)
    path = folder / f"kindred-auto-{now:%Y-%m-%d-%H%M%S}{FILE_SUFFIX}"
    write_file_atomically(path, data)
    for _stamp, old in _backups(folder)[: -settings.keep]:
        old.unlink(missing_ok=True)
    return path


def run_if_due(store: PrivateStore, vault: PrivateVault, data_dir: Path, now: datetime | None = None) -> Path | None:
    """The daily backup, if it is on and the newest is a day old (or there is none)."""
    settings = load(store)
    if not settings.enabled:
        return None
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    last = status(store, data_dir).last
    if last is not None and now - last < INTERVAL and last <= now:
        return None
    return make_now(store, vault, data_dir, now)
