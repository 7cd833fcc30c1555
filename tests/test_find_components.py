"""Find, group details, Saved, "help me choose" and the finding settings, rendered in-process
(tests/ui_harness.py) with real events."""

from __future__ import annotations


import flet as ft
import pytest

from services import finding
from services.directory.search import SearchQuery
from services.privacy import settings as private_settings
from services.saved import SavedGroups
from tests.find_support import HOSTILE_ID, IN_PERSON_ID, ONLINE_GRIEF_ID, import_local
from tests.ui_harness import start_ui, wait_until
from views.find.common import details_route, group_id_from_route, route_id
from views.find.search import SearchRunner, active_filters, remove_filter

PASSPHRASE = "correct horse battery"


@pytest.fixture(autouse=True)
def _person_in_new_york(monkeypatch):
    # The person's zone (services.directory.service.local_zone_name reads $TZ).
    monkeypatch.setenv("TZ", "America/New_York")


@pytest.fixture
def local_services(services, tmp_path):
    import_local(services, tmp_path)
    services.preferences.mark_welcome_done()
    return services


async def wait_for(ui, predicate):
    """Until ``predicate()`` holds (searches run in their own debounced tasks)."""
    await ui.wait_for(predicate)


def inside(control) -> list:
    """Every control under ``control`` (content, controls, and components' rendered bodies)."""
    found, stack = [], [control]
    while stack:
        current = stack.pop()
        found.append(current)
        for name in ("content", "controls", "_b"):
            value = getattr(current, name, None)
            if isinstance(value, list):
                stack.extend(v for v in value if hasattr(v, "_i"))
            elif hasattr(value, "_i"):
                stack.append(value)
    return found


def card_of(ui, group_id: str) -> list:
    cards = ui.find(ft.Card, lambda c: c.key == group_id)
    assert cards, f"no card for {group_id}"
    return inside(cards[0])


def test_route_ids_survive_any_characters():
    for group_id in ("bundled/griefshare", "a~b/c d%2F", "x/ü/ñ?#"):
        segment = route_id(group_id)
        assert "/" not in segment and "%" not in segment and "?" not in segment and "#" not in segment
        assert group_id_from_route(segment) == group_id


@pytest.mark.asyncio
async def test_search_runner_debounces_and_drops_stale_answers():
    calls = []
    shown = []
    release = {}

    def search(query):
        calls.append(query.text)
        if query.text == "slow":
            release["event"].wait(5)
        return query.text

    import threading

    release["event"] = threading.Event()
    runner = SearchRunner(search, lambda q, page, append: shown.append(page), lambda e: shown.append(e), delay=0.05)
    # Typing fast: only the last text is searched.
    for text in ("g", "gr", "gri", "grief"):
        runner.request(SearchQuery(text=text))
    await runner.wait()
    assert calls == ["grief"] and shown == ["grief"]

    # A slow search overtaken by a newer one: its answer is dropped, never shown.
    runner.request(SearchQuery(text="slow"), immediate=True)
    await wait_until(lambda: calls[-1:] == ["slow"])  # the slow search is running
    runner.request(SearchQuery(text="fast"), immediate=True)
    await wait_until(lambda: "fast" in shown)
    assert shown == ["grief", "fast"], "the newer answer shows while the older search still runs"
    release["event"].set()
    await runner.wait()
    assert shown == ["grief", "fast"] and runner.discarded == 1


def test_active_filters_are_words_and_each_removes_alone():
    query = SearchQuery(topics=("grief_and_loss", "anxiety"), attendance="online", cost=("free",), days=(1,), within_km=16.09344,
                        show_closed=False)
    chips = dict(active_filters(query, "mi"))
    assert chips == {"topic:grief_and_loss": "Grief and loss", "topic:anxiety": "Anxiety", "attendance": "Online",
                     "cost:free": "Free", "day:1": "Tuesday", "within_km": "Within 10 mi", "show_closed": "Open groups only"}
    assert remove_filter(query, "topic:anxiety").topics == ("grief_and_loss",)
    assert remove_filter(query, "attendance").attendance is None
    assert remove_filter(query, "day:1").days == ()
    assert remove_filter(query, "show_closed").show_closed is True


