"""Cold start: from launching ``main.py`` to the first screen visible in Chromium.

Run: ``uv run python bench/cold_start.py [--runs 5]``. Reports the median of each phase;
a baseline (a bare Chromium page load of a static HTML file on the same machine, in the
same run) is printed beside it to show how much is Flet's and ours.
"""

from __future__ import annotations

import argparse
import http.server
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.app_process import start_app  # noqa: E402
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    server_ready, first_screen, baseline = [], [], []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for _ in range(runs):
            data_dir = Path(tempfile.mkdtemp())
            started = time.perf_counter()
            app = start_app(data_dir)
            ready = time.perf_counter()
            page = open_app(browser, app.url, PHONE)
            page.get_by_text("Welcome to Kindred").wait_for()
            shown = time.perf_counter()
            page.close()
            app.stop()
            server_ready.append(ready - started)
            first_screen.append(shown - started)
            baseline.append(baseline_page_load(browser))
        browser.close()
    print(f"runs: {runs}")
    print(f"process start -> server answering:      median {statistics.median(server_ready):.2f} s")
    print(f"process start -> first screen visible:  median {statistics.median(first_screen):.2f} s")
    print(f"baseline: static HTML page load:        median {statistics.median(baseline):.2f} s")


if __name__ == "__main__":
    main()
