"""The bundled crisis data: every entry sourced and dated, every country with an emergency
number, every phone number well-formed and its link built right, and the lines the issue
named present. Run from a fresh clone: these read only files in the repository."""

import json
import re
from datetime import date

import phonenumbers
import pytest
from phonenumbers import shortnumberinfo

from services.crisis import (
    CRISIS_LINES_FILE,
    EMERGENCY_NUMBERS_FILE,
    all_countries,
    countries_with_own_lines,
    crisis_info,
)
from services.directory.service import WHERE_TO_LOOK_FILE, where_else_to_look
from tools.build_emergency_numbers import build

LINES = json.loads(CRISIS_LINES_FILE.read_text(encoding="utf-8"))
NUMBERS = json.loads(EMERGENCY_NUMBERS_FILE.read_text(encoding="utf-8"))
PLACES = json.loads(WHERE_TO_LOOK_FILE.read_text(encoding="utf-8"))
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# National short numbers newer than libphonenumber's short-number data (checked against the
# line's own sources instead, below).
NOT_YET_IN_LIBPHONENUMBER = {("AR", "135"), ("BR", "188"), ("GR", "1018"), ("IN", "14416"), ("KR", "109"),
                             ("NL", "113"), ("PH", "1553"), ("PT", "1411")}


def all_lines():
    for code, entry in LINES["countries"].items():
        for line in entry["lines"]:
            yield code, line
    yield None, LINES["everywhere"]


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def assert_sourced(sources, where):
    assert sources, f"{where}: no source"
    for source in sources:
        assert source["url"].startswith(("https://", "http://")), where
        assert ISO_DATE.match(source["checked"]), where
        assert date.fromisoformat(source["checked"]) <= date.today(), where
        assert source["checked"] in source["how"], f"{where}: the note must say when it was checked"


def test_crisis_lines_for_at_least_30_countries():
    assert len(countries_with_own_lines()) >= 30
    assert all(entry["lines"] for entry in LINES["countries"].values())


@pytest.mark.parametrize(("code", "line"), list(all_lines()), ids=lambda v: v if isinstance(v, str) else None)
def test_every_line_has_a_source_a_date_and_says_who_it_is_for(code, line):
    where = f"{code}: {line['name']}"
    assert_sourced(line["sources"], where)
    assert line["description"].strip() and line["for"].strip(), where
    assert line["actions"], where
    assert ISO_DATE.match(LINES["last_checked"])


@pytest.mark.parametrize(("code", "line"), [(c, line) for c, line in all_lines() if c], ids=lambda v: v if isinstance(v, str) else None)
def test_every_number_is_well_formed_and_matches_its_sources(code, line):
    info = crisis_info(code)
    built = {a.label: a for parsed in info.own_lines if parsed.name == line["name"] for a in parsed.actions}
    evidence = digits(" ".join(s.get("confirms", "") for s in line["sources"]))
    for action in line["actions"]:
        if action["kind"] not in ("call", "text"):
            assert action["url"].startswith("https://"), action
            continue
        number = action["number"]
        parsed = phonenumbers.parse(number, code)
        valid = phonenumbers.is_valid_number_for_region(parsed, code) or \
            shortnumberinfo.is_valid_short_number_for_region(parsed, code) or (code, digits(number)) in NOT_YET_IN_LIBPHONENUMBER
        assert valid, f"{code} {number} is not a valid number there"
        # The number as written is the one the recorded evidence states (digits compared).
        wanted = digits(number)
        variants = {wanted}
        if number.startswith("1-"):
            variants.add(wanted[1:])  # "1-866-488-7386" is written "866-488-7386" too
        if wanted.startswith("0") and len(wanted) >= 8:
            variants.add(wanted[1:])  # the trunk 0 is dropped after a country code: "+358 9 …"
        assert any(v in evidence for v in variants), f"{code} {number} not in the sources' words"
        link = built[action["label"]].target
        scheme = "tel:" if action["kind"] == "call" else "sms:"
        assert link.startswith(scheme) and digits(link.split("?")[0]) == digits(number), link
        if action.get("body"):
            assert link.endswith(f"?body={action['body']}"), link


def test_links_are_built_for_dialling():
    us = {a.label: a.target for line in crisis_info("US").lines for a in line.actions}
    assert us["Call 988"] == "tel:988"
    assert us["Text HOME to 741741"] == "sms:741741?body=HOME"
    assert us["Call 1-800-950-NAMI (6264)"] == "tel:18009506264"
    assert us['Text "helpline" to 62640'] == "sms:62640?body=helpline"
    fi = {a.label: a.target for line in crisis_info("FI").lines for a in line.actions}
    assert fi["Call 09 2525 0111"] == "tel:0925250111"


