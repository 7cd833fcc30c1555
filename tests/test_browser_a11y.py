"""Accessibility in the real browser: every screen, at phone and desktop size, through the tree
a screen reader gets (Flutter's semantics DOM): axe-core finds no serious or critical violation,
every control has a name, every target is at least 44 px (all three must hold), and Tab
follows reading order (reported apart while Flutter's positional order around scrolled content
still breaks it: README, Accessibility). Also: Escape closes overlays, the filter sheet leaves "Get help now" usable, and keyboard
focus is drawn with at least 3:1 contrast.

Each screen is reached the way a person reaches it, in a fresh tab, and measured at both sizes
by resizing the window (Flutter lays the app out again). Three tests share the walk."""

from __future__ import annotations

import json
import os
import re
import time
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from tests.a11y_support import axe_problems, measured_focus_ring, focus_order_problems, focus_ring_contrast, small_targets, unnamed_controls
from tests.app_process import running_app
from tests.browser_support import DESKTOP, KDF_WAIT, PHONE, open_app, open_destination, reveal, set_up_before_launch, type_into, unlock, wait_until_settled
from tests.privacy_support import PASSPHRASE

pytestmark = pytest.mark.browser

SIZES = {"phone": PHONE, "desktop": DESKTOP}
ENV = {"LANG": "C.UTF-8", "TZ": "America/New_York"}


class Audit:
    def __init__(self, browser, url: str):
        self.browser = browser
        self.url = url
        self.page = None
        self.size = "phone"
        self.started = time.monotonic()
        self.problems: dict[str, list[str]] = {}
        self.order_problems: dict[str, list[str]] = {}  # Tab order: known open, reported apart
        self.screens: list[str] = []

    def fresh(self, private: bool = False):
        """A new tab at phone size (a new session: private screens unlock first)."""
        if self.page is not None:
            self.page.close()
        # A computer's window at phone size (a phone's browser puts the destinations at the
        # bottom: tests/test_browser_shell.py); the walk is a keyboard's.
        page = self.page = open_app(self.browser, self.url, PHONE, locale="en-US", touch=False)
        self.size = "phone"
        if private:
            unlock(page, PASSPHRASE)
        return page

    def resize(self, size: str) -> None:
        if size != self.size:
            self.page.set_viewport_size(SIZES[size])
            self.size = size
            # The page outlives the resize (on a computer the layout is the same at every width)
            # and keeps where the walk at the last size scrolled it: back to the top, where the
            # walk starts (mouse wheel over the page, as a person would).
            viewport = SIZES[size]
            self.page.mouse.move(viewport["width"] / 2, viewport["height"] / 2)
            for _ in range(3):
                self.page.mouse.wheel(0, -10_000)
                wait_until_settled(self.page)

    def check(self, screen: str, marker, rest: bool = True) -> None:
        """Measure the screen at the current size, then at the other (ending there)."""
        self.screens.append(screen)
        for size in (self.size, "desktop" if self.size == "phone" else "phone"):
            self.resize(size)
            expect(marker(self.page)).to_be_visible()
            self.page.mouse.move(150, 30)  # over the app bar's title: no hover highlight, no tooltip
            wait_until_settled(self.page)
            found = self.measure()
            if found:
                # A problem must still be there once the screen has settled again: Flutter can
                # show a node for a moment mid re-layout (CI: the filter sheet's "Dialog" label
                # with no role, right after the resize), which no person meets.
                wait_until_settled(self.page)
                again = set(self.measure())
                found = [problem for problem in found if problem in again]
            order = focus_order_problems(self.page)
            # Leave no control focused (and so no menu open) for what the test does next.
            # A click on plain text (the app bar's title, or ``rest`` inside an overlay): after
            # Tab, Flutter is in keyboard mode and the next click on a control can go unheard.
            if rest:  # (in an overlay a click outside it would close it: the test closes it with Escape)
                self.page.get_by_role("heading", name="Kindred").click()
            if os.environ.get("KINDRED_A11Y_SHOTS"):
                self.page.screenshot(path=f"{os.environ['KINDRED_A11Y_SHOTS']}/{screen.replace(' ', '-')}-{size}.png")
            if found:
                self.problems[f"{screen} @ {size}"] = found
            if order:
                self.order_problems[f"{screen} @ {size}"] = order
            print(f"{time.monotonic() - self.started:6.1f} s  {screen} @ {size}: {len(found)} problems, "
                  f"{len(order)} in Tab order", flush=True)
            if os.environ.get("KINDRED_A11Y_REPORT"):  # written as it goes, for a person to read
                self.write_report(os.environ["KINDRED_A11Y_REPORT"])

    def measure(self) -> list[str]:
        return [*axe_problems(self.page), *unnamed_controls(self.page), *small_targets(self.page)]

    def write_report(self, path: str) -> None:
        """Added to what the other parts of the walk wrote there (one file for a whole run)."""
        try:
            with open(path) as existing:
                report = json.load(existing)
        except (OSError, ValueError):
            report = {"screens": [], "problems": {}, "order": {}}
        report["screens"] = [*dict.fromkeys([*report["screens"], *self.screens])]
        report["problems"].update(self.problems)
        report["order"].update(self.order_problems)
        with open(path, "w") as out:
            json.dump(report, out, indent=1)

    @staticmethod
    def report(problems: dict[str, list[str]]) -> str:
        return "\n".join(f"{where}:\n  " + "\n  ".join(found) for where, found in problems.items())


