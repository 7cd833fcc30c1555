"""Languages: the catalogues, plural forms, per-session language, and no untranslated string on screen."""

from __future__ import annotations

import asyncio
import datetime as dt
import gettext
import json
import re
import zoneinfo
from pathlib import Path

import flet as ft
import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from services import i18n
from services.i18n import LANGUAGES, format_date, format_number, ngettext, use_language
from services.privacy.integrity import count_of
from tests.find_support import FEED, ONLINE_GRIEF_ID, import_local
from tests.privacy_support import PASSPHRASE
from tests.ui_harness import start_ui

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def catalogue(lang: str):
    with open(LOCALE / lang / "LC_MESSAGES" / "kindred.po", "rb") as po:
        return read_po(po, locale=lang)


def msgids() -> set[str]:
    ids = set()
    for message in catalogue("es"):
        if message.id:
            ids.update(message.id if isinstance(message.id, tuple) else (message.id,))
    return ids


# ------------------------------------------------------------------ the catalogues themselves

@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated_and_keeps_its_placeholders(lang):
    problems = []
    for message in catalogue(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        wanted = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for text in strings:
            if set(PLACEHOLDER.findall(text)) - wanted or (set(PLACEHOLDER.findall(ids[-1])) - {"{n}"}) - set(PLACEHOLDER.findall(text)):
                problems.append(f"placeholders differ: {ids[0]!r} → {text!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_compiled_catalogue_is_the_po_file(lang):
    """A fresh clone runs as is: the committed .mo holds exactly what the .po says
    (after editing a .po, run `uv run python tools/i18n.py compile`)."""
    def key(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    po = {key(m.id): key(m.string) for m in catalogue(lang) if m.id}
    with open(LOCALE / lang / "LC_MESSAGES" / "kindred.mo", "rb") as mo:
        compiled = {key(m.id): key(m.string) for m in read_mo(mo) if m.id}
    assert compiled == po


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_template_has_every_string_the_code_marks(lang, tmp_path):
    """Nothing marked with _() in views/ or services/ is missing from the .po files."""
    from babel.messages.frontend import CommandLineInterface

    pot = tmp_path / "now.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "--no-default-keywords", "-k", "_", "-k", "N_",
                                "-k", "ngettext:1,2", "-k", "pgettext:1c,2", "-o", str(pot),
                                str(ROOT / "views"), str(ROOT / "services")])
    with open(pot, "rb") as f:
        marked = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    have = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue(lang) if m.id}
    assert marked - have == set(), "run `uv run python tools/i18n.py all` and translate the new strings"


# ------------------------------------------------------------------ plurals and formats

@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_crisis_line_text_is_translated(lang):
    """Descriptions, who a line is for, hours, languages and button labels of every bundled line."""
    from services.crisis import countries_with_own_lines, crisis_info

    english = {}
    with use_language("en"):
        for code in countries_with_own_lines():
            english[code] = crisis_info(code)
    with use_language(lang):
        for code in countries_with_own_lines():
            local = crisis_info(code)
            for before, after in zip(english[code].lines, local.lines, strict=True):
                assert after.name == before.name  # a service's own name is never translated
                for field in ("description", "audience", "hours", "languages"):
                    if getattr(before, field) and getattr(before, field) not in ("24/7",):
                        assert getattr(after, field) != getattr(before, field), (code, before.name, field)
                for b, a in zip(before.actions, after.actions, strict=True):
                    assert a.target == b.target  # the number or link is the same
                    if b.label.startswith(("Call ", "Text ")):
                        assert a.label != b.label, (code, b.label)
            assert local.note != english[code].note


@pytest.mark.parametrize(("lang", "one", "many"), [
    ("en", "1 journal entry", "165 journal entries"),
    ("es", "1 entrada del diario", "165 entradas del diario"),
    ("fr", "1 entrée de journal", "165 entrées de journal"),
])
def test_counts_of_private_records_use_the_right_plural(lang, one, many):
    with use_language(lang):
        assert count_of("journal_entry", 1) == one
        assert count_of("journal_entry", 165) == many
        assert "entrys" not in count_of("journal_entry", 165)


def test_no_view_or_service_builds_a_plural_by_adding_an_s():
    """The old way ("165 journal entrys", "1 groups") is gone from views/ and services/ text."""
    pattern = re.compile(r"""\{'s' if [^}]+\}|\+ ?["']s["']|kind\.replace\('_', ' '\)\}\{""")
    offenders = []
    for folder in ("views",):
        for path in (ROOT / folder).rglob("*.py"):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_french_plural_treats_zero_and_one_alike_spanish_does_not():
    with use_language("fr"):
        assert ngettext("{n} group", "{n} groups", 0).format(n=0) == "0 groupe"
        assert ngettext("{n} group", "{n} groups", 2).format(n=2) == "2 groupes"
    with use_language("es"):
        assert ngettext("{n} group", "{n} groups", 0).format(n=0) == "0 grupos"
        assert ngettext("{n} group", "{n} groups", 1).format(n=1) == "1 grupo"


def test_dates_and_numbers_follow_the_locale():
    day = dt.date(2026, 10, 1)
    with use_language("en"):
        assert format_date(day) == "1 Oct 2026" and format_number(1234.5) == "1,234.5"
    with use_language("en-US"):
        assert format_date(day) == "Oct 1, 2026"
    with use_language("es"):
        assert format_date(day) == "1 oct 2026" and format_number(1234.5) == "1234,5".replace("1234", "1.234")
    with use_language("fr"):
        assert format_date(day) == "1 oct. 2026" and format_number(1234.5) == "1\u202f234,5"


