"""Unlock → insights: the time from a correct passphrase to the Insights numbers, in a fresh
process (nothing cached), split into the deliberate key derivation (scrypt) and the rest.

One data folder with N encrypted check-ins (bench/journal.py's generator) is measured by each
checkout given (``--code DIR``, repeatable; default this one) in turn, runs interleaved, so a
before/after pair sees the same load. Wall and CPU time (``time.process_time``) are both
reported: on a shared machine the CPU time moves far less with other work.

Modes (``--mode``, repeatable; default both), each a fresh process per run:
- ``summary``: ``Journal.insights`` as the app calls it — with the sealed summary kept by the
  setup, one decrypt (issue #14 target 4);
- ``full``: the path without a summary, as before it: decrypt every check-in into ``Entry``
  objects, then ``insights.compute`` (the baseline, measured in the same run);
- ``stale``: ``Journal.insights`` right after a check-in was written by another process (the
  summary is stale): the full path plus writing the summary again. Each run writes one more
  check-in first (outside the measured time).

Run: ``uv run python bench/unlock_insights.py [--entries 20000] [--runs 5] [--mode summary --mode full]``.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSPHRASE = "benchmark passphrase"
CHILD = """
import sys, time, json
sys.path.insert(0, {root!r})
from pathlib import Path
from datetime import date
from services.app import open_services
from services.journal import Journal
from services.journal import insights
from services.privacy import crypto
services = open_services(Path({data!r}))
services.vault  # made on first use in newer code
w0, c0 = time.perf_counter(), time.process_time()
store = services.vault.unlock({passphrase!r})
w1, c1 = time.perf_counter(), time.process_time()
today = date.fromisoformat({today!r})
if {mode!r} == "full":
    journal = Journal(store)
    result = insights.compute(journal.all_entries(), today=today, left_out=journal.left_out)
else:
    result = Journal(store).insights(today=today)
w2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({{"kdf_wall": w1 - w0, "kdf_cpu": c1 - c0, "wall": w2 - w1, "cpu": c2 - c1, "total": result.total_entries}}))
"""
ADD_ONE = """
import sys
sys.path.insert(0, {root!r})
from pathlib import Path
from datetime import datetime, timedelta, timezone
from services.app import open_services
from services.journal import Journal
services = open_services(Path({data!r}))
store = services.vault.unlock({passphrase!r})
Journal(store).add(mood=3, at=datetime(2020, 1, 1, tzinfo=timezone.utc) + timedelta(minutes={n}), note="one more")
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--code", action="append", help="a checkout to measure (repeatable; default this one)")
    parser.add_argument("--mode", action="append", choices=("summary", "full", "stale"),
                        help="what to measure (repeatable; default summary and full)")
    parser.add_argument("--data", help="reuse this data folder (made by an earlier run with the same --entries)")
    args = parser.parse_args()
    codes = [Path(c).resolve() for c in (args.code or [str(ROOT)])]
    modes = args.mode or ["summary", "full"]

    sys.path.insert(0, str(ROOT))
    from bench.journal import generate
    from services.app import open_services
    from services.journal import Journal

    today = "2026-11-01"  # the generator's last day
    if args.data:
        data_dir = Path(args.data)
    else:
        data_dir = Path(tempfile.mkdtemp(prefix="kindred-bench-"))
        services = open_services(data_dir)
        store, _ = services.vault.set_up(PASSPHRASE)
        started = time.perf_counter()
        entries = generate(args.entries)
        Journal(store).save_many(entries)
        today = entries[0].at.date().isoformat()
        print(f"wrote {args.entries} check-ins in {time.perf_counter() - started:.1f} s ({data_dir})", flush=True)
        del entries
        services.close()
    prime_summary(data_dir, today)

    samples: dict[tuple[Path, str], list[dict]] = {(code, mode): [] for code in codes for mode in modes}
    loads = [os.getloadavg()[0]]
    for run in range(args.runs):
        for code in codes:
            for mode in modes:
                if mode == "stale":
                    subprocess.run([sys.executable, "-c", ADD_ONE.format(root=str(code), data=str(data_dir),
                                                                         passphrase=PASSPHRASE, n=run)], check=True)
                elif mode == "summary":
                    prime_summary(data_dir, today)  # a "stale" run before may have left it stale
                out = subprocess.run([sys.executable, "-c", CHILD.format(root=str(code), data=str(data_dir), mode=mode,
                                                                         passphrase=PASSPHRASE, today=today)],
                                     capture_output=True, text=True, check=True)
                samples[(code, mode)].append(json.loads(out.stdout.strip().splitlines()[-1]))
        loads.append(os.getloadavg()[0])
    print(f"{args.entries} check-ins; {args.runs} fresh processes per checkout and mode, interleaved; "
          f"load average {min(loads):.1f}–{max(loads):.1f} on {os.cpu_count()} cores")
    for (code, mode), runs in samples.items():
        med = {key: statistics.median(run[key] for run in runs) * 1000 for key in ("wall", "cpu", "kdf_wall", "kdf_cpu")}
        print(f"{code} [{mode}]: unlock → insights (after the key) median {med['wall']:.0f} ms wall, {med['cpu']:.0f} ms CPU "
              f"(runs: {', '.join(str(round(r['cpu'] * 1000)) for r in runs)} ms CPU); "
              f"key derivation {med['kdf_wall']:.0f} ms wall, {med['kdf_cpu']:.0f} ms CPU")


def prime_summary(data_dir: Path, today: str) -> None:
    """Insights once, in this process: keeps the sealed summary (newer code only)."""
    from datetime import date

    from services.app import open_services
    from services.journal import Journal

    services = open_services(data_dir)
    store = services.vault.unlock(PASSPHRASE)
    Journal(store).insights(today=date.fromisoformat(today))
    services.close()


if __name__ == "__main__":
    main()