def click(page, locator) -> None:
    """Click once nothing on screen moves (a click during a re-layout can land beside it)."""
    wait_until_settled(page)
    locator.click()


def text(value: str, exact: bool = True):
    return lambda page: page.get_by_text(value, exact=exact).first


def button(name, exact: bool = True):
    return lambda page: page.get_by_role("button", name=name, exact=exact).first


def test_focus_ring_and_escape(browser, data_dir):
    """The focus indicator measured on the drawn pixels (axe cannot see the canvas); Escape
    closes the filter sheet; the sheet leaves "Get help now" usable: it opens over the
    sheet, and Escape closes the help first, leaving the sheet."""
    with running_app(data_dir, env=ENV) as app:
        page = open_app(browser, app.url, PHONE, locale="en-US", touch=False)
        expect(page.get_by_text("Welcome to Kindred")).to_be_visible()
        wait_until_settled(page)
        ring = measured_focus_ring(page, "Get started")
        assert ring >= 3.0, f"the focus ring on a button has {ring:.2f}:1 contrast (at least 3:1 needed)"
        page.close()
        page = open_app(browser, app.url, PHONE, locale="en-US", touch=False)
        click(page, page.get_by_role("button", name="Get started"))
        click(page, page.get_by_role("button", name=re.compile(r"^Filters")))
        expect(page.get_by_role("button", name="Done")).to_be_visible()
        wait_until_settled(page)
        page.keyboard.press("Escape")
        expect(page.get_by_role("button", name="Done")).to_have_count(0)
        click(page, page.get_by_role("button", name=re.compile(r"^Filters")))
        click(page, page.get_by_role("button", name="Get help now").last)
        expect(page.get_by_role("button", name="Close help")).to_be_visible()
        wait_until_settled(page)
        page.keyboard.press("Escape")
        expect(page.get_by_role("button", name="Close help")).to_have_count(0)
        expect(page.get_by_role("button", name="Done")).to_be_visible()
        page.close()


@pytest.fixture
def set_up_data_dir(data_dir):
    return set_up_before_launch(data_dir, PASSPHRASE)


@contextmanager
def audited(browser, data_dir):
    """One app server; the walk's measurements; the verdict once every screen is walked.
    The screens are walked in three tests, each with its own server, so that one cannot
    take the others' time (a single walk of all 19 once ran past the 20-minute limit in a
    clean-clone CI run) and a failure names its part. Progress is printed as it goes: a
    failed run's captured output says where the time went."""
    with running_app(data_dir, env=ENV) as app:
        audit = Audit(browser, app.url)
        try:
            yield audit
        except BaseException:
            print(f"--- the app's log, last lines ---\n{tail(app.log_path)}")
            raise
        finally:
            if audit.page is not None:
                audit.page.close()
    assert not audit.problems, (f"accessibility problems on {len(audit.problems)} of {2 * len(audit.screens)} screens:\n"
                                f"{audit.report(audit.problems)}")
    if audit.order_problems:
        # Known and open (README, Accessibility): Flutter orders Tab by position and Flet offers
        # no focus-traversal group, so on a few long pages Tab from the last row wraps to the
        # page's first row, scrolled off the top. (On a computer the destinations stay above
        # the page at every width; a phone's bottom bar, which Tab passed between rows, is for
        # touch.) Everything above (axe, names, sizes) must pass; the order is reported here.
        pytest.xfail(f"Tab order weaves or goes back up on {len(audit.order_problems)} of {2 * len(audit.screens)} "
                     f"screens:\n{audit.report(audit.order_problems)}")


