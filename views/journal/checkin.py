"""The check-in: a mood (one tap), then optionally feelings, energy, anxiety, sleep, tags,
coping strategies and whether they helped, a note, and a meeting. Also the edit screen
(/journal/entry/:id)."""

from __future__ import annotations

import flet as ft

from services.journal import (
    EMOTION_QUADRANTS,
    HELPED_LEVELS,
    Entry,
    JournalSettings,
    StrategyUse,
)
from services.journal.strategies import all_strategies
from views.actions import FAILED
from views.journal.common import (
    ErrorText,
    LockedJournal,
    SubScreenTitle,
    go,
    snack,
    use_journal,
    use_loaded,
    use_write,
)
from views.drafts import DraftNotice, use_draft
from views.live_value import use_live_value
from views.widgets.bind import bind
from views.widgets.mood_picker import MoodPicker
from views.widgets.screen import ScreenBody
from views.widgets.text_input import TextInput
from services.journal.strategies import shown_name
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401
from views.widgets.choice import Choice

QUADRANT_WORDS = {"pleasant, high energy": N_("Pleasant, high energy"), "pleasant, low energy": N_("Pleasant, low energy"),
                  "unpleasant, high energy": N_("Unpleasant, high energy"), "unpleasant, low energy": N_("Unpleasant, low energy")}
HELPED_WORDS = {"not really": N_("Not really"), "a little": N_("A little"), "a lot": N_("A lot")}
SCALE_WORDS = {"energy": (N_("very low"), N_("very high")), "anxiety": (N_("none"), N_("very high"))}


def _split_tags(text: str) -> list[str]:
    return [part.strip().lstrip("#") for part in (text or "").replace(";", ",").split(",") if part.strip()]


@ft.component
def Scale(name: str, value: int | None, on_change):
    low, high = (_(word) for word in SCALE_WORDS[name])

    def changed(e):
        chosen = next(iter(e.control.selected or []), None)
        on_change(int(chosen) if chosen else None)

    def segment_name(n: int) -> str:
        words = {1: low, 5: high}.get(n)
        scale = _("Energy") if name == "energy" else _("Anxiety")
        if words:
            text = _("{scale} {n} of 5, {words}").format(scale=scale, n=n, words=words)
        else:
            text = _("{scale} {n} of 5").format(scale=scale, n=n)
        return _("{choice}, selected").format(choice=text) if n == value else text

    return ft.Column(
        spacing=4,
        controls=[
            ft.Text((_("Energy (1 = {low}, 5 = {high})") if name == "energy" else _("Anxiety (1 = {low}, 5 = {high})")).format(low=low, high=high)),
            ft.SegmentedButton(
                selected=[str(value)] if value else [],
                allow_empty_selection=True,
                allow_multiple_selection=False,
                show_selected_icon=False,
                on_change=changed,
                # Each segment says which scale it is on and whether it is chosen: five "1"–"5"
                # buttons twice on one screen say nothing to a screen reader.
                segments=[ft.Segment(value=str(n), label=ft.Text(str(n), semantics_label=segment_name(n)))
                          for n in range(1, 6)],
            ),
        ],
    )


@ft.component
def StrategyTried(name: str, helped: str | None, on_change, on_remove):
    def changed(e):
        chosen = next(iter(e.control.selected or []), None)
        on_change(name, chosen)

    return ft.Container(
        padding=8,
        border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
        border_radius=8,
        content=ft.Column(
            spacing=4,
            controls=[
                ft.Row(
                    controls=[
                        ft.Text(shown_name(name), weight=ft.FontWeight.W_600, expand=True),
                        ft.TextButton(_("Remove"), on_click=bind(on_remove, name)),
                    ]
                ),
                ft.Text(_("Did it help?"), size=13, color=ft.Colors.ON_SURFACE_VARIANT),
                ft.SegmentedButton(
                    selected=[helped] if helped else [],
                    allow_empty_selection=True,
                    allow_multiple_selection=False,
                    show_selected_icon=False,
                    on_change=changed,
                    segments=[ft.Segment(value=level, label=ft.Text(_(HELPED_WORDS[level]))) for level in HELPED_LEVELS],
                ),
            ],
        ),
    )


