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
    mood, set_mood = ft.use_state(initial.mood if initial else None)
    details_open, set_details_open = ft.use_state(start_open or initial is not None)
    emotions, set_emotions = ft.use_state(tuple(initial.emotions) if initial else ())
    energy, set_energy = ft.use_state(initial.energy if initial else None)
    anxiety, set_anxiety = ft.use_state(initial.anxiety if initial else None)
    sleep, set_sleep = ft.use_state("" if not initial or initial.sleep_hours is None else f"{initial.sleep_hours:g}")
    tags, set_tags = ft.use_state(", ".join(initial.tags) if initial else "")
    tried, set_tried = ft.use_state(tuple((s.name, s.helped) for s in initial.strategies) if initial else ())
    note, set_note = ft.use_state(initial.note if initial else "")
    group, set_group = ft.use_state((initial.group or "") if initial else "")
    timing, set_timing = ft.use_state((initial.group_timing or "after") if initial else "after")
    error, set_error = ft.use_state(None)
    saving, set_saving = ft.use_state(False)
    strategy_names, _unused = use_loaded(lambda: [s.name for s in all_strategies(journal)], [])

    def restore(fields: dict) -> None:
        set_mood(fields.get("mood"))
        set_emotions(tuple(fields.get("emotions") or ()))
        set_energy(fields.get("energy"))
        set_anxiety(fields.get("anxiety"))
        set_sleep(fields.get("sleep") or "")
        set_tags(fields.get("tags") or "")
        set_tried(tuple((n, h) for n, h in fields.get("tried") or ()))
        set_note(fields.get("note") or "")
        set_group(fields.get("group") or "")
        set_timing(fields.get("timing") or "after")
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
    values = [mood, emotions, energy, anxiety, sleep, tags, tried, note, group, timing]
    ft.use_effect(lambda: draft.keep(form_fields(*values)), values)

    async def discard_draft():
        await draft.discard()
        restore(untouched)

    def pick_mood(value: int):
        set_mood(value)
        set_error(None)

    def toggle_emotion(name: str):
        set_emotions(tuple(e for e in emotions if e != name) if name in emotions else (*emotions, name))

    def add_strategy(e):
        name = e.control.value
        if name and all(n != name for n, _unused in tried):
            set_tried((*tried, (name, None)))

    def rate(name: str, helped: str | None):
        set_tried(tuple((n, helped if n == name else h) for n, h in tried))

    def remove(name: str):
        set_tried(tuple((n, h) for n, h in tried if n != name))

    async def save():
        if mood is None:
            set_error(_("Choose how you are feeling first."))
            return
        fields = dict(
            mood=mood, emotions=emotions, energy=energy, anxiety=anxiety, sleep_hours=sleep.strip() or None,
            tags=_split_tags(tags), strategies=[StrategyUse(n, h) for n, h in tried], note=note,
            group=group.strip() or None, group_timing=timing if group.strip() else None,
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
                                ft.Chip(label=ft.Text(_(word)), selected=word in emotions, on_select=lambda _e, w=word: toggle_emotion(w))
                                for word in words
                            ],
                        ),
                    ],
                )
                for quadrant, words in EMOTION_QUADRANTS.items()
            ],
            Scale("energy", energy, set_energy),
            Scale("anxiety", anxiety, set_anxiety),
            TextInput(label=_("Hours slept"), value=sleep, keyboard_type=ft.KeyboardType.NUMBER, width=160,
                         on_change=lambda e: set_sleep(e.control.value or "")),
            TextInput(label=_("Tags (people, places, activities), separated by commas"), value=tags,
                         on_change=lambda e: set_tags(e.control.value or "")),
            ft.Text(_("Coping strategies you tried"), theme_style=ft.TextThemeStyle.TITLE_SMALL),
            *[StrategyTried(n, h, rate, remove, key=n) for n, h in tried],
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
            TextInput(label=_("Note"), value=note, multiline=True, min_lines=3, max_lines=10,
                         on_change=lambda e: set_note(e.control.value or "")),
            TextInput(label=_("Support group meeting (optional)"), value=group, hint_text=_("The group's name"),
                         on_change=lambda e: set_group(e.control.value or "")),
            *(
                [ft.SegmentedButton(
                    selected=[timing],
                    allow_multiple_selection=False,
                    on_change=lambda e: set_timing(next(iter(e.control.selected or ["after"]))),
                    segments=[ft.Segment(value="before", label=ft.Text(_("Before the meeting"))),
                              ft.Segment(value="after", label=ft.Text(_("After the meeting")))],
                )]
                if group.strip() else []
            ),
        ]

    return ft.Column(
        spacing=12,
        controls=[
            DraftNotice(draft, N_("check-in"), discard_draft),
            MoodPicker(settings.mood_labels, mood, pick_mood),
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
