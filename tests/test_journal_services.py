"""The journal services over a real encrypted store in a temporary folder."""

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from services.journal import Journal, JournalError, StrategyUse, TimelineQuery
from services.journal import exchange, insights, reminder, safety_plan, selfcheck, strategies
from services.models import PrivateRecord

TZ = timezone(timedelta(hours=-5))


@pytest.fixture
def store(services):
    store, _code = services.vault.set_up("correct horse battery")
    return store


@pytest.fixture
def journal(store):
    return Journal(store)


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 3, 1, hour, tzinfo=TZ) + timedelta(days=day)


def test_a_check_in_is_stored_encrypted_and_read_back(journal, services):
    entry = journal.add(mood=2, note="Tired after work; rang Sam", tags=["work", "Sam"],
                        strategies=[StrategyUse("A walk", "a lot")], energy=2, anxiety=4, sleep_hours="6.5",
                        emotions=["tired", "Anxious"], group="Tuesday peer group", group_timing="after")
    again = Journal(journal.store).get(entry.id)
    assert again == entry
    assert again.emotions == ("tired", "anxious") and again.sleep_hours == 6.5
    with services.private_db.transaction() as session:
        blobs = [row.ciphertext for row in session.scalars(select(PrivateRecord))]
    assert blobs and all(b"rang Sam" not in blob and b"work" not in blob for blob in blobs)


