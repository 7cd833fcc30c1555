"""Proofs from the issue (point 7) that need no browser: durability under kill -9, logs."""

import pytest
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

from services.app import open_services
from services.privacy.backup import create_backup
from services.privacy import settings as private_settings
from services.saved import SavedGroups
from tests.app_process import ROOT
from tests.privacy_support import CANARY, PASSPHRASE, raw_bytes

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[2])
    from services.app import open_services
    services = open_services(Path(sys.argv[1]))
    store = services.vault.unlock(sys.argv[3])
    i = 0
    while True:
        record = store.put("stress", {"i": i, "text": "x" * (i % 500)})
        # Acknowledged only after put() returned, i.e. after COMMIT.
        sys.stdout.write(f"{record.id} {i}\\n")
        sys.stdout.flush()
        i += 1
    """
)


@pytest.mark.slow
def test_kill_minus_9_during_writes_loses_no_committed_record(data_dir, tmp_path):
    services = open_services(data_dir)
    services.vault.set_up(PASSPHRASE)
    services.close()
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    process = subprocess.Popen(
        [sys.executable, str(script), str(data_dir), str(ROOT), PASSPHRASE], stdout=subprocess.PIPE, text=True
    )
    acknowledged = {}
    try:
        for line in process.stdout:
            record_id, i = line.split()
            acknowledged[record_id] = int(i)
            if len(acknowledged) >= 300:
                break
    finally:
        os.kill(process.pid, signal.SIGKILL)  # mid-write: the loop never pauses
        process.wait()
    assert process.returncode == -signal.SIGKILL
    # The WAL is still there, un-checkpointed; reopening recovers it.
    connection = sqlite3.connect(data_dir / "private.sqlite")
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()
    services = open_services(data_dir)
    try:
        store = services.vault.unlock(PASSPHRASE)
        for record_id, i in acknowledged.items():
            record = store.get("stress", record_id)
            assert record is not None, f"acknowledged record {i} was lost"
            assert record.payload["i"] == i
        assert store.count("stress") >= len(acknowledged)
    finally:
        services.close()


def test_the_canary_never_reaches_any_log(services, tmp_path, caplog):
    """Every logger at DEBUG (SQLAlchemy, Alembic, keyring, ours) while private work happens."""
    caplog.set_level(logging.DEBUG)
    for name in ("sqlalchemy", "sqlalchemy.engine", "alembic", "keyring", "services", "flet"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        store, _ = services.vault.set_up(PASSPHRASE)
        saved = SavedGroups(store)
        saved.save("a:1", {"name": "group"}, note=CANARY)
        saved.set_note("a:1", f"{CANARY} again")
        private_settings.update(store, place=CANARY)
        assert saved.list()[0].note == f"{CANARY} again"
        backup = create_backup(services.vault, store, PASSPHRASE, tmp_path / "b.kindred-backup").data
    finally:
        for name in ("sqlalchemy", "sqlalchemy.engine", "alembic", "keyring", "services", "flet"):
            logging.getLogger(name).setLevel(logging.NOTSET)
    assert caplog.records, "logging was captured"
    assert all(CANARY not in record.getMessage() and CANARY not in str(record.args) for record in caplog.records)
    assert CANARY not in caplog.text
    assert CANARY.encode() not in backup
    assert CANARY.encode() not in raw_bytes(services.private_db.path)


def test_the_served_page_is_flets_own_plus_a_content_security_policy():
    """assets/index.html overrides the Flet web client's page only to add a CSP that keeps
    the browser from contacting any host but the local app. If Flet's page changes in an
    upgrade, this fails so the copy is refreshed."""
    from pathlib import Path

    import flet_web

    ours = (ROOT / "assets" / "index.html").read_text().splitlines()
    flets = (Path(flet_web.__file__).parent / "web" / "index.html").read_text().splitlines()
    added = [line for line in ours if line not in flets]
    assert [line for line in flets if line not in ours] == []
    policy = next(line for line in added if "Content-Security-Policy" in line)
    assert "connect-src 'self'" in policy and "default-src 'self'" in policy
    assert all(line.strip().startswith(("<!--", "<meta", "client otherwise", "that (and")) for line in added), added
