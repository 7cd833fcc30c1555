"""The journal's Insights exactly as ``services/journal/insights.py`` computed them from the
entries before the sealed summary (commit cf5ec92, issue #14), kept unchanged as the
reference the summary-based path must match bit for bit. Only the imports are new."""

# ruff: noqa
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from services.i18n import _, weekday_name
from services.journal.insights import (
    MIN_OTHER_ENTRIES, MIN_TAG_DIFFERENCE, MIN_TAG_ENTRIES, MIN_TOTAL_FOR_TAGS, NEXT_ENTRY_WINDOW, PERIODS, TIMES_OF_DAY,
    Bucket, DayMood, Insights, MeetingComparison, StrategyInsight, TagInsight, _avg, _captions,
)
from services.journal.model import HELPED_SCORE, Entry


def compute(entries: list[Entry], today: date | None = None, left_out: int = 0) -> Insights:
    """``entries`` newest first (as the journal keeps them); ``left_out``: check-ins that
    did not decrypt (``Journal.left_out``), reported alongside."""
    today = today or datetime.now().astimezone().date()
    insights = Insights(
        today=today, total_entries=len(entries), first_day=entries[-1].day if entries else None, left_out=left_out
    )
    if not entries:
        insights.captions["overview"] = _("No check-ins yet. After a few, this page shows what they have in common.")
        return insights

    # One pass: per-day sums, weekday and time-of-day buckets, tag and meeting sums.
    day_sum: dict[date, float] = defaultdict(float)
    day_count: dict[date, int] = defaultdict(int)
    weekday_sum = [0.0] * 7
    weekday_count = [0] * 7
    tod_sum = [0.0] * 4
    tod_count = [0] * 4
    meeting_days: set[date] = set()
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
            meeting_days.add(day)
    day_average = {day: day_sum[day] / day_count[day] for day in day_sum}

    for days in PERIODS:
        start = today - timedelta(days=days - 1)
        points = [DayMood(d, day_average[d], day_count[d]) for d in sorted(day_average) if start <= d <= today]
        insights.mood_by_period[days] = points
        total = sum(day_sum[p.day] for p in points)
        count = sum(p.count for p in points)
        insights.period_average[days] = Bucket(f"last {days} days", _avg(total, count), count)
    insights.year_pixels = insights.mood_by_period[365]
    insights.by_weekday = [Bucket(weekday_name(i), _avg(weekday_sum[i], weekday_count[i]), weekday_count[i]) for i in range(7)]
    insights.by_time_of_day = [
        Bucket(_(label), _avg(tod_sum[i], tod_count[i]), tod_count[i]) for i, (label, _s, _e) in enumerate(TIMES_OF_DAY)
    ]

    _strategies(entries, insights)
    _tags(entries, insights, day_average)
    if meeting_days and len(day_average) > len(meeting_days):
        meeting = [day_average[d] for d in meeting_days]
        other = [v for d, v in day_average.items() if d not in meeting_days]
        insights.meetings = MeetingComparison(len(meeting), sum(meeting) / len(meeting), len(other), sum(other) / len(other))
    insights.captions = _captions(insights)
    return insights


def _strategies(entries: list[Entry], insights: Insights) -> None:
    stats: dict[str, dict] = {}
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
                s = stats[key] = {"name": use.name, "times": 0, "rated": 0, "helped": 0, "a_lot": 0, "change": 0.0, "changes": 0}
            s["times"] += 1
            if use.helped is not None:
                s["rated"] += 1
                score = HELPED_SCORE[use.helped]
                s["helped"] += score > 0
                s["a_lot"] += score == 2
            if change is not None:
                s["change"] += change
                s["changes"] += 1
    results = [
        StrategyInsight(s["name"], s["times"], s["rated"], s["helped"], s["a_lot"], _avg(s["change"], s["changes"]), s["changes"])
        for s in stats.values()
    ]
    insights.strategies_by_help = sorted(
        (r for r in results if r.rated), key=lambda r: (-(r.helped_share or 0), -r.helped_a_lot, -r.rated, r.name.casefold())
    )
    insights.strategies_by_change = sorted(
        (r for r in results if r.mood_change_count), key=lambda r: (-(r.mood_change or 0), -r.mood_change_count, r.name.casefold())
    )


def _tags(entries: list[Entry], insights: Insights, day_average: dict[date, float]) -> None:
    # Compare entries with a tag against entries without it.
    if len(entries) < MIN_TOTAL_FOR_TAGS:
        insights.tags_need_more_data = True
        return
    total = sum(e.mood for e in entries)
    count = len(entries)
    tag_sum: dict[str, float] = defaultdict(float)
    tag_count: dict[str, int] = defaultdict(int)
    names: dict[str, str] = {}
    for entry in entries:
        for tag in entry.tags:
            key = tag.casefold()
            names.setdefault(key, tag)
            tag_sum[key] += entry.mood
            tag_count[key] += 1
    found = []
    for key, n in tag_count.items():
        others = count - n
        if n < MIN_TAG_ENTRIES or others < MIN_OTHER_ENTRIES:
            continue
        found.append(TagInsight(names[key], n, tag_sum[key] / n, (total - tag_sum[key]) / others, others))
    insights.tags_need_more_data = not found
    insights.better_tags = sorted((t for t in found if t.difference >= MIN_TAG_DIFFERENCE), key=lambda t: -t.difference)[:10]
    insights.worse_tags = sorted((t for t in found if t.difference <= -MIN_TAG_DIFFERENCE), key=lambda t: t.difference)[:10]


