"""The app shell rendered in-process: welcome, destinations, help, settings."""

import flet as ft
import pytest

from tests.privacy_support import PASSPHRASE
from tests.ui_harness import start_ui

pytestmark = pytest.mark.asyncio


async def test_first_run_shows_the_welcome_and_what_stays_on_the_device(services):
    ui = await start_ui(services)
    assert ui.has_text("Welcome to Kindred")
    assert ui.has_text("stay on this device")
    assert not ui.find(ft.NavigationBar), "no navigation until the welcome is done"
    await ui.click(ui.button("Get started"))
    assert not ui.has_text("Welcome to Kindred")
    assert services.preferences.load().welcome_done
    # One tap: the directory, with results, and no passphrase asked for it.
    await ui.wait_for(lambda: ui.has_text("Find a group") and any(t.endswith(" groups") for t in ui.texts()))
    assert ui.find(ft.NavigationBar) and not ui.has_text("Choose a passphrase")
    assert not services.vault.is_set_up()
    # Private screens ask for the set-up in their place.
    await ui.navigate("/journal")
    assert ui.has_text("Choose a passphrase")
    await ui.type("Passphrase", PASSPHRASE)
    await ui.type("Type it again", PASSPHRASE)
    await ui.click(ui.button("Create passphrase"))
    await ui.settle()
    assert ui.has_text("Your recovery code")
    assert ui.button("Continue").disabled, "Continue waits for \"I have written it down\""
    box = ui.find(ft.Semantics, lambda c: c.checked is False)[0]
    await ui.click(box.content)  # the row is the target (views/widgets/check_row.py)
    assert ui.find(ft.Semantics, lambda c: c.checked is True), "the row says it is checked"
    await ui.click(ui.button("Continue"))
    assert ui.find(ft.NavigationBar)
    assert services.vault.is_set_up()


async def test_the_welcome_is_not_shown_again(services):
    services.preferences.mark_welcome_done()
    ui = await start_ui(services, passphrase=PASSPHRASE)
    assert not ui.has_text("Welcome to Kindred")
    assert ui.has_text("Find a group")


@pytest.mark.parametrize("width", [390, 1280])
async def test_every_destination_opens_at_phone_and_desktop_width(services, width):
    services.preferences.mark_welcome_done()
    ui = await start_ui(services, width=width, passphrase=PASSPHRASE)
    navigation = ft.NavigationBar  # at the bottom on phones, under the app bar on wider windows
    nav = ui.find(navigation)
    assert len(nav) == 1
    # No side rail: Tab would weave between it and the page (Flutter's reading order).
    assert not ui.find(ft.NavigationRail)
    expected = {1: "Journal", 2: "Saved groups", 3: "Settings", 0: "Find a group"}
    for index, heading in expected.items():
        nav = ui.find(navigation)[0]
        ui.set(nav, selected_index=index)
        await ui.event(nav, "change")
        assert ui.has_text(heading), f"{heading} after selecting {index}; on screen: {ui.texts()}"
        assert ui.find(navigation)[0].selected_index == index


async def test_resizing_moves_the_navigation_bar_to_the_bottom(services):
    services.preferences.mark_welcome_done()
    ui = await start_ui(services, width=1280, passphrase=PASSPHRASE)
    assert ui.find(ft.NavigationBar) and not [v for v in ui.find(ft.View) if v.navigation_bar is not None]
    await ui.event(ui.page, "resize", {"width": 390, "height": 844})
    assert [v for v in ui.find(ft.View) if isinstance(v.navigation_bar, ft.NavigationBar)]


async def test_help_is_in_the_app_bar_everywhere_and_shows_the_countrys_lines(services):
    services.preferences.mark_welcome_done()
    services.preferences.set_country("GB")
    for route in ("/", "/journal", "/saved", "/settings"):
        ui = await start_ui(services, route=route)
        await ui.click(ui.button("Get help now"))
        assert ui.current_route() == route, "help is an overlay: the page underneath stays"
        assert ui.has_text("Samaritans")
        assert ui.has_text("call 999")
        await ui.click(ui.labelled("Close help"))
        assert ui.current_route() == route and not ui.state.help_open
        # Closed: the dialog is told to close (the client then drops it, with its content).
        assert not any(dialog.open for dialog in ui.find(ft.AlertDialog))


async def test_help_works_before_the_welcome_is_done(services):
    services.preferences.set_country("AU")
    ui = await start_ui(services)
    await ui.click(ui.button("Get help now"))
    assert ui.has_text("Lifeline")


async def test_unknown_country_asks_and_still_shows_an_emergency_number(services):
    services.preferences.mark_welcome_done()
    ui = await start_ui(services, route="/help", locales=("en",))
    assert ui.has_text("Which country are you in?")
    assert ui.button("Call 112") and ui.has_text("Find A Helpline")


async def test_settings_change_theme_and_country(services):
    services.preferences.mark_welcome_done()
    ui = await start_ui(services, route="/settings", passphrase=PASSPHRASE)
    segmented = ui.find(ft.SegmentedButton)[0]
    ui.set(segmented, selected=["dark"])
    await ui.event(segmented, "change", ["dark"])
    assert ui.page.theme_mode == ft.ThemeMode.DARK
    assert services.preferences.load().theme_mode == "dark"

    dropdown = ui.find(ft.Dropdown, lambda c: c.label == "Country")[0]
    ui.set(dropdown, value="IE")
    await ui.event(dropdown, "select", "IE")
    assert services.preferences.load().country == "IE"
    await ui.click(ui.button("Get help now"))
    assert ui.has_text("Samaritans") and ui.has_text("50808")


async def test_theme_choice_is_applied_at_start(services):
    services.preferences.set_theme_mode("light")
    ui = await start_ui(services)
    assert ui.page.theme_mode == ft.ThemeMode.LIGHT
