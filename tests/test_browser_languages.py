"""Languages in a real browser: the browser's language picks the UI's, and Settings changes it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from tests.app_process import running_app
from tests.browser_support import (DESKTOP, PHONE, open_app, open_destination, set_up_passphrase, still_screenshot,
                                   wait_until_settled)
from tests.privacy_support import PASSPHRASE

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
# Spelled the same in English and the language: not a sign of a missing translation.
SAME = {"Kindred", "Journal", "OK", "JSON", "CSV", "PHQ-9", "GAD-7", "LGBTQ+", "Stress", "Distance", "Contact", "Note",
        "English", "Español", "Français", "Miles", "Perinatal", "Question", "Bipolar", "Professional", "Donation"}

SCREEN_TEXT_JS = """() => Array.from(document.querySelectorAll('flt-semantics, [aria-label]'))
  .flatMap(e => [e.getAttribute('aria-label'), e.childElementCount === 0 ? e.textContent : null])
  .filter(t => t && t.trim()).map(t => t.trim())"""


def english_only(lang: str) -> set[str]:
    """The catalogue's English strings whose translation differs: none of them may be on screen."""
    with open(ROOT / "locale" / lang / "LC_MESSAGES" / "kindred.po", "rb") as po:
        catalogue = read_po(po, locale=lang)
    found = set()
    for message in catalogue:
        if message.id and isinstance(message.id, str) and message.string and message.string != message.id:
            found.add(message.id)
    return found - SAME


def untranslated(page, lang: str) -> list[str]:
    wait_until_settled(page)
    on_screen = set(page.evaluate(SCREEN_TEXT_JS))
    return sorted(on_screen & english_only(lang))


def look(page, name: str) -> None:
    """Screenshots to look at (KINDRED_LANGUAGE_SHOTS=folder), never part of the test's verdict."""
    folder = os.environ.get("KINDRED_LANGUAGE_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        wait_until_settled(page)
        (Path(folder) / f"{name}.png").write_bytes(still_screenshot(page))


@pytest.mark.parametrize(("locale", "lang", "welcome", "start", "tabs"), [
    ("es-ES", "es", "Te damos la bienvenida a Kindred", "Empezar", ("Buscar", "Diario", "Guardados", "Ajustes")),
    ("fr-FR", "fr", "Bienvenue dans Kindred", "Commencer", ("Chercher", "Journal", "Enregistrés", "Réglages")),
])
def test_the_browsers_language_picks_the_ui_language(browser, data_dir, locale, lang, welcome, start, tabs):
    with running_app(data_dir, env={"LANG": "C.UTF-8"}) as app:  # the browser's language counts, not the server's
        page = open_app(browser, app.url, PHONE, locale=locale)
        expect(page.get_by_text(welcome)).to_be_visible()
        assert untranslated(page, lang) == []
        look(page, f"{lang}-welcome-phone")
        page.get_by_role("button", name=start).click()
        for tab in tabs:
            open_destination(page, tab)
            wait_until_settled(page)
            assert untranslated(page, lang) == [], tab
            look(page, f"{lang}-{tab.lower()}-phone")


def test_settings_switch_to_spanish_then_french(browser, data_dir):
    with running_app(data_dir, env={"LANG": "C.UTF-8"}) as app:
        page = open_app(browser, app.url, DESKTOP, locale="en-GB")
        page.get_by_role("button", name="Get started").click()
        open_destination(page, "Settings")
        set_up_passphrase(page, PASSPHRASE)  # Settings is behind the passphrase
        open_destination(page, "Settings")
        expect(page.get_by_text("Appearance", exact=True)).to_be_visible()
        for lang, name, heading, tabs, journal, jump, cancel in (
                ("es", "Español", "Apariencia", ("Buscar", "Guardados", "Ajustes"), "Diario", "Ir a una fecha", "Cancelar"),
                ("fr", "Français", "Apparence", ("Chercher", "Enregistrés", "Réglages"), "Journal", "Aller à une date", "Annuler")):
            page.get_by_role("button", name=("Language" if lang == "es" else "Idioma")).first.click()
            page.get_by_role("menuitem", name=name).or_(page.get_by_text(name, exact=True)).first.click()
            expect(page.get_by_text(heading, exact=True)).to_be_visible()
            assert untranslated(page, lang) == []
            look(page, f"{lang}-settings-desktop")
            for tab in tabs:
                open_destination(page, tab)
                wait_until_settled(page)
                assert untranslated(page, lang) == [], tab
            # Flutter's own widgets speak the language too: the date picker's buttons.
            open_destination(page, journal)
            page.get_by_role("button", name=jump).click()
            expect(page.get_by_role("button", name=cancel)).to_be_visible()
            look(page, f"{lang}-date-picker-desktop")
            page.get_by_role("button", name=cancel).click()
            expect(page.get_by_role("button", name=cancel)).to_have_count(0)
            open_destination(page, tabs[-1])
            expect(page.get_by_text(heading, exact=True)).to_be_visible()