def test_the_shortest_check_in_is_just_a_mood(journal):
    entry = journal.add(mood=4)
    assert entry.mood == 4 and entry.note == "" and entry.at.tzinfo is not None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"mood": 0}, "mood from 1 to 5"),
        ({"mood": 6}, "mood from 1 to 5"),
        ({"mood": 3, "energy": 9}, "Energy is a number"),
        ({"mood": 3, "sleep_hours": "lots"}, "Hours slept"),
        ({"mood": 3, "sleep_hours": 30}, "between 0 and 24"),
        ({"mood": 3, "strategies": [StrategyUse("Walk", "maybe")]}, "Did it help"),
        ({"mood": 3, "note": "x" * 20_001}, "Nothing was saved"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_kept(journal, fields, message):
    with pytest.raises(JournalError, match=message):
        journal.add(**fields)
    assert journal.count() == 0


def test_a_long_note_up_to_the_limit_is_kept_whole(journal):
    note = "word " * 3999
    entry = journal.add(mood=3, note=note)
    assert journal.get(entry.id).note == note.strip()


def test_edit_delete_and_undo(journal):
    entry = journal.add(mood=2, note="first")
    edited = journal.update(entry.id, mood=3, note="changed my mind")
    assert journal.get(entry.id).mood == 3 and edited.at == entry.at
    journal.all_entries()  # warm the cache so that it must be kept right
    removed = journal.delete(entry.id)
    assert journal.count() == 0 and journal.page().total == 0
    journal.save(removed)  # undo
    assert journal.get(entry.id) == edited
    assert [e.id for e in journal.all_entries()] == [entry.id]


def test_timeline_is_newest_first_paged_searchable_and_filterable(journal):
    for day in range(40):
        journal.add(mood=day % 5 + 1, at=at(day), tags=["park"] if day % 4 == 0 else ["home"],
                    note=f"day {day}" + (" saw Alex" if day == 17 else ""),
                    strategies=[StrategyUse("Box breathing", "a little")] if day % 3 == 0 else [],
                    group="Grief circle" if day % 7 == 0 else None)
    first = Journal(journal.store).page(limit=10)  # cold: only the page is decrypted
    assert [e.note for e in first.entries][:2] == ["day 39", "day 38"] and first.total == 40 and first.has_more
    second = journal.page(offset=10, limit=10)
    assert second.entries[0].note == "day 29"
    assert [e.note for e in journal.page(TimelineQuery(text="alex")).entries] == ["day 17 saw Alex"]
    assert journal.page(TimelineQuery(tag="PARK")).total == 10
    assert journal.page(TimelineQuery(strategy="box breathing")).total == 14
    assert journal.page(TimelineQuery(group="grief circle")).total == 6
    assert all(e.mood == 5 for e in journal.page(TimelineQuery(mood=5)).entries)
    jumped = journal.page(TimelineQuery(on_or_before=at(10).date()), limit=3)
    assert [e.note for e in jumped.entries] == ["day 10", "day 9", "day 8"] and jumped.total == 11
    vocab = journal.vocabulary()
    assert vocab["tags"] == ["home", "park"] and vocab["strategies"] == ["Box breathing"]


def test_the_cache_belongs_to_the_store_and_is_dropped_when_locked(store):
    journal = Journal.for_store(store)
    assert Journal.for_store(store) is journal
    journal.add(mood=3)
    assert len(journal.all_entries()) == 1
    store.lock()
    with pytest.raises(Exception):
        journal.all_entries()
    assert journal._entries is None


def test_settings_rename_moods_and_favourites(journal):
    journal.rename_mood(1, "Rough")
    assert journal.settings().label(1) == "Rough" and journal.settings().label(5) == "Great"
    journal.toggle_favourite("A walk")
    names = [s.name for s in strategies.all_strategies(journal)]
    assert names[0] == "A walk"
    journal.add_own_strategy("Call my sister", "Just to hear her voice", learned_at="Tuesday peer group")
    ordered = strategies.all_strategies(journal)
    assert [s.name for s in ordered[:2]] == ["A walk", "Call my sister"] and ordered[1].own
    assert ordered[1].learned_at == "Tuesday peer group"
    with pytest.raises(JournalError):
        journal.rename_mood(2, "x" * 41)


def test_the_library_has_every_strategy_and_tipp_has_its_caution():
    names = {s.name for s in strategies.library()}
    for expected in ("Paced breathing", "Box breathing", "5-4-3-2-1 grounding", "Behavioural activation", "Opposite action",
                     "Reaching out to someone", "A walk", "Progressive muscle relaxation", "Thought record", "Self-soothing"):
        assert expected in names
    tipp = next(s for s in strategies.library() if s.id == "dbt-tipp")
    assert "heart" in tipp.caution and "eating disorder" in tipp.caution


def test_insights_over_a_few_weeks(journal):
    today = at(59).date()
    for day in range(60):
        meeting = day % 7 == 0
        mood = 4 if meeting else (2 if day % 2 else 3)
        tags = ["friends"] if day % 3 == 0 else []
        journal.add(mood=mood, at=at(day, 9), tags=tags, group="Peer group" if meeting else None,
                            strategies=[StrategyUse("Paced breathing", "a lot" if day % 2 else "not really")])
        journal.add(mood=min(5, mood + 1), at=at(day, 19))
    result = insights.compute(journal.all_entries(), today=today)
    assert result.total_entries == 120
    assert len(result.mood_by_period[7]) == 7 and len(result.mood_by_period[365]) == 60
    assert result.by_time_of_day[1].label == "Morning" and result.by_time_of_day[1].count == 60
    assert result.by_time_of_day[3].average > result.by_time_of_day[1].average
    breathing = result.strategies_by_help[0]
    assert breathing.name == "Paced breathing" and breathing.rated == 60 and breathing.helped == 30
    assert breathing.mood_change == pytest.approx(1.0)
    assert result.meetings is not None and result.meetings.meeting_average > result.meetings.other_average
    assert not result.tags_need_more_data
    assert "30 days" in result.captions["overview"]
    json.dumps(result.to_dict())  # the CLI prints it


def test_tags_are_not_compared_without_enough_data(journal):
    for day in range(6):
        journal.add(mood=5, at=at(day), tags=["beach"])
    result = insights.compute(journal.all_entries(), today=at(6).date())
    assert result.tags_need_more_data and not result.better_tags
    assert "at least" in result.captions["tags"]


def test_no_entries_gives_kind_empty_insights():
    result = insights.compute([], today=date(2026, 1, 1))
    assert result.total_entries == 0 and "No check-ins yet" in result.captions["overview"]


def test_a_run_of_very_low_moods_offers_help_once(journal):
    now = datetime.now().astimezone()
    for hours in (30, 20, 10):
        journal.add(mood=1, at=now - timedelta(hours=hours))
    assert journal.should_offer_help()
    journal.mark_help_offered()
    assert not journal.should_offer_help()
    journal.add(mood=1, at=now)
    assert not journal.should_offer_help(), "the same run is not offered again"
    journal.add(mood=4, at=now + timedelta(minutes=1))
    assert not journal.should_offer_help()


def test_phq9_scoring_bands_and_item_nine(journal):
    result = selfcheck.score("phq9", [1, 1, 2, 1, 1, 1, 1, 1, 0])
    assert result.score == 9 and result.band == "mild" and not result.needs_crisis_lines
    assert selfcheck.score("phq9", [3] * 9).band == "severe"
    assert selfcheck.score("phq9", [0] * 8 + [1]).needs_crisis_lines
    assert selfcheck.score("gad7", [2] * 7).band == "moderate" and selfcheck.score("gad7", [3] * 7).band == "severe"
    assert not selfcheck.score("gad7", [3] * 7).needs_crisis_lines
    with pytest.raises(JournalError, match="Answer every question"):
        selfcheck.score("phq9", [0] * 8)
    selfcheck.save(journal, result, at=at(0))
    selfcheck.save(journal, selfcheck.score("gad7", [0] * 7), at=at(1))
    history = selfcheck.history(journal, "phq9")
    assert [h.score for h in history] == [9] and history[0].at == at(0)
    assert "Pfizer" in selfcheck.ATTRIBUTION and "not a diagnosis" in selfcheck.NOT_A_DIAGNOSIS
    assert len(selfcheck.PHQ9.items) == 9 and len(selfcheck.GAD7.items) == 7


def test_safety_plan_round_trip(journal):
    assert safety_plan.load(journal).is_empty
    saved = safety_plan.save(journal, {"warning_signs": "Not sleeping\n\nSkipping meals", "help_people": ["Mum 0123"]}, "My cat")
    assert saved.steps["warning_signs"] == ["Not sleeping", "Skipping meals"]
    assert safety_plan.load(journal).reason_for_living == "My cat" and len(safety_plan.STEPS) == 6


def test_json_export_is_complete_and_reimports_without_duplicates(journal, services, tmp_path):
    journal.add(mood=2, at=at(0), note="héllo, \"quoted\"", tags=["a"], strategies=[StrategyUse("A walk", "a little")])
    journal.add(mood=5, at=at(1), group="Peer group", group_timing="before")
    journal.add_own_strategy("Knitting")
    journal.rename_mood(3, "Meh")
    selfcheck.save(journal, selfcheck.score("gad7", [1] * 7), at=at(2))
    safety_plan.save(journal, {"warning_signs": "x"})
    data = exchange.export_json(journal)
    document = json.loads(data)
    assert document["format"] == "kindred-journal" and len(document["entries"]) == 2

    other_services_dir = tmp_path / "other"
    from services.app import open_services

    other = open_services(other_services_dir)
    try:
        other_journal = Journal(other.vault.set_up("another passphrase")[0])
        plan = exchange.plan_import(data)
        assert "2 check-ins" in plan.summary()
        exchange.apply(other_journal, plan)
        exchange.apply(other_journal, exchange.plan_import(data))  # twice: no duplicates
        assert [e.note for e in other_journal.all_entries()] == ["", "héllo, \"quoted\""]
        assert other_journal.all_entries() == journal.all_entries()
        assert other_journal.settings().label(3) == "Meh"
        assert [s.name for s in other_journal.own_strategies()] == ["Knitting"]
        assert len(selfcheck.history(other_journal)) == 1
        assert safety_plan.load(other_journal).steps["warning_signs"] == ["x"]
    finally:
        other.close()


def test_csv_export_has_one_row_per_entry(journal):
    import csv, io

    journal.add(mood=2, at=at(0), note="line one\nline two, with comma", tags=["a", "b"],
                strategies=[StrategyUse("A walk", "a little")])
    journal.add(mood=4, at=at(1), note="=SUM(A1)")
    rows = list(csv.DictReader(io.StringIO(exchange.export_csv(journal).decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[0]["note"] == "line one\nline two, with comma" and rows[0]["tags"] == "a | b"
    assert rows[0]["strategies"] == "A walk (a little)" and rows[0]["utc_offset"] == "-05:00"
    assert rows[1]["note"] == "'=SUM(A1)", "formula-looking cells are kept as text"


DAYLIO = (
    "full_date,date,weekday,time,mood,activities,note_title,note\n"
    "2026-02-03,February 3,Tuesday,21:05,rad,friends | walk,,\"Lovely evening, really\"\n"
    "2026-02-02,February 2,Monday,8:30 AM,awful,work,Rough,Didn't sleep\n"
    "2026-02-01,February 1,Sunday,12:00,meh,,,\n"
)


def test_daylio_import_with_default_and_custom_mood_maps(journal):
    assert exchange.detect(DAYLIO.encode()) == "daylio"
    assert exchange.daylio_moods(DAYLIO.encode()) == {"rad": 1, "awful": 1, "meh": 1}
    plan = exchange.plan_import(DAYLIO.encode(), time_zone="Europe/London")
    assert plan.mood_map == {"rad": 5, "meh": 3, "awful": 1}
    exchange.apply(journal, plan)
    entries = journal.all_entries()
    assert [e.mood for e in entries] == [5, 1, 3]
    assert entries[0].tags == ("friends", "walk") and entries[0].note == "Lovely evening, really"
    assert entries[1].at.hour == 8 and entries[1].note == "Rough\nDidn't sleep"
    exchange.apply(journal, exchange.plan_import(DAYLIO.encode(), time_zone="Europe/London"))
    assert journal.count() == 3, "importing the same file again adds nothing"

    custom = DAYLIO.replace("meh", "so-so")
    with pytest.raises(JournalError, match="so-so"):
        exchange.plan_import(custom.encode())
    plan = exchange.plan_import(custom.encode(), mood_map=exchange.parse_mood_map("so-so=2,rad=4"))
    assert sorted(e.mood for e in plan.entries) == [1, 2, 4]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"hello world", "doesn't look like"),
        (b"{not json", "not valid JSON"),
        (b'{"format": "other"}', "not a Kindred journal"),
        (json.dumps({"format": "kindred-journal", "version": 1, "entries": [{"id": "a", "at": "2026-01-01T10:00:00+00:00", "mood": 3}, {"id": "b", "at": "yesterday", "mood": 3}]}).encode(), "number 2"),
        (json.dumps({"format": "kindred-journal", "version": 1, "entries": [{"id": "a", "at": "2026-01-01T10:00:00+00:00", "mood": 9}]}).encode(), "mood from 1 to 5"),
        (DAYLIO.replace("2026-02-02", "02/02/2026").encode(), "Line 3"),
        (DAYLIO.replace(",,\n", "\n", 1).encode(), "wrong number of columns"),
        (b"\xff\xfe\x00bad", "not UTF-8"),
    ],
)
def test_a_malformed_import_imports_nothing_and_says_why(journal, data, message):
    journal.add(mood=3, note="kept")
    with pytest.raises(JournalError, match=message) as raised:
        exchange.apply(journal, exchange.plan_import(data))
    assert "nothing was imported" in str(raised.value).lower() or "not UTF-8" in message
    assert [e.note for e in journal.all_entries()] == ["kept"]


def test_mood_map_parsing():
    assert exchange.parse_mood_map("rad=5, good=4") == {"rad": 5, "good": 4}
    with pytest.raises(JournalError, match="name=N"):
        exchange.parse_mood_map("rad=9")


def test_daily_reminder_is_a_recurring_event_with_an_alarm_in_the_persons_time_zone():
    from icalendar import Calendar

    data = reminder.daily_reminder_ics("07:30", "America/New_York", starting=date(2026, 3, 1))
    calendar = Calendar.from_ical(data)
    event = next(iter(calendar.walk("VEVENT")))
    start = event.decoded("dtstart")
    assert (start.hour, start.minute) == (7, 30) and str(start.tzinfo) == "America/New_York"
    assert event["rrule"]["FREQ"] == ["DAILY"]
    assert calendar.walk("VALARM") and calendar.walk("VTIMEZONE")
    with pytest.raises(JournalError, match="time zone"):
        reminder.daily_reminder_ics("07:30", "Mars/Olympus")
    with pytest.raises(JournalError, match="hours and minutes"):
        reminder.daily_reminder_ics("half past", "UTC")
