"""`kindred feed serve` serves an allow-list (issue 13): the feed, its signature, the public
key and static pages; never anything resembling a private key; odd paths are 4xx, never a traceback."""

from __future__ import annotations

import http.client
import socket
import threading

import pytest

from services.sync.serve import make_server


@pytest.fixture
def served(tmp_path):
    for name in ("feed.json", "feed.json.sig", "acme.pub", "index.html", "a.KEY", "a.key.bak", "a.key~", "a.key",
                 "publisher.pem", "id_ed25519", ".env", "private-key.json", "notes.key.json", "feed.json.swp"):
        (tmp_path / name).write_text(f"content of {name}")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config.json").write_text("hidden")
    server = make_server(tmp_path, port=0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("path", ["/feed.json", "/feed.json.sig", "/acme.pub", "/index.html"])
def test_the_feed_its_signature_and_public_files_are_served(served, path):
    assert get(served, path) == (200, f"content of {path[1:]}".encode())


@pytest.mark.parametrize(
    "path",
    ["/a.KEY", "/a.key.bak", "/a.key~", "/a.key", "/a.%4B%45%59", "/publisher.pem", "/id_ed25519", "/.env",
     "/private-key.json", "/notes.key.json", "/feed.json.swp", "/.git/config.json", "/%2e%2e/etc/passwd"],
)
def test_nothing_resembling_a_key_or_hidden_is_served(served, path):
    status, body = get(served, path)
    assert status == 404 and b"content of" not in body and b"hidden" not in body


def test_a_null_byte_in_the_path_is_a_plain_404(served, capfd):
    status, body = get(served, "/feed.json%00.txt")
    assert status == 404 and body == b"not found\n"
    # The raw byte too, written straight to the socket.
    with socket.create_connection(("127.0.0.1", served), timeout=10) as sock:
        sock.sendall(b"GET /feed\x00.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
    assert answer.split(b" ", 2)[1] in (b"400", b"404")
    assert "Traceback" not in capfd.readouterr().err
    assert get(served, "/feed.json")[0] == 200  # still serving
