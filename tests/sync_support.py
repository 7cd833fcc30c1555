"""Feeds and helpers for sync tests."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select, text

from services.models import DirectoryGroup, DirectorySchedule, DirectorySource
from services.sync import signing
from services.sync.fetch import FetchLimits
from services.sync.service import SyncService

TEST_LIMITS = FetchLimits(
    connect_timeout=2.0,
    read_timeout=0.3,
    total_timeout=10.0,
    max_bytes=4 * 1024 * 1024,
    max_decoded_bytes=8 * 1024 * 1024,
    max_redirects=3,
    retries=1,
    backoff=0.01,
    max_backoff=0.05,
)


def group(i: int, version: int = 1, zone: str | None = "America/Chicago") -> dict:
    rule = {"kind": "weekly", "weekday": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][i % 7], "start": "19:00", "end": "20:30"}
    if zone:
        rule["timezone"] = zone
    return {
        "id": f"g{i}",
        "name": f"Peer support group {i} (v{version})",
        "description": "A peer-led group for people living with anxiety or depression.",
        "topics": ["anxiety", "depression"],
        "leadership": {"kind": "peer"},
        "attendance": "in_person",
        "schedule": [rule],
        "location": {"city": "Springfield", "region": "IL", "country": "US"},
        "cost": {"kind": "free"},
        "status": "active",
        "last_verified": "2026-10-01",
    }


def kindred_feed(count: int, version: int = 1, zone: str | None = "America/Chicago", publisher: str = "Acme Peer Network") -> bytes:
    document = {
        "format": "kindred-directory",
        "version": 1,
        "publisher": {"name": publisher},
        "generated_at": "2026-11-01",
        "groups": [group(i, version, zone) for i in range(count)],
    }
    return json.dumps(document, indent=1).encode()


def meeting_guide_feed(count: int) -> bytes:
    return json.dumps(
        [
            {"slug": f"m{i}", "name": f"Meeting {i}", "day": i % 7, "time": "18:30", "types": ["O", "W"],
             "address": "1 Main St", "city": "Austin", "state": "TX", "timezone": "America/Chicago"}
            for i in range(count)
        ]
    ).encode()


def make_service(services, limits: FetchLimits = TEST_LIMITS) -> SyncService:
    service = SyncService(services.directory_db, limits)
    services.sync = service
    return service


def groups_of(services, source: str) -> list[tuple[str, str]]:
    with services.directory_db.transaction() as session:
        return list(
            session.execute(
                select(DirectoryGroup.uid, DirectoryGroup.name)
                .join(DirectorySource, DirectorySource.id == DirectoryGroup.source_id)
                .where(DirectorySource.name == source)
                .order_by(DirectoryGroup.uid)
            ).all()
        )


def zones_of(services, source: str) -> set[str | None]:
    with services.directory_db.transaction() as session:
        return set(
            session.scalars(
                select(DirectorySchedule.timezone)
                .join(DirectoryGroup, DirectoryGroup.id == DirectorySchedule.group_id)
                .join(DirectorySource, DirectorySource.id == DirectoryGroup.source_id)
                .where(DirectorySource.name == source)
            ).all()
        )


def count_groups(services) -> int:
    with services.directory_db.transaction() as session:
        return session.scalar(select(func.count()).select_from(DirectoryGroup))


def install_write_audit(db) -> None:
    """Count every insert, update and delete on the directory's group tables."""
    with db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS test_write_audit (what TEXT)"))
        for table in ("directory_group", "directory_schedule", "directory_group_tag"):
            for event in ("INSERT", "UPDATE", "DELETE"):
                connection.execute(
                    text(
                        f"CREATE TRIGGER IF NOT EXISTS audit_{table}_{event.lower()} AFTER {event} ON {table} "
                        f"BEGIN INSERT INTO test_write_audit VALUES ('{table} {event}'); END"
                    )
                )


def audited_writes(db) -> int:
    with db.engine.begin() as connection:
        return connection.execute(text("SELECT count(*) FROM test_write_audit")).scalar()


def signed(tmp_path: Path, body: bytes, name: str = "publisher") -> tuple[str, bytes]:
    """A key pair under tmp_path; returns (public key text, .sig content for ``body``)."""
    prefix = tmp_path / name
    if not (tmp_path / f"{name}.key").exists():
        signing.generate_keypair(prefix)
    key = signing.load_private_key(tmp_path / f"{name}.key")
    return signing.public_key_text(key.public_key()), (signing.sign_bytes(key, body) + "\n").encode()


def check_signatures_as_in_the_browser(monkeypatch) -> None:
    """Make ``services.sync.signing`` take the browser build's path: no ``cryptography`` keys,
    keys parsed by hand and checked by ``platform.ed25519_verify`` — which in the browser is the
    bundled @noble/curves (checked in Chromium by tests/test_pwa.py) and here a verifier that
    really verifies, with OpenSSL."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    def verify(public_key: bytes, signature: bytes, message: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
            return True
        except InvalidSignature:
            return False

    monkeypatch.setattr(signing, "serialization", None)
    monkeypatch.setattr(signing, "_browser_can_verify", lambda: True)
    monkeypatch.setattr(signing.platform, "ed25519_verify", verify)


def edit_on_two_devices(vault, session, folder: Path, other_dir: Path) -> None:
    """Make a sync conflict the way two devices do: a second device joins ``folder`` with a
    new recovery code of ``session``'s journal, then both change the note of the same
    check-in before either has seen the other's change. (``session`` has linked ``folder``.)"""
    from services.app import open_services
    from services.devices import FolderSync, join_folder
    from services.journal import Journal

    code = vault.replace_recovery_code(session.store())
    session.sync_now()
    entry = session.journal.all_entries()[0]
    other = open_services(other_dir)
    try:
        store_b, _key = join_folder(other.vault, folder, code, "phone passphrase", "Phone")
        session.journal.update(entry.id, note="the laptop's words")
        Journal(store_b).update(entry.id, note="the phone's words")
        FolderSync(store_b, other.vault).sync()
        store_b.lock()
    finally:
        other.close()
