"""The installable PWA (``kindred pwa build``): built once per run, served as plain files on
127.0.0.1, and driven in Chromium — crypto vectors, a check-in, an offline reload.

The build takes about half a minute with a warm cache (``$KINDRED_PWA_CACHE``, else the
user cache folder); the first build on a machine fetches wheels from the package index and
two npm packages. Set ``KINDRED_SKIP_PWA=1`` to leave these tests out.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import tarfile
import threading
from pathlib import Path

import pytest

from tests.browser_support import launch_chromium, type_into

pytestmark = [
    pytest.mark.skipif(os.environ.get("KINDRED_SKIP_PWA") == "1", reason="KINDRED_SKIP_PWA=1"),
    pytest.mark.pwa,
    pytest.mark.browser,
    pytest.mark.slow,
]

PHONE_360 = {"width": 360, "height": 740}
PASSPHRASE = "quiet harbour lights"
APP_START_TIMEOUT = 180_000  # a cold start unpacks the app and imports it under Pyodide


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from pwa.build import build_site, default_cache_dir

    out = tmp_path_factory.mktemp("pwa") / "site"
    return build_site(out, default_cache_dir())


@pytest.fixture(scope="module")
def served(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


def test_site_has_manifest_icons_service_worker_and_no_runtime_installs(site):
    manifest = json.loads((site / "manifest.json").read_text())
    assert manifest["name"] == "Kindred" and manifest["short_name"] == "Kindred"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] and manifest["background_color"]
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        assert (site / icon["src"]).is_file()
    index = (site / "index.html").read_text()
    assert 'register("sw.js")' in index
    assert 'flet.pyodideUrl="/pyodide/pyodide.mjs"' in index
    # Flutter's own (self-unregistering) service worker is neither loaded nor shipped.
    assert "serviceWorkerVersion:" not in (site / "flutter_bootstrap.js").read_text().split("_flutter.loader.load(")[-1]
    assert not (site / "flutter_service_worker.js").exists()
    sw = (site / "sw.js").read_text()
    for needed in ("./app.tar.gz", "./pyodide/pyodide.asm.wasm", "./kindred/kindred.mjs", "./main.dart.js"):
        assert f'"{needed}"' in sw
    with tarfile.open(site / "app.tar.gz") as archive:
        names = {name.lstrip("./") for name in archive.getnames()}
    # No requirements.txt or pyproject.toml: the web worker installs nothing at run time.
    assert "requirements.txt" not in names and "pyproject.toml" not in names
    assert "main.py" in names and "__pypackages__/sqlalchemy/__init__.py" in names
    assert "__pypackages__/flet/__init__.py" in names and "assets/directory.json" in names
    assert not [n for n in names if n.endswith((".so", ".pyd"))]


def test_browser_crypto_matches_the_shared_vectors(browser, served):
    page = browser.new_page()
    page.goto(served + "selftest.html")
    page.wait_for_function("document.getElementById('result').dataset.done", timeout=APP_START_TIMEOUT)
    text = page.inner_text("#result")
    page.close()
    assert not text.startswith("ERROR"), text
    report = json.loads(text)
    assert report["modes"]["noble"] == []
    # Chromium has JavaScript Promise Integration, so the WebCrypto path is checked too.
    assert report["can_run_sync"] is True
    assert report["modes"]["webcrypto"] == []
    assert report["auto"] == "browser-webcrypto"


IDB_TIMESTAMP = """
() => new Promise((resolve) => {
  const open = indexedDB.open("/kindred-data");
  open.onerror = () => resolve(0);
  open.onsuccess = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains("FILE_DATA")) { db.close(); resolve(0); return; }
    const get = db.transaction("FILE_DATA").objectStore("FILE_DATA").get("/kindred-data/private.sqlite");
    get.onsuccess = () => { db.close(); resolve(get.result ? Number(get.result.timestamp) : 0); };
    get.onerror = () => { db.close(); resolve(0); };
  };
})
"""


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=APP_START_TIMEOUT)
    page.evaluate("document.querySelector('flt-semantics-placeholder').click()")


def test_a_check_in_survives_an_offline_reload(browser, served):
    from playwright.sync_api import expect

    expect.set_options(timeout=APP_START_TIMEOUT)  # Python starts in the page: slower than a server
    try:
        _check_in_then_reload_offline(browser, served, expect)
    finally:
        expect.set_options(timeout=5_000)


def _check_in_then_reload_offline(browser, served, expect) -> None:
    context = browser.new_context(viewport=PHONE_360)
    page = context.new_page()
    page.set_default_timeout(APP_START_TIMEOUT)
    _open(page, served)
    # The service worker installs (precaching the whole app) and takes control.
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=APP_START_TIMEOUT)

    page.get_by_role("button", name="Get started").click()
    expect(page.get_by_text("Choose a passphrase")).to_be_visible()
    type_into(page, "Passphrase", PASSPHRASE)
    type_into(page, "Type it again", PASSPHRASE)
    page.get_by_role("button", name="Create passphrase").click()
    expect(page.get_by_text("Your recovery code")).to_be_visible()
    page.get_by_role("checkbox", name="I have written it down").click()
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("tab", name="Journal", exact=True).click()
    expect(page.get_by_text("No entries yet")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Good \(mood 4 of 5\)")).click()
    saved_before = page.evaluate(IDB_TIMESTAMP)
    page.get_by_role("button", name="Save", exact=True).click()
    card = page.get_by_role("group", name=re.compile(r"^Good · \d\d:\d\d"))
    expect(card).to_be_visible()
    # The commit reaches IndexedDB (the persistence hook), not just the in-memory file system.
    page.wait_for_function(f"({IDB_TIMESTAMP})().then((t) => t > {saved_before})", timeout=60_000)

    context.set_offline(True)
    page.reload()
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=APP_START_TIMEOUT)
    page.evaluate("document.querySelector('flt-semantics-placeholder').click()")
    expect(page.get_by_text("Kindred is locked")).to_be_visible()
    type_into(page, "Passphrase", PASSPHRASE)
    page.get_by_role("button", name="Unlock", exact=True).click()
    page.get_by_role("tab", name="Journal", exact=True).click()
    expect(card).to_be_visible()
    assert page.evaluate("navigator.onLine") is False
    context.close()
