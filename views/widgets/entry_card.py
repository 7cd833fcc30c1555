import flet as ft

from services.journal import Entry
from views.widgets.bind import bind
from views.widgets.icon_action import IconAction
from views.widgets.mood_picker import MoodDot
from services.journal.strategies import shown_name
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401


def entry_details(entry: Entry) -> list[str]:
    lines = []
    if entry.emotions:
        lines.append(_("Felt: ") + ", ".join(_(e) for e in entry.emotions))
    measures = []
    if entry.energy:
        measures.append(_("energy {n}/5").format(n=entry.energy))
    if entry.anxiety:
        measures.append(_("anxiety {n}/5").format(n=entry.anxiety))
    if entry.sleep_hours is not None:
        measures.append(_("slept {hours} h").format(hours=format_number(entry.sleep_hours)))
    if measures:
        lines.append(", ".join(measures).capitalize())
    if entry.strategies:
        lines.append(_("Tried: ") + ", ".join(
            _("{name} (helped a little)").format(name=shown_name(s.name)) if s.helped == "a little" else
            _("{name} (helped a lot)").format(name=shown_name(s.name)) if s.helped == "a lot" else
            _("{name} (didn't really help)").format(name=shown_name(s.name)) if s.helped == "not really" else shown_name(s.name)
            for s in entry.strategies
        ))
    if entry.group:
        timing = entry.group_timing or "around"
        lines.append((_("Before a meeting: {group}") if timing == "before" else _("After a meeting: {group}") if timing == "after"
                      else _("Around a meeting: {group}")).format(group=entry.group))
    return lines


@ft.component
def EntryCard(entry: Entry, label: str, on_edit, on_delete):
    details = entry_details(entry)
    return ft.Card(
        key=entry.id,
        content=ft.Container(
            padding=ft.Padding.only(left=12, top=8, right=4, bottom=8),
            content=ft.Row(
                vertical_alignment=ft.CrossAxisAlignment.START,
                controls=[
                    ft.Container(padding=ft.Padding.only(top=6), content=MoodDot(entry.mood, 32)),
                    ft.Column(
                        expand=True,
                        spacing=2,
                        controls=[
                            ft.Text(f"{_(label)} · {format_time(entry.at)}", weight=ft.FontWeight.W_600),
                            *[ft.Text(line, size=13, color=ft.Colors.ON_SURFACE_VARIANT) for line in details],
                            *([ft.Text(", ".join(f"#{t}" for t in entry.tags), size=13, color=ft.Colors.PRIMARY)] if entry.tags else []),
                            *([ft.Text(entry.note, max_lines=6, overflow=ft.TextOverflow.ELLIPSIS)] if entry.note else []),
                        ],
                    ),
                    ft.Column(
                        spacing=0,
                        controls=[
                            IconAction(ft.Icons.EDIT_OUTLINED, _("Edit check-in at {time}").format(time=format_time(entry.at)), on_click=bind(on_edit, entry)),
                            IconAction(ft.Icons.DELETE_OUTLINE, _("Delete check-in at {time}").format(time=format_time(entry.at)), on_click=bind(on_delete, entry)),
                        ],
                    ),
                ],
            ),
        ),
    )
