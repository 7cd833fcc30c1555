"""The journal screens rendered in-process (tests/ui_harness.py), over a real encrypted store."""

import re
from datetime import datetime, timedelta

import flet as ft

import pytest

from services.journal import Journal, StrategyUse, selfcheck
from services.journal.codec import make_entry
from tests.ui_harness import start_ui

pytestmark = pytest.mark.asyncio
PASSPHRASE = "correct horse battery"


async def settle(ui) -> None:
    """Until the session's work (actions, loads) is done and the tree re-rendered."""
    await ui.settle()


async def open_journal(services, route="/journal", width=390):
    services.preferences.mark_welcome_done()
    if services.vault.is_set_up():
        store = services.vault.unlock(PASSPHRASE)
    else:
        store, _ = services.vault.set_up(PASSPHRASE)
    ui = await start_ui(services, width=width, route=route)
    ui.open_with(store)
    await settle(ui)
    return ui, Journal.for_store(store)


def field(ui, label):
    found = ui.find(ft.TextField, lambda c: c.label == label)
    assert found, f"no field {label!r}"
    return found[0]


async def test_a_locked_session_shows_no_journal_only_the_unlock_screen(services):
    services.preferences.mark_welcome_done()
    store, _code = services.vault.set_up("correct horse battery")
    from services.journal import Journal

    Journal(store).add(mood=2, note="a private note")
    for route in ("/journal", "/journal/insights", "/journal/entry/x", "/journal/data", "/journal/self-check"):
        ui = await start_ui(services, route=route)
        assert ui.has_text("Kindred is locked")
        assert not ui.has_text("a private note")
        assert not ui.has_text("How are you feeling right now?")
    # Public (issue 11, finding 6): what a safety plan is, never the person's own plan.
    from services.journal import safety_plan

    safety_plan.save(Journal(store), {"warning_signs": ["PLAN-CANARY"]})
    ui = await start_ui(services, route="/journal/safety-plan")
    assert ui.has_text(safety_plan.STEPS[0][1]) and not ui.has_text("PLAN-CANARY")
    assert not any("PLAN-CANARY" in (c.value or "") for c in ui.find(ft.TextField))


async def test_a_check_in_in_one_tap_and_save(services):
    ui, journal = await open_journal(services)
    assert ui.has_text("No entries yet")
    await ui.click(ui.labelled("Mood 4 of 5, Good"))
    await ui.click(ui.button("Save"))
    await settle(ui)
    [entry] = journal.all_entries()
    assert entry.mood == 4
    assert ui.has_text("Today") and ui.has_text(f"Good · {entry.at:%H:%M}")


async def test_save_without_a_mood_says_what_is_missing(services):
    ui, journal = await open_journal(services)
    await ui.click(ui.button("Save"))
    await settle(ui)
    assert ui.has_text("Choose how you are feeling first.") and journal.count() == 0


async def test_a_detailed_check_in(services):
    ui, journal = await open_journal(services)
    await ui.click(ui.labelled("Mood 2 of 5, Low"))
    await ui.click(ui.button("Add details"))
    await settle(ui)
    tired = ui.find(ft.Chip, lambda c: c.label.value == "tired")[0]
    await ui.event(tired, "select")
    for label, value in (("Hours slept", "6.5"), ("Note", "Hard day at work"),
                         ("Tags (people, places, activities), separated by commas", "work, #Sam"),
                         ("Support group meeting (optional)", "Tuesday peer group")):
        ui.set(field(ui, label), value=value)
        await ui.event(field(ui, label), "change")
    dropdown = ui.find(ft.Dropdown, lambda c: c.label == "Add a strategy you tried")[0]
    ui.set(dropdown, value="A walk")
    await ui.event(dropdown, "select", "A walk")
    helped = [c for c in ui.find(ft.SegmentedButton) if any(s.value == "a lot" for s in c.segments)][0]
    ui.set(helped, selected=["a lot"])
    await ui.event(helped, "change", ["a lot"])
    await ui.click(ui.button("Save"))
    await settle(ui)
    [entry] = journal.all_entries()
    assert entry.mood == 2 and entry.emotions == ("tired",) and entry.sleep_hours == 6.5
    assert entry.tags == ("work", "Sam") and entry.note == "Hard day at work"
    assert entry.strategies == (StrategyUse("A walk", "a lot"),)
    assert entry.group == "Tuesday peer group" and entry.group_timing == "after"


