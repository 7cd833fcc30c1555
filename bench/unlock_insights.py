"""Unlock → insights: the time from a correct passphrase to the Insights numbers, in a fresh
process (nothing cached), split into the deliberate key derivation (scrypt) and the rest.

One data folder with N encrypted check-ins (bench/journal.py's generator) is measured by each
checkout given (``--code DIR``, repeatable; default this one) in turn, runs interleaved, so a
before/after pair sees the same load. Wall and CPU time (``time.process_time``) are both
reported: on a shared machine the CPU time moves far less with other work.

Run: ``uv run python bench/unlock_insights.py [--entries 20000] [--runs 5] [--code DIR ...]``.
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
from services.privacy import crypto
services = open_services(Path({data!r}))
services.vault  # made on first use in newer code
w0, c0 = time.perf_counter(), time.process_time()
store = services.vault.unlock({passphrase!r})
w1, c1 = time.perf_counter(), time.process_time()
result = Journal(store).insights(today=date.fromisoformat({today!r}))
w2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({{"kdf_wall": w1 - w0, "kdf_cpu": c1 - c0, "wall": w2 - w1, "cpu": c2 - c1}}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--code", action="append", help="a checkout to measure (repeatable; default this one)")
    args = parser.parse_args()
    codes = [Path(c).resolve() for c in (args.code or [str(ROOT)])]

    sys.path.insert(0, str(ROOT))
    from bench.journal import generate
    from services.app import open_services
    from services.journal import Journal

    data_dir = Path(tempfile.mkdtemp(prefix="kindred-bench-"))
    services = open_services(data_dir)
    store, _ = services.vault.set_up(PASSPHRASE)
    entries = generate(args.entries)
    Journal(store).save_many(entries)
    today = entries[-1].at.date().isoformat()
    services.close()
    del entries

    samples: dict[Path, list[dict]] = {code: [] for code in codes}
    for _ in range(args.runs):
        for code in codes:
            out = subprocess.run([sys.executable, "-c", CHILD.format(root=str(code), data=str(data_dir),
                                                                     passphrase=PASSPHRASE, today=today)],
                                 capture_output=True, text=True, check=True)
            samples[code].append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"{args.entries} check-ins; {args.runs} fresh processes per checkout, interleaved; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for code, runs in samples.items():
        med = {key: statistics.median(run[key] for run in runs) * 1000 for key in runs[0]}
        print(f"{code}: unlock → insights (after the key) median {med['wall']:.0f} ms wall, {med['cpu']:.0f} ms CPU; "
              f"key derivation {med['kdf_wall']:.0f} ms wall, {med['kdf_cpu']:.0f} ms CPU")


if __name__ == "__main__":
    main()
