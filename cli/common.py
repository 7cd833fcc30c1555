"""Helpers shared by the CLI command modules."""

from __future__ import annotations

import json
import sys
from typing import Any

from services.app import KindredServices, open_services
from services.paths import resolve_data_dir


class UserFacingError(Exception):
    """An error whose message is meant for the person at the terminal (no traceback)."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


def services_from_args(args) -> KindredServices:
    return open_services(resolve_data_dir(getattr(args, "data_dir", None)))


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
