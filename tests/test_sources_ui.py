"""Settings → Directory sources, rendered in-process, syncing from a real server on 127.0.0.1."""

from __future__ import annotations

import threading
from dataclasses import replace

import flet as ft
import pytest

from tests.feed_server import closed_port
from tests.privacy_support import PASSPHRASE
from tests.sync_support import TEST_LIMITS, groups_of, kindred_feed, make_service, signed
from tests.ui_harness import start_ui
from views.sync import start_sync

pytestmark = pytest.mark.asyncio


async def settle(ui) -> None:
    """Until background work (actions, the sync task) is done and the UI re-rendered."""
    await ui.settle()


def field(ui, label: str) -> ft.TextField:
    found = ui.find(ft.TextField, lambda c: c.label == label)
    assert found, f"no field {label!r}"
    return found[0]


async def type_into(ui, label: str, value: str) -> None:
    control = field(ui, label)
    ui.set(control, value=value)
    await ui.event(control, "change")


@pytest.fixture
def ready(services):
    services.preferences.mark_welcome_done()
    make_service(services)
    return services


async def test_settings_summarises_sources_and_leads_to_the_screen(ready):
    ui = await start_ui(ready, route="/settings", passphrase=PASSPHRASE)
    await settle(ui)
    assert ui.has_text("Directory sources")
    assert ui.has_text("No sources. The directory that comes with Kindred works offline")
    await ui.click(ui.find(ft.OutlinedButton, lambda c: c.content == "Directory sources")[0])
    await settle(ui)
    assert ui.current_route() == "/settings/sources"
    assert ui.has_text("No sources yet.")
    assert ui.has_text("it never sends anything about you")


async def test_adding_a_source_syncs_it_and_shows_its_status(ready, feed_server, tmp_path):
    body = kindred_feed(3)
    public_key, signature = signed(tmp_path, body)
    feed_server.route("/groups.json", body=body, etag='"v1"')
    feed_server.route("/groups.json.sig", body=signature)
    ui = await start_ui(ready, route="/settings/sources", passphrase=PASSPHRASE)
    await settle(ui)
    await type_into(ui, "Feed address", feed_server.url("/groups.json"))
    await type_into(ui, "Publisher key (optional)", public_key)
    await type_into(ui, "Name (optional)", "Acme")
    await ui.click(ui.button("Add source"))
    await settle(ui)
    assert [uid for uid, _ in groups_of(ready, "Acme")] == ["Acme/g0", "Acme/g1", "Acme/g2"]
    assert ui.has_text("Acme")
    assert ui.has_text("3 groups · up to date as of just now")
    assert any(t.startswith("verified · publisher key ") for t in ui.texts())
    assert ui.has_text("Acme: Updated: 3 groups (was 0).")
    assert field(ui, "Feed address").value == ""  # the form is empty again


async def test_an_unsigned_source_is_labelled_unverified_and_bad_input_is_explained(ready, feed_server):
    ui = await start_ui(ready, route="/settings/sources", passphrase=PASSPHRASE)
    await settle(ui)
    await type_into(ui, "Feed address", "http://feeds.example.org/groups.json")
    await ui.click(ui.button("Add source"))
    await settle(ui)
    assert ui.has_text("is not a secure address")
    await type_into(ui, "Feed address", feed_server.url("/groups.json"))
    await type_into(ui, "Time zone for groups that give none (optional)", "Mars/Olympus")
    await ui.click(ui.button("Add source"))
    assert ui.has_text("is not a time zone Kindred knows")
    await type_into(ui, "Time zone for groups that give none (optional)", "America/Chicago")
    feed_server.route("/groups.json", body=kindred_feed(2))
    await ui.click(ui.button("Add source"))
    await settle(ui)
    assert ui.has_text("unverified")
    assert ui.has_text("Times without a zone are read as America/Chicago.")


async def test_sync_now_reports_a_failure_in_plain_words_and_keeps_the_data(ready, feed_server):
    feed_server.route("/groups.json", body=kindred_feed(4), etag='"v1"')
    ready.sync.add_source(feed_server.url("/groups.json"), name="acme")
    ready.sync.sync()
    feed_server.route("/groups.json", body=b"{ broken", etag='"v2"')
    ui = await start_ui(ready, route="/settings/sources", passphrase=PASSPHRASE)
    await settle(ui)
    await ui.click(ui.button("Sync now"))
    await settle(ui)
    assert any("The feed could not be read" in t and "The last good copy is kept." in t for t in ui.texts())
    assert any(t.startswith("Could not update just now: The feed could not be read") for t in ui.texts())
    assert ui.has_text("4 groups · up to date as of")
    assert len(groups_of(ready, "acme")) == 4


