"""``kindred crisis-lines``: the emergency number and bundled crisis lines for a country (works offline)."""

from __future__ import annotations

from dataclasses import asdict

from cli.common import UserFacingError, opened_services, print_json
from services.crisis import country_name, crisis_info, guess_country, search_countries


def register(subparsers) -> None:
    parser = subparsers.add_parser("crisis-lines", help="show the emergency number and crisis lines (works offline)")
    parser.add_argument("--country", help="two-letter country code, e.g. US, GB, NZ (default: your setting, "
                                          "else this computer's locale)")
    parser.add_argument("--find", metavar="NAME", help="list countries whose name matches, with their codes")
    parser.add_argument("--sources", action="store_true", help="also show the pages each line was checked against")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def run(args) -> int:
    if args.find is not None:
        matches = search_countries(args.find)
        if not matches:
            raise UserFacingError(f"no country matches {args.find!r}")
        for code, name in matches:
            print(f"{code}  {name}")
        return 0
    country = args.country
    if country and not country_name(country):
        raise UserFacingError(f"unknown country code {country!r}; use a two-letter code such as US, GB or NZ "
                              f"(find one with --find NAME)")
    if not country:
        # The command line runs on the person's own computer, so its locale is theirs.
        with opened_services(args) as services:
            country = services.preferences.load().country or guess_country()
    info = crisis_info(country)
    if args.json:
        print_json(asdict(info) | {"country_known": info.country_known})
        return 0
    emergency = info.emergency
    also = f" (also {', '.join(emergency.others[:3])})" if emergency.others else ""
    if info.country_known:
        print(f"In danger right now? Call {emergency.primary}{also}, the emergency number in {info.country_name}.")
    else:
        print(f"In danger right now? Call {emergency.primary}{also} from a mobile phone.")
    if emergency.note:
        print(f"  {emergency.note}")
    if not info.country_known:
        print("Your country is not known: choose it with --country (find its code with --find NAME).")
    elif not info.own_lines:
        print(f"Kindred has no checked crisis lines for {info.country_name} yet.")
    else:
        print(f"Crisis lines for {info.country_name}:")
    for line in info.lines:
        print(f"\n  {line.name}\n  {line.description}")
        print(f"    For: {line.audience}")
        if any(action.kind in ("call", "text") for action in line.actions):
            print(f"    Hours: {line.hours or 'not stated on the pages checked; see the website'}")
        if line.languages:
            print(f"    Languages: {line.languages}")
        for action in line.actions:
            print(f"    - {action.label}: {action.target}")
        if args.sources:
            for source in line.sources:
                print(f"    Source: {source.url} ({source.how})")
    print(f"\nLines last checked {info.last_checked}. Kindred does not see or record any call or message.")
    return 0
