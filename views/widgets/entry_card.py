import flet as ft

from services.journal import Entry
from views.widgets.bind import bind
from views.widgets.icon_action import IconAction
from views.widgets.mood_picker import MoodDot


def entry_details(entry: Entry) -> list[str]:
    lines = []
    if entry.emotions:
        lines.append("Felt: " + ", ".join(entry.emotions))
    measures = []
    if entry.energy:
        measures.append(f"energy {entry.energy}/5")
    if entry.anxiety:
        measures.append(f"anxiety {entry.anxiety}/5")
    if entry.sleep_hours is not None:
        measures.append(f"slept {entry.sleep_hours:g} h")
    if measures:
        lines.append(", ".join(measures).capitalize())
    if entry.strategies:
        lines.append("Tried: " + ", ".join(
            f"{s.name} (helped {s.helped})" if s.helped in ("a little", "a lot") else
            f"{s.name} (didn't really help)" if s.helped == "not really" else s.name
            for s in entry.strategies
        ))
    if entry.group:
        lines.append(f"{(entry.group_timing or 'around').capitalize()} a meeting: {entry.group}")
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
                            ft.Text(f"{label} · {entry.at:%H:%M}", weight=ft.FontWeight.W_600),
                            *[ft.Text(line, size=13, color=ft.Colors.ON_SURFACE_VARIANT) for line in details],
                            *([ft.Text(", ".join(f"#{t}" for t in entry.tags), size=13, color=ft.Colors.PRIMARY)] if entry.tags else []),
                            *([ft.Text(entry.note, max_lines=6, overflow=ft.TextOverflow.ELLIPSIS)] if entry.note else []),
                        ],
                    ),
                    ft.Column(
                        spacing=0,
                        controls=[
                            IconAction(ft.Icons.EDIT_OUTLINED, f"Edit check-in at {entry.at:%H:%M}", on_click=bind(on_edit, entry)),
                            IconAction(ft.Icons.DELETE_OUTLINE, f"Delete check-in at {entry.at:%H:%M}", on_click=bind(on_delete, entry)),
                        ],
                    ),
                ],
            ),
        ),
    )