@pytest.mark.asyncio
async def test_find_searches_as_you_type_filters_and_opens_a_group(local_services):
    ui = await start_ui(local_services, passphrase=PASSPHRASE)
    await wait_for(ui, lambda: ui.has_text("GriefShare") and ui.has_text("Evening Grief Circle"))
    await ui.type("Search groups", "grief")
    await wait_for(ui, lambda: not ui.has_text("Anxiety Support Philadelphia"))
    assert ui.has_text("GriefShare") and ui.has_text("2 groups")
    # GriefShare has no fixed time: the card says where to look instead of inventing one.
    assert ui.has_text("Times vary — see the organisation")
    assert any(t.startswith("Next: Tue ") for t in ui.texts())

    # The filter sheet: "Online" applies at once and shows as a removable chip.
    await ui.click(ui.button("Filters"))
    online = ui.find(ft.Chip, lambda c: getattr(c.label, "value", None) == "Online")[0]
    await ui.event(online, "select", True)
    await wait_for(ui, lambda: any(b.content == "Filters (1)" for b in ui.find(ft.OutlinedButton)))
    active = [c for c in ui.find(ft.Chip) if c.on_delete is not None]
    assert [c.label.value for c in active] == ["Online"]
    await ui.event(active[0], "delete")
    await wait_for(ui, lambda: not [c for c in ui.find(ft.Chip) if c.on_delete is not None])

    # No results: kind words, and where else to look.
    await ui.type("Search groups", "zzzzqqq")
    await wait_for(ui, lambda: ui.has_text("No groups match yet"))
    await wait_for(ui, lambda: ui.has_text("Where else to look") and ui.has_text("Ask your health provider"))

    # Save from the card.
    await ui.type("Search groups", "grief")
    await wait_for(ui, lambda: ui.has_text("Evening Grief Circle"))
    await ui.click(ui.labelled("Save Evening Grief Circle"))
    await wait_for(ui, lambda: SavedGroups(ui.state.session.store()).get(ONLINE_GRIEF_ID) is not None)
    saved = SavedGroups(ui.state.session.store()).get(ONLINE_GRIEF_ID)
    assert saved.details["name"] == "Evening Grief Circle"


@pytest.mark.asyncio
async def test_group_details_show_everything_and_only_safe_links(local_services):
    ui = await start_ui(local_services, passphrase=PASSPHRASE, route=details_route(IN_PERSON_ID))
    await wait_for(ui, lambda: ui.has_text("Anxiety Support Philadelphia"))
    for fragment in ("Every 2 weeks on Thursday 18:00–19:30 (America/New_York)", "Next dates", "Community Library",
                     "Licensed clinical social worker (LCSW)", "Your first time", "A trained facilitator leads",
                     "From local · updated 1 Oct 2026."):
        assert ui.has_text(fragment), fragment
    assert [b for b in ui.find(ft.OutlinedButton) if b.content == "Report a problem"]
    directions = [b for b in ui.find(ft.OutlinedButton) if b.content == "Directions"][0]
    assert directions.url.startswith("https://www.google.com/maps/dir/?api=1&destination=39.95")
    assert len([t for t in ui.texts() if t.startswith("• ")]) == 3

    ui = await start_ui(local_services, passphrase=PASSPHRASE, route=details_route(HOSTILE_ID))
    await wait_for(ui, lambda: ui.has_text("Hostile Links Group"))
    urls = [c.url for c in ui.controls() if not isinstance(c, ft.Page) and getattr(c, "url", None)]
    assert urls == [], urls
    assert ui.has_text("javascript:alert(1) (not a web, phone or e-mail link, so Kindred won't open it)")
    assert ui.has_text("file:///etc/passwd (not a web, phone or e-mail link")
    assert ui.has_text("data:text/html,<b>x</b> (not a web, phone or e-mail link")

    ui = await start_ui(local_services, passphrase=PASSPHRASE, route=details_route(ONLINE_GRIEF_ID))
    await wait_for(ui, lambda: ui.has_text("Evening Grief Circle"))
    join = [b for b in ui.find(ft.OutlinedButton) if b.content == "Join online"][0]
    assert join.url == "https://example.org/join/grief"
    call = [b for b in ui.find(ft.OutlinedButton) if str(b.content).startswith("Call in")][0]
    assert call.url == "tel:+12155550100"
    await ui.click([b for b in ui.find(ft.FilledButton) if b.content == "Save"][0])
    await wait_for(ui, lambda: SavedGroups(ui.state.session.store()).get(ONLINE_GRIEF_ID) is not None)
    copied = {}
    ui.connection.client_methods["set"] = lambda args: copied.update(args) or None
    await ui.click(ui.button("Share"))
    await wait_for(ui, lambda: bool(copied))
    assert "Evening Grief Circle" in copied["data"] and "https://example.org/join/grief" in copied["data"]


