"""The PWA build's downloads are pinned by hash (issue 13): every wheel and npm tarball it
uses has a sha256 in pwa/pins.json, and a file that does not match is deleted and refused."""

from __future__ import annotations

import json
import re

import pytest

from pwa import build as pwa
from pwa.build import PwaBuildError


def test_every_wheel_and_npm_package_the_build_uses_is_pinned():
    pins = json.loads(pwa.PINS_FILE.read_text())
    pinned_wheels = {f"{re.sub(r'[-_.]+', '-', name.split('-')[0]).lower()}=={name.split('-')[1]}"
                     for name in pins if name.endswith(".whl")}
    wanted = {f"{re.sub(r'[-_.]+', '-', r.split('==')[0]).lower()}=={r.split('==')[1]}" for r in pwa.browser_requirements() + pwa.pdf_requirements()}
    assert wanted <= pinned_wheels
    for spec in pwa.NPM_PACKAGES.values():
        name, version = spec.rsplit("@", 1)
        assert f"{name.lstrip('@').replace('/', '-')}-{version}.tgz" in pins
    assert all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest in pins.values())


def test_a_changed_download_is_deleted_and_refused(tmp_path):
    name = next(n for n in json.loads(pwa.PINS_FILE.read_text()) if n.startswith("sqlalchemy-"))
    wheel = tmp_path / name
    wheel.write_bytes(b"PK\x03\x04 not the published wheel")
    with pytest.raises(PwaBuildError, match="does not match its pinned hash"):
        pwa.verify_pinned(wheel)
    assert not wheel.exists()


def test_an_unpinned_file_is_refused(tmp_path):
    wheel = tmp_path / "evil-1.0-py3-none-any.whl"
    wheel.write_bytes(b"PK")
    with pytest.raises(PwaBuildError, match="no pinned hash"):
        pwa.verify_pinned(wheel)
