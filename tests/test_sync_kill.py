"""kill -9 in the middle of applying an update: the previous groups survive whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from services.app import open_services
from services.sync.fetch import FetchLimits
from tests.sync_support import groups_of, kindred_feed, make_service

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent

CHILD = textwrap.dedent(
    """
    import sys, threading
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from services.app import open_services
    from services.sync.fetch import FetchLimits
    from services.sync.service import SyncService

    services = open_services(Path(sys.argv[1]))
    sync = SyncService(services.directory_db, FetchLimits(read_timeout=20, retries=0))
    mode = sys.argv[2]
    if mode == "before-commit":
        def stop_here():
            print("APPLYING", flush=True)
            threading.Event().wait()  # hold the transaction open until the test kills us
        sync.before_commit = stop_here

    def progress(p):
        print("STAGE", p.stage, flush=True)

    sync.sync(progress=progress)
    print("FINISHED", flush=True)
    """
)


def wait_for_writes(child: subprocess.Popen, wal: Path, deadline: float) -> None:
    """Until the child has written into the WAL (it is mid-apply), or has exited."""
    start = wal.stat().st_size if wal.exists() else 0
    while time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > start:
            return
        try:
            child.wait(timeout=0.01)
            return  # it exited: the assertions below say so
        except subprocess.TimeoutExpired:
            continue


def run_child_and_kill(data_dir: Path, mode: str, marker: str, after_writes: bool = False) -> str:
    script = CHILD.format(root=str(ROOT))
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(data_dir), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seen = []
    deadline = time.monotonic() + 120
    try:
        for line in child.stdout:
            seen.append(line.strip())
            if line.strip() == marker:
                if after_writes:
                    wait_for_writes(child, data_dir / "directory.sqlite-wal", deadline)
                os.kill(child.pid, signal.SIGKILL)
                break
            if time.monotonic() > deadline:
                break
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL, f"the child was not killed mid-apply: {seen}"
    assert "FINISHED" not in seen, seen
    return "\n".join(seen)


@pytest.mark.parametrize(("mode", "marker", "after_writes"), [("before-commit", "APPLYING", False), ("plain", "STAGE saving", True)])
def test_kill_9_mid_apply_leaves_the_previous_data_whole(feed_server, data_dir, mode, marker, after_writes):
    services = open_services(data_dir)
    try:
        sync = make_service(services)
        feed_server.route("/groups.json", body=kindred_feed(5, version=1), etag='"v1"')
        sync.add_source(feed_server.url("/groups.json"), name="acme")
        assert sync.sync()[0].status == "updated"
        before = groups_of(services, "acme")
    finally:
        services.close()

    feed_server.route("/groups.json", body=kindred_feed(4000, version=2), etag='"v2"')
    run_child_and_kill(data_dir, mode, marker, after_writes)

    services = open_services(data_dir)  # what a restart after the crash sees
    try:
        with services.directory_db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            fts = connection.execute(text("SELECT count(*) FROM directory_group_fts WHERE directory_group_fts MATCH 'peer'")).scalar()
        assert groups_of(services, "acme") == before
        assert fts >= len(before)
        sync = make_service(services, FetchLimits(read_timeout=20, retries=0))
        status = sync.get_source("acme")
        assert status.etag == '"v1"' and status.group_count == 5
        outcome = sync.sync()[0]  # and the next sync completes the update
        assert outcome.status == "updated" and outcome.groups == 4000, outcome.message
        assert len(groups_of(services, "acme")) == 4000
    finally:
        services.close()
