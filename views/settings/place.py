"""Settings → Finding groups: my place (city or ZIP code, found offline, kept private;
a name several places share offers them to choose from; "Use my location" where the device
can tell), the distance unit and 12- or 24-hour times."""

from __future__ import annotations

import asyncio

import flet as ft

from services.session import PlaceNeedsChoice
from views.actions import FAILED, use_actions
from views.find.common import use_finding
from views.live_value import use_live_value
from views.models import use_app
from views.widgets.bind import bind
from views.widgets.text_input import TextInput
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401


LOCATION_TIMEOUT_S = 20


def _place_or_candidates(session, text: str):
    """The new preferences, or the places to choose from when several have that name."""
    try:
        return session.set_place(text)
    except PlaceNeedsChoice as choice:
        return list(choice.candidates)


async def device_position():
    """The device's own position (browser or phone geolocation), asked for with permission;
    None where the platform has none. Computed on the device and never sent anywhere."""
    try:
        from flet_geolocator import Geolocator, GeolocatorPermissionStatus
    except ImportError:
        return None
    locator = Geolocator()
    # A platform that never answers must not leave the button spinning.
    status = await asyncio.wait_for(locator.request_permission(), LOCATION_TIMEOUT_S)
    if status in (GeolocatorPermissionStatus.DENIED, GeolocatorPermissionStatus.DENIED_FOREVER):
        raise ValueError("Location permission was not given. You can type your town instead.")
    position = await asyncio.wait_for(locator.get_current_position(), LOCATION_TIMEOUT_S)
    return (position.latitude, position.longitude) if position else None


@ft.component
def FindingSettingsSection():
    state = use_app()
    run = use_actions().run
    prefs = use_finding()
    text = use_live_value(None)  # None: not edited, the saved place shows
    error, set_error = ft.use_state(None)
    choices, set_choices = ft.use_state(())
    def typed_place() -> str:
        return prefs.place_text if text.value is None else text.value

    shown = typed_place()

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
        session = state.session
        if session is None:
            return
        found = await run(_place_or_candidates, session, typed_place(), on_error=set_error)  # on a problem, what was typed stays
        if found is FAILED:
            return
        if isinstance(found, list):
            set_choices(tuple(found))
            set_error(None)
            return
        state.finding = found
        set_choices(())
        set_error(None)
        text.set(None)

    async def pick(place):
        if await change("choose_place", place, place.name):
            set_choices(())
            text.set(None)
            set_error(None)

    async def use_my_location(_e=None):
        session = state.session
        if session is None:
            return
        try:
            position = await device_position()
        except Exception as problem:  # noqa: BLE001 - the platform's own words become a calm message
            set_error(str(problem) if isinstance(problem, ValueError) else _("This device could not tell where you are. "
                      "You can type your town instead."))
            return
        if position is None:
            set_error(_("This device could not tell where you are. You can type your town instead."))
            return
        if await change("set_device_location", *position, on_error=set_error):
            set_choices(())
            text.set(None)
            set_error(None)

    async def forget_place(_=None):
        if await change("set_place", ""):
            text.set(None)
            set_error(None)

    async def on_unit(e):
        await change("set_distance_unit", next(iter(e.control.selected or []), prefs.distance_unit))

    async def on_clock(e):
        value = next(iter(e.control.selected or []), "24" if prefs.hour24 else "12")
        await change("set_hour24", value == "24")

    return ft.Column(
        spacing=12,
        controls=[
            ft.Text(_("Finding groups"), theme_style=ft.TextThemeStyle.TITLE_MEDIUM, weight=ft.FontWeight.W_600),
            ft.Text(_("Your place is only used on this device, to show distances. It is found offline and kept encrypted."),
                    color=ft.Colors.ON_SURFACE_VARIANT),
            TextInput(
                label=_("My place (city or ZIP code)"),
                value=shown,
                prefix_icon=ft.Icons.PLACE_OUTLINED,
                on_change=text.on_text_change,
                on_submit=save_place,
                error=error,
                error_max_lines=3,
            ),
            ft.Row(wrap=True, spacing=8, run_spacing=8, controls=[
                ft.FilledTonalButton(_("Save place"), icon=ft.Icons.CHECK, on_click=save_place),
                ft.OutlinedButton(_("Use my location"), icon=ft.Icons.MY_LOCATION, on_click=use_my_location,
                                  tooltip=_("Worked out on this device and kept encrypted; never sent")),
                *([ft.TextButton(_("Forget my place"), on_click=forget_place)] if prefs.place else []),
            ]),
            *([ft.Text(_("Several places have that name — which one?"), weight=ft.FontWeight.W_600),
               ft.Column(spacing=4, controls=[
                   ft.TextButton(place.name, icon=ft.Icons.PLACE_OUTLINED, key=place.name,
                                 on_click=bind(pick, place))
                   for place in choices])] if choices else []),
            *([ft.Text(_("Using: {place}").format(place=prefs.place.name), color=ft.Colors.PRIMARY)] if prefs.place else []),
            ft.Text(_("Distances in")),
            ft.SegmentedButton(
                selected=[prefs.distance_unit],
                allow_multiple_selection=False,
                allow_empty_selection=False,
                on_change=on_unit,
                segments=[ft.Segment(value="km", label=ft.Text(_("Kilometres"))), ft.Segment(value="mi", label=ft.Text(_("Miles")))],
            ),
            ft.Text(_("Times")),
            ft.SegmentedButton(
                selected=["24" if prefs.hour24 else "12"],
                allow_multiple_selection=False,
                allow_empty_selection=False,
                on_change=on_clock,
                segments=[ft.Segment(value="12", label=ft.Text(_("7:00 PM"))), ft.Segment(value="24", label=ft.Text("19:00"))],
            ),
        ],
    )
