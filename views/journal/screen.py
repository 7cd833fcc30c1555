"""Journal: a check-in in one tap plus Save, then the timeline (by day, newest first,
paged, searchable, filterable, with a jump to a date)."""

from __future__ import annotations

from datetime import date, datetime

import flet as ft

from services.journal import PAGE_SIZE, Entry, TimelineQuery
from views.actions import FAILED, use_actions
from views.help import open_help
from views.models import use_app
from views.journal.checkin import CheckInForm
from views.journal.common import (
    JOURNAL_LINKS,
    LockedJournal,
    go,
    snack,
    use_journal,
    use_loaded,
    use_write,
)
from views.widgets.entry_card import EntryCard
from views.widgets.icon_action import IconAction
from views.widgets.notice import Notice
from views.widgets.screen import ScreenBody
from views.widgets.text_input import TextInput
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401
from views.widgets.choice import Choice

ALL = "__all__"


def day_heading(day: date, today: date) -> str:
    if day == today:
        return _("Today")
    if (today - day).days == 1:
        return _("Yesterday")
    return format_date(day, "full")


@ft.component
def JournalScreen():
    journal = use_journal()
    if journal is None:
        return LockedJournal()
    return JournalHome()


@ft.component
def LowMoodOffer():
    app = use_app()
    journal = use_journal()
    write = use_write()

    async def dismiss():
        await write(journal.mark_help_offered)

    async def see_lines():
        open_help(app)
        await write(journal.mark_help_offered)

    return ft.Container(
        bgcolor=ft.Colors.SECONDARY_CONTAINER,
        border_radius=12,
        padding=16,
        content=ft.Column(
            spacing=8,
            controls=[
                ft.Text(
                    _("Your last few check-ins have been very low. That sounds hard. "
                    "If it would help to talk to someone, free and confidential lines are here."),
                    color=ft.Colors.ON_SECONDARY_CONTAINER,
                ),
                ft.Row(
                    wrap=True,
                    controls=[
                        ft.FilledTonalButton(_("See who I can talk to"), icon=ft.Icons.SUPPORT_AGENT, on_click=see_lines),
                        ft.TextButton(_("Not now"), on_click=dismiss),
                    ],
                ),
            ],
        ),
    )


