"""Pieces Find, group details, Saved and "help me choose" share: the person's finding
preferences, saved-group ids, route ids, badges, the result card and safe link buttons."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote, unquote

import flet as ft

from services.directory.model import GroupSummary
from services.group_text import (
    ATTENDANCE,
    COST,
    LEADERSHIP,
    freshness_text,
    label,
    next_meeting_text,
    status_note,
    times_text,
    where_text,
)
from services.links import safe_link
from services.session import FindingPrefs
from views.actions import FAILED, use_actions
from views.models import use_app, use_saved_model
from views.widgets.bind import bind
from views.widgets.icon_action import IconAction
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401


def route_id(group_id: str) -> str:
    """A group id ("source/id", any characters) as one URL path segment, and back."""
    return quote(group_id, safe="").replace("~", "%7E").replace("%", "~")


def group_id_from_route(segment: str) -> str:
    return unquote(segment.replace("~", "%"))


def details_route(group_id: str, base: str = "/find") -> str:
    return f"{base}/group/{route_id(group_id)}"


def go(route: str) -> None:
    ft.context.page.navigate(route)


def snack(message: str) -> None:
    ft.context.page.show_dialog(ft.SnackBar(ft.Text(message), show_close_icon=True))


def use_finding() -> FindingPrefs:
    """This session's finding preferences (private; the country's defaults while locked).
    The model loads them after unlocking."""
    return use_app().finding_prefs


def use_saved_ids():
    """(ids of saved groups, toggle(group_id, name)) for this session."""
    state = use_app()
    run = use_actions().run
    model = use_saved_model()
    ids = model.ids

    async def toggle(group_id: str, name: str):
        session = state.session
        if session is None or not session.is_open:
            async def again():
                if group_id not in state.saved.ids:
                    await toggle(group_id, name)

            state.ask_for_private(
                _("Keep your saved groups private") if not state.vault_set_up else _("Unlock to save this group"),
                again,
            )
            return
        if group_id in ids:
            if await run(session.unsave_group, group_id) is not FAILED:
                model.ids = ids - {group_id}
                snack(_("Removed {name} from Saved.").format(name=name))
        elif await run(session.save_group, group_id) is not FAILED:
            model.ids = ids | {group_id}
            snack(_("Saved {name}. It's under Saved with its next meeting.").format(name=name))

    return ids, toggle


@ft.component
def Badge(text: str, icon=None, tone: str = "neutral"):
    colours = {
        "neutral": (ft.Colors.SURFACE_CONTAINER_HIGHEST, ft.Colors.ON_SURFACE_VARIANT),
        "primary": (ft.Colors.PRIMARY_CONTAINER, ft.Colors.ON_PRIMARY_CONTAINER),
        "warning": (ft.Colors.ERROR_CONTAINER, ft.Colors.ON_ERROR_CONTAINER),
    }
    bg, fg = colours[tone]
    return ft.Container(
        bgcolor=bg,
        border_radius=8,
        padding=ft.Padding.symmetric(horizontal=8, vertical=3),
        content=ft.Row(
            tight=True,
            spacing=4,
            controls=[*([ft.Icon(icon, size=14, color=fg)] if icon else []), ft.Text(text, size=12, color=fg)],
        ),
    )


ATTENDANCE_ICONS = {"in_person": ft.Icons.PLACE_OUTLINED, "online": ft.Icons.VIDEOCAM_OUTLINED,
                    "hybrid": ft.Icons.DEVICES_OTHER_OUTLINED, "phone": ft.Icons.CALL_OUTLINED, "ask": ft.Icons.HELP_OUTLINE}


def badges_for(attendance: str, leadership: str, cost: str) -> list:
    # Every label comes from the one vocabulary (services/directory/vocabulary.py).
    return [
        Badge(LEADERSHIP.get(leadership, label(leadership)), ft.Icons.GROUPS_OUTLINED, "neutral" if leadership == "unknown" else "primary"),
        Badge(ATTENDANCE.get(attendance, label(attendance)), ATTENDANCE_ICONS.get(attendance)),
        Badge(COST.get(cost, label(cost)), ft.Icons.SAVINGS_OUTLINED),  # "Cost not stated" when the feed is silent
    ]


def when_line(summary: GroupSummary, prefs: FindingPrefs, now: datetime | None = None) -> tuple[str, bool]:
    """(text, is_a_warning): the next meeting in the person's zone, or what to know instead."""
    note = status_note(summary)
    if summary.status == "temporarily_closed":
        return _("Temporarily closed"), True
    if summary.next_meeting is not None:
        return _("Next: ") + next_meeting_text(summary.next_meeting, now or datetime.now(UTC), prefs.hour24), False
    return note or _("No regular time given"), False


