"""Start the real app (``main.py``) as a separate process on a free loopback port."""

from __future__ import annotations

import atexit
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from views.update_guard import FAILED_REDRAW  # how a redraw that raised is logged

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 180
_started: list[subprocess.Popen] = []


def _die_with_parent() -> None:
    """In the child, before exec: the kernel sends SIGKILL when the test process dies, so a
    test run that is killed (a time-out) never leaves a server behind."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


@atexit.register
def _stop_leftovers() -> None:
    for process in _started:
        if process.poll() is None:
            process.kill()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RunningApp:
    def __init__(self, process: subprocess.Popen, url: str, log_path: Path):
        self.process = process
        self.url = url
        self.log_path = log_path
        self.port = int(url.rstrip("/").rsplit(":", 1)[1]) if url else None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, sig=signal.SIGINT, timeout: float = 20) -> int:
        """Stop the app; if it does not exit within ``timeout``, kill it (never leave it running)."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start_app(data_dir: Path, extra_args: list[str] | None = None, env: dict | None = None, log_dir: Path | None = None) -> RunningApp:
    port = free_port()
    log_path = (log_dir or data_dir.parent) / f"app-{port}.log"
    full_env = {**os.environ, **(env or {})}
    full_env.pop("DISPLAY", None)  # tests always use the browser UI
    full_env.pop("WAYLAND_DISPLAY", None)
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--web", "--port", str(port), "--data-dir", str(data_dir), *(extra_args or [])],
        cwd=ROOT,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
        env=full_env,
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )
    _started.append(process)
    url = f"http://127.0.0.1:{port}/"
    # Generous: on a machine busy with other CPU-bound work, importing Flet alone takes long.
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return RunningApp(process, url, log_path)
        except OSError:
            # Not listening yet: wait for the process to exit (which ends the wait at once),
            # at most a moment, then ask again.
            try:
                process.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                continue
            raise RuntimeError(f"the app exited early:\n{log_path.read_text()}") from None
    process.kill()
    process.wait()
    raise RuntimeError(f"the app did not start within {START_TIMEOUT} s:\n{log_path.read_text()}")


def read_line(stream, timeout: float) -> str:
    """The next line of a child's pipe, or "" if none comes within ``timeout`` seconds."""
    import selectors

    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        if not selector.select(timeout):
            return ""
    return stream.readline()


@contextmanager
def running_app(data_dir: Path, **kwargs):
    """The app for the ``with`` block. Once the block has passed, the app's log must hold no
    failed redraw: the guard keeps the tab going, but the screen missed a change."""
    app = start_app(data_dir, **kwargs)
    try:
        yield app
    finally:
        app.stop()
    failed = [line for line in app.log().splitlines() if FAILED_REDRAW in line]
    assert not failed, "redraws failed in the app:\n" + "\n".join(failed)
