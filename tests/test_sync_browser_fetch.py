"""Directory sync as the browser build does it: through ``services.platform.fetch_bytes`` (the
browser's networking) instead of httpx, against a real feed server on 127.0.0.1.

Natively, ``fetch_bytes`` is httpx; the browser's one rule that matters here — a page may read
a cross-origin answer only when the server allows it (CORS) — is applied by ``BrowserLike``,
which sends an ``Origin`` and refuses an answer without ``Access-Control-Allow-Origin`` just as
the browser's XMLHttpRequest does (no status, no body, no reason). The real thing runs in
Chromium in tests/test_pwa.py.
"""

from __future__ import annotations

import pytest

from services import platform
from services.sync import fetch as fetch_module
from services.sync.fetch import Fetcher, InvalidAddress, UnsafeAddress, check_url
from services.sync.service import SyncService
from tests.feed_server import closed_port
from tests.sync_support import TEST_LIMITS, groups_of, kindred_feed

ORIGIN = "https://kindred.example"
LAST_MODIFIED = "Sun, 01 Nov 2026 10:00:00 GMT"


class BrowserLike:
    """``platform.fetch_bytes`` with the browser's CORS rule and its silence about why."""

    def __init__(self, online: bool = True):
        self.online = online
        self.requests: list[dict[str, str]] = []

    def __call__(self, url: str, headers: dict[str, str], timeout: float) -> platform.FetchedBytes:
        self.requests.append(dict(headers))
        if not self.online:
            raise platform.BrowserFetchFailed("NetworkError: offline", online=False)
        answer = platform.fetch_bytes(url, {**headers, "Origin": ORIGIN}, timeout)
        if answer.headers.get("access-control-allow-origin") not in ("*", ORIGIN):
            raise platform.BrowserFetchFailed("NetworkError: A network error occurred.")
        return answer


def browser_sync(services, browser: BrowserLike) -> SyncService:
    service = SyncService(services.directory_db, TEST_LIMITS, fetcher_factory=lambda limits: Fetcher(limits, browser_fetch=browser))
    services.sync = service
    return service


def test_a_feed_that_allows_other_sites_syncs_and_an_unchanged_one_is_recognised(feed_server, services):
    feed_server.route("/groups.json", body=kindred_feed(4), last_modified=LAST_MODIFIED,
                      headers={"Access-Control-Allow-Origin": "*"}, gzip=True)
    browser = BrowserLike()
    sync = browser_sync(services, browser)
    sync.add_source(feed_server.url("/groups.json"), name="acme")
    [outcome] = sync.sync()
    assert outcome.status == "updated", outcome.message
    assert len(groups_of(services, "acme")) == 4
    # Only a CORS-safelisted header: a plain static host needs no preflight.
    assert set(browser.requests[0]) == {"Accept"}
    # The browser answers a revalidated request from its cache with 200: the same Last-Modified means unchanged.
    [again] = sync.sync()
    assert again.status == "unchanged", again.message
    assert len(groups_of(services, "acme")) == 4


def test_a_cors_refusal_is_said_in_plain_words_and_keeps_the_last_good_copy(feed_server, services):
    route = feed_server.route("/groups.json", body=kindred_feed(3), headers={"Access-Control-Allow-Origin": "*"})
    sync = browser_sync(services, BrowserLike())
    sync.add_source(feed_server.url("/groups.json"), name="acme")
    assert sync.sync()[0].status == "updated"
    route.headers = {}  # the host stops allowing other sites to read it
    route.body = kindred_feed(9, version=2)
    [outcome] = sync.sync()
    assert outcome.status == "failed"
    assert "does not allow web apps on other sites to read its feed" in outcome.message
    assert "Access-Control-Allow-Origin" in outcome.message and "Import a directory file" in outcome.message
    assert "The last good copy is kept." in outcome.message
    assert len(groups_of(services, "acme")) == 3
    assert sync.get_source("acme").last_error == outcome.message


def test_offline_not_found_and_unreachable_are_each_said_plainly(feed_server, services):
    feed_server.route("/gone.json", status=404, body=b"no", headers={"Access-Control-Allow-Origin": "*"})
    browser = BrowserLike(online=False)
    sync = browser_sync(services, browser)
    sync.add_source(feed_server.url("/gone.json"), name="gone")
    [offline] = sync.sync()
    assert "this device is offline" in offline.message and "Nothing was changed." in offline.message
    assert len(browser.requests) == 1  # never retried in a loop: in the browser that would freeze the app
    browser.online = True
    [missing] = sync.sync()
    assert "There is no feed at this address any more" in missing.message and "HTTP 404" in missing.message
    sync.add_source(f"http://127.0.0.1:{closed_port()}/feed.json", name="closed")
    [closed] = sync.sync(["closed"])
    assert "could not read the feed from 127.0.0.1" in closed.message


def test_addresses_are_checked_without_httpx_as_in_the_browser_build(monkeypatch):
    monkeypatch.setattr(fetch_module, "httpx", None)
    monkeypatch.setattr(platform, "IS_BROWSER", True)
    assert check_url("https://example.org/groups.json") == "https://example.org/groups.json"
    assert check_url("http://127.0.0.1:8000/feed.json") == "http://127.0.0.1:8000/feed.json"
    with pytest.raises(UnsafeAddress, match="not a secure address"):
        check_url("http://example.org/groups.json")
    with pytest.raises(UnsafeAddress, match="user name or password"):
        check_url("https://me:secret@example.org/groups.json")
    with pytest.raises(InvalidAddress):
        check_url("ftp://example.org/groups.json")
    with pytest.raises(InvalidAddress):
        check_url("https://exa mple.org/")
    with pytest.raises(UnsafeAddress, match="on this device"):
        check_url("http://127.0.0.1/x", redirected_from="https://example.org/groups.json")
    # With no httpx, a Fetcher in the browser build goes through the browser.
    assert Fetcher(TEST_LIMITS)._browser_fetch is platform.fetch_bytes


def test_a_redirect_the_browser_followed_to_this_device_is_refused(feed_server):
    """The browser follows redirects itself; where it ended is checked before the body is used."""
    local = feed_server.url("/groups.json")

    class RedirectedHome(BrowserLike):
        def __call__(self, url, headers, timeout):
            # As if https://feeds.example/groups.json had redirected to this device.
            answer = super().__call__(local, headers, timeout)
            return platform.FetchedBytes(answer.status, answer.headers, answer.body, local)

    feed_server.route("/groups.json", body=kindred_feed(2), headers={"Access-Control-Allow-Origin": "*"})
    with pytest.raises(UnsafeAddress, match="feeds.example tried to send Kindred to an address on this device"):
        Fetcher(TEST_LIMITS, browser_fetch=RedirectedHome()).fetch("https://feeds.example/groups.json")
