"""Two tabs, as people use them, and a search that keeps its place, in a real browser.

Finding 1: tab B deletes everything and sets a new passphrase; tab A's next save locks tab A
and says why; nothing is lost; journal and backups work afterwards.
Finding 5: "I went today" on a group another tab removed: a message, never a crash.
Finding 3: Find → group → back (in-app and browser back) keeps words, filters, sort and
scroll; reload on a group's route shows that group. Finding 6: one tap from the welcome to
results."""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from services.app import open_services
from tests.app_process import running_app
from tests.browser_support import PHONE, enable_accessibility, open_app, open_destination, press_unlock, set_up_passphrase, type_into, unlock, wait_until_settled
from tests.find_support import import_local

pytestmark = pytest.mark.browser

PASSPHRASE = "correct horse battery"
NEW_PASSPHRASE = "a brand new passphrase"
ENV = {"TZ": "America/New_York", "LANG": "en_US.UTF-8"}
CRASH = "Error running app"


@pytest.fixture
def local_data_dir(data_dir, tmp_path):
    services = open_services(data_dir)
    import_local(services, tmp_path)
    services.preferences.mark_welcome_done()
    services.close()
    return data_dir


def card(page, name: str):
    return page.get_by_role("button", name=re.compile(rf"^{re.escape(name)}\b"))


def test_a_stale_tab_locks_itself_on_its_next_save_and_nothing_is_lost(browser, local_data_dir):
    with running_app(local_data_dir, env=ENV) as app:
        tab_a = open_app(browser, app.url, PHONE)
        open_destination(tab_a, "Journal")
        set_up_passphrase(tab_a, PASSPHRASE)
        open_destination(tab_a, "Journal")
        expect(tab_a.get_by_text("How are you feeling right now?")).to_be_visible()

        # Tab B: delete all my data, then set Kindred up again with a new passphrase.
        tab_b = open_app(browser, app.url, PHONE)
        unlock(tab_b, PASSPHRASE)
        open_destination(tab_b, "Settings")
        tab_b.get_by_role("button", name="Delete all my data").click()
        type_into(tab_b, "Type DELETE to confirm", "DELETE")
        tab_b.get_by_role("button", name="Delete everything").click()
        open_destination(tab_b, "Journal")
        set_up_passphrase(tab_b, NEW_PASSPHRASE)
        open_destination(tab_b, "Journal")
        tab_b.get_by_role("button", name=re.compile(r"^Mood 3 of 5, Okay")).click()
        tab_b.get_by_role("button", name="Save", exact=True).click()
        expect(tab_b.get_by_text("Check-in saved.")).to_be_visible()

        # Tab A, still open with the old key, starts a check-in: choosing a mood is already a
        # write (the draft is kept as it is made), so it locks there, or at the latest on Save,
        # and says why.
        tab_a.get_by_role("button", name=re.compile(r"^Mood 4 of 5, Good")).click()
        locked = tab_a.get_by_text("Kindred is locked")
        save = tab_a.get_by_role("button", name="Save", exact=True)
        expect(locked.or_(save).first).to_be_visible()
        if not locked.is_visible():
            try:
                save.click(timeout=5_000)
            except PlaywrightTimeout:
                pass  # the lock screen replaced the form meanwhile
        try:
            expect(locked).to_be_visible()
        except AssertionError:
            print("APPLOG", app.log_path.read_text()[-6000:])
            raise
        expect(tab_a.get_by_text("another window", exact=False).first).to_be_visible()
        expect(tab_a.get_by_text(CRASH)).to_have_count(0)
        # The new passphrase opens it; the journal works, with tab B's check-in and nothing else.
        type_into(tab_a, "Passphrase", NEW_PASSPHRASE)
        press_unlock(tab_a)
        expect(tab_a.get_by_role("group", name=re.compile(r"^Okay · "))).to_be_visible()
        expect(tab_a.get_by_role("group", name=re.compile(r"^Good · "))).to_have_count(0)
        # Backups work after.
        open_destination(tab_a, "Settings")
        tab_a.get_by_role("button", name="Create backup").click()
        type_into(tab_a, "Current passphrase", NEW_PASSPHRASE)
        tab_a.get_by_role("button", name="Create backup").last.click()
        expect(tab_a.get_by_text("Backup ready")).to_be_visible()
        tab_a.close()
        tab_b.close()
    services = open_services(local_data_dir)
    store = services.vault.unlock(NEW_PASSPHRASE)
    assert store.integrity_report().ok, "the stale tab wrote nothing under its old key"
    from services.journal import Journal

    assert [e.mood for e in Journal.for_store(store).all_entries()] == [3]
    services.close()


def test_i_went_today_on_a_group_another_tab_removed_is_a_message_not_a_crash(browser, local_data_dir):
    services = open_services(local_data_dir)
    store, _code = services.vault.set_up(PASSPHRASE)
    from services.saved import SavedGroups, group_snapshot

    SavedGroups(store).save("local/evening-grief", group_snapshot(services, "local/evening-grief"))
    services.close()
    with running_app(local_data_dir, env=ENV) as app:
        tab_a = open_app(browser, app.url, PHONE)
        unlock(tab_a, PASSPHRASE)
        open_destination(tab_a, "Saved")
        expect(tab_a.get_by_role("button", name="I went today")).to_be_visible()
        tab_b = open_app(browser, app.url, PHONE)
        unlock(tab_b, PASSPHRASE)
        open_destination(tab_b, "Saved")
        tab_b.get_by_role("button", name="Remove Evening Grief Circle from Saved").click()
        expect(tab_b.get_by_text("No saved groups yet")).to_be_visible()

        tab_a.get_by_role("button", name="I went today").click()
        expect(tab_a.get_by_text("no longer in your saved groups", exact=False)).to_be_visible()
        expect(tab_a.get_by_text("No saved groups yet")).to_be_visible()
        expect(tab_a.get_by_text(CRASH)).to_have_count(0)
        tab_a.close()
        tab_b.close()


