"""Saved: the groups a person keeps, soonest next meeting first, each with private notes
("things I want to bring up"), an "I went" log, Add to calendar (.ics), Share and Remove.
Groups no longer listed stay, marked as such, shown from what was saved."""

from __future__ import annotations

from datetime import UTC, date, datetime

import flet as ft

from services.calendar import group_ics, ics_file_name
from services.group_text import next_meeting_text
from services.session import SavedItem
from views.live_value import use_live_value
from views.actions import FAILED, use_actions
from views.drafts import DraftNotice, use_draft
from views.find.common import Badge, badges_for, details_route, go, use_finding
from views.find.share import ShareButton
from views.models import use_app, use_saved_model
from views.widgets.bind import bind
from views.widgets.icon_action import IconAction
from views.widgets.notice import Notice
from views.widgets.screen import ScreenBody
from views.widgets.text_input import TextInput
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401


@ft.component
def SavedScreen():
    state = use_app()
    run = use_actions().run
    model = use_saved_model()
    prefs = use_finding()
    items, set_items = ft.use_state(None)

    async def load():
        # Reloaded whenever the session announces a change to the saved groups (from this
        # screen, Find, or a stale screen that found a group gone).
        session = state.session
        if session is not None:
            loaded = await run(session.saved_items)
            if loaded is not FAILED:
                set_items(tuple(loaded))

    ft.use_effect(load, [model.generation, state.session is not None])

    title = ft.Text(_("Saved groups"), theme_style=ft.TextThemeStyle.HEADLINE_SMALL)
    if items is None:
        return ScreenBody([title, ft.ProgressRing()])
    if not items:
        return ScreenBody([
            title,
            Notice(ft.Icons.BOOKMARK_BORDER, _("No saved groups yet"),
                   _("When a group looks right, tap its bookmark or Save. It shows here with its next meeting, "
                   "room for your own notes, and a way to add it to your calendar.")),
            ft.Row(alignment=ft.MainAxisAlignment.CENTER, controls=[
                ft.FilledTonalButton(_("Find a group"), icon=ft.Icons.SEARCH, on_click=lambda: go("/"))]),
        ])
    return ScreenBody([
        title,
        ft.Text(_("Soonest next meeting first. Your notes and visits are private and encrypted on this device."),
                color=ft.Colors.ON_SURFACE_VARIANT),
        *[SavedCard(item, prefs, key=item.saved.group_id) for item in items],
    ])


def attendance_text(dates: list[str]) -> str:
    if not dates:
        return _("No visits logged yet.")
    last = date.fromisoformat(dates[-1])
    return ngettext("You went once; last on {date}.", "You went {n} times; last on {date}.", len(dates)).format(
        n=len(dates), date=format_date(last, "yMMMEd"))