def test_the_language_comes_from_the_first_locale_kindred_speaks():
    assert i18n.language_from_tags(["de-DE", "fr-CA", "en"]) == "fr"
    assert i18n.language_from_tags(["es_MX.UTF-8"]) == "es"
    assert i18n.language_from_tags(["de", "it"]) is None


@pytest.mark.asyncio
async def test_a_worker_thread_answers_in_the_language_of_its_caller():
    """asyncio.to_thread copies the context: a service running off the loop translates too."""
    with use_language("es"):
        assert await asyncio.to_thread(count_of, "saved_group", 2) == "2 grupos guardados"


# ------------------------------------------------------------------ in the UI

def screen_strings(ui) -> set[str]:
    """Every string a person can see or hear on screen: texts, labels, tooltips, hints, options."""
    found = set()
    for control in ui.controls():
        if isinstance(control, ft.Text):
            found.add(control.value)
            found.update(span.text for span in control.spans or [] if isinstance(span, ft.TextSpan))
        for attr in ("label", "hint_text", "helper_text", "error_text", "text", "semantics_label", "title", "tooltip",
                     "delete_icon_tooltip"):
            value = getattr(control, attr, None)
            if isinstance(value, ft.Tooltip):
                value = value.message
            if isinstance(value, str):
                found.add(value)
        content = getattr(control, "content", None)
        if isinstance(content, str):
            found.add(content)
    return {s.strip() for s in found if isinstance(s, str) and re.search(r"[A-Za-z]{2}", s)}


# Spelled the same in English and the language (names, acronyms, words French or Spanish share).
SAME_IN_BOTH = {
    "Kindred", "OK", "JSON", "CSV", "PDF", "PHQ-9", "GAD-7", "LGBTQ+", "OCD", "TOC", "Journal", "Perinatal", "Stress",
    "Distance", "Contact", "Question", "Note", "Sign", "Groupe", "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX", "Find A Helpline",
    "English", "Español", "Français", "Bipolar", "Professional", "Donation", "Global", "Suggestions", "Miles", "7:00 PM",
    "Parents",
}


def data_strings() -> set[str]:
    """Text from the directory and the crisis data: the publisher's own words stay as written."""
    found = set()

    def walk(value):
        if isinstance(value, str):
            found.add(value.strip())
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    # Crisis lines: their names, numbers and links (their texts are translated: assets/i18n/).
    crisis = json.loads((ROOT / "assets" / "crisis_lines.json").read_text(encoding="utf-8"))
    for country in crisis["countries"].values():
        for line in country["lines"]:
            found.add(line["name"])
    found.add(crisis["everywhere"]["name"])
    for place in json.loads((ROOT / "assets" / "where_to_look.json").read_text(encoding="utf-8"))["places"]:
        found.add(place["name"])  # its description is translated (assets/i18n/)
    for name in ("directory.json", "catalogue.json"):
        walk(json.loads((ROOT / "assets" / name).read_text(encoding="utf-8")))
    walk(FEED)
    return found


def english_by_design() -> set[str]:
    """The PHQ-9 and GAD-7 keep their published English wording in a language whose published
    translation is not bundled (the screen says so)."""
    from services.journal import selfcheck

    found = set(selfcheck.ANSWERS) | set(selfcheck.DIFFICULTY_ANSWERS) | {selfcheck.DIFFICULTY_QUESTION}
    found |= {f"{answer} ({i})" for i, answer in enumerate(selfcheck.ANSWERS)}
    for questionnaire in selfcheck.QUESTIONNAIRES.values():
        found |= {questionnaire.title, questionnaire.stem}
        found |= {f"{n}. {item}" for n, item in enumerate(questionnaire.items, 1)}
    return found


SEEDED = {"#walk"} | {f"note {day}" for day in range(12)} | {
    # What the dialog sweep adds: a source, an organisation's group, another device and its words.
    "example-feed", "failing-feed", "Riverside Peer Circle", "Phone", "the laptop's words", "the phone's words",
    "kindred", "meeting-guide", "hsds"}  # the export formats' names, with their files
ZONES = zoneinfo.available_timezones() | {"localtime"}


def is_data(text: str, data: set[str]) -> bool:
    if re.fullmatch(r"[\w-]+(\.[\w-]+)*\.[a-z]{2,}(/\S*)?", text):  # a web address as a label
        return True
    if re.fullmatch(r"\S{20,}", text):  # one long token: a key, a fingerprint, a code, a path
        return True
    if text in data or text in COUNTRY_NAMES or text in SEEDED or text in ZONES:
        return True
    if text in english_by_design():
        return True
    # A line made only of data values, numbers and punctuation ("Grief Circle · 988" is; "Call 988",
    # "Remove Grief Circle" and "Tue 7:00 PM · in 2 days" are not): take out every data value it
    # holds, longest first, and no word may be left. A line that merely contains data is not data.
    rest = re.sub(r"\S+://\S+|[\w.-]+\.(json|csv|sig)\b", " ", text)  # web addresses, file names
    for value in sorted((d for d in data | SEEDED if len(d) > 3 and d in rest), key=len, reverse=True):
        rest = rest.replace(value, " ")
    return not re.search(r"[^\W\d_]{2}", rest)


from services.crisis import all_countries  # noqa: E402

COUNTRY_NAMES = {name for _code, name in all_countries()}  # English names; CLDR's are often the same

SCREENS = ["/", "/find/choose", "/journal", "/journal/insights", "/journal/self-check", "/journal/strategies",
           "/journal/safety-plan", "/journal/data", "/saved", "/settings", "/settings/sources",
           "/settings/organisation", "/privacy", "help", "group", "/saved/group", "locked-journal", "welcome"]


