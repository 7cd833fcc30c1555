"""The local web server of the browser UI: only for its own page, and it always stops.

Flet's web server answers any ``Host`` and any ``Origin``, adds
``Access-Control-Allow-Origin: *`` to every response and serves FastAPI's ``/docs``,
``/redoc`` and ``/openapi.json`` (pages that load scripts from a CDN). Any web page the
person visits could then open its own session on the local app and guess passphrases at
server speed. :func:`guard` wraps the ASGI app: requests and WebSocket handshakes must
name the app's own host (loopback, or the host the person chose) and, when a browser
sends an ``Origin``, the app's own origin; the wildcard CORS header is dropped; the API
documentation paths are gone.

:func:`serve` runs it with uvicorn so that a stop (Ctrl-C, SIGTERM) ends the process
within a few seconds whatever the sessions did: open WebSockets get a short grace time,
then a watchdog ends the process.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable, Iterable

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
HIDDEN_PATHS = ("/docs", "/redoc", "/openapi.json")
GRACE_SECONDS = 2.0  # for open connections after a stop
EXIT_WATCHDOG_SECONDS = 6.0  # after a stop, the process ends by then whatever still runs


def allowed_hosts(host: str, port: int) -> set[str]:
    """``Host`` header values the app answers to: loopback names, and the chosen host."""
    names = set(LOOPBACK_NAMES)
    if host not in ("", "0.0.0.0", "::", "*", "127.0.0.1", "localhost", "::1"):
        names.add(f"[{host}]" if ":" in host else host)
    return {f"{name}:{port}" for name in names} | ({*names} if port == 80 else set())


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _refusal(scope) -> str | None:
    """Why a request or handshake is refused, or None. Checked before the app sees it."""
    hosts = scope["kindred_allowed_hosts"]
    host = (_header(scope, b"host") or "").lower()
    if host not in hosts:
        return "unknown host"
    origin = _header(scope, b"origin")
    if origin is not None and origin.lower() not in {f"http://{h}" for h in hosts}:
        return "foreign origin"
    path = scope.get("path") or "/"
    if any(path == p or path.startswith(p + "/") for p in HIDDEN_PATHS):
        return "not found"
    return None


def guard(app, host: str, port: int, extra_hosts: Iterable[str] = ()):
    """The ASGI ``app`` answering only its own host and origin, without wildcard CORS."""
    hosts = frozenset(h.lower() for h in (*allowed_hosts(host, port), *extra_hosts))

    async def guarded(scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await app(scope, receive, send)  # lifespan
        scope = {**scope, "kindred_allowed_hosts": hosts}
        reason = _refusal(scope)
        if reason is not None:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})  # before accept: HTTP 403
                return
            status = 404 if reason == "not found" else 403
            body = f"{reason}\n".encode()
            await send({"type": "http.response.start", "status": status,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return

        held: dict = {}  # an HTML page's start and body parts, until the body is whole

        async def send_without_wildcard_cors(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"access-control-allow-origin"]}
                if _is_plain_html(message) and scope["type"] == "http" and scope.get("method") == "GET":
                    held["start"], held["body"] = message, []
                    return
            elif message["type"] == "http.response.body" and "start" in held:
                held["body"].append(message.get("body", b""))
                if message.get("more_body"):
                    return
                await _send_fixed_page(send, held.pop("start"), b"".join(held.pop("body")))
                return
            await send(message)

        return await app(scope, receive, send_without_wildcard_cors)

    return guarded


def _is_plain_html(start: dict) -> bool:
    headers = {k.lower(): v for k, v in start.get("headers", [])}
    return (start.get("status") == 200 and headers.get(b"content-type", b"").startswith(b"text/html")
            and b"content-encoding" not in headers)


async def _send_fixed_page(send, start: dict, body: bytes) -> None:
    """Flet's page with Kindred's fixes for the accessibility tree (services/web_page.py)."""
    from services.web_page import with_page_fixes

    try:
        body = with_page_fixes(body.decode("utf-8")).encode("utf-8")
    except UnicodeDecodeError:
        pass  # not a page we know: sent as it came
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
    await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def exit_watchdog(seconds: float = EXIT_WATCHDOG_SECONDS, exit: Callable[[int], None] = os._exit) -> threading.Timer:
    """End the process after ``seconds`` unless it has ended by itself (a daemon timer)."""
    timer = threading.Timer(seconds, exit, args=(0,))
    timer.daemon = True
    timer.start()
    return timer


def serve(app, host: str, port: int, on_stop: Callable[[], None] | None = None) -> None:
    """Serve ``app`` (already guarded) until Ctrl-C or SIGTERM; always returns within seconds."""
    import uvicorn

    config = uvicorn.Config(app, host=host, port=port, ws="websockets-sansio", log_level="warning",
                            timeout_graceful_shutdown=GRACE_SECONDS, lifespan="auto")
    server = uvicorn.Server(config)
    stopping = threading.Event()
    uvicorn_handle_exit = server.handle_exit

    def handle_exit(sig, frame):
        if not stopping.is_set():
            stopping.set()
            # Whatever a session still runs (a stuck WebSocket, a worker thread), the process ends.
            exit_watchdog()
            # Sessions still open after the grace time are cancelled: that is the stop, not an error.
            logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)
        uvicorn_handle_exit(sig, frame)

    server.handle_exit = handle_exit  # uvicorn installs this for SIGINT and SIGTERM
    # After its graceful stop uvicorn raises the signal again with the handlers from before
    # it started: SIGINT then raises KeyboardInterrupt; SIGTERM must end as cleanly.
    previous = signal.signal(signal.SIGTERM, _exit_quietly)
    try:
        server.run()
    finally:
        signal.signal(signal.SIGTERM, previous)
        if on_stop is not None:
            on_stop()


def _exit_quietly(signum, frame) -> None:
    raise SystemExit(0)
