"""Checking that text in other scripts renders as glyphs, not as empty boxes ("tofu").

Flutter draws text on a canvas, so the DOM cannot tell; pixels can. Each sample is typed into
a text field and photographed, then the same number of private-use characters (which no font
has, so they always draw as the missing-glyph box) is photographed in the same place: when
the fallback font is there the two pictures differ widely; when it is missing both are rows of
identical boxes.
"""

from __future__ import annotations

import io

SAMPLES = {
    "emoji": "😀🌻🙏💙",
    "Chinese": "你好世界",
    "Japanese": "ひらがなカタカナ",  # kana: Flutter takes them from Noto Sans JP, not SC
    "Korean": "안녕하세요",
    "Arabic": "مرحبا بكم",
    "Hebrew": "שלום לכם",
    "Devanagari": "कमल नगर",  # no vowel signs: typed key by key, combining marks can be reordered
    "Cyrillic": "Привет мир",
}
# Flutter's fallback families each sample needs (their folders under assets/fonts/).
FONT_FOLDERS = {"notocoloremoji", "notosanssc", "notosanskr", "notosansarabic", "notosanshebrew", "notosans"}


def tofu_for(text: str) -> str:
    """As many private-use characters as ``text`` has (spaces kept): always the missing-glyph box."""
    return "".join(" " if c == " " else chr(0xE000 + i % 64) for i, c in enumerate(text))


def _shot(page, field, same: int = 8, attempts: int = 80) -> bytes:
    """The field once ``same`` pictures in a row are identical: the text has come back from
    Python and any fallback font it needed has loaded and been drawn."""
    page.evaluate("document.activeElement && document.activeElement.blur && document.activeElement.blur()")
    previous, streak = field.screenshot(), 0
    for _ in range(attempts):
        current = field.screenshot()
        streak = streak + 1 if current == previous else 0
        if streak >= same:
            return current
        previous = current
    return previous


def differing_pixels(a: bytes, b: bytes) -> int:
    from PIL import Image, ImageChops

    first = Image.open(io.BytesIO(a)).convert("L")
    second = Image.open(io.BytesIO(b)).convert("L")
    if first.size != second.size:
        second = second.resize(first.size)
    return sum(1 for value in ImageChops.difference(first, second).get_flattened_data() if value > 60)


def glyph_check(page, type_into, label: str) -> tuple[dict[str, int], dict[str, bytes]]:
    """For each sample: how many pixels differ from the same count of missing-glyph boxes."""
    field = page.get_by_role("textbox", name=label)
    differences, shots = {}, {}
    for name, text in SAMPLES.items():
        type_into(page, label, text)
        shots[name] = _shot(page, field)
        type_into(page, label, tofu_for(text))
        differences[name] = differing_pixels(shots[name], _shot(page, field))
    return differences, shots
