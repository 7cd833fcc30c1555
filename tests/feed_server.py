"""A real HTTP server on 127.0.0.1 whose behaviour is set per path, for sync tests.

Each path gets a :class:`Route`: a body, and how to misbehave (ETag/304, gzip, slow,
dripping, truncated, oversized, gzip bomb, redirect, status codes, failing N times).
Every request is recorded with its raw request line and headers, exactly as received,
so tests can check that a request carries no user data.
"""

from __future__ import annotations

import gzip
import socket
import threading
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/json"
    etag: str | None = None  # answer 304 when If-None-Match matches
    last_modified: str | None = None  # answer 304 when If-Modified-Since equals it
    gzip: bool = False  # Content-Encoding: gzip
    raw_gzip: bytes | None = None  # send these bytes as the gzip body (a bomb, a damaged stream)
    delay: float = 0.0  # seconds before the status line
    drip: tuple[int, float] | None = None  # (bytes per packet, seconds between packets)
    truncate_at: int | None = None  # announce the whole length, send this many bytes, hang up
    announce_length: bool = True  # False: no Content-Length, the body ends when the connection closes
    redirect_to: str | None = None
    redirect_status: int = 302
    headers: dict[str, str] = field(default_factory=dict)
    fail_first: int = 0  # answer 503 to the first N requests
    fail_status: int = 503
    gate: threading.Event | None = None  # hold the answer until the test sets it (at most 30 s)
    drip_headers: tuple[int, float] | None = None  # (header bytes, seconds between them) before the real headers


@dataclass
class RecordedRequest:
    method: str
    path: str
    request_line: str
    headers: list[tuple[str, str]]  # as received, in order, names as sent

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def header_names(self) -> set[str]:
        return {key.lower() for key, _ in self.headers}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format, *args):  # noqa: A002
        pass

    def do_GET(self):  # noqa: N802
        feed_server = self.server.owner
        path = self.path.split("?", 1)[0]
        feed_server.record(
            RecordedRequest(self.command, self.path, self.requestline, [(k, v) for k, v in self.headers.items()])
        )
        route = feed_server.routes.get(path)
        if route is None:
            return self._send(404, b"not found", {"Content-Type": "text/plain"})
        if route.delay and feed_server.stopping.wait(route.delay):
            return
        if route.gate is not None:
            route.gate.wait(30)
        with feed_server.lock:
            feed_server.hits[path] = feed_server.hits.get(path, 0) + 1
            hit = feed_server.hits[path]
        if hit <= route.fail_first:
            return self._send(route.fail_status, b"try later", {"Content-Type": "text/plain", **route.headers})
        if route.redirect_to:
            return self._send(route.redirect_status, b"", {"Location": route.redirect_to, **route.headers})
        validators = {}
        if route.etag:
            validators["ETag"] = route.etag
        if route.last_modified:
            validators["Last-Modified"] = route.last_modified
        if (route.etag and self.headers.get("If-None-Match") == route.etag) or (
            route.last_modified and not route.etag and self.headers.get("If-Modified-Since") == route.last_modified
        ):
            return self._send(304, b"", validators, body_allowed=False)
        headers = {"Content-Type": route.content_type, **validators, **route.headers}
        body = route.body
        if route.raw_gzip is not None:
            body = route.raw_gzip
            headers["Content-Encoding"] = "gzip"
        elif route.gzip:
            body = gzip.compress(body, mtime=0)
            headers["Content-Encoding"] = "gzip"
        if route.drip_headers:
            count, interval = route.drip_headers
            try:
                self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                for _ in range(count):  # each byte well within the read time-out, the whole far beyond
                    self.wfile.write(b"a")
                    self.wfile.flush()
                    if feed_server.stopping.wait(interval):
                        return
                self.wfile.write(b"\r\n")
            except OSError:
                return
        if route.status != 200:
            return self._send(route.status, body, headers)
        self._send(200, body, headers, route=route)

    def _send(self, status, body, headers, body_allowed=True, route: Route | None = None):
        if route and route.drip_headers:
            self.log_request(status)  # the status line went out with the dripped header
        else:
            self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        announce = route.announce_length if route else True
        if body_allowed and announce:
            self.send_header("Content-Length", str(len(body)))
        if not announce:
            self.send_header("Connection", "close")
            self.close_connection = True
        if status == 304:
            self.end_headers()
            return
        self.end_headers()
        if route and route.truncate_at is not None:
            self.wfile.write(body[: route.truncate_at])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if route and route.drip:
            size, interval = route.drip
            for start in range(0, len(body), size):
                try:
                    self.wfile.write(body[start : start + size])
                    self.wfile.flush()
                except OSError:
                    return
                if self.server.owner.stopping.wait(interval):
                    return
            return
        try:
            self.wfile.write(body)
        except OSError:
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: FeedServer

    def handle_error(self, request, client_address):
        pass  # clients hanging up on a misbehaving route is the point of these tests


class _Server6(_Server):
    address_family = socket.AF_INET6


class FeedServer:
    def __init__(self, host: str = "127.0.0.1"):
        self.routes: dict[str, Route] = {}
        self.requests: list[RecordedRequest] = []
        self.hits: dict[str, int] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.host = host
        self._server = (_Server6 if ":" in host else _Server)((host, 0), _Handler)
        self._server.owner = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{path}"

    def route(self, path: str, **kwargs) -> Route:
        self.routes[path] = Route(**kwargs)
        return self.routes[path]

    def record(self, request: RecordedRequest) -> None:
        with self.lock:
            self.requests.append(request)

    def requests_for(self, path: str) -> list[RecordedRequest]:
        with self.lock:
            return [r for r in self.requests if r.path.split("?", 1)[0] == path]


def gzip_bomb(unpacked_size: int) -> bytes:
    """A gzip stream of ``unpacked_size`` zero bytes: about 1,000 times smaller than it unpacks."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1024 * 1024)
    out = []
    remaining = unpacked_size
    while remaining > 0:
        piece = block[: min(remaining, len(block))]
        out.append(compressor.compress(piece))
        remaining -= len(piece)
    out.append(compressor.flush())
    return b"".join(out)


def closed_port() -> int:
    """A loopback port with nothing listening: a server that is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