async def test_progress_is_shown_while_syncing(ready, feed_server):
    feed_server.route("/groups.json", body=kindred_feed(2))
    ready.sync.add_source(feed_server.url("/groups.json"), name="slowish")
    ready.sync.sync()
    answer = threading.Event()
    feed_server.route("/groups.json", body=kindred_feed(3), gate=answer)  # held until we have looked
    ui = await start_ui(ready, route="/settings/sources", passphrase=PASSPHRASE)
    await settle(ui)
    start_sync(ui.state)  # what "Sync now" runs (a click would wait for the handler to end)
    # The worker thread reports "checking" through the event loop.
    await ui.wait_for(lambda: any(t.startswith("Checking slowish (1 of 1)") for t in ui.texts()))
    assert ui.find(ft.ProgressBar), "no progress bar while syncing"
    assert any(t.startswith("Checking slowish (1 of 1)") for t in ui.texts()), ui.texts()
    assert ui.button("Sync now").disabled
    answer.set()
    await settle(ui)
    assert not ui.find(ft.ProgressBar)
    assert len(groups_of(ready, "slowish")) == 3


async def test_pause_resume_and_remove_with_confirmation(ready, feed_server):
    feed_server.route("/groups.json", body=kindred_feed(2))
    ready.sync.add_source(feed_server.url("/groups.json"), name="acme")
    ready.sync.sync()
    ui = await start_ui(ready, route="/settings/sources", passphrase=PASSPHRASE)
    await settle(ui)
    await ui.click(ui.find(ft.OutlinedButton, lambda c: c.content == "Pause")[0])
    await settle(ui)
    assert ready.sync.get_source("acme").paused and ui.has_text("paused")
    await ui.click(ui.find(ft.OutlinedButton, lambda c: c.content == "Resume")[0])
    await settle(ui)
    assert not ready.sync.get_source("acme").paused
    await ui.click(ui.button("Remove"))
    assert any("Remove \u201cacme\u201d and its 2 groups" in t for t in ui.texts())
    await ui.click(ui.button("Keep it"))
    assert groups_of(ready, "acme")
    await ui.click(ui.button("Remove"))
    await ui.click(ui.find(ft.FilledButton, lambda c: c.content == "Remove")[0])
    await settle(ui)
    assert groups_of(ready, "acme") == [] and ready.sync.list_sources() == []
    assert ui.has_text("No sources yet.")


async def test_the_automatic_sync_at_start_runs_in_the_background(ready, feed_server):
    # The answer is held while the test looks: a read time-out long enough for a busy machine.
    make_service(ready, replace(TEST_LIMITS, read_timeout=30.0))
    answer = threading.Event()
    feed_server.route("/groups.json", body=kindred_feed(3), gate=answer)
    ready.sync.add_source(feed_server.url("/groups.json"), name="acme")
    ui = await start_ui(ready, route="/", passphrase=PASSPHRASE)
    # The server holds its answer, yet the first screen is there: the start did not wait.
    assert ui.has_text("Find a group")
    assert groups_of(ready, "acme") == []
    answer.set()
    await settle(ui)
    assert len(groups_of(ready, "acme")) == 3, ui.state.sync.outcomes
    # A second window opened right after does not check again (checked within the hour).
    requests = len(feed_server.requests)
    ui2 = await start_ui(ready, route="/", passphrase=PASSPHRASE)
    await settle(ui2)
    assert len(feed_server.requests) == requests


async def test_offline_at_start_the_last_good_copy_stays(ready, feed_server):
    feed_server.route("/groups.json", body=kindred_feed(3))
    ready.sync.add_source(feed_server.url("/groups.json"), name="acme")
    ready.sync.sync()
    from sqlalchemy import update

    from services.models import DirectorySource

    with ready.directory_db.transaction() as session:
        session.execute(update(DirectorySource).values(location=f"http://127.0.0.1:{closed_port()}/groups.json", last_checked_at=None))
    ui = await start_ui(ready, route="/settings", passphrase=PASSPHRASE)
    await settle(ui)
    assert len(groups_of(ready, "acme")) == 3
    assert any("1 source · 3 groups · up to date as of" in t and "1 could not be updated" in t for t in ui.texts())


# --- a source's last problem and the Sync now lines follow the language of whoever looks (issue #16)