async def test_a_huge_note_is_refused_clearly_and_the_form_keeps_it(services):
    ui, journal = await open_journal(services)
    await ui.click(ui.labelled("Mood 3 of 5, Okay"))
    await ui.click(ui.button("Add details"))
    await settle(ui)
    ui.set(field(ui, "Note"), value="x" * 25_000)
    await ui.event(field(ui, "Note"), "change")
    await ui.click(ui.button("Save"))
    await settle(ui)
    assert ui.has_text("a note can hold up to 20,000") and journal.count() == 0
    assert len(field(ui, "Note").value) == 25_000


async def test_delete_with_undo_and_edit(services):
    ui, journal = await open_journal(services)
    entry = journal.add(mood=3, note="keep me")
    ui2 = await start_ui(services, route="/journal")
    ui2.open_with(journal.store)
    await settle(ui2)
    await ui2.click(ui2.labelled(f"Delete check-in at {entry.at:%H:%M}"))
    await settle(ui2)
    assert journal.count() == 0
    snack = [d for d in ui2.page._dialogs.controls if isinstance(d, ft.SnackBar)][-1]
    assert snack.action == "Undo"
    await snack.on_action(None)  # what tapping "Undo" runs
    await settle(ui2)
    assert journal.get(entry.id) is not None and ui2.has_text("keep me")

    await ui2.click(ui2.labelled(f"Edit check-in at {entry.at:%H:%M}"))
    await settle(ui2)
    assert ui2.current_route() == f"/journal/entry/{entry.id}"
    await ui2.click(ui2.labelled("Mood 5 of 5, Great"))
    await ui2.click(ui2.button("Save"))
    await settle(ui2)
    assert journal.get(entry.id).mood == 5 and journal.get(entry.id).note == "keep me"


async def test_timeline_pages_and_searches(services):
    ui, journal = await open_journal(services)
    base = datetime.now().astimezone() - timedelta(days=100)
    journal.save_many([
        make_entry(
            id=f"e{i:03}", at=base + timedelta(days=i), mood=i % 5 + 1, note=f"note {i}" + (" lighthouse" if i == 42 else ""))
        for i in range(75)
    ])
    ui = await start_ui(services, route="/journal")
    ui.open_with(journal.store)
    await settle(ui)
    assert ui.has_text("note 74") and not ui.has_text("note 40")
    await ui.click(ui.find(ft.OutlinedButton, lambda c: str(c.content).startswith("Load more"))[0])
    await settle(ui)
    assert ui.has_text("note 40")
    search = field(ui, "Search notes, tags and strategies")
    ui.set(search, value="lighthouse")
    await ui.event(search, "change")
    await settle(ui)
    assert ui.has_text("note 42 lighthouse") and not ui.has_text("note 74")
    assert ui.has_text("1 matching")


async def test_insights_show_charts_and_plain_captions(services):
    ui, journal = await open_journal(services)
    now = datetime.now().astimezone()
    for day in range(20):
        journal.add(mood=day % 5 + 1, at=now - timedelta(days=day), strategies=[StrategyUse("Box breathing", "a little")])
    ui = await start_ui(services, route="/journal/insights")
    ui.open_with(journal.store)
    await settle(ui)
    import flet_charts as fch

    assert ui.find(fch.LineChart) and len(ui.find(fch.BarChart)) == 2
    assert ui.has_text("Mood over time") and ui.has_text("Your year in pixels")
    assert ui.has_text("\"Box breathing\" helped at least a little")
    assert not any("diagnos" in t.lower() and "not a diagnosis" not in t.lower() for t in ui.texts())


async def test_the_year_in_pixels_is_one_picture_per_line_with_a_square_for_every_day(services):
    """Issue #14: the year was 371 controls, most of what Insights sent; now each line of weeks
    is one SVG picture. Every day up to today has its square, in its mood's colour or grey."""
    from services.journal import MOOD_COLORS
    from views.journal.insights import NO_CHECK_IN_GREY

    ui, journal = await open_journal(services)
    now = datetime.now().astimezone()
    for day in range(60):
        journal.add(mood=5 if day % 2 else 1, at=now - timedelta(days=day))
    for width in (390, 1280):
        ui = await start_ui(services, width=width, route="/journal/insights")
        ui.open_with(journal.store)
        await settle(ui)
        pictures = [image.src for image in ui.find(ft.Image)]
        assert len(pictures) == (2 if width == 390 else 1)  # a phone's narrow column: the year on two lines
        squares = re.findall(rb'<rect [^>]*/>', b"".join(pictures))
        today = now.date()
        first_monday = today - timedelta(days=364) - timedelta(days=(today - timedelta(days=364)).weekday())
        assert len(squares) == (today - first_monday).days + 1
        assert sum(MOOD_COLORS[5].encode() in s for s in squares) == 30
        assert sum(MOOD_COLORS[1].encode() in s for s in squares) == 30
        assert sum(NO_CHECK_IN_GREY.encode() in s for s in squares) == len(squares) - 60
        assert len(ui.find(ft.Container)) < 60, "a control per day again?"
        assert ui.find(ft.Semantics, lambda c: (c.label or "").startswith("A calendar of the last year") and "60 days" in c.label)


