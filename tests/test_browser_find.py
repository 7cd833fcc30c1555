"""Find and Saved in a real browser at phone size, doing what a person does: search "grief",
filter to online, open a result, save it, find it under Saved with its next meeting, add a
note, restart, unlock, and find the note again. Also the README screenshots."""

import re

import pytest
from playwright.sync_api import expect

from services.app import open_services
from tests.app_process import running_app
from tests.browser_support import DESKTOP, PHONE, open_app, open_destination, save_screenshot, tap, type_into, unlock, wait_until_settled
from tests.find_support import import_local

pytestmark = pytest.mark.browser

PASSPHRASE = "correct horse battery"
NOTE = "Ask how they handle the first anniversary"
ENV = {"TZ": "America/New_York", "LANG": "en_US.UTF-8"}


@pytest.fixture
def set_up_data_dir(data_dir, tmp_path):
    services = open_services(data_dir)
    import_local(services, tmp_path)  # an online grief group with a weekly time, beside the bundled GriefShare
    services.preferences.mark_welcome_done()
    services.vault.set_up(PASSPHRASE)
    services.close()
    return data_dir


def labelled(page, fragment: str):
    """Flutter merges a card's texts into one node: its text or its aria-label holds them."""
    return page.get_by_text(fragment).or_(page.locator(f'[aria-label*="{fragment}"]')).first


def card(page, name: str):
    return page.get_by_role("button", name=re.compile(rf"^{re.escape(name)}\b"))


def test_find_filter_open_save_and_note_survive_a_restart(browser, set_up_data_dir):
    with running_app(set_up_data_dir, env=ENV) as app:
        page = open_app(browser, app.url, PHONE)
        unlock(page, PASSPHRASE)
        expect(page.get_by_text("Find a group", exact=True)).to_be_visible()
        type_into(page, "Search groups", "grief")
        expect(page.get_by_text("2 groups", exact=True).last).to_be_visible()
        expect(card(page, "GriefShare")).to_be_visible()
        expect(card(page, "Evening Grief Circle")).to_be_visible()

        page.get_by_role("button", name="Filters").click()
        page.get_by_role("checkbox", name="Online").or_(page.get_by_role("button", name="Online", exact=True)).first.click()
        page.get_by_role("button", name="Done").click()
        expect(page.get_by_role("button", name="Filters (1)")).to_be_visible()
        expect(card(page, "Evening Grief Circle")).to_be_visible()
        page.mouse.move(1, 1)
        save_screenshot(page, "find-results-phone")

        # GriefShare has no fixed time: saved from its card, it says where to look.
        page.get_by_role("button", name="Save GriefShare").click()
        card(page, "Evening Grief Circle").click()
        expect(page.get_by_text("Your first time", exact=True)).to_be_visible()
        expect(page.get_by_text("Next dates", exact=True)).to_be_visible()
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_role("button", name="Remove from Saved", exact=True)).to_be_visible()
        save_screenshot(page, "group-details-phone")

        open_destination(page, "Saved")
        expect(page.get_by_text("Saved groups", exact=True)).to_be_visible()
        expect(labelled(page, "Evening Grief Circle Peer-led Online Free Next: Tue 7:00 PM · ")).to_be_visible()
        expect(labelled(page, "GriefShare Peer-led In person and online Cost not stated Times vary — see the organisation")).to_be_visible()
        tap(page, page.get_by_role("textbox", name="Things I want to bring up").first)  # the soonest group's card
        page.keyboard.type(NOTE, delay=10)
        page.get_by_role("button", name="Save note").first.click()
        expect(page.get_by_text("Note saved. Only you can see it.")).to_be_visible()
        save_screenshot(page, "saved-list-phone")
        page.close()

    with running_app(set_up_data_dir, env=ENV) as app:
        page = open_app(browser, app.url, PHONE)
        open_destination(page, "Saved")  # the directory is public; Saved asks for the passphrase
        expect(page.get_by_text("Kindred is locked")).to_be_visible()
        unlock(page, PASSPHRASE)
        open_destination(page, "Saved")
        # Flutter puts a field's text into the DOM once it has the focus.
        tap(page, page.get_by_role("textbox", name="Things I want to bring up").first)
        expect(page.locator("textarea:focus, input:focus").first).to_have_value(NOTE)
        page.close()
    services = open_services(set_up_data_dir)
    from services.saved import SavedGroups

    assert SavedGroups(services.vault.unlock(PASSPHRASE)).get("local/evening-grief").note == NOTE
    services.close()


def test_find_details_and_saved_at_desktop_size(browser, set_up_data_dir):
    from services.saved import SavedGroups, group_snapshot

    services = open_services(set_up_data_dir)
    store = services.vault.unlock(PASSPHRASE)
    saved = SavedGroups(store)
    for group_id, note in (("local/evening-grief", NOTE), ("local/philly-anxiety", "")):
        saved.save(group_id, group_snapshot(services, group_id), note=note)
    services.close()
    with running_app(set_up_data_dir, env=ENV) as app:
        page = open_app(browser, app.url, DESKTOP)
        unlock(page, PASSPHRASE)
        expect(card(page, "Evening Grief Circle")).to_be_visible()
        page.mouse.move(1, 1)
        save_screenshot(page, "find-results-desktop")
        card(page, "Anxiety Support Philadelphia").click()
        expect(page.get_by_role("button", name="Directions")).to_be_visible()
        save_screenshot(page, "group-details-desktop")
        open_destination(page, "Saved")
        expect(labelled(page, "Next: Thu 6:00 PM · ")).to_be_visible()
        save_screenshot(page, "saved-list-desktop")
        page.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_key_of_one_search_after_another_reaches_the_field(browser, set_up_data_dir, viewport):
    """A person clears the search field and types the next words while the last answer lands.
    The address used to follow each answer at once, and a change of address while typing made
    the browser drop every key after it ("anxie" of "anxiety peer group", or nothing): it now
    follows when they leave the field or open a result. Keys go straight to the keyboard here
    (no per-key checking and retyping, as ``type_into`` does) — as a person types."""
    with running_app(set_up_data_dir, env=ENV) as app:
        page = open_app(browser, app.url, viewport)
        expect(page.get_by_text("Find a group", exact=True)).to_be_visible(timeout=60_000)
        wait_until_settled(page)
        field = page.get_by_role("textbox", name=re.compile(r"^Search groups"))
        for words in ("grief support circle", "anxiety peer group", "evening grief", "online", "grief"):
            field.click()
            expect(field).to_be_focused()
            page.keyboard.press("Control+A")
            page.keyboard.press("Delete")
            for _ in range(25):  # whatever select-all left
                page.keyboard.press("Backspace")
            page.keyboard.type(words, delay=10)
            wait_until_settled(page)
            expect(field).to_have_value(words)
        # The address follows once the person leaves the field, and a result opens from it.
        page.get_by_role("heading", name="Kindred").click()
        expect(page).to_have_url(re.compile(r"q=grief($|&)"))
        card(page, "GriefShare").first.click()
        expect(page.get_by_role("button", name="Back to results")).to_be_visible()
        page.get_by_role("button", name="Back to results").click()
        # (A Flutter field's text reaches the DOM only with the focus: the words are checked
        # through the address and the results they give.)
        expect(page).to_have_url(re.compile(r"q=grief($|&)"))
        expect(card(page, "GriefShare").first).to_be_visible()
