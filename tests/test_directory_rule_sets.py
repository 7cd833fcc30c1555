"""Each group's set of schedule rules has a number (migration d0008, issue #14: the refresh
after a week away grouped 100,000 groups' rules into text signatures every time). An import
numbers the sets exactly as SQLite would, the first refresh after the migration numbers the
groups stored before it, and replacing a source forgets the sets no group has any more."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from services.directory import repository, rows

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
SETS = ("SELECT n.group_id, n.rule_set, r.rules FROM directory_next_meeting AS n "
        "LEFT JOIN directory_rule_set AS r ON r.id = n.rule_set ORDER BY n.group_id")
NEXT = "SELECT group_id, start_utc, timezone, computed_utc FROM directory_next_meeting ORDER BY group_id"


def varied_feed(tmp_path, name: str = "rules.json", weekday: str = "mon"):
    """One or two days, several zones, fortnightly with an anchor date, monthly, a date range,
    no rules at all, and the same set written twice."""
    rules = [
        [("weekly", weekday, "Europe/Oslo", {}), ("weekly", "thu", "America/New_York", {})],
        [("weekly", "sun", "Australia/Sydney", {"interval_weeks": 2, "anchor_date": "2026-01-04"})],
        [("monthly", "tue", "Europe/London", {"ordinal": 2})],
        [("monthly", "fri", "Europe/London", {"ordinal": -1}), ("weekly", "fri", "Europe/London", {})],
        [("weekly", "wed", "America/Sao_Paulo", {"starts_on": "2026-02-01", "ends_on": "2026-12-20"})],
        [],
        [("weekly", weekday, "Europe/Oslo", {}), ("weekly", "thu", "America/New_York", {})],
    ]
    groups = [{"id": f"k{n}", "name": f"Rule {n}", "attendance": "online",
               "schedule": [{"kind": kind, "weekday": day, "start": "18:30", "timezone": zone, **extra}
                            for kind, day, zone, extra in group_rules]}
              for n, group_rules in enumerate(rules)]
    path = tmp_path / name
    path.write_text(json.dumps({"format": "kindred-directory", "version": 1, "publisher": {"name": "t"}, "groups": groups}))
    return path


@pytest.fixture
def directory(services, tmp_path):
    from bench.directory_data import meetings

    path = tmp_path / "meetings.json"
    path.write_text(json.dumps(meetings(600, seed=14)))
    services.directory.import_file(path, source="mg", now=NOW)
    assert services.directory.import_file(varied_feed(tmp_path), source="k", now=NOW).imported == 7
    return services


def read(services, sql: str) -> list[tuple]:
    with services.directory_db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_an_import_numbers_each_set_of_rules_as_sqlite_would(directory):
    stored = read(directory, SETS)
    assert all(rule_set is not None and rules is not None for _, rule_set, rules in stored)
    assert len({rule_set for _, rule_set, _ in stored}) < len(stored)  # groups share sets
    by_id = {group_id: rules for group_id, _, rules in stored}
    k = {row[0]: row[1] for row in read(directory, "SELECT id, external_id FROM directory_group WHERE external_id LIKE 'k%'")}
    numbers = {k[group_id]: rule_set for group_id, rule_set, _ in stored if group_id in k}
    assert numbers["k0"] == numbers["k6"] and len(set(numbers.values())) == 6
    assert by_id[next(g for g, e in k.items() if e == "k5")] == "[]"
    sets_before = read(directory, "SELECT id, rules FROM directory_rule_set ORDER BY id")

    # SQLite's own signatures of every group (as the refresh after the migration makes them)
    # find the import's sets: not one new set, every group the same number.
    with directory.directory_db.transaction() as session:
        rows.assign_rule_sets(repository.raw_connection(session), "1")
    assert read(directory, "SELECT id, rules FROM directory_rule_set ORDER BY id") == sets_before
    assert read(directory, SETS) == stored
    # And json.loads of a stored set gives back each rule's columns.
    oslo = json.loads(by_id[next(g for g, e in k.items() if e == "k0")])
    assert oslo[0] == ["weekly", 0, 18 * 60 + 30, None, "Europe/Oslo", 1, None, None, None, None]


@pytest.mark.parametrize("unnumbered", ["all", "every third"])
def test_the_first_refresh_after_the_migration_numbers_the_groups_and_stores_the_same_times(directory, monkeypatch, unnumbered):
    from sqlalchemy.orm import Session

    engine = directory.directory_db.engine
    expected = {}
    monkeypatch.setattr(rows, "REFRESH_SCAN_FROM", 10**9)  # group by group: no sets used
    with engine.connect() as connection:
        outer = connection.begin()
        for later in (NOW + timedelta(days=7, hours=1), NOW + timedelta(days=40)):  # one after the other
            count = repository.refresh_next_meetings(Session(bind=connection), later)
            expected[later] = (count, [tuple(row) for row in connection.execute(text(NEXT))])
        outer.rollback()
    numbered = read(directory, SETS)
    # As a directory stored before d0008 is after the upgrade: no numbers (or some).
    with engine.begin() as connection:
        which = "1" if unnumbered == "all" else "group_id % 3 = 0"
        connection.execute(text(f"UPDATE directory_next_meeting SET rule_set = NULL WHERE {which}"))
        if unnumbered == "all":
            connection.execute(text("DELETE FROM directory_rule_set"))

    monkeypatch.setattr(rows, "REFRESH_SCAN_FROM", 0)  # in bulk, by sets
    later = NOW + timedelta(days=7, hours=1)
    due = {row[0] for row in read(directory, f"SELECT group_id FROM directory_next_meeting WHERE start_utc < {int(later.timestamp())}")}
    with directory.directory_db.transaction() as session:
        count = repository.refresh_next_meetings(session, later)
    assert (count, read(directory, NEXT)) == expected[later]
    # Every group that was due has its number (the others get theirs when they are due).
    after = {g: rules for g, _, rules in read(directory, SETS) if g in due}
    assert len(due) > 500 and after == {g: rules for g, _, rules in numbered if g in due}
    # Numbered now: the next refresh goes by sets straight away, to the same times.
    later = NOW + timedelta(days=40)
    with directory.directory_db.transaction() as session:
        count = repository.refresh_next_meetings(session, later)
    assert (count, read(directory, NEXT)) == expected[later]


def test_replacing_a_source_forgets_the_sets_no_group_has_any_more(directory, tmp_path):
    def oslo_sets():
        return [rules for _, rules in read(directory, "SELECT id, rules FROM directory_rule_set") if "Europe/Oslo" in rules]

    assert len(oslo_sets()) == 1 and '["weekly",0,' in oslo_sets()[0]
    # The same source now meets on Tuesdays: Monday's set goes, Tuesday's comes.
    directory.directory.import_file(varied_feed(tmp_path, "tuesday.json", weekday="tue"), source="k", now=NOW)
    assert len(oslo_sets()) == 1 and '["weekly",1,' in oslo_sets()[0]
    in_use = read(directory, "SELECT count(DISTINCT rule_set) FROM directory_next_meeting")[0][0]
    assert read(directory, "SELECT count(*) FROM directory_rule_set")[0][0] == in_use