NOT_FOUND_EN = "There is no feed at this address any more (127.0.0.1 answered “not found”, HTTP 404). Nothing was changed."
NOT_FOUND = {
    "es": "Ya no hay ninguna fuente en esta dirección (127.0.0.1 respondió «no encontrado», HTTP 404). No se cambió nada.",
    "fr": "Il n'y a plus de flux à cette adresse (127.0.0.1 a répondu « introuvable », HTTP 404). Rien n'a été modifié.",
}


def in_language(lang: str, message: str) -> str:
    from services.i18n import gettext, use_language

    with use_language(lang):
        return gettext(message)


def failing_source(ready, feed_server, name="acme"):
    feed_server.route("/gone.json", status=404, body=b"not here")
    ready.sync.add_source(feed_server.url("/gone.json"), name=name)
    [outcome] = ready.sync.sync()  # as the CLI runs it: no language set
    assert outcome.status == "failed"
    assert outcome.message == NOT_FOUND_EN  # what the CLI prints and logs hold: English
    return outcome


@pytest.mark.parametrize("lang", ["es", "fr"])
async def test_a_failed_update_is_shown_in_the_language_of_whoever_looks(ready, feed_server, lang):
    failing_source(ready, feed_server)
    assert ready.sync.get_source("acme").last_error == NOT_FOUND_EN  # stored once, in no language
    ui = await start_ui(ready, route="/settings/sources", passphrase=PASSPHRASE, locales=(lang,))
    await settle(ui)
    problem = in_language(lang, "Could not update {when}: {problem}").split("{when}")[0]
    assert any(t.startswith(problem) and t.endswith(NOT_FOUND[lang]) for t in ui.texts()), ui.texts()
    assert not any("not found" in t or "Nothing was changed" in t for t in ui.texts())

    # Sync now: the outcome line too.
    await ui.click(ui.button(in_language(lang, "Sync now")))
    await settle(ui)
    assert ui.has_text(f"acme: {NOT_FOUND[lang]}"), ui.texts()
    assert not any("not found" in t for t in ui.texts())

    # The same stored problem, looked at in English.
    english = await start_ui(ready, route="/settings/sources", passphrase=PASSPHRASE)
    await settle(english)
    assert any(t.startswith("Could not update") and t.endswith(NOT_FOUND_EN) for t in english.texts()), english.texts()


async def test_a_nested_download_problem_is_translated_inside_its_sentence(ready, feed_server, tmp_path):
    """A signature that cannot be downloaded: "…: {reason}" with the fetch error inside, both translated."""
    from services.i18n import Message, use_language

    body = kindred_feed(2)
    public_key, _signature = signed(tmp_path, body)
    feed_server.route("/groups.json", body=body)
    feed_server.route("/groups.json.sig", status=500, body=b"oops")
    ready.sync.add_source(feed_server.url("/groups.json"), name="signed", public_key=public_key)
    [outcome] = ready.sync.sync()
    assert outcome.status == "failed"
    assert str(outcome.message).startswith("The signature could not be downloaded: 127.0.0.1 had a problem of its own (HTTP 500).")
    stored = ready.sync.get_source("signed").last_error
    assert isinstance(stored, Message)
    with use_language("es"):
        assert stored.localized() == ("No se pudo descargar la firma: 127.0.0.1 tuvo un problema propio (HTTP 500). "
                                      "Inténtalo de nuevo más tarde. No se cambió nada.")
    with use_language("fr"):
        assert stored.localized().startswith("La signature n'a pas pu être téléchargée : 127.0.0.1 a eu un problème")


@pytest.mark.parametrize("lang", ["es", "fr"])
async def test_a_problem_stored_as_plain_text_before_is_still_shown(ready, feed_server, lang):
    """Rows written before problems were stored as templates hold plain English: shown as they are."""
    from sqlalchemy import update

    from services.models import DirectorySource

    failing_source(ready, feed_server)
    old = "Could not reach example.org. Check the internet connection, or try again later. The last good copy is kept."
    with ready.directory_db.transaction() as session:
        session.execute(update(DirectorySource).values(last_error=old))
    assert ready.sync.get_source("acme").last_error == old
    ui = await start_ui(ready, route="/settings/sources", passphrase=PASSPHRASE, locales=(lang,))
    await settle(ui)
    assert any(t.endswith(old) for t in ui.texts()), ui.texts()


async def test_the_cli_describes_a_failed_source_in_english(ready, feed_server):
    from cli.sources import _describe
    from services.i18n import use_language

    failing_source(ready, feed_server)
    with use_language("es"):  # even were a language set, the CLI's words and the stored problem are English
        lines = _describe(ready.sync.get_source("acme"))
    assert f"  last check failed: {NOT_FOUND_EN}" in lines
