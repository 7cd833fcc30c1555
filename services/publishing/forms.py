"""Reading what a person types for "when does it meet" into schedule rules, shared by the CLI
(``kindred publish``) and the editor screen, so both accept the same words:

    weekly:  "tue 19:00-20:30", "Tuesday 7pm", "thu 18:00"
    monthly: "2nd tue 19:00-20:30", "last fri 18:00", "first monday 10:00"
"""

from __future__ import annotations

import re
from datetime import date

from services.directory.model import WEEKDAY_NAMES, ScheduleRule
from services.directory.schedule import parse_clock, parse_weekday
from services.publishing.organisation import DraftError
from services.i18n import _

ORDINALS = {"1": 1, "first": 1, "1st": 1, "2": 2, "second": 2, "2nd": 2, "3": 3, "third": 3, "3rd": 3,
            "4": 4, "fourth": 4, "4th": 4, "5": 5, "fifth": 5, "5th": 5, "last": -1, "-1": -1}
_TIMES = re.compile(r"\s*([^\s-]+(?:\s?[ap]m)?)\s*(?:-\s*([^\s-]+(?:\s?[ap]m)?))?\s*", re.IGNORECASE)


def parse_times(text: str, field: str = "when"):
    match = _TIMES.fullmatch(text or "")
    start = parse_clock(match.group(1)) if match else None
    end = parse_clock(match.group(2)) if match and match.group(2) else None
    if start is None or (match and match.group(2) and end is None):
        raise DraftError([_("{field}: {detail} — give times as 19:00 or 19:00-20:30").format(field=field, detail=repr(text.strip()))])
    return start, end


def weekly_rule(text: str, zone: str | None, every_weeks: int = 1, met_on: str | date | None = None) -> ScheduleRule:
    day, _space, times = (text or "").strip().partition(" ")
    weekday = parse_weekday(day)
    if weekday is None:
        raise DraftError([_("weekly {text}: start with a day ({detail})").format(text=repr(text), detail=', '.join(WEEKDAY_NAMES))])
    start, end = parse_times(times, f"weekly {text!r}")
    if every_weeks < 1:
        raise DraftError([_("every N weeks: N is 1 or more")])
    anchor = None
    if met_on:
        try:
            anchor = met_on if isinstance(met_on, date) else date.fromisoformat(met_on)
        except ValueError:
            raise DraftError([_("met on: {met_on} is not a date like 2026-12-01").format(met_on=repr(met_on))]) from None
    return ScheduleRule("weekly", weekday=weekday, start=start, end=end, timezone=zone,
                        interval_weeks=every_weeks, anchor_date=anchor)


def monthly_rule(text: str, zone: str | None) -> ScheduleRule:
    parts = (text or "").split(None, 2)
    if len(parts) < 3 or parts[0].lower() not in ORDINALS or parse_weekday(parts[1]) is None:
        raise DraftError([_('monthly {text}: write it like "2nd tue 19:00-20:30" or "last fri 18:00"').format(text=repr(text))])
    start, end = parse_times(parts[2], f"monthly {text!r}")
    return ScheduleRule("monthly", weekday=parse_weekday(parts[1]), start=start, end=end, timezone=zone,
                        ordinal=ORDINALS[parts[0].lower()])