def seed(services, tmp_path) -> None:
    """Something on every screen: a directory feed, a saved group with a visit, check-ins."""
    from services.journal import StrategyUse
    from services.session import unlock

    import_local(services, tmp_path)
    services.vault.set_up(PASSPHRASE)
    session = unlock(services, PASSPHRASE, "US")
    now = dt.datetime.now().astimezone()
    for day in range(12):
        session.journal.add(mood=day % 5 + 1, at=now - dt.timedelta(days=day), emotions=["calm"], tags=["walk"],
                            strategies=[StrategyUse("Box breathing", "a little")], note=f"note {day}")
    session.save_group(ONLINE_GRIEF_ID)
    session.lock()


async def render(services, route: str, locales: tuple[str, ...]):
    from views.find.common import details_route

    if route == "welcome":
        services.preferences.set_country("US")  # the first run: no welcome seen yet
        from services.models import DevicePreference  # noqa: F401

        services.preferences._put("welcome_done", "")
    else:
        services.preferences.mark_welcome_done()
    routes = {"help": "/", "group": details_route(ONLINE_GRIEF_ID), "/saved/group": details_route(ONLINE_GRIEF_ID, base="/saved"),
              "locked-journal": "/journal", "welcome": "/"}
    locked = route in ("locked-journal", "welcome")
    ui = await start_ui(services, width=1280, route=routes.get(route, route), passphrase=None if locked else PASSPHRASE,
                        locales=locales)
    if route == "help":
        ui.state.help_open = True
    await ui.settle(sync=False)
    await ui.wait_for(lambda: not any(t in ("Looking…", "Buscando…", "Recherche…") for t in ui.texts()))
    return ui


@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.parametrize("route", SCREENS)
@pytest.mark.asyncio
async def test_no_untranslated_string_on_screen(services, route, lang, tmp_path):
    """Every string on the screen in Spanish or French is translated: none is an English msgid
    of the catalogue, and none is the same as on the English screen unless it is the
    directory's own data or spelled the same in both languages."""
    services.preferences.mark_welcome_done()
    services.preferences.set_country("US")
    seed(services, tmp_path)
    english = screen_strings(await render(services, route, ("en-US",)))
    translated = screen_strings(await render(services, route, (f"{lang}-ES" if lang == "es" else f"{lang}-FR",)))
    data = data_strings()
    catalogue_ids = msgids() - SAME_IN_BOTH
    left_english = sorted(t for t in translated if t in catalogue_ids)
    unchanged = sorted(t for t in translated & english if t not in SAME_IN_BOTH and not is_data(t, data))
    assert not left_english, f"English on the {lang} screen {route}: {left_english}"
    assert not unchanged, f"the same as in English on the {lang} screen {route} (not in the catalogue?): {unchanged}"


@pytest.mark.asyncio
async def test_the_browsers_locale_picks_the_language(services):
    services.preferences.mark_welcome_done()
    ui = await start_ui(services, locales=("es-ES", "en"))
    await ui.wait_for(lambda: ui.has_text("Buscar un grupo"), what="the Find screen in Spanish")
    bar = ui.find(ft.NavigationBar)[0]
    assert [d.label for d in bar.destinations] == ["Buscar", "Diario", "Guardados", "Ajustes"]


@pytest.mark.asyncio
async def test_settings_switch_the_language_and_keep_it(services):
    services.preferences.mark_welcome_done()
    ui = await start_ui(services, route="/settings", passphrase=PASSPHRASE, locales=("en-GB",))
    assert ui.has_text("Appearance")
    language = ui.find(ft.Dropdown, lambda c: c.label == "Language")[0]
    ui.set(language, value="fr")
    await ui.event(language, "select", "fr")
    await ui.settle(sync=False)
    await ui.wait_for(lambda: ui.has_text("Apparence"), what="Settings in French")
    assert services.preferences.load().language == "fr"
    assert not ui.has_text("Appearance")
    # Back to the browser's language.
    language = ui.find(ft.Dropdown, lambda c: c.label == "Langue")[0]
    ui.set(language, value="auto")
    await ui.event(language, "select", "auto")
    await ui.wait_for(lambda: ui.has_text("Appearance"), what="Settings in English again")
    assert services.preferences.load().language is None


@pytest.mark.asyncio
async def test_two_sessions_in_one_process_each_keep_their_language(services):
    """Web mode: one process, many tabs; a Spanish tab and a French tab side by side."""
    services.preferences.mark_welcome_done()
    spanish = await start_ui(services, route="/settings", passphrase=PASSPHRASE, locales=("es-MX",))
    french = await start_ui(services, route="/settings", locales=("fr-CA",))
    await spanish.navigate("/journal")
    await french.navigate("/")
    await spanish.settle(sync=False)
    await french.settle(sync=False)
    assert spanish.has_text("Tus registros") or spanish.has_text("¿Cómo te sientes ahora mismo?")
    assert french.has_text("Trouver un groupe")
    assert not french.has_text("Buscar un grupo") and not spanish.has_text("Trouver un groupe")


# ------------------------------------------------------------------ dialogs, sheets and snack bars

def by_icon(ui, icon):
    """The newest button showing ``icon`` (a dialog's own comes after the screen's): found by its
    icon, never by English text, so the same step works in every language."""
    def shows(control) -> bool:
        mark = getattr(control, "icon", None)
        return mark == icon or getattr(mark, "icon", None) == icon

    kinds = (ft.Button, ft.TextButton, ft.OutlinedButton, ft.FilledButton, ft.FilledTonalButton, ft.IconButton)
    found = [c for c in ui.controls() if isinstance(c, kinds) and shows(c)]
    assert found, f"no button with the icon {icon}; texts: {ui.texts()}"
    return found[-1]