def tail(path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError as problem:
        return f"(not readable: {problem})"


def test_first_run_and_public_screens_at_both_sizes(browser, data_dir):
    """Each screen is reached in a fresh tab (a new session). After Tab has been round a
    screen, Flutter can leave the next click or typing unheard (seen on a busy machine), so
    nothing is done on a screen after its walk."""
    with audited(browser, data_dir) as audit:
        audit.fresh()
        audit.check("welcome", text("Welcome to Kindred"))

        page = audit.fresh()
        click(page, page.get_by_role("button", name="Get started"))
        expect(page.get_by_text("Find a group", exact=True)).to_be_visible()
        open_destination(page, "Journal")  # the journal asks for a passphrase first
        audit.check("set-up", text("Choose a passphrase"))

        page = audit.fresh()
        open_destination(page, "Journal")
        type_into(page, "Passphrase", PASSPHRASE)
        type_into(page, "Type it again", PASSPHRASE)
        click(page, page.get_by_role("button", name="Create passphrase"))
        expect(page.get_by_text("Your recovery code")).to_be_visible(timeout=KDF_WAIT)
        audit.check("recovery code", text("Your recovery code"))

        audit.fresh()
        audit.check("find", text("Find a group"))
        page = audit.fresh()
        open_destination(page, "Journal")
        audit.check("unlock", text("Kindred is locked"))

        page = audit.fresh()
        click(page, page.get_by_role("button", name=re.compile(r"^Filters")))
        audit.check("filters", button("Done"), rest=False)

        page = audit.fresh()
        click(page, page.get_by_role("button", name="Get help now"))
        audit.check("get help now", button("Close help"), rest=False)


def test_group_saved_and_settings_screens_at_both_sizes(browser, set_up_data_dir):
    with audited(browser, set_up_data_dir) as audit:
        page = audit.fresh(private=True)
        griefshare = page.get_by_role("button", name=re.compile(r"^GriefShare\b")).first
        reveal(page, griefshare)
        click(page, griefshare)
        expect(page.get_by_text("Your first time", exact=True)).to_be_visible()
        click(page, page.get_by_role("button", name="Save", exact=True))
        expect(page.get_by_role("button", name="Remove from Saved", exact=True)).to_be_visible()
        audit.check("group details", text("Your first time"))

        page = audit.fresh(private=True)
        open_destination(page, "Saved")
        audit.check("saved", text("Saved groups"))

        page = audit.fresh(private=True)
        open_destination(page, "Settings")
        audit.check("settings", text("Settings"))
        page = audit.fresh(private=True)
        open_destination(page, "Settings")
        click(page, page.get_by_role("button", name="Directory sources"))
        audit.check("directory sources", text("Directory sources", exact=False))
        page = audit.fresh(private=True)
        open_destination(page, "Settings")
        click(page, page.get_by_role("button", name="Open the group editor"))
        audit.check("group editor", text("For organisations", exact=False))


def test_journal_screens_at_both_sizes(browser, set_up_data_dir):
    with audited(browser, set_up_data_dir) as audit:
        page = audit.fresh(private=True)
        open_destination(page, "Journal")
        audit.check("journal check-in", button("Add details"))
        page = audit.fresh(private=True)
        open_destination(page, "Journal")
        click(page, page.get_by_role("button", name=re.compile(r"\bGood\b")).first)
        click(page, page.get_by_role("button", name="Save", exact=True))
        audit.check("journal timeline", text("Today"))
        for link, marker, screen in [
            ("Insights", text("check-in in the last 30 days", exact=False), "insights"),  # loaded, not the spinner
            ("Self-checks", button(re.compile("See my score"), exact=False), "self-checks"),
            ("My safety plan", text("My safety plan"), "safety plan"),
            ("Coping strategies", text("Coping strategies"), "strategies"),
            ("Export, import, reminder", button("Export JSON"), "journal data"),
        ]:
            page = audit.fresh(private=True)
            open_destination(page, "Journal")
            click(page, page.get_by_role("button", name=link, exact=True))
            audit.check(screen, marker)
