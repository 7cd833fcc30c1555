"""Hostile feeds and hosts during sync (issue 13): a reader failure is recorded on its
source while the run goes on; a host that drips its headers is cut off by the total time-out."""

from __future__ import annotations

import dataclasses

import pytest

from services.sync.fetch import Fetcher, TimedOut
from tests.sync_support import TEST_LIMITS, groups_of, kindred_feed, make_service

DEEP = b"[" * 200_000 + b"]" * 200_000


@pytest.fixture
def sync(services):
    return make_service(services)


def test_a_reader_failure_is_recorded_on_its_source_and_the_run_goes_on(feed_server, sync, services):
    feed_server.route("/deep.json", body=DEEP)
    feed_server.route("/good.json", body=kindred_feed(3))
    sync.add_source(feed_server.url("/deep.json"), name="deep")
    sync.add_source(feed_server.url("/good.json"), name="good")
    outcomes = {o.name: o for o in sync.sync()}
    assert outcomes["deep"].status == "failed"
    assert "nests lists or objects too deeply" in outcomes["deep"].message
    assert "Traceback" not in outcomes["deep"].message
    assert sync.get_source("deep").last_error == outcomes["deep"].message
    assert outcomes["good"].status == "updated" and len(groups_of(services, "good")) == 3


def test_an_unexpected_error_in_one_source_is_recorded_and_the_others_sync(feed_server, sync, services, monkeypatch):
    feed_server.route("/a.json", body=kindred_feed(2))
    feed_server.route("/b.json", body=kindred_feed(4))
    sync.add_source(feed_server.url("/a.json"), name="a")
    sync.add_source(feed_server.url("/b.json"), name="b")
    real_read = sync._read

    def read(source, *args):
        if source.name == "a":
            raise AttributeError("an importer bug")
        return real_read(source, *args)

    monkeypatch.setattr(sync, "_read", read)
    outcomes = {o.name: o for o in sync.sync()}
    assert outcomes["a"].status == "failed" and "AttributeError" in outcomes["a"].message
    assert sync.get_source("a").last_error == outcomes["a"].message
    assert outcomes["b"].status == "updated"


def test_headers_dripped_a_byte_at_a_time_are_cut_off_by_the_total_time_out(feed_server):
    # 100 bytes, one every 0.1 s: every gap is within the 0.3 s read time-out, the whole is
    # 10 s; the attempt's total time-out is 1 s. (An empty body: only the headers are slow.)
    feed_server.route("/slow.json", body=b"", drip_headers=(100, 0.1))
    limits = dataclasses.replace(TEST_LIMITS, total_timeout=1.0, retries=0)
    with Fetcher(limits) as fetcher, pytest.raises(TimedOut) as caught:
        fetcher.fetch(feed_server.url("/slow.json"))
    assert "took longer than 1 second to answer" in caught.value.message