def open_overlays(ui) -> list:
    return [d for d in ui.page._dialogs.controls if d.open]  # noqa: SLF001 - Flet keeps them here


def dialog_button(ui):
    """The main (filled) button of the open dialog."""
    dialog = open_overlays(ui)[-1]
    return [b for b in dialog.actions if isinstance(b, ft.FilledButton)][-1]


def dialog_field(ui):
    dialog = open_overlays(ui)[-1]
    return [c for c in ui.controls() if isinstance(c, ft.TextField) and _inside(c, dialog)][0]


def _inside(control, ancestor) -> bool:
    parent = control
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.parent
    return False


async def type_in(ui, field, value: str) -> None:
    ui.set(field, value=value)
    await ui.event(field, "change", value)


async def click_and_settle(ui, control) -> None:
    await ui.click(control)
    await ui.settle(sync=False)


async def open_pin(ui, services):
    await click_and_settle(ui, by_icon(ui, ft.Icons.PIN_OUTLINED))


async def open_passphrase(ui, services):
    await click_and_settle(ui, by_icon(ui, ft.Icons.PASSWORD))


async def open_passphrase_changed(ui, services):
    await open_passphrase(ui, services)
    dialog = open_overlays(ui)[-1]
    fields = [c for c in ui.controls() if isinstance(c, ft.TextField) and _inside(c, dialog)]
    for field, value in zip(fields, (PASSPHRASE, PASSPHRASE + " new", PASSPHRASE + " new"), strict=True):
        await type_in(ui, field, value)
    await click_and_settle(ui, dialog_button(ui))


async def open_wrong_passphrase(ui, services):
    await open_passphrase(ui, services)
    dialog = open_overlays(ui)[-1]
    fields = [c for c in ui.controls() if isinstance(c, ft.TextField) and _inside(c, dialog)]
    for field, value in zip(fields, ("not it at all", PASSPHRASE + " new", PASSPHRASE + " new"), strict=True):
        await type_in(ui, field, value)
    await click_and_settle(ui, dialog_button(ui))


async def open_recovery(ui, services):
    await click_and_settle(ui, by_icon(ui, ft.Icons.KEY))


async def open_backup(ui, services):
    await click_and_settle(ui, by_icon(ui, ft.Icons.DOWNLOAD))


async def open_backup_ready(ui, services):
    ui.connection.client_methods["save_file"] = lambda args: None
    await open_backup(ui, services)
    await type_in(ui, dialog_field(ui), PASSPHRASE)
    await click_and_settle(ui, dialog_button(ui))


def _backup_bytes(ui) -> bytes:
    _name, data = ui.state.session.create_backup(PASSPHRASE)
    return data


async def open_restore(ui, services):
    data = await asyncio.to_thread(_backup_bytes, ui)
    ui.connection.client_methods["pick_files"] = lambda args: [
        {"id": 1, "name": "my.kindred-backup", "size": len(data), "bytes": list(data)}]
    await click_and_settle(ui, by_icon(ui, ft.Icons.UPLOAD_FILE))


async def open_restore_review(ui, services):
    await open_restore(ui, services)
    await type_in(ui, dialog_field(ui), PASSPHRASE)
    await click_and_settle(ui, dialog_button(ui))


async def open_restore_merged(ui, services):
    await open_restore_review(ui, services)
    dialog = open_overlays(ui)[-1]
    merge = [b for b in dialog.actions if isinstance(b, ft.OutlinedButton)][-1]
    await click_and_settle(ui, merge)


async def open_export(ui, services):
    await click_and_settle(ui, by_icon(ui, ft.Icons.TABLE_VIEW))


async def open_exported(ui, services):
    ui.connection.client_methods["save_file"] = lambda args: None
    await open_export(ui, services)
    await type_in(ui, dialog_field(ui), PASSPHRASE)
    await click_and_settle(ui, dialog_button(ui))


async def open_erase(ui, services):
    await click_and_settle(ui, by_icon(ui, ft.Icons.DELETE_FOREVER))


async def open_delete_snack(ui, services):
    await click_and_settle(ui, by_icon(ui, ft.Icons.DELETE_OUTLINE))


async def open_find_filters(ui, services):
    await click_and_settle(ui, by_icon(ui, ft.Icons.TUNE))


async def open_report_problem(ui, services):
    await click_and_settle(ui, by_icon(ui, ft.Icons.FLAG_OUTLINED))


async def open_date_picker(ui, services):
    await click_and_settle(ui, by_icon(ui, ft.Icons.CALENDAR_MONTH))


def _journal_export(ui) -> bytes:
    from services.journal import exchange

    return exchange.export_json(ui.state.session.journal)


async def open_journal_import(ui, services):
    data = await asyncio.to_thread(_journal_export, ui)
    ui.connection.client_methods["pick_files"] = lambda args: [
        {"id": 1, "name": "kindred-journal.json", "size": len(data), "bytes": list(data)}]
    await click_and_settle(ui, by_icon(ui, ft.Icons.FILE_OPEN))


async def open_journal_imported(ui, services):
    await open_journal_import(ui, services)
    await click_and_settle(ui, by_icon(ui, ft.Icons.UPLOAD))


async def open_unsave_snack(ui, services):
    if not [b for b in ui.find(ft.FilledButton) if b.icon == ft.Icons.BOOKMARK]:  # unsaved by the English run
        await click_and_settle(ui, by_icon(ui, ft.Icons.BOOKMARK_BORDER))
    await click_and_settle(ui, by_icon(ui, ft.Icons.BOOKMARK))


async def open_save_snack(ui, services):
    await open_unsave_snack(ui, services)
    await click_and_settle(ui, by_icon(ui, ft.Icons.BOOKMARK_BORDER))