ANSWERS_PER_QUESTION = 4  # "Not at all (0)" … "Nearly every day (3)"


def answer_rows(ui) -> list:
    """Every answer row on the self-check screen, in order (views/widgets/one_of.py)."""
    return ui.find(ft.Semantics, lambda c: c.button and c.selected is not None and bool(re.search(r"\(\d\)(, selected)?$", c.label or "")))


async def answer(ui, question: int, value: int) -> None:
    """Tap answer ``value`` of question ``question`` (from 0), as a person would."""
    row = answer_rows(ui)[question * ANSWERS_PER_QUESTION + value]
    await ui.click(row.content)
    await settle(ui)


def chosen_answers(ui) -> list[int | None]:
    rows = answer_rows(ui)
    return [next((i for i in range(ANSWERS_PER_QUESTION) if rows[q * ANSWERS_PER_QUESTION + i].selected), None)
            for q in range(len(rows) // ANSWERS_PER_QUESTION)]


async def test_phq9_item_nine_opens_the_crisis_lines_over_the_questionnaire_which_keeps_its_answers(services):
    ui, journal = await open_journal(services, route="/journal/self-check")
    assert ui.has_text("Little interest or pleasure in doing things") and ui.has_text("Pfizer")
    for question in range(3):  # half done: three answers, then item 9
        await answer(ui, question, 2)
    await answer(ui, 8, 1)
    await settle(ui)
    assert ui.state.help_open and ui.has_text("Get help now") and ui.current_route() == "/journal/self-check"
    await ui.click(ui.labelled("Close help"))
    await settle(ui)
    assert chosen_answers(ui)[:9] == [2, 2, 2, None, None, None, None, None, 1]
    assert selfcheck.history(journal, "phq9") == [], "not all answered: nothing scored yet"


async def test_phq9_item_nine_with_every_answer_saves_the_score_before_the_lines_open(services):
    ui, journal = await open_journal(services, route="/journal/self-check")
    for question in range(8):
        await answer(ui, question, 1)
    await answer(ui, 8, 2)
    await settle(ui)
    assert ui.state.help_open
    [kept] = selfcheck.history(journal, "phq9")
    assert kept.score == 10 and kept.answers == (1, 1, 1, 1, 1, 1, 1, 1, 2)
    await ui.click(ui.labelled("Close help"))
    await settle(ui)
    assert ui.has_text("PHQ-9 score 10 of 27") and ui.current_route() == "/journal/self-check"


async def test_a_check_in_draft_survives_get_help_now(services):
    ui, journal = await open_journal(services)
    await ui.click(ui.labelled("Mood 2 of 5, Low"))
    await ui.click(ui.button("Add details"))
    await settle(ui)
    await ui.type("Note", "half a thought")
    await ui.click(ui.button("Get help now"))
    await settle(ui)
    assert ui.has_text("call") and ui.state.help_open
    await ui.click(ui.labelled("Close help"))
    await settle(ui)
    assert ui.field("Note").value == "half a thought"
    await ui.click(ui.button("Save"))
    await settle(ui)
    [entry] = journal.all_entries()
    assert entry.mood == 2 and entry.note == "half a thought"


async def test_a_self_check_is_scored_and_kept(services):
    ui, journal = await open_journal(services, route="/journal/self-check")
    gad = ui.find(ft.SegmentedButton)[0]
    ui.set(gad, selected=["gad7"])
    await ui.event(gad, "change")
    await settle(ui)
    assert ui.has_text("Feeling nervous, anxious or on edge")
    for question in range(7):
        await answer(ui, question, 2)
    await ui.click(ui.button("See my score"))
    await settle(ui)
    assert ui.has_text("GAD-7 score 14 of 21") and ui.has_text("moderate") and ui.has_text("not a diagnosis")


async def test_the_safety_plan_is_reachable_from_help_and_saved(services):
    ui, journal = await open_journal(services, route="/journal")
    await ui.click(ui.button("Get help now"))
    await ui.click(ui.find(ft.OutlinedButton, lambda c: c.content == "My safety plan")[0])
    await settle(ui)
    assert ui.current_route() == "/journal/safety-plan"
    warning = ui.find(ft.TextField, lambda c: (c.hint_text or "").startswith("Thoughts, images"))[0]
    ui.set(warning, value="Not sleeping\nSkipping meals")
    await ui.event(warning, "change")
    await ui.click(ui.button("Save my plan"))
    await settle(ui)
    from services.journal import safety_plan

    assert safety_plan.load(journal).steps["warning_signs"] == ["Not sleeping", "Skipping meals"]


async def test_a_run_of_very_low_moods_offers_help_once(services):
    ui, journal = await open_journal(services)
    now = datetime.now().astimezone()
    for hours in (3, 2, 1):
        journal.add(mood=1, at=now - timedelta(hours=hours))
    ui = await start_ui(services, route="/journal")
    ui.open_with(journal.store)
    await settle(ui)
    assert ui.has_text("Your last few check-ins have been very low")
    await ui.click(ui.button("Not now"))
    await settle(ui)
    assert not ui.has_text("Your last few check-ins have been very low")
    ui = await start_ui(services, route="/journal")
    ui.open_with(journal.store)
    await settle(ui)
    assert not ui.has_text("Your last few check-ins have been very low")


async def test_strategies_favourites_and_own(services):
    ui, journal = await open_journal(services, route="/journal/strategies")
    assert ui.has_text("TIPP (for very intense emotions)")
    await ui.click(ui.labelled("Add A walk to favourites"))
    await settle(ui)
    assert journal.settings().favourites == ("A walk",)
    ui.set(field(ui, "Name"), value="Call my sister")
    await ui.event(field(ui, "Name"), "change")
    ui.set(field(ui, "Learned at (a group, optional)"), value="Tuesday peer group")
    await ui.event(field(ui, "Learned at (a group, optional)"), "change")
    await ui.click(ui.button("Add strategy"))
    await settle(ui)
    assert [s.name for s in journal.own_strategies()] == ["Call my sister"]
    assert ui.has_text("Your own, learned at Tuesday peer group")


async def test_journal_sub_screens_at_desktop_width(services):
    for route in ("/journal", "/journal/insights", "/journal/strategies", "/journal/self-check",
                  "/journal/safety-plan", "/journal/data"):
        ui, _journal = await open_journal(services, route=route, width=1280)
        assert ui.find(ft.NavigationBar)
        assert ui.find(ft.NavigationBar)[0].selected_index == 1, route


async def test_a_half_done_check_in_is_kept_encrypted_across_leaving_and_reopening(services, data_dir):
    """Finding 4 of issue 11: unsaved edits never vanish. The draft is in the store,
    encrypted; saving throws it away; Discard empties the form."""
    from services import drafts

    ui, journal = await open_journal(services)
    await ui.click(ui.labelled("Mood 2 of 5, Low"))
    await ui.click(ui.button("Add details"))
    await settle(ui)
    await ui.type("Note", "DRAFT-CANARY half a thought")
    await settle(ui)
    await ui.navigate("/")  # away to Find, then back
    await settle(ui)
    await ui.navigate("/journal")
    await settle(ui)
    await ui.wait_for(lambda: ui.field("Note").value == "DRAFT-CANARY half a thought")
    assert ui.has_text("Your unsaved check-in from")

    # A reload: a new UI session over the same store brings it back too.
    ui2, _ = await open_journal(services)
    await ui2.wait_for(lambda: bool(ui2.find(ft.TextField, lambda c: c.label == "Note"))
                       and ui2.field("Note").value == "DRAFT-CANARY half a thought")
    assert b"DRAFT-CANARY" not in b"".join(p.read_bytes() for p in data_dir.rglob("*.sqlite*"))

    await ui2.click(ui2.button("Discard"))
    await settle(ui2)
    assert not ui2.find(ft.TextField, lambda c: c.label == "Note") or ui2.field("Note").value == ""
    assert drafts.load(ui2.state.session.store(), "checkin:new") is None

    await ui.type("Note", "second thought")
    await ui.click(ui.labelled("Mood 2 of 5, Low, selected"))
    await settle(ui)
    assert drafts.load(ui.state.session.store(), "checkin:new") is not None
    await ui.click(ui.button("Save"))
    await settle(ui)
    assert [e.note for e in journal.all_entries()] == ["second thought"]
    assert drafts.load(ui.state.session.store(), "checkin:new") is None, "a saved check-in leaves no draft"


async def test_editing_an_entry_without_changes_keeps_no_draft(services):
    from services import drafts

    ui, journal = await open_journal(services)
    entry = journal.add(mood=4, note="kept")
    await ui.navigate(f"/journal/entry/{entry.id}")
    await settle(ui)
    await ui.wait_for(lambda: bool(ui.find(ft.TextField, lambda c: c.label == "Note")))
    await settle(ui)
    assert drafts.names(ui.state.session.store()) == []
    assert not ui.has_text("Your unsaved check-in")


async def test_a_half_written_safety_plan_comes_back_after_leaving(services):
    from services import drafts
    from services.journal import safety_plan

    ui, journal = await open_journal(services, route="/journal/safety-plan")
    warning = ui.find(ft.TextField, lambda c: (c.hint_text or "").startswith("Thoughts, images"))[0]
    ui.set(warning, value="Not sleeping")
    await ui.event(warning, "change")
    await settle(ui)
    await ui.navigate("/journal")
    await settle(ui)
    await ui.navigate("/journal/safety-plan")
    await ui.wait_for(lambda: any(c.value == "Not sleeping" for c in ui.find(ft.TextField)))
    assert ui.has_text("Your unsaved safety plan from")
    assert safety_plan.load(journal).steps.get("warning_signs", []) == [], "kept as a draft, not saved"
    await ui.click(ui.button("Save my plan"))
    await settle(ui)
    assert safety_plan.load(journal).steps["warning_signs"] == ["Not sleeping"]
    assert drafts.names(ui.state.session.store()) == []


async def test_the_strategy_library_and_the_safety_plan_explanation_need_no_passphrase(services):
    """Finding 6 of issue 11: locked (or never set up), both open; keeping something asks."""
    from services.journal import safety_plan
    from services.journal.strategies import library

    services.preferences.mark_welcome_done()
    ui = await start_ui(services, route="/journal/strategies")
    await settle(ui)
    assert not ui.has_text("Choose a passphrase") and not ui.has_text("Kindred is locked")
    first = library()[0]
    assert ui.has_text(first.name) and len(library()) > 5
    await ui.click(ui.labelled(f"Add {first.name} to favourites"))
    await settle(ui)
    assert ui.state.asking_private and "private" in ui.state.asking_private

    ui = await start_ui(services, route="/journal/safety-plan")
    await settle(ui)
    assert not ui.has_text("Choose a passphrase")
    for _key, title, hint in safety_plan.STEPS:
        assert ui.has_text(title) and ui.has_text(hint)
    assert not ui.find(ft.TextField), "nothing to type until it can be kept encrypted"
    await ui.click(ui.button("Write my plan"))
    assert ui.state.asking_private


async def test_the_lock_screen_offers_what_needs_no_passphrase(services):
    services.preferences.mark_welcome_done()
    services.vault.set_up(PASSPHRASE)
    ui = await start_ui(services, route="/journal")
    await settle(ui)
    assert ui.has_text("Kindred is locked")
    await ui.click(ui.button("Coping strategies"))
    await settle(ui)
    assert ui.current_route() == "/journal/strategies" and not ui.has_text("Kindred is locked")


async def test_a_timeline_that_fails_to_load_says_so_and_tries_again(services, monkeypatch):
    """An unexpected failure of the first page (a database error) leaves no spinner forever:
    the screen says so and "Try again" loads it once the cause is gone."""
    import sqlite3

    real_page = Journal.page
    failing = {"on": True}

    def page(self, *args, **kwargs):
        if failing["on"]:
            raise sqlite3.OperationalError("disk I/O error")
        return real_page(self, *args, **kwargs)

    monkeypatch.setattr(Journal, "page", page)
    ui, journal = await open_journal(services)
    assert ui.has_text("Your check-ins could not be shown just now")
    assert not ui.has_text("No entries yet")
    failing["on"] = False
    await ui.click(ui.button("Try again"))
    await settle(ui)
    assert ui.has_text("No entries yet")
    assert not ui.has_text("Your check-ins could not be shown just now")
