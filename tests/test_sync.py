"""Sources and sync against a real HTTP server on 127.0.0.1: every failure keeps the last good data."""

from __future__ import annotations

import json

import gzip
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from services.models import DirectorySource
from services.sync.service import SourceError
from tests.feed_server import closed_port, gzip_bomb
from tests.sync_support import (
    audited_writes,
    count_groups,
    groups_of,
    install_write_audit,
    kindred_feed,
    make_service,
    meeting_guide_feed,
    signed,
    zones_of,
)

V1 = kindred_feed(5, version=1)
V2 = kindred_feed(7, version=2)


@pytest.fixture
def sync(services):
    return make_service(services)


def first_sync(feed_server, sync, services, tmp_path, *, key=True, body=V1, name="acme"):
    """Serve ``body`` (signed when ``key``), add the source and sync it once."""
    public_key, signature = signed(tmp_path, body)
    feed_server.route("/groups.json", body=body, etag='"v1"', last_modified="Sun, 01 Nov 2026 10:00:00 GMT", gzip=True)
    feed_server.route("/groups.json.sig", body=signature, content_type="text/plain")
    sync.add_source(feed_server.url("/groups.json"), public_key=public_key if key else None, name=name)
    [outcome] = sync.sync()
    assert outcome.status == "updated", outcome.message
    assert len(groups_of(services, name)) == len(groups_of(services, name))
    return public_key


def assert_v1_intact(services, name="acme"):
    rows = groups_of(services, name)
    assert len(rows) == 5
    assert all(row.name.endswith("(v1)") for row in rows)


def test_first_sync_imports_the_feed_and_records_the_status(feed_server, sync, services, tmp_path):
    first_sync(feed_server, sync, services, tmp_path)
    rows = groups_of(services, "acme")
    assert [uid for uid, _ in rows] == [f"acme/g{i}" for i in range(5)]
    status = sync.get_source("acme")
    assert status.group_count == 5 and status.verified and status.trust_label == "verified"
    assert status.etag == '"v1"' and status.last_modified == "Sun, 01 Nov 2026 10:00:00 GMT"
    assert status.last_success_at and status.last_error is None
    assert status.format == "kindred" and status.publisher == "Acme Peer Network"
    assert count_groups(services) > 5  # the bundled directory is still there too


def test_an_unchanged_feed_is_one_304_and_no_directory_writes(feed_server, sync, services, tmp_path):
    first_sync(feed_server, sync, services, tmp_path)
    install_write_audit(services.directory_db)
    before = len(feed_server.requests)
    [outcome] = sync.sync()
    assert outcome.status == "unchanged" and outcome.message == "Unchanged (5 groups)."
    new_requests = feed_server.requests[before:]
    assert [r.path for r in new_requests] == ["/groups.json"]  # no signature fetch either
    assert new_requests[0].header("If-None-Match") == '"v1"'
    assert audited_writes(services.directory_db) == 0
    assert_v1_intact(services)


def test_a_changed_feed_replaces_the_sources_groups(feed_server, sync, services, tmp_path):
    first_sync(feed_server, sync, services, tmp_path)
    public_key, signature = signed(tmp_path, V2)
    feed_server.route("/groups.json", body=V2, etag='"v2"')
    feed_server.route("/groups.json.sig", body=signature)
    [outcome] = sync.sync()
    assert outcome.status == "updated"
    assert outcome.message == "Updated: 7 groups (was 5)."
    rows = groups_of(services, "acme")
    assert len(rows) == 7 and all(name.endswith("(v2)") for _, name in rows)
    assert sync.get_source("acme").etag == '"v2"'


def test_a_tampered_body_is_refused_and_nothing_is_lost(feed_server, sync, services, tmp_path):
    first_sync(feed_server, sync, services, tmp_path)
    tampered = V2.replace(b"Peer support group 1 ", b"Totally legit group 1 ")
    _key, signature_of_v2 = signed(tmp_path, V2)
    feed_server.route("/groups.json", body=tampered, etag='"v2"')
    feed_server.route("/groups.json.sig", body=signature_of_v2)
    [outcome] = sync.sync()
    assert outcome.status == "failed"
    assert "signature does not match the publisher's key" in outcome.message
    assert "last good copy is kept" in outcome.message
    assert_v1_intact(services)
    status = sync.get_source("acme")
    assert status.etag == '"v1"'  # so the next sync downloads again
    assert status.last_error == outcome.message and status.group_count == 5


