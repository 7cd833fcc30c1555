"""Directory sources in a real browser: subscribe to a signed feed served on 127.0.0.1."""

import pytest
from playwright.sync_api import expect

from services.app import open_services
from tests.app_process import running_app
from tests.browser_support import (
    DESKTOP,
    PHONE,
    open_app,
    open_destination,
    save_screenshot,
    type_into,
    unlock,
    wait_until_settled,
)
from tests.privacy_support import PASSPHRASE
from tests.sync_support import kindred_feed, signed

pytestmark = pytest.mark.browser


def shown(page, fragment: str):
    """Flutter merges a card's texts into one accessible name: match a fragment of it."""
    return page.locator(f'[aria-label*="{fragment}"], flt-semantics:has-text("{fragment}")').first


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_subscribe_to_a_signed_feed(browser, data_dir, feed_server, tmp_path, size, viewport):
    body = kindred_feed(12)
    public_key, signature = signed(tmp_path, body)
    feed_server.route("/groups.json", body=body, etag='"v1"', gzip=True)
    feed_server.route("/groups.json.sig", body=signature)
    services = open_services(data_dir)
    services.preferences.mark_welcome_done()
    services.vault.set_up(PASSPHRASE)
    # One source that already failed once, to show how a problem reads.
    services.sync.add_source("http://127.0.0.1:9/offline.json", name="Old community list")
    services.sync.sync()
    services.close()

    with running_app(data_dir) as app:
        page = open_app(browser, app.url, viewport)
        unlock(page, PASSPHRASE)
        open_destination(page, "Settings")
        page.get_by_role("button", name="Directory sources").click()
        expect(page.get_by_role("textbox", name="Feed address")).to_be_visible()
        wait_until_settled(page)  # the screen's first effects have run before typing
        type_into(page, "Feed address", feed_server.url("/groups.json"))
        type_into(page, "Publisher key (optional)", public_key)
        wait_until_settled(page)  # (once, under load, Add took the form before the key had arrived)
        page.get_by_role("button", name="Add source").click()
        expect(shown(page, "12 groups · up to date as of just now")).to_be_visible(timeout=30_000)
        expect(shown(page, "verified · publisher key")).to_be_visible()
        expect(shown(page, "Old community list")).to_be_visible()
        expect(shown(page, "unverified")).to_be_visible()
        expect(shown(page, "Could not update just now: Could not reach 127.0.0.1")).to_be_visible()
        page.mouse.wheel(0, -2000)
        save_screenshot(page, f"sources-{size}")
        page.close()


def test_import_a_directory_file_picked_on_the_device(browser, data_dir):
    """Directory sources → Import a directory file: the browser's file chooser, then the groups in Find."""
    import json

    from tests.sync_support import meeting_guide_feed
    from tests.browser_support import scroll_into_view

    listing = json.loads(meeting_guide_feed(2))
    listing[0]["name"] = "Lanternfield Tuesday meeting"
    services = open_services(data_dir)
    services.preferences.mark_welcome_done()
    services.vault.set_up(PASSPHRASE)
    services.close()
    with running_app(data_dir) as app:
        page = open_app(browser, app.url, PHONE)
        unlock(page, PASSPHRASE)
        open_destination(page, "Settings")
        page.get_by_role("button", name="Directory sources").click()
        choose = page.get_by_role("button", name="Choose a file\u2026")
        expect(choose).to_be_attached()
        scroll_into_view(page, choose)
        with page.expect_file_chooser() as chooser:
            choose.click()
        chooser.value.set_files(files=[{"name": "not groups.txt", "mimeType": "text/plain", "buffer": b"hello"}])
        expect(shown(page, "Nothing was imported: not groups.txt is not a directory file")).to_be_visible()
        with page.expect_file_chooser() as chooser:
            choose.click()
        chooser.value.set_files(files=[{"name": "lanternfield.json", "mimeType": "application/json",
                                        "buffer": json.dumps(listing).encode()}])
        expect(shown(page, "Imported 2 groups from lanternfield.json")).to_be_visible(timeout=30_000)
        open_destination(page, "Find")
        type_into(page, "Search groups", "Lanternfield")
        expect(page.get_by_text("Lanternfield Tuesday meeting").first).to_be_visible()
        page.close()
