"""main.py as a person runs it: loopback by default, a warning for other hosts, clean Ctrl-C."""

import pytest
import signal
import socket
import subprocess
import sys

from tests.app_process import ROOT, RunningApp, free_port, read_line, running_app

pytestmark = pytest.mark.slow


def listening_addresses(port: int) -> set[str]:
    addresses = set()
    for line in open("/proc/net/tcp").read().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        host_hex, port_hex = local.split(":")
        if state == "0A" and int(port_hex, 16) == port:  # 0A = LISTEN
            addresses.add(socket.inet_ntoa(bytes.fromhex(host_hex)[::-1]))
    return addresses


def test_serves_on_loopback_only_prints_the_url_and_exits_cleanly_on_ctrl_c(data_dir):
    with running_app(data_dir) as app:
        port = int(app.url.rsplit(":", 1)[1].strip("/"))
        assert listening_addresses(port) == {"127.0.0.1"}
        assert f"Kindred is running at {app.url.rstrip('/')}" in app.log()
        assert app.stop(signal.SIGINT) == 0
    assert "Traceback" not in app.log()
    assert (data_dir / "private.sqlite").exists() and (data_dir / "directory.sqlite").exists()


def test_another_host_prints_a_warning(data_dir):
    with running_app(data_dir, extra_args=["--host", "localhost"]) as app:
        assert "WARNING" not in app.log()
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--web", "--host", "0.0.0.0", "--port", str(port), "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        line = read_line(process.stderr, timeout=120)
        assert "WARNING" in line and "never serve it to other people" in line
    finally:
        # Stopped (or killed) whatever happened above: never leave a server on 0.0.0.0 behind.
        RunningApp(process, "", None).stop(signal.SIGINT)
        process.communicate()


def test_help_lists_the_options():
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--help"], capture_output=True, text=True, cwd=ROOT)
    for option in ("--web", "--host", "--port", "--data-dir"):
        assert option in result.stdout