@pytest.mark.asyncio
async def test_saved_lists_by_next_meeting_with_notes_visits_and_calendar(local_services):
    store = local_services.vault.unlock(PASSPHRASE) if local_services.vault.is_set_up() else None
    ui = await start_ui(local_services, passphrase=PASSPHRASE, route="/saved")
    await wait_for(ui, lambda: ui.has_text("No saved groups yet"))
    saved = SavedGroups(ui.state.session.store())
    from services.saved import group_snapshot

    for group_id in ("bundled/griefshare", ONLINE_GRIEF_ID, IN_PERSON_ID):
        saved.save(group_id, group_snapshot(local_services, group_id))
    saved.save("gone/old-group", {"name": "Old Tuesday group", "attendance": "online", "leadership": "peer",
                                  "schedule": [{"kind": "weekly", "weekday": 1, "start": "18:00:00", "timezone": "Europe/London"}]})
    del store
    ui = await start_ui(local_services, passphrase=PASSPHRASE, route="/saved")
    await wait_for(ui, lambda: ui.has_text("Old Tuesday group"))
    names = [t for t in ui.texts() if t in ("GriefShare", "Evening Grief Circle", "Anxiety Support Philadelphia", "Old Tuesday group")]
    assert names[-1] == "GriefShare", "a group with no fixed time comes last"
    assert ui.has_text("No longer listed")

    card = card_of(ui, ONLINE_GRIEF_ID)
    note = [c for c in card if isinstance(c, ft.TextField) and getattr(c.label, "value", c.label) == "Things I want to bring up"][0]
    ui.set(note, value="ask about the online etiquette")
    await ui.event(note, "change", "ask about the online etiquette")
    card = card_of(ui, ONLINE_GRIEF_ID)
    await ui.click([b for b in card if isinstance(b, ft.FilledTonalButton) and b.content == "Save note"][0])
    await wait_for(ui, lambda: SavedGroups(ui.state.session.store()).get(ONLINE_GRIEF_ID).note == "ask about the online etiquette")

    went = [b for b in card_of(ui, ONLINE_GRIEF_ID) if isinstance(b, ft.OutlinedButton) and b.content == "I went today"][0]
    await ui.click(went)
    await wait_for(ui, lambda: len(SavedGroups(ui.state.session.store()).get(ONLINE_GRIEF_ID).attended) == 1)
    await wait_for(ui, lambda: ui.has_text("You went once; last on"))

    files = {}
    ui.connection.client_methods["save_file"] = lambda args: files.update(args) or None
    calendar_buttons = [b for b in ui.find(ft.TextButton) if b.content == "Add to calendar"]
    assert len(calendar_buttons) == 3, "GriefShare has no time to add"
    await ui.click([b for b in card_of(ui, ONLINE_GRIEF_ID) if isinstance(b, ft.TextButton) and b.content == "Add to calendar"][0])
    await wait_for(ui, lambda: bool(files))
    data = files["src_bytes"].decode()
    assert files["file_name"] == "evening-grief-circle.ics"
    assert "DTSTART;TZID=America/New_York:" in data and "RRULE:FREQ=WEEKLY;BYDAY=TU" in data and "BEGIN:VALARM" in data
    assert "online etiquette" not in data, "notes never go into a calendar file"