def test_find_keeps_its_place_across_a_group_back_and_reload(browser, local_data_dir):
    with running_app(local_data_dir, env=ENV) as app:
        page = open_app(browser, app.url, PHONE)
        expect(page.get_by_text("Find a group", exact=True)).to_be_visible()
        type_into(page, "Search groups", "grief")
        page.get_by_role("button", name="Filters").click()
        page.get_by_role("checkbox", name="Online").or_(page.get_by_role("button", name="Online", exact=True)).first.click()
        page.get_by_role("button", name="Done").click()
        expect(page.get_by_role("button", name="Filters (1)")).to_be_visible()
        expect(page).to_have_url(re.compile(r"q=grief&meets=online"))
        expect(card(page, "Evening Grief Circle")).to_be_visible()

        # In-app: the group, then "Back to results".
        card(page, "Evening Grief Circle").click()
        expect(page.get_by_text("Your first time", exact=True)).to_be_visible()
        group_url = page.url
        page.get_by_role("button", name="Back to results").click()
        expect(page.get_by_role("button", name="Filters (1)")).to_be_visible()
        expect(page).to_have_url(re.compile(r"q=grief&meets=online"))
        # (A Flutter field's text reaches the DOM only with the focus: the words are checked
        # through the address and the results they give.)
        expect(card(page, "Evening Grief Circle")).to_be_visible()
        expect(card(page, "Anxiety Support Philadelphia")).to_have_count(0)

        # The browser's back button: from the group to the same search.
        card(page, "Evening Grief Circle").click()
        expect(page.get_by_text("Your first time", exact=True)).to_be_visible()
        page.go_back()
        expect(page.get_by_role("button", name="Filters (1)")).to_be_visible()
        expect(page).to_have_url(re.compile(r"q=grief&meets=online"))
        expect(card(page, "Anxiety Support Philadelphia")).to_have_count(0)

        # Another tab and back.
        open_destination(page, "Journal")
        open_destination(page, "Find")
        expect(page.get_by_role("button", name="Filters (1)")).to_be_visible()
        expect(page).to_have_url(re.compile(r"q=grief&meets=online"))

        # Reload on a group's route shows that group; a shared search link shows the search.
        page.goto(group_url)
        enable_accessibility(page)
        expect(page.get_by_text("Your first time", exact=True)).to_be_visible()
        expect(page.get_by_text("Evening Grief Circle").first).to_be_visible()
        page.goto(app.url.rstrip("/") + "/?q=grief&meets=online")
        enable_accessibility(page)
        expect(page.get_by_role("button", name="Filters (1)")).to_be_visible()
        expect(card(page, "Evening Grief Circle")).to_be_visible()
        expect(card(page, "Anxiety Support Philadelphia")).to_have_count(0)
        page.close()


def test_a_newcomer_reaches_results_in_one_tap(browser, data_dir):
    with running_app(data_dir, env=ENV) as app:
        page = open_app(browser, app.url, PHONE)
        expect(page.get_by_text("Welcome to Kindred")).to_be_visible()
        page.get_by_role("button", name="Get started").click()
        expect(page.get_by_text(re.compile(r"^\d+ groups?")).last).to_be_visible(timeout=30_000)
        expect(page.get_by_text("Choose a passphrase")).to_have_count(0)
        page.close()


def test_find_keeps_its_sort_and_scroll_across_a_group_and_back(browser, local_data_dir):
    """Finding 3, the rest of it: the sort, and how far down the list the person was."""
    from services.directory.search import SearchQuery

    services = open_services(local_data_dir)
    names = [g.name for g in services.directory.search(SearchQuery(limit=200)).results]
    services.close()
    with running_app(local_data_dir, env=ENV) as app:
        page = open_app(browser, app.url, PHONE)
        expect(page.get_by_text("Find a group", exact=True)).to_be_visible()
        expect(card(page, names[0])).to_be_visible()
        page.get_by_label("Sort results").or_(page.get_by_role("button", name=re.compile(r"^Sort"))).first.click()
        page.get_by_text("Meets soonest", exact=True).last.click()
        expect(page).to_have_url(re.compile(r"sort=soonest"))
        wait_until_settled(page)

        def on_screen() -> list[tuple[float, str]]:
            """Cards inside the window (Flutter keeps nodes for cards scrolled out of it)."""
            found = []
            for name in names:
                if card(page, name).count():
                    box = card(page, name).first.bounding_box()
                    if box and box["y"] >= 0 and box["y"] + 40 <= PHONE["height"] - 80:
                        found.append((box["y"], name))
            return sorted(found)

        first_on_top = on_screen()[0][1]
        # Down the list, the way a thumb does, until the first group is well out of sight.
        page.mouse.move(195, 500)
        for _ in range(12):
            page.mouse.wheel(0, 500)
        wait_until_settled(page)
        visible = on_screen()
        assert visible and first_on_top not in [n for _, n in visible], f"the list did not scroll: {visible}"
        before, target = visible[-1]  # the lowest card on screen: the person scrolled to it

        card(page, target).first.click()
        expect(page.get_by_role("button", name="Back to results")).to_be_visible()
        page.get_by_role("button", name="Back to results").click()
        expect(page).to_have_url(re.compile(r"sort=soonest"))
        expect(card(page, target).first).to_be_in_viewport()
        wait_until_settled(page)
        assert abs(card(page, target).first.bounding_box()["y"] - before) < 150, "the list came back elsewhere"
        expect(card(page, first_on_top).first).not_to_be_in_viewport()
        page.close()
