"""The catalogue of open directories is a signed feed that the ordinary directory sync updates:
its address is kept in the data folder (`kindred directory catalogue --source URL`), `kindred
sync` fetches it over real HTTP on 127.0.0.1 after the sources, checks the signature against
the pinned key, never goes back to an older catalogue, and a bad signature or a malformed file
is a plain message while the catalogue in use stays.

The tests never use Kindred's real catalogue key: they sign a copy of the bundled catalogue with
a key of their own and point the app at its public half (``catalogue_trust``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from cli import main
from services.directory import catalogue as catalogue_module
from services.directory.catalogue import DEFAULT_SOURCE_URL, CatalogueService
from services.sync import signing
from services.sync.service import CATALOGUE_NAME, SourceError
from tests.catalogue_support import catalogue_bytes, catalogue_trust, publish  # noqa: F401 - a fixture


def cli_json(capsys, *argv) -> tuple[int, object]:
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else None


NEW_ENTRY = {
    "name": "A test directory added by an update",
    "url": "https://example.org/meetings.json",
    "format": "meeting-guide",
    "programme": "Test",
    "region": "Testville",
    "covers": {"kind": "online", "description": "Anywhere (a test entry)"},
    "terms": None,
    "last_checked": "2027-01-15",
    "evidence": "evidence seen on 2027-01-15 in a test fixture: not a real directory.",
    "evidence_url": "https://example.org/",
}


def test_there_is_no_published_catalogue_address_yet_and_sync_says_nothing_about_it(data_dir, capsys):
    assert DEFAULT_SOURCE_URL is None  # docs/catalogue.md says so; a sync fetches nothing for the catalogue
    assert main(["--data-dir", str(data_dir), "sync", "--json"]) == 0
    assert "No sources to sync" in capsys.readouterr().out
    code, shown = cli_json(capsys, "--data-dir", str(data_dir), "directory", "catalogue", "--json")
    assert code == 0 and shown["source"]["url"] is None


def test_kindred_sync_updates_the_catalogue_from_its_address(data_dir, feed_server, catalogue_trust, capsys):
    body = catalogue_bytes("2027-01-15", drop="NA India", add=NEW_ENTRY)
    url = publish(feed_server, "/kindred/catalogue.json", body, catalogue_trust(body), etag='"v2"')
    assert main(["--data-dir", str(data_dir), "directory", "catalogue", "--source", url]) == 0
    assert url in capsys.readouterr().out

    code, outcomes = cli_json(capsys, "--data-dir", str(data_dir), "sync", "--json")
    assert code == 0, outcomes
    [outcome] = outcomes
    assert outcome["source"] == CATALOGUE_NAME and outcome["status"] == "updated", outcome
    assert "catalogue of 2027-01-15" in outcome["message"]

    code, shown = cli_json(capsys, "--data-dir", str(data_dir), "directory", "catalogue", "--json")
    assert (shown["generated_at"], shown["catalogue"]) == ("2027-01-15", "updated")
    names = [r["name"] for r in shown["results"]]
    assert NEW_ENTRY["name"] in names and "NA India" not in names
    assert shown["source"]["url"] == url and shown["source"]["last_error"] is None

    # The next sync asks conditionally; an unchanged catalogue is one 304, nothing rewritten.
    code, outcomes = cli_json(capsys, "--data-dir", str(data_dir), "sync", "--json")
    assert code == 0 and outcomes[0]["status"] == "unchanged", outcomes
    assert feed_server.requests_for("/kindred/catalogue.json")[-1].header("If-None-Match") == '"v2"'
    assert len(feed_server.requests_for("/kindred/catalogue.json.sig")) == 1


def test_an_older_copy_is_refused_and_the_catalogue_in_use_stays(data_dir, feed_server, catalogue_trust, capsys):
    newer = catalogue_bytes("2027-03-01", add=NEW_ENTRY)
    url = publish(feed_server, "/c.json", newer, catalogue_trust(newer))
    main(["--data-dir", str(data_dir), "directory", "catalogue", "--source", url])
    capsys.readouterr()
    assert cli_json(capsys, "--data-dir", str(data_dir), "sync", "--json")[1][0]["status"] == "updated"

    # The same address now serves an older copy, properly signed: a replay must not roll back.
    older = catalogue_bytes("2027-02-01")
    publish(feed_server, "/c.json", older, catalogue_trust(older))
    code, outcomes = cli_json(capsys, "--data-dir", str(data_dir), "sync", "--json")
    assert code == 1
    assert outcomes[0]["status"] == "failed"
    assert "older than the one in use" in outcomes[0]["message"]
    assert outcomes[0]["message"].endswith("The catalogue in use is kept.")
    code, shown = cli_json(capsys, "--data-dir", str(data_dir), "directory", "catalogue", "--json")
    assert shown["generated_at"] == "2027-03-01" and NEW_ENTRY["name"] in [r["name"] for r in shown["results"]]
    assert "older than the one in use" in shown["source"]["last_error"]


def test_an_older_catalogue_than_the_bundled_one_is_refused_too(data_dir, feed_server, catalogue_trust, capsys):
    older = catalogue_bytes("2020-01-01", drop="NA India")
    url = publish(feed_server, "/c.json", older, catalogue_trust(older))
    main(["--data-dir", str(data_dir), "directory", "catalogue", "--source", url])
    capsys.readouterr()
    code, outcomes = cli_json(capsys, "--data-dir", str(data_dir), "sync", "--json")
    assert code == 1 and "older than the one in use" in outcomes[0]["message"]
    shown = cli_json(capsys, "--data-dir", str(data_dir), "directory", "catalogue", "--json")[1]
    assert shown["catalogue"] == "bundled" and "NA India" in [r["name"] for r in shown["results"]]


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("bad signature", "not signed by Kindred's catalogue key"),
        ("signed by another key", "not signed by Kindred's catalogue key"),
        ("no signature", "could not be downloaded"),
        ("malformed JSON", "not valid JSON"),
        ("fails the schema", "the catalogue is not valid"),
    ],
)
def test_a_bad_catalogue_is_a_plain_message_and_changes_nothing(data_dir, feed_server, catalogue_trust, capsys, tmp_path,
                                                                  case, words):
    body = catalogue_bytes("2027-01-15", add=NEW_ENTRY)
    sig = catalogue_trust(body)
    if case == "bad signature":
        body = body.replace(b"Testville", b"Elsewhere")  # changed on the way
    elif case == "signed by another key":
        stranger = signing.generate_keypair(tmp_path / "keys" / "stranger")
        sig = (signing.sign_bytes(signing.load_private_key(stranger.private_path), body) + "\n").encode()
    elif case == "malformed JSON":
        body = body[: len(body) // 2]
        sig = catalogue_trust(body)
    elif case == "fails the schema":
        document = json.loads(body)
        del document["entries"][0]["evidence"]
        body = json.dumps(document).encode()
        sig = catalogue_trust(body)
    url = publish(feed_server, "/c.json", body, sig)
    if case == "no signature":
        feed_server.route("/c.json.sig", status=404)
    main(["--data-dir", str(data_dir), "directory", "catalogue", "--source", url])
    capsys.readouterr()
    code, outcomes = cli_json(capsys, "--data-dir", str(data_dir), "sync", "--json")
    assert code == 1
    [outcome] = outcomes
    assert outcome["status"] == "failed" and words in outcome["message"], outcome
    assert outcome["message"].endswith("The catalogue in use is kept.")
    assert "Traceback" not in outcome["message"]
    shown = cli_json(capsys, "--data-dir", str(data_dir), "directory", "catalogue", "--json")[1]
    assert shown["catalogue"] == "bundled" and NEW_ENTRY["name"] not in [r["name"] for r in shown["results"]]
    assert not (data_dir / "catalogue" / "catalogue.json").exists()


def test_the_catalogue_is_synced_after_the_sources_through_the_same_fetcher(services, feed_server, catalogue_trust):
    body = catalogue_bytes("2027-01-15", add=NEW_ENTRY)
    url = publish(feed_server, "/c.json", body, catalogue_trust(body))
    services.catalogue.set_source(url)
    feed_server.route("/feed.json", status=500)
    services.sync.add_source(feed_server.url("/feed.json"), name="A failing source")
    seen = []
    outcomes = services.sync.sync(progress=lambda p: seen.append((p.name, p.stage, p.index, p.total)))
    assert [(o.name, o.status) for o in outcomes] == [("A failing source", "failed"), (CATALOGUE_NAME, "updated")]
    assert (CATALOGUE_NAME, "checking", 1, 2) in seen and seen[-1] == (CATALOGUE_NAME, "done", 1, 2)
    assert NEW_ENTRY["name"] in [e.name for e in services.catalogue.load().entries]
    # One source by name leaves the catalogue alone; naming the catalogue syncs only it.
    assert [o.name for o in services.sync.sync(["A failing source"])] == ["A failing source"]
    assert [o.name for o in services.sync.sync([CATALOGUE_NAME])] == [CATALOGUE_NAME]


def test_the_automatic_check_at_start_fetches_the_catalogue_at_most_hourly(services, feed_server, catalogue_trust):
    body = catalogue_bytes("2027-01-15")
    url = publish(feed_server, "/c.json", body, catalogue_trust(body))
    assert CATALOGUE_NAME not in services.sync.sources_due()  # no address: nothing to check
    services.catalogue.set_source(url)
    assert services.sync.sources_due() == [CATALOGUE_NAME]
    t0 = datetime.now(UTC)
    assert [o.name for o in services.sync.sync(due_only=True, now=lambda: t0)] == [CATALOGUE_NAME]
    assert services.sync.sync(due_only=True, now=lambda: t0 + timedelta(minutes=10)) == []
    assert [o.name for o in services.sync.sync(due_only=True, now=lambda: t0 + timedelta(hours=2))] == [CATALOGUE_NAME]


def test_the_address_is_checked_and_can_be_forgotten(services, capsys, data_dir):
    with pytest.raises(catalogue_module.CatalogueError):
        services.catalogue.set_source("ftp://example.org/catalogue.json")
    assert services.catalogue.set_source("https://example.org/catalogue.json").url == "https://example.org/catalogue.json"
    assert services.catalogue.set_source("").url is None
    assert main(["--data-dir", str(data_dir), "directory", "catalogue", "--source", "ftp://example.org/c.json"]) == 1
    assert capsys.readouterr().err.strip()  # a plain message, no traceback
    assert main(["--data-dir", str(data_dir), "directory", "catalogue", "--reset-source"]) == 0
    assert "publishes none yet" in capsys.readouterr().out
    with pytest.raises(SourceError, match="kept"):
        services.sync.add_source("https://example.org/x.json", name=CATALOGUE_NAME)


def test_a_damaged_address_file_is_as_if_never_set(tmp_path):
    folder = tmp_path / "catalogue"
    folder.mkdir()
    (folder / "source.json").write_text("{not json")
    assert CatalogueService(tmp_path).source().url is None


def test_the_browser_build_updates_the_catalogue_through_its_own_fetch_and_checks_the_signature(
        data_dir, feed_server, catalogue_trust, monkeypatch):
    """As in the browser: no cryptography (the browser's verifier checks the signature) and
    downloads through ``services.platform.fetch_bytes`` (natively httpx: the same seam)."""
    from services import platform
    from services.app import open_services
    from services.sync.fetch import Fetcher
    from services.sync.service import SyncService
    from tests.catalogue_support import LONDON_ENTRY
    from tests.sync_support import check_signatures_as_in_the_browser

    body = catalogue_bytes("2027-01-15", add=LONDON_ENTRY)
    good = publish(feed_server, "/c.json", body, catalogue_trust(body))
    services = open_services(data_dir)
    try:
        catalogue = services.catalogue
        catalogue.load()  # the bundled copy, checked with cryptography before the switch
        check_signatures_as_in_the_browser(monkeypatch)
        assert signing.available() and not signing.can_sign()
        fetched = []

        def browser_fetch(url, headers, timeout):
            fetched.append(url)
            return platform.fetch_bytes(url, headers, timeout)

        sync = SyncService(services.directory_db, catalogue=catalogue,
                           fetcher_factory=lambda limits: Fetcher(limits, browser_fetch=browser_fetch))
        # A copy changed on the way is refused by the browser's check too.
        publish(feed_server, "/bad.json", body.replace(b"London test", b"Paris test"), catalogue_trust(body))
        catalogue.set_source(feed_server.url("/bad.json"))
        [refused] = sync.sync()
        assert refused.status == "failed" and "not signed by Kindred's catalogue key" in refused.message
        # The whole sentence in the person's language, the reason inside it too (as shown, and as kept).
        from services.i18n import Message, use_language

        kept = catalogue.source().last_error
        with use_language("es"):
            for message in (refused.message, kept):
                assert isinstance(message, Message)
                assert "no está firmado con la clave de catálogo de Kindred" in message.localized(), message.localized()
        with use_language("fr"):
            assert "n'est pas signé par la clé de catalogue de Kindred" in kept.localized()
        catalogue.set_source(good)
        [outcome] = sync.sync()
        assert outcome.status == "updated", outcome.message
        assert fetched[-2:] == [good, good + ".sig"]
        assert LONDON_ENTRY["name"] in [e.name for e in catalogue.load().entries]
        # The next start (a new service over the same folder) checks the kept copy the same way.
        again = CatalogueService(data_dir).load()
        assert (again.origin, again.generated_at) == ("updated", "2027-01-15")
    finally:
        services.close()


def test_the_same_catalogue_again_is_unchanged_and_a_re_signed_copy_is_kept(services, feed_server, catalogue_trust, tmp_path):
    """The bundled catalogue served as it is changes nothing; the kept copy served again with a
    new signature (say, after a key rotation) replaces the old signature, so it stays usable."""
    bundled = catalogue_module.BUNDLED_CATALOGUE.read_bytes()
    url = publish(feed_server, "/c.json", bundled, catalogue_trust(bundled))
    services.catalogue.set_source(url)
    [outcome] = services.sync.sync()
    assert outcome.status == "unchanged" and services.catalogue.load().origin == "bundled"
    body = catalogue_bytes("2027-01-15", add=NEW_ENTRY)
    publish(feed_server, "/c.json", body, catalogue_trust(body))
    assert services.sync.sync()[0].status == "updated"
    assert services.sync.sync()[0].status == "unchanged"
    # A second signature line (a rotation: old and new key) on the same bytes is kept.
    other = signing.generate_keypair(tmp_path / "keys" / "next")
    both = catalogue_trust(body) + (signing.sign_bytes(signing.load_private_key(other.private_path), body) + "\n").encode()
    publish(feed_server, "/c.json", body, both)
    services.sync.sync()
    assert (services.data_dir / "catalogue" / "catalogue.json.sig").read_bytes() == both
    assert services.catalogue.load().origin == "updated"


def test_a_failed_catalogue_update_is_shown_in_the_language_of_whoever_looks(services, feed_server, catalogue_trust):
    """Its outcome and its kept last problem are the English wording and values (what the CLI
    prints), translated where shown (issue #16)."""
    from services.i18n import Message, use_language

    body = catalogue_bytes("2027-01-15", add=NEW_ENTRY)
    url = publish(feed_server, "/c.json", body, catalogue_trust(body))
    feed_server.route("/c.json.sig", status=404)
    services.catalogue.set_source(url)
    [outcome] = services.sync.sync()
    english = ("The catalogue could not be downloaded: There is no feed at this address any more (127.0.0.1 answered "
               "“not found”, HTTP 404). The catalogue in use is kept.")
    assert outcome.status == "failed" and outcome.message == english
    stored = services.catalogue.source().last_error
    assert stored == english and isinstance(stored, Message)
    with use_language("es"):
        assert stored.localized() == ("No se pudo descargar el catálogo: Ya no hay ninguna fuente en esta dirección "
                                      "(127.0.0.1 respondió «no encontrado», HTTP 404). Se conserva el catálogo en uso.")
        assert outcome.message.localized() == stored.localized()
    with use_language("fr"):
        assert stored.localized().startswith("Le catalogue n'a pas pu être téléchargé : Il n'y a plus de flux")