@ft.component
def SavedCard(item: SavedItem, prefs):
    state = use_app()
    actions = use_actions()
    run = actions.run
    group = item.saved
    details = item.details
    note = use_live_value(group.note)
    error, set_error = ft.use_state(None)

    def session():
        return state.session

    untouched = {"note": group.note}
    draft = use_draft(f"note:{group.group_id}", lambda fields: note.set(str(fields.get("note") or "")), untouched)
    shown_note = note.value
    ft.use_effect(lambda: draft.keep({"note": shown_note}), [shown_note])

    async def discard_draft():
        await draft.discard()
        note.set(group.note)

    async def save_note(_e=None):
        if session() is None:
            return
        if await run(session().set_note, group.group_id, note.value, group.name, on_error=set_error) is FAILED:
            return
        set_error(None)
        await draft.discard()
        actions.tell(_("Note saved. Only you can see it."))

    async def went_today():
        if session() is None:
            return
        await run(session().mark_attended, group.group_id, date.today(), group.name,
                  done=_("Logged: you went today. Well done for going."))

    async def forget_visit(day: str):
        if session() is not None:
            await run(session().remove_attendance, group.group_id, date.fromisoformat(day), group.name)

    async def add_to_calendar():
        record = details.record
        data = await run(
            group_ics, group.group_id, record.name, record.schedule, description=record.description,
            location=record.location if record.attendance != "online" else None,
            online_url=record.online.url, website=record.contact.website, on_error=set_error,
        )
        if data is FAILED:
            return
        set_error(None)
        await actions.run_async(state.file_picker.save_file, dialog_title=_("Save calendar file"),
                                file_name=ics_file_name(record.name), src_bytes=data)

    async def remove():
        current = session()
        if current is None:
            return
        kept = await run(current.unsave_group, group.group_id)
        if not kept:
            return

        async def undo(_e=None):
            if state.session is current:
                await run(current.restore_saved_group, kept)

        actions.tell(_("Removed {name} from Saved.").format(name=group.name), action=_("Undo"), on_action=undo)

    upcoming = details.next_meetings if details else ()
    if details and details.record.status == "temporarily_closed":
        when, warning = _("Temporarily closed"), True
    elif upcoming:
        when, warning = _("Next: ") + next_meeting_text(upcoming[0], datetime.now(UTC), prefs.hour24), False
    elif details and any(r.kind == "by_appointment" for r in details.record.schedule):
        when, warning = _("By appointment"), False
    elif details and any(r.kind == "varies" for r in details.record.schedule):
        when, warning = _("Times vary — see the organisation"), False
    elif details and details.schedule_text:
        when, warning = details.schedule_text[0], False
    else:
        when, warning = _("No regular time given"), False
    has_times = bool(details and any(r.has_times and r.timezone for r in details.record.schedule))

    header = [ft.Text(group.name, theme_style=ft.TextThemeStyle.TITLE_MEDIUM, weight=ft.FontWeight.W_600)]
    if not item.listed:
        header.append(ft.Row([Badge(_("No longer listed"), ft.Icons.INFO_OUTLINE, "warning")], wrap=True))
    if details:
        header.append(ft.Row(wrap=True, spacing=6, run_spacing=6,
                             controls=badges_for(details.record.attendance, details.record.leadership, details.record.cost)))
    visits = [
        ft.Chip(label=ft.Text(format_date(date.fromisoformat(day), "MMMd")), delete_icon_tooltip=_("Forget the visit on {date}").format(date=format_date(date.fromisoformat(day))),
                on_delete=bind(forget_visit, day), key=day)
        for day in group.attended[-5:]
    ]
    return ft.Card(
        key=group.group_id,
        content=ft.Container(
            padding=16,
            content=ft.Column(
                spacing=10,
                horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                controls=[
                    # Its own semantics node: otherwise Flutter reads the whole card as the note field's name.
                    ft.Semantics(container=True, content=ft.Column(spacing=10, controls=[
                        *header,
                        ft.Row(spacing=6, controls=[
                            ft.Icon(ft.Icons.WARNING_AMBER if warning else ft.Icons.EVENT_OUTLINED, size=18,
                                    color=ft.Colors.ERROR if warning else ft.Colors.PRIMARY),
                            ft.Text(when, expand=True, color=ft.Colors.ERROR if warning else None),
                        ]),
                    ])),
                    DraftNotice(draft, N_("note"), discard_draft),
                    ft.Semantics(container=True, content=TextInput(
                        # Every saved group has a note box: each is named for its group.
                        label=ft.Text(_("Things I want to bring up"),
                                      semantics_label=_("Things I want to bring up at {name}").format(name=group.name)),
                        text=note,
                        multiline=True,
                        min_lines=2,
                        max_lines=8,
                    )),
                    *([ft.Text(error, color=ft.Colors.ERROR)] if error else []),
                    ft.Row(wrap=True, spacing=8, run_spacing=8, controls=[
                        ft.FilledTonalButton(_("Save note"), icon=ft.Icons.SAVE_OUTLINED, on_click=save_note),
                        ft.OutlinedButton(_("I went today"), icon=ft.Icons.CHECK_CIRCLE_OUTLINE, on_click=went_today),
                    ]),
                    ft.Semantics(container=True, content=ft.Text(attendance_text(group.attended), size=13,
                                                                 color=ft.Colors.ON_SURFACE_VARIANT)),
                    *([ft.Row(wrap=True, spacing=6, run_spacing=6, controls=visits)] if visits else []),
                    ft.Row(wrap=True, spacing=8, run_spacing=8, controls=[
                        ft.TextButton(_("Details"), icon=ft.Icons.INFO_OUTLINE, on_click=lambda: go(details_route(group.group_id, "/saved"))),
                        *([ft.TextButton(_("Add to calendar"), icon=ft.Icons.EVENT, on_click=add_to_calendar)]
                          if has_times else []),
                        *([ShareButton(details)] if details else []),
                        IconAction(ft.Icons.BOOKMARK_REMOVE_OUTLINED, _("Remove {name} from Saved").format(name=group.name), on_click=remove),
                    ]),
                ],
            ),
        ),
    )
