"""Build assets/emergency_numbers.json, the emergency number of every country, from the
emergency short numbers in Google's libphonenumber (``uv run python -m tools.build_emergency_numbers``).

libphonenumber (Apache-2.0) keeps, for ~240 regions, a pattern of the short numbers that
reach emergency services (its ShortNumberMetadata.xml, which cites Wikipedia's "Emergency
telephone number" article). The ``phonenumberslite`` package ships that metadata; this
script lists every number the pattern matches, so the app needs neither the package nor
the network at run time. tests/test_crisis_data.py rebuilds it and fails when the file and
the installed package disagree.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "assets" / "emergency_numbers.json"
MAX_DIGITS = 6  # emergency numbers are short; longer patterns would be slow to list
# Numbers that reach emergency services in many countries: shown first when the file has
# no better choice (a bundled crisis-lines entry names the country's own first number).
WIDELY_KNOWN = ("112", "911", "999", "000", "111")
# GSM/3GPP handsets treat 112 and 911 as emergency numbers everywhere (3GPP TS 22.101);
# offered, with that explanation, where the dataset has no number for a territory.
FALLBACK = {
    "numbers": ["112", "911"],
    "basis": "No emergency number is recorded for this place in the bundled dataset. Mobile phones "
             "treat 112 and 911 as emergency numbers everywhere (a GSM standard, 3GPP TS 22.101); "
             "where there is a network, they are routed to the local emergency service.",
}


def emergency_numbers(region: str) -> list[str]:
    """Every short number libphonenumber lists as an emergency number for ``region``."""
    from phonenumbers import PhoneMetadata

    metadata = PhoneMetadata.short_metadata_for_region(region)
    desc = metadata.emergency if metadata is not None else None
    if desc is None or not desc.national_number_pattern:
        return []
    pattern = re.compile(desc.national_number_pattern)
    lengths = sorted(set(desc.possible_length or metadata.general_desc.possible_length or ()))
    found = []
    for length in lengths:
        if length > MAX_DIGITS:
            continue
        found.extend(s for s in (str(i).zfill(length) for i in range(10 ** length)) if pattern.fullmatch(s))
    return order(found)


def order(numbers: list[str]) -> list[str]:
    """The widely known numbers first (in WIDELY_KNOWN's order), then short before long."""
    known = [n for n in WIDELY_KNOWN if n in numbers]
    rest = sorted((n for n in numbers if n not in known), key=lambda n: (len(n), n))
    return known + rest


def country_codes() -> list[str]:
    """The countries the app offers (services.crisis.all_countries), so every one is covered."""
    from services.crisis import all_countries

    return [code for code, _name in all_countries()]


def build() -> dict:
    import phonenumbers

    countries, without = {}, []
    for code in country_codes():
        numbers = emergency_numbers(code)
        if numbers:
            countries[code] = numbers
        else:
            without.append(code)
    return {
        "source": {
            "name": "libphonenumber short-number metadata (emergency numbers)",
            "url": "https://github.com/google/libphonenumber/blob/master/resources/ShortNumberMetadata.xml",
            "licence": "Apache-2.0 (Copyright The Libphonenumber Authors)",
            "via": f"phonenumberslite {phonenumbers.__version__} (PyPI)",
            "upstream_note": "libphonenumber names Wikipedia's 'Emergency telephone number' article as its source for emergency numbers",
            "generated": date.today().isoformat(),
            "generator": "tools/build_emergency_numbers.py",
        },
        "order": "Widely known numbers (112, 911, 999, 000, 111) first, then shorter before longer. "
                 "A country in assets/crisis_lines.json names its own first number there.",
        "fallback": FALLBACK,
        "without_data": sorted(without),
        "countries": countries,
    }


def dumps(data: dict) -> str:
    """JSON with one line per country, so a diff shows which countries changed."""
    head = {k: v for k, v in data.items() if k != "countries"}
    text = json.dumps(head, ensure_ascii=False, indent=1)[:-2]
    rows = ",\n".join(f"  {json.dumps(code)}: {json.dumps(numbers)}" for code, numbers in data["countries"].items())
    return text + ',\n "countries": {\n' + rows + "\n }\n}\n"


def main() -> None:
    data = build()
    OUT.write_text(dumps(data), encoding="utf-8")
    print(f"wrote {OUT} ({len(data['countries'])} countries, {len(data['without_data'])} without data: "
          f"{', '.join(data['without_data'])})")


if __name__ == "__main__":
    main()
