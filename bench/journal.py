"""Journal hot paths with 20,000 encrypted check-ins.

Run: ``uv run python bench/journal.py [--entries 20000] [--runs 7]``.

Reports medians, each beside a baseline measured in the same run on the same data:
- insights (warm: entries already decrypted in the session's cache) vs ``json.loads`` of the
  same 20,000 plaintext payloads; also the cold path (decrypt everything, then insights);
- the first timeline page (a fresh session: nothing cached) vs a bare SQLite SELECT of the
  same page of rows.
Targets (issue 6): insights <= 200 ms, first timeline page <= 30 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.app import open_services  # noqa: E402
from services.journal import Journal, StrategyUse, insights  # noqa: E402
from services.journal.codec import entry_to_payload, make_entry  # noqa: E402
from services.privacy import crypto  # noqa: E402

TAGS = ["work", "family", "friends", "exercise", "outside", "alone", "group", "study", "music", "cooking", "rain", "Sam"]
STRATEGIES = ["A walk", "Box breathing", "Paced breathing", "5-4-3-2-1 grounding", "Reaching out to someone", "Thought record"]
WORDS = "slept badly today felt better after lunch talked with my sister long day at work the meeting helped a bit".split()


def generate(count: int, seed: int = 6) -> list:
    rng = random.Random(seed)
    zone = timezone(timedelta(hours=1))
    start = datetime(2026, 11, 1, 8, tzinfo=zone) - timedelta(days=count // 8)
    entries = []
    for i in range(count):
        at = start + timedelta(hours=i * 3 + rng.randint(0, 2), minutes=rng.randint(0, 59))
        entries.append(
            make_entry(
                id=f"bench{i:06}",
                at=at,
                mood=rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 4, 5]),
                emotions=rng.sample(["calm", "tired", "anxious", "content", "sad", "hopeful"], rng.randint(0, 2)),
                energy=rng.randint(1, 5) if rng.random() < 0.5 else None,
                anxiety=rng.randint(1, 5) if rng.random() < 0.5 else None,
                sleep_hours=round(rng.uniform(4, 9), 1) if rng.random() < 0.3 else None,
                tags=rng.sample(TAGS, rng.randint(0, 3)),
                strategies=[StrategyUse(s, rng.choice(["not really", "a little", "a lot", None]))
                            for s in rng.sample(STRATEGIES, rng.randint(0, 2))],
                note=" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 30))),
                group="Tuesday peer group" if at.weekday() == 1 and rng.random() < 0.5 else None,
                group_timing="after" if at.weekday() == 1 else None,
            )
        )
    return entries


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="kindred-bench-"))
    services = open_services(data_dir)
    store, _ = services.vault.set_up("benchmark passphrase")
    entries = generate(args.entries)
    started = time.perf_counter()
    Journal(store).save_many(entries)
    print(f"entries: {args.entries} (written in {time.perf_counter() - started:.1f} s, one transaction)")
    payloads = [crypto.dumps_payload(entry_to_payload(e)) for e in entries]
    print(f"median of {args.runs} runs each\n")

    cold = median_ms(lambda: Journal(store).all_entries(), args.runs)
    journal = Journal(store)
    journal.all_entries()
    today = entries[-1].at.date()
    warm = median_ms(lambda: insights.compute(journal.all_entries(), today=today), args.runs)
    cold_insights = median_ms(lambda: insights.compute(Journal(store).all_entries(), today=today), max(3, args.runs // 2))
    baseline_json = median_ms(lambda: [json.loads(p) for p in payloads], args.runs)

    first_page = median_ms(lambda: Journal(store).page(), args.runs * 3)
    warm_page = median_ms(lambda: journal.page(), args.runs * 3)
    connection = sqlite3.connect(services.private_db.path)

    def bare_select():
        connection.execute(
            "SELECT id, kind, occurred_at, created_at, updated_at, ciphertext FROM private_record "
            "WHERE kind = ? ORDER BY occurred_at DESC, id DESC LIMIT 30",
            ("journal_entry",),
        ).fetchall()
        connection.execute("SELECT count(*) FROM private_record WHERE kind = ?", ("journal_entry",)).fetchone()

    baseline_select = median_ms(bare_select, args.runs * 3)
    search = median_ms(lambda: journal.page(__import__("services.journal", fromlist=["TimelineQuery"]).TimelineQuery(text="sister")), args.runs)

    print(f"insights, warm session cache:                 {warm:8.1f} ms   (target <= 200 ms)")
    print(f"  baseline: json.loads of the same payloads:  {baseline_json:8.1f} ms")
    print(f"insights, cold (decrypt all + insights):      {cold_insights:8.1f} ms")
    print(f"decrypt all entries into the cache:           {cold:8.1f} ms")
    print(f"first timeline page, fresh session (30 rows): {first_page:8.1f} ms   (target <= 30 ms)")
    print(f"  baseline: bare SQLite SELECT of that page:  {baseline_select:8.1f} ms")
    print(f"timeline page from the warm cache:            {warm_page:8.1f} ms")
    print(f"search 'sister' over all notes (warm cache):  {search:8.1f} ms")
    connection.close()
    services.close()


if __name__ == "__main__":
    main()
