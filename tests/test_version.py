"""The version the CLI, backups and the app report: pyproject.toml's, read without importlib.metadata."""

import subprocess
import sys
import tomllib
from importlib.metadata import version

from services import version as version_module

ROOT = version_module.PYPROJECT.parent


def test_the_version_is_the_projects_and_the_installed_packages():
    expected = tomllib.loads(version_module.PYPROJECT.read_text())["project"]["version"]
    assert version_module.__version__ == expected == version("kindred")


def test_kindred_version_does_not_import_importlib_metadata():
    code = ("import sys\nfrom cli import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
            "print('importlib.metadata' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["kindred", version_module.__version__, "False"]


def test_without_pyproject_the_installed_metadata_answers(monkeypatch, tmp_path):
    monkeypatch.setattr(version_module, "PYPROJECT", tmp_path / "missing.toml")
    assert version_module._from_pyproject() is None
    assert version_module._from_metadata() == version("kindred")
