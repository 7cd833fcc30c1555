"""Folder sync between two devices with many encrypted check-ins.

Run: ``uv run python bench/devices_sync.py [--entries 5000]``.

Times (one run each, wall clock): the first device linking (capture + one full change
file), a second device joining (merging everything), one edit synced on each side, and a
sync with nothing new; also the folder's size. Cheap scrypt costs (the key derivation is
not what is measured here).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.app import open_services  # noqa: E402
from services.devices import FolderSync, join_folder  # noqa: E402
from services.journal import Journal  # noqa: E402
from services.journal.codec import make_entry  # noqa: E402
from services.privacy import crypto  # noqa: E402


def timed(what: str, fn):
    start = time.perf_counter()
    result = fn()
    print(f"{what:<44} {1000 * (time.perf_counter() - start):8.0f} ms")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=5000)
    args = parser.parse_args()
    crypto.KDF_COSTS = {"key": {"n": 2**10, "r": 8, "p": 1}, "pin": {"n": 2**10, "r": 8, "p": 1}}
    root = Path(tempfile.mkdtemp())
    folder = root / "Sync"
    a, b = open_services(root / "a"), open_services(root / "b")
    store_a, code = a.vault.set_up("bench passphrase", use_keyring=False)
    journal = Journal(store_a)
    start = datetime(2020, 1, 1, 20, tzinfo=timezone.utc)
    journal.save_many([make_entry(id=f"{n:032x}", at=start + timedelta(hours=13 * n), mood=1 + n % 5,
                                  note=f"a note of about a hundred characters, number {n}, " + "x" * 50)
                       for n in range(args.entries)])
    print(f"{args.entries} check-ins")
    sync_a = FolderSync(store_a, a.vault)
    timed("link the first device (full change file)", lambda: sync_a.link(folder, "Laptop"))
    store_b, _ = timed("join the second device (merge everything)", lambda: join_folder(b.vault, folder, code, "phone pass", "Phone"))
    sync_b = FolderSync(store_b, b.vault)
    timed("sync with nothing new", sync_b.sync)
    journal.update(f"{7:032x}", note="edited on the laptop")
    timed("one edit: sync on the first device", sync_a.sync)
    result = timed("one edit: sync on the second device", sync_b.sync)
    assert result.applied == 1
    size = sum(p.stat().st_size for p in folder.iterdir())
    print(f"folder: {len(list(folder.iterdir()))} files, {size / 1024:.0f} KiB")
    store_a.lock()
    store_b.lock()
    a.close()
    b.close()


if __name__ == "__main__":
    main()