@ft.component
def CheckInForm(settings: JournalSettings, initial: Entry | None = None, on_saved=None, start_open: bool = False):
    journal = use_journal()
    write = use_write()
    # Live values: Save (and each tap) reads the form as it is now, with every keystroke
    # that arrived before the tap (see views/live_value.py).
    mood = use_live_value(initial.mood if initial else None)
    details_open, set_details_open = ft.use_state(start_open or initial is not None)
    emotions = use_live_value(tuple(initial.emotions) if initial else ())
    energy = use_live_value(initial.energy if initial else None)
    anxiety = use_live_value(initial.anxiety if initial else None)
    sleep = use_live_value("" if not initial or initial.sleep_hours is None else f"{initial.sleep_hours:g}")
    tags = use_live_value(", ".join(initial.tags) if initial else "")
    tried = use_live_value(tuple((s.name, s.helped) for s in initial.strategies) if initial else ())
    note = use_live_value(initial.note if initial else "")
    group = use_live_value((initial.group or "") if initial else "")
    timing = use_live_value((initial.group_timing or "after") if initial else "after")
    error, set_error = ft.use_state(None)
    saving, set_saving = ft.use_state(False)
    strategy_names, _unused = use_loaded(lambda: [s.name for s in all_strategies(journal)], [])

    def restore(fields: dict) -> None:
        mood.set(fields.get("mood"))
        emotions.set(tuple(fields.get("emotions") or ()))
        energy.set(fields.get("energy"))
        anxiety.set(fields.get("anxiety"))
        sleep.set(fields.get("sleep") or "")
        tags.set(fields.get("tags") or "")
        tried.set(tuple((n, h) for n, h in fields.get("tried") or ()))
        note.set(fields.get("note") or "")
        group.set(fields.get("group") or "")
        timing.set(fields.get("timing") or "after")
        if any(fields.get(k) for k in ("emotions", "energy", "anxiety", "sleep", "tags", "tried", "note", "group")):
            set_details_open(True)

    def form_fields(mood, emotions, energy, anxiety, sleep, tags, tried, note, group, timing) -> dict:
        return dict(mood=mood, emotions=list(emotions), energy=energy, anxiety=anxiety, sleep=sleep, tags=tags,
                    tried=[list(t) for t in tried], note=note, group=group, timing=timing)

    untouched = form_fields(
        initial.mood if initial else None, initial.emotions if initial else (), initial.energy if initial else None,
        initial.anxiety if initial else None,
        "" if not initial or initial.sleep_hours is None else f"{initial.sleep_hours:g}",
        ", ".join(initial.tags) if initial else "",
        [(s.name, s.helped) for s in initial.strategies] if initial else (),
        initial.note if initial else "", (initial.group or "") if initial else "",
        (initial.group_timing or "after") if initial else "after")
    # A new check-in and each entry being edited have their own draft.
    draft = use_draft(f"checkin:{initial.id}" if initial else "checkin:new", restore, untouched)
    fields_now = [mood, emotions, energy, anxiety, sleep, tags, tried, note, group, timing]
    values = [field.value for field in fields_now]
    ft.use_effect(lambda: draft.keep(form_fields(*values)), values)

    async def discard_draft():
        await draft.discard()
        restore(untouched)

    def pick_mood(value: int):
        mood.set(value)
        set_error(None)

    def toggle_emotion(name: str):
        chosen = emotions.value
        emotions.set(tuple(e for e in chosen if e != name) if name in chosen else (*chosen, name))

    def add_strategy(e):
        name = e.control.value
        if name and all(n != name for n, _unused in tried.value):
            tried.set((*tried.value, (name, None)))

    def rate(name: str, helped: str | None):
        tried.set(tuple((n, helped if n == name else h) for n, h in tried.value))

    def remove(name: str):
        tried.set(tuple((n, h) for n, h in tried.value if n != name))

    async def save():
        if mood.value is None:
            set_error(_("Choose how you are feeling first."))
            return
        meeting = group.value.strip()
        fields = dict(
            mood=mood.value, emotions=emotions.value, energy=energy.value, anxiety=anxiety.value,
            sleep_hours=sleep.value.strip() or None, tags=_split_tags(tags.value),
            strategies=[StrategyUse(n, h) for n, h in tried.value], note=note.value,
            group=meeting or None, group_timing=timing.value if meeting else None,
        )
        set_saving(True)
        if initial is None:
            entry = await write(lambda: journal.add(**fields), on_error=set_error)
        else:
            entry = await write(lambda: journal.update(initial.id, **fields), on_error=set_error)
        set_saving(False)
        if entry is FAILED:
            return
        set_error(None)
        await draft.discard()
        snack(_("Check-in saved.") if initial is None else _("Changes saved."))
        if on_saved:
            await on_saved(entry)

    detail_controls = []
    if details_open:
        detail_controls = [
            ft.Text(_("What are you feeling?"), theme_style=ft.TextThemeStyle.TITLE_SMALL),
            *[
                ft.Column(
                    spacing=4,
                    controls=[
                        ft.Text(_(QUADRANT_WORDS[quadrant]), size=12, color=ft.Colors.ON_SURFACE_VARIANT),
                        ft.Row(
                            wrap=True,
                            spacing=6,
                            run_spacing=6,
                            controls=[
                                ft.Chip(label=ft.Text(_(word)), selected=word in emotions.value, on_select=lambda _e, w=word: toggle_emotion(w))
                                for word in words
                            ],
                        ),
                    ],
                )
                for quadrant, words in EMOTION_QUADRANTS.items()
            ],
            Scale("energy", energy.value, energy.set),
            Scale("anxiety", anxiety.value, anxiety.set),
            TextInput(label=_("Hours slept"), text=sleep, keyboard_type=ft.KeyboardType.NUMBER, width=160),
            TextInput(label=_("Tags (people, places, activities), separated by commas"), text=tags),
            ft.Text(_("Coping strategies you tried"), theme_style=ft.TextThemeStyle.TITLE_SMALL),
            *[StrategyTried(n, h, rate, remove, key=n) for n, h in tried.value],
            Choice(
                label=_("Add a strategy you tried"),
                editable=True,
                enable_filter=True,
                menu_height=320,
                value=None,
                expand=True,
                on_select=add_strategy,
                options=[ft.DropdownOption(key=name, text=shown_name(name)) for name in (strategy_names or [])],
            ),
            TextInput(label=_("Note"), text=note, multiline=True, min_lines=3, max_lines=10),
            TextInput(label=_("Support group meeting (optional)"), text=group, hint_text=_("The group's name")),
            *(
                [ft.SegmentedButton(
                    selected=[timing.value],
                    allow_multiple_selection=False,
                    on_change=lambda e: timing.set(next(iter(e.control.selected or ["after"]))),
                    segments=[ft.Segment(value="before", label=ft.Text(_("Before the meeting"))),
                              ft.Segment(value="after", label=ft.Text(_("After the meeting")))],
                )]
                if group.value.strip() else []
            ),
        ]

    return ft.Column(
        spacing=12,
        controls=[
            DraftNotice(draft, N_("check-in"), discard_draft),
            MoodPicker(settings.mood_labels, mood.value, pick_mood),
            *detail_controls,
            ErrorText(error),
            ft.Row(
                wrap=True,
                spacing=8,
                controls=[
                    ft.FilledButton(_("Save"), icon=ft.Icons.CHECK, on_click=save, disabled=saving),
                    *(
                        []
                        if details_open
                        else [ft.TextButton(_("Add details"), icon=ft.Icons.EXPAND_MORE, on_click=lambda: set_details_open(True))]
                    ),
                ],
            ),
        ],
    )


@ft.component
def EditEntryScreen():
    journal = use_journal()
    if journal is None:
        return LockedJournal()
    return EditEntry(ft.use_route_params().get("id", ""))


@ft.component
def EditEntry(entry_id: str):
    journal = use_journal()
    loaded, _unused = use_loaded(lambda: (journal.get(entry_id), journal.settings()), [entry_id])

    async def saved(_entry):
        go("/journal")

    if loaded is None:
        body = [ft.ProgressRing()]
    elif loaded[0] is None:
        body = [ft.Text(_("This check-in no longer exists."))]
    else:
        entry, settings = loaded
        body = [
            ft.Text(format_date(entry.at, "full") + ", " + format_time(entry.at), color=ft.Colors.ON_SURFACE_VARIANT),
            CheckInForm(settings, initial=entry, on_saved=saved, key=entry.id),
        ]
    return ScreenBody([SubScreenTitle(_("Edit check-in")), *body])
