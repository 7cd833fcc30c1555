""""Help me choose": rank groups by what the person says matters to them.

The questions follow what to weigh when choosing a group (seed article): what the group is
for, in person or online, peer-led or professional, smaller or larger, how often it meets,
cost, when the person is free, and how far they can travel. ``score`` is a pure function
of one group and the answers; ``rank`` gathers candidates with the directory's search and
sorts them. Answers are private: the caller keeps them in the encrypted settings.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from services.directory import places
from services.directory.model import GroupDetails, GroupRecord
from services.directory.search import SearchQuery
from services.i18n import N_, _, format_number
from services.group_text import label

SMALL_GROUP = 12  # at most this many people is "smaller"
TIMES_OF_DAY = {"morning": (0, 12), "afternoon": (12, 17), "evening": (17, 24)}
ANY = "any"


@dataclass(frozen=True)
class Answers:
    topics: tuple[str, ...] = ()
    attendance: str = ANY  # in_person | online | any
    leadership: str = ANY  # peer | professional | any
    size: str = ANY  # small | large | any
    frequency: str = ANY  # weekly | monthly | any
    cost: str = ANY  # free | low | any  (low: free, donation or sliding scale)
    days: tuple[int, ...] = ()  # 0 = Monday; empty: any day
    times: tuple[str, ...] = ()  # morning | afternoon | evening; empty: any time
    travel_km: float | None = None  # how far they can travel to an in-person group

    def as_dict(self) -> dict:
        data = asdict(self)
        data["topics"], data["days"], data["times"] = list(self.topics), list(self.days), list(self.times)
        return data

    @classmethod
    def from_dict(cls, data: dict | None) -> Answers:
        if not isinstance(data, dict):
            return cls()
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for key in ("topics", "days", "times"):
            if key in known:
                known[key] = tuple(known[key] or ())
        try:
            return cls(**known)
        except TypeError:
            return cls()


@dataclass(frozen=True)
class Choice:
    group_id: str
    name: str
    score: float
    why: str  # "why this fits", in plain words
    distance_km: float | None = None
    fits: tuple[str, ...] = field(default=())
    misses: tuple[str, ...] = field(default=())


def _meets_when_free(record: GroupRecord, answers: Answers) -> bool | None:
    timed = [r for r in record.schedule if r.has_times]
    if not timed:
        return None
    for rule in timed:
        day_ok = not answers.days or rule.weekday in answers.days
        hour = rule.start.hour
        time_ok = not answers.times or any(TIMES_OF_DAY[t][0] <= hour < TIMES_OF_DAY[t][1] for t in answers.times if t in TIMES_OF_DAY)
        if day_ok and time_ok:
            return True
    return False


# "Meets on Mondays": each weekday as the days a group may meet.
DAYS_PLURAL = (N_("Mondays"), N_("Tuesdays"), N_("Wednesdays"), N_("Thursdays"), N_("Fridays"), N_("Saturdays"), N_("Sundays"))
TIME_WORDS = {"morning": N_("mornings"), "afternoon": N_("afternoons"), "evening": N_("evenings")}


def _either(items: list[str]) -> str:
    """"a, b or c" in the session's language."""
    if len(items) <= 1:
        return "".join(items)
    return _("{items} or {last}").format(items=", ".join(items[:-1]), last=items[-1])


def _days_words(days: tuple[int, ...]) -> str:
    return _either([_(DAYS_PLURAL[d]) for d in sorted(days)])


