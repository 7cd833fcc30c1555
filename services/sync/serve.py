"""A small static file server for testing a feed on this device (``kindred feed serve``).

It behaves like a well-configured static host: ``ETag`` and ``Last-Modified`` on every
file, ``304 Not Modified`` for a matching ``If-None-Match`` / ``If-Modified-Since``, and
gzip for text files when the client asks for it. It listens on 127.0.0.1 only and serves
the one folder it was given (no directory listings, nothing outside the folder).
It is for trying a feed out, not for production: use any static host or CDN for that.
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import mimetypes
import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

COMPRESSIBLE = {".json", ".csv", ".txt", ".sig", ".pub", ".md", ".html", ".xml", ".geojson"}
CONTENT_TYPES = {
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
    ".sig": "text/plain; charset=us-ascii",
    ".pub": "text/plain; charset=us-ascii",
    ".zip": "application/zip",
}


# Only what a feed folder publishes: the feed, its signature, the public key, static pages.
SERVED_SUFFIXES = {".json", ".sig", ".pub", ".csv", ".zip", ".geojson", ".txt", ".md", ".html", ".xml", ".css",
                   ".png", ".svg", ".ico", ".webp", ".jpg", ".jpeg"}
_KEY_WORDS = {"key", "pem", "priv", "private", "secret", "bak", "backup", "swp"}


def servable(path: str) -> bool:
    """True for a name on the allow-list: no hidden parts, a published kind of file, and no
    word that marks a key or a copy of one (``a.KEY``, ``a.key.bak``, ``a.key~``, ``id.pem``)."""
    parts = [p for p in path.replace("\\", "/").split("/") if p]
    if not parts or any(p.startswith(".") or p.endswith("~") or p.startswith("#") for p in parts):
        return False
    name = parts[-1].lower()
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    if suffix not in SERVED_SUFFIXES:
        return False
    words = set(re.split(r"[._\-~ ]+", name))
    return not (words & _KEY_WORDS)


@dataclass
class _Entry:
    mtime_ns: int
    size: int
    body: bytes
    gzipped: bytes | None
    etag: str
    last_modified: str


class _Cache:
    """File contents, their validators and their gzip form, refreshed when a file changes."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries: dict[Path, _Entry] = {}

    def get(self, path: Path) -> _Entry:
        stat = path.stat()
        with self._lock:
            entry = self._entries.get(path)
            if entry and entry.mtime_ns == stat.st_mtime_ns and entry.size == stat.st_size:
                return entry
        body = path.read_bytes()
        digest = hashlib.sha256(body).hexdigest()[:32]
        gzipped = gzip.compress(body, compresslevel=6, mtime=0) if path.suffix.lower() in COMPRESSIBLE else None
        entry = _Entry(
            mtime_ns=stat.st_mtime_ns,
            size=stat.st_size,
            body=body,
            gzipped=gzipped if gzipped is not None and len(gzipped) < len(body) else None,
            etag=f'"{digest}"',
            last_modified=email.utils.formatdate(stat.st_mtime, usegmt=True),
        )
        with self._lock:
            self._entries[path] = entry
        return entry


def _accepts_gzip(header: str | None) -> bool:
    for part in (header or "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            q = params.strip()
            return not (q.startswith("q=") and q[2:].strip() in ("0", "0.0", "0.00", "0.000"))
    return False


def _etag_matches(header: str, etag: str) -> bool:
    weakless = etag.removeprefix("W/")
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == weakless:
            return True
    return False


class FeedRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "KindredFeedServe"
    sys_version = ""
    root: Path
    cache: _Cache
    quiet: bool = False

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        self._serve(head=True)

    def do_GET(self) -> None:  # noqa: N802
        self._serve(head=False)

    def _resolve(self) -> Path | None:
        path = unquote(urlsplit(self.path).path)
        if path.endswith("/") or "\x00" in path:
            return None  # no directory listings; a null byte names no file
        if not servable(path):
            return None  # never a private key or a backup of one, even if left in the folder
        try:
            candidate = (self.root / path.lstrip("/")).resolve()
            candidate.relative_to(self.root)
            if not candidate.is_file() or not servable(candidate.name):
                return None
        except (ValueError, OSError):
            return None
        return candidate

    def _serve(self, head: bool) -> None:
        try:
            path = self._resolve()
        except Exception:  # noqa: BLE001 - any odd path is a 404, never a traceback
            path = None
        if path is None:
            self._plain(404, b"not found\n", head)
            return
        entry = self.cache.get(path)
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        not_modified = False
        if inm is not None:
            not_modified = _etag_matches(inm, entry.etag)
        elif ims:
            try:
                since = email.utils.parsedate_to_datetime(ims).timestamp()
                not_modified = int(entry.mtime_ns // 1_000_000_000) <= int(since)
            except (TypeError, ValueError):
                not_modified = False
        if not_modified:
            self.send_response(304)
            self.send_header("ETag", entry.etag)
            self.send_header("Last-Modified", entry.last_modified)
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            return
        use_gzip = entry.gzipped is not None and _accepts_gzip(self.headers.get("Accept-Encoding"))
        body = entry.gzipped if use_gzip else entry.body
        self.send_response(200)
        self.send_header("Content-Type", CONTENT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", entry.etag)
        self.send_header("Last-Modified", entry.last_modified)
        self.send_header("Cache-Control", "no-cache")
        if entry.gzipped is not None:
            self.send_header("Vary", "Accept-Encoding")
        if use_gzip:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _plain(self, status: int, body: bytes, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - http.server's signature
        if not self.quiet:
            super().log_message(format, *args)


def make_server(folder: str | Path, port: int = 8000, host: str = "127.0.0.1", quiet: bool = False) -> ThreadingHTTPServer:
    """A server over ``folder`` (not yet serving: call ``serve_forever``). ``port=0`` picks a free port."""
    root = Path(folder).resolve()
    if not root.is_dir():
        raise NotADirectoryError(str(root))
    handler = type(
        "BoundFeedRequestHandler", (FeedRequestHandler,), {"root": root, "cache": _Cache(), "quiet": quiet}
    )
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server
