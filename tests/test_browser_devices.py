"""Two browser profiles (two apps, two data folders) paired through exported sync files,
in Chromium: the first exports, the second joins with the recovery code from the set-up
screen, checks in, exports back; the first imports and shows the second's check-in."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from services.app import open_services
from services.journal import Journal
from tests.app_process import running_app
from tests.browser_support import KDF_WAIT, PHONE, enable_accessibility, on_a_private_screen, open_destination, type_into, unlock
from tests.privacy_support import CANARY, PASSPHRASE

pytestmark = pytest.mark.browser

PHONE_PASSPHRASE = "phone passphrase 42"


def _open(context, url: str):
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(url)
    enable_accessibility(page)
    return page


def test_two_browser_profiles_pair_through_exported_sync_files(browser, tmp_path):
    first_dir, second_dir = tmp_path / "first", tmp_path / "second"
    services = open_services(first_dir)
    services.preferences.mark_welcome_done()
    store, code = services.vault.set_up(PASSPHRASE)
    Journal(store).add(mood=2, note=f"from the laptop {CANARY}")
    store.lock()
    services.close()
    services = open_services(second_dir)
    services.preferences.mark_welcome_done()
    services.close()

    with running_app(first_dir) as first_app, running_app(second_dir) as second_app:
        laptop_profile = browser.new_context(viewport=PHONE, accept_downloads=True)
        phone_profile = browser.new_context(viewport=PHONE, accept_downloads=True)
        laptop = _open(laptop_profile, first_app.url)
        unlock(laptop, PASSPHRASE)
        open_destination(laptop, "Settings")
        export = laptop.get_by_role("button", name="Export a sync file")
        export.scroll_into_view_if_needed()
        with laptop.expect_download(timeout=60_000) as download:
            export.click()
        to_phone = tmp_path / "to-phone.kindred-sync"
        download.value.save_as(to_phone)
        assert CANARY.encode() not in to_phone.read_bytes()

        phone = _open(phone_profile, second_app.url)
        on_a_private_screen(phone, "Choose a passphrase")
        type_into(phone, "Passphrase", PHONE_PASSPHRASE)
        type_into(phone, "Type it again", PHONE_PASSPHRASE)
        phone.get_by_role("button", name="I already use Kindred on another device").click()
        type_into(phone, "Recovery code", code)
        with phone.expect_file_chooser() as chooser:
            phone.get_by_role("button", name="Join with a sync file").click()
        chooser.value.set_files(str(to_phone))
        expect(phone.get_by_text("Choose a passphrase")).to_have_count(0, timeout=KDF_WAIT)
        open_destination(phone, "Journal")
        expect(phone.get_by_role("group", name=re.compile("from the laptop"))).to_be_visible(timeout=30_000)
        phone.get_by_role("button", name=re.compile(r"^Mood 4 of 5, Good")).click()
        phone.get_by_role("button", name="Save", exact=True).click()
        open_destination(phone, "Settings")
        back = phone.get_by_role("button", name="Export a sync file")
        back.scroll_into_view_if_needed()
        with phone.expect_download(timeout=60_000) as download:
            back.click()
        to_laptop = tmp_path / "to-laptop.kindred-sync"
        download.value.save_as(to_laptop)

        imp = laptop.get_by_role("button", name="Import a sync file")
        imp.scroll_into_view_if_needed()
        with laptop.expect_file_chooser() as chooser:
            imp.click()
        chooser.value.set_files(str(to_laptop))
        expect(laptop.get_by_text(re.compile(r"^Imported: 1 change"))).to_be_visible(timeout=30_000)
        laptop_profile.close()
        phone_profile.close()

    services = open_services(first_dir)
    try:
        store = services.vault.unlock(PASSPHRASE)
        moods = sorted(e.mood for e in Journal(store).all_entries())
        assert moods == [2, 4]
        store.lock()
    finally:
        services.close()
