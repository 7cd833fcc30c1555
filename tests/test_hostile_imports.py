"""Hostile directory files (issue 13): every one is refused or skipped with a plain sentence,
bounded in memory and time, and changes nothing on refusal."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.directory.importers import FeedError, hsds
from services.directory.repository import get_or_create_source
from tests.sync_support import group, kindred_feed

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
SERVICES_CSV = "id,name,description\ns1,Anxiety circle,A peer group\n"


def feed_with(*groups) -> dict:
    return {"format": "kindred-directory", "version": 1, "publisher": {"name": "x"}, "groups": list(groups)}


def write_json(path: Path, value) -> Path:
    path.write_text(json.dumps(value))
    return path


def counts(services) -> dict[str, int]:
    return {s.name: s.group_count for s in services.directory.sources()}


@pytest.fixture
def kept(services, tmp_path):
    """A source "keep" with two groups, and the counts a refusal must leave as they were."""
    services.directory.import_file(write_json(tmp_path / "keep.json", feed_with(group(1), group(2))), now=NOW)
    return counts(services)


def refused(services, path: Path, before: dict, **kwargs) -> str:
    with pytest.raises(FeedError) as caught:
        services.directory.import_file(path, now=NOW, **kwargs)
    assert counts(services) == before
    with pytest.raises(FeedError) as again:  # validate says what import would do
        services.directory.validate(path, kwargs.get("format", "auto"))
    assert str(again.value) == str(caught.value)
    return str(caught.value)


def zip_of(path: Path, entries: dict[str, bytes], *, encrypted: bool = False) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    if encrypted:  # set the "encrypted" flag in the local and central headers, as a password-protected export has it
        raw = bytearray(path.read_bytes())
        for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            at = raw.find(signature)
            raw[at + offset] |= 0x1
        path.write_bytes(bytes(raw))
    return path


def test_a_zip_bomb_is_refused_by_its_inflation_ratio(services, kept, tmp_path):
    bomb = SERVICES_CSV.encode() + b" " * (8 * 2**20)
    path = zip_of(tmp_path / "bomb.zip", {"services.csv": bomb})
    assert path.stat().st_size < 20_000
    assert "inflates more than" in refused(services, path, kept)


def test_a_zip_entry_larger_than_the_cap_is_refused_while_it_inflates(services, kept, tmp_path, monkeypatch):
    monkeypatch.setattr(hsds, "MAX_ENTRY_BYTES", 64 * 1024)
    rows = "".join(f"s{i},Group {i},{i * 7919 % 104729:x}\n" for i in range(5000))  # little compression
    path = zip_of(tmp_path / "big.zip", {"services.csv": ("id,name,description\n" + rows).encode()})
    assert "inflates to more than" in refused(services, path, kept)


def test_zip_entries_adding_up_beyond_the_total_cap_are_refused(services, kept, tmp_path, monkeypatch):
    monkeypatch.setattr(hsds, "MAX_TOTAL_BYTES", 64 * 1024)
    rows = "".join(f"s{i},Group {i},{i * 7919 % 104729:x}\n" for i in range(2000))
    entries = {f"t{n}.csv": ("id,name,description\n" + rows).encode() for n in range(3)}
    path = zip_of(tmp_path / "many.zip", {"services.csv": SERVICES_CSV.encode(), **entries})
    assert "inflates to more than" in refused(services, path, kept)


def test_an_encrypted_zip_entry_is_a_sentence(services, kept, tmp_path):
    path = zip_of(tmp_path / "locked.zip", {"services.csv": SERVICES_CSV.encode()}, encrypted=True)
    assert "encrypted" in refused(services, path, kept)


def test_json_nested_200000_deep_is_a_sentence(services, kept, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 200_000 + "]" * 200_000)
    assert "nests lists or objects too deeply" in refused(services, path, kept)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda g: g.update(typical_size=10**30), "typical_size 1e+30 is not a plausible group size"),
        (lambda g: g["schedule"][0].update(starts_on="9999-12-30"), "starts_on 9999-12-30 is outside the years"),
        (lambda g: g.update(name="N" * 20_000), "name is 20,000 characters long (at most 300)"),
        (lambda g: g.update(description="d" * 100_000), "description is 100,000 characters long"),
    ],
    ids=["typical-size-10e30", "starts-on-9999", "long-name", "long-description"],
)
def test_a_record_outside_the_bounds_is_skipped_with_its_reason(services, kept, tmp_path, change, reason):
    bad = group(7)
    change(bad)
    path = write_json(tmp_path / "mixed.json", feed_with(group(5), bad))
    checked = services.directory.validate(path)
    report = services.directory.import_file(path, source="mixed", now=NOW)
    assert (checked.imported, report.imported) == (1, 1)
    assert [s.reason for s in report.skipped] == [s.reason for s in checked.skipped]
    assert reason in report.skipped[0].reason
    # Only the bad record on its own: nothing imports, validate refuses as import does.
    alone = write_json(tmp_path / "alone.json", feed_with(bad))
    assert "no usable groups" in refused(services, alone, counts(services))


def test_a_million_empty_groups_are_refused_as_a_whole(services, kept, tmp_path):
    # 3 MB of "{}": the report of a million skipped records would cost minutes and gigabytes.
    path = tmp_path / "empty.json"
    path.write_text(json.dumps(feed_with(*([{}] * 1_000_000))))
    assert "refused as a whole" in refused(services, path, kept)


def test_a_mostly_bad_meeting_guide_feed_is_refused_and_a_mostly_good_one_reports_a_bounded_list(services, kept, tmp_path):
    path = write_json(tmp_path / "bad-mg.json", [{"slug": f"m{i}", "day": 9} for i in range(5000)])
    assert "1,000 of the first" in refused(services, path, kept)
    good = [{"slug": f"g{i}", "name": f"Meeting {i}", "day": 1, "time": "18:00", "timezone": "America/Chicago"}
            for i in range(3000)]
    bad = [{"slug": f"b{i}", "day": 9} for i in range(1500)]
    report = services.directory.validate(write_json(tmp_path / "some-bad.json", good + bad))
    assert report.imported == 3000
    assert len(report.skipped) == 1000 and report.skipped_more == 500


def test_an_unterminated_csv_quote_is_reported(services, kept, tmp_path):
    path = tmp_path / "groups.csv"
    path.write_text('id,name,schedule\na,"Anxiety circle,varies\nb,Grief group,varies\nc,Other,varies\n')
    message = refused(services, path, kept)
    assert "never closes" in message and "line" in message


@pytest.mark.parametrize("name", ["/dev/zero", "/dev/null"])
@pytest.mark.parametrize("format", ["auto", "kindred", "csv"])
def test_a_device_is_not_read_as_a_feed(services, kept, name, format):
    assert "not a regular file" in refused(services, Path(name), kept, format=format)


def test_a_slash_in_the_source_name_is_refused(services, kept, tmp_path):
    path = write_json(tmp_path / "ok.json", feed_with(group(1)))
    with pytest.raises(FeedError, match="contains a slash"):
        services.directory.import_file(path, source="a/b", now=NOW)
    assert counts(services) == kept


def test_a_file_never_takes_over_a_subscribed_key_pinned_source(services, tmp_path):
    with services.directory_db.transaction() as session:
        row = get_or_create_source(session, "acme", "feed", NOW)
        row.location, row.public_key = "https://example.org/groups.json", "a" * 44
    path = tmp_path / "other.json"
    path.write_bytes(kindred_feed(2))
    with pytest.raises(FeedError) as caught:
        services.directory.import_file(path, source="acme", now=NOW)
    assert "subscribed feed" in str(caught.value) and "kindred sources remove acme" in str(caught.value)
    # Picked in the app: the same refusal in a person's words, without command-line advice.
    from services.directory.service import UploadRefused

    with pytest.raises(UploadRefused) as refused:
        services.directory.import_upload("acme.json", kindred_feed(2))
    assert str(refused.value).startswith("a source called \u201cacme\u201d is a feed you subscribed to")
    with services.directory_db.transaction() as session:
        row = get_or_create_source(session, "acme", "feed", NOW)
        assert (row.kind, row.location, row.public_key) == ("feed", "https://example.org/groups.json", "a" * 44)
