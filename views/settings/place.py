"""Settings → Finding groups: my place (city or ZIP code, found offline, kept private),
the distance unit and 12- or 24-hour times."""

from __future__ import annotations

import flet as ft

from views.actions import FAILED, use_actions
from views.find.common import use_finding
from views.models import use_app


@ft.component
def FindingSettingsSection():
    state = use_app()
    run = use_actions().run
    prefs = use_finding()
    text, set_text = ft.use_state(None)
    error, set_error = ft.use_state(None)
    shown = prefs.place_text if text is None else text

    async def change(method: str, *args, on_error=None) -> bool:
        session = state.session
        if session is None:
            return False
        prefs_now = await run(getattr(session, method), *args, on_error=on_error)
        if prefs_now is FAILED:
            return False
        state.finding = prefs_now
        return True

    async def save_place(_=None):
        if await change("set_place", shown, on_error=set_error):  # on a problem, what was typed stays
            set_error(None)
            set_text(None)

    async def forget_place(_=None):
        if await change("set_place", ""):
            set_text(None)
            set_error(None)

    async def on_unit(e):
        await change("set_distance_unit", next(iter(e.control.selected or []), prefs.distance_unit))

    async def on_clock(e):
        value = next(iter(e.control.selected or []), "24" if prefs.hour24 else "12")
        await change("set_hour24", value == "24")

    return ft.Column(
        spacing=12,
        controls=[
            ft.Text("Finding groups", theme_style=ft.TextThemeStyle.TITLE_MEDIUM, weight=ft.FontWeight.W_600),
            ft.Text("Your place is only used on this device, to show distances. It is found offline and kept encrypted.",
                    color=ft.Colors.ON_SURFACE_VARIANT),
            ft.TextField(
                label="My place (city or ZIP code)",
                value=shown,
                prefix_icon=ft.Icons.PLACE_OUTLINED,
                on_change=lambda e: set_text(e.control.value or ""),
                on_submit=save_place,
                error=error,
                error_max_lines=3,
            ),
            ft.Row(wrap=True, spacing=8, run_spacing=8, controls=[
                ft.FilledTonalButton("Save place", icon=ft.Icons.CHECK, on_click=save_place),
                *([ft.TextButton("Forget my place", on_click=forget_place)] if prefs.place else []),
            ]),
            *([ft.Text(f"Using: {prefs.place.name}", color=ft.Colors.PRIMARY)] if prefs.place else []),
            ft.Text("Distances in"),
            ft.SegmentedButton(
                selected=[prefs.distance_unit],
                allow_multiple_selection=False,
                allow_empty_selection=False,
                on_change=on_unit,
                segments=[ft.Segment(value="km", label=ft.Text("Kilometres")), ft.Segment(value="mi", label=ft.Text("Miles"))],
            ),
            ft.Text("Times"),
            ft.SegmentedButton(
                selected=["24" if prefs.hour24 else "12"],
                allow_multiple_selection=False,
                allow_empty_selection=False,
                on_change=on_clock,
                segments=[ft.Segment(value="12", label=ft.Text("7:00 PM")), ft.Segment(value="24", label=ft.Text("19:00"))],
            ),
        ],
    )
