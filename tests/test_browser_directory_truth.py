"""Issue 12 as a person sees it, in a real browser: "Philadelphia, PA" gives in-person groups
near it sorted by distance and online groups labelled with no distance; "depression" finds
every group tagged depression; a group with three weekly meetings is one card with its three
times; a stale listing carries its note; a name several places share offers a choice."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from services.app import open_services
from services.directory.search import SearchQuery
from tests.app_process import running_app
from tests.browser_support import DESKTOP, PHONE, clear_focused, open_app, open_destination, save_screenshot
from tests.browser_support import unlock as unlock_app

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)  # conditions, not pauses: a busy machine takes longer to get there

PASSPHRASE = "correct horse battery"
ENV = {"TZ": "America/New_York", "LANG": "en_US.UTF-8"}
PHILLY = Path(__file__).resolve().parent / "data" / "synthetic" / "philadelphia.json"


@pytest.fixture
def philly_data_dir(data_dir):
    services = open_services(data_dir)
    services.directory.import_file(PHILLY, source="aaphilly", timezone="America/New_York")
    now = datetime.now(UTC)
    tagged = services.directory.search(SearchQuery(topics=("depression",), limit=200), now).total
    found = services.directory.search(SearchQuery(text="depression", limit=200), now).total
    assert tagged >= 2 and found == tagged  # the words find exactly the groups the filter finds
    services.preferences.mark_welcome_done()
    services.vault.set_up(PASSPHRASE)
    services.close()
    return data_dir, tagged


def type_into(page, label: str, text: str, attempts: int = 5) -> None:
    """Tap the field as a finger does until Flutter gives it the focus, then type; typing is
    checked, and typed again if a busy machine lost a key to a re-render."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    field = page.get_by_role("textbox", name=label)
    expect(field).to_be_visible()
    for attempt in range(attempts):
        for _ in range(10):
            field.scroll_into_view_if_needed()
            box = field.bounding_box()
            page.mouse.click(box["x"] + 24, box["y"] + box["height"] / 2)
            try:
                expect(field).to_be_focused(timeout=3_000)
                break
            except (AssertionError, PlaywrightTimeout):
                continue
        clear_focused(page, field)
        page.keyboard.type(text, delay=40)
        try:
            expect(field).to_have_value(text, timeout=8_000)
            return
        except AssertionError:
            if attempt == attempts - 1:
                raise


def unlock(page) -> None:
    """Find is public; the place is private, so unlock (through a private screen) first."""
    unlock_app(page, PASSPHRASE)
    open_destination(page, "Find")
    expect(page.get_by_text("Find a group", exact=True)).to_be_visible()


def card(page, name: str):
    return page.get_by_role("button", name=re.compile(rf"^{re.escape(name)}\b"))


def set_place(page, typed: str) -> None:
    open_destination(page, "Settings")
    forget = page.get_by_role("button", name="Forget my place")
    if forget.count():
        forget.click()
        expect(page.get_by_text(re.compile("^Using: "))).to_have_count(0)
    type_into(page, "My place (city or ZIP code)", typed)
    page.get_by_role("button", name="Save place").click()


def search(page, words: str) -> None:
    type_into(page, "Search groups", words)


@pytest.mark.parametrize(("viewport", "size"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_near_philadelphia_one_card_per_group_words_and_freshness(browser, philly_data_dir, viewport, size):
    data_dir, depression_groups = philly_data_dir
    with running_app(data_dir, env=ENV) as app:
        page = open_app(browser, app.url, viewport)
        unlock(page)

        # A name several places share: a short list to choose from, with region and country
        set_place(page, "Springfield")
        expect(page.get_by_text("Several places have that name — which one?")).to_be_visible()
        expect(page.get_by_role("button", name="Springfield, Massachusetts, US")).to_be_visible()
        expect(page.get_by_role("button", name="Use my location")).to_be_visible()
        save_screenshot(page, f"place-choice-{size}")
        page.get_by_role("button", name="Springfield, Massachusetts, US").click()
        expect(page.get_by_text("Using: Springfield, Massachusetts, US")).to_be_visible()

        set_place(page, "Philadelphia, PA")
        expect(page.get_by_text("Using: Philadelphia, Pennsylvania, US")).to_be_visible()

        open_destination(page, "Find")
        expect(page.get_by_text("Find a group", exact=True)).to_be_visible()
        page.get_by_role("button", name="Sort results").click()
        nearest = page.get_by_role("menuitem", name="Nearest").or_(page.get_by_role("button", name="Nearest")).or_(
            page.get_by_text("Nearest", exact=True))
        nearest.first.click()
        # the nearest in-person group first, with its distance; no online group is "0.1 mi away"
        first = page.get_by_role("button", name=re.compile(r"^Women's Step Group\b"))
        expect(first).to_be_visible()
        expect(first).to_have_accessible_name(re.compile(r"Mon, Wed, Fri · 7:00 PM"))
        expect(first).to_have_accessible_name(re.compile(r"\d\.\d mi away"))
        save_screenshot(page, f"find-near-philadelphia-{size}")

        search(page, "morning reflections")
        online = card(page, "Morning Reflections")
        expect(online).to_have_accessible_name(re.compile("Online — anywhere"))
        expect(online).not_to_have_accessible_name(re.compile(r"mi away"))

        search(page, "depression")
        expect(page.get_by_text(f"{depression_groups} groups", exact=True).last).to_be_visible()

        search(page, "women")
        expect(page.get_by_text("1 group", exact=True).last).to_be_visible()  # one card, not three
        expect(card(page, "Women's Step Group")).to_have_accessible_name(re.compile(r"Mon, Wed, Fri · 7:00 PM"))

        search(page, "roxborough")
        stale = card(page, "Roxborough Old Timers")
        # The date in the browser's own locale's format (en-US: "Mar 14, 2021"; en-GB: "14 Mar 2021").
        stale_words = r"updated (Mar 14, 2021|14 Mar 2021) · may be out of date"
        expect(stale).to_have_accessible_name(re.compile(stale_words))
        save_screenshot(page, f"find-stale-{size}")
        stale.click()
        expect(page.get_by_text(re.compile(r"From aaphilly · " + stale_words))).to_be_visible()
        page.get_by_role("button", name="Report a problem").click()
        expect(page.get_by_text("Kindred drafts it here and sends nothing", exact=False)).to_be_visible()
        save_screenshot(page, f"report-problem-{size}")
        page.get_by_role("button", name="Close").click()
