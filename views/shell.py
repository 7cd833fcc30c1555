"""The app shell: app bar with "Get help now", and Find / Journal / Saved / Settings.

A phone-sized window on a touch screen gets a bottom navigation bar; every other window the
same bar under the app bar (not a side rail, and not at the bottom for a keyboard: see below).
"""

import flet as ft

from views.find.route_state import find_route
from views.guard import PrivateGateDialog, full_screen_gate
from views.help import HelpOverlay
from views.i18n import N_, _
from views.models import use_app
from views.widgets.help_action import HelpAction
from views.widgets.icon_action import IconAction

DESTINATION_BAR_WIDTH = 560  # four destinations, centred over the page
# No tooltip on a destination: it only repeats the label shown under the icon, and Flutter's
# web engine ties the tooltip's overlay to the tab with an ``aria-owns`` that outlives it
# (axe: aria-valid-attr-value, critical). Flutter takes "" as "no tooltip".
NO_TOOLTIP = ""

DESTINATIONS = [
    ("/", N_("Find"), ft.Icons.SEARCH_OUTLINED, ft.Icons.SEARCH),
    ("/journal", N_("Journal"), ft.Icons.EDIT_NOTE_OUTLINED, ft.Icons.EDIT_NOTE),
    ("/saved", N_("Saved"), ft.Icons.BOOKMARK_BORDER, ft.Icons.BOOKMARK),
    ("/settings", N_("Settings"), ft.Icons.SETTINGS_OUTLINED, ft.Icons.SETTINGS),
]


def selected_destination() -> int:
    for index, (route, *_rest) in enumerate(DESTINATIONS):
        if route != "/" and ft.is_route_active(route):
            return index
    return 0


@ft.component
def Shell():
    state = use_app()
    outlet = ft.use_route_outlet()
    state.touch()  # navigating counts as use for the auto-lock
    locked_bar = ft.AppBar(title=ft.Text("Kindred"), actions=[HelpAction()])

    # The first welcome, and a new recovery code, fill the whole window. Otherwise the
    # public screens (Find, groups, help) always work; private ones sit behind the
    # AuthGuard route, which asks for set-up or the passphrase in their place.
    full_screen = full_screen_gate(state)
    if full_screen is not None:
        return ft.View(route="/", can_pop=False, appbar=locked_bar, controls=[full_screen(), HelpOverlay(key="help"), PrivateGateDialog(key="private-gate")])

    def lock_now():
        state.lock_button()

    appbar = ft.AppBar(
        title=ft.Text("Kindred"),
        actions=[
            *([IconAction(ft.Icons.LOCK_OUTLINE, _("Lock now"), on_click=lock_now)] if state.unlocked else []),
            HelpAction(),
        ],
    )

    selected = selected_destination()

    def go(e):
        route = DESTINATIONS[int(e.control.selected_index)][0]
        # Back to Find is back to the search as it was (words, filters, sort, place in the list).
        ft.context.page.navigate(find_route(state.find) if route == "/" else route)

    if state.destinations_at_bottom:
        return ft.View(
            route="/",  # one key for every tab: switching tabs is not a push
            can_pop=False,
            appbar=appbar,
            padding=0,
            navigation_bar=ft.NavigationBar(
                selected_index=selected,
                on_change=go,
                destinations=[
                    ft.NavigationBarDestination(icon=icon, selected_icon=selected_icon, label=_(label), tooltip=NO_TOOLTIP)
                    for _route, label, icon, selected_icon in DESTINATIONS
                ],
            ),
            controls=[outlet, HelpOverlay(key="help"), PrivateGateDialog(key="private-gate")],
        )
    # Wider windows, and narrow ones without a touch screen: the destinations in a bar under
    # the app bar, not a side rail, nor at the bottom. Flutter moves keyboard focus in reading
    # order by position, so a rail beside the page made Tab weave between the rail and the
    # page, and a bar at the bottom came between the rows on screen and the rows scrolled
    # below it; a bar above the page is read (and tabbed) first, then the page, top to bottom.
    # The same tree at every width: a narrow window widened (or the reverse) keeps its page,
    # its half-typed text, focus and scroll.
    return ft.View(
        route="/",
        can_pop=False,
        appbar=appbar,
        padding=0,
        spacing=0,
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,  # the page's own column centres its content
        controls=[
            ft.Row(alignment=ft.MainAxisAlignment.CENTER, controls=[ft.Container(
                width=None if state.is_phone else DESTINATION_BAR_WIDTH,
                expand=state.is_phone,
                content=ft.NavigationBar(
                    selected_index=selected,
                    on_change=go,
                    height=64,
                    bgcolor=ft.Colors.SURFACE,
                    destinations=[
                        ft.NavigationBarDestination(icon=icon, selected_icon=selected_icon, label=_(label), tooltip=NO_TOOLTIP)
                        for _route, label, icon, selected_icon in DESTINATIONS
                    ],
                ),
            )]),
            ft.Divider(height=1),
            ft.Container(expand=True, content=outlet),
            HelpOverlay(key="help"),
            PrivateGateDialog(key="private-gate"),
        ],
    )
