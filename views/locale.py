"""This session's own locale, read from its client (browser or device).

In web mode the Python process serves the page from another machine's point of view: its
LANG is the server's, not the person's. The client reports its locales (the browser's
navigator.languages, or the device's settings) through ``page.get_device_info()`` and
``page.on_locale_change``; the crisis help takes the country from them.
"""

from __future__ import annotations

import asyncio
import logging

import flet as ft

log = logging.getLogger(__name__)

LOCALE_TIMEOUT = 10  # seconds: a client that never answers leaves the country unknown (help asks)


def locale_tags(locales) -> list[str]:
    """Flet Locale objects as tags: Locale("en", "NZ") → "en-NZ", Locale("en") → "en"."""
    return [f"{loc.language_code}-{loc.country_code}" if loc.country_code else loc.language_code
            for loc in locales or []]


def watch_locale(page: ft.Page, state) -> None:
    """Keep ``state`` (an AppModel) told of this session's locales, now and when they change."""

    async def read() -> None:
        try:
            info = await asyncio.wait_for(page.get_device_info(), timeout=LOCALE_TIMEOUT)
        except Exception as problem:  # noqa: BLE001 - no answer or no device info: the country stays unknown
            log.info("the client's locale is not known (%s)", type(problem).__name__)
            return
        if info is not None:
            state.set_locales(locale_tags(info.locales))

    def changed(e: ft.LocaleChangeEvent) -> None:
        state.set_locales(locale_tags(e.locales))

    page.on_locale_change = changed
    page.run_task(read)
