"""Directory benchmarks at scale, each beside a baseline measured in the same run.

1. Import of an N-meeting Meeting Guide file (default 100,000): wall time and peak memory
   (max RSS of a fresh process), beside ``json.load`` of the same file in a fresh process.
2. Search over those N groups: text + two filters + soonest sort, first page of 50
   (median and p95 of many runs), beside a bare FTS5 query for the same text over the same
   rows; plus a few other shapes for context.
3. Refreshing every stored next meeting after a week away (a one-off, once per start).

Wall times beside CPU times (``time.process_time``): on a shared machine the CPU time of the
measured process moves far less with other work than the wall time does. ``--code DIR``
measures another checkout (e.g. ``git archive BASE | tar -x -C DIR``) with this same script,
for a before/after pair.

Run: ``uv run python bench/directory_bench.py [--groups 100000] [--runs 200] [--code DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.directory_data import meetings  # noqa: E402

# Peak memory is VmHWM of the child's own address space: ru_maxrss would carry over the
# parent's high-water mark through fork, and the parent holds the generated meetings.
PEAK = "int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])"
IMPORT_CHILD = """
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from services.app import open_services
services = open_services(Path({data!r}))
start, cpu = time.perf_counter(), time.process_time()
report = services.directory.import_file(Path({feed!r}), source="bench")
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
services.close()
print(elapsed, PEAK, report.imported, len(report.skipped), cpu)
""".replace("PEAK", PEAK)
JSON_CHILD = """
import json, time
start, cpu = time.perf_counter(), time.process_time()
with open({feed!r}, encoding="utf-8") as handle:
    data = json.load(handle)
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
print(elapsed, PEAK, len(data), cpu)
""".replace("PEAK", PEAK)
EMPTY_CHILD = f"print(0, {PEAK})"


def child(code: str) -> list[float]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return [float(x) for x in out.stdout.split()]


def timings(fn, runs: int) -> tuple[float, float, float, float]:
    """Wall median and p95, CPU median and p95, in ms."""
    for _ in range(5):
        fn()
    samples, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    samples.sort()
    cpus.sort()
    p95 = int(0.95 * (len(samples) - 1))
    return statistics.median(samples), samples[p95], statistics.median(cpus), cpus[p95]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--code", help="the checkout to measure (default: this one)")
    args = parser.parse_args()
    root = Path(args.code).resolve() if args.code else ROOT
    if args.code:
        sys.path.insert(0, str(root))
        for name in [m for m in sys.modules if m == "services" or m.startswith("services.")]:
            del sys.modules[name]
    print(f"code measured: {root}")

    work = Path(tempfile.mkdtemp(prefix="kindred-bench-"))
    feed = work / "meetings.json"
    generated = meetings(args.groups)
    feed.write_text(json.dumps(generated), encoding="utf-8")
    del generated
    print(f"{args.groups} meetings, {feed.stat().st_size / 1e6:.1f} MB of Meeting Guide JSON")

    data_dir = work / "data"
    from services.app import open_services

    open_services(data_dir).close()  # migrations and the bundled directory, outside the measurement
    import_s, import_kb, imported, skipped, import_cpu = child(IMPORT_CHILD.format(root=str(root), data=str(data_dir), feed=str(feed)))
    json_s, json_kb, _, json_cpu = child(JSON_CHILD.format(feed=str(feed)))
    _, empty_kb = child(EMPTY_CHILD)
    print(f"load average while running: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"import: {import_s:.2f} s (CPU {import_cpu:.2f} s), peak RSS {import_kb / 1024:.0f} MB "
          f"({int(imported)} imported, {int(skipped)} skipped)")
    print(f"json.load baseline: {json_s:.2f} s (CPU {json_cpu:.2f} s), peak RSS {json_kb / 1024:.0f} MB "
          f"(empty interpreter {empty_kb / 1024:.0f} MB)")

    from sqlalchemy import text

    from services.directory.search import SearchQuery, fts_query

    services = open_services(data_dir)
    now = datetime.now(UTC)
    directory = services.directory
    directory.search(SearchQuery(text="x", timezone="UTC"), now=now)  # first refresh, outside the measurement

    def search(**fields):
        return lambda: directory.search(SearchQuery(limit=50, timezone="UTC", **fields), now=now)

    target = dict(text="anxiety", attendance="in_person", days=(1,), sort="soonest")
    page = directory.search(SearchQuery(limit=50, timezone="UTC", **target), now=now)
    match = fts_query("anxiety")
    connection = services.directory_db.engine.connect()

    def bare_fts():
        connection.execute(
            text("SELECT rowid FROM directory_group_fts WHERE directory_group_fts MATCH :m LIMIT 50"), {"m": match}).all()

    near = directory.geocode("Philadelphia")
    rows = [
        ("text + 2 filters + soonest, page 1 of 50 (target)", timings(search(**target), args.runs), page.total),
        ("baseline: bare FTS5 MATCH, first 50 rowids", timings(bare_fts, args.runs), None),
        ("text only, relevance", timings(search(text="anxiety"), args.runs), None),
        ("prefix 'sup' (matches most rows), soonest", timings(search(text="sup", sort="soonest"), args.runs // 4), None),
        ("no text, within 25 km of Philadelphia, distance", timings(search(near=near, within_km=25, sort="distance"), args.runs // 4), None),
        ("no text, meets within 24 h, soonest", timings(search(meets_within="24h", sort="soonest"), args.runs // 4), None),
    ]
    connection.close()
    for label, (median, p95, cpu_median, cpu_p95), total in rows:
        print(f"{label}: median {median:.1f} ms, p95 {p95:.1f} ms; CPU median {cpu_median:.1f} ms, p95 {cpu_p95:.1f} ms"
              + (f" ({total} matches)" if total is not None else ""))
    target_median = rows[0][1][0]
    print(f"ratio target/baseline (median): {target_median / rows[1][1][0]:.1f}x")

    from services.directory.repository import refresh_next_meetings

    later = now + timedelta(days=7, hours=1)
    start, cpu = time.perf_counter(), time.process_time()
    with services.directory_db.transaction() as session:
        refreshed = refresh_next_meetings(session, later)
    print(f"refresh after a week away: {refreshed} groups in {time.perf_counter() - start:.2f} s "
          f"(CPU {time.process_time() - cpu:.2f} s)")
    services.close()


if __name__ == "__main__":
    main()
