"""Refreshing every stored next meeting after a week away (issue #14, target 3): wall and CPU
of ``repository.refresh_next_meetings`` one week and an hour after the data folder's groups
were made current, rolled back afterwards so the same folder can be measured again.

Run: ``uv run python bench/refresh_bench.py DATA_DIR [CODE_DIR] [--profile]`` — DATA_DIR: a data
folder holding an imported directory (e.g. 100,000 meetings from ``bench/directory_data.py``
imported with ``kindred directory import``); CODE_DIR: the checkout to measure (default this one).
"""

import cProfile
import pstats
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

args = [a for a in sys.argv[1:] if not a.startswith("--")]
data = Path(args[0])
code = args[1] if len(args) > 1 else str(Path(__file__).resolve().parent.parent)
sys.path.insert(0, code)

from services.app import open_services  # noqa: E402
from services.directory.repository import refresh_next_meetings  # noqa: E402

services = open_services(data)
now = datetime.now(UTC)
with services.directory_db.transaction() as session:
    refresh_next_meetings(session, now)  # current first, outside the measurement
later = now + timedelta(days=7, hours=1)
profile = cProfile.Profile() if "--profile" in sys.argv else None
with services.directory_db.transaction() as session:
    wall, cpu = time.perf_counter(), time.process_time()
    if profile:
        profile.enable()
    count = refresh_next_meetings(session, later)
    if profile:
        profile.disable()
    print(f"code {code}: refreshed {count} groups in {time.perf_counter() - wall:.2f} s wall, "
          f"{time.process_time() - cpu:.2f} s CPU")
    session.rollback()
services.close()
if profile:
    pstats.Stats(profile).sort_stats("cumulative").print_stats(20)