@ft.component
def JournalHome():
    journal = use_journal()
    form_key, set_form_key = ft.use_state(0)
    # Lambdas, not bound methods: a render after a lock in another place (the session gone,
    # the guard not yet re-rendered) must not touch the missing journal.
    settings, _unused = use_loaded(lambda: journal.settings(), [])
    offer, _unused = use_loaded(lambda: journal.should_offer_help(), [])

    async def saved(_entry):
        set_form_key(lambda k: k + 1)  # a fresh, empty form

    if settings is None:
        return ScreenBody([ft.Text(_("Journal"), theme_style=ft.TextThemeStyle.HEADLINE_SMALL), ft.ProgressRing()])
    return ScreenBody(
        [
            ft.Text(_("Journal"), theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
            *([LowMoodOffer()] if offer else []),
            ft.Card(
                content=ft.Container(
                    padding=16,
                    content=ft.Column(
                        spacing=12,
                        controls=[
                            ft.Text(_("How are you feeling right now?"), theme_style=ft.TextThemeStyle.TITLE_MEDIUM),
                            CheckInForm(settings, on_saved=saved, key=f"new-{form_key}"),
                        ],
                    ),
                )
            ),
            ft.Row(
                wrap=True,
                spacing=8,
                run_spacing=8,
                controls=[ft.OutlinedButton(_(label), icon=icon, on_click=lambda _e, r=route: go(r)) for route, label, icon in JOURNAL_LINKS],
            ),
            Timeline(settings),
        ]
    )


@ft.component
def Timeline(settings):
    journal = use_journal()
    run = use_actions().run
    write = use_write()
    warmed = ft.use_ref(False)
    query, set_query = ft.use_state(TimelineQuery())
    search_text, set_search_text = ft.use_state("")
    entries, set_entries = ft.use_state(())
    total, set_total = ft.use_state(0)
    loaded, set_loaded = ft.use_state(False)
    # A first page that failed to load says so and offers to try again (never a spinner forever).
    load_failed, set_load_failed = ft.use_state(False)
    attempt, set_attempt = ft.use_state(0)
    show_filters, set_show_filters = ft.use_state(False)
    # Filters list what the person has used: that needs every entry, so only when shown.
    vocabulary, generation = use_loaded(lambda: journal.vocabulary() if show_filters else None, [show_filters])

    async def load_first():
        if journal is None:
            return  # locked meanwhile: the guard replaces this screen
        page = await run(journal.page, query, 0, PAGE_SIZE)
        if page is FAILED:
            set_load_failed(True)
            return
        set_load_failed(False)
        set_entries(tuple(page.entries))
        set_total(page.total)
        set_loaded(True)
        if query.is_empty and not warmed.current:
            # With the first page on screen, decrypt the rest in the background: search,
            # filters and insights then answer from memory.
            warmed.current = True
            await run(journal.warm_cache)

    ft.use_effect(load_first, [query, generation, attempt])

    async def load_more():
        if journal is None:
            return
        page = await run(journal.page, query, len(entries), PAGE_SIZE)
        if page is FAILED:
            return
        set_entries((*entries, *page.entries))
        set_total(page.total)

    def edit(entry: Entry):
        go(f"/journal/entry/{entry.id}")

    async def delete(entry: Entry):
        removed = await write(journal.delete, entry.id)
        if not removed:
            return

        async def undo(_e=None):
            await write(journal.save, removed)

        snack(_("Check-in deleted."), action=_("Undo"), on_action=undo)

    def search(e):
        text = (e.control.value or "").strip()
        set_search_text(e.control.value or "")
        set_query(lambda now: TimelineQuery(**{**now.__dict__, "text": text}))

    def set_filter(name: str):
        def handler(e):
            value = e.control.value
            value = None if value in (None, "", ALL) else (int(value) if name == "mood" else value)
            set_query(lambda now: TimelineQuery(**{**now.__dict__, name: value}))

        return handler

    def pick_date(e):
        picked = e.control.value
        if picked is not None:
            day = picked.date() if isinstance(picked, datetime) else picked
            set_query(lambda now: TimelineQuery(**{**now.__dict__, "on_or_before": day}))

    def open_date_picker():
        ft.context.page.show_dialog(
            ft.DatePicker(
                first_date=datetime(2000, 1, 1),
                last_date=datetime.now(),
                value=datetime.now(),
                help_text=_("Up to this day"),  # short: the landscape picker shows ~18 characters
                on_change=pick_date,
            )
        )

    def clear():
        set_search_text("")
        set_query(TimelineQuery())

    vocab = vocabulary or {"tags": [], "strategies": [], "groups": []}
    filters = []
    if show_filters:
        def dropdown(name, label, options, value):
            return Choice(
                label=label,
                value=ALL if value in (None, "") else str(value),
                width=240,
                on_select=set_filter(name),
                options=[ft.DropdownOption(key=ALL, text=_("Any")), *[ft.DropdownOption(key=str(k), text=t) for k, t in options]],
            )

        filters = [
            ft.Row(
                wrap=True,
                spacing=8,
                run_spacing=8,
                controls=[
                    dropdown("mood", _("Mood"), [(m, settings.label(m)) for m in (5, 4, 3, 2, 1)], query.mood),
                    dropdown("tag", _("Tag"), [(t, t) for t in vocab["tags"]], query.tag),
                    dropdown("strategy", _("Strategy"), [(s, s) for s in vocab["strategies"]], query.strategy),
                    dropdown("group", _("Group"), [(g, g) for g in vocab["groups"]], query.group),
                ],
            )
        ]

    today = datetime.now().astimezone().date()
    rows = []
    current_day = None
    for entry in entries:
        if entry.day != current_day:
            current_day = entry.day
            rows.append(ft.Text(day_heading(current_day, today), theme_style=ft.TextThemeStyle.TITLE_SMALL,
                                key=f"day-{current_day}"))
        rows.append(EntryCard(entry, settings.label(entry.mood), edit, delete, key=entry.id))

    if load_failed and not loaded:
        body = [Notice(ft.Icons.ERROR_OUTLINE, _("Your check-ins could not be shown just now"),
                       _("Nothing was changed. Try again; if it keeps happening, reload the page or restart Kindred.")),
                ft.Row(controls=[ft.OutlinedButton(_("Try again"), icon=ft.Icons.REFRESH,
                                                   on_click=lambda: set_attempt(attempt + 1))])]
    elif not loaded:
        body = [ft.ProgressRing()]
    elif not entries and query.is_empty:
        body = [Notice(ft.Icons.EDIT_NOTE, _("No entries yet"), _("How are you feeling right now? Tap a mood above and Save."))]
    elif not entries:
        body = [ft.Text(_("No check-ins match. Try fewer words or clear the filters."))]
    else:
        body = rows

    return ft.Column(
        spacing=12,
        controls=[
            ft.Text(_("Your check-ins"), theme_style=ft.TextThemeStyle.TITLE_LARGE),
            ft.Row(
                spacing=4,
                controls=[
                    TextInput(
                        label=_("Search notes, tags and strategies"),
                        value=search_text,
                        prefix_icon=ft.Icons.SEARCH,
                        expand=True,
                        on_submit=search,
                        on_change=search,
                    ),
                    IconAction(ft.Icons.FILTER_LIST, _("Filters"), on_click=lambda: set_show_filters(not show_filters)),
                    IconAction(ft.Icons.CALENDAR_MONTH, _("Jump to a date"), on_click=open_date_picker),
                ],
            ),
            *filters,
            *(
                [ft.Row(wrap=True, controls=[
                    ft.Text((ngettext("{n} matching", "{n} matching", total).format(n=format_number(total))
                             + (", " + _("up to {date}").format(date=format_date(query.on_or_before, "long")) if query.on_or_before else ""))),
                    ft.TextButton(_("Show all"), on_click=clear),
                ])]
                if not query.is_empty else []
            ),
            *body,
            *([ft.OutlinedButton(_("Load more ({n} older)").format(n=format_number(total - len(entries))), on_click=load_more)] if len(entries) < total else []),
        ],
    )