async def open_share_snack(ui, services):
    ui.connection.client_methods["set"] = lambda args: None  # the clipboard
    await click_and_settle(ui, by_icon(ui, ft.Icons.SHARE_OUTLINED))


async def open_report_copied(ui, services):
    ui.connection.client_methods["set"] = lambda args: None
    await open_report_problem(ui, services)
    dialog = open_overlays(ui)[-1]
    await click_and_settle(ui, [b for b in dialog.actions if b.icon == ft.Icons.COPY][0])


async def open_private_gate(ui, services):
    """Locked: saving a group from its details asks to unlock first, in a dialog."""
    from views.find.common import details_route

    await ui.navigate(details_route(ONLINE_GRIEF_ID))
    await ui.settle(sync=False)
    await click_and_settle(ui, by_icon(ui, ft.Icons.BOOKMARK_BORDER))


def in_language(ui, message: str) -> str:
    """``message`` in the language this UI session is served in (to find a field by its label)."""
    with use_language(ui.state.locale_tag):
        return i18n.gettext(message)


async def link_sync_folder(ui, services, tmp_path):
    """Settings → Your devices → Use this folder, unless this device already syncs through one."""
    if [b for b in ui.find(ft.OutlinedButton) if b.icon == ft.Icons.FOLDER_SHARED_OUTLINED]:
        await type_in(ui, ui.field(in_language(ui, "Sync folder")), str(tmp_path / "Sync"))
        await click_and_settle(ui, by_icon(ui, ft.Icons.FOLDER_SHARED_OUTLINED))
    await ui.wait_for(lambda: any(s.identifier == "sync-folder" for s in ui.find(ft.Semantics)), what="the sync status")


async def open_sync_link_empty(ui, services, tmp_path):
    """Use this folder with no folder typed: the message says what to type."""
    await click_and_settle(ui, by_icon(ui, ft.Icons.FOLDER_SHARED_OUTLINED))


async def open_sync_now(ui, services, tmp_path):
    await link_sync_folder(ui, services, tmp_path)
    await click_and_settle(ui, by_icon(ui, ft.Icons.SYNC))


async def open_sync_pairing(ui, services, tmp_path):
    await link_sync_folder(ui, services, tmp_path)
    await click_and_settle(ui, by_icon(ui, ft.Icons.ADD_LINK))
    await ui.wait_for(lambda: any(s.identifier == "pairing-code" for s in ui.find(ft.Semantics)), what="a pairing code")


async def open_sync_file_saved(ui, services, tmp_path):
    ui.connection.client_methods["save_file"] = lambda args: None
    await click_and_settle(ui, by_icon(ui, ft.Icons.IOS_SHARE))


def _make_conflict(ui, services, tmp_path) -> None:
    """Another device (the same data key) changes the note this device changed too."""
    from tests.sync_support import edit_on_two_devices

    session = ui.state.session
    if session.sync_status().conflicts:
        return
    edit_on_two_devices(services.vault, session, tmp_path / "Sync", tmp_path / "phone")


async def open_sync_conflict(ui, services, tmp_path):
    await link_sync_folder(ui, services, tmp_path)
    await asyncio.to_thread(_make_conflict, ui, services, tmp_path)
    await click_and_settle(ui, by_icon(ui, ft.Icons.SYNC))
    await ui.wait_for(lambda: [b for b in ui.find(ft.TextButton) if b.content == in_language(ui, "Use this version")],
                      what="the kept version")


async def open_new_recovery_code_copied(ui, services, tmp_path):
    """Settings → New recovery code → Make a new code: the code, full screen; Copy the code."""
    ui.connection.client_methods["set"] = lambda args: None  # the clipboard
    await open_recovery(ui, services)
    await click_and_settle(ui, dialog_button(ui))
    await ui.wait_for(lambda: any(s.identifier == "recovery-code" for s in ui.find(ft.Semantics)), what="the new code")
    await click_and_settle(ui, by_icon(ui, ft.Icons.CONTENT_COPY))


SOURCE_URL = "https://feeds.example.org/groups.json"


async def open_sources_screen(ui, source_name: str) -> None:
    """Settings → Directory sources, once ``source_name``'s card is on it."""
    await ui.navigate("/settings")
    await ui.settle(sync=False)
    await ui.navigate("/settings/sources")
    await ui.settle(sync=False)
    await ui.wait_for(lambda: ui.has_text(source_name), what="the source's card")


async def open_source_remove(ui, services, tmp_path):
    """Settings → Directory sources → a source's Remove: the question before removing it."""
    if not any(s.name == "example-feed" for s in services.sync.list_sources()):
        await asyncio.to_thread(services.sync.add_source, SOURCE_URL, name="example-feed")
        await asyncio.to_thread(services.sync.set_paused, "example-feed", True)
    await open_sources_screen(ui, "example-feed")
    await click_and_settle(ui, by_icon(ui, ft.Icons.DELETE_OUTLINE))


async def open_source_bad_key(ui, services, tmp_path):
    """Settings → Directory sources → Add source with a publisher key that is not one: why not."""
    for label, value in (("Feed address", "https://feeds.example.org/other.json"), ("Publisher key (optional)", "not a key")):
        await type_in(ui, ui.field(in_language(ui, label)), value)
    await ui.settle(sync=False)
    await click_and_settle(ui, by_icon(ui, ft.Icons.ADD))
    await ui.wait_for(lambda: any(t.color == ft.Colors.ERROR and t.value for t in ui.find(ft.Text)), what="why not")


