"""The PWA build's own logic, without building or a browser: the start-up screen's crisis
data read tolerantly from either shape of the bundled file, the compact city list, and
archives that are byte-identical when nothing changed."""

from __future__ import annotations

import io
import json
import re
import tarfile
import zipfile

from pwa.build import (
    ARCHIVE_MTIME,
    PDF_PACK,
    _tar_bytes,
    add_pdf_pack,
    compact_city_list,
    crisis_splash_data,
    repack_app_archive,
    PWA_DIR,
    splash_html,
)
from pwa.splash_words import WORDS, splash_words_by_language


def _write(folder, name, data) -> None:
    (folder / name).write_text(json.dumps(data), encoding="utf-8")


def test_crisis_data_from_the_current_file_shape(tmp_path):
    _write(tmp_path, "crisis_lines.json", {
        "note": "Call the emergency number.", "last_checked": "2026-11-25",
        "countries": {"GB": {"emergency": "999", "lines": [{"name": "Samaritans", "description": "Any time.",
                      "actions": [{"kind": "call", "label": "Call 116 123", "target": "tel:116123"},
                                  {"kind": "web", "label": "evil", "target": "javascript:alert(1)"}]}]}},
        "everywhere": {"name": "Find A Helpline", "description": "", "actions": [
            {"kind": "web", "label": "Open", "target": "https://findahelpline.com/"}]},
    })
    data = crisis_splash_data(tmp_path)
    assert data["emergency"]["GB"] == ["999"]
    assert data["lines"]["GB"][0]["actions"] == [{"label": "Call 116 123", "href": "tel:116123"}]  # no javascript:
    assert data["everywhere"]["actions"][0]["href"] == "https://findahelpline.com/"
    assert data["names"]["GB"] == "United Kingdom" and len(data["names"]) > 200
    assert data["fallback_emergency"] == ["112", "911"]


def test_crisis_data_from_the_extended_shape_with_emergency_numbers_for_every_country(tmp_path):
    # The shape branch s16-crisis is moving to: actions with a number or url, hours, and a
    # separate file of emergency numbers for every country.
    _write(tmp_path, "crisis_lines.json", {
        "version": 2, "note": "n", "last_checked": "2026-12-02",
        "countries": {"AR": {"emergency": "911", "lines": [{"name": "Línea 135", "description": "d", "hours": "8–24",
                      "actions": [{"kind": "call", "number": "(011) 5275-1135", "label": "Call (011) 5275-1135"},
                                  {"kind": "text", "number": "741741", "label": "Text"},
                                  {"kind": "web", "url": "http://plain.example/", "label": "not https"}]}]}},
        "everywhere": {"name": "Find A Helpline", "hours": None, "actions": [{"kind": "web", "url": "https://findahelpline.com/", "label": "Open"}]},
    })
    _write(tmp_path, "emergency_numbers.json", {"fallback": {"numbers": ["112", "911"]},
                                                "countries": {"AR": ["911", "100", "101"], "IS": ["112"], "XX1": ["1"]}})
    data = crisis_splash_data(tmp_path)
    assert data["lines"]["AR"][0]["actions"] == [
        {"label": "Call (011) 5275-1135", "href": "tel:01152751135"}, {"label": "Text", "href": "sms:741741"}]
    assert data["lines"]["AR"][0]["hours"] == "8–24"
    assert data["emergency"]["AR"] == ["911", "100", "101"] and data["emergency"]["IS"] == ["112"]
    assert "XX1" not in data["emergency"]


