"""Replacing most of the directory rebuilds the text index in one pass (issue #14) and leaves
exactly the index, and the triggers, that adding and deleting row by row would have."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from services.directory import repository
from services.directory.search import SearchQuery
from services.models import FTS_TABLE

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def feed(tmp_path, word: str, count: int) -> str:
    groups = [{"id": f"g{n}", "name": f"{word} circle {n}", "description": f"Peer support about {word}, number {n}",
               "topics": ["anxiety"], "attendance": "in_person",
               "schedule": [{"kind": "weekly", "weekday": "tue", "start": "19:00", "timezone": "America/New_York"}],
               "location": {"venue": "Library", "city": "Zürich" if n % 2 else "Leeds", "latitude": 40.7, "longitude": -74.0}}
              for n in range(count)]
    path = tmp_path / f"{word}.json"
    path.write_text(json.dumps({"format": "kindred-directory", "version": 1, "publisher": {"name": "t"}, "groups": groups}))
    return path


def index_rows(services) -> list[tuple]:
    with services.directory_db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(
            f"SELECT rowid, name, description, notes, place FROM {FTS_TABLE} ORDER BY rowid"))]


def triggers(services) -> list[tuple]:
    with services.directory_db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"))]


def total(services, words: str) -> int:
    return services.directory.search(SearchQuery(text=words, timezone="UTC"), now=NOW).total


def build(services, tmp_path, bulk_min: int, monkeypatch) -> list[tuple]:
    monkeypatch.setattr(repository, "BULK_MIN_CHANGES", bulk_min)
    services.directory.import_file(feed(tmp_path, "zebra", 2500), source="a", now=NOW)
    services.directory.import_file(feed(tmp_path, "quokka", 30), source="b", now=NOW)
    services.directory.import_file(feed(tmp_path, "walrus", 2600), source="a", now=NOW)  # replaces most of it
    return index_rows(services)


def test_bulk_rebuild_gives_the_same_index_as_row_by_row(services, tmp_path, monkeypatch):
    before = triggers(services)
    bulk = build(services, tmp_path, 2000, monkeypatch)
    assert triggers(services) == before
    assert total(services, "walrus") == 2600 and total(services, "zebra") == 0 and total(services, "quokka") == 30
    assert total(services, "zurich") == 1300 + 15  # the place column, diacritics folded as before
    services.directory.import_file(feed(tmp_path, "ibis", 10), source="c", now=NOW)  # small: through the triggers
    assert total(services, "ibis") == 10

    other = tmp_path / "other"
    other.mkdir()
    from services.app import open_services

    row_by_row_services = open_services(other / "data")
    try:
        row_by_row = build(row_by_row_services, other, 10**9, monkeypatch)
    finally:
        row_by_row_services.close()
    assert [row[1:] for row in bulk] == [row[1:] for row in row_by_row]


def test_a_failed_bulk_replacement_changes_nothing(services, tmp_path, monkeypatch):
    services.directory.import_file(feed(tmp_path, "zebra", 2500), source="a", now=NOW)
    before_index, before_triggers = index_rows(services), triggers(services)
    from services.directory.importers import read_feed

    groups = read_feed(feed(tmp_path, "walrus", 2600), "kindred", None, False).groups
    with pytest.raises(RuntimeError), services.directory_db.transaction() as session:
        source = repository.get_or_create_source(session, "a", "file", NOW)
        repository.replace_source_groups(session, source, groups, NOW)
        raise RuntimeError("the sync failed half-way")
    assert triggers(services) == before_triggers
    assert index_rows(services) == before_index
    assert total(services, "zebra") == 2500 and total(services, "walrus") == 0
