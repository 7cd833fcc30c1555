"""Cold start: from launching ``main.py`` to the first screen visible in Chromium.

Run: ``uv run python bench/cold_start.py [--runs 5]``. Reports the median of each phase for
a first launch (a fresh data folder: migrations and the bundled directory's import run) and a
later launch (the same folder again, what a person meets every day), beside two baselines
measured in the same run: a bare Chromium page load of a static HTML file, and a bare Flet app
(one text, ``bench/bare_flet_app.py``) served the way Kindred is — the floor Flet sets.
"""

from __future__ import annotations

import argparse
import http.server
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.app_process import free_port, start_app  # noqa: E402
from tests.browser_support import PHONE, launch_chromium, open_app  # noqa: E402


def baseline_page_load(browser) -> float:
    folder = Path(tempfile.mkdtemp())
    (folder / "index.html").write_text("<html><body><h1>Welcome</h1></body></html>")
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=str(folder), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = browser.new_page(viewport=PHONE)
    started = time.perf_counter()
    page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
    page.get_by_text("Welcome").wait_for()
    elapsed = time.perf_counter() - started
    page.close()
    server.shutdown()
    return elapsed


def bare_flet_launch(browser) -> tuple[float, float]:
    """Process start → server answering, and → the one text visible, for a bare Flet app."""
    import urllib.request

    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(Path(__file__).with_name("bare_flet_app.py")), str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5):
                    break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError("the bare Flet app exited") from None
                time.sleep(0.02)  # polling for the port, as start_app does
        ready = time.perf_counter()
        page = open_app(browser, url, PHONE)
        page.get_by_text("Welcome to Kindred").wait_for()
        shown = time.perf_counter()
        page.close()
    finally:
        process.terminate()
        process.wait()
    return ready - started, shown - started


def launch(browser, data_dir: Path) -> tuple[float, float]:
    started = time.perf_counter()
    app = start_app(data_dir)
    ready = time.perf_counter()
    page = open_app(browser, app.url, PHONE)
    page.get_by_text("Welcome to Kindred").wait_for()
    shown = time.perf_counter()
    page.close()
    app.stop()
    return ready - started, shown - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    results: dict[str, list[tuple[float, float]]] = {"first launch (fresh data folder)": [],
                                                      "later launch (the same folder again)": [],
                                                      "baseline: bare Flet app, one text": []}
    static = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for _ in range(runs):  # interleaved, so that other work on the machine falls on all
            data_dir = Path(tempfile.mkdtemp())
            results["first launch (fresh data folder)"].append(launch(browser, data_dir))
            results["later launch (the same folder again)"].append(launch(browser, data_dir))
            results["baseline: bare Flet app, one text"].append(bare_flet_launch(browser))
            static.append(baseline_page_load(browser))
        browser.close()
    print(f"runs: {runs}")
    for label, values in results.items():
        print(f"{label}: server answering median {statistics.median(v[0] for v in values):.2f} s, "
              f"first screen visible median {statistics.median(v[1] for v in values):.2f} s "
              f"(min {min(v[1] for v in values):.2f} s)")
    print(f"baseline: static HTML page load: median {statistics.median(static):.2f} s")


if __name__ == "__main__":
    main()
