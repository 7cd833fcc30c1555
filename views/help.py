"""Crisis help behind "Get help now": the emergency number (always, offline, even before the
country is known), the country's crisis lines, and where else to look. Shown as an overlay
over whatever is on screen (closing it returns exactly there), and on the /help route for a
shared link.

Works locked, offline and without a database: everything shown comes from bundled files.
When the country is not known (a browser or device locale without a region), the screen asks
first, with a searchable list, and meanwhile offers 112 and 911, which mobile phones treat
as emergency numbers everywhere.
"""

import asyncio

import flet as ft

from services.crisis import crisis_info
from services.links import tel_link
from views.actions import use_actions
from views.models import AppModel, use_app
from views.widgets.country_picker import CountryPicker
from views.widgets.icon_action import IconAction
from views.widgets.modal_view import ModalView
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401

ACTION_ICONS = {"call": ft.Icons.CALL, "text": ft.Icons.SMS, "chat": ft.Icons.CHAT, "web": ft.Icons.OPEN_IN_NEW}
MAX_OTHER_NUMBERS = 3  # a few datasets list many numbers; the first ones are the useful ones


@ft.component
def EmergencyCard(info):
    emergency = info.emergency
    where = _("the emergency number in {country}").format(country=info.country_name) if info.country_known else _("from any mobile phone")
    others = emergency.others[:MAX_OTHER_NUMBERS]
    return ft.Container(
        bgcolor=ft.Colors.ERROR_CONTAINER,
        border_radius=12,
        padding=16,
        content=ft.Column(
            spacing=10,
            controls=[
                ft.Text(
                    _("If you are in danger right now, or might act on thoughts of harming yourself, "
                      "call {number}, {where}.").format(number=emergency.primary, where=where),
                    color=ft.Colors.ON_ERROR_CONTAINER,
                    weight=ft.FontWeight.W_600,
                ),
                ft.Row(
                    wrap=True,
                    spacing=8,
                    run_spacing=8,
                    controls=[
                        ft.FilledButton(
                            _("Call {number}").format(number=emergency.primary),
                            icon=ft.Icons.PHONE_IN_TALK,
                            url=tel_link(emergency.primary),
                            style=ft.ButtonStyle(bgcolor=ft.Colors.ERROR, color=ft.Colors.ON_ERROR),
                        ),
                        *[ft.OutlinedButton(_("Call {number}").format(number=number), url=tel_link(number)) for number in others],
                    ],
                ),
                *([ft.Text(emergency.note, size=13, color=ft.Colors.ON_ERROR_CONTAINER)] if emergency.note else []),
            ],
        ),
    )


def _checked(day) -> str:
    try:
        from datetime import date  # noqa: PLC0415

        return format_date(day if isinstance(day, date) else date.fromisoformat(str(day)), "long")
    except ValueError:
        return str(day)


def _fact(label: str, value: str) -> ft.Text:
    return ft.Text(spans=[ft.TextSpan(f"{label}: ", style=ft.TextStyle(weight=ft.FontWeight.W_600)), ft.TextSpan(value)])


@ft.component
def CrisisLineCard(line):
    reachable = any(action.kind in ("call", "text") for action in line.actions)
    facts = [_fact(_("For"), line.audience)]
    if reachable:
        facts.append(_fact(_("Hours"), line.hours or _("not stated on the pages checked; see the website")))
    if line.languages:
        facts.append(_fact(_("Languages"), line.languages))
    return ft.Card(
        content=ft.Container(
            padding=16,
            width=float("inf"),  # every card as wide as the page, whatever its text
            content=ft.Column(
                spacing=8,
                controls=[
                    ft.Text(line.name, theme_style=ft.TextThemeStyle.TITLE_MEDIUM, weight=ft.FontWeight.W_600),
                    *facts,
                    ft.Text(line.description),
                    ft.Row(
                        wrap=True,
                        spacing=8,
                        run_spacing=8,
                        controls=[
                            ft.FilledButton(action.label, icon=ACTION_ICONS.get(action.kind), url=action.target)
                            for action in line.actions
                        ],
                    ),
                ],
            ),
        )
    )


@ft.component
def WhereElse(state: AppModel, country: str):
    places, set_places = ft.use_state(None)

    async def load():
        set_places(await asyncio.to_thread(state.services.directory.where_else_to_look, country))

    ft.use_effect(load, [country])
    rows = []
    for place in places or []:
        links = []
        if place.phone and tel_link(place.phone):
            links.append(ft.TextButton(_("Call {phone}").format(phone=place.phone), icon=ft.Icons.CALL_OUTLINED, url=tel_link(place.phone)))
        if place.url:
            links.append(ft.TextButton(_("Website"), icon=ft.Icons.OPEN_IN_NEW, url=place.url))
        rows.append(ft.Column(spacing=2, controls=[
            ft.Text(place.name, weight=ft.FontWeight.W_600),
            ft.Text(place.description, size=13, color=ft.Colors.ON_SURFACE_VARIANT),
            *([ft.Row(wrap=True, spacing=8, controls=links)] if links else []),
        ]))
    return ft.Column(spacing=8, controls=[
        ft.Text(_("Where else to look"), theme_style=ft.TextThemeStyle.TITLE_MEDIUM),
        ft.Text(_("Other places that can point you to support or a group near you."), color=ft.Colors.ON_SURFACE_VARIANT),
        *rows,
    ])