def test_the_start_screen_data_cannot_end_its_script_tag(tmp_path):
    _write(tmp_path, "crisis_lines.json", {"note": "</script><script>alert(1)</script>", "countries": {}, "everywhere": {}})
    html = splash_html(tmp_path)
    payload = html.split('id="kindred-crisis-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in payload and json.loads(payload)["note"].startswith("</script>")


def test_every_word_of_the_start_screen_is_in_every_language():
    """The page's words come from the app's catalogues: each translated, with its {names}, and
    every word the page's script and markup use is one of them (none left hard-coded)."""
    words = splash_words_by_language()
    assert set(words) == {"en", "es", "fr"} and words["en"] == WORDS
    for lang in ("es", "fr"):
        for key, english in WORDS.items():
            said = words[lang][key]
            assert said and said != english, (lang, key)
            assert sorted(re.findall(r"\{\w+\}", said)) == sorted(re.findall(r"\{\w+\}", english)), (lang, key)
    page = (PWA_DIR / "splash.html").read_text(encoding="utf-8")
    used = {*re.findall(r'data-k(?:-label)?="(\w+)"', page), *re.findall(r'\bt\("(\w+)"', page),
            *re.findall(r'\[\d, "(\w+)"\]', page)}
    assert used == set(WORDS)
    # What the script writes on screen is a word looked up, never an English literal.
    assert re.findall(r'textContent = "[A-Za-z]', page) == []


def test_the_start_screen_carries_the_crisis_lines_own_translations(tmp_path):
    _write(tmp_path, "crisis_lines.json", {
        "note": "Free lines.", "countries": {"GB": {"emergency": "999", "lines": [{
            "name": "Samaritans", "description": "Any time.", "hours": "24/7",
            "actions": [{"kind": "call", "label": "Call 116 123", "number": "116 123"}]}]}},
        "everywhere": {"name": "Find A Helpline", "description": "Lines worldwide.", "actions": []},
    })
    (tmp_path / "i18n").mkdir()
    _write(tmp_path / "i18n", "crisis_lines.json", {
        "about": "translations keyed by the English text",
        "es": {"Any time.": "Siempre.", "Call 116 123": "Llamar al 116 123", "Free lines.": "Líneas gratuitas.",
               "Not on this screen.": "No."},
        "fr": {"Lines worldwide.": "Des lignes partout."},
    })
    data = crisis_splash_data(tmp_path)
    assert data["line_words"] == {
        "es": {"Any time.": "Siempre.", "Call 116 123": "Llamar al 116 123", "Free lines.": "Líneas gratuitas."},
        "fr": {"Lines worldwide.": "Des lignes partout."}}
    payload = json.loads(splash_html(tmp_path).split('id="kindred-crisis-data">', 1)[1].split("</script>", 1)[0])
    assert payload["words"]["es"]["help_title"] == "¿Necesitas ayuda ahora?"
    assert payload["line_words"]["es"]["Any time."] == "Siempre."


def test_compact_city_list_keeps_what_places_reads():
    cities = {
        "1": {"geonameid": 1, "name": "Big", "latitude": 1.5, "longitude": 2.5, "countrycode": "GB", "population": 300_000,
              "timezone": "Europe/London", "admin1code": "ENG", "alternatenames": ["Grande"], "dem": 7},
        "2": {"geonameid": 2, "name": "Small", "latitude": 3.0, "longitude": 4.0, "countrycode": "GB", "population": 20_000,
              "timezone": "Europe/London", "admin1code": "ENG", "alternatenames": ["Petite"]},
    }
    compact = json.loads(compact_city_list(json.dumps(cities).encode()))
    assert compact["1"]["alternatenames"] == ["Grande"] and "dem" not in compact["1"]
    assert "alternatenames" not in compact["2"]
    for field in ("name", "latitude", "longitude", "countrycode", "population", "timezone", "admin1code"):
        assert compact["2"][field] == cities["2"][field]


def test_app_archive_is_reproducible(tmp_path):
    def flet_like_archive(path, when):
        with tarfile.open(path, "w:gz") as tar:
            for name, data in (("main.py", b"print(1)\n"), ("requirements.txt", b"flet\n"), ("assets/a.json", b"{}")):
                info = tarfile.TarInfo(name)
                info.size, info.mtime = len(data), when
                tar.addfile(info, io.BytesIO(data))

    first, second = tmp_path / "a.tar.gz", tmp_path / "b.tar.gz"
    flet_like_archive(first, 1_700_000_000)
    flet_like_archive(second, 1_800_000_000)
    repack_app_archive(first, precompile=False)
    repack_app_archive(second, precompile=False)
    assert first.read_bytes() == second.read_bytes()
    with tarfile.open(first) as tar:
        assert tar.getnames() == ["assets/a.json", "main.py"]  # sorted; requirements.txt gone
        assert {m.mtime for m in tar.getmembers()} == {ARCHIVE_MTIME}
    assert _tar_bytes({"x": b"1"}) == _tar_bytes({"x": b"1"})


def test_the_pdf_pack_holds_the_pdf_maker_and_its_fonts_only_and_is_reproducible(tmp_path):
    wheel = tmp_path / "fonttools-9.9-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name in ("fontTools/__init__.py", "fontTools/ttLib/ttFont.py", "fontTools/subset/__init__.py",
                     "fontTools/ufoLib/__init__.py", "fontTools/feaLib/parser.py", "fontTools/feaLib/ast.py",
                     "fontTools/ttLib/woff2.py", "fontTools/misc/testTools.py", "fontTools/cu2qu/cu2qu.c",
                     "fonttools-9.9.dist-info/RECORD", "fonttools-9.9.dist-info/licenses/LICENSE"):
            archive.writestr(name, "x = 1\n")
    first = add_pdf_pack(tmp_path / "a", [wheel], precompile=False)
    second = add_pdf_pack(tmp_path / "b", [wheel], precompile=False)
    assert first == tmp_path / "a" / PDF_PACK and first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as pack:
        names = pack.namelist()
    assert names == sorted(names)
    assert names == ["fontTools/__init__.py", "fontTools/feaLib/ast.py", "fontTools/subset/__init__.py",
                     "fontTools/ttLib/ttFont.py", "fonts/DejaVu-LICENSE.txt", "fonts/DejaVuSans-Bold.ttf",
                     "fonts/DejaVuSans.ttf", "fonttools-9.9.dist-info/licenses/LICENSE"]
