"""Kindred's entry point in the browser (copied into the PWA as ``main.py`` by ``kindred pwa build``).

Flet's web worker runs this module under Pyodide. Before the first session it loads the
JavaScript bridge (crypto, IndexedDB storage, fetch), mounts the IndexedDB-backed data
folder and reads it back from IndexedDB; then it opens the same services as the desktop
app and hands every session to the same page handler.
"""

from __future__ import annotations

import asyncio

import flet as ft

from services.app import open_services
from services.platform import BROWSER_DATA_DIR
from views.app import make_page_handler

_handler = None
_start_lock = asyncio.Lock()


async def _start_browser_platform() -> None:
    import js
    import pyodide_js
    from pyodide.code import run_js

    bridge_url = js.URL.new("kindred/kindred.mjs", js.location.href).href
    await run_js(f"import({bridge_url!r})")
    await js.kindredBridge.mount(pyodide_js.FS, str(BROWSER_DATA_DIR))


async def main(page: ft.Page) -> None:
    global _handler
    try:
        async with _start_lock:
            if _handler is None:
                await _start_browser_platform()
                _handler = make_page_handler(open_services(BROWSER_DATA_DIR))
        await _handler(page)
    except Exception:
        import traceback

        import js

        # The browser's developer console is the only place a start-up failure can show.
        js.console.error("Kindred failed to start:\n" + traceback.format_exc())
        raise


ft.run(main)
