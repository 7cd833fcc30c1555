""""Get help now" in-process: the country from this session's own locale (never the
server's), a searchable country list when it is unknown, the emergency number always, and
each line's audience, hours and call/text/chat buttons."""

import flet as ft
import pytest

from tests.ui_harness import start_ui

pytestmark = pytest.mark.asyncio


def link_targets(ui) -> set[str]:
    return {c.url for kind in (ft.Button, ft.TextButton, ft.OutlinedButton) for c in ui.find(kind) if c.url}


async def test_an_unknown_locale_asks_for_the_country_and_offers_112(services, monkeypatch):
    monkeypatch.setenv("LANG", "en_GB.UTF-8")  # the server's locale must not count in a browser
    ui = await start_ui(services, route="/help", locales=("en",))
    assert ui.state.country is None
    assert ui.has_text("Which country are you in?") and not ui.has_text("Samaritans")
    assert {"tel:112", "tel:911"} <= link_targets(ui)
    assert ui.has_text("Mobile phones treat 112 and 911 as emergency numbers")

    await ui.type("Search countries", "zeal")
    assert [b.content for b in ui.find(ft.OutlinedButton) if b.content == "New Zealand"]
    assert not ui.find(ft.OutlinedButton, lambda b: b.content == "Afghanistan")
    await ui.click(ui.button("New Zealand"))
    await ui.wait_for(lambda: ui.has_text("Crisis lines for New Zealand"))
    assert services.preferences.load().country == "NZ"
    assert "tel:111" in link_targets(ui) and "tel:112" not in link_targets(ui)
    assert ui.has_text("Crisis lines for New Zealand") and ui.has_text("Youthline")
    assert {"tel:1737", "sms:1737", "tel:0800376633", "sms:234"} <= link_targets(ui)
    assert not ui.has_text("Which country are you in?")


async def test_the_browsers_locale_names_the_country(services, monkeypatch):
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    ui = await start_ui(services, route="/help", locales=("en-NZ", "en"))
    await ui.wait_for(lambda: ui.has_text("Crisis lines for New Zealand"))
    assert ui.state.locale_country == "NZ" and "tel:111" in link_targets(ui)
    assert not ui.has_text("Which country are you in?")
    assert services.preferences.load().country is None  # a guess is not saved as a choice


async def test_a_locale_change_in_the_browser_moves_the_guess(services):
    ui = await start_ui(services, route="/help", locales=("en",))
    await ui.event(ui.page, "locale_change", {"locales": [{"language_code": "fr", "country_code": "CA"}]})
    # fr-CA: the country and the language both follow the browser.
    await ui.wait_for(lambda: ui.has_text("Lignes de crise : Canada"))
    assert ui.state.country == "CA" and "sms:686868?body=CONNECT" in link_targets(ui)


async def test_the_persons_choice_wins_over_the_locale(services):
    services.preferences.set_country("IE")
    ui = await start_ui(services, route="/help", locales=("en-NZ",))
    await ui.wait_for(lambda: ui.state.locale_country == "NZ")
    assert ui.has_text("Crisis lines for Ireland")
    assert {"tel:1800247247", "sms:51444?body=HELP", "sms:50808?body=HELLO"} <= link_targets(ui)


async def test_change_country_opens_the_list_and_cancel_closes_it(services):
    services.preferences.set_country("GB")
    ui = await start_ui(services, route="/help")
    assert not ui.has_text("Which country are you in?")
    await ui.click(ui.button("Change country"))
    assert ui.has_text("Which country are you in?")
    await ui.type("Search countries", "qqqq")
    assert ui.has_text("No country matches")
    await ui.click(ui.button("Cancel"))
    assert not ui.has_text("Which country are you in?") and ui.has_text("Crisis lines for United Kingdom")


async def test_a_country_without_bundled_lines_shows_its_number_and_find_a_helpline(services):
    services.preferences.set_country("IS")
    ui = await start_ui(services, route="/help")
    assert "tel:112" in link_targets(ui) and "https://findahelpline.com/" in link_targets(ui)
    assert ui.has_text("Kindred has no checked crisis lines for Iceland yet")


async def test_lines_show_who_they_are_for_and_hours(services):
    services.preferences.set_country("US")
    ui = await start_ui(services, route="/help")
    spans = [span.text for text in ui.find(ft.Text) for span in (text.spans or [])]
    assert "Veterans, service members (including the National Guard and Reserve) and the people who care about them" in spans
    assert "Monday to Friday, 10 a.m. to 10 p.m. Eastern Time" in spans
    assert {"tel:988", "sms:838255", "https://www.veteranscrisisline.net/get-help-now/chat/"} <= link_targets(ui)
    assert ui.button("Call 988, then press 1")
    assert ui.has_text("Where else to look")
    await ui.wait_for(lambda: ui.has_text("NAMI HelpLine"))


async def test_the_overlay_asks_then_shows_the_chosen_countrys_lines(services):
    """The same help as an overlay over Find (what "Get help now" opens)."""
    services.preferences.mark_welcome_done()
    ui = await start_ui(services, route="/", locales=("en",))
    await ui.click(ui.button("Get help now"))
    await ui.wait_for(lambda: ui.has_text("Which country are you in?"))
    await ui.type("Search countries", "zeal")
    await ui.click(ui.button("New Zealand"))
    await ui.wait_for(lambda: ui.has_text("Crisis lines for New Zealand"))
    dialog = next(d for d in ui.find(ft.AlertDialog) if d.open)
    texts = [c.value for c in ui.controls() if isinstance(c, ft.Text) and isinstance(c.value, str)
             and _inside(c, dialog)]
    assert "Which country are you in?" not in texts and "Youthline" in texts


def _inside(control, ancestor) -> bool:
    while control is not None:
        if control is ancestor:
            return True
        control = getattr(control, "parent", None)
    return False