@pytest.mark.asyncio
async def test_my_place_is_private_and_a_bad_place_says_so(local_services):
    ui = await start_ui(local_services, passphrase=PASSPHRASE, route="/settings")
    await wait_for(ui, lambda: ui.has_text("Finding groups"))
    await ui.type("My place (city or ZIP code)", "Nowheresville Xyz")
    await ui.click(ui.button("Save place"))
    await wait_for(ui, lambda: ui.field("My place (city or ZIP code)").error is not None)
    field = ui.field("My place (city or ZIP code)")
    assert field.error == "We couldn't find that place; try a city or ZIP code." and field.value == "Nowheresville Xyz"

    await ui.type("My place (city or ZIP code)", "19103")
    await ui.click(ui.button("Save place"))
    await wait_for(ui, lambda: ui.has_text("Using: Philadelphia, Pennsylvania, US (ZIP 19103)"))
    stored = private_settings.get(ui.state.session.store(), "find_place")
    assert stored["text"] == "19103"
    raw = (local_services.data_dir / "private.sqlite").read_bytes()
    assert b"19103" not in raw, "the place is encrypted at rest"

    prefs = finding.set_hour24(ui.state.session.store(), False)
    finding.set_distance_unit(ui.state.session.store(), "mi")
    assert prefs.hour24 is False and finding.load(ui.state.session.store()).place.kind == "zip"

    ui = await start_ui(local_services, passphrase=PASSPHRASE, route="/")
    await wait_for(ui, lambda: ui.has_text("Anxiety Support Philadelphia"))
    await wait_for(ui, lambda: any("away" in t for t in ui.texts()))
    assert any(t.startswith("Philadelphia · ") and t.endswith("mi away") for t in ui.texts()), ui.texts()
    assert any(t.startswith("Next: Tue ") and ("PM" in t or "AM" in t) for t in ui.texts())


@pytest.mark.asyncio
async def test_help_me_choose_ends_in_a_ranked_list_and_keeps_answers_private(local_services):
    ui = await start_ui(local_services, passphrase=PASSPHRASE, route="/find/choose")
    await wait_for(ui, lambda: ui.has_text("What would you like support with?"))
    grief = ui.find(ft.Chip, lambda c: getattr(c.label, "value", None) == "Grief and loss")[0]
    await ui.event(grief, "select", True)
    await ui.click([b for b in ui.find(ft.FilledButton) if b.content == "Next"][0])
    online = ui.find(ft.Chip, lambda c: getattr(c.label, "value", None) == "Online")[0]
    await ui.event(online, "select", True)
    await ui.click(ui.button("Skip to the results"))
    await wait_for(ui, lambda: ui.has_text("Best fits first"))
    assert ui.has_text("1. Evening Grief Circle")
    assert ui.has_text("For grief and loss and online, as you wanted.")
    answers = private_settings.get(ui.state.session.store(), "choose_answers")
    assert answers["topics"] == ["grief_and_loss"] and answers["attendance"] == "online"


@pytest.mark.asyncio
async def test_find_keeps_words_filters_and_sort_across_a_group_tabs_and_the_address(local_services):
    ui = await start_ui(local_services, passphrase=PASSPHRASE)
    await wait_for(ui, lambda: ui.has_text("GriefShare"))
    await ui.type("Search groups", "grief")
    await ui.click(ui.button("Filters"))
    online = ui.find(ft.Chip, lambda c: getattr(c.label, "value", None) == "Online")[0]
    await ui.event(online, "select", True)
    await ui.click([b for b in ui.find(ft.FilledButton) if b.content == "Done"][0])
    sort = ui.find(ft.Dropdown, lambda c: c.label == "Sort")[0]
    ui.set(sort, value="soonest")
    await ui.event(sort, "select", "soonest")
    await ui.wait_for(lambda: ui.current_route() == "/?q=grief&meets=online&sort=soonest", what=f"route {ui.current_route()}")
    await wait_for(ui, lambda: ui.has_text("Evening Grief Circle") and not ui.has_text("Anxiety Support Philadelphia"))

    # A group, then "Back to results": the same search, not a new one.
    await ui.navigate(details_route(ONLINE_GRIEF_ID))
    await wait_for(ui, lambda: ui.has_text("Your first time"))
    searches = ui.state.find._runner.generation
    await ui.click(ui.labelled("Back to results"))
    await wait_for(ui, lambda: ui.current_route() == "/?q=grief&meets=online&sort=soonest")
    await ui.settle()
    assert ui.field("Search groups").value == "grief"
    assert ui.find(ft.Dropdown, lambda c: c.label == "Sort")[0].value == "soonest"
    assert any(b.content == "Filters (1)" for b in ui.find(ft.OutlinedButton))
    assert ui.state.find._runner.generation == searches, "the kept results are shown, not searched again"

    # Another tab and back through the navigation bar.
    bar = ui.find(ft.NavigationBar)[0]
    ui.set(bar, selected_index=3)
    await ui.event(bar, "change", "3")
    await wait_for(ui, lambda: ui.current_route() == "/settings")
    bar = ui.find(ft.NavigationBar)[0]
    ui.set(bar, selected_index=0)
    await ui.event(bar, "change", "0")
    await wait_for(ui, lambda: ui.current_route() == "/?q=grief&meets=online&sort=soonest")
    assert ui.field("Search groups").value == "grief"

    # A shared link (a new tab) shows the same search.
    other = await start_ui(local_services, route="/?q=grief&meets=online&sort=soonest", passphrase=PASSPHRASE)
    await wait_for(other, lambda: other.has_text("Evening Grief Circle"))
    assert other.field("Search groups").value == "grief" and not other.has_text("Anxiety Support Philadelphia")
    assert other.find(ft.Dropdown, lambda c: c.label == "Sort")[0].value == "soonest"


