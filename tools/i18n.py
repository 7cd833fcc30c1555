"""The UI's translations (gettext, through Babel's own commands).

    uv run python tools/i18n.py extract   # views/, services/ and pwa/ (the start-up screen) → locale/kindred.pot
    uv run python tools/i18n.py update    # merge the template into each locale/<lang>/LC_MESSAGES/kindred.po
    uv run python tools/i18n.py compile   # .po → .mo (committed, so a fresh clone runs as is)
    uv run python tools/i18n.py all       # the three in order

A translator edits the .po files (any PO editor works), then runs ``compile``.
tests/test_i18n.py fails when a .mo is older than its .po, or a string on screen has no
translation.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
POT = LOCALE / "kindred.pot"
LANGUAGES = ("es", "fr")
KEYWORDS = ["-k", "_", "-k", "N_", "-k", "ngettext:1,2", "-k", "pgettext:1c,2"]


def babel(*args: str) -> None:
    os.chdir(ROOT)  # paths in the catalogue relative to the repository
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract() -> None:
    babel("extract", "--no-default-keywords", *KEYWORDS, "--sort-by-file", "--no-wrap",
          "--project", "Kindred", "--copyright-holder", "Kindred contributors",
          "-o", str(POT), "views", "services", "pwa")


def update() -> None:
    for lang in LANGUAGES:
        po = LOCALE / lang / "LC_MESSAGES" / "kindred.po"
        if po.exists():
            babel("update", "--no-wrap", "--no-fuzzy-matching", "-i", str(POT), "-d", str(LOCALE), "-D", "kindred", "-l", lang)
        else:
            babel("init", "--no-wrap", "-i", str(POT), "-d", str(LOCALE), "-D", "kindred", "-l", lang)


def compile_all() -> None:
    babel("compile", "-d", str(LOCALE), "-D", "kindred")


if __name__ == "__main__":
    step = sys.argv[1] if len(sys.argv) > 1 else "all"
    if step in ("extract", "all"):
        extract()
    if step in ("update", "all"):
        update()
    if step in ("compile", "all"):
        compile_all()
