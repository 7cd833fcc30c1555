"""The ``kindred`` command line: a thin layer over services/ (no flet, no UI).

Each command group lives in its own module with a ``register(subparsers)`` function;
add new groups to ``COMMAND_MODULES``.
"""

from __future__ import annotations

import argparse
import os
import sys

from cli import backup, crisis_lines, devices, directory, feed, info, journal, publish, pwa, saved, security, sources
from cli.common import UserFacingError, terminal_safe_output
from services.app import DamagedDataFile
from services.version import __version__

COMMAND_MODULES = [info, crisis_lines, directory, security, saved, backup, devices, journal, pwa, sources, feed, publish]


def build_parser() -> argparse.ArgumentParser:
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
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
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
