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


async def choose(ui, dropdown, value: str) -> None:
    ui.set(dropdown, value=value)
    await ui.event(dropdown, "select", value)
    await ui.settle()


def bottom_bars(ui) -> list:
    return [v for v in ui.find(ft.View) if isinstance(v.navigation_bar, ft.NavigationBar)]


async def test_resizing_a_touch_screen_moves_the_navigation_bar_to_the_bottom(services):
    services.preferences.mark_welcome_done()
    ui = await start_ui(services, width=1280, passphrase=PASSPHRASE, platform=ft.PagePlatform.ANDROID)
    assert ui.find(ft.NavigationBar) and not bottom_bars(ui)
    await ui.event(ui.page, "resize", {"width": 390, "height": 844})
    assert bottom_bars(ui) and len(ui.find(ft.NavigationBar)) == 1


@pytest.mark.parametrize("platform", [ft.PagePlatform.IOS, ft.PagePlatform.ANDROID])
async def test_a_phone_shows_the_destinations_at_the_bottom(services, platform):
    services.preferences.mark_welcome_done()
    ui = await start_ui(services, width=390, platform=platform)
    assert bottom_bars(ui) and len(ui.find(ft.NavigationBar)) == 1


async def test_a_narrow_window_on_a_computer_keeps_the_destinations_on_top_and_its_page_across_resizes(services):
    """Tab goes by position in Flutter: a bar at the bottom came between the rows on screen and
    the rows scrolled below it. On a computer (a keyboard) the bar stays above the page at every
    width, and the page is the same one when the window crosses the phone width."""
    services.preferences.mark_welcome_done()
    ui = await start_ui(services, width=390, passphrase=PASSPHRASE, route="/journal")
    assert ui.find(ft.NavigationBar) and not bottom_bars(ui)
    await ui.wait_for(lambda: bool(ui.find(ft.TextField)))
    field = ui.find(ft.TextField)[0]
    ui.set(field, value="half a thought")
    await ui.event(field, "change", "half a thought")
    await ui.settle()
    for width in (1280, 390, 1280):
        await ui.event(ui.page, "resize", {"width": width, "height": 800})
        await ui.settle()
        assert ui.find(ft.NavigationBar) and not bottom_bars(ui), width
        # (Each drawing makes new Python objects; the client's control, its number, is kept.)
        assert ui.find(ft.TextField)[0]._i == field._i, f"the page was built anew at {width} px"
        assert ui.find(ft.TextField)[0].value == "half a thought"


async def test_settings_choose_where_the_destinations_go_on_a_narrow_screen(services):
    services.preferences.mark_welcome_done()
    ui = await start_ui(services, width=390, route="/settings", passphrase=PASSPHRASE, platform=ft.PagePlatform.ANDROID)
    assert bottom_bars(ui)
    choice = ui.find(ft.Dropdown, lambda d: d.label == "Navigation on a narrow screen")[0]
    assert choice.value == "auto"
    await choose(ui, choice, "top")
    assert not bottom_bars(ui) and ui.find(ft.NavigationBar)
    assert services.preferences.load().navigation_place == "top"
    computer = await start_ui(services, width=390, route="/settings", passphrase=PASSPHRASE)
    assert not bottom_bars(computer)
    await choose(computer, computer.find(ft.Dropdown, lambda d: d.label == "Navigation on a narrow screen")[0], "bottom")
    assert bottom_bars(computer)
    # Wider windows keep the bar under the app bar whatever the choice.
    await computer.event(computer.page, "resize", {"width": 1280, "height": 800})
    assert not bottom_bars(computer) and computer.find(ft.NavigationBar)


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
