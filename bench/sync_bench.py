"""Sync benchmarks: a no-change sync, and a first sync of a big signed feed.

    uv run python bench/sync_bench.py [--groups 100000] [--runs 3] [--nochange-runs 50]

Everything runs on this machine: the feed is generated here (a realistic mix of fields),
signed with a fresh key, and served gzip-compressed with ETag/Last-Modified by
``services.sync.serve`` on 127.0.0.1. Each target is printed beside a baseline measured in
the same run:

- no-change sync (target ≤ 100 ms)  vs  a bare httpx conditional GET answered 304;
- first sync of N groups (target ≤ 30 s)  vs  a bare httpx GET of the same file, and
  ``json.load`` of it.

Medians over the runs. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services.app import open_services  # noqa: E402
from services.sync import signing  # noqa: E402
from services.sync.fetch import FetchLimits  # noqa: E402
from services.sync.serve import make_server  # noqa: E402
from services.sync.service import SyncService  # noqa: E402

TOPICS = ["anxiety", "depression", "bipolar", "grief_and_loss", "trauma_ptsd", "addiction_recovery", "eating_disorders",
          "ocd", "psychosis", "suicide_loss", "perinatal", "chronic_illness", "caregivers_and_family", "stress",
          "loneliness", "general_wellbeing"]
AUDIENCES = ["young_adults", "teens", "seniors", "lgbtq", "veterans", "women", "men", "parents", "bipoc"]
ZONES = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "Europe/London",
         "Australia/Sydney", None]
CITIES = [("Springfield", "IL", 39.78, -89.65), ("Portland", "OR", 45.52, -122.68), ("Austin", "TX", 30.27, -97.74),
          ("Boston", "MA", 42.36, -71.06), ("Denver", "CO", 39.74, -104.99), ("Atlanta", "GA", 33.75, -84.39)]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def make_group(i: int, rng: random.Random) -> dict:
    city, region, lat, lon = rng.choice(CITIES)
    attendance = rng.choice(["in_person", "in_person", "online", "hybrid"])
    zone = rng.choice(ZONES)
    kind = rng.choices(["weekly", "monthly", "by_appointment"], weights=[8, 2, 1])[0]
    rule: dict = {"kind": kind}
    if kind != "by_appointment":
        hour = rng.randint(8, 20)
        rule.update(weekday=rng.choice(DAYS), start=f"{hour:02d}:{rng.choice(['00', '30'])}", end=f"{hour + 1:02d}:30")
        if zone:
            rule["timezone"] = zone
        if kind == "monthly":
            rule["ordinal"] = rng.choice([1, 2, 3, 4, -1])
        elif rng.random() < 0.2:
            rule["every_weeks"] = 2
            rule["anchor_date"] = "2026-01-05"
    group = {
        "id": f"grp-{i:06d}",
        "name": f"{rng.choice(['Hope', 'Harbor', 'Pathways', 'Open Door', 'Bridges', 'Kindred'])} "
                f"{rng.choice(TOPICS).replace('_', ' ')} group {i}",
        "description": "A welcoming group where people share experiences and coping strategies. "
                       + rng.choice(["Newcomers welcome.", "Please call ahead.", "Tea and coffee provided.", ""]),
        "topics": rng.sample(TOPICS, rng.randint(1, 3)),
        "audience": rng.sample(AUDIENCES, rng.randint(0, 2)),
        "leadership": {"kind": rng.choice(["peer", "professional", "co_facilitated"])},
        "attendance": attendance,
        "schedule": [rule],
        "cost": {"kind": rng.choice(["free", "free", "donation", "sliding_scale", "fee"])},
        "typical_size": rng.randint(4, 20),
        "registration": rng.choice(["drop_in", "register", "intake_call"]),
        "languages": ["English"] + (["Spanish"] if rng.random() < 0.2 else []),
        "status": rng.choices(["active", "temporarily_closed"], weights=[19, 1])[0],
        "last_verified": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
    }
    if attendance != "online":
        group["location"] = {"venue": "Community Centre", "address": f"{rng.randint(1, 999)} Main St", "city": city,
                             "region": region, "country": "US", "latitude": round(lat + rng.uniform(-0.2, 0.2), 5),
                             "longitude": round(lon + rng.uniform(-0.2, 0.2), 5)}
    if attendance != "in_person":
        group["online"] = {"url": f"https://meet.example.org/{i}"}
    return group


def write_feed(folder: Path, count: int) -> Path:
    rng = random.Random(7)
    document = {"format": "kindred-directory", "version": 1, "publisher": {"name": "Benchmark Network"},
                "generated_at": "2026-11-25", "groups": [make_group(i, rng) for i in range(count)]}
    path = folder / "groups.json"
    path.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")
    return path


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--groups", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="first syncs of the big feed (each into a fresh folder)")
    parser.add_argument("--nochange-runs", type=int, default=50)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kindred-sync-bench-"))
    public = work / "public"
    public.mkdir()
    print(f"Generating a feed of {args.groups:,} groups …", flush=True)
    feed_path = write_feed(public, args.groups)
    pair = signing.generate_keypair(work / "bench")
    signing.sign_file(feed_path, [pair.private_path])
    server = make_server(public, port=0, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/groups.json"
    limits = FetchLimits(read_timeout=60, total_timeout=600, retries=0)
    size = feed_path.stat().st_size

    # Baselines for the big feed: a bare download of the same file, and json.load of it.
    with httpx.Client(headers={"Accept-Encoding": "gzip"}) as client:
        warm = client.get(url)  # also warms the server's gzip cache
        wire = warm.num_bytes_downloaded
        get_times = [timed(lambda: client.get(url).content) for _ in range(args.runs)]
    load_times = [timed(lambda: json.loads(feed_path.read_bytes())) for _ in range(args.runs)]

    full_times = []
    stages: dict[str, list[float]] = {}
    for run in range(args.runs):
        services = open_services(work / f"data-{run}")
        sync = SyncService(services.directory_db, limits)
        sync.add_source(url, public_key=pair.public_key, name="bench")
        marks: list[tuple[str, float]] = []
        start = time.perf_counter()
        [outcome] = sync.sync(progress=lambda p, marks=marks: marks.append((p.stage, time.perf_counter())))
        full_times.append(time.perf_counter() - start)
        assert outcome.status == "updated" and outcome.groups == args.groups, outcome
        previous = start
        for stage, moment in marks:  # time spent before each stage began = the stage before it
            stages.setdefault(stage, []).append(moment - previous)
            previous = moment
        print(f"  first sync {run + 1}: {full_times[-1]:.1f} s ({outcome.message})", flush=True)
        if run < args.runs - 1:
            services.close()

    # A changed feed: every one of the N groups replaced (the old ones deleted) in one transaction.
    document = json.loads(feed_path.read_bytes())
    document["generated_at"] = "2026-11-26"
    for item in document["groups"][::10]:
        item["description"] += " Updated."
    feed_path.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")
    signing.sign_file(feed_path, [pair.private_path])
    del document
    start = time.perf_counter()
    [outcome] = sync.sync()
    changed_time = time.perf_counter() - start
    assert outcome.status == "updated" and outcome.previous == args.groups, outcome
    print(f"  changed feed: {changed_time:.1f} s ({outcome.message})", flush=True)

    # No-change sync, on the last folder (the source has its validators now).
    nochange = []
    for _ in range(args.nochange_runs):
        start = time.perf_counter()
        [outcome] = sync.sync()
        nochange.append(time.perf_counter() - start)
        assert outcome.status == "unchanged", outcome
    etag = sync.get_source("bench").etag
    with httpx.Client() as client:
        bare_304 = []
        for _ in range(args.nochange_runs):
            start = time.perf_counter()
            response = client.get(url, headers={"If-None-Match": etag})
            bare_304.append(time.perf_counter() - start)
            assert response.status_code == 304
    services.close()
    server.shutdown()

    print()
    print(f"Feed: {args.groups:,} groups, {size / 1e6:.1f} MB of JSON, {wire / 1e6:.1f} MB gzipped on the wire, signed")
    print("| Benchmark | Median | Target | Baseline (same run) |")
    print("|---|---|---|---|")
    print(f"| No-change sync (one 304, no directory writes) | {median_ms(nochange):.1f} ms | ≤ 100 ms | "
          f"bare httpx conditional GET → 304: {median_ms(bare_304):.1f} ms |")
    print(f"| First sync of {args.groups:,} groups (download, verify, read, replace) | "
          f"{statistics.median(full_times):.1f} s | ≤ 30 s | bare httpx GET of the file: "
          f"{statistics.median(get_times):.2f} s; json.load of it: {statistics.median(load_times):.2f} s |")
    print(f"| Changed feed: all {args.groups:,} groups replaced in one transaction | {changed_time:.1f} s (one run) | — | |")
    names = {"checking": "download", "verifying": "signature check", "reading": "read (parse and validate)",
             "saving": "replace in one transaction"}
    # marks[i] is when stage i began, so the time before "verifying" is the download, etc.
    order = ["verifying", "reading", "saving", "done"]
    parts = [f"{names[prev]} {statistics.median(stages[stage]):.1f} s"
             for prev, stage in zip(["checking", "verifying", "reading", "saving"], order) if stage in stages]
    print("First-sync stages (medians): " + "; ".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
