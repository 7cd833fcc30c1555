"""Kindred's entry point in the browser (copied into the PWA as ``main.py`` by ``kindred pwa build``).

Flet's web worker runs this module under Pyodide. Before the first session it loads the
JavaScript bridge (crypto, IndexedDB storage, fetch), becomes the one tab that writes the
data (a Web Lock; another tab already writing makes this one wait, and the page says so),
mounts the IndexedDB-backed data folder and reads it back from IndexedDB; then it opens
the same services as the desktop app and hands every session to the same page handler.
While all this happens the page shows Kindred's own start-up screen with the crisis lines
(index.html, made by pwa/build.py); ``kindredStage`` moves its progress along.
"""

from __future__ import annotations

import js

js.kindredStage("code")  # before the heavy imports below: the page says what is loading

import asyncio  # noqa: E402

import flet as ft  # noqa: E402

from services.app import open_services  # noqa: E402
from services.platform import BROWSER_DATA_DIR  # noqa: E402
from views.app import make_page_handler  # noqa: E402

_handler = None
_start_lock = asyncio.Lock()


async def _start_browser_platform() -> None:
    import pyodide_js
    from pyodide.code import run_js

    bridge_url = js.URL.new("kindred/kindred.mjs", js.location.href).href
    await run_js(f"import({bridge_url!r})")
    bridge = js.kindredBridge
    js.kindredStage("data")
    # One writer at a time: until this tab holds the lock it must not even read the data,
    # because the tab that writes may still change it. Reading after the hand-over gets
    # everything the other tab saved.
    if not await bridge.claimWriter():
        await bridge.waitForWriter()
        js.kindredStage("data")
    await bridge.mount(pyodide_js.FS, str(BROWSER_DATA_DIR))


async def main(page: ft.Page) -> None:
    global _handler
    try:
        async with _start_lock:
            if _handler is None:
                await _start_browser_platform()
                _handler = make_page_handler(open_services(BROWSER_DATA_DIR))
        await _handler(page)
        js.kindredStage("ready")
    except Exception:
        import traceback

        # The browser's developer console is the only place the details can show; the page
        # says in plain words that Kindred could not start and keeps the crisis lines up.
        js.console.error("Kindred failed to start:\n" + traceback.format_exc())
        js.kindredStage("failed")
        raise


ft.run(main)
