"""Insights: what the check-ins have in common, in charts and plain words. No diagnoses."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import flet as ft

from views.journal.common import LockedJournal, SubScreenTitle, use_journal, use_loaded
from views.models import use_app
from views.widgets.mood_picker import mood_color
from views.widgets.notice import Notice
from views.widgets.screen import ScreenBody
from services.i18n import weekday_name
from services.journal.strategies import shown_name
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401

if TYPE_CHECKING:
    import flet_charts as fch

PERIOD_LABELS = {7: N_("7 days"), 30: N_("30 days"), 90: N_("90 days"), 365: N_("1 year")}


def _axis(labels: dict[float, str], size: int = 28) -> fch.ChartAxis:
    import flet_charts as fch  # imported when a chart is drawn, not at start-up (issue #14)

    return fch.ChartAxis(
        label_size=size,
        labels=[fch.ChartAxisLabel(value=v, label=ft.Text(t, size=11)) for v, t in labels.items()],
    )


MOOD_AXIS = {1: "1", 2: "2", 3: "3", 4: "4", 5: "5"}


@ft.component
def Section(title: str, caption: str | None, content: ft.Control | None = None):
    return ft.Card(
        content=ft.Container(
            padding=16,
            content=ft.Column(
                spacing=8,
                controls=[
                    ft.Text(title, theme_style=ft.TextThemeStyle.TITLE_MEDIUM),
                    *([ft.Text(caption, color=ft.Colors.ON_SURFACE_VARIANT)] if caption else []),
                    *([content] if content is not None else []),
                ],
            ),
        )
    )


@ft.component
def MoodOverTime(result, days: int):
    import flet_charts as fch  # imported when a chart is drawn, not at start-up (issue #14)

    points = result.mood_by_period[days]
    start = result.today - timedelta(days=days - 1)
    if not points:
        return ft.Text(_("No check-ins in the last {period}.").format(period=_(PERIOD_LABELS[days])))
    step = {7: 1, 30: 7, 90: 30, 365: 90}[days]
    labels = {}
    for offset in range(0, days, step):
        day = start + timedelta(days=offset)
        labels[offset] = format_date(day, "MMMd") if days > 7 else weekday_name(day.weekday(), "abbreviated")
    return ft.Semantics(
        label=_("Line chart of your daily average mood over the last {period}").format(period=_(PERIOD_LABELS[days])),
        container=True,
        content=fch.LineChart(
            height=220,
            min_y=1,
            max_y=5,
            min_x=0,
            max_x=days - 1,
            interactive=True,
            left_axis=_axis(MOOD_AXIS),
            bottom_axis=_axis(labels),
            horizontal_grid_lines=fch.ChartGridLines(interval=1, color=ft.Colors.OUTLINE_VARIANT, width=1),
            data_series=[
                fch.LineChartData(
                    color=ft.Colors.PRIMARY,
                    stroke_width=3,
                    curved=days > 30,
                    prevent_curve_over_shooting=True,
                    point=days <= 30,
                    points=[
                        fch.LineChartDataPoint(x=(p.day - start).days, y=round(p.average, 2),
                                               tooltip=f"{format_date(p.day, 'MMMd')}: {format_number(p.average, 1)} ({p.count})")
                        for p in points
                    ],
                )
            ],
        ),
    )


@ft.component
def BucketBars(buckets, description: str):
    import flet_charts as fch  # imported when a chart is drawn, not at start-up (issue #14)

    short = [b.label[:3] if len(buckets) == 7 else b.label for b in buckets]
    return ft.Semantics(
        label=description + ": " + "; ".join(
            _("{label} {average} from {n}").format(label=b.label, average=format_number(b.average, 1), n=b.count)
            if b.average is not None else _("{label} no check-ins").format(label=b.label) for b in buckets
        ),
        container=True,
        content=fch.BarChart(
            height=200,
            min_y=0,
            max_y=5,
            interactive=True,
            left_axis=_axis(MOOD_AXIS),
            bottom_axis=_axis({i: f"{s}\n({b.count})" for i, (s, b) in enumerate(zip(short, buckets))}, size=36),
            horizontal_grid_lines=fch.ChartGridLines(interval=1, color=ft.Colors.OUTLINE_VARIANT, width=1),
            groups=[
                fch.BarChartGroup(
                    x=i,
                    rods=[
                        fch.BarChartRod(
                            to_y=round(b.average, 2) if b.average is not None else 0,
                            width=18,
                            color=mood_color(max(1, min(5, round(b.average)))) if b.average is not None else ft.Colors.OUTLINE_VARIANT,
                            border_radius=4,
                            tooltip=f"{b.label}: {format_number(b.average, 1)}" if b.average is not None else _("{label}: none").format(label=b.label),
                        )
                    ],
                )
                for i, b in enumerate(buckets)
            ],
        ),
    )


PIXEL = 9  # px per day square
PIXEL_GAP = 2
LEGEND = {1: N_("1 lowest"), 2: "2", 3: "3", 4: "4", 5: N_("5 best")}


# A day with no check-in: grey at a third, so it reads on the light and the dark theme alike.
NO_CHECK_IN_GREY, NO_CHECK_IN_OPACITY = "#808080", 0.3


def year_line_svg(weeks: list[list[str | None]]) -> bytes:
    """One line of the year drawn as a picture: a column of 7 squares per week, Monday on top,
    each filled with its mood colour ("" = no check-in; None = a day still to come, not drawn).
    One image instead of a control per day: the year's 371 squares were most of what Insights
    sent and Flet compared on every opening (issue #14)."""
    step = PIXEL + PIXEL_GAP
    width, height = max(1, len(weeks) * step - PIXEL_GAP), 7 * step - PIXEL_GAP
    squares = []
    for column, week in enumerate(weeks):
        for row, fill in enumerate(week):
            if fill is None:
                continue
            paint = f'fill="{fill}"' if fill else f'fill="{NO_CHECK_IN_GREY}" fill-opacity="{NO_CHECK_IN_OPACITY}"'
            squares.append(f'<rect x="{column * step}" y="{row * step}" width="{PIXEL}" height="{PIXEL}" rx="2" {paint}/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
            + "".join(squares) + "</svg>").encode()


@ft.component
def YearInPixels(result):
    """A year of days, one column per week, the whole year on screen: where the weeks do not
    fit in one line (a phone) they go on in a second line below, oldest first, with no sideways
    scrolling (a scrolled strip showed only its start, and a keyboard could not reach it).
    Month names sit over the week each month starts in; a legend says what the colours mean;
    and the recent weeks are also said in words."""
    app_width = use_app().width or 390
    # the screen's column (at most 720 px) less its padding and the card's
    per_line = max(8, int((min(app_width, 720) - 2 * 16 - 2 * 16) // (PIXEL + PIXEL_GAP)))
    by_day = {p.day: p for p in result.year_pixels}
    start = result.today - timedelta(days=364)
    start -= timedelta(days=start.weekday())  # columns are weeks, Monday first
    weeks: list[list[str | None]] = []
    months = []
    day = start
    while day <= result.today:
        first_of_month = next((day + timedelta(days=i) for i in range(7) if (day + timedelta(days=i)).day == 1), None)
        if first_of_month is not None:
            months.append((len(weeks), format_date(first_of_month, "MMM")))
        column: list[str | None] = []
        for _weekday in range(7):
            point = by_day.get(day)
            column.append(None if day > result.today else mood_color(max(1, min(5, round(point.average)))) if point else "")
            day += timedelta(days=1)
        weeks.append(column)
    lines = []
    for first in range(0, len(weeks), per_line):
        shown = weeks[first:first + per_line]
        labels = [ft.Text(name, size=11, no_wrap=True, left=(index - first) * (PIXEL + PIXEL_GAP), top=0)
                  for index, name in months if first <= index < first + per_line]
        picture = year_line_svg(shown)
        lines.append(ft.Column(spacing=4, controls=[
            ft.Stack(width=len(shown) * (PIXEL + PIXEL_GAP) + 24, height=14, controls=labels),
            # The Semantics around every line names the whole calendar; the picture adds nothing to it.
            ft.Image(src=picture, width=len(shown) * (PIXEL + PIXEL_GAP) - PIXEL_GAP, height=7 * (PIXEL + PIXEL_GAP) - PIXEL_GAP,
                     exclude_from_semantics=True),
        ]))
    recent = [by_day[d] for d in by_day if (result.today - d).days < 28]
    recent_words = (ngettext(
        "In the last 4 weeks, {n} day has check-ins, with an average mood of {average} out of 5.",
        "In the last 4 weeks, {n} days have check-ins, with an average mood of {average} out of 5.",
        len(recent)).format(n=len(recent), average=format_number(sum(p.average for p in recent) / len(recent), 1))
        if recent else _("No check-ins in the last 4 weeks."))
    return ft.Column(spacing=8, controls=[
        ft.Semantics(
            label=ngettext("A calendar of the last year, one square per day coloured by mood; {n} day has check-ins",
                           "A calendar of the last year, one square per day coloured by mood; {n} days have check-ins",
                           len(by_day)).format(n=len(by_day)),
            container=True,
            content=ft.Column(spacing=8, controls=lines),
        ),
        ft.Row(wrap=True, spacing=12, run_spacing=4, controls=[
            *[ft.Row(tight=True, spacing=4, controls=[
                ft.Container(width=12, height=12, border_radius=2, bgcolor=mood_color(m)),
                ft.Text(_(LEGEND[m]), size=12),
            ]) for m in (1, 2, 3, 4, 5)],
            ft.Row(tight=True, spacing=4, controls=[
                ft.Container(width=12, height=12, border_radius=2,
                             bgcolor=ft.Colors.with_opacity(NO_CHECK_IN_OPACITY, NO_CHECK_IN_GREY)),
                ft.Text(_("no check-in"), size=12),
            ]),
        ]),
        ft.Text(recent_words, size=13),
    ])


@ft.component
def StrategyList(items, by: str):
    if not items:
        return ft.Text(_("Once you note a strategy and whether it helped, it shows up here."))
    rows = []
    for s in items[:8]:
        if by == "help":
            detail = (ngettext("helped {helped} of {n} time", "helped {helped} of {n} times", s.rated).format(helped=s.helped, n=s.rated)
                      + (" " + _("({n} a lot)").format(n=s.helped_a_lot) if s.helped_a_lot else ""))
        else:
            sign = "+" if s.mood_change > 0 else ""
            detail = _("mood {change} at the next check-in (from {n})").format(change=sign + format_number(s.mood_change, 1), n=s.mood_change_count)
        rows.append(ft.Column(spacing=0, controls=[ft.Text(shown_name(s.name), weight=ft.FontWeight.W_600), ft.Text(detail, size=13)]))
    return ft.Column(spacing=6, controls=rows)


@ft.component
def TagList(result):
    if result.tags_need_more_data:
        return ft.Container(visible=False)
    def rows(items, word):
        return [ft.Text(_("{tag}: average {average} with it ({n}), {others} without ({others_n})").format(
                    tag=t.tag, average=format_number(t.average, 1), n=t.count, others=format_number(t.others_average, 1), others_n=t.others_count))
                for t in items]
    controls = []
    if result.better_tags:
        controls += [ft.Text(_("Along with better check-ins"), weight=ft.FontWeight.W_600), *rows(result.better_tags, "better")]
    if result.worse_tags:
        controls += [ft.Text(_("Along with harder check-ins"), weight=ft.FontWeight.W_600), *rows(result.worse_tags, "harder")]
    if not controls:
        controls = [ft.Text(_("No tag stands out yet: your check-ins feel about the same with or without each."))]
    return ft.Column(spacing=4, controls=controls)


@ft.component
def InsightsScreen():
    journal = use_journal()
    if journal is None:
        return LockedJournal(_("Insights"))
    return InsightsBody()


@ft.component
def InsightsBody():
    journal = use_journal()
    period, set_period = ft.use_state(30)
    result, _unused = use_loaded(lambda: journal.insights(), [])  # the sealed summary when current (#14)

    if result is None:
        return ScreenBody([SubScreenTitle(_("Insights")), ft.ProgressRing()])
    if result.total_entries == 0:
        return ScreenBody([
            SubScreenTitle(_("Insights")),
            Notice(ft.Icons.INSIGHTS, _("Nothing to show yet"), result.captions["overview"]),
        ])
    meetings = result.meetings
    return ScreenBody(
        [
            SubScreenTitle(_("Insights")),
            ft.Text(result.captions["overview"]),
            Section(
                _("Mood over time"),
                _("Each point is one day's average mood (1 to 5)."),
                ft.Column(
                    spacing=8,
                    controls=[
                        ft.SegmentedButton(
                            selected=[str(period)],
                            allow_multiple_selection=False,
                            show_selected_icon=False,
                            on_change=lambda e: set_period(int(next(iter(e.control.selected or ["30"])))),
                            segments=[ft.Segment(value=str(d), label=ft.Text(_(t))) for d, t in PERIOD_LABELS.items()],
                        ),
                        MoodOverTime(result, period),
                    ],
                ),
            ),
            Section(_("By day of the week"), result.captions.get("weekday", _("The number under each day is how many check-ins it has.")),
                    BucketBars(result.by_weekday, _("Average mood by day of the week"))),
            Section(_("By time of day"), _("Night is midnight to 6, morning 6 to noon, afternoon noon to 6, evening 6 to midnight."),
                    BucketBars(result.by_time_of_day, _("Average mood by time of day"))),
            Section(_("Your year in pixels"), _("One square per day, coloured by that day's average mood."), YearInPixels(result)),
            Section(_("What helped, by how often"), result.captions.get("strategies"), StrategyList(result.strategies_by_help, "help")),
            Section(_("What helped, by mood afterwards"),
                    _("The change in mood from the check-in where you tried it to your next one within a day."),
                    StrategyList(result.strategies_by_change, "change")),
            Section(_("Tags"), result.captions.get("tags"), TagList(result)),
            Section(
                _("Meeting days and other days"),
                result.captions.get("meetings") or _("Link a check-in to a group meeting to compare meeting days with other days."),
                ft.Text(_("Meeting days: {meeting}, other days: {other}.").format(meeting=meetings.meeting_days, other=meetings.other_days)) if meetings else None,
            ),
            ft.Text(_("These are patterns in what you wrote down, not a diagnosis. They can be a good thing to bring to your group or a professional."),
                    size=12, color=ft.Colors.ON_SURFACE_VARIANT),
        ]
    )
