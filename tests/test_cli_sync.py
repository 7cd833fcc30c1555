"""``kindred sources``, ``kindred sync`` and ``kindred feed build`` against a server on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cli import main as kindred
from tests.feed_server import closed_port
from tests.sync_support import kindred_feed, meeting_guide_feed

ROOT = Path(__file__).resolve().parent.parent
TESTDATA = ROOT / "tests" / "data"  # real public feeds, see tests/data/PROVENANCE.md


@pytest.fixture
def cli(data_dir, capsys):
    def run(*argv) -> tuple[int, str, str]:
        code = kindred(["--data-dir", str(data_dir), *argv])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_publish_subscribe_sync_with_the_cli(cli, feed_server, tmp_path):
    """The whole story: keygen, build, sign, serve; add with the key, sync, unchanged, tamper."""
    csv = ROOT / "docs" / "groups-template.csv"
    assert cli("feed", "keygen", "-o", str(tmp_path / "acme"))[0] == 0
    code, out, err = cli("feed", "build", str(csv), "--timezone", "America/Chicago", "-o", str(tmp_path / "groups.json"))
    assert code == 0, err
    assert "Wrote" in out and "from csv" in out
    assert cli("feed", "sign", str(tmp_path / "groups.json"), "--key", str(tmp_path / "acme.key"))[0] == 0
    body = (tmp_path / "groups.json").read_bytes()
    feed_server.route("/groups.json", body=body, etag='"1"')
    feed_server.route("/groups.json.sig", body=(tmp_path / "groups.json.sig").read_bytes())

    code, out, _ = cli("sources", "add", feed_server.url("/groups.json"), "--key-file", str(tmp_path / "acme.pub"),
                       "--name", "Acme", "--timezone", "America/Chicago")
    assert code == 0 and "Added source \u201cAcme\u201d (verified)" in out
    code, out, _ = cli("sync")
    assert code == 0
    groups = json.loads(body)["groups"]
    assert f"Acme: updated \u2014 Updated: {len(groups)} groups (was 0)." in out
    code, out, _ = cli("sync", "--source", "Acme")
    assert code == 0 and f"Acme: unchanged \u2014 Unchanged ({len(groups)} groups)." in out

    feed_server.route("/groups.json", body=body.replace(b"EXAMPLE", b"EVIL"), etag='"2"')
    code, out, _ = cli("sync")
    assert code == 1
    assert "Acme: failed \u2014 The update was refused: its signature does not match" in out

    code, out, _ = cli("sources", "list", "--json")
    [listed] = json.loads(out)
    assert listed["name"] == "Acme" and listed["verified"] and listed["group_count"] == len(groups)
    assert listed["last_error"].startswith("The update was refused")
    assert listed["timezone"] == "America/Chicago" and listed["format"] == "kindred"
    code, out, _ = cli("sources", "list")
    assert "[verified]" in out and "last check failed" in out and f"{len(groups)} groups" in out

    code, out, _ = cli("directory", "search", "--json", "--limit", "50")
    assert any(r["source"] == "Acme" for r in json.loads(out)["results"])


def test_sources_pause_resume_remove_and_errors(cli, feed_server):
    feed_server.route("/mg.json", body=meeting_guide_feed(4))
    code, out, _ = cli("sources", "add", feed_server.url("/mg.json"), "--timezone", "America/Chicago", "--sync")
    assert code == 0 and "(unverified)" in out and "127.0.0.1 mg: updated" in out
    assert cli("sources", "pause", "127.0.0.1 mg")[0] == 0
    code, out, _ = cli("sync")
    assert code == 0 and "paused" in out
    assert "[unverified, paused]" in cli("sources", "list")[1]
    assert cli("sources", "resume", "127.0.0.1 mg")[0] == 0
    code, out, _ = cli("sources", "remove", "127.0.0.1 mg")
    assert code == 0 and "Removed \u201c127.0.0.1 mg\u201d and its 4 groups" in out
    code, out, err = cli("sources", "remove", "127.0.0.1 mg")
    assert code == 1 and "no source called" in err
    code, _, err = cli("sources", "add", "http://feeds.example.org/g.json")
    assert code == 1 and "not a secure address" in err
    code, _, err = cli("sources", "add", "https://example.org/g.json", "--key-file", "/nonexistent.pub")
    assert code == 1 and "no public key file" in err
    code, out, _ = cli("sync")
    assert code == 0 and "No sources to sync" in out
    assert "No sources yet" in cli("sources", "list")[1]


def test_sync_exits_non_zero_when_a_source_failed(cli, feed_server):
    feed_server.route("/ok.json", body=kindred_feed(2))
    cli("sources", "add", feed_server.url("/ok.json"), "--name", "ok")
    cli("sources", "add", f"http://127.0.0.1:{closed_port()}/down.json", "--name", "down")
    code, out, _ = cli("sync", "--json")
    results = {r["source"]: r for r in json.loads(out)}
    assert code == 1
    assert results["ok"]["status"] == "updated" and results["ok"]["groups"] == 2
    assert results["down"]["status"] == "failed" and results["down"]["message"].startswith("Could not reach")
    code, _, err = cli("sync", "--source", "nope")
    assert code == 1 and "There is no source called \u201cnope\u201d" in err


def test_feed_build_from_meeting_guide_and_hsds(cli, tmp_path):
    for source in (TESTDATA / "meeting-guide" / "times.json", TESTDATA / "hsds3" / "service_list.json"):
        out_path = tmp_path / f"{source.stem}.feed.json"
        code, out, err = cli("feed", "build", str(source), "--timezone", "America/New_York", "-o", str(out_path))
        assert code == 0, err
        document = json.loads(out_path.read_text())
        assert document["format"] == "kindred-directory" and document["groups"]
        assert cli("directory", "validate", str(out_path))[0] == 0


def test_feed_build_refuses_bad_input_and_writes_nothing(cli, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json")
    code, _, err = cli("feed", "build", str(bad), "-o", str(tmp_path / "out.json"))
    assert code == 1 and "no feed was written" in err and "not valid JSON" in err
    assert not (tmp_path / "out.json").exists() and not (tmp_path / "out.json.part").exists()
    csv = tmp_path / "g.csv"
    shutil.copy(ROOT / "docs" / "groups-template.csv", csv)
    code, _, err = cli("feed", "build", str(csv), "-o", str(csv))
    assert code == 1 and "overwrite the input" in err
    code, _, err = cli("feed", "build", str(csv), "--timezone", "Mars/Base", "-o", str(tmp_path / "o.json"))
    assert code == 1