async def open_source_failed(ui, services, tmp_path):
    """Settings → Directory sources → Sync now, with a source whose server answers 404 (a real
    HTTP server on 127.0.0.1): the outcome line and the source's stored last problem."""
    from tests.feed_server import FeedServer

    if any(s.name == "failing-feed" for s in services.sync.list_sources()):
        await asyncio.to_thread(services.sync.remove_source, "failing-feed")
    server = FeedServer().start()
    try:
        server.route("/gone.json", status=404, body=b"not here")
        await asyncio.to_thread(services.sync.add_source, server.url("/gone.json"), name="failing-feed")
        await open_sources_screen(ui, "failing-feed")
        await click_and_settle(ui, by_icon(ui, ft.Icons.SYNC))
        await ui.wait_for(lambda: any(t.startswith("failing-feed: ") for t in ui.texts()), what="the outcome line")
        await ui.wait_for(lambda: any("127.0.0.1" in t and not t.startswith("failing-feed") and not t.startswith("http")
                                      for t in ui.texts()), what="the source's last problem")
    finally:
        server.stop()


def org_group():
    """A group an organisation lists in Kindred (its words are the organisation's own)."""
    from datetime import time

    from services.directory.model import GroupRecord, OnlineAccess, ScheduleRule

    return GroupRecord(external_id="", name="Riverside Peer Circle", topics=("anxiety",), leadership="peer",
                       attendance="online", cost="free", registration="drop_in",
                       schedule=(ScheduleRule("weekly", weekday=1, start=time(19), end=time(20), timezone="America/New_York"),),
                       online=OnlineAccess(url="https://meet.example.org/riverside"))


def _list_org_group(services) -> None:
    from services.publishing.organisation import OrganisationEditor

    editor = OrganisationEditor(services.data_dir)
    if not editor.groups():
        editor.save_group(org_group())


async def open_org_with_group(ui, services):
    await asyncio.to_thread(_list_org_group, services)
    await ui.navigate("/settings")
    await ui.settle(sync=False)
    await ui.navigate("/settings/organisation")
    await ui.settle(sync=False)
    await ui.wait_for(lambda: ui.has_text("Riverside Peer Circle"), what="the organisation's group")


async def open_org_group_form(ui, services, tmp_path):
    await click_and_settle(ui, by_icon(ui, ft.Icons.ADD))


async def open_org_group_problems(ui, services, tmp_path):
    """A new group saved with nothing filled in: what is missing, field by field."""
    await open_org_group_form(ui, services, tmp_path)
    await click_and_settle(ui, by_icon(ui, ft.Icons.SAVE_OUTLINED))
    await ui.wait_for(lambda: any(t.color == ft.Colors.ERROR for t in ui.find(ft.Text)), what="the problems")


async def open_org_group_removed(ui, services, tmp_path):
    await open_org_with_group(ui, services)
    await click_and_settle(ui, by_icon(ui, ft.Icons.DELETE_OUTLINE))


async def open_org_exported(ui, services, tmp_path):
    await open_org_with_group(ui, services)
    await click_and_settle(ui, by_icon(ui, ft.Icons.PUBLISH))
    await ui.wait_for(lambda: any(t.selectable for t in ui.find(ft.Text)), what="the export's report")


def choose_step(n: int):
    """Help me choose, question ``n`` (the screen sweep sees question 1 only); 9: the results."""
    async def open_it(ui, services):
        for _step in range(n - 1):
            await click_and_settle(ui, [b for b in ui.find(ft.FilledButton)][-1])  # Next / See groups that fit
    return open_it


DIALOGS = {
    "set-pin": ("/settings", open_pin),
    "change-passphrase": ("/settings", open_passphrase),
    "change-passphrase-wrong": ("/settings", open_wrong_passphrase),
    "passphrase-changed": ("/settings", open_passphrase_changed),
    "new-recovery-code": ("/settings", open_recovery),
    "create-backup": ("/settings", open_backup),
    "backup-ready": ("/settings", open_backup_ready),
    "open-backup": ("/settings", open_restore),
    "restore-review": ("/settings", open_restore_review),
    "backup-merged": ("/settings", open_restore_merged),
    "export-saved-groups": ("/settings", open_export),
    "exported": ("/settings", open_exported),
    "delete-all": ("/settings", open_erase),
    "journal-delete-undo": ("/journal", open_delete_snack),
    "journal-date-picker": ("/journal", open_date_picker),
    "journal-import": ("/journal/data", open_journal_import),
    "journal-imported": ("/journal/data", open_journal_imported),
    "find-filters": ("/", open_find_filters),
    "group-report-problem": ("group", open_report_problem),
    "group-report-copied": ("group", open_report_copied),
    "group-unsaved-snack": ("group", open_unsave_snack),
    "group-saved-snack": ("group", open_save_snack),
    "group-share-copied": ("group", open_share_snack),
    "group-save-unlock-first": ("locked-journal", open_private_gate),
    **{f"choose-question-{n}": ("/find/choose", choose_step(n)) for n in range(2, 9)},
    "choose-results": ("/find/choose", choose_step(9)),
    "new-recovery-code-copied": ("/settings", open_new_recovery_code_copied),
    "sync-link-no-folder": ("/settings", open_sync_link_empty),
    "sync-now": ("/settings", open_sync_now),
    "sync-pairing-code": ("/settings", open_sync_pairing),
    "sync-file-saved": ("/settings", open_sync_file_saved),
    "sync-conflict": ("/settings", open_sync_conflict),
    "source-remove": ("/settings/sources", open_source_remove),
    "source-add-bad-key": ("/settings/sources", open_source_bad_key),
    "source-failed": ("/settings/sources", open_source_failed),
    "org-group-form": ("/settings/organisation", open_org_group_form),
    "org-group-problems": ("/settings/organisation", open_org_group_problems),
    "org-group-removed": ("/settings/organisation", open_org_group_removed),
    "org-exported": ("/settings/organisation", open_org_exported),
}
INLINE = {"journal-import", "journal-imported", *(name for name in DIALOGS if name.startswith("choose-")),
          *(name for name in DIALOGS if name.startswith(("sync-", "source-", "org-"))) } - {"org-group-removed"}