def score(record: GroupRecord, answers: Answers, distance_km: float | None = None) -> tuple[float, list[str], list[str]]:
    """How well one group fits: (score, what fits, what does not), in plain words.

    Each thing the person cares about adds points when it fits and notes a miss when it
    does not; "any" answers add nothing. What the person said matters most (what the group
    is for, and in person or online) weighs most."""
    points = 0.0
    fits: list[str] = []
    misses: list[str] = []
    if answers.topics:
        shared = [t for t in record.topics if t in answers.topics]
        if shared:
            points += 5
            fits.append(_("for {topics}").format(topics=", ".join(label(t).lower() for t in shared)))
        elif "general_wellbeing" in record.topics:
            points += 1.5
            fits.append(_("open to anyone's mental health"))
        else:
            misses.append(_("not focused on what you're looking for"))
    if answers.attendance in ("in_person", "online"):
        wanted = answers.attendance
        meets_in_person = record.attendance in ("in_person", "hybrid")
        remote = record.attendance != "in_person"  # online, by phone, ask for the link, or hybrid
        if (wanted == "online" and remote) or (wanted == "in_person" and meets_in_person):
            points += 3
            fits.append(_("online, as you wanted") if wanted == "online" else _("meets in person, as you wanted"))
        else:
            misses.append(_("only in person") if record.attendance == "in_person" else _("only online"))
    if answers.leadership in ("peer", "professional"):
        if record.leadership == answers.leadership or record.leadership == "co_facilitated":
            points += 2
            fits.append(_("peer-led") if answers.leadership == "peer" else _("led by a professional"))
        elif record.leadership != "unknown":
            misses.append(_("led by a professional") if record.leadership == "professional" else _("peer-led"))
    if answers.size in ("small", "large") and record.typical_size:
        small = record.typical_size <= SMALL_GROUP
        if small == (answers.size == "small"):
            points += 1
            fits.append(_("about {n} people").format(n=record.typical_size))
        else:
            misses.append(_("about {n} people").format(n=record.typical_size))
    if answers.frequency in ("weekly", "monthly"):
        kinds = {r.kind for r in record.schedule if r.has_times}
        if kinds:
            if answers.frequency in kinds:
                points += 1
                fits.append(_("meets weekly") if answers.frequency == "weekly" else _("meets monthly"))
            else:
                misses.append(_("meets monthly") if "monthly" in kinds else _("meets weekly"))
    if answers.cost in ("free", "low"):
        allowed = ("free",) if answers.cost == "free" else ("free", "donation", "sliding_scale")
        if record.cost in allowed:
            points += 2
            fits.append(_("free") if record.cost == "free" else label(record.cost).lower())
        elif record.cost != "unknown":
            misses.append(_("costs something ({cost})").format(cost=label(record.cost).lower()))
    if answers.days or answers.times:
        free = _meets_when_free(record, answers)
        if free:
            points += 2
            fits.append(_("meets when you're free"))
        elif free is False:
            misses.append(_("meets at other times"))
    if answers.travel_km and record.attendance in ("in_person", "hybrid") and answers.attendance != "online":
        if distance_km is not None and distance_km <= answers.travel_km:
            points += 2 if record.attendance == "in_person" else 1
            fits.append(_("close enough to get to"))
        elif distance_km is not None and record.attendance == "in_person":
            misses.append(_("further than you'd travel"))
    if record.status == "temporarily_closed":
        points -= 4
        misses.append(_("temporarily closed"))
    return points, fits, misses


def _join(items: list[str]) -> str:
    """"a, b and c" in the session's language."""
    if len(items) <= 1:
        return "".join(items)
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


def why_line(fits: list[str], misses: list[str]) -> str:
    if not fits and not misses:
        return _("Nothing you said rules it out.")
    text = ""
    if fits:
        joined = _join(fits)
        text = joined[:1].upper() + joined[1:] + "."
    if misses:
        text += (" " if text else "") + _("But: {misses}.").format(misses=_join(misses))
    return text


def rank(directory, answers: Answers, place: places.Place | None = None, timezone: str | None = None,
         limit: int = 10, now: datetime | None = None, candidates: int = 150) -> list[Choice]:
    """The groups that fit best, best first, with a "why this fits" line each.

    Candidates come from the directory's search (the person's topics first, then anything
    else open), so this stays quick however big the directory is."""
    base = dict(near=place, show_closed=False, timezone=timezone, sort="soonest", limit=candidates)
    seen: dict[str, float | None] = {}
    queries = []
    if answers.topics:
        queries.append(SearchQuery(topics=answers.topics, **base))
        if "general_wellbeing" not in answers.topics:
            queries.append(SearchQuery(topics=("general_wellbeing",), **base))
    queries.append(SearchQuery(**base))
    for query in queries:
        if len(seen) >= candidates:
            break
        for summary in directory.search(query, now=now).results:
            seen.setdefault(summary.id, summary.distance_km)
    choices = []
    for group_id, distance in seen.items():
        details: GroupDetails | None = directory.get_group(group_id, timezone=timezone, now=now)
        if details is None:
            continue
        points, fits, misses = score(details.record, answers, distance)
        choices.append(Choice(group_id, details.record.name, points, why_line(fits, misses), distance, tuple(fits), tuple(misses)))
    choices.sort(key=lambda c: (-c.score, len(c.misses), c.distance_km if c.distance_km is not None else 1e9, c.name.lower()))
    return choices[:limit]


def describe_answers(answers: Answers, unit: str = "km") -> list[str]:
    """The answers back in words (for the summary above the list)."""
    words = []
    if answers.topics:
        words.append(", ".join(label(t) for t in answers.topics))
    if answers.attendance != ANY:
        words.append({"in_person": _("in person"), "online": _("online")}.get(answers.attendance, answers.attendance))
    if answers.leadership != ANY:
        words.append({"peer": _("peer-led"), "professional": _("led by a professional")}.get(answers.leadership, answers.leadership))
    if answers.size != ANY:
        words.append({"small": _("a smaller group"), "large": _("a larger group")}.get(answers.size, answers.size))
    if answers.frequency != ANY:
        words.append({"weekly": _("weekly"), "monthly": _("monthly")}.get(answers.frequency, answers.frequency))
    if answers.cost != ANY:
        words.append({"free": _("free"), "low": _("free or low cost")}.get(answers.cost, answers.cost))
    if answers.days:
        words.append(_days_words(answers.days))
    if answers.times:
        words.append(_either([_(TIME_WORDS[t]) if t in TIME_WORDS else t for t in answers.times]))
    if answers.travel_km:
        distance = answers.travel_km / places.KM_PER_MILE if unit == "mi" else answers.travel_km
        words.append(_("within {distance} {unit}").format(distance=format_number(round(distance)), unit=unit))
    return words
