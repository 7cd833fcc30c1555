"""Settings → Finding groups: my place (city or ZIP code, found offline, kept private),
the distance unit and 12- or 24-hour times."""

from __future__ import annotations

import asyncio

import flet as ft

from services import finding
from views.find_common import use_finding
from views.state import use_app_state


@ft.component
def FindingSettingsSection():
    state = use_app_state()
    prefs = use_finding()
    text, set_text = ft.use_state(None)
    error, set_error = ft.use_state(None)
    shown = prefs.place_text if text is None else text

    async def save_place(_=None):
        state.touch()
        if state.store is None:
            return
        try:
            state.finding = await asyncio.to_thread(finding.set_place, state.store, shown, state.country)
        except ValueError as problem:
            set_error(str(problem))  # what was typed stays in the field
            return
        set_error(None)
        set_text(None)

    async def forget_place(_=None):
        state.finding = await asyncio.to_thread(finding.set_place, state.store, "", state.country)
        set_text(None)
        set_error(None)

    async def on_unit(e):
        unit = next(iter(e.control.selected or []), prefs.distance_unit)
        state.finding = await asyncio.to_thread(finding.set_distance_unit, state.store, unit, state.country)

    async def on_clock(e):
        value = next(iter(e.control.selected or []), "24" if prefs.hour24 else "12")
        state.finding = await asyncio.to_thread(finding.set_hour24, state.store, value == "24", state.country)

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
