"""Privacy in the real app, in Chromium: sessions lock apart, backups download, and nothing
private leaves through the network.

How the network proof works. Kindred's UI in a browser is Flutter talking to the local
Python process over one websocket (plus the static files of the web client). Whatever a
person types travels over that websocket from the browser to the local server on
127.0.0.1 — that is how the UI works, and it never leaves the device. So the meaningful
proof is:

1. every request the page makes (HTTP and websocket) goes to the app's own
   http://127.0.0.1:PORT origin — no other host is ever contacted (non-local requests are
   recorded and aborted so none can leave, and the test fails if there is any);
2. no URL, header or request body contains the canary (a private string put into a note
   and a private setting before the app starts), and no websocket frame the browser sends
   does either: the canary is private data the page never typed, so it may only ever
   travel server → browser, and only on screens that show it;
3. the canary is in none of: the private database file, its WAL, the app's log, and the
   backup file the browser downloads.
"""

import pytest
from playwright.sync_api import expect

from services.app import open_services
from services.privacy import settings as private_settings
from services.privacy.backup import read_backup
from services.saved import SavedGroups
from tests.app_process import running_app
from tests.browser_support import PHONE, click_until_shown, enable_accessibility, open_app, open_destination, save_screenshot, type_into, unlock
from tests.privacy_support import CANARY, PASSPHRASE, raw_bytes

pytestmark = pytest.mark.browser


def test_second_tab_starts_locked_backup_downloads_and_nothing_private_leaves(browser, data_dir, tmp_path):
    services = open_services(data_dir)
    services.preferences.mark_welcome_done()
    services.preferences.set_country("GB")
    store, _ = services.vault.set_up(PASSPHRASE)
    SavedGroups(store).save("nami:tuesday", {"name": "Tuesday peer group"}, note=f"my note {CANARY}")
    private_settings.update(store, place=f"{CANARY} lane")
    services.close()

    with running_app(data_dir) as app:
        origin = app.url.rstrip("/")
        ws_origin = origin.replace("http://", "ws://")
        context = browser.new_context(viewport=PHONE, accept_downloads=True)
        requests, foreign, frames_sent, failed = [], [], [], {}

        def on_request(request):
            requests.append((request.url, request.post_data_buffer or b"", str(request.headers)))

        def guard(route):
            url = route.request.url
            if url.startswith(origin) or url.startswith(ws_origin):
                route.continue_()
            else:
                foreign.append(url)
                route.abort()

        def on_websocket(ws):
            requests.append((ws.url, b"", ""))
            ws.on("framesent", lambda payload: frames_sent.append(payload if isinstance(payload, bytes) else payload.encode()))

        context.route("**/*", guard)
        context.on("request", on_request)
        context.on("requestfailed", lambda request: failed.__setitem__(request.url, request.failure))

        first = context.new_page()
        first.on("websocket", on_websocket)
        first = open_app_on(first, app.url)
        unlock(first, PASSPHRASE, screenshot="phone")
        expect(first.get_by_text("Find a group", exact=True)).to_be_visible()

        # A second tab on the same server starts locked, and help works there.
        second = context.new_page()
        second.on("websocket", on_websocket)
        second = open_app_on(second, app.url)
        # The directory is public; anything private asks for the passphrase.
        expect(second.get_by_text("Find a group", exact=True)).to_be_visible(timeout=30_000)
        expect(second.get_by_role("button", name="Lock now")).to_have_count(0)
        open_destination(second, "Saved")
        expect(second.get_by_text("Kindred is locked")).to_be_visible()
        click_until_shown(second, second.get_by_role("button", name="Get help now"), second.get_by_text("Samaritans"))
        second.close()

        # The first tab is still open; make a backup and download it.
        open_destination(first, "Settings")
        first.get_by_role("button", name="Create backup").click()
        type_into(first, "Current passphrase", PASSPHRASE)
        save_screenshot(first, "backup-phone")
        with first.expect_download(timeout=60_000) as download_info:  # two scrypt runs; slow under load
            first.get_by_role("button", name="Create backup").last.click()
        backup_path = tmp_path / "downloaded.kindred-backup"
        download_info.value.save_as(backup_path)
        expect(first.get_by_text("Backup ready")).to_be_visible()
        first.get_by_role("button", name="Done").click()

        # Lock now: the tab asks for the passphrase again.
        first.get_by_role("button", name="Lock now", exact=True).first.click()  # the app bar action, first on the page (no PIN set: a full lock)
        expect(first.get_by_text("Kindred is locked")).to_be_visible()
        first.close()
        context.close()

    assert foreign == [], f"requests that reached the network for other hosts: {foreign}"
    assert requests, "requests were recorded"
    for url, body, headers in requests:
        assert CANARY not in url and CANARY.encode() not in body and CANARY not in headers
        if not (url.startswith(origin) or url.startswith(ws_origin)):
            # The Flet web client asks for an animation library on a CDN; the page's
            # Content-Security-Policy (assets/index.html) stops it inside the browser.
            assert failed.get(url) == "csp", f"{url} was not blocked by the policy: {failed.get(url)}"
    assert frames_sent, "websocket frames were recorded"
    assert all(CANARY.encode() not in frame for frame in frames_sent)
    assert any(PASSPHRASE.encode() in frame for frame in frames_sent), (
        "sanity check: what is typed does travel over the local websocket, so the frame check can see it"
    )

    data = backup_path.read_bytes()
    assert CANARY.encode() not in data
    assert read_backup(data, PASSPHRASE).summary.counts == {"saved_group": 1, "setting": 1}
    assert CANARY.encode() not in raw_bytes(data_dir / "private.sqlite")
    assert CANARY not in app.log()


def open_app_on(page, url):
    page.set_default_timeout(20_000)
    page.goto(url)
    enable_accessibility(page)
    return page


del open_app  # this module opens pages inside a recording context instead
