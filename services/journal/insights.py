"""What the entries say, in plain numbers: never a diagnosis.

Pure functions over a list of entries (from the session's cache), so that they are fast
and easy to test. Small samples are marked and tag comparisons need enough data.
``compute`` = ``from_summary(summarize(entries))``: the ``Summary`` in between is what the
journal keeps sealed between sessions, so that Insights after unlocking need one decrypt.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from services.i18n import N_, _, format_number, ngettext, weekday_name
from services.journal.model import HELPED_SCORE, Entry

PERIODS = (7, 30, 90, 365)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TIMES_OF_DAY = ((N_("Night"), 0, 6), (N_("Morning"), 6, 12), (N_("Afternoon"), 12, 18), (N_("Evening"), 18, 24))
MIN_TAG_ENTRIES = 5  # a tag needs this many entries before we compare it
MIN_OTHER_ENTRIES = 5  # ... and there must be this many without it
MIN_TOTAL_FOR_TAGS = 14
MIN_TAG_DIFFERENCE = 0.3
NEXT_ENTRY_WINDOW = timedelta(hours=24)  # "mood after a strategy" = the next check-in within a day


@dataclass(frozen=True)
class DayMood:
    day: date
    average: float
    count: int


@dataclass(frozen=True)
class Bucket:
    label: str
    average: float | None
    count: int


@dataclass(frozen=True)
class StrategyInsight:
    name: str
    times: int  # times tried
    rated: int  # times with an answer to "did it help?"
    helped: int  # answered "a little" or "a lot"
    helped_a_lot: int
    mood_change: float | None  # average change at the next check-in within a day
    mood_change_count: int

    @property
    def helped_share(self) -> float | None:
        return self.helped / self.rated if self.rated else None


@dataclass(frozen=True)
class TagInsight:
    tag: str
    count: int
    average: float
    others_average: float
    others_count: int

    @property
    def difference(self) -> float:
        return self.average - self.others_average


@dataclass(frozen=True)
class MeetingComparison:
    meeting_days: int
    meeting_average: float
    other_days: int
    other_average: float


@dataclass
class Insights:
    today: date
    total_entries: int
    first_day: date | None
    mood_by_period: dict[int, list[DayMood]] = field(default_factory=dict)
    period_average: dict[int, Bucket] = field(default_factory=dict)
    by_weekday: list[Bucket] = field(default_factory=list)
    by_time_of_day: list[Bucket] = field(default_factory=list)
    year_pixels: list[DayMood] = field(default_factory=list)  # the last 365 days that have entries
    strategies_by_help: list[StrategyInsight] = field(default_factory=list)
    strategies_by_change: list[StrategyInsight] = field(default_factory=list)
    better_tags: list[TagInsight] = field(default_factory=list)
    worse_tags: list[TagInsight] = field(default_factory=list)
    tags_need_more_data: bool = True
    meetings: MeetingComparison | None = None
    captions: dict[str, str] = field(default_factory=dict)
    left_out: int = 0  # check-ins that do not decrypt, not counted here

    def to_dict(self) -> dict:
        def bucket(b: Bucket) -> dict:
            return {"label": b.label, "average": _r(b.average), "count": b.count}

        def strategy(s: StrategyInsight) -> dict:
            return {
                "name": s.name, "times": s.times, "rated": s.rated, "helped": s.helped, "helped_a_lot": s.helped_a_lot,
                "helped_share": _r(s.helped_share), "mood_change": _r(s.mood_change), "mood_change_count": s.mood_change_count,
            }

        def tag(t: TagInsight) -> dict:
            return {"tag": t.tag, "count": t.count, "average": _r(t.average), "others_average": _r(t.others_average),
                    "others_count": t.others_count, "difference": _r(t.difference)}

        return {
            "today": self.today.isoformat(),
            "total_entries": self.total_entries,
            "first_day": self.first_day.isoformat() if self.first_day else None,
            "mood_by_period": {
                str(days): [{"day": d.day.isoformat(), "average": _r(d.average), "count": d.count} for d in points]
                for days, points in self.mood_by_period.items()
            },
            "period_average": {str(days): bucket(b) for days, b in self.period_average.items()},
            "by_weekday": [bucket(b) for b in self.by_weekday],
            "by_time_of_day": [bucket(b) for b in self.by_time_of_day],
            "strategies_by_help": [strategy(s) for s in self.strategies_by_help],
            "strategies_by_change": [strategy(s) for s in self.strategies_by_change],
            "better_tags": [tag(t) for t in self.better_tags],
            "worse_tags": [tag(t) for t in self.worse_tags],
            "tags_need_more_data": self.tags_need_more_data,
            "meetings": None if self.meetings is None else {
                "meeting_days": self.meetings.meeting_days, "meeting_average": _r(self.meetings.meeting_average),
                "other_days": self.meetings.other_days, "other_average": _r(self.meetings.other_average),
            },
            "captions": self.captions,
            "left_out": self.left_out,
        }


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _avg(total: float, count: int) -> float | None:
    return total / count if count else None


# --- the summary ------------------------------------------------------------------------
# Everything ``compute`` needs from the entries, as plain numbers: per-day sums and counts,
# weekday and time-of-day buckets, per-strategy and per-tag counts. None of it depends on
# ``today`` or on the language, so it can be kept (sealed) between sessions and the
# Insights rebuilt from it for any day without decrypting a single check-in
# (``Journal.insights``). Orders are kept as the entries gave them (first seen, newest
# first): float sums over them then come out bit for bit as from the entries.
SUMMARY_VERSION = 1


@dataclass
class Summary:
    total: int = 0
    first_day: int | None = None  # ordinal of the oldest entry's day
    days: list[int] = field(default_factory=list)  # day ordinals, first seen first
    day_sums: list[float] = field(default_factory=list)
    day_counts: list[int] = field(default_factory=list)
    meeting_days: list[int] = field(default_factory=list)  # ordinals, first seen first
    weekday_sum: list[float] = field(default_factory=lambda: [0.0] * 7)
    weekday_count: list[int] = field(default_factory=lambda: [0] * 7)
    tod_sum: list[float] = field(default_factory=lambda: [0.0] * 4)
    tod_count: list[int] = field(default_factory=lambda: [0] * 4)
    # [name, times, rated, helped, helped a lot, sum of mood changes, changes]
    strategies: list[list] = field(default_factory=list)
    mood_total: int = 0
    tags: list[list] = field(default_factory=list)  # [name, sum of moods, count]
    left_out: int = 0

    def to_dict(self) -> dict:
        return {"version": SUMMARY_VERSION, **{name: getattr(self, name) for name in _SUMMARY_FIELDS}}

    @classmethod
    def from_dict(cls, data: dict) -> "Summary":
        """Raises ValueError for anything that is not a summary of this version."""
        if not isinstance(data, dict) or data.get("version") != SUMMARY_VERSION:
            raise ValueError("not a summary of this version")
        try:
            summary = cls(**{name: data[name] for name in _SUMMARY_FIELDS})
        except (KeyError, TypeError) as error:
            raise ValueError("not a summary of this version") from error
        columns = (summary.days, summary.day_sums, summary.day_counts)
        if len({len(column) for column in columns}) != 1 or len(summary.weekday_sum) != 7 or len(summary.tod_sum) != 4:
            raise ValueError("a summary with columns of different lengths")
        return summary


_SUMMARY_FIELDS = tuple(name for name in Summary.__dataclass_fields__)


def summarize(entries: list[Entry], left_out: int = 0) -> Summary:
    """``entries`` newest first (as the journal keeps them)."""
    summary = Summary(total=len(entries), first_day=entries[-1].day.toordinal() if entries else None, left_out=left_out)
    if not entries:
        return summary
    # One pass: per-day sums, weekday and time-of-day buckets, tag and meeting sums.
    day_sum: dict[date, float] = defaultdict(float)
    day_count: dict[date, int] = defaultdict(int)
    weekday_sum = summary.weekday_sum
    weekday_count = summary.weekday_count
    tod_sum = summary.tod_sum
    tod_count = summary.tod_count
    meeting_days: dict[date, None] = {}
    for entry in entries:
        at = entry.at
        day = at.date()
        mood = entry.mood
        day_sum[day] += mood
        day_count[day] += 1
        weekday = day.weekday()
        weekday_sum[weekday] += mood
        weekday_count[weekday] += 1
        slot = at.hour // 6
        tod_sum[slot] += mood
        tod_count[slot] += 1
        if entry.group:
            meeting_days.setdefault(day)
    summary.days = [day.toordinal() for day in day_sum]
    summary.day_sums = list(day_sum.values())
    summary.day_counts = [day_count[day] for day in day_sum]
    summary.meeting_days = [day.toordinal() for day in meeting_days]
    summary.strategies = _strategy_stats(entries)
    summary.mood_total = sum(e.mood for e in entries)
    summary.tags = _tag_stats(entries)
    return summary


def compute(entries: list[Entry], today: date | None = None, left_out: int = 0) -> Insights:
    """``entries`` newest first (as the journal keeps them); ``left_out``: check-ins that
    did not decrypt (``Journal.left_out``), reported alongside."""
    return from_summary(summarize(entries, left_out), today)


def from_summary(summary: Summary, today: date | None = None) -> Insights:
    """The Insights of the entries ``summary`` was made from, as of ``today``: the same as
    ``compute`` over those entries."""
    today = today or datetime.now().astimezone().date()
    insights = Insights(
        today=today,
        total_entries=summary.total,
        first_day=date.fromordinal(summary.first_day) if summary.first_day is not None else None,
        left_out=summary.left_out,
    )
    if not summary.total:
        insights.captions["overview"] = _("No check-ins yet. After a few, this page shows what they have in common.")
        return insights

    fromordinal = date.fromordinal
    days = [fromordinal(ordinal) for ordinal in summary.days]
    day_sum = dict(zip(days, summary.day_sums))
    day_count = dict(zip(days, summary.day_counts))
    day_average = {day: day_sum[day] / day_count[day] for day in day_sum}
    ordered = sorted(day_average)
    meeting_days: set[date] = set()
    for ordinal in summary.meeting_days:
        meeting_days.add(fromordinal(ordinal))

    for days_back in PERIODS:
        start = today - timedelta(days=days_back - 1)
        chosen = ordered[bisect_left(ordered, start):bisect_right(ordered, today)]
        points = [DayMood(d, day_average[d], day_count[d]) for d in chosen]
        insights.mood_by_period[days_back] = points
        total = sum(day_sum[p.day] for p in points)
        count = sum(p.count for p in points)
        insights.period_average[days_back] = Bucket(f"last {days_back} days", _avg(total, count), count)
    insights.year_pixels = insights.mood_by_period[365]
    weekday_sum, weekday_count = summary.weekday_sum, summary.weekday_count
    tod_sum, tod_count = summary.tod_sum, summary.tod_count
    insights.by_weekday = [Bucket(weekday_name(i), _avg(weekday_sum[i], weekday_count[i]), weekday_count[i]) for i in range(7)]
    insights.by_time_of_day = [
        Bucket(_(label), _avg(tod_sum[i], tod_count[i]), tod_count[i]) for i, (label, _s, _e) in enumerate(TIMES_OF_DAY)
    ]

    _strategies(summary.strategies, insights)
    _tags(summary, insights)
    if meeting_days and len(day_average) > len(meeting_days):
        meeting = [day_average[d] for d in meeting_days]
        other = [v for d, v in day_average.items() if d not in meeting_days]
        insights.meetings = MeetingComparison(len(meeting), sum(meeting) / len(meeting), len(other), sum(other) / len(other))
    insights.captions = _captions(insights)
    return insights


def _strategy_stats(entries: list[Entry]) -> list[list]:
    stats: dict[str, list] = {}
    # entries are newest first: the "next" check-in of entries[i] is entries[i - 1].
    for index, entry in enumerate(entries):
        if not entry.strategies:
            continue
        following = entries[index - 1] if index > 0 else None
        change = None
        if following is not None and following.at - entry.at <= NEXT_ENTRY_WINDOW:
            change = following.mood - entry.mood
        for use in entry.strategies:
            key = use.name.casefold()
            s = stats.get(key)
            if s is None:
                s = stats[key] = [use.name, 0, 0, 0, 0, 0.0, 0]  # name, times, rated, helped, a lot, change, changes
            s[1] += 1
            if use.helped is not None:
                s[2] += 1
                score = HELPED_SCORE[use.helped]
                s[3] += score > 0
                s[4] += score == 2
            if change is not None:
                s[5] += change
                s[6] += 1
    return list(stats.values())


def _strategies(stats: list[list], insights: Insights) -> None:
    results = [
        StrategyInsight(name, times, rated, helped, a_lot, _avg(change, changes), changes)
        for name, times, rated, helped, a_lot, change, changes in stats
    ]
    insights.strategies_by_help = sorted(
        (r for r in results if r.rated), key=lambda r: (-(r.helped_share or 0), -r.helped_a_lot, -r.rated, r.name.casefold())
    )
    insights.strategies_by_change = sorted(
        (r for r in results if r.mood_change_count), key=lambda r: (-(r.mood_change or 0), -r.mood_change_count, r.name.casefold())
    )


def _tag_stats(entries: list[Entry]) -> list[list]:
    stats: dict[str, list] = {}
    for entry in entries:
        for tag in entry.tags:
            key = tag.casefold()
            s = stats.get(key)
            if s is None:
                s = stats[key] = [tag, 0.0, 0]  # name (first seen), sum of moods, count
            s[1] += entry.mood
            s[2] += 1
    return list(stats.values())


def _tags(summary: Summary, insights: Insights) -> None:
    # Compare entries with a tag against entries without it.
    if summary.total < MIN_TOTAL_FOR_TAGS:
        insights.tags_need_more_data = True
        return
    total = summary.mood_total
    count = summary.total
    found = []
    for name, tag_sum, n in summary.tags:
        others = count - n
        if n < MIN_TAG_ENTRIES or others < MIN_OTHER_ENTRIES:
            continue
        found.append(TagInsight(name, n, tag_sum / n, (total - tag_sum) / others, others))
    insights.tags_need_more_data = not found
    insights.better_tags = sorted((t for t in found if t.difference >= MIN_TAG_DIFFERENCE), key=lambda t: -t.difference)[:10]
    insights.worse_tags = sorted((t for t in found if t.difference <= -MIN_TAG_DIFFERENCE), key=lambda t: t.difference)[:10]


def _captions(insights: Insights) -> dict[str, str]:
    from services.journal.strategies import shown_name  # noqa: PLC0415 - strategies imports the journal

    captions = {}
    month = insights.period_average[30]
    if month.count:
        captions["overview"] = ngettext(
            "{n} check-in in the last 30 days; your average mood was {average} out of 5.",
            "{n} check-ins in the last 30 days; your average mood was {average} out of 5.",
            month.count).format(n=month.count, average=format_number(month.average, 1))
    else:
        captions["overview"] = _("No check-ins in the last 30 days. Older ones are still here below.")
    weekdays = [b for b in insights.by_weekday if b.count >= 3]
    if len(weekdays) >= 2:
        best = max(weekdays, key=lambda b: b.average)
        low = min(weekdays, key=lambda b: b.average)
        if best.average - low.average >= 0.3:
            captions["weekday"] = _("Your better days have tended to be {best}, the harder ones {low}.").format(
                best=best.label, low=low.label)
        else:
            captions["weekday"] = _("Your mood has been about the same whichever day of the week it is.")
    if insights.strategies_by_help:
        top = insights.strategies_by_help[0]
        captions["strategies"] = (
            ngettext("\"{name}\" helped at least a little {helped} of the {n} time you said.",
                     "\"{name}\" helped at least a little {helped} of the {n} times you said.",
                     top.rated).format(name=shown_name(top.name), helped=top.helped, n=top.rated)
        )
    if insights.meetings is not None:
        m = insights.meetings
        if abs(m.meeting_average - m.other_average) < 0.2:
            captions["meetings"] = _("Days with a group meeting and other days have felt about the same.")
        elif m.meeting_average > m.other_average:
            captions["meetings"] = _("On days with a group meeting your mood averaged {meeting}, on other days {other}.").format(
                meeting=format_number(m.meeting_average, 1), other=format_number(m.other_average, 1))
        else:
            captions["meetings"] = _("On days with a group meeting your mood averaged {meeting}, on other days "
                                     "{other}. Meeting days can be hard days too.").format(
                meeting=format_number(m.meeting_average, 1), other=format_number(m.other_average, 1))
    if insights.tags_need_more_data:
        captions["tags"] = _("Tags are compared once a tag has at least {per_tag} check-ins and there are "
                             "{total} check-ins in all.").format(per_tag=MIN_TAG_ENTRIES, total=MIN_TOTAL_FOR_TAGS)
    else:
        captions["tags"] = _("These went along with better or harder check-ins. Going along with is not the same as causing.")
    return captions
