"""A catalogue signed with a test key, and the app pointed at that key (``catalogue_trust``),
for tests of catalogue updates: the real catalogue key never enters the repository or a test.
``services.directory.catalogue`` reads ``BUNDLED_CATALOGUE`` and ``CATALOGUE_KEY_FILE`` when a
CatalogueService is made and used, so the fixture must run before ``services.catalogue`` is first
touched (it is made on first use)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from services.directory import catalogue as catalogue_module
from services.directory.catalogue import BUNDLED_CATALOGUE
from services.sync import signing


def resigned_bundled_catalogue(tmp_path) -> tuple[signing.KeyPairFiles, Path]:
    """A test key pair, and a copy of the bundled catalogue signed with it (under tmp_path)."""
    (tmp_path / "keys").mkdir()
    pair = signing.generate_keypair(tmp_path / "keys" / "catalogue-test")
    bundled = tmp_path / "bundled" / "catalogue.json"
    bundled.parent.mkdir()
    shutil.copy(BUNDLED_CATALOGUE, bundled)
    signing.sign_file(bundled, [pair.private_path])
    return pair, bundled


@pytest.fixture
def catalogue_trust(tmp_path, monkeypatch):
    """A test key pinned in place of Kindred's, and the bundled catalogue signed with it.
    Returns a function that signs bytes with the test key."""
    pair, bundled = resigned_bundled_catalogue(tmp_path)
    monkeypatch.setattr(catalogue_module, "BUNDLED_CATALOGUE", bundled)
    monkeypatch.setattr(catalogue_module, "CATALOGUE_KEY_FILE", pair.public_path)
    key = signing.load_private_key(pair.private_path)
    return lambda body: (signing.sign_bytes(key, body) + "\n").encode()


def catalogue_bytes(generated_at: str, drop: str | None = None, add: dict | None = None) -> bytes:
    document = json.loads(BUNDLED_CATALOGUE.read_text(encoding="utf-8"))
    document["generated_at"] = generated_at
    if drop:
        document["entries"] = [e for e in document["entries"] if e["name"] != drop]
    if add:
        document["entries"].append(add)
    return json.dumps(document, indent=1).encode()


def publish(feed_server, path: str, body: bytes, sig: bytes, etag: str | None = None) -> str:
    feed_server.route(path, body=body, etag=etag)
    feed_server.route(path + ".sig", body=sig, content_type="text/plain")
    return feed_server.url(path)



LONDON_ENTRY = {
    "name": "A London test directory",
    "url": "https://example.org/london/meetings.json",
    "format": "meeting-guide",
    "programme": "Test",
    "region": "London, UK (test)",
    "covers": {"kind": "box", "box": [51.28, -0.51, 51.69, 0.33], "description": "Greater London (a test entry)"},
    "terms": None,
    "last_checked": "2027-01-15",
    "evidence": "evidence seen on 2027-01-15 in a test fixture: not a real directory.",
    "evidence_url": "https://example.org/",
}
