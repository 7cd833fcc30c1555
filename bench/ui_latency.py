"""Every tap in Chromium, from the input event to the changed screen (issue #14, target 2).

A data folder with N directory groups (bench/directory_data.py's synthetic Meeting Guide
meetings, imported through the services) and M encrypted check-ins (bench/journal.py's
generator) is opened by the real app (``main.py --web``) and driven by Playwright in Chromium
at phone size. Each step is repeated; for each, the time from the input event (``keydown`` or
``pointerdown``, stamped in the page by a capturing listener) to the first animation frame
whose accessibility tree shows the changed screen (polled every frame in the page) is
reported as median and p95. Unlock is reported with the key derivation (scrypt at Kindred's
real cost) measured on its own in this process in the same run, and unlock minus that.

Beside each, the app process's own CPU time over the same span (``/proc/<pid>/stat``): on a
shared machine it moves far less with other work than wall time. Baseline in the same run and
the same browser: a static page whose button changes a text in its click handler (no server).
At the end, the app process's resident and peak memory.

Run: ``uv run python bench/ui_latency.py [--groups 10000] [--entries 20000] [--runs 10]
[--profile OUT]`` (``--profile``: py-spy records the app process during the taps, as raw
collapsed stacks, for `where the time goes`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from tests.app_process import start_app  # noqa: E402
from tests.browser_support import PHONE, launch_chromium, open_app, open_destination, reveal, tap, wait_until_settled  # noqa: E402

PASSPHRASE = "benchmark passphrase"
ENV = {"TZ": "America/New_York", "LANG": "en_US.UTF-8"}
WORDS = ["anxiety", "grief", "trauma", "stress", "recovery", "family"]

# Stamps the input event in the page: the clock starts where a person's tap or key does.
STAMP_JS = """() => {
  if (window.__kindredStampOn) return;
  window.__kindredStampOn = true;
  for (const kind of ['pointerdown', 'keydown']) {
    window.addEventListener(kind, () => { window.__kindredT0 = performance.now(); }, true);
  }
}"""

# Helpers evaluated each frame: the labels and texts Flutter's accessibility tree shows.
HELPERS_JS = """
const texts = () => {
  const out = [];
  for (const e of document.querySelectorAll('flt-semantics')) {
    const label = e.getAttribute('aria-label');
    if (label) out.push(label);
    for (const c of e.childNodes) if (c.nodeType === 3 || (c.nodeType === 1 && c.tagName === 'SPAN')) {
      const t = (c.textContent || '').trim();
      if (t) out.push(t);
    }
  }
  return out;
};
const has = (pattern) => { const re = new RegExp(pattern); return texts().some(t => re.test(t)); };
const first = (pattern) => { const re = new RegExp(pattern); return texts().find(t => re.test(t)) || null; };
"""


def wait_js(condition: str) -> str:
    """A predicate for wait_for_function: the ms since the stamped input once ``condition`` holds."""
    return f"""(arg) => {{ {HELPERS_JS}
      if (!({condition})) return false;
      return performance.now() - window.__kindredT0;
    }}"""


APP_PID: list[int] = []
CPU: dict[str, list[float]] = {}
TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def app_cpu_ms() -> float:
    """The app process's CPU time so far (user + system, all threads), in ms."""
    fields = Path(f"/proc/{APP_PID[0]}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * TICK_MS


def timed(page, act, condition: str, arg=None, timeout: float = 60_000) -> float:
    """Run ``act`` (which dispatches one input event), wait for ``condition`` (JS over ``arg``).
    The app's CPU time over the same span is kept in LAST_CPU."""
    page.evaluate("() => { window.__kindredT0 = undefined; }")
    cpu = app_cpu_ms()
    try:
        return _timed(page, act, condition, arg, timeout)
    finally:
        LAST_CPU[0] = app_cpu_ms() - cpu


LAST_CPU = [0.0]


def _timed(page, act, condition: str, arg, timeout: float) -> float:
    act()
    try:
        handle = page.wait_for_function(wait_js(f"window.__kindredT0 !== undefined && ({condition})"), arg=arg,
                                        polling="raf", timeout=timeout)
    except Exception:
        state = page.evaluate(f"() => {{ {HELPERS_JS} return [window.__kindredT0, texts().slice(0, 14)]; }}")
        raise AssertionError(f"never true: {condition} (arg {arg!r}); input at {state[0]}, screen {state[1]}") from None
    return float(handle.json_value())


def current(page, pattern: str) -> str | None:
    return page.evaluate(f"(p) => {{ {HELPERS_JS} return first(p); }}", pattern)


def q(pattern: str) -> str:
    """A pattern as a JavaScript string literal."""
    return json.dumps(pattern)


GROUP_CARD = r"^(New York|Philadelphia|Chicago|Houston|Denver|Phoenix|Los Angeles|Seattle|Toronto|London|Manchester|Dublin|Sydney|Edmonton) "
COUNT = r"^\d[\d,]* groups?( —|$)"  # "10,009 groups — showing the first 20" (numbers are formatted for the locale)


def build_data(data_dir: Path, groups: int, entries: int) -> str:
    from bench.directory_data import meetings
    from bench.journal import generate
    from services.app import open_services
    from services.journal import Journal
    from services.saved import SavedGroups, group_snapshot

    services = open_services(data_dir)
    services.preferences.mark_welcome_done()
    feed = data_dir.parent / "meetings.json"
    feed.write_text(json.dumps(meetings(groups)), encoding="utf-8")
    started = time.perf_counter()
    services.directory.import_file(feed, source="bench")
    print(f"imported {groups} groups in {time.perf_counter() - started:.1f} s")
    store, _ = services.vault.set_up(PASSPHRASE, use_keyring=False)
    started = time.perf_counter()
    generated = generate(entries)
    # Bench entries end on 2026-11-01; the insights window is "the last 30 days" from today,
    # so move them to end now (synthetic data: only the dates shift).
    from datetime import datetime

    shift = datetime.now(generated[-1].at.tzinfo) - generated[-1].at
    from dataclasses import replace

    generated = [replace(e, at=e.at + shift) for e in generated]
    Journal(store).save_many(generated)
    print(f"wrote {entries} check-ins in {time.perf_counter() - started:.1f} s")
    from services.directory.search import SearchQuery

    saved = SavedGroups(store)
    for summary in services.directory.search(SearchQuery(text="grief", limit=5)).results:
        saved.save(summary.id, group_snapshot(services, summary.id))
    services.close()
    return PASSPHRASE


def kdf_cost(runs: int = 3) -> float:
    from services.privacy import crypto

    params = crypto.new_kdf_params("key")
    samples, cpus = [], []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        crypto.derive_key(PASSPHRASE, params)
        samples.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(samples), statistics.median(cpus)


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--unlocks", type=int, default=5)
    parser.add_argument("--data", help="reuse (or keep) this data folder")
    parser.add_argument("--profile", help="py-spy: write the app process's collapsed stacks here")
    args = parser.parse_args()

    work = Path(args.data) if args.data else Path(tempfile.mkdtemp(prefix="kindred-ui-bench-"))
    data_dir = work / "data"
    if not (data_dir / "private.sqlite").exists():
        build_data(data_dir, args.groups, args.entries)
    samples: dict[str, list[float]] = {}

    def record(step: str, ms: float) -> None:
        samples.setdefault(step, []).append(ms)
        CPU.setdefault(step, []).append(LAST_CPU[0])

    app = start_app(data_dir, env=ENV, log_dir=work)
    APP_PID.append(app.process.pid)
    spy = None
    if args.profile:
        spy = subprocess.Popen(["py-spy", "record", "-p", str(app.process.pid), "-f", "raw", "-r", "50",
                                "-o", args.profile, "--nonblocking"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = open_app(browser, app.url, PHONE)
            page.evaluate(STAMP_JS)
            expect(page.get_by_text("Find a group", exact=True)).to_be_visible(timeout=60_000)
            expect(page.get_by_text(re.compile(COUNT)).last).to_be_visible(timeout=60_000)

            # Unlock first (the journal asks): the first unlock is measured too.
            def unlock_once() -> None:
                open_destination(page, "Journal")
                expect(page.get_by_text("Kindred is locked", exact=True)).to_be_visible(timeout=60_000)
                field = page.get_by_role("textbox", name="Passphrase")
                tap(page, field)
                page.keyboard.type(PASSPHRASE)
                expect(field).to_have_value(PASSPHRASE)
                button = page.get_by_role("button", name="Unlock", exact=True)
                box = button.bounding_box()
                record("unlock (incl. key derivation)", timed(
                    page, lambda: page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2),
                    "has('^How are you feeling right now\\\\?') && !has('^Kindred is locked')", timeout=120_000))
                wait_until_settled(page)

            def click_at(locator, scroll: bool = False):
                locator.wait_for(state="visible")
                if scroll:  # a card under the filter lines can be below the window
                    reveal(page, locator)
                    wait_until_settled(page)
                box = locator.bounding_box()
                return lambda: page.mouse.click(box["x"] + min(box["width"] / 2, 40), box["y"] + box["height"] / 2)

            unlock_once()
            for _ in range(args.unlocks - 1):
                page.get_by_role("button", name="Lock now").first.click()
                unlock_once()

            open_destination(page, "Find")
            expect(page.get_by_text(re.compile(COUNT)).last).to_be_visible(timeout=60_000)
            wait_until_settled(page)
            search_field = page.get_by_role("textbox", name="Search groups")
            for run in range(args.runs):
                # 1. Search: the whole word typed at once; the clock starts at its last key.
                word = WORDS[run % len(WORDS)]
                before = current(page, COUNT)
                tap(page, search_field)
                page.keyboard.press("Control+A")
                page.keyboard.type(word[:-1])
                ms = timed(page, lambda: page.keyboard.press(word[-1]),
                           f"has({q(COUNT)}) && first({q(COUNT)}) !== arg", arg=before)
                record("search: last key -> results (incl. 250 ms debounce)", ms)
                wait_until_settled(page)

                # 2. Sort: the menu, then a choice (the clock on the choice).
                top = current(page, GROUP_CARD)
                page.get_by_role("button", name=re.compile(r"^Sort")).or_(page.get_by_label("Sort results")).first.click()
                choice = "Meets soonest" if run % 2 == 0 else "Best match"
                option = page.get_by_role("menuitem", name=choice).or_(page.get_by_text(choice, exact=True)).last
                record("sort: choose an order -> reordered results", timed(
                    page, click_at(option), f"has({q(GROUP_CARD)}) && first({q(GROUP_CARD)}) !== arg", arg=top))
                wait_until_settled(page)

                # 3. Filters: open the sheet, toggle "Online", Done.
                before = current(page, COUNT)
                filters = page.get_by_role("button", name=re.compile(r"^Filters"))
                record("filters: open the sheet", timed(page, click_at(filters), "has('^Done$') && has('^Online')"))
                wait_until_settled(page)
                online = page.get_by_role("checkbox", name="Online").first
                checked = online.get_attribute("aria-checked")
                record("filters: toggle a filter -> chip changed", timed(
                    page, click_at(online),
                    "Array.from(document.querySelectorAll('flt-semantics[role=checkbox][aria-label=\"Online\"]'))"
                    ".some(e => e.getAttribute('aria-checked') !== arg)", arg=checked))
                wait_until_settled(page)
                record("filters: Done -> sheet closed, new results", timed(
                    page, click_at(page.get_by_role("button", name="Done")),
                    f"!has('^Done$') && has({q(COUNT)}) && first({q(COUNT)}) !== arg", arg=before))
                wait_until_settled(page)

                # 4. Open a group, then back.
                name = current(page, GROUP_CARD)
                card = page.get_by_role("button", name=re.compile(GROUP_CARD)).first
                record("open a group", timed(page, click_at(card, scroll=True), "has('^Your first time$') && has('^Back to results$')"))
                wait_until_settled(page)
                back = page.get_by_role("button", name="Back to results")
                record("back to results", timed(page, click_at(back), f"has({q(COUNT)}) && !has('^Your first time$')"))
                wait_until_settled(page)

                # 5. Saved, Journal, Insights.
                tab = page.get_by_role("tab", name="Saved", exact=True)
                record("open Saved", timed(page, click_at(tab), "has('^Saved groups$') && has('^Next|Next:')"))
                wait_until_settled(page)
                tab = page.get_by_role("tab", name="Journal", exact=True)
                record("open Journal (timeline shown)", timed(
                    page, click_at(tab), "has('^How are you feeling right now\\\\?') && has('^Your check-ins$')"))
                wait_until_settled(page)

                # 6. A check-in: a mood, then Save (the clock on Save).
                mood = page.get_by_role("button", name=re.compile(r"^Mood 4 of 5, Good"))
                for _ in range(3):  # a segment tapped while selected (a restored draft) is unselected
                    mood.click()
                    wait_until_settled(page)
                    if "true" in (mood.get_attribute("aria-checked"), mood.get_attribute("aria-selected"),
                                  mood.get_attribute("aria-pressed")):
                        break
                save = page.get_by_role("button", name="Save", exact=True)
                expect(page.get_by_text("Check-in saved.")).to_have_count(0, timeout=30_000)
                record("save a check-in -> saved", timed(page, click_at(save), "has('^Check-in saved\\\\.')"))
                wait_until_settled(page)

                insights = page.get_by_role("button", name="Insights")
                record("open Insights (numbers shown)", timed(page, click_at(insights), "has('check-ins? in the last 30 days')"))
                wait_until_settled(page)
                open_destination(page, "Find")
                expect(page.get_by_text(re.compile(COUNT)).last).to_be_visible(timeout=60_000)
                wait_until_settled(page)
                print(f"run {run + 1}/{args.runs} done", flush=True)
            # Baseline, same browser, same moment: a static page whose button changes a text in
            # its click handler (no server): the floor of "input event -> changed screen" here.
            static = browser.new_page(viewport=PHONE)
            static.set_content("<button id=b style='width:200px;height:60px'>Tap</button><p id=t>0</p><script>"
                               "let n = 0; document.getElementById('b').addEventListener('click', () => "
                               "{ document.getElementById('t').textContent = String(++n); });</script>")
            static.evaluate(STAMP_JS)
            for n in range(1, args.runs + 1):
                record("baseline: static page, tap -> text changed (no server)", timed(
                    static, lambda: static.mouse.click(100, 30), f"document.getElementById('t').textContent === '{n}'"))
            static.close()
            browser.close()
        memory = {line.split(":")[0]: int(line.split()[1]) / 1024 for line in
                  Path(f"/proc/{app.process.pid}/status").read_text().splitlines() if line.startswith(("VmRSS", "VmHWM"))}
    finally:
        if spy is not None:
            spy.send_signal(2)
            spy.wait(timeout=60)
        app.stop()

    kdf, kdf_cpu = kdf_cost()
    print(f"\n{args.groups} groups, {args.entries} check-ins (as given: a reused --data folder holds what it holds), {args.runs} runs ({args.unlocks} unlocks); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"app process memory after the runs: resident {memory['VmRSS']:.0f} MB, peak {memory['VmHWM']:.0f} MB")
    print(f"{'step':58} {'median':>8} {'p95':>8} {'app CPU':>8}  (ms, input event -> changed screen; "
          f"app CPU: the server's median CPU time over the same span)")
    for step, values in samples.items():
        med, p95 = summary(values)
        cpu = statistics.median(CPU[step])
        print(f"{step:58} {med:8.0f} {p95:8.0f} {cpu:8.0f}")
        if step.startswith("search"):
            print(f"{'  the same, after the debounce':58} {med - 250:8.0f} {p95 - 250:8.0f}")
        if step.startswith("unlock"):
            print(f"{'  key derivation alone (scrypt, this process, same run)':58} {kdf:8.0f} {'':8} {kdf_cpu:8.0f}")
            print(f"{'  unlock apart from the key derivation (by CPU time)':58} {'':8} {'':8} {cpu - kdf_cpu:8.0f}")


if __name__ == "__main__":
    main()
