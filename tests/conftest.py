import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from services.app import open_services  # noqa: E402


def pytest_collection_modifyitems(items):
    # A safety net for new files: every test that drives Chromium is a browser test, marked
    # or not (`-m "not browser"` must leave them all out).
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()) and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def services(data_dir: Path):
    opened = open_services(data_dir)
    yield opened
    opened.close()


@pytest.fixture(autouse=True)
def _no_locale_guess(monkeypatch):
    # Tests must not depend on the machine's LANG; tests that check the guess set it.
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)


CHEAP_SCRYPT = {"n": 2**10, "r": 8, "p": 1}


@pytest.fixture(autouse=True)
def cheap_kdf(request, monkeypatch):
    """Cheap scrypt costs for every new key slot, backup and PIN hash in this process (the
    one seam: ``crypto.KDF_COSTS``). A test marked ``real_kdf`` keeps the real costs.
    Subprocesses (CLI and app process tests) are not affected."""
    from services.privacy import crypto

    if request.node.get_closest_marker("real_kdf") is None:
        monkeypatch.setattr(crypto, "KDF_COSTS", {"key": CHEAP_SCRYPT, "pin": CHEAP_SCRYPT})


@pytest.fixture
def feed_server():
    """A real HTTP server on 127.0.0.1 with per-path behaviour (tests/feed_server.py)."""
    from tests.feed_server import FeedServer

    server = FeedServer().start()
    yield server
    server.stop()


@pytest.fixture
def memory_keyring():
    """An in-memory keyring backend for the test, then the machine's own again."""
    import keyring

    from tests.privacy_support import MemoryKeyring

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, shared by a test module (FLET-NOTES.md, layer 3)."""
    from playwright.sync_api import expect, sync_playwright

    from tests.browser_support import EXPECT_TIMEOUT, launch_chromium

    # expect() waits on a condition; on a machine busy with other work getting there takes
    # longer than Playwright's 5 s default (a stale tab's lock came after 6 s under load).
    expect.set_options(timeout=EXPECT_TIMEOUT)

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()