WITH_TMP = {name for name in DIALOGS if name.startswith(("sync-", "source-", "org-", "new-recovery-code-copied"))}


def overlay_strings(ui) -> set[str]:
    """What the open dialogs, sheets and snack bars show (screen_strings of the whole page, and
    the snack bars' and date pickers' own texts, which are not controls)."""
    found = screen_strings(ui)
    for overlay in open_overlays(ui):
        for attr in ("action", "help_text", "cancel_text", "confirm_text", "error_format_text",
                     "error_invalid_text", "field_hint_text", "field_label_text"):
            value = getattr(overlay, attr, None)
            if isinstance(value, str) and re.search(r"[A-Za-z]{2}", value):
                found.add(value.strip())
    return found


@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.parametrize("name", list(DIALOGS))
@pytest.mark.asyncio
async def test_no_untranslated_string_in_a_dialog(services, name, lang, tmp_path):
    """The dialogs, sheets and snack bars a person can open, opened the way a person would (a
    click on the button, found by its icon): none shows English in Spanish or French. Also what
    appears in place after a step: a journal import's review, and each question of Help me choose."""
    route, open_it = DIALOGS[name]
    services.preferences.mark_welcome_done()
    services.preferences.set_country("US")
    seed(services, tmp_path)
    shown = {}
    for locales in (("en-US",), (f"{lang}-ES" if lang == "es" else f"{lang}-FR",)):
        ui = await render(services, route, locales)
        before, screen = len(open_overlays(ui)), screen_strings(ui)
        await (open_it(ui, services, tmp_path) if name in WITH_TMP else open_it(ui, services))
        await ui.wait_for(lambda: len(open_overlays(ui)) > before or name in INLINE,
                          what=f"the {name} dialog opens")
        shown[locales[0]] = overlay_strings(ui)
        assert shown[locales[0]] - screen, f"the {name} dialog's own strings were not collected"
        if name == "passphrase-changed":  # back to the passphrase the seed set, for the next language
            await asyncio.to_thread(ui.state.session.change_passphrase, PASSPHRASE + " new", PASSPHRASE)
    english, translated = shown["en-US"], shown[next(k for k in shown if k != "en-US")]
    data = data_strings()
    catalogue_ids = msgids() - SAME_IN_BOTH
    left_english = sorted(t for t in translated if t in catalogue_ids)
    unchanged = sorted(t for t in translated & english if t not in SAME_IN_BOTH and not is_data(t, data))
    assert not left_english, f"English in the {lang} {name} dialog: {left_english}"
    assert not unchanged, f"the same as in English in the {lang} {name} dialog (not in the catalogue?): {unchanged}"


# ------------------------------------------------------------------ the self-checks' own wording

def test_the_published_spanish_phq9_matches_the_english_item_for_item():
    """The Spanish PHQ-9 is the publisher's translation, attributed and dated; the same nine items
    in the same order (item 9 is the one that opens the crisis lines), four answers scored 0-3."""
    from services.journal import selfcheck

    spanish, english = selfcheck.wording("phq9", "es"), selfcheck.wording("phq9", "en")
    assert spanish.language == "es" and english.language == "en"
    assert len(spanish.items) == len(english.items) == 9
    assert len(spanish.answers) == len(spanish.difficulty_answers) == 4
    assert spanish.items[0] == "Poco interés o placer en hacer cosas"
    assert spanish.items[selfcheck.PHQ9_SELF_HARM_ITEM].startswith("Pensamientos de que estaría mejor muerto(a)")
    assert "Pfizer Inc." in spanish.attribution and "phqscreeners.com" in spanish.source
    assert dt.date.fromisoformat(spanish.checked)
    # The wording never changes a score or a band.
    assert selfcheck.score("phq9", [1] * 8 + [2]).score == 10
    # Where no published translation is bundled, the English wording (and the screen says so).
    for questionnaire, lang in (("gad7", "es"), ("gad7", "fr")):
        assert selfcheck.wording(questionnaire, lang).language == "en"


def test_the_published_french_phq9_matches_the_english_item_for_item():
    """The French PHQ-9 ("French for France") is the publisher's own form, word for word: nine
    items in the English order (item 9, the self-harm one, opens the crisis lines; its
    words must be the form's), four answers and four difficulty answers, its own footer."""
    from services.journal import selfcheck

    french, english = selfcheck.wording("phq9", "fr"), selfcheck.wording("phq9", "en")
    assert french.language == "fr" and len(french.items) == len(english.items) == 9
    assert len(french.answers) == len(french.difficulty_answers) == 4
    assert french.items[0] == "Peu d’intérêt ou de plaisir à faire les choses"
    assert french.items[selfcheck.PHQ9_SELF_HARM_ITEM].startswith("Penser qu’il vaudrait mieux mourir")
    assert french.answers[2] == "Plus de la moitié du temps"  # the form's words, not "des jours"
    assert "Pfizer Inc." in french.attribution and "sont autorisés" in french.attribution
    assert "French for France" in french.edition and "phqscreeners.com" in french.source
    assert dt.date.fromisoformat(french.checked)
    # One family of apostrophes, the form's own (a straight one would mean a re-typed copy).
    assert not any("'" in text for text in (*french.items, french.stem, french.attribution, french.difficulty_question))


