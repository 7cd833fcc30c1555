"""The UI's side of services/i18n.py: ``_()`` answers in the language of the session being served.

Flet sets ``ft.context.page`` for every render, event handler and ``page.run_task`` task of a
session (and ``asyncio.to_thread`` copies it into worker threads), so the translator is found
from there: the page's AppModel (``page.data``) knows the session's language. No global
language: two browser tabs in two languages are served by one process side by side.
"""

from __future__ import annotations

import flet as ft

from services import i18n
from services.i18n import N_, format_date, localized, format_datetime, format_list, format_number, format_time, ngettext, pgettext  # noqa: F401 - re-exported

_ = i18n.gettext


def _session_language() -> str | None:
    try:
        page = ft.context.page
    except RuntimeError:
        return None
    state = getattr(page, "data", None)
    return getattr(state, "locale_tag", None)


i18n.set_resolver(_session_language)
