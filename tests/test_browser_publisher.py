"""For organisations, in a real browser: two groups made in the editor, exported and signed,
served on 127.0.0.1, subscribed to from a second data folder, and both found there. Also:
the catalogue's suggestions for the person's place, in Find and in Directory sources."""

import threading

import pytest
from playwright.sync_api import expect

from services import session as sessions
from services.app import open_services
from services.directory.search import SearchQuery
from services.sync.serve import make_server
from tests.app_process import running_app
from tests.browser_support import DESKTOP, PHONE, click_until_shown, open_app, open_destination, reveal, save_screenshot, type_into, unlock, wait_until_settled
from tests.privacy_support import PASSPHRASE

pytestmark = pytest.mark.browser


def shown(page, fragment: str):
    return page.locator(f'[aria-label*="{fragment}"], flt-semantics:has-text("{fragment}")').first


def prepared(data_dir, place: str | None = None):
    services = open_services(data_dir)
    services.preferences.mark_welcome_done()
    opened = sessions.set_up(services, PASSPHRASE)
    if place:
        opened.session.set_place(place)
    services.close()


def fill(page, label: str, text: str) -> None:
    """Rows scrolled out of view are not in the DOM, and rows under the navigation bar take no
    click: scroll the field into the visible band first."""
    reveal(page, page.get_by_role("textbox", name=label))
    type_into(page, label, text)