@pytest.mark.parametrize(("lang", "phq9_in", "gad7_in"), [("es", "es", "en"), ("fr", "fr", "en")])
@pytest.mark.asyncio
async def test_the_self_check_screen_shows_the_published_translation_or_says_it_is_english(
        services, lang, phq9_in, gad7_in):
    from services.journal import selfcheck

    services.preferences.mark_welcome_done()
    services.vault.set_up(PASSPHRASE)
    ui = await start_ui(services, route="/journal/self-check", passphrase=PASSPHRASE,
                        locales=("es-ES",) if lang == "es" else ("fr-FR",))
    await ui.settle(sync=False)
    for questionnaire, shown_in in (("phq9", phq9_in), ("gad7", gad7_in)):
        if questionnaire == "gad7":
            switch = ui.find(ft.SegmentedButton)[0]
            ui.set(switch, selected=["gad7"])
            await ui.event(switch, "change")
            await ui.settle(sync=False)
        words = selfcheck.wording(questionnaire, shown_in)
        await ui.wait_for(lambda: ui.has_text(words.items[0]), what=f"the {questionnaire} in {shown_in}")
        strings = screen_strings(ui)
        assert {f"1. {words.items[0]}", f"{words.answers[0]} (0)", words.stem, words.difficulty_question} <= strings
        english_note = any(s.identifier == "selfcheck-english-only" for s in ui.find(ft.Semantics))
        assert english_note == (shown_in == "en"), questionnaire
        if shown_in != "en":
            assert words.attribution in strings
            assert any("phqscreeners.com" in t and words.edition in t for t in strings)
    # Answered in the translation, the score is the same number the English answers give.
    switch = ui.find(ft.SegmentedButton)[0]
    ui.set(switch, selected=["phq9"])
    await ui.event(switch, "change")
    await ui.settle(sync=False)
    for n in range(9):
        value = 0 if n == selfcheck.PHQ9_SELF_HARM_ITEM else 1
        # the answer rows (views/widgets/one_of.py), four per question, found again after each tap
        rows = [c for c in ui.find(ft.Semantics) if c.button and c.selected is not None and re.search(r"\(\d\)", c.label or "")]
        await click_and_settle(ui, rows[n * 4 + value].content)
    await click_and_settle(ui, by_icon(ui, ft.Icons.CHECK))
    [kept] = selfcheck.history(ui.state.session.journal, "phq9")
    assert kept.score == 8 and kept.band == "mild"


# ------------------------------------------------------------------ joining from another device

@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.asyncio
async def test_no_untranslated_string_when_joining_from_another_device(services, lang, tmp_path):
    """The set-up screen's "I already use Kindred on another device": the form, what is missing,
    and a wrong code for a real sync folder (the service's own message) — none English."""
    from services.app import open_services

    first = open_services(tmp_path / "first")
    try:
        store, _code = first.vault.set_up(PASSPHRASE, use_keyring=False)
        from services.devices import FolderSync

        FolderSync(store, first.vault).link(str(tmp_path / "Sync"), "Laptop")
        store.lock()
    finally:
        first.close()
    services.preferences.mark_welcome_done()
    shown = {}
    for locales in (("en-US",), (f"{lang}-ES" if lang == "es" else f"{lang}-FR",)):
        ui = await start_ui(services, route="/journal", locales=locales)
        await ui.settle(sync=False)
        await click_and_settle(ui, by_icon(ui, ft.Icons.DEVICES_OUTLINED))
        strings = screen_strings(ui)
        await click_and_settle(ui, by_icon(ui, ft.Icons.FOLDER_SHARED_OUTLINED))  # nothing typed yet
        strings |= screen_strings(ui)
        for label, value in (("Passphrase", "this tablet's passphrase"), ("Type it again", "this tablet's passphrase"),
                             ("Recovery code", "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF"),
                             ("Sync folder (optional)", str(tmp_path / "Sync"))):
            await type_in(ui, ui.field(in_language(ui, label)), value)
        await click_and_settle(ui, by_icon(ui, ft.Icons.FOLDER_SHARED_OUTLINED))
        await ui.wait_for(lambda: not ui.find(ft.OutlinedButton, lambda b: b.disabled), what="the join attempt")
        await ui.wait_for(lambda: any(t.color == ft.Colors.ERROR and t.value for t in ui.find(ft.Text)),
                          what="why it did not join")
        strings |= screen_strings(ui)
        assert not services.vault.is_set_up()
        shown[locales[0]] = strings
    english, translated = shown["en-US"], shown[next(k for k in shown if k != "en-US")]
    data = data_strings() | {str(tmp_path / "Sync"), "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF"}
    left_english = sorted(t for t in translated if t in msgids() - SAME_IN_BOTH)
    unchanged = sorted(t for t in translated & english if t not in SAME_IN_BOTH and not is_data(t, data))
    assert not left_english, f"English in the {lang} join form: {left_english}"
    assert not unchanged, f"the same as in English in the {lang} join form: {unchanged}"


def test_flutters_own_widgets_get_the_sessions_language_and_region():
    import flet as ft

    from views.models import flutter_locales

    # Flutter's default already: nothing sent, so nothing is rebuilt when the browser reports it.
    assert flutter_locales("en") is None and flutter_locales("en-US") is None
    mexico = flutter_locales("es-MX")
    assert mexico.current_locale == ft.Locale("es", "MX")
    assert mexico.supported_locales == [ft.Locale("es", "MX"), ft.Locale("en"), ft.Locale("es"), ft.Locale("fr")]
    assert flutter_locales("fr").current_locale == ft.Locale("fr")
    assert ft.Locale("fr") in flutter_locales("fr").supported_locales
    assert flutter_locales("en-GB").current_locale == ft.Locale("en", "GB")
