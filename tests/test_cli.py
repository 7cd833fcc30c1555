import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli import main as kindred


@pytest.mark.slow
def test_console_script_help_and_version():
    script = Path(sys.executable).parent / "kindred"
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "--data-dir" in result.stdout and "--version" in result.stdout
    version = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert version.returncode == 0 and version.stdout.startswith("kindred ")


def test_info_json_reports_both_databases_at_the_newest_schema(data_dir, capsys):
    assert kindred(["--data-dir", str(data_dir), "info", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["data_dir"] == str(data_dir.resolve())
    for kind in ("directory", "private"):
        db = report["databases"][kind]
        assert Path(db["path"]).exists()
        assert db["schema"] == db["newest_schema"]


def test_data_dir_from_the_environment(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KINDRED_DATA_DIR", str(tmp_path / "from-env"))
    assert kindred(["info", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["data_dir"] == str((tmp_path / "from-env").resolve())


def test_crisis_lines_use_the_saved_country(services, data_dir, capsys):
    services.preferences.set_country("IE")
    assert kindred(["--data-dir", str(data_dir), "crisis-lines", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["country_code"] == "IE"
    assert info["lines"][0]["name"] == "Samaritans"


def test_crisis_lines_text_output(data_dir, capsys):
    assert kindred(["--data-dir", str(data_dir), "crisis-lines", "--country", "US"]) == 0
    out = capsys.readouterr().out
    assert "call 911" in out and "988" in out


def test_an_unknown_country_is_a_clear_error(data_dir, capsys):
    assert kindred(["--data-dir", str(data_dir), "crisis-lines", "--country", "XX"]) == 1
    assert "unknown country code 'XX'" in capsys.readouterr().err


def test_every_command_opens_its_services_one_way():
    """Issue 11: `opened_services()` is the only way a command opens and closes services."""
    cli_dir = Path(__file__).resolve().parent.parent / "cli"
    for module in sorted(cli_dir.glob("*.py")):
        if module.name == "common.py":
            continue
        text = module.read_text()
        for forbidden in ("open_services(", "services_from_args", "services.close()", "class _Session"):
            assert forbidden not in text, f"{module.name} opens services by hand ({forbidden})"


def test_help_and_errors_show_group_ids_as_they_are(data_dir, capsys, monkeypatch):
    with pytest.raises(SystemExit):
        kindred(["saved", "add", "--help"])
    out = capsys.readouterr().out
    assert "bundled/dbsa-support-groups" in out and "source:id" not in out
    from services.saved import SavedGroupError, _clean_group_id

    with pytest.raises(SavedGroupError, match="source/id"):
        _clean_group_id("  ")
