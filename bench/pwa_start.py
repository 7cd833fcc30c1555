"""The installable PWA: start times and sizes, beside the same run's bare Pyodide start.

Run by hand (never in the test suite):

    uv run kindred pwa build -o /tmp/kindred-site
    uv run python bench/pwa_start.py /tmp/kindred-site [--runs 3] [--throttle]

For each run, in a fresh browser profile at 390x844:

- help: page opened → the crisis lines on the start-up screen (no Python needed);
- cold: first visit (nothing cached) → the first screen is interactive (the start-up
  screen gives way once Python has drawn the welcome);
- warm: reload with the service worker's cache → interactive;
- offline: the network cut, reload → interactive;
- bare Pyodide: a page that only loads Pyodide and runs ``1 + 1`` (what any Pyodide app pays).

Sizes: the whole site, what the service worker precaches (for this browser), and the bytes
served (with gzip, as a static host would) before the first screen on a cold visit.
``--throttle`` adds 40 ms to every request and limits the server to 10 Mbit/s (Chrome's own
throttling misses the worker's and service worker's downloads, FLET-NOTES.md) and slows the
page's CPU 4x.

The issue's figures before this work (issue 15) are printed beside the new ones.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import re
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser_support import launch_chromium  # noqa: E402

PHONE = {"width": 390, "height": 844}
TIMEOUT = 300_000
BEFORE = {  # issue 15, measured on this project's 2-core machines (median)
    "cold": "31.6 s", "warm": "26.2 s", "offline": "22.8 s", "throttled": "72.6 s",
    "site": "85 MB", "precached": "62.7 MB in 111 files", "transferred": "62.8 MB",
}
TARGETS = {"cold": "≤ 10 s", "warm": "≤ 3 s", "throttled": "≤ 20 s", "precached": "≤ 40 MB", "transferred": "≤ 15 MB"}
BARE_PYODIDE_PAGE = """<!doctype html><meta charset="utf-8"><pre id="out">…</pre><script type="module">
const t0 = performance.now();
const { loadPyodide } = await import("./pyodide/pyodide.mjs");
const py = await loadPyodide({ indexURL: new URL("./pyodide/", location.href).href });
document.getElementById("out").textContent = "done " + py.runPython("1 + 1") + " " + (performance.now() - t0);
</script>"""


class Server:
    """Static files with gzip (as a static host would serve them), counting bytes sent."""

    def __init__(self, site: Path, throttle: bool):
        self.sent = 0
        self._gzip_sizes: dict[str, int] = {}
        bench = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802
                if throttle:
                    time.sleep(0.04)  # latency on every request (bench only, not a test)
                path = self.path.split("?")[0]
                if path == "/__bare_pyodide.html":
                    return self._send(BARE_PYODIDE_PAGE.encode(), "text/html")
                return super().do_GET()

            def _send(self, body: bytes, ctype: str):
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                bench.sent += len(body)

            def copyfile(self, source, outputfile):
                data = source.read()
                bench.sent += bench.wire_size(self.path, data)
                if throttle:
                    for i in range(0, len(data), 125_000):  # 10 Mbit/s ≈ 1.25 MB/s
                        outputfile.write(data[i:i + 125_000])
                        time.sleep(0.1)
                else:
                    outputfile.write(data)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def close(self):
        self.httpd.shutdown()

    def wire_size(self, path: str, data: bytes) -> int:
        """What a host serving gzip would send (computed once per file, off the timed path)."""
        if not _compressible(path):
            return len(data)
        if path not in self._gzip_sizes:
            self._gzip_sizes[path] = len(gzip.compress(data, 6))
        return self._gzip_sizes[path]

    def warm_up(self, site: Path) -> None:
        for file in site.rglob("*"):
            if file.is_file():
                rel = "/" + file.relative_to(site).as_posix()
                self.wire_size(rel, file.read_bytes())


def _compressible(path: str) -> bool:
    return not re.search(r"\.(gz|png|zip|whl)$", path.split("?")[0])


def precache_size(site: Path) -> tuple[int, int]:
    sw = (site / "sw.js").read_text()
    match = re.search(r"const PRECACHE = (\[.*?\]);", sw, re.S)
    entries = json.loads(match.group(1)) if match else []
    # [path, revision] pairs (older builds: plain paths or {"url": …} objects)
    files = [e["url"] if isinstance(e, dict) else e[0] if isinstance(e, list) else e for e in entries]
    files = [f for f in files if f != "./"]
    return len(files), sum((site / f[2:]).stat().st_size for f in files if (site / f[2:]).is_file())


def wait_ready(page) -> None:
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=TIMEOUT)
    page.wait_for_selector("#kindred-splash", state="hidden", timeout=TIMEOUT)


def one_run(browser, server: Server, throttle: bool) -> dict[str, float]:
    result = {}
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    if throttle:
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    server.sent = 0
    started = time.perf_counter()
    page.goto(server.url)
    page.get_by_role("link", name="Call 116 123").wait_for(timeout=TIMEOUT)
    result["help"] = time.perf_counter() - started
    wait_ready(page)
    result["cold"] = time.perf_counter() - started
    result["transferred"] = server.sent
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=TIMEOUT)
    # Let the service worker finish filling its cache before the warm and offline runs.
    page.wait_for_function("caches.keys().then(async (k) => k.length > 0)", timeout=TIMEOUT)
    started = time.perf_counter()
    page.reload()
    wait_ready(page)
    result["warm"] = time.perf_counter() - started
    context.set_offline(True)
    started = time.perf_counter()
    page.reload()
    wait_ready(page)
    result["offline"] = time.perf_counter() - started
    context.close()
    page = browser.new_page(viewport=PHONE)
    started = time.perf_counter()
    page.goto(server.url + "__bare_pyodide.html")
    page.wait_for_function("document.getElementById('out').textContent.startsWith('done')", timeout=TIMEOUT)
    result["bare_pyodide"] = time.perf_counter() - started
    page.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--throttle", action="store_true")
    args = parser.parse_args()
    site = args.site.resolve()
    total = sum(f.stat().st_size for f in site.rglob("*") if f.is_file())
    count, cached = precache_size(site)
    server = Server(site, args.throttle)
    server.warm_up(site)
    runs = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for i in range(args.runs):
                runs.append(one_run(browser, server, args.throttle))
                print(f"run {i + 1}: " + ", ".join(f"{k} {v / 1e6:.1f} MB" if k == "transferred" else f"{k} {v:.1f} s" for k, v in runs[-1].items()), flush=True)
        finally:
            browser.close()
            server.close()

    def figure(key):
        values = [r[key] for r in runs]
        return f"{min(values):.1f} / {statistics.median(values):.1f} s"

    label = "throttled (10 Mbit/s, 40 ms, CPU 4x) " if args.throttle else ""
    print(f"\nPWA start, {label}{args.runs} runs (min / median), beside issue 15's figures and the targets:")
    rows = [
        ("help on screen", figure("help"), "20+ s (needed Python)", "from the first second"),
        ("bare Pyodide (same run)", figure("bare_pyodide"), "—", "—"),
        ("cold → first screen", figure("cold"), BEFORE["throttled" if args.throttle else "cold"], TARGETS["throttled" if args.throttle else "cold"]),
        ("warm reload", figure("warm"), BEFORE["warm"], TARGETS["warm"]),
        ("offline reload", figure("offline"), BEFORE["offline"], "—"),
        ("site on disk", f"{total / 1e6:.1f} MB", BEFORE["site"], "—"),
        ("precached", f"{cached / 1e6:.1f} MB in {count} files", BEFORE["precached"], TARGETS["precached"]),
        ("served before first screen (gzip)", f"{statistics.median(r['transferred'] for r in runs) / 1e6:.1f} MB", BEFORE["transferred"], TARGETS["transferred"]),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'':{width}}  {'now':>22}  {'before':>22}  target")
    for name, now, before, target in rows:
        print(f"{name:{width}}  {now:>22}  {before:>22}  {target}")


if __name__ == "__main__":
    main()