def test_every_country_has_an_emergency_number():
    without = set(NUMBERS["without_data"])
    for code, name in all_countries():
        info = crisis_info(code)
        assert re.fullmatch(r"\d{2,6}", info.emergency_number), (code, info.emergency_number)
        assert (code in NUMBERS["countries"]) != (code in without), code
        assert info.emergency.from_dataset == (code in NUMBERS["countries"]), code
        if code in without:
            assert info.emergency.note, f"{name} shows the fallback without saying why"


def test_the_emergency_numbers_are_the_installed_dataset_and_licensed():
    """The bundled file is exactly what tools/build_emergency_numbers.py makes from the
    installed libphonenumber data: an upgrade that changes a number fails here."""
    rebuilt = build()
    assert rebuilt["countries"] == NUMBERS["countries"]
    assert rebuilt["without_data"] == NUMBERS["without_data"]
    source = NUMBERS["source"]
    assert "Apache-2.0" in source["licence"] and source["url"].startswith("https://")
    assert ISO_DATE.match(source["generated"])


def test_a_country_names_its_own_first_number_only_from_the_dataset():
    for code, entry in LINES["countries"].items():
        if "emergency" in entry:
            assert entry["emergency"] in NUMBERS["countries"][code], code
            assert crisis_info(code).emergency_number == entry["emergency"]


def test_findahelpline_is_never_the_only_thing_shown():
    for code, _name in all_countries():
        info = crisis_info(code)
        assert info.emergency_number
        assert info.lines[-1].name == "Find A Helpline"
    assert crisis_info(None).emergency_number  # even before the country is known


BANNED_WORDS = re.compile(r"commit(ted|s|ting)? suicide|successful suicide|failed (suicide|attempt)|suicide epidemic", re.I)


def test_wording_follows_safe_messaging():
    texts = [LINES["note"], LINES["how_checked"]]
    for _code, line in all_lines():
        texts += [line["name"], line["description"], line["for"], line.get("hours") or ""]
        texts += [a["label"] for a in line["actions"]]
    texts += [p["description"] for p in PLACES["places"]]
    for text in texts:
        assert not BANNED_WORDS.search(text), text


def action_targets(code):
    return {a.target for line in crisis_info(code).own_lines for a in line.actions}


def line_named(code, name):
    return next(line for line in crisis_info(code).own_lines if line.name.startswith(name))


def test_the_lines_the_issue_named_are_there():
    assert "tel:1737" in action_targets("NZ") and "sms:1737" in action_targets("NZ")
    assert {"tel:1800247247", "sms:51444?body=HELP"} <= action_targets("IE")
    assert line_named("GB", "Childline").actions[0].target == "tel:08001111"
    nhs = line_named("GB", "NHS 111")
    assert nhs.actions[0].target == "tel:111" and "mental health option" in nhs.actions[0].label
    veterans = line_named("US", "Veterans Crisis Line")
    assert veterans.actions[0].target == "tel:988" and "press 1" in veterans.actions[0].label
    assert "sms:838255" in {a.target for a in veterans.actions}
    assert line_named("US", "The Trevor Project").actions[0].target == "tel:18664887386"
    assert "tel:18009444773" in {a.target for a in line_named("US", "Postpartum Support International").actions}
    maternal = line_named("US", "National Maternal Mental Health Hotline")
    assert {"tel:18338526262", "sms:18338526262"} <= {a.target for a in maternal.actions}
    nami = line_named("US", "NAMI HelpLine")
    assert "10 a.m. to 10 p.m." in nami.hours and "sms:62640?body=helpline" in {a.target for a in nami.actions}


def test_who_a_line_is_for_is_said():
    assert "young people" in line_named("CA", "Kids Help Phone").audience.lower()
    assert "under 19" in line_named("GB", "Childline").audience
    assert "12 to 24" in line_named("NZ", "Youthline").audience
    assert "LGBTQ" in line_named("US", "The Trevor Project").audience


@pytest.mark.parametrize("code", ["CA", "IE", "AU", "NZ", "US", "GB", "ZA"])
def test_where_else_to_look_has_places_of_the_country_itself(code):
    own = [place for place in where_else_to_look(code) if code in place.countries]
    assert own, f"no place of its own for {code}"


def test_every_country_with_lines_has_somewhere_else_to_look():
    for code in countries_with_own_lines():
        assert where_else_to_look(code), code


def test_new_where_else_entries_are_sourced():
    sourced = [place for place in PLACES["places"] if "sources" in place]
    assert len(sourced) >= 12
    for place in sourced:
        assert_sourced(place["sources"], place["name"])
        assert place["countries"], place["name"]
