"""Playwright with Debian's Chromium (FLET-NOTES.md, layer 3)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT_DIR = ROOT / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
KDF_WAIT = 90_000  # ms: real key derivation in the app's own process, on a machine that may be busy
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # This machine's network is closed; without these Chromium keeps dialling out.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("KINDRED_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def launch_chromium(playwright):
    path = chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is missing on CI: .ci/run must install it (apt-get install chromium)")
        pytest.skip("Chromium is not installed here (apt-get install chromium); browser tests need it")
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)


# A time of day as the browser's locale writes it: "16:05", or "4:05 PM" in en-US. Never
# "\d\d:\d\d" alone: that fails from 1 to 9 o'clock, so a test would pass or fail by the hour.
CLOCK = r"\d{1,2}:\d\d(?:\s?[AP]M)?"

EXPECT_TIMEOUT = 20_000  # ms: the longest an expect() waits for its condition (tests/conftest.py)


# A phone's browser: Flutter's web engine takes the system from the user agent (Android: a
# touch screen, so Kindred puts the destinations at the bottom), and Chromium emulates touch.
ANDROID_PHONE = {
    "user_agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/131.0.0.0 Mobile Safari/537.36",
    "is_mobile": True,
    "has_touch": True,
}


def enable_accessibility(page) -> None:
    """Switch on Flutter's accessibility tree (the DOM the tests read) once the app has loaded,
    and again after every reload."""
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=60_000)
    if not page.evaluate("navigator.maxTouchPoints > 0"):
        page.evaluate("document.querySelector('flt-semantics-placeholder').click()")
        return
    # On a phone Flutter switches it on for a tap in the very middle of its placeholder (within
    # a pixel), made once the page has stopped moving; tapped again until it is on.
    for _attempt in range(10):
        box = page.locator("flt-semantics-placeholder").bounding_box()
        if box is None:
            return
        page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        try:
            page.wait_for_selector("flt-semantics[role]", state="attached", timeout=3_000)
            return
        except Exception:  # noqa: BLE001 — Playwright's TimeoutError: tap again
            continue


def open_app(browser, url: str, viewport: dict, locale: str | None = None, touch: bool | None = None):
    """A new page with the Flutter accessibility tree switched on; ``locale``: the browser's
    language (e.g. "en-GB"), which is where the crisis help takes the country from. ``touch``:
    a phone's browser (Android); by default, for a phone-sized viewport (a phone is what people
    open Kindred in at that size). ``touch=False``: a computer's window of that size."""
    if touch is None:
        touch = viewport["width"] < 600
    page = browser.new_page(viewport=viewport, locale=locale, **(ANDROID_PHONE if touch else {}))
    page.set_default_timeout(20_000)
    page.goto(url)
    enable_accessibility(page)
    return page


def open_destination(page, name: str) -> None:
    """A tap on one of the destinations (Find, Journal, Saved, Settings: tabs in a bar, at the
    bottom of a phone or under the app bar), again if it was not heard: a tap made while
    Flutter builds the first screen can be lost (seen on a fresh tab), and a person taps again."""
    click_until_shown(page, page.get_by_role("tab", name=name, exact=True),
                      page.get_by_role("tab", name=name, exact=True, selected=True), timeout=5_000)


# True once the accessibility tree's boxes have not moved for five polls in a row (polled
# every 50 ms by Playwright): transitions and scrolling have come to rest.
SETTLED_JS = """() => {
  const boxes = Array.from(document.querySelectorAll('flt-semantics'), e => {
    const r = e.getBoundingClientRect();
    return [Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)].join(',');
  }).join(';');
  if (window.__kindredBoxes === boxes) {
    window.__kindredSame = (window.__kindredSame || 0) + 1;
  } else {
    window.__kindredBoxes = boxes;
    window.__kindredSame = 0;
  }
  return window.__kindredSame >= 5;
}"""


def wait_until_settled(page, timeout: float = 20_000) -> None:
    """Wait until nothing on screen moves any more (a condition, not a fixed pause)."""
    page.evaluate("() => { window.__kindredBoxes = undefined; window.__kindredSame = 0; }")
    page.wait_for_function(SETTLED_JS, polling=50, timeout=timeout)


def click_until_shown(page, button, shown, attempts: int = 3, timeout: float = 15_000) -> None:
    """Click ``button`` once the screen is still, until ``shown`` is visible. A click that lands
    while Flutter rebuilds its accessibility tree (just after a screen changed, on a loaded
    machine) can be lost: a person taps again, and so does this."""
    from playwright.sync_api import expect

    for attempt in range(attempts):
        wait_until_settled(page)
        button.click()
        try:
            expect(shown).to_be_visible(timeout=timeout)
            return
        except AssertionError:
            if attempt == attempts - 1:
                raise