def test_a_feed_signed_with_another_key_is_refused(feed_server, sync, services, tmp_path):
    first_sync(feed_server, sync, services, tmp_path)
    _other, signature = signed(tmp_path, V2, name="impostor")
    feed_server.route("/groups.json", body=V2, etag='"v2"')
    feed_server.route("/groups.json.sig", body=signature)
    [outcome] = sync.sync()
    assert outcome.status == "failed" and "does not match the publisher's key" in outcome.message
    assert_v1_intact(services)


def test_a_missing_signature_is_refused_when_a_key_is_pinned(feed_server, sync, services, tmp_path):
    first_sync(feed_server, sync, services, tmp_path)
    feed_server.route("/groups.json", body=V2, etag='"v2"')
    del feed_server.routes["/groups.json.sig"]
    [outcome] = sync.sync()
    assert outcome.status == "failed" and "has no signature (groups.json.sig was not found)" in outcome.message
    assert_v1_intact(services)


def test_a_damaged_signature_file_is_refused(feed_server, sync, services, tmp_path):
    first_sync(feed_server, sync, services, tmp_path)
    feed_server.route("/groups.json", body=V2, etag='"v2"')
    feed_server.route("/groups.json.sig", body=b"<html>not a signature</html>")
    [outcome] = sync.sync()
    assert outcome.status == "failed" and "signature file is damaged" in outcome.message
    assert_v1_intact(services)
    # The reason is translated with the sentence around it, as shown and as stored.
    from services.i18n import Message, use_language

    stored = Message.from_stored(sync.get_source("acme").last_error)
    with use_language("es"):
        for message in (outcome.message, stored):
            assert "El archivo de firma está dañado" in message.localized(), message.localized()
    with use_language("fr"):
        assert "Le fichier de signature est abîmé" in stored.localized()


def test_an_unsigned_source_is_labelled_unverified_and_never_fetches_a_signature(feed_server, sync, services, tmp_path):
    first_sync(feed_server, sync, services, tmp_path, key=False)
    status = sync.get_source("acme")
    assert not status.verified and status.trust_label == "unverified" and status.key_fingerprint is None
    assert not feed_server.requests_for("/groups.json.sig")
    assert status.as_json()["verified"] is False


