"""The journal's sealed insights summary (issue #14, target 4): Insights after unlocking come
from one sealed summary instead of every check-in, are the same as computed from every
check-in, and are never taken from a summary older than the check-ins — whatever path wrote
them. Real SQLite files, real AES-GCM, cheap scrypt (tests/conftest.py)."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import date, datetime, timedelta, timezone

import pytest

from services import session as sessions
from services.journal import Journal, StrategyUse
from services.journal import exchange
from services.journal.codec import make_entry
from services.journal.insights import Summary, from_summary, summarize
from services.journal.journal import SUMMARY_NAME
from services.journal.model import ENTRY_KIND
from services.privacy import crypto
from services.privacy.backup import create_backup, merge_backup, read_backup_file, restore_backup
from services.privacy.erase import erase_private_data
from services.privacy.store import PrivateStore
from tests.insights_reference import compute as reference
from tests.privacy_support import CANARY, PASSPHRASE, raw_bytes

ZONES = [timezone(timedelta(hours=h, minutes=m)) for h, m in ((0, 0), (1, 0), (-5, 0), (5, 30), (14, 0), (-11, 0))]
TAGS = ["work", "Work", "family", "outside", "alone", "rain", "Sam", "sam", "music"]
STRATEGIES = ["A walk", "a walk", "Box breathing", "Thought record", "Reaching out to someone"]
HELPED = ["not really", "a little", "a lot", None]


def make_entries(count: int, seed: int, zones=ZONES, start: datetime | None = None) -> list:
    """Varied check-ins, newest first (as the journal keeps them): mixed offsets (so a later
    check-in can fall on an earlier local day), ties in time, case variants of tags and
    strategies, meeting days."""
    rng = random.Random(seed)
    moment = start or datetime(2026, 1, 1, 7, tzinfo=timezone.utc)
    entries = []
    for i in range(count):
        if i and rng.random() < 0.1:
            pass  # the same instant as the one before
        else:
            moment += timedelta(minutes=rng.choice([5, 90, 300, 700, 1500, 3000]))
        at = moment.astimezone(rng.choice(zones))
        entries.append(make_entry(
            id=f"e{seed}-{i:05}",
            at=at,
            mood=rng.randint(1, 5),
            tags=rng.sample(TAGS, rng.randint(0, 3)),
            strategies=[StrategyUse(s, rng.choice(HELPED)) for s in rng.sample(STRATEGIES, rng.randint(0, 2))],
            note=rng.choice(["", "a short note", "long day"]),
            group=rng.choice([None, None, None, "Tuesday peer group"]),
        ))
    entries.sort(key=lambda e: (e.at.timestamp(), e.id), reverse=True)
    return entries


def days_to_check(entries) -> list[date]:
    if not entries:
        return [date(2026, 6, 1)]
    first, last = entries[-1].day, entries[0].day
    return [first - timedelta(days=1), first, first + (last - first) / 2, last, last + timedelta(days=29),
            last + timedelta(days=200), last + timedelta(days=4000)]


def through_storage(summary: Summary) -> Summary:
    """What a summary becomes after being sealed as JSON and read back."""
    return Summary.from_dict(crypto.loads_payload(crypto.dumps_payload(summary.to_dict())))


@pytest.mark.parametrize(("count", "seed"), [(0, 1), (1, 2), (3, 3), (13, 4), (14, 5), (60, 6), (400, 7), (2500, 8)])
def test_insights_from_the_summary_are_the_same_as_from_every_entry(count, seed):
    entries = make_entries(count, seed)
    for left_out in (0, 2):
        stored = through_storage(summarize(entries, left_out))
        for today in days_to_check(entries):
            expected = reference(entries, today=today, left_out=left_out)
            assert from_summary(stored, today) == expected, (count, seed, today)
            assert json.dumps(from_summary(stored, today).to_dict()) == json.dumps(expected.to_dict())


def test_the_summary_is_the_same_whichever_language_is_on_when_it_was_made():
    # Labels and captions are made when the Insights are: the summary holds numbers and
    # the person's own words only.
    summary = summarize(make_entries(200, 9)).to_dict()
    text = json.dumps(summary)
    for word in ("Monday", "Morning", "check-ins", "average"):
        assert word not in text


# --- in the store ---------------------------------------------------------------------------
@pytest.fixture
def store(services):
    store, _ = services.vault.set_up(PASSPHRASE, use_keyring=False)
    yield store
    store.lock()


def fresh(services) -> PrivateStore:
    """Another unlock of the same data folder: a new store, nothing cached."""
    return services.vault.unlock(PASSPHRASE)


def expected_now(services, today: date):
    """Insights computed from every check-in as the store holds them now (no summary)."""
    other = fresh(services)
    records = other.list(ENTRY_KIND, newest_first=True)
    from services.journal.codec import entry_from_payload

    entries = [entry_from_payload(r.id, r.payload) for r in records]
    other.lock()
    return reference(entries, today=today, left_out=records.left_out)


def count_decrypts(monkeypatch) -> list:
    calls = []
    real = crypto.open_sealed

    def counting(key, sealed, aad):
        calls.append(aad)
        return real(key, sealed, aad)

    monkeypatch.setattr(crypto, "open_sealed", counting)
    return calls


TODAY = date(2026, 3, 1)


def test_after_unlocking_insights_need_one_decrypt_not_one_per_check_in(services, store, monkeypatch):
    entries = make_entries(300, 11)
    Journal(store).save_many(entries)
    first = Journal(store).insights(TODAY)  # nothing kept yet: from every check-in, then kept
    assert first == reference(entries, today=TODAY)
    other = fresh(services)
    calls = count_decrypts(monkeypatch)
    assert Journal(other).insights(TODAY) == first
    assert calls == [crypto.summary_aad(SUMMARY_NAME, other.generation(ENTRY_KIND))], "only the summary was decrypted"

    # Without the summary the same question reads every check-in: a Journal that cannot
    # read check-ins at all still answers from the summary alone.
    def no_list(*_args, **_kwargs):
        raise AssertionError("read every check-in although the summary is current")

    monkeypatch.setattr(PrivateStore, "list", no_list)
    for today in days_to_check(entries):
        assert Journal(fresh(services)).insights(today) == reference(entries, today=today)


def summary_row(services):
    with sqlite3.connect(services.private_db.path) as connection:
        return connection.execute("SELECT generation, ciphertext FROM private_summary WHERE name = ?",
                                  (SUMMARY_NAME,)).fetchone()


def test_the_summary_is_sealed_no_plaintext_reaches_the_file(services, store):
    journal = Journal(store)
    journal.add(mood=2, at=datetime(2026, 2, 1, 9, tzinfo=timezone.utc), note=f"note {CANARY}",
                tags=[f"tag-{CANARY}"], strategies=[StrategyUse(f"strategy-{CANARY}", "a lot")], group=f"group-{CANARY}")
    journal.save_many(make_entries(40, 12))
    journal.insights(TODAY)
    payload, generation = store.read_summary(SUMMARY_NAME, ENTRY_KIND)
    assert payload is not None and f"tag-{CANARY}" in json.dumps(payload), "the summary holds the person's tags..."
    assert f"strategy-{CANARY}" in json.dumps(payload)
    assert summary_row(services)[0] == generation
    store.lock()
    services.close()
    assert CANARY.encode() not in raw_bytes(services.private_db.path), "... and only sealed"
    assert b"tag-" not in raw_bytes(services.private_db.path)


@pytest.mark.parametrize("damage", ["flip a bit", "another generation", "another version", "not a summary"])
def test_a_damaged_or_foreign_summary_is_not_used_and_is_made_again(services, store, damage):
    entries = make_entries(120, 13)
    Journal(store).save_many(entries)
    Journal(store).insights(TODAY)
    generation = store.generation(ENTRY_KIND)
    if damage == "flip a bit":
        sealed = bytearray(summary_row(services)[1])
        sealed[-5] ^= 0x01
        with sqlite3.connect(services.private_db.path) as connection:
            connection.execute("UPDATE private_summary SET ciphertext = ?", (bytes(sealed),))
    elif damage == "another generation":
        # A genuine summary of other check-ins, relabelled with the current generation.
        store.write_summary(SUMMARY_NAME, ENTRY_KIND, generation, summarize(make_entries(5, 99)).to_dict())
        with sqlite3.connect(services.private_db.path) as connection:
            connection.execute("UPDATE private_summary SET generation = generation + 1")
            connection.execute("UPDATE record_generation SET value = value + 1 WHERE kind = ?", (ENTRY_KIND,))
    elif damage == "another version":
        store.write_summary(SUMMARY_NAME, ENTRY_KIND, generation, {**summarize(make_entries(5, 99)).to_dict(), "version": 99})
    else:
        store.write_summary(SUMMARY_NAME, ENTRY_KIND, generation, {"version": 1, "days": "nonsense"})
    assert Journal(fresh(services)).insights(TODAY) == reference(entries, today=TODAY)
    payload, _generation = store.read_summary(SUMMARY_NAME, ENTRY_KIND)
    assert Summary.from_dict(payload) == through_storage(summarize(entries)), "a good summary was kept again"
    assert len(Journal(store).all_entries()) == 120, "nothing lost"


# --- every write path ------------------------------------------------------------------------
def prime(services, store, entries) -> tuple:
    """Check-ins written and a current summary kept; returns (insights, generation)."""
    Journal(store).save_many(entries)
    before = Journal(fresh(services)).insights(TODAY)
    payload, generation = store.read_summary(SUMMARY_NAME, ENTRY_KIND)
    assert payload is not None
    return before, generation


def assert_current(services, store, before, generation):
    """The generation moved, the kept summary is not used, and Insights match the check-ins."""
    now = store.generation(ENTRY_KIND) if not store.is_locked else fresh(services).generation(ENTRY_KIND)
    assert now != generation, "the write did not change the check-ins' generation"
    expected = expected_now(services, TODAY)
    assert expected != before, "this write should change the Insights (else the test proves nothing)"
    assert Journal(fresh(services)).insights(TODAY) == expected
    assert Journal(fresh(services)).insights(TODAY) == expected, "and again, from the summary kept just now"


DAY = datetime(2026, 2, 20, 12, tzinfo=timezone.utc)


def test_add_edit_and_delete_in_the_app(services, store):
    entries = make_entries(80, 21)
    before, generation = prime(services, store, entries)
    journal = Journal(fresh(services))  # another window: its writes do not go through this cache
    added = journal.add(mood=5, at=DAY, tags=["new"])
    assert_current(services, store, before, generation)
    before, generation = Journal(store).insights(TODAY), store.generation(ENTRY_KIND)
    journal.update(added.id, mood=1)
    assert_current(services, store, before, generation)
    before, generation = Journal(store).insights(TODAY), store.generation(ENTRY_KIND)
    journal.delete(entries[0].id)
    assert_current(services, store, before, generation)


def test_a_json_import(services, store, tmp_path):
    entries = make_entries(60, 22)
    before, generation = prime(services, store, entries)
    document = json.loads(exchange.export_json(Journal(store)))
    extra = dict(document["entries"][0], id="imported-1", mood=5, at=DAY.isoformat())
    document["entries"] = [extra, dict(document["entries"][1], mood=1 + document["entries"][1]["mood"] % 5)]
    plan = exchange.plan_import(json.dumps(document).encode())
    assert exchange.apply(Journal(fresh(services)), plan) == 2
    assert_current(services, store, before, generation)


def test_a_restore_that_replaces_and_one_that_merges(services, store, tmp_path):
    entries = make_entries(60, 23)
    Journal(store).save_many(entries[20:])
    create_backup(services.vault, store, PASSPHRASE, tmp_path / "b.kindred-backup")
    Journal(store).save_many(entries[:20])
    before = Journal(fresh(services)).insights(TODAY)
    generation = store.generation(ENTRY_KIND)
    opened = read_backup_file(tmp_path / "b.kindred-backup", PASSPHRASE)
    result = restore_backup(services.vault, services.private_db, services.data_dir, opened, PASSPHRASE, store)
    assert result.restored == 40
    assert_current(services, store, before, generation)

    # Merge: a backup holding a check-in this device no longer has.
    other = Journal(fresh(services))
    other.add(mood=5, at=DAY, note="kept in the second backup")
    create_backup(services.vault, store, PASSPHRASE, tmp_path / "c.kindred-backup")
    gone = [e for e in other.all_entries() if e.note == "kept in the second backup"][0]
    other.delete(gone.id)
    before, generation = Journal(store).insights(TODAY), store.generation(ENTRY_KIND)
    merged = merge_backup(services.private_db, services.data_dir, read_backup_file(tmp_path / "c.kindred-backup", PASSPHRASE),
                          fresh(services))
    assert merged.added == 1
    assert_current(services, store, before, generation)


def test_a_device_sync_merge(services, tmp_path):
    from services.app import open_services
    from services.devices import FolderSync, join_folder

    store, code = services.vault.set_up(PASSPHRASE, use_keyring=False)
    shared = tmp_path / "Sync" / "Kindred"
    entries = make_entries(50, 24)
    before, generation = prime(services, store, entries)
    FolderSync(store, services.vault).link(shared, "Laptop")
    phone_services = open_services(tmp_path / "phone")
    try:
        phone, _ = join_folder(phone_services.vault, shared, code, "another passphrase for the phone", "Phone")
        assert len(Journal(phone).all_entries()) == 50
        before, generation = Journal(store).insights(TODAY), store.generation(ENTRY_KIND)
        Journal(phone).add(mood=5, at=DAY, note="written on the phone")
        Journal(phone).update(entries[3].id, mood=1 + entries[3].mood % 5)
        FolderSync(phone, phone_services.vault).sync()
        FolderSync(fresh(services), services.vault).sync()
        assert_current(services, store, before, generation)
        phone.lock()
    finally:
        phone_services.close()
        store.lock()


def test_setting_aside_an_unreadable_check_in_and_delete_all(services, store):
    entries = make_entries(40, 25)
    before, generation = prime(services, store, entries)
    with sqlite3.connect(services.private_db.path) as connection:  # a flipped bit in one check-in
        sealed = bytearray(connection.execute("SELECT ciphertext FROM private_record WHERE id = ?", (entries[5].id,)).fetchone()[0])
        sealed[-3] ^= 0x01
        connection.execute("UPDATE private_record SET ciphertext = ? WHERE id = ?", (bytes(sealed), entries[5].id))
    # Even a hand-made change underneath Kindred moves the generation (it is SQLite's trigger).
    assert store.generation(ENTRY_KIND) != generation
    damaged = Journal(fresh(services)).insights(TODAY)
    assert damaged.left_out == 1 and damaged.total_entries == 39
    assert damaged == expected_now(services, TODAY)
    assert Journal(fresh(services)).insights(TODAY) == damaged, "kept with its left-out count"
    before, generation = damaged, store.generation(ENTRY_KIND)
    assert fresh(services).set_aside_unreadable() == 1
    after = Journal(fresh(services)).insights(TODAY)
    assert store.generation(ENTRY_KIND) != generation
    assert after.left_out == 0 and after.total_entries == 39 and after == expected_now(services, TODAY)

    store.lock()
    erase_private_data(services.vault, services.data_dir)
    with sqlite3.connect(services.private_db.path) as connection:
        assert connection.execute("SELECT count(*) FROM private_summary").fetchone()[0] == 0
        assert connection.execute("SELECT count(*) FROM record_generation").fetchone()[0] == 0
    again, _code = services.vault.set_up(PASSPHRASE, use_keyring=False)
    Journal(again).add(mood=4, at=DAY)
    result = Journal(again).insights(TODAY)
    assert result.total_entries == 1 and result == expected_now(services, TODAY)
    again.lock()


# --- this window's own writes -------------------------------------------------------------
def test_own_writes_keep_the_cache_trusted_and_another_windows_writes_are_seen(services, store, monkeypatch):
    entries = make_entries(100, 31)
    journal = Journal(store)
    journal.save_many(entries)
    journal.warm_cache()  # the timeline does this after its first page
    assert store.read_summary(SUMMARY_NAME, ENTRY_KIND)[0] is not None, "warming keeps a summary"
    journal.add(mood=1, at=DAY, tags=["late"])
    assert store.read_summary(SUMMARY_NAME, ENTRY_KIND)[0] is None, "stale after the write"
    calls = count_decrypts(monkeypatch)
    result = journal.insights(TODAY)
    assert len(calls) < 5, "from the cache (it saw every write since it was filled), not by decrypting everything"
    assert result == expected_now(services, TODAY)
    assert store.read_summary(SUMMARY_NAME, ENTRY_KIND)[0] is not None

    # Another window writes: this window's cache no longer matches and is read again.
    Journal(fresh(services)).add(mood=5, at=DAY + timedelta(hours=1), tags=["from the other window"])
    assert journal.insights(TODAY) == expected_now(services, TODAY)
    assert any(e.tags == ("from the other window",) for e in journal.all_entries())

    # Another window writes, then this one: this window's write must not vouch for a cache
    # that missed the other's.
    assert store.read_summary(SUMMARY_NAME, ENTRY_KIND)[0] is not None
    Journal(fresh(services)).add(mood=1, at=DAY + timedelta(hours=2), tags=["other window again"])
    journal.add(mood=5, at=DAY + timedelta(hours=3), tags=["this window"])
    assert journal.insights(TODAY) == expected_now(services, TODAY)
    assert Journal(fresh(services)).insights(TODAY) == expected_now(services, TODAY)


def test_locking_keeps_a_summary_of_what_was_written_since(services):
    opened = sessions.set_up(services, PASSPHRASE)
    session = opened.session
    journal = session.journal
    journal.save_many(make_entries(60, 32))
    journal.warm_cache()
    journal.add(mood=5, at=DAY)
    store = session.store()
    assert store.read_summary(SUMMARY_NAME, ENTRY_KIND)[0] is None
    session.lock()
    again = fresh(services)
    assert again.read_summary(SUMMARY_NAME, ENTRY_KIND)[0] is not None, "kept at lock, from memory"
    assert Journal(again).insights(TODAY) == expected_now(services, TODAY)


def test_a_journal_from_before_the_summary_is_migrated_and_counted_from_then_on(data_dir):
    from services.app import open_services

    services = open_services(data_dir)
    store, _ = services.vault.set_up(PASSPHRASE, use_keyring=False)
    entries = make_entries(30, 41)
    Journal(store).save_many(entries)
    store.lock()
    services.close()
    with sqlite3.connect(data_dir / "private.sqlite") as connection:  # as Kindred left it before p0005
        for name in ("insert", "update", "delete"):
            connection.execute(f"DROP TRIGGER private_record_generation_{name}")
        connection.execute("DROP TABLE private_summary")
        connection.execute("DROP TABLE record_generation")
        connection.execute("UPDATE alembic_version SET version_num = 'p0004'")
    services = open_services(data_dir)
    try:
        store = services.vault.unlock(PASSPHRASE)
        assert Journal(store).insights(TODAY) == reference(entries, today=TODAY)
        assert store.read_summary(SUMMARY_NAME, ENTRY_KIND)[0] is not None
        generation = store.generation(ENTRY_KIND)
        Journal(fresh(services)).add(mood=5, at=DAY)
        assert store.generation(ENTRY_KIND) != generation
        assert Journal(fresh(services)).insights(TODAY) == expected_now(services, TODAY)
        store.lock()
    finally:
        services.close()
