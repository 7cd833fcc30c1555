"""The ``kindred`` command line: a thin layer over services/ (no flet, no UI).

Each command group lives in its own module with a ``register(subparsers)`` function;
add new groups to ``COMMAND_MODULES`` and name its top-level commands in ``COMMANDS``.

Only the module of the command being run is imported (and with it only the services it
uses): ``kindred --version`` imports no database, crypto or HTTP library at all.
``kindred --help``, no command or an unknown one import every module, so their help and
error messages list every command.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from cli.common import UserFacingError, terminal_safe_output
from services.errors import DamagedDataFile
from services.version import __version__

COMMAND_MODULES = ["info", "crisis_lines", "directory", "security", "saved", "backup", "devices", "journal", "pwa",
                   "sources", "feed", "publish"]
# Each top-level command → the module that registers it (tests/test_cli_startup.py checks this).
COMMANDS = {
    "info": "info", "crisis-lines": "crisis_lines", "directory": "directory", "setup": "security",
    "security": "security", "saved": "saved", "backup": "backup", "devices": "devices", "journal": "journal", "pwa": "pwa",
    "sources": "sources", "sync": "sources", "feed": "feed", "publish": "publish",
}


def _command_name(argv: list[str]) -> str | None:
    """The top-level command in ``argv`` (the first word that is not an option), if any."""
    words = iter(argv)
    for word in words:
        if word == "--":
            return next(words, None)
        if word == "--data-dir":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def build_parser(modules: list[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kindred",
        description="Kindred: find a support group, keep a private journal. Everything private stays on this device.",
    )
    parser.add_argument("--version", action="version", version=f"kindred {__version__}")
    parser.add_argument(
        "--data-dir",
        help="where Kindred keeps its data (default: $KINDRED_DATA_DIR, $FLET_APP_STORAGE_DATA, or your user data folder)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES if modules is None else modules:
        importlib.import_module(f"cli.{name}").register(subparsers)
    return parser


def _parser_for(argv: list[str]) -> argparse.ArgumentParser:
    if "-h" in argv or "--help" in argv:
        command = _command_name(argv)
        if command in COMMANDS:
            return build_parser([COMMANDS[command]])
        return build_parser()
    if "--version" in argv and _command_name(argv) is None:
        return build_parser([])
    command = _command_name(argv)
    return build_parser([COMMANDS[command]] if command in COMMANDS else None)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser_for(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        with terminal_safe_output():
            return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `kindred … | head`: the reader has gone. Python would print a traceback at exit
        # while flushing; point stdout at /dev/null instead (as the Python docs advise).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except (UserFacingError, DamagedDataFile) as error:
        print(f"kindred: {error}", file=sys.stderr)
        return getattr(error, "exit_code", 1)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
