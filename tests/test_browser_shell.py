"""The real app in a real browser, at phone and desktop size."""

import re

import pytest
from playwright.sync_api import expect

from tests.a11y_support import axe_problems, unnamed_controls
from tests.app_process import running_app
from tests.browser_support import (
    DESKTOP,
    PHONE,
    click_until_shown,
    open_app,
    open_destination,
    reveal,
    save_screenshot,
    set_up_passphrase,
    small_touch_targets,
    unlock,
    wait_until_settled,
)
from tests.privacy_support import PASSPHRASE

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_welcome_destinations_and_crisis_lines(browser, data_dir, size, viewport):
    """The phone is a phone's browser (Android, touch): the destinations at the bottom."""
    with running_app(data_dir, env={"LANG": "C.UTF-8"}) as app:  # the browser's locale counts, not the server's
        page = open_app(browser, app.url, viewport, locale="en-GB")
        expect(page.get_by_text("Welcome to Kindred")).to_be_visible()
        expect(page.get_by_text("stay on this device", exact=False)).to_be_visible()
        save_screenshot(page, f"welcome-{size}")
        page.get_by_role("button", name="Get started").click()
        set_up_passphrase(page, PASSPHRASE, screenshot=size)

        for destination, heading in [("Journal", "Journal"), ("Saved", "Saved groups"), ("Settings", "Settings"), ("Find", "Find a group")]:
            open_destination(page, destination)
            tab = page.get_by_role("tab", name=destination, exact=True)
            expect(tab).to_be_visible()
            if size == "phone":  # at the bottom, where a thumb is
                assert tab.bounding_box()["y"] > PHONE["height"] * 0.8, tab.bounding_box()
            expect(page.get_by_text(heading, exact=True).first).to_be_visible()
            save_screenshot(page, f"{destination.lower()}-{size}")
            if size == "phone":
                wait_until_settled(page)  # measure once nothing moves any more
                small = small_touch_targets(page)
                assert small == [], f"touch targets under 48 px on {destination}: {small}"
                # The accessibility walk (test_browser_a11y.py) is a keyboard's, on a computer;
                # the phone's own layout, bar at the bottom, is checked here.
                problems = axe_problems(page) + unnamed_controls(page)
                assert problems == [], f"accessibility problems on {destination}, phone: {problems}"

        click_until_shown(page, page.get_by_role("button", name="Get help now"),
                          page.get_by_role("group", name=re.compile(r"^Samaritans For: ")))
        expect(page.get_by_role("button", name="Call 116 123")).to_be_visible()
        expect(page.get_by_role("button", name="Call 999")).to_be_visible()
        save_screenshot(page, f"help-{size}")
        page.get_by_role("button", name="Close help").click()
        expect(page.get_by_text("Find a group", exact=True)).to_be_visible()
        page.close()


def tab_top(page, name: str) -> float:
    tab = page.get_by_role("tab", name=name, exact=True)
    expect(tab).to_be_visible()
    wait_until_settled(page)
    return tab.bounding_box()["y"]


def test_a_narrow_window_on_a_computer_has_the_destinations_on_top_unless_chosen(browser, data_dir):
    """Flutter moves keyboard focus by position: a bar at the bottom came between the rows on
    screen and those scrolled below it. A computer's window at phone size keeps the bar under
    the app bar, so Tab goes app bar, destinations, page (the order itself: the walk in
    test_browser_a11y.py, at this size); Settings can put it at the bottom."""
    with running_app(data_dir) as app:
        page = open_app(browser, app.url, PHONE, touch=False)
        page.get_by_role("button", name="Get started").click()
        set_up_passphrase(page, PASSPHRASE)
        assert tab_top(page, "Find") < 200
        open_destination(page, "Settings")
        choice = page.get_by_role("button", name=re.compile(r"^Navigation on a narrow screen"))
        reveal(page, choice)
        choice.click()
        page.get_by_text("At the bottom, for a thumb", exact=True).last.click()
        page.wait_for_function("() => Array.from(document.querySelectorAll('flt-semantics[role=tab]'))"
                               ".some(t => t.getBoundingClientRect().y > 700)", polling=100, timeout=20_000)
        assert tab_top(page, "Settings") > PHONE["height"] * 0.8
        page.set_viewport_size(DESKTOP)  # wider windows: under the app bar whatever the choice
        try:
            page.wait_for_function("() => Array.from(document.querySelectorAll('flt-semantics[role=tab]'))"
                                   ".every(t => t.getBoundingClientRect().y < 200)", polling=100, timeout=20_000)
        except Exception as problem:
            tabs = page.evaluate("Array.from(document.querySelectorAll('flt-semantics[role=tab]'))"
                                 ".map(t => [t.getAttribute('aria-label') || t.innerText, Math.round(t.getBoundingClientRect().y)])")
            raise AssertionError(f"the destinations at desktop size: {tabs}") from problem
        page.close()
    from services.app import open_services

    services = open_services(data_dir)
    try:
        assert services.preferences.load().navigation_place == "bottom"
    finally:
        services.close()


def test_dark_theme_and_country_choice_survive_a_restart(browser, data_dir):
    with running_app(data_dir) as app:
        page = open_app(browser, app.url, PHONE)
        page.get_by_role("button", name="Get started").click()
        set_up_passphrase(page, PASSPHRASE)
        open_destination(page, "Settings")
        page.get_by_role("button", name="Dark").click()
        # The theme is saved before it is applied: once the page is dark, it is kept.
        from io import BytesIO

        assert any(_is_dark(BytesIO(page.screenshot())) for _ in range(100)), "the dark theme was not applied"
        page.close()
    # Country is picked through the service here; the dropdown's overlay is tested in-process.
    from services.app import open_services

    services = open_services(data_dir)
    services.preferences.set_country("AU")
    services.close()
    with running_app(data_dir) as app:
        page = open_app(browser, app.url, PHONE)
        unlock(page, PASSPHRASE, screenshot="phone-dark")
        expect(page.get_by_text("Find a group", exact=True)).to_be_visible()
        save_screenshot(page, "find-phone-dark")
        # A dark background: sample the top-left pixel of a screenshot.
        from io import BytesIO

        png = page.screenshot()
        assert _is_dark(BytesIO(png)), "the dark theme was not applied after restart"
        click_until_shown(page, page.get_by_role("button", name="Get help now"),
                          page.get_by_role("group", name=re.compile(r"^Lifeline For: ")))
        expect(page.get_by_role("button", name="Call 000")).to_be_visible()
        page.close()


def _is_dark(png_stream) -> bool:
    import struct
    import zlib

    data = png_stream.getvalue()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, width, idat = 8, 0, b""
    color_type = 6
    while offset < len(data):
        length = struct.unpack(">I", data[offset : offset + 4])[0]
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        if kind == b"IHDR":
            width = struct.unpack(">I", body[:4])[0]
            color_type = body[9]
        elif kind == b"IDAT":
            idat += body
        offset += 12 + length
    raw = zlib.decompress(idat)
    channels = 4 if color_type == 6 else 3
    # The second row, first pixel after the filter byte (filter 0 or 1 keeps pixel 0 raw).
    row = raw[(width * channels + 1) * 400 : (width * channels + 1) * 401]
    r, g, b = row[1], row[2], row[3]
    return (r + g + b) / 3 < 80
