"""The catalogue of open directories: every entry names its evidence and the day it was
seen; the file is signed; suggestions for a place come offline; a subscription is one
command; a signed newer copy can replace it, anything else cannot."""

import json
import shutil
import socket
from datetime import date

import pytest

from cli import main
from services.directory import places
from services.directory.catalogue import (
    BUNDLED_CATALOGUE,
    CATALOGUE_KEY_FILE,
    CatalogueError,
    CatalogueService,
    parse_catalogue,
)
from services.sync import signing
from tests.catalogue_support import resigned_bundled_catalogue


@pytest.fixture
def network_off(monkeypatch):
    """Any attempt to open a network connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("the catalogue must work with the network off")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_every_entry_carries_its_source_and_date():
    document = json.loads(BUNDLED_CATALOGUE.read_text(encoding="utf-8"))
    generated = date.fromisoformat(document["generated_at"])
    assert "does not check" in document["notice"]
    assert len(document["entries"]) >= 10
    for entry in document["entries"]:
        checked = date.fromisoformat(entry["last_checked"])
        assert checked <= generated, entry["name"]
        assert entry["evidence"].startswith(f"evidence seen on {entry['last_checked']} in "), entry["name"]
        assert entry["evidence_url"].startswith("https://github.com/"), entry["name"]
        assert entry["url"].startswith("https://") and entry["format"] in ("meeting-guide", "bmlt", "kindred", "hsds")
        assert entry["region"] and entry["covers"]["description"]
        if entry["format"] == "bmlt":
            # Members' contact fields are never asked for.
            assert "data_field_key=" in entry["url"] and "contact" not in entry["url"]
    parse_catalogue(BUNDLED_CATALOGUE.read_bytes(), "bundled")  # the schema agrees


def test_bundled_catalogue_is_signed_by_the_pinned_key():
    fingerprint = signing.verify_file(BUNDLED_CATALOGUE, CATALOGUE_KEY_FILE)
    pinned = CATALOGUE_KEY_FILE.read_text(encoding="utf-8").strip()
    assert fingerprint == signing.fingerprint(pinned)
    # The app's own loader (no key passed in) verifies with the pinned key, and finds it good.
    service = CatalogueService()
    assert service.public_key() == pinned
    assert service.load().origin == "bundled"
    # The fingerprint people are told to check (docs/catalogue.md) is the pinned key's.
    docs = (BUNDLED_CATALOGUE.parent.parent / "docs" / "catalogue.md").read_text(encoding="utf-8")
    assert f"fingerprint\n`{fingerprint}`" in docs or f"fingerprint `{fingerprint}`" in docs


def test_a_catalogue_signed_by_any_other_key_is_refused_by_the_pinned_key(tmp_path):
    """Re-signing with a key that is not pinned (the lost one, or anyone's) is not enough."""
    (tmp_path / "keys").mkdir()
    stranger = signing.generate_keypair(tmp_path / "keys" / "stranger")
    bundled = tmp_path / "catalogue.json"
    shutil.copy(BUNDLED_CATALOGUE, bundled)
    signing.sign_file(bundled, [stranger.private_path])
    with pytest.raises(CatalogueError, match="not signed"):
        CatalogueService(bundled=bundled).load()


def test_no_private_key_is_shipped():
    """The catalogue's private key is held by the maintainers, never in the repository."""
    for path in BUNDLED_CATALOGUE.parent.rglob("*"):
        if path.is_file() and path.stat().st_size < 1_000_000:
            content = path.read_bytes()
            assert b"PRIVATE KEY" not in content, path
            assert not path.name.endswith(".key"), path
    signing.load_public_key(CATALOGUE_KEY_FILE)  # the pin is a public key


def _names(suggestions, *matches):
    return [s.entry.name for s in suggestions if s.match in matches]


@pytest.mark.parametrize(
    ("place", "nearby", "country"),
    [
        ("Philadelphia", {"NA Greater Philadelphia Region", "AA Southeastern Pennsylvania Intergroup (SEPIA)"}, set()),
        ("19103", {"NA Greater Philadelphia Region", "AA Southeastern Pennsylvania Intergroup (SEPIA)"}, set()),
        ("Edmonton", {"AA Edmonton Central Office"}, {"NA Canadian Assembly"}),
        # No London-local open feed was found (see the catalogue notes): online directories only.
        ("London", set(), set()),
    ],
)
def test_places_get_entries_that_cover_them_offline(network_off, place, nearby, country):
    service = CatalogueService()
    found = service.suggestions(places.geocode(place))
    covering = [s for s in found if s.match != "elsewhere"]
    assert covering and covering == found[: len(covering)]  # covering entries come first
    assert nearby <= set(_names(found, "nearby"))
    assert country <= set(_names(found, "country"))
    assert {"Online Intergroup of A.A. (OIAA)", "Virtual NA"} <= set(_names(found, "online"))
    if place == "London":
        assert _names(found, "nearby", "country") == []
    # Nothing that covers somewhere else is presented as covering this place.
    assert "AA Edmonton Central Office" not in _names(found, "nearby") or place == "Edmonton"


def test_nearest_directory_first():
    found = CatalogueService().suggestions(places.geocode("Philadelphia"), include_elsewhere=False)
    nearby = [s for s in found if s.match == "nearby"]
    assert nearby[0].entry.name in ("NA Greater Philadelphia Region", "AA Southeastern Pennsylvania Intergroup (SEPIA)")
    assert [s.distance_km for s in nearby] == sorted(s.distance_km for s in nearby)


def test_cli_catalogue_json_shape(network_off, data_dir, capsys):
    assert main(["--data-dir", str(data_dir), "directory", "catalogue", "--near", "Edmonton", "--json"]) == 0
    output = json.loads(capsys.readouterr().out)
    assert "does not check" in output["notice"]
    first = output["results"][0]
    assert {"name", "url", "format", "region", "covers", "last_checked", "evidence"} <= set(first)
    assert first["name"] == "AA Edmonton Central Office" and first["match"] == "nearby"
    assert len(output["results"]) == len(json.loads(BUNDLED_CATALOGUE.read_text())["entries"])


def test_cli_unknown_place_is_a_clear_message(data_dir, capsys):
    assert main(["--data-dir", str(data_dir), "directory", "catalogue", "--near", "Nowhereville Zzz"]) == 1
    assert "Nowhereville" in capsys.readouterr().err


def test_sources_add_from_catalogue(network_off, data_dir, capsys):
    assert main(["--data-dir", str(data_dir), "sources", "add", "--from-catalogue", "aa edmonton central office"]) == 0
    out = capsys.readouterr().out
    assert "does not check" in out and "AA Edmonton Central Office" in out
    assert main(["--data-dir", str(data_dir), "sources", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(s["name"], s["url"]) for s in listed] == [
        ("AA Edmonton Central Office", "https://www.edmontonaa.org/wp-json/tsml/meetings")]
    # An unknown name adds nothing and says what there is.
    assert main(["--data-dir", str(data_dir), "sources", "add", "--from-catalogue", "Edmonton"]) == 1
    assert "Did you mean: AA Edmonton Central Office" in capsys.readouterr().err
    assert main(["--data-dir", str(data_dir), "sources", "add"]) == 1
    assert main(["--data-dir", str(data_dir), "sources", "list", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 1


# --- updates: a signed newer copy replaces it; nothing else does ------------------------------

@pytest.fixture
def test_catalogue(tmp_path):
    """The bundled catalogue re-signed with a test key (the real key never enters the repository)."""
    return resigned_bundled_catalogue(tmp_path)


def _newer(bundled, generated_at="2027-01-15", drop=None) -> bytes:
    document = json.loads(bundled.read_text())
    document["generated_at"] = generated_at
    if drop:
        document["entries"] = [e for e in document["entries"] if e["name"] != drop]
    return json.dumps(document).encode()


def test_signed_newer_catalogue_replaces_the_bundled_one(tmp_path, feed_server, test_catalogue):
    pair, bundled = test_catalogue
    body = _newer(bundled, drop="NA India")
    key = signing.load_private_key(pair.private_path)
    feed_server.route("/catalogue.json", body=body)
    feed_server.route("/catalogue.json.sig", body=(signing.sign_bytes(key, body) + "\n").encode(), content_type="text/plain")
    data_dir = tmp_path / "data"
    service = CatalogueService(data_dir, bundled=bundled, public_key=pair.public_key)
    assert service.load().origin == "bundled"
    updated = service.update_from(feed_server.url("/catalogue.json"))
    assert (updated.origin, updated.generated_at) == ("updated", "2027-01-15")
    assert "NA India" not in [e.name for e in updated.entries]
    # A new service over the same data folder (the next start) uses the update, offline.
    again = CatalogueService(data_dir, bundled=bundled, public_key=pair.public_key).load()
    assert again.generated_at == "2027-01-15"


def test_unsigned_tampered_or_older_catalogues_are_refused(tmp_path, feed_server, test_catalogue):
    pair, bundled = test_catalogue
    key = signing.load_private_key(pair.private_path)
    data_dir = tmp_path / "data"
    service = CatalogueService(data_dir, bundled=bundled, public_key=pair.public_key)

    body = _newer(bundled)
    feed_server.route("/bad.json", body=body)
    feed_server.route("/bad.json.sig", body=(signing.sign_bytes(key, body + b" ") + "\n").encode())
    with pytest.raises(CatalogueError, match="not signed by Kindred's catalogue key"):
        service.update_from(feed_server.url("/bad.json"))

    feed_server.route("/nosig.json", body=body)
    feed_server.route("/nosig.json.sig", status=404)
    with pytest.raises(CatalogueError, match="could not be downloaded"):
        service.update_from(feed_server.url("/nosig.json"))

    older = _newer(bundled, generated_at="2020-01-01")
    feed_server.route("/old.json", body=older)
    feed_server.route("/old.json.sig", body=(signing.sign_bytes(key, older) + "\n").encode())
    with pytest.raises(CatalogueError, match="older than the one in use"):
        service.update_from(feed_server.url("/old.json"))

    invalid = json.loads(body)
    invalid["entries"][0]["evidence"] = "trust me"
    invalid = json.dumps(invalid).encode()
    feed_server.route("/invalid.json", body=invalid)
    feed_server.route("/invalid.json.sig", body=(signing.sign_bytes(key, invalid) + "\n").encode())
    with pytest.raises(CatalogueError, match="evidence"):
        service.update_from(feed_server.url("/invalid.json"))

    assert service.load().origin == "bundled"
    assert not (data_dir / "catalogue" / "catalogue.json").exists()


def test_a_damaged_updated_copy_is_ignored(tmp_path, test_catalogue):
    pair, bundled = test_catalogue
    folder = tmp_path / "data" / "catalogue"
    folder.mkdir(parents=True)
    (folder / "catalogue.json").write_bytes(_newer(bundled))
    (folder / "catalogue.json.sig").write_text("not a signature\n")
    loaded = CatalogueService(tmp_path / "data", bundled=bundled, public_key=pair.public_key).load()
    assert loaded.origin == "bundled"


def test_a_bundled_file_edited_without_re_signing_is_refused(tmp_path, test_catalogue):
    pair, bundled = test_catalogue
    bundled.write_bytes(bundled.read_bytes().replace(b"NA India", b"NA Indie"))
    with pytest.raises(CatalogueError, match="not signed"):
        CatalogueService(bundled=bundled, public_key=pair.public_key).load()


def test_subscribe_then_sync_a_bmlt_address_over_http(feed_server, services):
    """Subscribing adds the entry's address; a BMLT address (a query string, no .json) syncs
    and is read as BMLT. (Catalogue addresses are https only, so the sync half uses the same
    kind of address on 127.0.0.1.)"""
    from pathlib import Path

    status = CatalogueService().subscribe("virtual na", services.sync)
    assert status.name == "Virtual NA" and status.url.startswith("https://bmlt.virtual-na.org/main_server/client_interface/json/")
    fixture = Path(__file__).resolve().parent / "data" / "bmlt" / "virtual_na.json"
    feed_server.route("/main_server/client_interface/json/", body=fixture.read_bytes())
    url = feed_server.url("/main_server/client_interface/json/?switcher=GetSearchResults&get_used_formats=1")
    services.sync.add_source(url, name="Local BMLT")
    [outcome] = services.sync.sync(["Local BMLT"])
    assert outcome.ok and outcome.groups == 2, outcome.message
    listed = {s.name: s for s in services.directory.sources()}
    assert listed["Local BMLT"].format == "bmlt" and listed["Local BMLT"].group_count == 2
    [request] = feed_server.requests_for("/main_server/client_interface/json/")
    assert request.path.endswith("?switcher=GetSearchResults&get_used_formats=1")


def test_cli_update_refuses_a_copy_not_signed_by_kindreds_key(tmp_path, feed_server, data_dir, capsys):
    (tmp_path / "keys").mkdir()
    pair = signing.generate_keypair(tmp_path / "keys" / "stranger")
    body = BUNDLED_CATALOGUE.read_bytes().replace(b'"generated_at": "2026-12-02"', b'"generated_at": "2027-06-01"')
    feed_server.route("/c.json", body=body)
    feed_server.route("/c.json.sig", body=(signing.sign_bytes(signing.load_private_key(pair.private_path), body) + "\n").encode())
    assert main(["--data-dir", str(data_dir), "directory", "catalogue", "--update", feed_server.url("/c.json")]) == 1
    assert "not signed by Kindred's catalogue key" in capsys.readouterr().err
    assert main(["--data-dir", str(data_dir), "directory", "catalogue", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["generated_at"] == "2026-12-02"


def test_the_asset_is_what_the_documented_build_script_writes():
    """docs/catalogue.md says entries are edited in tools/build_catalogue.py: the signed asset must match it."""
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "tools" / "build_catalogue.py"
    spec = importlib.util.spec_from_file_location("build_catalogue", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.document() == json.loads(BUNDLED_CATALOGUE.read_text(encoding="utf-8"))
