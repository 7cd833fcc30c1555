import json

import pytest

from services.crisis import (
    ALLOWED_ACTION_SCHEMES,
    CRISIS_LINES_FILE,
    _line,
    country_from_locale,
    country_from_locales,
    crisis_info,
    guess_country,
    search_countries,
    sms_link,
)


def targets(info) -> set[str]:
    return {action.target for line in info.lines for action in line.actions}


@pytest.mark.parametrize("country", ["US", "CA"])
def test_us_and_canada_call_or_text_988(country):
    info = crisis_info(country)
    assert {"tel:988", "sms:988"} <= targets(info)
    assert info.emergency_number == "911"


def test_canada_kids_help_phone_texting_is_for_young_people():
    info = crisis_info("CA")
    khp = next(line for line in info.lines if line.name == "Kids Help Phone")
    assert "sms:686868?body=CONNECT" in {a.target for a in khp.actions}
    assert "young people" in khp.audience.lower() and khp.hours == "24/7"


@pytest.mark.parametrize(("country", "emergency"), [("GB", "999"), ("IE", "112")])
def test_uk_and_ireland_samaritans(country, emergency):
    info = crisis_info(country)
    assert "tel:116123" in targets(info)
    assert info.lines[0].name == "Samaritans"
    assert info.emergency_number == emergency
    assert "999" in info.emergency.numbers and "112" in info.emergency.numbers


def test_australia_lifeline():
    info = crisis_info("au")
    assert {"tel:131114", "sms:0477131114"} <= targets(info)
    assert info.emergency_number == "000"


@pytest.mark.parametrize(("country", "emergency"), [("IS", "112"), ("FJ", "911"), ("TH", "1669")])
def test_a_country_without_bundled_lines_still_gets_its_emergency_number(country, emergency):
    info = crisis_info(country)
    assert info.country_known and info.country_name
    assert [line.name for line in info.lines] == ["Find A Helpline"]
    assert info.emergency.from_dataset
    assert emergency in info.emergency.numbers


@pytest.mark.parametrize("country", [None, "", "ZZ"])
def test_an_unknown_country_gets_112_and_911_and_is_asked_for(country):
    info = crisis_info(country)
    assert not info.country_known
    assert info.emergency.numbers == ("112", "911") and not info.emergency.from_dataset
    assert "choose your country" in info.emergency.note
    assert [line.name for line in info.lines] == ["Find A Helpline"]


def test_a_territory_the_dataset_does_not_cover_says_why_it_offers_112():
    info = crisis_info("AQ")  # Antarctica
    assert info.country_known and not info.emergency.from_dataset
    assert "GSM" in info.emergency.note and info.emergency_number == "112"


def test_every_bundled_link_uses_an_allowed_scheme():
    data = json.loads(CRISIS_LINES_FILE.read_text())
    for entry in data["countries"].values():
        for line in entry["lines"]:
            for action in _line(line).actions:
                assert action.target.startswith(ALLOWED_ACTION_SCHEMES)


@pytest.mark.parametrize("bad", [
    {"kind": "web", "label": "x", "url": "javascript:alert(1)"},
    {"kind": "call", "label": "x", "number": "call us"},
    {"kind": "fax", "label": "x", "number": "123"},
])
def test_a_bad_action_in_the_file_is_refused(bad):
    with pytest.raises((ValueError, KeyError)):
        _line({"name": "n", "description": "d", "actions": [bad]})


def test_sms_links():
    assert sms_link("741741", "HOME") == "sms:741741?body=HOME"
    assert sms_link("0477 13 11 14") == "sms:0477131114"
    assert sms_link("text us") is None


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "en_GB.UTF-8"}, "GB"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "fr_CA.UTF-8"}, "CA"),
        ({"LANG": "C.UTF-8"}, None),
        ({}, None),
        ({"LANG": "de_ZZ"}, None),
    ],
)
def test_country_guess_from_this_machines_locale(environ, expected):
    assert guess_country(environ) == expected


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["en-NZ", "en"], "NZ"),
        (["en", "fr-CA"], "CA"),  # the first locale that names a country
        (["zh-Hant-TW"], "TW"),
        (["es-419"], None),  # Latin America: a region, not a country
        (["en"], None),
        ([], None),
        ([None, "pt_BR"], "BR"),
        (["en-XX"], None),
    ],
)
def test_country_from_browser_locales(tags, expected):
    assert country_from_locales(tags) == expected


def test_country_from_one_locale():
    assert country_from_locale("de-AT") == "AT"
    assert country_from_locale("en_IE.UTF-8@euro") == "IE"
    assert country_from_locale("und") is None


@pytest.mark.parametrize(
    ("query", "first"),
    [("uk", "GB"), ("usa", "US"), ("zealand", "NZ"), ("nz", "NZ"), ("IRELAND", "IE"), ("reunion", "RE")],
)
def test_searching_the_country_list(query, first):
    assert search_countries(query)[0][0] == first


def test_searching_finds_nothing_for_nonsense_and_everything_for_nothing():
    assert search_countries("qqqq") == []
    assert len(search_countries("  ")) > 240
