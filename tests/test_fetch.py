"""The fetch layer against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import zlib

import pytest

from services.sync.fetch import (
    REQUEST_HEADERS,
    BadContent,
    ConnectionFailed,
    DecompressionBomb,
    Fetcher,
    FetchLimits,
    HTTPStatusError,
    InvalidAddress,
    TimedOut,
    TooLarge,
    TooManyRedirects,
    Truncated,
    UnsafeAddress,
    check_url,
    is_loopback_host,
    normalise_url,
)
from tests.feed_server import closed_port, gzip_bomb

FEED = json.dumps({"groups": [{"id": str(i), "name": f"Group {i}"} for i in range(200)]}).encode()
LAST_MODIFIED = "Tue, 03 Nov 2026 10:00:00 GMT"


def limits(**overrides) -> FetchLimits:
    base = dict(
        connect_timeout=2.0, read_timeout=0.3, total_timeout=5.0, max_bytes=1024 * 1024,
        max_decoded_bytes=2 * 1024 * 1024, max_redirects=3, retries=2, backoff=0.01, max_backoff=0.05,
    )
    base.update(overrides)
    return FetchLimits(**base)


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def fetcher(sleeps):
    with Fetcher(limits(), sleep=sleeps.append) as f:
        yield f


def test_first_download_then_304_with_the_servers_validators(feed_server, fetcher):
    feed_server.route("/feed.json", body=FEED, etag='"v1"', last_modified=LAST_MODIFIED)
    first = fetcher.fetch(feed_server.url("/feed.json"))
    assert first.status == 200 and first.body == FEED and not first.not_modified
    assert first.etag == '"v1"' and first.last_modified == LAST_MODIFIED
    second = fetcher.fetch(feed_server.url("/feed.json"), etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.body is None and second.etag == '"v1"'
    requests = feed_server.requests_for("/feed.json")
    assert len(requests) == 2
    assert requests[0].header("If-None-Match") is None
    assert requests[1].header("If-None-Match") == '"v1"'
    assert requests[1].header("If-Modified-Since") == LAST_MODIFIED


def test_if_modified_since_alone_gives_a_304(feed_server, fetcher):
    feed_server.route("/feed.json", body=FEED, last_modified=LAST_MODIFIED)
    first = fetcher.fetch(feed_server.url("/feed.json"))
    assert first.etag is None
    again = fetcher.fetch(feed_server.url("/feed.json"), last_modified=first.last_modified)
    assert again.not_modified and again.last_modified == LAST_MODIFIED


def test_a_changed_feed_is_downloaded_again(feed_server, fetcher):
    feed_server.route("/feed.json", body=FEED, etag='"v1"')
    first = fetcher.fetch(feed_server.url("/feed.json"))
    feed_server.route("/feed.json", body=FEED + b" ", etag='"v2"')
    second = fetcher.fetch(feed_server.url("/feed.json"), etag=first.etag)
    assert second.status == 200 and second.body == FEED + b" " and second.etag == '"v2"'


def test_a_request_carries_no_user_data(feed_server, fetcher):
    """Only a fixed, generic set of headers; the URL exactly as given; cookies never kept."""
    feed_server.route("/start", redirect_to="/feed.json", headers={"Set-Cookie": "tracker=abc123; Path=/"})
    feed_server.route("/feed.json", body=FEED, etag='"v1"', headers={"Set-Cookie": "second=xyz; Path=/"})
    result = fetcher.fetch(feed_server.url("/start"))
    assert result.final_url == feed_server.url("/feed.json")
    fetcher.fetch(feed_server.url("/feed.json"), etag='"v1"')
    fetcher.fetch(feed_server.url("/feed.json"))
    allowed = {"host", "user-agent", "accept", "accept-encoding", "connection"}
    assert len(feed_server.requests) == 4
    for request in feed_server.requests:
        assert request.request_line in ("GET /start HTTP/1.1", "GET /feed.json HTTP/1.1")
        names = request.header_names()
        assert names - {"if-none-match", "if-modified-since"} == allowed, request.headers
        assert request.header("User-Agent") == "Kindred"
        assert request.header("Accept-Encoding") == "gzip"
        assert request.header("Host") == f"127.0.0.1:{feed_server.port}"
        for name in ("cookie", "referer", "authorization", "x-forwarded-for", "accept-language"):
            assert name not in names
    assert REQUEST_HEADERS["User-Agent"] == "Kindred"


def test_environment_proxies_and_netrc_are_ignored(feed_server, sleeps, tmp_path, monkeypatch):
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1 login someone password secret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("ALL_PROXY", f"http://127.0.0.1:{closed_port()}")
    feed_server.route("/feed.json", body=FEED)
    with Fetcher(limits(), sleep=sleeps.append) as f:
        assert f.fetch(feed_server.url("/feed.json")).body == FEED
    assert feed_server.requests[0].header("Authorization") is None


def test_gzip_is_unpacked_and_counted_on_the_wire(feed_server, fetcher):
    feed_server.route("/feed.json", body=FEED, gzip=True)
    result = fetcher.fetch(feed_server.url("/feed.json"))
    assert result.body == FEED
    assert result.wire_bytes == len(gzip.compress(FEED, mtime=0)) < len(FEED)


def test_several_gzip_members_and_deflate(feed_server, fetcher):
    feed_server.route("/two.json", raw_gzip=gzip.compress(FEED[:100]) + gzip.compress(FEED[100:]))
    assert fetcher.fetch(feed_server.url("/two.json")).body == FEED
    feed_server.route("/deflate.json", body=zlib.compress(FEED), headers={"Content-Encoding": "deflate"})
    assert fetcher.fetch(feed_server.url("/deflate.json")).body == FEED
    raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    feed_server.route("/raw-deflate.json", body=raw.compress(FEED) + raw.flush(), headers={"Content-Encoding": "deflate"})
    assert fetcher.fetch(feed_server.url("/raw-deflate.json")).body == FEED


def test_a_truncated_body_is_refused_after_retries(feed_server, fetcher, sleeps):
    feed_server.route("/feed.json", body=FEED, truncate_at=len(FEED) // 2)
    with pytest.raises(Truncated) as caught:
        fetcher.fetch(feed_server.url("/feed.json"))
    assert "cut off before the end" in str(caught.value)
    assert f"of {len(FEED):,} bytes" in str(caught.value)
    assert caught.value.attempts == 3 and len(sleeps) == 2


def test_a_truncated_gzip_stream_without_a_length_is_refused(feed_server, fetcher):
    packed = gzip.compress(FEED, mtime=0)
    feed_server.route("/feed.json", raw_gzip=packed[: len(packed) // 2], announce_length=False)
    with pytest.raises(Truncated, match="cut off"):
        fetcher.fetch(feed_server.url("/feed.json"))


def test_a_damaged_gzip_stream_and_an_unknown_encoding_are_refused(feed_server, fetcher):
    feed_server.route("/bad.json", raw_gzip=b"\x1f\x8b\x08\x00garbage-garbage-garbage")
    with pytest.raises(BadContent, match="damaged"):
        fetcher.fetch(feed_server.url("/bad.json"))
    feed_server.route("/br.json", body=b"xx", headers={"Content-Encoding": "br"})
    with pytest.raises(BadContent, match="br"):
        fetcher.fetch(feed_server.url("/br.json"))


def test_a_slow_server_times_out(feed_server, fetcher, sleeps):
    feed_server.route("/feed.json", body=FEED, delay=3.0)
    with pytest.raises(TimedOut) as caught:
        fetcher.fetch(feed_server.url("/feed.json"))
    assert "took too long to answer" in str(caught.value)
    assert "0.3 seconds" in str(caught.value)
    assert caught.value.attempts == 3


def test_a_server_that_stalls_mid_body_times_out(feed_server, fetcher):
    feed_server.route("/feed.json", body=FEED, drip=(len(FEED) // 2, 3.0))
    with pytest.raises(TimedOut, match="stopped sending"):
        fetcher.fetch(feed_server.url("/feed.json"))


def test_a_dripping_server_hits_the_total_time_limit(feed_server, sleeps):
    feed_server.route("/feed.json", body=FEED, drip=(64, 0.02))
    with Fetcher(limits(total_timeout=0.3, retries=0), sleep=sleeps.append) as f:
        with pytest.raises(TimedOut, match="took longer than 0.3 seconds"):
            f.fetch(feed_server.url("/feed.json"))


def test_an_oversized_body_is_refused_by_its_length(feed_server, fetcher):
    feed_server.route("/big.json", body=b"x" * (1024 * 1024 + 1))
    with pytest.raises(TooLarge) as caught:
        fetcher.fetch(feed_server.url("/big.json"))
    assert "larger than the 1 MB limit" in str(caught.value)
    assert caught.value.attempts == 1  # not worth retrying


def test_an_oversized_body_without_a_length_is_refused_while_streaming(feed_server, fetcher):
    feed_server.route("/big.json", body=b"x" * (3 * 1024 * 1024), announce_length=False)
    with pytest.raises(TooLarge, match="larger than the 1 MB limit"):
        fetcher.fetch(feed_server.url("/big.json"))


def test_a_per_call_cap_is_smaller_still(feed_server, fetcher):
    feed_server.route("/feed.json.sig", body=b"s" * 5000)
    with pytest.raises(TooLarge, match="4 KB"):
        fetcher.fetch(feed_server.url("/feed.json.sig"), max_bytes=4096)


def test_a_gzip_bomb_is_refused(feed_server, fetcher):
    bomb = gzip_bomb(200 * 1024 * 1024)  # 200 MB of zeros in about 200 KB
    assert len(bomb) < 1024 * 1024  # passes the on-the-wire cap
    feed_server.route("/bomb.json", raw_gzip=bomb)
    with pytest.raises(DecompressionBomb) as caught:
        fetcher.fetch(feed_server.url("/bomb.json"))
    assert "would unpack to more than 2 MB" in str(caught.value)
    assert isinstance(caught.value, TooLarge)


def test_redirects_are_followed_up_to_the_limit(feed_server, fetcher):
    feed_server.route("/a", redirect_to="/b", redirect_status=301)
    feed_server.route("/b", redirect_to=feed_server.url("/feed.json"), redirect_status=308)
    feed_server.route("/feed.json", body=FEED)
    result = fetcher.fetch(feed_server.url("/a"))
    assert result.body == FEED and result.final_url == feed_server.url("/feed.json")
    feed_server.route("/loop", redirect_to="/loop")
    with pytest.raises(TooManyRedirects, match="more than 3 times"):
        fetcher.fetch(feed_server.url("/loop"))
    assert len(feed_server.requests_for("/loop")) == 4


def test_a_redirect_to_plain_http_elsewhere_is_refused(feed_server, fetcher):
    feed_server.route("/feed.json", redirect_to="http://feeds.example.org/feed.json")
    with pytest.raises(UnsafeAddress, match="not a secure address"):
        fetcher.fetch(feed_server.url("/feed.json"))
    feed_server.route("/ftp", redirect_to="ftp://127.0.0.1/feed.json")
    with pytest.raises(InvalidAddress):
        fetcher.fetch(feed_server.url("/ftp"))


def test_a_server_that_is_down(fetcher, sleeps):
    url = f"http://127.0.0.1:{closed_port()}/feed.json"
    with pytest.raises(ConnectionFailed) as caught:
        fetcher.fetch(url)
    assert str(caught.value).startswith("Could not reach 127.0.0.1")
    assert caught.value.attempts == 3
    assert len(sleeps) == 2 and sleeps[0] <= sleeps[1]  # backing off


def test_transient_statuses_are_retried_and_then_succeed(feed_server, fetcher, sleeps):
    feed_server.route("/feed.json", body=FEED, fail_first=2)
    result = fetcher.fetch(feed_server.url("/feed.json"))
    assert result.body == FEED and result.attempts == 3 and len(sleeps) == 2


def test_permanent_statuses_are_not_retried(feed_server, fetcher, sleeps):
    with pytest.raises(HTTPStatusError) as caught:
        fetcher.fetch(feed_server.url("/missing.json"))
    assert caught.value.status == 404 and caught.value.attempts == 1 and not sleeps
    assert "no feed at this address" in str(caught.value)
    feed_server.route("/private.json", status=403, body=b"no")
    with pytest.raises(HTTPStatusError, match="refused"):
        fetcher.fetch(feed_server.url("/private.json"))


def test_a_long_retry_after_is_not_waited_for(feed_server, fetcher, sleeps):
    feed_server.route("/feed.json", body=FEED, fail_first=5, fail_status=429, headers={"Retry-After": "3600"})
    with pytest.raises(HTTPStatusError) as caught:
        fetcher.fetch(feed_server.url("/feed.json"))
    assert caught.value.status == 429 and caught.value.attempts == 1 and not sleeps
    assert "busy" in str(caught.value)


def test_a_304_to_an_unconditional_request_is_an_error(feed_server, fetcher):
    feed_server.route("/feed.json", status=304)
    with pytest.raises(HTTPStatusError, match="not modified"):
        fetcher.fetch(feed_server.url("/feed.json"))


def test_ipv6_loopback(fetcher):
    from tests.feed_server import FeedServer

    try:
        server = FeedServer(host="::1").start()
    except OSError:
        pytest.skip("::1 is not available here")
    try:
        server.route("/feed.json", body=FEED)
        assert server.url("/feed.json").startswith("http://[::1]:")
        assert fetcher.fetch(server.url("/feed.json")).body == FEED
    finally:
        server.stop()


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/feed.json", "http://127.9.8.7:8000/x", "http://localhost:8000/x", "http://[::1]:8000/x",
     "https://feeds.example.org/groups.json", "https://example.org/api/services?page=2"],
)
def test_allowed_addresses(url):
    check_url(url)


@pytest.mark.parametrize(
    ("url", "error", "words"),
    [
        ("http://feeds.example.org/feed.json", UnsafeAddress, "not a secure address"),
        ("http://localhost.example.org/feed.json", UnsafeAddress, "not a secure address"),
        ("http://10.0.0.1/feed.json", UnsafeAddress, "not a secure address"),
        ("https://user:secret@example.org/feed.json", UnsafeAddress, "user name or password"),
        ("ftp://example.org/feed.json", InvalidAddress, "should start with https://"),
        ("file:///etc/passwd", InvalidAddress, "not a web address"),
        ("https://", InvalidAddress, "not a web address"),
    ],
)
def test_refused_addresses(url, error, words):
    with pytest.raises(error, match=words):
        check_url(url)


def test_a_public_server_may_not_redirect_to_this_device():
    with pytest.raises(UnsafeAddress, match="address on this device"):
        check_url("http://127.0.0.1:8000/admin", redirected_from="https://feeds.example.org/feed.json")
    check_url("http://127.0.0.1:8000/b", redirected_from="http://127.0.0.1:8000/a")


def test_loopback_hosts_and_typed_addresses():
    assert is_loopback_host("127.0.0.1") and is_loopback_host("127.255.0.9") and is_loopback_host("::1")
    assert is_loopback_host("[::1]") and is_loopback_host("LOCALHOST") and is_loopback_host("::ffff:127.0.0.1")
    assert not is_loopback_host("128.0.0.1") and not is_loopback_host("example.org") and not is_loopback_host("0.0.0.0")
    assert normalise_url("  feeds.example.org/groups.json ") == "https://feeds.example.org/groups.json"
    with pytest.raises(InvalidAddress, match="Enter the address"):
        normalise_url("  ")
    with pytest.raises(UnsafeAddress):
        normalise_url("http://feeds.example.org/groups.json")
