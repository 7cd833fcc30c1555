"""Peak memory (VmHWM) and CPU of importing a Meeting Guide file into a fresh data folder,
with the resident size before and after the rows are written (issue #14, target 3).

Run: ``uv run python bench/import_memory.py FEED.json [CODE_DIR]`` — CODE_DIR: the checkout
to measure (default this one; e.g. a ``git archive`` of an older commit for a same-run pair).
``bench/directory_data.py N OUT.json`` makes a synthetic feed of N meetings.
"""

import shutil
import sys
import tempfile
import time
from pathlib import Path

feed = Path(sys.argv[1]).resolve()
code = sys.argv[2] if len(sys.argv) > 2 else str(Path(__file__).resolve().parent.parent)
sys.path.insert(0, code)

from services.app import open_services  # noqa: E402
import services.directory.repository as repository  # noqa: E402


def memory() -> str:
    return "  ".join(line.strip() for line in open("/proc/self/status") if line.startswith(("VmRSS", "VmHWM")))


folder = Path(tempfile.mkdtemp(prefix="kindred-import-memory-"))
services = open_services(folder)
print(f"code {code}\nstarted:        {memory()}")
replace = repository.replace_source_groups


def measured(*args, **kwargs):
    print(f"before writing: {memory()}")
    result = replace(*args, **kwargs)
    print(f"after writing:  {memory()}")
    return result


repository.replace_source_groups = measured
wall, cpu = time.perf_counter(), time.process_time()
services.directory.import_file(feed, source="bench")
print(f"import {time.perf_counter() - wall:.1f} s wall, {time.process_time() - cpu:.1f} s CPU\nend:            {memory()}")
services.close()
shutil.rmtree(folder)