@pytest.mark.parametrize(
    ("route", "words"),
    [
        (dict(body=V2, truncate_at=len(V2) // 3), "cut off before the end"),
        (dict(body=V2, delay=2.0), "took too long to answer"),
        (dict(body=b"x" * (5 * 1024 * 1024)), "larger than the 4 MB limit"),
        (dict(raw_gzip=gzip_bomb(64 * 1024 * 1024)), "would unpack to more than 8 MB"),
        (dict(body=b"{ this is not json"), "The feed could not be read"),
        (dict(body=b'{"format": "kindred-directory", "version": 1, "publisher": {"name": "x"}, "groups": []}'),
         "no usable groups"),
        (dict(status=500, body=b"oops"), "had a problem of its own (HTTP 500)"),
        (dict(status=404, body=b"gone"), "no feed at this address"),
        (dict(redirect_to="http://feeds.example.org/groups.json"), "not a secure address"),
    ],
    ids=["truncated", "slow", "oversized", "gzip-bomb", "not-json", "empty", "server-error", "not-found", "insecure-redirect"],
)
def test_every_failure_says_why_and_keeps_the_last_good_data(feed_server, sync, services, tmp_path, route, words):
    first_sync(feed_server, sync, services, tmp_path, key=False)
    install_write_audit(services.directory_db)
    feed_server.route("/groups.json", etag='"v2"', **route)
    [outcome] = sync.sync()
    assert outcome.status == "failed", outcome
    assert words in outcome.message
    assert "last good copy is kept" in outcome.message
    assert audited_writes(services.directory_db) == 0
    assert_v1_intact(services)
    status = sync.get_source("acme")
    assert status.last_error == outcome.message and status.etag == '"v1"' and status.group_count == 5


def test_a_server_that_is_down_then_back(feed_server, sync, services, tmp_path):
    first_sync(feed_server, sync, services, tmp_path, key=False)
    with services.directory_db.transaction() as session:
        row = session.scalar(select(DirectorySource).where(DirectorySource.name == "acme"))
        good_url = row.location
        row.location = f"http://127.0.0.1:{closed_port()}/groups.json"
    [outcome] = sync.sync()
    assert outcome.status == "failed" and outcome.message.startswith("Could not reach 127.0.0.1")
    assert_v1_intact(services)
    assert sync.get_source("acme").last_error
    with services.directory_db.transaction() as session:
        session.scalar(select(DirectorySource).where(DirectorySource.name == "acme")).location = good_url
    [outcome] = sync.sync()
    assert outcome.status == "unchanged"
    assert sync.get_source("acme").last_error is None  # recovered: the error is cleared


def test_a_failure_on_a_never_synced_source_changes_nothing(sync, services):
    before = count_groups(services)
    sync.add_source(f"http://127.0.0.1:{closed_port()}/groups.json", name="new")
    [outcome] = sync.sync()
    assert outcome.status == "failed" and outcome.message.endswith("Nothing was changed.")
    assert count_groups(services) == before
    assert sync.get_source("new").last_success_at is None


def test_an_error_while_applying_rolls_back_whole(feed_server, sync, services, tmp_path):
    first_sync(feed_server, sync, services, tmp_path, key=False)
    feed_server.route("/groups.json", body=V2, etag='"v2"')

    def crash():
        assert len(groups_of(services, "acme")) == 5  # other connections still see v1 meanwhile
        raise OSError("disk full")

    sync.before_commit = crash
    [outcome] = sync.sync()
    assert outcome.status == "failed" and "could not be saved (OSError)" in outcome.message
    assert_v1_intact(services)
    assert sync.get_source("acme").etag == '"v1"'
    sync.before_commit = None
    [outcome] = sync.sync()
    assert outcome.status == "updated" and len(groups_of(services, "acme")) == 7


def test_one_failing_source_does_not_stop_the_others(feed_server, sync, services, tmp_path):
    first_sync(feed_server, sync, services, tmp_path, key=False)
    feed_server.route("/mg.json", body=meeting_guide_feed(3))
    sync.add_source(f"http://127.0.0.1:{closed_port()}/x.json", name="broken")
    sync.add_source(feed_server.url("/mg.json"), name="meetings", timezone="America/Chicago")
    outcomes = {o.name: o for o in sync.sync()}
    assert outcomes["acme"].status == "unchanged"
    assert outcomes["broken"].status == "failed"
    assert outcomes["meetings"].status == "updated" and outcomes["meetings"].groups == 3
    assert sync.get_source("meetings").format == "meeting-guide"


def test_the_sources_time_zone_is_a_default_not_an_override(feed_server, sync, services):
    # the groups are in Springfield, IL: their region decides, the source's zone does not override it
    feed_server.route("/nozone.json", body=kindred_feed(3, zone=None))
    sync.add_source(feed_server.url("/nozone.json"), name="nozone", timezone="Europe/London")
    assert sync.sync()[0].status == "updated"
    assert zones_of(services, "nozone") == {"America/Chicago"}
    # with no place to go by, the source's zone is used
    document = json.loads(kindred_feed(3, zone=None))
    for item in document["groups"]:
        item.pop("location", None)
    feed_server.route("/noplace.json", body=json.dumps(document).encode())
    sync.add_source(feed_server.url("/noplace.json"), name="noplace", timezone="Europe/London")
    assert [o.status for o in sync.sync() if o.name == "noplace"] == ["updated"]
    assert zones_of(services, "noplace") == {"Europe/London"}


def test_a_csv_feed_by_url(feed_server, sync, services):
    from services.directory.service import DirectoryService  # noqa: F401 - the engine reads the CSV template

    csv_path = __import__("pathlib").Path(__file__).resolve().parent.parent / "docs" / "groups-template.csv"
    feed_server.route("/groups.csv", body=csv_path.read_bytes(), content_type="text/csv")
    sync.add_source(feed_server.url("/groups.csv"), name="sheet", timezone="America/New_York")
    outcome = sync.sync()[0]
    assert outcome.status == "updated", outcome.message
    assert sync.get_source("sheet").format == "csv"


def test_paused_sources_are_not_checked(feed_server, sync, services, tmp_path):
    first_sync(feed_server, sync, services, tmp_path, key=False)
    sync.set_paused("acme", True)
    before = len(feed_server.requests)
    [outcome] = sync.sync()
    assert outcome.status == "paused" and outcome.ok
    assert len(feed_server.requests) == before
    assert sync.get_source("acme").paused
    sync.set_paused("acme", False)
    assert sync.sync()[0].status == "unchanged"


def test_the_automatic_sync_checks_only_sources_that_are_due(feed_server, sync, services, tmp_path):
    first_sync(feed_server, sync, services, tmp_path, key=False)
    assert sync.sync(due_only=True) == []  # checked a moment ago
    later = datetime.now(UTC) + timedelta(hours=2)
    assert sync.sources_due(later) == ["acme"]
    outcomes = sync.sync(due_only=True, now=lambda: later)
    assert [o.status for o in outcomes] == ["unchanged"]


def test_removing_a_source_removes_only_its_groups(feed_server, sync, services, tmp_path):
    first_sync(feed_server, sync, services, tmp_path, key=False)
    feed_server.route("/other.json", body=kindred_feed(2, publisher="Other"))
    sync.add_source(feed_server.url("/other.json"), name="other")
    sync.sync(["other"])
    private_before = services.private_db.path.read_bytes()
    total = count_groups(services)
    assert sync.remove_source("acme") == 5
    assert groups_of(services, "acme") == []
    assert len(groups_of(services, "other")) == 2
    assert count_groups(services) == total - 5
    assert [s.name for s in sync.list_sources()] == ["other"]
    assert services.private_db.path.read_bytes() == private_before  # nothing private touched
    with pytest.raises(SourceError, match="no source called"):
        sync.remove_source("acme")


def test_progress_is_reported_per_source_and_stage(feed_server, sync, services, tmp_path):
    public_key, signature = signed(tmp_path, V1)
    feed_server.route("/groups.json", body=V1)
    feed_server.route("/groups.json.sig", body=signature)
    sync.add_source(feed_server.url("/groups.json"), public_key=public_key, name="acme")
    seen = []
    sync.sync(progress=seen.append)
    assert [p.stage for p in seen] == ["checking", "verifying", "reading", "saving", "done"]
    assert {(p.index, p.total, p.name) for p in seen} == {(0, 1, "acme")}


def test_a_sync_request_carries_no_user_data(feed_server, sync, services, tmp_path):
    first_sync(feed_server, sync, services, tmp_path)
    sync.sync()
    allowed = {"host", "user-agent", "accept", "accept-encoding", "connection", "if-none-match", "if-modified-since"}
    assert feed_server.requests
    for request in feed_server.requests:
        assert request.request_line in ("GET /groups.json HTTP/1.1", "GET /groups.json.sig HTTP/1.1")
        assert request.header_names() <= allowed
        assert request.header("User-Agent") == "Kindred"


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        (dict(url="http://feeds.example.org/g.json"), "not a secure address"),
        (dict(url="   "), "Enter the address"),
        (dict(url="https://example.org/g.json", public_key="not a key"), "publisher key is not usable"),
        (dict(url="https://example.org/g.json", timezone="Mars/Olympus"), "not a time zone"),
        (dict(url="https://example.org/g.json", name="bundled"), "kept for the directory that comes with Kindred"),
        (dict(url="https://example.org/g.json", name="a/b"), "cannot contain"),
    ],
)
def test_adding_a_source_checks_what_it_is_given(sync, kwargs, words):
    url = kwargs.pop("url")
    with pytest.raises(SourceError, match=words):
        sync.add_source(url, **kwargs)
    assert sync.list_sources() == []


