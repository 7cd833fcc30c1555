"""``kindred crisis-lines``: the bundled crisis lines, for a country."""

from __future__ import annotations

from dataclasses import asdict

from cli.common import UserFacingError, opened_services, print_json
from services.crisis import country_name, crisis_info, guess_country


def register(subparsers) -> None:
    parser = subparsers.add_parser("crisis-lines", help="show crisis lines (works offline)")
    parser.add_argument("--country", help="two-letter country code, e.g. US, GB, AU (default: your setting)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def run(args) -> int:
    country = args.country
    if country and not country_name(country):
        raise UserFacingError(f"unknown country code {country!r}; use a two-letter code such as US, GB or AU")
    if not country:
        with opened_services(args) as services:
            country = services.preferences.load().country or guess_country()
    info = crisis_info(country)
    if args.json:
        print_json(asdict(info))
        return 0
    where = info.country_name or "your country"
    print(f"If you are in danger right now, call {info.emergency_number or 'your local emergency number'}.")
    print(f"Crisis lines for {where}:")
    for line in info.lines:
        print(f"\n  {line.name}\n  {line.description}")
        for action in line.actions:
            print(f"    - {action.label}: {action.target}")
    return 0