def add_group(page, name: str, when: str, *, online_url: str | None = None, address: str | None = None,
              screenshot: str | None = None) -> None:
    reveal(page, page.get_by_role("button", name="Add a group"))
    page.get_by_role("button", name="Add a group").click()
    expect(page.get_by_role("button", name="Add a group")).to_have_count(0)  # the form took its place
    wait_until_settled(page)
    fill(page, "Group name", name)
    fill(page, "When", when)
    if screenshot:
        save_screenshot(page, screenshot)
    if online_url:
        online = page.get_by_role("button", name="Online", exact=True)
        reveal(page, online)
        click_until_shown(page, online, page.get_by_role("button", name="Online, selected", exact=True), timeout=5_000)
        wait_until_settled(page)
        fill(page, "Online link", online_url)
    if address:
        fill(page, "Street address", address)
        fill(page, "Town or city", "Philadelphia")
        fill(page, "State or region", "PA")
        fill(page, "Postal code", "19103")
        fill(page, "Country code", "US")
    if screenshot:
        save_screenshot(page, f"{screenshot}-address")
    save = page.get_by_role("button", name="Save group")
    reveal(page, save)
    save.click()
    expect(page.get_by_role("button", name="Add a group").or_(shown(page, "Not saved yet"))).to_be_visible(timeout=20_000)
    expect(page.get_by_role("button", name="Add a group")).to_be_visible()
    expect(shown(page, name)).to_be_visible()


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_editor_export_serve_subscribe_find(browser, data_dir, tmp_path, size, viewport):
    prepared(data_dir, "Philadelphia")
    with running_app(data_dir) as app:
        page = open_app(browser, app.url, viewport)
        # The directory is public and shows first; unlock asks through a private screen.
        expect(page.get_by_text("Find a group", exact=True)).to_be_visible(timeout=60_000)  # a busy machine loads slowly
        unlock(page, PASSPHRASE)
        open_destination(page, "Settings")
        app_log = app.log
        page.get_by_role("button", name="Open the group editor").click()
        expect(page.get_by_text("For organisations").first).to_be_visible()
        wait_until_settled(page)
        # A group with a mistake is refused, with the reason, and nothing is saved.
        page.get_by_role("button", name="Add a group").click()
        wait_until_settled(page)
        fill(page, "Group name", "Half a group")
        fill(page, "When", "someday 7")
        reveal(page, page.get_by_role("button", name="Save group"))
        page.get_by_role("button", name="Save group").click()
        expect(shown(page, "start with a day")).to_be_visible()
        reveal(page, page.get_by_role("button", name="Cancel"))
        page.get_by_role("button", name="Cancel").click()

        try:
            add_group(page, "Grief Support Circle", "tue 19:00-20:30", address="12 River Rd",
                      screenshot=f"organisation-editor-{size}")
        except AssertionError:
            print(app_log())
            raise
        add_group(page, "Anxiety Peer Group", "thu 18:00-19:00", online_url="https://meet.example.org/anxiety")
        save_screenshot(page, f"organisation-{size}")
        page.get_by_role("button", name="Export and sign").click()
        expect(shown(page, "Signed with your key")).to_be_visible(timeout=30_000)
        expect(shown(page, "hsds: accessibility.csv")).to_be_visible()
        expect(shown(page, "not written")).to_have_count(0)
        page.close()

    site = data_dir / "publishing" / "site"
    assert (site / "groups.json.sig").exists() and (site / "meetings.json").exists() and (site / "hsds" / "datapackage.json").exists()
    public_key = (data_dir / "publishing" / "keys" / "publisher.pub").read_text().strip()

    server = make_server(site, port=0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # A second Kindred (its own data folder) subscribes to the served feed in the app, with the
    # publisher's key, and finds both groups.
    second = tmp_path / "second"
    prepared(second)
    try:
        with running_app(second) as other_app:
            page = open_app(browser, other_app.url, viewport)
            expect(page.get_by_text("Find a group", exact=True)).to_be_visible(timeout=60_000)
            unlock(page, PASSPHRASE)  # Settings is behind the lock
            open_destination(page, "Settings")
            page.get_by_role("button", name="Directory sources").click()
            expect(page.get_by_role("textbox", name="Feed address")).to_be_visible()
            wait_until_settled(page)
            fill(page, "Feed address", f"http://127.0.0.1:{server.server_address[1]}/groups.json")
            fill(page, "Publisher key (optional)", public_key)
            fill(page, "Name (optional)", "Riverside")
            add = page.get_by_role("button", name="Add source")
            reveal(page, add)
            add.click()
            expect(shown(page, "2 groups · up to date as of just now")).to_be_visible(timeout=30_000)
            expect(shown(page, "verified · publisher key")).to_be_visible()
            open_destination(page, "Find")
            for name in ("Grief Support Circle", "Anxiety Peer Group"):
                type_into(page, "Search groups", name)  # (into an emptied field)
                expect(shown(page, name)).to_be_visible(timeout=30_000)
            save_screenshot(page, f"organisation-subscribed-{size}")
            page.close()
        other = open_services(second)
        try:
            found = other.directory.search(SearchQuery(limit=50))
            assert {r.name for r in found.results if r.source == "Riverside"} == {"Grief Support Circle", "Anxiety Peer Group"}
            [source] = other.sync.list_sources()
            assert source.verified and source.group_count == 2
        finally:
            other.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_catalogue_suggestions_for_the_persons_place(browser, data_dir, size, viewport):
    prepared(data_dir, "Philadelphia")
    with running_app(data_dir) as app:
        page = open_app(browser, app.url, viewport)
        # The directory is public and shows first; unlock asks through a private screen.
        expect(page.get_by_text("Find a group", exact=True)).to_be_visible(timeout=60_000)  # a busy machine loads slowly
        unlock(page, PASSPHRASE)
        open_destination(page, "Settings")
        page.get_by_role("button", name="Directory sources").click()
        expect(shown(page, "Suggested directories for your place")).to_be_visible(timeout=30_000)
        expect(shown(page, "NA Greater Philadelphia Region")).to_be_visible()
        expect(shown(page, "does not check")).to_be_visible()
        # Every button reads "Subscribe"; a screen reader hears which directory each one is for.
        for name in ("AA Southeastern Pennsylvania Intergroup (SEPIA)", "NA Greater Philadelphia Region",
                     "Online Intergroup of A.A. (OIAA)", "Virtual NA"):
            expect(page.get_by_role("button", name=f"Subscribe to {name}", exact=True)).to_have_count(1)
        expect(page.get_by_role("button", name="Subscribe", exact=True)).to_have_count(0)
        # The catalogue itself, with where Sync now would update it from (no address published yet).
        reveal(page, page.get_by_role("textbox", name="Catalogue address"))
        expect(shown(page, "no published address for catalogue updates yet")).to_be_visible()
        save_screenshot(page, f"catalogue-source-{size}")
        # The tap goes by that accessible name, and still subscribes.
        subscribe = page.get_by_role("button", name="Subscribe to AA Southeastern Pennsylvania Intergroup (SEPIA)", exact=True)
        reveal(page, subscribe)
        save_screenshot(page, f"catalogue-{size}")
        subscribe.click()
        # One tap adds the source; the download needs the network, which the test has not.
        expect(shown(page, "Subscribed")).to_be_visible(timeout=30_000)
        expect(page.get_by_role("button", name="Subscribe to AA Southeastern Pennsylvania Intergroup (SEPIA)", exact=True)).to_have_count(0)
        page.close()
    services = open_services(data_dir)
    try:
        assert [s.name for s in services.sync.list_sources()] == ["AA Southeastern Pennsylvania Intergroup (SEPIA)"]
    finally:
        services.close()