def test_names_and_addresses_are_unique(sync):
    added = sync.add_source("feeds.example.org/groups.json")
    assert added.url == "https://feeds.example.org/groups.json" and added.name == "feeds.example.org"
    with pytest.raises(SourceError, match="already a source"):
        sync.add_source("https://feeds.example.org/groups.json", name="again")
    with pytest.raises(SourceError, match="already a source called"):
        sync.add_source("https://other.example.org/meetings.json", name="feeds.example.org")
    with pytest.raises(SourceError, match="There is no source called .nope.. The sources are: feeds.example.org"):
        sync.sync(["nope"])


def test_gzip_on_the_wire_is_counted_against_the_cap_not_the_unpacked_size(feed_server, services, tmp_path):
    from services.sync.fetch import FetchLimits
    from tests.sync_support import TEST_LIMITS

    big = kindred_feed(400)
    assert len(gzip.compress(big)) < 200_000 < len(big)
    sync = make_service(services, FetchLimits(**{**TEST_LIMITS.__dict__, "max_bytes": 200_000}))
    feed_server.route("/big.json", body=big, gzip=True)
    sync.add_source(feed_server.url("/big.json"), name="big")
    assert sync.sync()[0].status == "updated"
    assert len(groups_of(services, "big")) == 400


def test_removing_a_source_keeps_a_saved_group_shown_as_no_longer_listed(feed_server, sync, services, tmp_path):
    from services.saved import SavedGroups, group_snapshot, listing_checker
    from tests.privacy_support import PASSPHRASE

    first_sync(feed_server, sync, services, tmp_path, key=False)
    store, _code = services.vault.set_up(PASSPHRASE)
    saved = SavedGroups(store)
    saved.save("acme/g1", snapshot=group_snapshot(services, "acme/g1"), note="went once, kind people")
    assert saved.get("acme/g1", listing_checker(services)).status == "listed"
    private_before = services.private_db.path.read_bytes()

    sync.remove_source("acme")

    assert services.private_db.path.read_bytes() == private_before  # the private file is not even opened for writing
    kept = saved.get("acme/g1", listing_checker(services))
    assert kept is not None and kept.status == "no longer listed"
    assert kept.note == "went once, kind people" and "Peer support group 1" in kept.name


