"""Automatic daily backups, restore with a review and a merge, and the export → delete all →
import round trip — real files in a real data folder."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from cli import main as kindred
from services import session as sessions
from services.devices import CONFLICT_KIND
from services.journal import Journal
from services.privacy import auto_backup
from services.privacy.backup import BackupWrongPassphrase, create_backup, merge_backup, read_backup, read_backup_file
from services.privacy.erase import erase_private_data
from services.saved import SavedGroups
from tests.privacy_support import CANARY, PASSPHRASE
from tests.privacy_support import env, run  # noqa: F401 - a fixture and the CLI runner


def test_automatic_backups_are_on_by_default_daily_keep_n_and_open_with_passphrase_or_code(services):
    opened = sessions.set_up(services, PASSPHRASE)
    code = opened.recovery_code
    opened.session.journal.add(mood=2, note=f"private {CANARY}")
    opened.session.lock()
    session = sessions.unlock(services, PASSPHRASE)  # the daily backup is made at unlock
    status = session.auto_backup_status()
    assert status.settings.enabled and status.count == 1 and status.folder == services.data_dir / "backups"
    assert status.last is not None and abs(datetime.now(timezone.utc) - status.last) < timedelta(minutes=5)
    session.lock()
    session = sessions.unlock(services, PASSPHRASE)
    assert session.auto_backup_status().count == 1, "one a day"
    [path] = list((services.data_dir / "backups").iterdir())
    data = path.read_bytes()
    assert CANARY.encode() not in data
    for secret in (PASSPHRASE, code, code.lower().replace("-", "")):
        backup = read_backup(data, secret)
        assert backup.summary.automatic and backup.summary.counts == {"journal_entry": 1}
        assert backup.summary.device
    with pytest.raises(BackupWrongPassphrase):
        read_backup(data, "not the passphrase")
    store = session.store()
    start = datetime.now(timezone.utc)
    auto_backup.save(store, keep=3)
    for day in range(1, 6):
        assert auto_backup.run_if_due(store, services.vault, services.data_dir, now=start + timedelta(days=day))
        assert auto_backup.run_if_due(store, services.vault, services.data_dir, now=start + timedelta(days=day, hours=1)) is None
    assert session.auto_backup_status().count == 3
    assert session.auto_backup_status().last.date() == (start + timedelta(days=5)).date()
    session.set_auto_backup(False)
    assert auto_backup.run_if_due(store, services.vault, services.data_dir, now=start + timedelta(days=30)) is None
    assert not session.auto_backup_status().settings.enabled
    session.lock()
    erase_private_data(services.vault, services.data_dir)
    assert not (services.data_dir / "backups").exists(), "delete all my data deletes the automatic backups too"


def test_restore_merge_keeps_both_sides_newer_wins_older_kept_as_a_copy(services, tmp_path):
    store, _ = services.vault.set_up(PASSPHRASE, use_keyring=False)
    journal = Journal(store)
    shared_old = journal.add(mood=3, note="in both, changed later here")
    shared_new = journal.add(mood=3, note="in both, changed later in the backup")
    journal.add(mood=4, note="only in the backup")
    created = create_backup(services.vault, store, PASSPHRASE, tmp_path / "b.kindred-backup")
    assert created.written == 3
    opened = read_backup_file(tmp_path / "b.kindred-backup", PASSPHRASE)
    assert opened.summary.first and opened.summary.last and opened.summary.device
    # After the backup: this device deletes one, adds one, edits one; the backup's copy of
    # another is made newer by hand (as if it had been edited on the other device later).
    journal.delete([e for e in journal.all_entries() if e.note == "only in the backup"][0].id)
    journal.add(mood=5, note="only here")
    journal.update(shared_old.id, note="edited here after the backup")
    later = datetime.now(timezone.utc) + timedelta(hours=1)
    records = [r if r.id != shared_new.id else type(r)(**{**r.__dict__, "updated_at": later,
                                                           "payload": {**r.payload, "note": "the backup's newer words"}})
               for r in opened.records]
    opened = type(opened)(summary=opened.summary, records=records, kept_aside=opened.kept_aside)
    result = merge_backup(services.private_db, services.data_dir, opened, store)
    assert (result.added, result.updated, result.kept_newer_here) == (1, 1, 1)
    assert result.copies == 2 and result.snapshot_path.exists()
    notes = sorted(e.note for e in Journal(store).all_entries())
    assert notes == sorted(["edited here after the backup", "the backup's newer words", "only in the backup", "only here"])
    kept = sorted(r.payload["payload"]["note"] for r in store.list(CONFLICT_KIND))
    assert kept == ["in both, changed later here", "in both, changed later in the backup"]
    again = merge_backup(services.private_db, services.data_dir, opened, store)
    assert again.added == 0 and again.copies == 0, "merging twice adds nothing"
    store.lock()


def test_cli_restore_shows_a_review_before_merge_or_replace(data_dir, env, tmp_path, capsys):
    assert run(data_dir, "setup") == 0
    assert run(data_dir, "journal", "add", "--mood", "3", "--note", "one") == 0
    backup = tmp_path / "x.kindred-backup"
    assert run(data_dir, "backup", "create", "-o", str(backup)) == 0
    assert run(data_dir, "journal", "add", "--mood", "4", "--note", "two") == 0
    capsys.readouterr()
    assert run(data_dir, "backup", "restore", "--merge", str(backup)) == 1  # no terminal, no --yes
    out = capsys.readouterr()
    assert "records dated" in out.out and "journal entry" in out.out and "Backup made" in out.out and "--yes" in out.err
    assert run(data_dir, "backup", "restore", "--merge", str(backup), "--yes") == 0
    assert "0 added" in capsys.readouterr().out
    assert run(data_dir, "journal", "list", "--json") == 0
    assert sorted(e["note"] for e in json.loads(capsys.readouterr().out)) == ["one", "two"]
    assert run(data_dir, "backup", "auto", "--json") == 0
    state = json.loads(capsys.readouterr().out)
    assert state["enabled"] is True and state["count"] == 0
    assert run(data_dir, "backup", "auto", "--off", "--keep", "2", "--json") == 0
    assert json.loads(capsys.readouterr().out)["enabled"] is False
    assert run(data_dir, "backup", "auto", "--now", "--json") == 0
    made = json.loads(capsys.readouterr().out)
    assert made["count"] == 1 and made["made"]


def test_everything_round_trips_through_a_backup_after_delete_all(data_dir, env, tmp_path, capsys):
    """Export (a backup) → delete all → import: equal data, every kind of record."""
    from services.app import open_services
    from services.journal import safety_plan

    services = open_services(data_dir)
    try:
        store, _ = services.vault.set_up(PASSPHRASE, use_keyring=False)
        journal = Journal(store)
        journal.add(mood=2, note=f"note {CANARY}", tags=("work",))
        journal.add_own_strategy("cold water", "splash face")
        journal.rename_mood(5, "Wonderful")
        journal.save_self_check({"questionnaire": "phq9", "answers": [1] * 9})
        safety_plan.save(journal, {"warning_signs": "not sleeping", "professionals": "Dr Ana +1 (555) 010-9999"})
        SavedGroups(store).save("bundled/smart-recovery", {"name": "SMART"}, "bring notes")
        from services.privacy import settings as private_settings

        private_settings.update(store, auto_lock_minutes=15)
        before = {(r.kind, r.id): (r.payload, r.occurred_at) for r in store.all_records()}
        create_backup(services.vault, store, PASSPHRASE, tmp_path / "all.kindred-backup")
        store.lock()
        erase_private_data(services.vault, data_dir)
        assert not services.vault.is_set_up()
    finally:
        services.close()
    assert run(data_dir, "backup", "restore", str(tmp_path / "all.kindred-backup"), "--yes") == 0
    services = open_services(data_dir)
    try:
        store = services.vault.unlock(PASSPHRASE)
        after = {(r.kind, r.id): (r.payload, r.occurred_at) for r in store.all_records()}
        assert after == before
        assert {kind for kind, _ in after} >= {"journal_entry", "coping_strategy", "journal_settings", "self_check",
                                                "safety_plan", "saved_group", "setting"}
        store.lock()
    finally:
        services.close()
