"""The fast schema check used for big Kindred feeds agrees with jsonschema and never goes online."""

from __future__ import annotations

import copy
import json
import urllib.request

import pytest

from services.directory.importers import kindred
from services.directory.model import ParsedFeed
from tests.sync_support import group

BASE = {"format": "kindred-directory", "version": 1, "publisher": {"name": "x"}, "groups": [group(0), group(1)]}

MUTATIONS = {
    "attendance": lambda d: d["groups"][1].update(attendance="somewhere"),
    "weekly-without-day": lambda d: d["groups"][1]["schedule"].append({"kind": "weekly"}),
    "monthly-without-ordinal": lambda d: d["groups"][1]["schedule"].append({"kind": "monthly", "weekday": "mon", "start": "10:00"}),
    "bad-clock": lambda d: d["groups"][1]["schedule"].append({"kind": "weekly", "weekday": "mon", "start": "25:00"}),
    "empty-id": lambda d: d["groups"][1].update(id=""),
    "bad-date": lambda d: d["groups"][1].update(last_verified="2026-1-1"),
    "size-zero": lambda d: d["groups"][1].update(typical_size=0),
    "size-bool": lambda d: d["groups"][1].update(typical_size=True),
    "size-float": lambda d: d["groups"][1].update(typical_size=3.5),
    "latitude": lambda d: d["groups"][1].update(location={"latitude": 91}),
    "topics-string": lambda d: d["groups"][1].update(topics="anxiety"),
    "name-number": lambda d: d["groups"][1].update(name=5),
    "cost-kind": lambda d: d["groups"][1].update(cost={"kind": "cheap"}),
    "every-0-weeks": lambda d: d["groups"][1]["schedule"].append({"kind": "weekly", "weekday": "mon", "start": "10:00", "every_weeks": 0}),
    "status-null": lambda d: d["groups"][1].update(status=None),
    "group-not-object": lambda d: d["groups"].append("a string"),
    "no-publisher-name": lambda d: d.update(publisher={}),
    "groups-not-list": lambda d: d.update(groups={"a": 1}),
    "valid": lambda d: None,
}


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the schema check tried to go online")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    kindred._fast_validators.cache_clear()
    yield
    kindred._fast_validators.cache_clear()


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_fast_check_reports_exactly_what_jsonschema_reports(name):
    document = copy.deepcopy(BASE)
    MUTATIONS[name](document)
    expected = sorted((list(e.absolute_path), e.message) for e in kindred._validator().iter_errors(document))
    got = sorted((list(e.absolute_path), e.message) for e in kindred._schema_errors(document))
    assert got == expected
    assert (name == "valid") == (got == [])


def test_a_bad_group_is_skipped_with_its_own_index_and_the_rest_imported():
    document = json.loads(json.dumps(BASE))
    document["groups"].append({**group(2), "attendance": "moon"})
    feed = ParsedFeed(format="kindred")
    kindred.parse(document, feed)
    assert [g.external_id for g in feed.groups] == ["g0", "g1"]
    assert len(feed.skipped) == 1
    assert feed.skipped[0].where.startswith("record 3 (id 'g2'")
    assert "attendance" in feed.skipped[0].reason