@ft.component
def HelpContent(state: AppModel, actions, leave):
    """The help itself. ``leave(route)`` closes the help and goes to ``route``. The models
    come as arguments: inside the overlay's dialog the component contexts do not reach."""
    picking, set_picking = ft.use_state(False)
    info = crisis_info(state.country)

    async def choose(code: str):
        set_picking(False)
        await actions.set_preferences(state.services.preferences.set_country, code)

    controls: list = [EmergencyCard(info)]
    if not info.country_known or picking:
        controls.append(CountryPicker(choose))
    if info.country_known:
        controls.append(ft.Row(
            wrap=True,
            vertical_alignment=ft.CrossAxisAlignment.CENTER,
            controls=[
                ft.Text(_("Crisis lines for {country}").format(country=info.country_name), theme_style=ft.TextThemeStyle.TITLE_MEDIUM),
                ft.TextButton(_("Cancel") if picking else _("Change country"), icon=ft.Icons.PUBLIC,
                              on_click=lambda: set_picking(not picking)),
            ],
        ))
        if info.own_lines:
            controls.append(ft.Text(_("You don't have to be in crisis to reach out. These lines are free and confidential.")))
            controls += [CrisisLineCard(line) for line in info.own_lines]
        else:
            controls.append(ft.Text(
                _("Kindred has no checked crisis lines for {country} yet. Find A Helpline lists "
                  "lines in many countries (it needs the internet).").format(country=info.country_name)))
    controls.append(CrisisLineCard(info.lines[-1]))  # Find A Helpline: an extra, never the only thing
    if info.country_known:
        controls.append(WhereElse(state, info.country_code))
    controls += [
        ft.OutlinedButton(_("My safety plan"), icon=ft.Icons.HEALTH_AND_SAFETY, on_click=lambda: leave("/journal/safety-plan")),
        ft.Text(
            _("Lines last checked {date} against public pages; numbers and hours change. "
              "Kindred does not see or record any call or message.").format(date=_checked(info.last_checked)),
            size=12,
            color=ft.Colors.ON_SURFACE_VARIANT,
        ),
    ]
    return ft.Column(spacing=16, controls=controls)


def open_help(app: AppModel) -> None:
    """Show the crisis lines over the current screen (nothing underneath changes)."""
    app.touch()
    app.help_open = True


def help_controls(app: AppModel, actions, leave) -> list:
    """What "Get help now" shows. ``leave(route)`` closes the help and goes to ``route``."""
    # Keyed by the country: a new country mounts fresh content. Inside the overlay's dialog
    # an updated tree is sent as a frozen diff, which dropped the switch from the country
    # list to the lines in a real browser.
    return [HelpContent(app, actions, leave, key=f"help-{app.country or 'unknown'}")]


@ft.component
def HelpOverlay():
    """Mounted once in the shell: the crisis lines as a full-screen dialog while
    ``AppModel.help_open``. The page underneath stays mounted and untouched."""
    app = use_app()
    actions = use_actions()

    def close(_=None):
        app.help_open = False

    def leave(route: str) -> None:
        app.help_open = False
        ft.context.page.navigate(route)

    if not app.help_open:
        ft.use_dialog(None)
    else:
        ft.use_dialog(ft.AlertDialog(
            semantics_label=_("Get help now"),  # a dialog's name (its title is a row with the close button)
            modal=False,
            inset_padding=ft.Padding.all(0),
            content_padding=ft.Padding.all(0),
            title_padding=ft.Padding.only(left=8, top=8, right=16),
            title=ft.Row(spacing=8, controls=[
                IconAction(ft.Icons.CLOSE, _("Close help"), on_click=close),
                ft.Text(_("Get help now"), theme_style=ft.TextThemeStyle.TITLE_LARGE, expand=True),
            ]),
            content=ft.Container(
                width=max(300, min(app.width - 32, 720)),
                padding=ft.Padding.symmetric(horizontal=16, vertical=12),
                content=ft.Column(spacing=16, controls=help_controls(app, actions, leave)),
            ),
            scrollable=True,
            on_dismiss=close,
        ))
    return ft.Container(width=0, height=0)


@ft.component
def HelpScreen():
    """/help opened directly (a link or a bookmark): the same help as a page."""
    app = use_app()
    actions = use_actions()

    def leave(route: str) -> None:
        ft.context.page.navigate(route)

    return ModalView("/help", _("Get help now"), _("Close help"), help_controls(app, actions, leave))