@pytest.mark.asyncio
async def test_a_search_finishing_while_a_group_is_open_leaves_the_person_on_the_group(local_services):
    """Typing, then opening a card before the search answers (a slow machine, a card from the
    words typed so far): the answer is kept for "Back to results", and the group stays open."""
    import threading

    ui = await start_ui(local_services, passphrase=PASSPHRASE)
    await wait_for(ui, lambda: ui.has_text("GriefShare"))
    runner = ui.state.find._runner
    started, release = threading.Event(), threading.Event()
    search = runner.search

    def slow_search(query):
        started.set()
        release.wait(10)
        return search(query)

    runner.search = slow_search
    await ui.type("Search groups", "grief")
    await ui.wait_for(started.is_set, what="the search started")
    await ui.navigate(details_route(ONLINE_GRIEF_ID))
    await wait_for(ui, lambda: ui.has_text("Your first time"))
    release.set()
    await runner.wait()
    await ui.settle()
    assert ui.current_route() == details_route(ONLINE_GRIEF_ID), "the answer took the person off the group"
    assert ui.has_text("Your first time")
    await ui.click(ui.labelled("Back to results"))
    await wait_for(ui, lambda: ui.current_route() == "/?q=grief")
    await wait_for(ui, lambda: ui.has_text("2 groups") and not ui.has_text("Anxiety Support Philadelphia"))


@pytest.mark.asyncio
async def test_i_went_today_on_a_group_another_tab_removed_says_so_and_refreshes(local_services):
    ui = await start_ui(local_services, passphrase=PASSPHRASE, route="/saved")
    ui.state.session.save_group(ONLINE_GRIEF_ID)
    await wait_for(ui, lambda: ui.has_text("Evening Grief Circle"))
    # Another tab removes it.
    other = local_services.vault.unlock(PASSPHRASE)
    SavedGroups(other).unsave(ONLINE_GRIEF_ID)
    await ui.click(ui.button("I went today"))
    await ui.settle()
    assert any("no longer in your saved groups" in t for t in ui.texts()), ui.texts()
    await wait_for(ui, lambda: ui.has_text("No saved groups yet"))
    assert SavedGroups(other).get(ONLINE_GRIEF_ID) is None, "nothing was brought back by the stale card"


@pytest.mark.asyncio
async def test_a_newcomer_searches_without_a_passphrase_and_the_first_save_asks_for_set_up(local_services):
    assert not local_services.vault.is_set_up()
    ui = await start_ui(local_services)
    await wait_for(ui, lambda: ui.has_text("Evening Grief Circle"))
    assert not ui.has_text("Choose a passphrase") and not ui.find(ft.Semantics, lambda c: c.label == "Lock now")
    await ui.click(ui.labelled("Save Evening Grief Circle"))
    await wait_for(ui, lambda: ui.has_text("Keep your saved groups private") and ui.has_text("Choose a passphrase"))
    assert any("encrypted on this device" in t for t in ui.texts())
    await ui.type("Passphrase", PASSPHRASE)
    await ui.type("Type it again", PASSPHRASE)
    await ui.click(ui.button("Create passphrase"))
    await wait_for(ui, lambda: ui.has_text("Your recovery code"))
    await wait_for(ui, lambda: ui.state.session is not None and ONLINE_GRIEF_ID in ui.state.saved.ids)
    assert SavedGroups(ui.state.session.store()).get(ONLINE_GRIEF_ID).details["name"] == "Evening Grief Circle"


