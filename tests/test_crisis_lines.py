import json

import pytest

from services.crisis import ALLOWED_ACTION_SCHEMES, CRISIS_LINES_FILE, crisis_info, guess_country


def targets(info) -> set[str]:
    return {action.target for line in info.lines for action in line.actions}


@pytest.mark.parametrize("country", ["US", "CA"])
def test_us_and_canada_call_or_text_988_and_the_crisis_text_line(country):
    info = crisis_info(country)
    assert {"tel:988", "sms:988"} <= targets(info)
    assert any("Crisis Text Line" in line.name for line in info.lines)
    assert info.emergency_number == "911"


@pytest.mark.parametrize("country", ["GB", "IE"])
def test_uk_and_ireland_samaritans(country):
    info = crisis_info(country)
    assert "tel:116123" in targets(info)
    assert info.lines[0].name == "Samaritans"


def test_australia_lifeline():
    info = crisis_info("au")
    assert "tel:131114" in targets(info)
    assert info.emergency_number == "000"


@pytest.mark.parametrize("country", ["DE", "JP", None])
def test_every_other_country_gets_findahelpline(country):
    info = crisis_info(country)
    assert [line.name for line in info.lines] == ["Find A Helpline"]
    assert "https://findahelpline.com/" in targets(info)
    assert info.emergency_number is None


def test_findahelpline_is_offered_everywhere_too():
    assert "https://findahelpline.com/" in targets(crisis_info("US"))


def test_every_bundled_link_uses_an_allowed_scheme():
    data = json.loads(CRISIS_LINES_FILE.read_text())
    for entry in [*data["countries"].values()]:
        for line in entry["lines"]:
            for action in line["actions"]:
                assert action["target"].startswith(ALLOWED_ACTION_SCHEMES)


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
def test_country_guess_from_locale(environ, expected):
    assert guess_country(environ) == expected
