"""What differs when Kindred's Python runs inside a web browser (Pyodide), in one place.

On the desktop (and in tests, the CLI and phone builds) every function here is a no-op or
the ordinary implementation. In the browser (``sys.platform == "emscripten"``):

- **Crypto**: the ``cryptography`` package has no wheel that can be bundled for Pyodide and
  ``hashlib.scrypt`` is missing (Pyodide's Python is built without OpenSSL's hashlib), so
  AES-256-GCM and scrypt go through a small JavaScript bridge (``pwa/kindred.mjs``):
  the bundled, audited ``@noble/ciphers`` AES-GCM, synchronous (WebCrypto would suspend
  Python mid-transaction: see ``services/privacy/browser_crypto.py``); scrypt from the
  bundled ``@noble/hashes`` (WebCrypto has no scrypt). The byte format is identical; see
  ``tests/vectors/crypto.json``, checked natively and in Chromium.
- **Signatures**: publishers' Ed25519 feed signatures are checked by the bundled, audited
  ``@noble/curves`` through the same bridge (``ed25519_verify``); natively by ``cryptography``.
- **Storage**: the SQLite files live on an IndexedDB-backed file system mounted at
  ``BROWSER_DATA_DIR``; after every committed transaction the file system is written back
  to IndexedDB (``schedule_persist``). SQLite uses a rollback journal there (no WAL: no
  shared memory in the browser).
- **Threads**: there are none. ``asyncio.to_thread`` still works under Pyodide 314 — it runs
  the function inline on the event loop (verified) — so views keep using it unchanged;
  ``run_blocking`` is the explicit seam for new code.
- **Network**: ``fetch_bytes`` uses the browser's fetch (a synchronous XMLHttpRequest inside
  the Python web worker) instead of ``httpx``, which needs sockets; directory sync goes
  through it (``services.sync.fetch.Fetcher``). A feed's host must allow other sites to read
  it (CORS); a refusal is worded by the fetcher.
- **PDFs**: fpdf2 (with fontTools and the report's fonts) is not in the app archive, which is
  unpacked at every start; it ships beside it as ``kindred/pdf-pack.zip`` (precached by the
  service worker, so it works offline) and ``pdf_support`` unpacks it the first time a PDF is
  made.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

IS_BROWSER = sys.platform == "emscripten"
BROWSER_DATA_DIR = Path("/kindred-data")
PDF_PACK_URL = "kindred/pdf-pack.zip"  # made by pwa/build.py add_pdf_pack
PDF_PACK_DIR = Path("/tmp/kindred-pdf-pack")  # pwa/build.py PDF_PACK_DIR: in memory, never the data folder
FONT_DIR = Path(__file__).resolve().parents[1] / "assets" / "fonts"


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


def ed25519_verify(public_key: bytes, signature: bytes, message: bytes) -> bool:
    """Whether ``signature`` is ``public_key``'s Ed25519 signature of ``message``, checked by the
    browser bridge (``@noble/curves``). Only the browser build calls this: natively
    services/sync/signing.py uses ``cryptography``."""
    from pyodide.ffi import to_js  # noqa: PLC0415

    return bool(_bridge().ed25519Verify(to_js(public_key), to_js(signature), to_js(message)))


@dataclass(frozen=True)
class FetchedBytes:
    """One answer to a GET: the status, lower-cased headers, the body and the address it came from."""

    status: int
    headers: dict[str, str]
    body: bytes
    url: str  # after redirects


class BrowserFetchFailed(Exception):
    """The browser gave no answer at all: offline, the host unreachable, a time-out, or the host
    does not let other sites read it (CORS) — a browser does not tell these apart, except
    ``online`` (``navigator.onLine``) and ``timed_out``."""

    def __init__(self, detail: str, *, online: bool = True, timed_out: bool = False):
        super().__init__(detail)
        self.detail = detail
        self.online = online
        self.timed_out = timed_out


def fetch_bytes(url: str, headers: dict[str, str] | None = None, timeout: float = 30.0) -> FetchedBytes:
    """GET ``url`` with the browser's own networking (redirects followed, gzip unpacked and the
    HTTP cache revalidated by the browser; cookies never sent). Raises ``BrowserFetchFailed``.

    The browser build's directory sync uses this (``services.sync.fetch.Fetcher``); natively the
    same function uses httpx, so the seam can be exercised anywhere."""
    if IS_BROWSER:
        return _bridge_fetch(url, headers or {}, timeout)
    import httpx  # noqa: PLC0415

    try:
        response = httpx.get(url, headers=headers, timeout=timeout, follow_redirects=True)
    except httpx.TimeoutException as error:
        raise BrowserFetchFailed(str(error) or "timed out", timed_out=True) from None
    except httpx.TransportError as error:
        raise BrowserFetchFailed(str(error) or type(error).__name__) from None
    return FetchedBytes(response.status_code, {k.lower(): v for k, v in response.headers.items()},
                        response.content, str(response.url))


def _bridge_fetch(url: str, headers: dict[str, str], timeout: float) -> FetchedBytes:
    from pyodide.ffi import to_js  # noqa: PLC0415

    import js  # noqa: PLC0415

    result = _bridge().fetchSync(url, to_js(headers, dict_converter=js.Object.fromEntries), int(timeout * 1000))
    if int(result.status) == 0:
        raise BrowserFetchFailed(str(result.error or "no answer"), online=bool(result.online), timed_out=bool(result.timedOut))
    response_headers = {str(k).lower(): str(v) for k, v in result.headers.to_py().items()}
    return FetchedBytes(int(result.status), response_headers, bytes(result.body.to_py()), str(result.url or url))


class PdfUnavailable(RuntimeError):
    """The PDF maker could not be loaded (the browser build, offline before it was ever saved)."""


def pdf_available() -> bool:
    """Whether this build makes PDFs: the desktop with fpdf2 installed, and the browser build
    (which fetches its PDF pack on first use)."""
    if IS_BROWSER:
        return True
    import importlib.util  # noqa: PLC0415

    return importlib.util.find_spec("fpdf") is not None


def pdf_support() -> Path:
    """Make ``import fpdf`` work and return the folder with the report's fonts. On the desktop
    that is all installed already; in the browser the PDF pack is fetched (from the offline
    cache once saved) and unpacked into memory, once per start. Raises ``PdfUnavailable``."""
    if not IS_BROWSER:
        return FONT_DIR
    fonts = PDF_PACK_DIR / "fonts"
    if str(PDF_PACK_DIR) not in sys.path:
        import io  # noqa: PLC0415
        import importlib  # noqa: PLC0415
        import zipfile  # noqa: PLC0415

        import js  # noqa: PLC0415

        url = str(js.URL.new(PDF_PACK_URL, js.location.href).href)
        try:
            got = fetch_bytes(url, timeout=120.0)
        except BrowserFetchFailed as error:
            raise PdfUnavailable(f"the PDF maker could not be fetched ({error.detail})") from None
        if got.status != 200:
            raise PdfUnavailable(f"the PDF maker could not be fetched (HTTP {got.status})")
        try:
            with zipfile.ZipFile(io.BytesIO(got.body)) as pack:
                pack.extractall(PDF_PACK_DIR)
        except (zipfile.BadZipFile, OSError) as error:
            raise PdfUnavailable(f"the PDF maker is damaged ({error})") from None
        sys.path.insert(0, str(PDF_PACK_DIR))
        importlib.invalidate_caches()
    return fonts