def still_screenshot(page, attempts: int = 20) -> bytes:
    """A screenshot taken once two in a row are identical (animations have finished)."""
    previous = page.screenshot()
    for _ in range(attempts):
        current = page.screenshot()
        if current == previous:
            break
        previous = current
    return previous


def save_screenshot(page, name: str) -> None:
    """Screenshots for the README, written only when asked (KINDRED_UPDATE_SCREENSHOTS=1)."""
    if os.environ.get("KINDRED_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        wait_until_settled(page)
        (SCREENSHOT_DIR / f"{name}.png").write_bytes(still_screenshot(page))


def tap(page, locator, attempts: int = 5) -> None:
    """A tap inside a field, the way a finger does (a click on Flutter's hidden textarea can
    miss), once the screen has stopped moving; the box is measured again before each try
    (a screen still loading moves its fields). Waits until a text box has the focus."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(attempts):
        locator.wait_for(state="visible")
        wait_until_settled(page)
        reveal(page, locator)  # a field below the fold is not under the finger yet
        box = locator.bounding_box()
        page.mouse.click(box["x"] + 24, box["y"] + min(box["height"] / 2, 24))
        try:
            page.wait_for_function(FOCUSED_JS, timeout=2_000)
            # Flutter finishes taking the focus after the DOM does (the field's label moves, its
            # textarea can be made anew): type only once that is over and it still has it.
            wait_until_settled(page)
            page.wait_for_function(FOCUSED_JS, timeout=2_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError("the field never took the focus")


FOCUSED_JS = "['TEXTAREA', 'INPUT'].includes(document.activeElement.tagName)"


def field_name(label: str) -> re.Pattern:
    """A text field's accessible name: it begins with ``label`` (a plain substring match also
    found "To" inside a copyable line such as "Last automatic backup: …")."""
    return re.compile(rf"^{re.escape(label)}(?!\w)")


def type_into(page, label: str, text: str, attempts: int = 3) -> None:
    """Flutter text fields: click, then type (fill() leaves them empty), into an emptied
    field. Typing is checked: if a key was lost (the field was rebuilt under the cursor), the
    field is cleared and typed again. On a phone the keyboard is then closed (close_keyboard)."""
    from playwright.sync_api import expect

    field = page.get_by_role("textbox", name=field_name(label))
    for attempt in range(attempts):
        field.click()
        try:
            expect(field).to_be_focused(timeout=3_000)
        except AssertionError:
            # A click while the screen was still being built (a tab just switched) can land
            # before the field takes focus: click again.
            field.click()
            expect(field).to_be_focused()
        clear_focused(page, field)
        page.keyboard.type(text, delay=10)
        try:
            expect(field).to_have_value(text, timeout=5_000)
        except AssertionError:
            if attempt == attempts - 1:
                raise
            continue
        if on_a_touch_screen(page):
            close_keyboard(page, field, text)
        return


def on_a_touch_screen(page) -> bool:
    return bool(page.evaluate("navigator.maxTouchPoints > 0"))


def close_keyboard(page, field, text: str) -> None:
    """On a phone, typing ends with the on-screen keyboard closed (the back gesture): the field
    loses focus and keeps its text. Without this, Flutter under Chromium's touch emulation now
    and then took the next tap elsewhere for closing the keyboard and dropped it (CI lost taps
    on "Unlock", the editor's "Online" and "Add source", each right after typing)."""
    from playwright.sync_api import expect

    page.evaluate("document.activeElement && document.activeElement.blur()")
    expect(field).not_to_be_focused()
    expect(field).to_have_value(text)


def clear_focused(page, field, attempts: int = 5) -> None:
    """Empty the focused text ``field``. Select-all and Delete first; in Chromium that
    sometimes leaves the text (the selection is gone by the time Delete arrives: seen in
    Find's search field, with the old shell too), so then Backspace and Delete, as many times
    as there are characters, until the field says it is empty."""
    from playwright.sync_api import expect

    def emptied() -> bool:
        try:
            expect(field).to_have_value("", timeout=2_000)
            return True
        except AssertionError:
            return False

    for _ in range(attempts):
        if not field.input_value():
            return
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        if emptied():
            return
        # Wherever the caret is (End goes to the visual end of right-to-left text): as many
        # Backspaces and Deletes as there are characters.
        for _ in range(len(field.input_value())):
            page.keyboard.press("Backspace")
            page.keyboard.press("Delete")
        if emptied():
            return
    raise AssertionError(f"the field could not be emptied: {field.input_value()!r}")


def on_a_private_screen(page, asking: str) -> bool:
    """The directory is public: if Find shows instead of ``asking`` (the set-up or unlock
    screen), open the Journal, which asks. Returns whether it went there (and should come back)."""
    from playwright.sync_api import expect

    gate = page.get_by_text(asking)
    expect(gate.or_(page.get_by_text("Find a group", exact=True)).first).to_be_visible(timeout=30_000)
    if gate.first.is_visible():
        return False
    open_destination(page, "Journal")
    expect(gate).to_be_visible(timeout=30_000)
    return True


def set_up_passphrase(page, passphrase: str, screenshot: str | None = None) -> str:
    """The passphrase set-up (asked by a private screen) and the recovery code; returns the code."""
    from playwright.sync_api import expect

    came_from_find = on_a_private_screen(page, "Choose a passphrase")
    type_into(page, "Passphrase", passphrase)
    type_into(page, "Type it again", passphrase)
    if screenshot:
        save_screenshot(page, f"setup-{screenshot}")
    # Once, under CI's load, the click reached the app before the last keystrokes of "Type it
    # again" had (both fields showed the same text, the app said they differ): a known race of
    # typing into the web UI under load (closing note, session 6). Let the screen settle first,
    # and if the app still says they differ while the fields agree, press again, as a person would.
    wait_until_settled(page)
    create = page.get_by_role("button", name="Create passphrase")
    create.click()
    recovery, differ = page.get_by_text("Your recovery code"), page.get_by_text("The two passphrases are different")
    expect(recovery.or_(differ).first).to_be_visible(timeout=KDF_WAIT)
    if not recovery.is_visible() and differ.is_visible():
        wait_until_settled(page)
        create.click()
    expect(recovery).to_be_visible(timeout=KDF_WAIT)
    code = page.locator('[flt-semantics-identifier="recovery-code"]').get_attribute("aria-label") or ""
    if screenshot:
        save_screenshot(page, f"recovery-{screenshot}")
    page.get_by_role("checkbox", name="I have written it down").click()
    page.get_by_role("button", name="Continue").click()
    if came_from_find:
        open_destination(page, "Find")
    return code.replace("Recovery code ", "")


def press_unlock(page) -> None:
    """Tap "Unlock", again if the tap was not heard (click_until_shown). Heard means
    "Unlocking…" shows, or unlocking is done."""
    heard = page.get_by_text("Unlocking…").or_(page.get_by_role("button", name="Lock now", exact=True)).first
    click_until_shown(page, page.get_by_role("button", name="Unlock", exact=True), heard)


def unlock(page, passphrase: str, screenshot: str | None = None) -> None:
    from playwright.sync_api import expect

    came_from_find = on_a_private_screen(page, "Kindred is locked")
    type_into(page, "Passphrase", passphrase)
    if screenshot:
        save_screenshot(page, f"unlock-{screenshot}")
    press_unlock(page)
    # scrypt at Kindred's real cost (the app runs in its own process) takes a while on a busy machine
    expect(page.get_by_text("Kindred is locked")).to_have_count(0, timeout=KDF_WAIT)
    if came_from_find:
        open_destination(page, "Find")


# JavaScript: ``straddles(r, c)`` — box ``r`` at or across an edge of box ``c`` (Flutter reports
# only the slice inside, whose far side then lies on the edge; sideways only a box *across* an
# edge counts: rows often start at a list's left edge); ``clipped(e, r)`` — element ``e``'s box
# ``r`` straddles the edge of a scrolling ancestor (a list, a sheet, a dialog's content).
CLIPPED_JS = """
  const touches = (r, lo, hi, a, b) => (r[lo] < a + 1 && r[hi] > a - 1) || (r[lo] < b + 1 && r[hi] > b - 1);
  const crosses = (r, lo, hi, a, b) => (r[lo] < a - 1 && r[hi] > a + 1) || (r[lo] < b - 1 && r[hi] > b + 1);
  const straddles = (r, c) => touches(r, 'top', 'bottom', c.top, c.bottom) || crosses(r, 'left', 'right', c.left, c.right);
  const clipped = (e, r) => {
    for (let a = e.parentElement; a && a.tagName !== 'FLT-SEMANTICS-HOST'; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
      if (straddles(r, a.getBoundingClientRect())) return true;
    }
    return false;
  };
"""


def small_touch_targets(page, minimum: int = 48) -> list[tuple[str, int]]:
    """Buttons on screen smaller than a thumb-sized target (48 px), with their names.

    Rows cut off by the bottom edge, the navigation bar or a scrolling list's edge are left
    out: Flutter reports only their visible slice. A dropdown's arrow is left out too: its field is the real target.
    """
    sizes = page.evaluate(
        """(() => {
             """ + CLIPPED_JS + """
             const tabs = Array.from(document.querySelectorAll('flt-semantics[role=tab]'));
             // the bottom navigation bar (phones); a destination bar at the top (wide windows) is no lower edge
             const edge = Math.min(window.innerHeight, ...tabs.map(t => t.getBoundingClientRect().top).filter(top => top >= window.innerHeight / 2));
             return Array.from(document.querySelectorAll('flt-semantics[role=button], flt-semantics[role=tab]'))
               .filter(e => e.style.pointerEvents !== 'none')
               .filter(e => !e.parentElement.querySelector(':scope > input'))
               .map(e => [e, e.getBoundingClientRect()])
               .filter(([e, r]) => e.getAttribute('role') === 'tab' || (r.top > 1 && r.bottom < edge - 1))
               // cut by the edge of a scrolling ancestor (the page's list ends a little above the bar)
               .filter(([e, r]) => !clipped(e, r))
               .map(([e, r]) => [(e.getAttribute('aria-label') || e.innerText || '').trim().slice(0, 40),
                                 Math.round(Math.min(r.height, r.width))]);
           })()"""
    )
    return [(name, size) for name, size in sizes if size < minimum]


def visible_band(page) -> tuple[float, float]:
    """The part of the window between the bars where a row can be clicked: below the app bar
    (and, on wide windows, the destination bar under it), above the navigation bar (phones).
    Flutter keeps rows under the bars in the DOM, but they take no click."""
    return tuple(page.evaluate(
        """(() => {
             const middle = window.innerHeight / 2;
             const help = Array.from(document.querySelectorAll('flt-semantics[role=button]'))
               .filter(e => (e.getAttribute('aria-label') || e.innerText || '').trim() === 'Get help now')
               .map(e => e.getBoundingClientRect().bottom)
               .filter(bottom => bottom < middle);
             const tabs = Array.from(document.querySelectorAll('flt-semantics[role=tab]'))
               .map(e => e.getBoundingClientRect());
             const above = tabs.filter(r => r.bottom < middle).map(r => r.bottom);
             const below = tabs.filter(r => r.top >= middle).map(r => r.top);
             return [Math.max(0, ...help, ...above) + 4, Math.min(window.innerHeight, ...below) - 4];
           })()"""
    ))


def reveal(page, locator, attempts: int = 24) -> None:
    """Scroll the screen under the mouse until ``locator`` is whole inside the visible band.

    Flutter draws on a canvas: the DOM's scrolling (and so Playwright's) does not move it, and
    rows scrolled out of view are not in the DOM at all. A row not in the DOM yet is taken to
    be further down. Raises AssertionError when it never comes into view."""
    width = page.viewport_size["width"]
    top = bottom = box = None
    for _ in range(attempts):
        top, bottom = visible_band(page)
        box = locator.first.bounding_box() if locator.count() else None
        if box and box["y"] >= top and box["y"] + box["height"] <= bottom:
            return
        if box is None:
            delta, x = (bottom - top) / 2, width / 2
        elif box["y"] < top:
            delta, x = box["y"] - top - 24, box["x"] + min(box["width"] / 2, 24)
        else:
            delta, x = min(box["y"] + box["height"] - bottom + 24, bottom - top), box["x"] + min(box["width"] / 2, 24)
        page.mouse.move(x, (top + bottom) / 2)
        page.mouse.wheel(0, delta)
        wait_until_settled(page)
    raise AssertionError(f"{locator} never came into view (last box {box}, visible band {top}-{bottom})")


def scroll_into_view(page, locator, attempts: int = 30) -> None:
    """Scroll Flutter's list (the wheel; the DOM does not scroll it) until ``locator`` is on screen."""
    height = page.viewport_size["height"]
    page.mouse.move(180, height // 2)
    for _ in range(attempts):
        box = locator.bounding_box()
        if box and box["y"] >= 0 and box["y"] + box["height"] <= height:
            return
        page.mouse.wheel(0, 300)
        page.evaluate("() => new Promise((r) => requestAnimationFrame(() => r(true)))")
    raise AssertionError("could not scroll the button into view")


def set_up_before_launch(data_dir: Path, passphrase: str) -> Path:
    """A data folder as after the welcome and setting ``passphrase`` (in this process, with the
    tests' cheap key derivation): the app started on it shows Find and unlocks with it."""
    from services.app import open_services

    services = open_services(data_dir)
    services.preferences.mark_welcome_done()
    services.vault.set_up(passphrase)
    services.close()
    return data_dir
