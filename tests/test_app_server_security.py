"""The local app server is only for its own page (issue 13), with real HTTP and WebSocket
handshakes against the running app on 127.0.0.1; and a stopped app always exits."""

from __future__ import annotations

import signal
import socket
import struct
import subprocess

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.app_process import running_app


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("app") / "data"
    with running_app(data_dir) as running:
        yield running


def ws_url(app) -> str:
    return f"ws://127.0.0.1:{app.port}/ws"


def test_the_page_loads_without_wildcard_cors(app):
    response = httpx.get(app.url, timeout=20)
    assert response.status_code == 200 and "<html" in response.text.lower()
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"])
def test_the_framework_api_pages_are_gone(app, path):
    response = httpx.get(f"http://127.0.0.1:{app.port}{path}", timeout=20)
    assert response.status_code == 404 and "swagger" not in response.text.lower()


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.1.nip.io", "192.168.1.10"])
def test_a_foreign_host_header_is_refused(app, host):
    response = httpx.get(app.url, headers={"Host": host}, timeout=20)
    assert response.status_code == 403


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "https://127.0.0.1", "http://localhost:1"])
def test_a_request_from_a_foreign_origin_is_refused(app, origin):
    response = httpx.get(app.url, headers={"Origin": origin}, timeout=20)
    assert response.status_code == 403


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://127.0.0.1:1"])
def test_a_websocket_from_another_web_page_is_refused(app, origin):
    with pytest.raises(InvalidStatus) as caught:
        with connect(ws_url(app), origin=origin, open_timeout=20):
            pass
    assert caught.value.response.status_code == 403


def handshake(port: int, host: str, origin: str | None = None) -> bytes:
    """A WebSocket handshake written by hand (clients set Host themselves); the status line."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(
            f"GET /ws HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n".encode()
            + (f"Origin: {origin}\r\n".encode() if origin else b"") + b"\r\n"
        )
        answer = b""
        while b"\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n", 1)[0]


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "attacker.127.0.0.1.nip.io"])
def test_a_websocket_with_a_foreign_host_is_refused(app, host):
    assert handshake(app.port, host).startswith(b"HTTP/1.1 403")
    assert handshake(app.port, host, origin=f"http://{host}").startswith(b"HTTP/1.1 403")
    assert handshake(app.port, f"127.0.0.1:{app.port}").startswith(b"HTTP/1.1 101")  # the same, from the app itself


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost"])
def test_the_apps_own_page_opens_its_websocket(app, name):
    with connect(f"ws://{name}:{app.port}/ws", origin=f"http://{name}:{app.port}", open_timeout=20) as websocket:
        assert websocket.protocol.state.name == "OPEN"


def _abort_a_websocket_midway(port: int) -> None:
    """Handshake, half a frame, then a reset: the connection ends abnormally."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=20)
    sock.sendall(
        f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        f"Origin: http://127.0.0.1:{port}\r\n\r\n".encode()
    )
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 101")
    sock.sendall(b"\x82\xfe\x10\x00" + b"\x00\x00\x00\x00" + b"x" * 100)  # announces 4 KB, sends 100 bytes
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()  # RST


def test_sigterm_ends_the_app_within_seconds_after_an_abnormally_ended_websocket(tmp_path):
    with running_app(tmp_path / "data") as app:
        for _ in range(3):
            _abort_a_websocket_midway(app.port)
        with connect(ws_url(app), origin=f"http://127.0.0.1:{app.port}", open_timeout=20):
            app.process.send_signal(signal.SIGTERM)  # while a session is still open, too
            try:
                app.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pytest.fail("the app was still running 15 s after SIGTERM")
    assert "Traceback" not in app.log()


def test_the_page_carries_the_dialog_naming_fix_and_a_right_length(app):
    """Flet's index.html is served with Kindred's script that names Flutter's dialogs for
    screen readers (services/web_page.py); its Content-Length matches the changed page. The
    framework's own files (JavaScript, the manifest) are sent as they are."""
    for path in ("/", "/journal"):  # every route of the single-page app serves the page
        response = httpx.get(app.url.rstrip("/") + path, timeout=30)
        assert response.status_code == 200
        assert "Kindred: name Flutter's dialogs" in response.text, path
        assert response.text.count("Kindred: name Flutter's dialogs") == 1
        assert int(response.headers["content-length"]) == len(response.content)
        assert "flutter_bootstrap.js" in response.text  # still Flet's page
    script = httpx.get(app.url.rstrip("/") + "/flutter_bootstrap.js", timeout=30)
    assert script.status_code == 200 and "Kindred: name" not in script.text