@ft.component
def GroupCard(summary: GroupSummary, saved: bool, prefs: FindingPrefs, on_open, on_toggle_save):
    when, warning = when_line(summary, prefs)
    where = where_text(summary.attendance, summary.distance_km, prefs.distance_unit)
    place_bits = [b for b in ((summary.city if where != "Online — anywhere" else None), where) if b]
    all_times = times_text(summary.times, prefs.hour24)
    freshness = freshness_text(summary.updated, summary.stale, summary.source)
    return ft.Card(
        key=summary.id,
        content=ft.Container(
            padding=ft.Padding.only(left=4, top=4, right=4, bottom=4),
            content=ft.Row(
                vertical_alignment=ft.CrossAxisAlignment.START,
                spacing=0,
                controls=[
                    ft.Container(expand=True, content=ft.Semantics(
                        button=True,
                        container=True,
                        content=ft.Container(
                            ink=True,
                            border_radius=10,
                            padding=ft.Padding.only(left=12, top=8, right=4, bottom=10),
                            on_click=bind(on_open, summary),
                            content=ft.Column(
                                spacing=6,
                                controls=[
                                    ft.Text(summary.name, theme_style=ft.TextThemeStyle.TITLE_MEDIUM, weight=ft.FontWeight.W_600),
                                    *([ft.Text(", ".join(label(t) for t in summary.topics), size=13, color=ft.Colors.ON_SURFACE_VARIANT)]
                                      if summary.topics else []),
                                    ft.Row(wrap=True, spacing=6, run_spacing=6, controls=badges_for(summary.attendance, summary.leadership, summary.cost)),
                                    ft.Row(
                                        spacing=6,
                                        controls=[
                                            ft.Icon(ft.Icons.WARNING_AMBER if warning else ft.Icons.EVENT_OUTLINED, size=18,
                                                    color=ft.Colors.ERROR if warning else ft.Colors.PRIMARY),
                                            ft.Text(when, expand=True, weight=ft.FontWeight.W_600 if warning else None,
                                                    color=ft.Colors.ERROR if warning else None),
                                        ],
                                    ),
                                    *([ft.Text(all_times, size=14)] if all_times else []),
                                    *([ft.Text(" · ".join(place_bits), size=13, color=ft.Colors.ON_SURFACE_VARIANT)] if place_bits else []),
                                    ft.Text(freshness, size=12, color=ft.Colors.ERROR if summary.stale else ft.Colors.ON_SURFACE_VARIANT),
                                ],
                            ),
                        )
                    )),
                    *([IconAction(
                        ft.Icons.BOOKMARK if saved else ft.Icons.BOOKMARK_BORDER,
                        _("Remove {name} from Saved").format(name=summary.name) if saved else _("Save {name}").format(name=summary.name),
                        on_click=bind(on_toggle_save, summary.id, summary.name),
                    )] if on_toggle_save is not None else []),  # None: a preview, nothing to save
                ],
            ),
        ),
    )


@ft.component
def LinkButton(text: str, link: str | None, icon, raw: str | None = None, filled: bool = False):
    """A button that opens a link only if it is http(s), tel or mailto; otherwise the value
    from the feed is shown as plain text and nothing opens."""
    safe = safe_link(link)
    if safe is None:
        if not raw:
            return ft.Container(visible=False)
        return ft.Text(_("{what}: {raw} (not a web, phone or e-mail link, so Kindred won't open it)").format(what=text, raw=raw),
                       size=13, color=ft.Colors.ON_SURFACE_VARIANT)
    kind = ft.FilledButton if filled else ft.OutlinedButton
    return kind(text, icon=icon, url=safe)