def test_a_killed_syncs_leftover_download_folder_is_cleaned_up_later(feed_server, sync, services):
    import os
    import time as clock

    old = services.data_dir / "sync-leftover"
    old.mkdir()
    (old / "groups.json").write_bytes(b"{}")
    two_hours_ago = clock.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    young = services.data_dir / "sync-in-use-by-another-process"
    young.mkdir()
    feed_server.route("/groups.json", body=kindred_feed(1))
    sync.add_source(feed_server.url("/groups.json"), name="acme")
    sync.sync()
    assert not old.exists() and young.exists()


def _dated(body: bytes, generated_at: str) -> bytes:
    document = json.loads(body)
    document["generated_at"] = generated_at
    return json.dumps(document).encode()


def test_an_older_signed_copy_is_refused_as_a_rollback_and_nothing_is_lost(feed_server, sync, services, tmp_path):
    """Issue 13, item 15: a correctly signed but older copy (a stale mirror, a replay) would
    bring back groups the publisher removed; its own generated_at gives it away."""
    newer = _dated(V1, "2026-11-20T08:00:00Z")
    first_sync(feed_server, sync, services, tmp_path, body=newer)
    assert sync.get_source("acme").feed_generated_at == datetime(2026, 11, 20, 8, tzinfo=UTC)

    older = _dated(V2, "2026-11-01T08:00:00Z")
    _key, signature = signed(tmp_path, older)
    feed_server.route("/groups.json", body=older, etag='"old"')
    feed_server.route("/groups.json.sig", body=signature)
    [outcome] = sync.sync()
    assert outcome.status == "failed" and "older copy of this feed" in outcome.message, outcome.message
    assert "last good copy is kept" in outcome.message
    assert_v1_intact(services)
    assert sync.get_source("acme").feed_generated_at == datetime(2026, 11, 20, 8, tzinfo=UTC)

    # The publisher's next, newer copy goes through.
    newest = _dated(V2, "2026-11-21")
    _key, signature = signed(tmp_path, newest)
    feed_server.route("/groups.json", body=newest, etag='"new"')
    feed_server.route("/groups.json.sig", body=signature)
    [outcome] = sync.sync()
    assert outcome.status == "updated", outcome.message
    assert len(groups_of(services, "acme")) == 7
    assert sync.get_source("acme").feed_generated_at == datetime(2026, 11, 21, tzinfo=UTC)


def test_an_unsigned_source_follows_its_publisher_even_backwards(feed_server, sync, services, tmp_path):
    """Without a pinned key a date proves nothing either way: the copy served is the copy used."""
    first_sync(feed_server, sync, services, tmp_path, body=_dated(V1, "2026-11-20"), key=False)
    feed_server.route("/groups.json", body=_dated(V2, "2026-11-01"), etag='"old"')
    [outcome] = sync.sync()
    assert outcome.status == "updated", outcome.message
