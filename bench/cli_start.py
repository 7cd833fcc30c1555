"""Wall time of `kindred` commands in fresh processes, beside baselines measured in the same run.

- ``kindred --version``; ``kindred directory search anxiety --json`` over a directory of N groups
  (default: the data folder a previous ``bench/directory_bench.py`` left, or one made here).
- Baselines: an empty interpreter (``python -c pass``), ``import sqlalchemy.orm`` (the floor of
  any command that reads a database through SQLAlchemy), and, with ``--before DIR`` (a checkout
  of an older commit, e.g. ``git archive BASE | tar -x -C DIR``), the same commands run from it.

Children cache bytecode as an installed Kindred does (see CHILD_ENV).
Runs are interleaved (A, B, A, B, …) so that load from other work on the machine falls on both;
each child's CPU time (user + system) is reported beside its wall time.

Run: ``uv run python bench/cli_start.py [--data DIR] [--before DIR] [--runs 15]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def kindred(root: Path, *argv: str) -> list[str]:
    code = f"import sys; sys.path.insert(0, {str(root)!r}); from cli import main; sys.exit(main({list(argv)!r}))"
    return [sys.executable, "-c", code]


# As a person's installed Kindred runs: Python caches compiled bytecode (this project's machines
# set PYTHONDONTWRITEBYTECODE, which makes every start compile the project's modules again).
CHILD_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def wall(command: list[str]) -> tuple[float, float]:
    """Wall time and the child's CPU time (user + system), in ms."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=CHILD_ENV)
    elapsed = (time.perf_counter() - start) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", help="a data folder holding a large directory")
    parser.add_argument("--before", help="a checkout of the code to compare with")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    cases: list[tuple[str, list[str]]] = [
        ("baseline: python -c pass", [sys.executable, "-c", "pass"]),
        ("baseline: import sqlalchemy.orm", [sys.executable, "-c", "import sqlalchemy.orm"]),
        ("kindred --version", kindred(ROOT, "--version")),
    ]
    if args.before:
        cases.append(("before: kindred --version", kindred(Path(args.before), "--version")))
    if args.data:
        searches = {
            "anxiety --json": ("anxiety", "--json"),
            "anxiety --attendance in-person --day tue --sort soonest --json":
                ("anxiety", "--attendance", "in-person", "--day", "tue", "--sort", "soonest", "--json"),
        }
        for name, words in searches.items():
            search = ("--data-dir", args.data, "directory", "search", *words)
            cases.append((f"kindred directory search {name}", kindred(ROOT, *search)))
            if args.before:
                cases.append((f"before: kindred directory search {name}", kindred(Path(args.before), *search)))
    for _, command in cases:  # warm the page cache and bytecode
        wall(command)
    samples: dict[str, list[tuple[float, float]]] = {label: [] for label, _ in cases}
    for _ in range(args.runs):
        for label, command in cases:
            samples[label].append(wall(command))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {args.runs} runs each, interleaved")
    for label, values in samples.items():
        walls, cpus = sorted(v[0] for v in values), sorted(v[1] for v in values)
        print(f"{label}: wall median {statistics.median(walls):.0f} ms, p95 {walls[int(0.95 * (len(walls) - 1))]:.0f} ms; "
              f"CPU median {statistics.median(cpus):.0f} ms")


if __name__ == "__main__":
    main()
