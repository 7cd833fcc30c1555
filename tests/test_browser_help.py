""""Get help now" in a real browser: the country comes from the browser's locale, never the
server's; with an unknown locale it asks, and the emergency number shows with no network."""

import re

import pytest
from playwright.sync_api import expect

from tests.app_process import running_app
from tests.browser_support import DESKTOP, PHONE, click_until_shown, enable_accessibility, save_screenshot, type_into

LOCAL = re.compile(r"^https?://(127\.0\.0\.1|localhost)(:\d+)?/")


def open_offline(browser, url: str, viewport: dict, locale: str):
    """A page whose browser speaks ``locale`` and can reach nothing but this machine."""
    context = browser.new_context(viewport=viewport, locale=locale)
    blocked = []

    def only_local(route):
        if LOCAL.match(route.request.url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", only_local)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(url)
    enable_accessibility(page)
    return context, page, blocked


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_unknown_locale_asks_for_the_country_and_shows_an_emergency_number_offline(browser, data_dir, size, viewport):
    # The server's own locale names a country; the browser's does not: the browser's wins.
    with running_app(data_dir, env={"LANG": "en_GB.UTF-8", "LC_ALL": "en_GB.UTF-8"}) as app:
        context, page, _blocked = open_offline(browser, app.url, viewport, locale="en")
        click_until_shown(page, page.get_by_role("button", name="Get help now").first, page.get_by_text("Which country are you in?"))
        expect(page.get_by_role("button", name="Call 112")).to_be_visible()
        expect(page.get_by_text("Samaritans")).to_have_count(0)  # not the server's country

        type_into(page, "Search countries", "zeala")
        expect(page.get_by_role("button", name="Afghanistan")).to_have_count(0)
        save_screenshot(page, f"help-ask-country-{size}")
        page.get_by_role("button", name="New Zealand").click()
        expect(page.get_by_role("button", name="Call 111")).to_be_visible(timeout=30_000)
        # A line's card is one group: its name, who it is for, hours and description.
        expect(page.get_by_role("group", name=re.compile(r"^Need to talk\? 1737 For: Anyone"))).to_be_visible()
        expect(page.get_by_role("group", name=re.compile(r"^Youthline For: Young people aged 12 to 24 Hours: 24"))).to_be_visible()
        expect(page.get_by_role("button", name="Text 234")).to_be_visible()
        save_screenshot(page, f"help-new-zealand-{size}")
        context.close()


def test_the_browsers_locale_chooses_the_country(browser, data_dir):
    with running_app(data_dir, env={"LANG": "en_GB.UTF-8", "LC_ALL": "en_GB.UTF-8"}) as app:
        context, page, _blocked = open_offline(browser, app.url, PHONE, locale="en-NZ")
        click_until_shown(page, page.get_by_role("button", name="Get help now").first, page.get_by_role("button", name="Call 111"))
        expect(page.get_by_text("Crisis lines for New Zealand")).to_be_visible()
        expect(page.get_by_text("Which country are you in?")).to_have_count(0)
        context.close()
