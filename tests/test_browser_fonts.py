"""Emoji, Chinese, Japanese, Korean, Arabic, Hebrew, Devanagari and Cyrillic render as glyphs in the local web
app with no network: Flutter's fallback fonts are bundled (assets/assets/fonts, made by
tools/build_fallback_fonts.py) where it looks for them. The PWA has the same check in
tests/test_pwa.py."""

from __future__ import annotations

import pytest

from tests.app_process import running_app
from tests.browser_support import PHONE, open_app, type_into
from tests.fonts_support import FONT_FOLDERS, glyph_check

pytestmark = pytest.mark.browser

MIN_DIFFERENT_PIXELS = 150  # a 4-character sample against 4 boxes differs by several hundred


def test_text_in_other_scripts_renders_as_glyphs_not_boxes(browser, data_dir, tmp_path):
    with running_app(data_dir) as app:
        page = open_app(browser, app.url, PHONE)
        fonts = {}
        page.on("response", lambda r: fonts.__setitem__(r.url, r.status) if "/assets/fonts/" in r.url else None)
        page.get_by_role("button", name="Get started").click()
        differences, shots = glyph_check(page, type_into, "Search groups")
        for name, shot in shots.items():
            (tmp_path / f"{name}.png").write_bytes(shot)
        assert all(v >= MIN_DIFFERENT_PIXELS for v in differences.values()), differences
        asked = {url.split("/assets/fonts/")[1].split("/")[0] for url in fonts}
        assert FONT_FOLDERS <= asked, FONT_FOLDERS - asked
        assert all(status == 200 for status in fonts.values()), fonts
        page.close()
