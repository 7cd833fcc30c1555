"""What differs when Kindred's Python runs inside a web browser (Pyodide), in one place.

On the desktop (and in tests, the CLI and phone builds) every function here is a no-op or
the ordinary implementation. In the browser (``sys.platform == "emscripten"``):

- **Crypto**: the ``cryptography`` package has no wheel that can be bundled for Pyodide and
  ``hashlib.scrypt`` is missing (Pyodide's Python is built without OpenSSL's hashlib), so
  AES-256-GCM and scrypt go through a small JavaScript bridge (``pwa/kindred.mjs``):
  WebCrypto for AES-GCM where the browser can wait on a promise synchronously (JSPI),
  otherwise the bundled, audited ``@noble/ciphers`` AES-GCM; scrypt always from the bundled
  ``@noble/hashes`` (WebCrypto has no scrypt). The byte format is identical; see
  ``tests/vectors/crypto.json``, checked natively and in Chromium.
- **Storage**: the SQLite files live on an IndexedDB-backed file system mounted at
  ``BROWSER_DATA_DIR``; after every committed transaction the file system is written back
  to IndexedDB (``schedule_persist``). SQLite uses a rollback journal there (no WAL: no
  shared memory in the browser).
- **Threads**: there are none. ``asyncio.to_thread`` still works under Pyodide 314 — it runs
  the function inline on the event loop (verified) — so views keep using it unchanged;
  ``run_blocking`` is the explicit seam for new code.
- **Network**: ``fetch_bytes`` uses the browser's fetch (a synchronous XMLHttpRequest inside
  the Python web worker) instead of ``httpx``, which needs sockets.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

IS_BROWSER = sys.platform == "emscripten"
BROWSER_DATA_DIR = Path("/kindred-data")


def sqlite_journal_mode() -> str:
    return "DELETE" if IS_BROWSER else "WAL"


def _bridge():
    """The JavaScript side (``pwa/kindred.mjs``), loaded by the browser entry point."""
    import js  # noqa: PLC0415 - only exists under Pyodide

    bridge = getattr(js, "kindredBridge", None)
    if bridge is None:
        raise RuntimeError("the Kindred browser bridge (kindred.mjs) is not loaded")
    return bridge


def schedule_persist() -> None:
    """Write the browser's data file system back to IndexedDB soon (no-op on the desktop)."""
    if IS_BROWSER:
        _bridge().schedulePersist()


def install_persistence_hook(engine: Any) -> None:
    """After every commit on ``engine``, persist the browser file system (desktop: nothing)."""
    if not IS_BROWSER:
        return
    from sqlalchemy import event  # noqa: PLC0415

    # The bridge defers the write to a macrotask, so it runs after this commit has
    # reached the file; several commits in a row coalesce into one write.
    event.listen(engine, "commit", lambda _connection: schedule_persist())


async def run_blocking(function: Callable[..., T], *args: Any) -> T:
    """Run slow synchronous work off the event loop where threads exist, inline where not."""
    if IS_BROWSER:
        return function(*args)
    return await asyncio.to_thread(function, *args)


def fetch_bytes(url: str, headers: dict[str, str] | None = None, timeout: float = 30.0) -> tuple[int, dict[str, str], bytes]:
    """GET ``url``: (status, lower-cased headers, body). The sync seam: httpx natively, fetch in the browser."""
    if IS_BROWSER:
        return _bridge_fetch(url, headers or {})
    import httpx  # noqa: PLC0415

    response = httpx.get(url, headers=headers, timeout=timeout, follow_redirects=True)
    return response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.content


def _bridge_fetch(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    from pyodide.ffi import to_js  # noqa: PLC0415

    result = _bridge().fetchSync(url, to_js(headers, dict_converter=__import__("js").Object.fromEntries))
    status = int(result.status)
    response_headers = {str(k).lower(): str(v) for k, v in result.headers.to_py().items()}
    return status, response_headers, bytes(result.body.to_py())