@pytest.mark.asyncio
async def test_an_unsaved_note_on_saved_comes_back_and_discard_throws_it_away(local_services):
    from services import drafts
    from services.saved import group_snapshot

    ui = await start_ui(local_services, passphrase=PASSPHRASE, route="/saved")
    SavedGroups(ui.state.session.store()).save(ONLINE_GRIEF_ID, group_snapshot(local_services, ONLINE_GRIEF_ID),
                                               note="first")
    ui = await start_ui(local_services, passphrase=PASSPHRASE, route="/saved")

    def note_field():
        cards = ui.find(ft.Card, lambda c: c.key == ONLINE_GRIEF_ID)
        found = [c for c in inside(cards[0]) if isinstance(c, ft.TextField)] if cards else []
        return found[0] if found else None

    await wait_for(ui, lambda: note_field() is not None)
    ui.set(note_field(), value="first, and ask about parking")
    await ui.event(note_field(), "change", "first, and ask about parking")
    await ui.settle()
    await ui.navigate("/")
    await ui.settle()
    await ui.navigate("/saved")
    await wait_for(ui, lambda: note_field() is not None and note_field().value == "first, and ask about parking")
    assert ui.has_text("Your unsaved note from")
    assert SavedGroups(ui.state.session.store()).get(ONLINE_GRIEF_ID).note == "first"
    await ui.click(ui.button("Discard"))
    await ui.settle()
    assert note_field().value == "first"
    assert drafts.names(ui.state.session.store()) == []


@pytest.mark.asyncio
async def test_escape_closes_a_modal_dialog_and_leaves_the_others_to_flutter(local_services):
    """Flutter closes a dismissible sheet or dialog on Escape itself (the browser test checks
    the filter sheet and the help); a modal one is closed here, with its dismiss handler."""
    from views.overlays import close_top_overlay

    ui = await start_ui(local_services)
    await wait_for(ui, lambda: ui.has_text("GriefShare"))
    sheets = lambda: [s for s in ui.find(ft.BottomSheet) if s.open]  # noqa: E731
    await ui.click(ui.button("Filters"))
    await wait_for(ui, lambda: bool(sheets()))
    assert not await close_top_overlay(ui.page), "a dismissible sheet is Flutter's to close"
    dismissed = []
    ui.page.show_dialog(ft.AlertDialog(modal=True, title=ft.Text("Change passphrase"), on_dismiss=lambda _e: dismissed.append(1)))
    await ui.settle()
    assert await close_top_overlay(ui.page)
    await wait_for(ui, lambda: dismissed == [1])
    assert sheets(), "only the top overlay closes"


@pytest.mark.asyncio
async def test_the_address_waits_while_the_search_field_has_the_focus(local_services):
    """In a browser, a change of address while the person types made it drop the keys that
    followed: while the field has the focus the address waits, and follows when it is left
    or a result is opened. A field that left the screen focused does not hold it up later."""
    ui = await start_ui(local_services, passphrase=PASSPHRASE)
    await ui.settle()
    await ui.event(ui.field("Search groups"), "focus")
    await ui.type("Search groups", "grief")
    await ui.wait_for(lambda: ui.state.find.applied == "q=grief", what="the answer")
    await ui.settle()
    assert ui.current_route() == "/", "the address changed under the typing"
    await ui.event(ui.field("Search groups"), "blur")
    await ui.wait_for(lambda: ui.current_route() == "/?q=grief", what=f"the address, now {ui.current_route()}")

    # Focused again, then Find leaves the screen without a "blur" (browser back while typing).
    await ui.event(ui.field("Search groups"), "focus")
    await ui.navigate("/saved")
    await ui.navigate("/?q=grief")
    await ui.wait_for(lambda: ui.has_text("Find a group"), what="Find again")
    await ui.type("Search groups", "anxiety")  # (no focus event: typed by a test, not a person)
    await ui.wait_for(lambda: ui.current_route() == "/?q=anxiety", what=f"the address, now {ui.current_route()}")
