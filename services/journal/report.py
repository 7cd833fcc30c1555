"""A summary for a clinician or a trusted person, made on the device: as plain text and as a
PDF (fpdf2, pure Python, so the browser build can make it too).

The summary covers a chosen date range: mood over time (a chart and a table by week),
PHQ-9 and GAD-7 scores with their dates and bands, the coping strategies that helped,
support-group meetings attended, and — only when chosen — the notes. The safety plan has
its own one-page PDF and text; phone numbers in it are never split across lines.

Nothing here is written anywhere: callers get bytes and decide (a file the person chose,
a download). Never a diagnosis: the self-checks are screenings, and the report says so.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from services.journal import safety_plan as safety_plans
from services.journal import selfcheck
from services.journal.journal import Journal
from services.i18n import _

SCREENING_NOTE = ("PHQ-9 and GAD-7 are screening questionnaires, not a diagnosis. Scores are the person's own "
                  "answers on the date shown.")
MADE_WITH = "Made with Kindred on the person's own device. Private: share only with people they chose."
NBSP = "\u00a0"
# Phone numbers: digits with spaces, dashes, dots, brackets, a leading +; at least 3 digits.
PHONE = re.compile(r"\+?\(?\d[\d\s().\-]{1,}\d")


class ReportError(ValueError):
    """A report cannot be made as asked; the message is for the person."""


@dataclass(frozen=True)
class WeekRow:
    start: date
    check_ins: int
    average: float
    lowest: int
    highest: int


@dataclass(frozen=True)
class StrategyRow:
    name: str
    times: int
    helped_a_lot: int
    helped_a_little: int
    not_really: int


@dataclass(frozen=True)
class ScoreRow:
    name: str  # PHQ-9 / GAD-7
    at: datetime
    score: int
    max_score: int
    band: str


@dataclass(frozen=True)
class MeetingRow:
    day: date
    group: str


@dataclass
class Report:
    start: date
    end: date
    made_at: datetime
    check_ins: int = 0
    average_mood: float | None = None
    days: list[tuple[date, float]] = field(default_factory=list)  # (day, average mood)
    weeks: list[WeekRow] = field(default_factory=list)
    scores: list[ScoreRow] = field(default_factory=list)
    strategies: list[StrategyRow] = field(default_factory=list)
    meetings: list[MeetingRow] = field(default_factory=list)
    notes: list[tuple[datetime, str]] | None = None  # None: not chosen
    mood_labels: dict[int, str] = field(default_factory=dict)


def build(journal: Journal, start: date, end: date, with_notes: bool = False, saved_groups=None,
          now: datetime | None = None) -> Report:
    """The figures for ``start``..``end`` (both days included, in each check-in's own day)."""
    if end < start:
        raise ReportError(_("The end date is before the start date."))
    report = Report(start=start, end=end, made_at=now or datetime.now().astimezone(),
                    mood_labels=dict(journal.settings().mood_labels))
    entries = sorted((e for e in journal.all_entries() if start <= e.day <= end), key=lambda e: e.at)
    report.check_ins = len(entries)
    if entries:
        report.average_mood = round(sum(e.mood for e in entries) / len(entries), 2)
    by_day: dict[date, list[int]] = defaultdict(list)
    for entry in entries:
        by_day[entry.day].append(entry.mood)
    report.days = [(day, round(sum(moods) / len(moods), 2)) for day, moods in sorted(by_day.items())]
    by_week: dict[date, list[int]] = defaultdict(list)
    for day, moods in by_day.items():
        by_week[day - timedelta(days=day.weekday())].extend(moods)
    report.weeks = [WeekRow(max(week, start), len(moods), round(sum(moods) / len(moods), 2), min(moods), max(moods))
                    for week, moods in sorted(by_week.items())]
    for result in selfcheck.history(journal):
        if result.at is not None and start <= result.at.date() <= end:
            name = {"phq9": "PHQ-9", "gad7": "GAD-7"}.get(result.questionnaire, result.questionnaire)
            report.scores.append(ScoreRow(name, result.at, result.score, result.max_score, result.band))
    uses: dict[str, list[str | None]] = defaultdict(list)
    for entry in entries:
        for use in entry.strategies:
            uses[use.name].append(use.helped)
    rows = [StrategyRow(name, len(helped), helped.count("a lot"), helped.count("a little"), helped.count("not really"))
            for name, helped in uses.items()]
    report.strategies = sorted(rows, key=lambda r: (-(2 * r.helped_a_lot + r.helped_a_little), -r.times, r.name.lower()))
    meetings = set()
    for entry in entries:
        if entry.group:
            meetings.add((entry.day, _group_name(entry.group, saved_groups)))
    for group in saved_groups or ():
        for day_text in group.attended:
            try:
                day = date.fromisoformat(day_text)
            except ValueError:
                continue
            if start <= day <= end:
                meetings.add((day, group.name))
    report.meetings = [MeetingRow(day, name) for day, name in sorted(meetings)]
    if with_notes:
        report.notes = [(entry.at, entry.note) for entry in entries if entry.note.strip()]
    return report


def _group_name(group: str, saved_groups) -> str:
    for saved in saved_groups or ():
        if saved.group_id == group:
            return saved.name
    return group


def _helped(row: StrategyRow) -> str:
    return f"a lot {row.helped_a_lot}, a little {row.helped_a_little}, not really {row.not_really}"


# --- plain text ----------------------------------------------------------------------------
def to_text(report: Report) -> str:
    lines = [f"Kindred summary: {report.start:%d %B %Y} to {report.end:%d %B %Y}",
             f"Made {report.made_at:%d %B %Y %H:%M}. {MADE_WITH}", ""]
    lines.append("MOOD")
    if report.check_ins:
        label = report.mood_labels
        lines.append(f"{report.check_ins} check-ins on {len(report.days)} days; average mood {report.average_mood:.1f} "
                     f"(1 = {label.get(1, 'Very low')}, 5 = {label.get(5, 'Great')}).")
        lines.append("Week of       Check-ins  Average  Lowest  Highest")
        for week in report.weeks:
            lines.append(f"{week.start:%Y-%m-%d}    {week.check_ins:>9}  {week.average:>7.1f}  {week.lowest:>6}  {week.highest:>7}")
    else:
        lines.append("No check-ins in this period.")
    lines += ["", "SELF-CHECKS (PHQ-9, GAD-7)"]
    if report.scores:
        for score in report.scores:
            lines.append(f"{score.at:%Y-%m-%d}  {score.name}  {score.score} of {score.max_score}  {score.band}")
        lines.append(SCREENING_NOTE)
    else:
        lines.append("None in this period.")
    lines += ["", "COPING STRATEGIES THAT HELPED"]
    if report.strategies:
        for row in report.strategies:
            lines.append(f"{row.name}: tried {row.times} time(s); helped {_helped(row)}")
    else:
        lines.append("None recorded in this period.")
    lines += ["", "SUPPORT-GROUP MEETINGS ATTENDED"]
    if report.meetings:
        for meeting in report.meetings:
            lines.append(f"{meeting.day:%Y-%m-%d}  {meeting.group}")
    else:
        lines.append("None recorded in this period.")
    if report.notes is not None:
        lines += ["", "NOTES"]
        for at, note in report.notes:
            lines.append(f"{at:%Y-%m-%d %H:%M}  {note}")
        if not report.notes:
            lines.append("No notes in this period.")
    return "\n".join(lines) + "\n"


def safety_plan_text(journal: Journal) -> str:
    plan = safety_plans.load(journal)
    if plan.is_empty:
        raise ReportError(_("Your safety plan is empty. Fill it in first (Journal → Safety plan)."))
    lines = ["MY SAFETY PLAN", ""]
    for key, title, _hint in safety_plans.STEPS:
        lines.append(title)
        lines += [f"  - {item}" for item in plan.steps.get(key, [])] or ["  -"]
        lines.append("")
    if plan.reason_for_living:
        lines += [safety_plans.REASON_TITLE, f"  {plan.reason_for_living}", ""]
    lines.append(safety_plans.ATTRIBUTION)
    return "\n".join(lines) + "\n"


# --- PDF ----------------------------------------------------------------------------------
def _pdf():
    import warnings

    from services.platform import PdfUnavailable, pdf_support

    try:
        font_dir = pdf_support()  # the browser build loads its PDF pack here, the first time
    except PdfUnavailable as error:
        raise ReportError(_("Could not make a PDF: {error}. Save it as text instead, or try again when online.").format(error=error)) from None
    with warnings.catch_warnings():
        # fpdf2 warns that Pillow is missing where it is (the browser build): it only adds images.
        warnings.filterwarnings("ignore", message="Pillow could not be imported")
        from fpdf import FPDF  # imported here: only reports need it

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_margins(15, 15, 15)
    regular, bold = font_dir / "DejaVuSans.ttf", font_dir / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        pdf.add_font("Body", "", str(regular))
        pdf.add_font("Body", "B", str(bold))
        family = "Body"
    else:  # pragma: no cover - the fonts ship in assets/fonts
        family = "Helvetica"
    pdf.set_title("Kindred summary")
    pdf.set_creator("Kindred")
    pdf.set_producer("Kindred")
    pdf.set_creation_date(datetime.now().astimezone())
    return pdf, family


def _heading(pdf, family: str, text: str) -> None:
    pdf.ln(3)
    pdf.set_font(family, "B", 12)
    pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 10)


def _para(pdf, text: str, height: float = 5) -> None:
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


def _table(pdf, family: str, header: list[str], rows: list[list[str]], widths: list[float]) -> None:
    pdf.set_font(family, "B", 9)
    for text, width in zip(header, widths):
        pdf.cell(width, 6, text, border="B")
    pdf.ln(6)
    pdf.set_font(family, "", 9)
    for row in rows:
        for text, width in zip(row, widths):
            pdf.cell(width, 5.5, text)
        pdf.ln(5.5)
    pdf.set_font(family, "", 10)


def _mood_chart(pdf, family: str, report: Report) -> None:
    """Daily average mood (1-5) as a line over the range: drawn, not an image."""
    if len(report.days) < 2:
        return
    x0, y0, width, height = pdf.l_margin + 8, pdf.get_y() + 2, pdf.epw - 10, 40
    pdf.set_draw_color(180, 180, 180)
    pdf.set_font(family, "", 7)
    for mood in range(1, 6):
        y = y0 + height - (mood - 1) / 4 * height
        pdf.line(x0, y, x0 + width, y)
        pdf.text(x0 - 5, y + 1, str(mood))
    span = max((report.end - report.start).days, 1)
    points = [(x0 + (day - report.start).days / span * width, y0 + height - (mood - 1) / 4 * height) for day, mood in report.days]
    pdf.set_draw_color(74, 144, 194)
    pdf.set_line_width(0.6)
    for (xa, ya), (xb, yb) in zip(points, points[1:]):
        pdf.line(xa, ya, xb, yb)
    pdf.set_line_width(0.2)
    pdf.set_draw_color(0, 0, 0)
    pdf.text(x0, y0 + height + 4, f"{report.start:%d %b}")
    pdf.text(x0 + width - 12, y0 + height + 4, f"{report.end:%d %b}")
    pdf.set_y(y0 + height + 7)
    pdf.set_font(family, "", 10)


def to_pdf(report: Report) -> bytes:
    pdf, family = _pdf()
    pdf.add_page()
    pdf.set_font(family, "B", 16)
    pdf.cell(0, 9, "Kindred summary", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 10)
    _para(pdf, f"{report.start:%d %B %Y} to {report.end:%d %B %Y}. Made {report.made_at:%d %B %Y %H:%M}.")
    pdf.set_font(family, "", 8)
    _para(pdf, MADE_WITH, 4)
    pdf.set_font(family, "", 10)
    _heading(pdf, family, "Mood")
    if report.check_ins:
        labels = report.mood_labels
        _para(pdf, f"{report.check_ins} check-ins on {len(report.days)} days; average mood {report.average_mood:.1f} "
                   f"(1 = {labels.get(1, 'Very low')}, 5 = {labels.get(5, 'Great')}).")
        _mood_chart(pdf, family, report)
        _table(pdf, family, ["Week of", "Check-ins", "Average", "Lowest", "Highest"],
               [[f"{w.start:%Y-%m-%d}", str(w.check_ins), f"{w.average:.1f}", str(w.lowest), str(w.highest)]
                for w in report.weeks], [40, 30, 30, 30, 30])
    else:
        _para(pdf, "No check-ins in this period.")
    _heading(pdf, family, "Self-checks (PHQ-9, GAD-7)")
    if report.scores:
        _table(pdf, family, ["Date", "Questionnaire", "Score", "Band"],
               [[f"{s.at:%Y-%m-%d}", s.name, f"{s.score} of {s.max_score}", s.band] for s in report.scores],
               [30, 35, 30, 85])
        pdf.set_font(family, "", 8)
        _para(pdf, SCREENING_NOTE, 4)
        pdf.set_font(family, "", 10)
    else:
        _para(pdf, "None in this period.")
    _heading(pdf, family, "Coping strategies that helped")
    if report.strategies:
        _table(pdf, family, ["Strategy", "Tried", "Helped a lot", "A little", "Not really"],
               [[r.name[:48], str(r.times), str(r.helped_a_lot), str(r.helped_a_little), str(r.not_really)]
                for r in report.strategies], [80, 20, 30, 25, 25])
    else:
        _para(pdf, "None recorded in this period.")
    _heading(pdf, family, "Support-group meetings attended")
    if report.meetings:
        _table(pdf, family, ["Date", "Group"], [[f"{m.day:%Y-%m-%d}", m.group[:80]] for m in report.meetings], [30, 150])
    else:
        _para(pdf, "None recorded in this period.")
    if report.notes is not None:
        _heading(pdf, family, "Notes")
        if not report.notes:
            _para(pdf, "No notes in this period.")
        for at, note in report.notes:
            pdf.set_font(family, "B", 9)
            _para(pdf, f"{at:%Y-%m-%d %H:%M}", 5)
            pdf.set_font(family, "", 10)
            _para(pdf, note)
    return bytes(pdf.output())


def keep_phone_numbers_whole(text: str) -> str:
    """Spaces inside a phone number become non-breaking: a line never splits a number."""
    return PHONE.sub(lambda m: m.group().replace(" ", NBSP) if sum(c.isdigit() for c in m.group()) >= 3 else m.group(), text)


def safety_plan_pdf(journal: Journal) -> bytes:
    """The safety plan on one page (the text is made smaller until it fits)."""
    plan = safety_plans.load(journal)
    if plan.is_empty:
        raise ReportError(_("Your safety plan is empty. Fill it in first (Journal → Safety plan)."))
    for size in (11, 10, 9, 8, 7, 6):
        pdf, family = _pdf()
        pdf.set_title("My safety plan")
        pdf.add_page()
        pdf.set_font(family, "B", size + 5)
        pdf.cell(0, size * 0.8, "My safety plan", new_x="LMARGIN", new_y="NEXT")
        for key, title, _hint in safety_plans.STEPS:
            pdf.ln(1.5)
            pdf.set_font(family, "B", size)
            _para(pdf, title, size * 0.5)
            pdf.set_font(family, "", size)
            for item in plan.steps.get(key, []) or ["—"]:
                _para(pdf, "• " + keep_phone_numbers_whole(item), size * 0.5)
        if plan.reason_for_living:
            pdf.ln(1.5)
            pdf.set_font(family, "B", size)
            _para(pdf, safety_plans.REASON_TITLE, size * 0.5)
            pdf.set_font(family, "", size)
            _para(pdf, keep_phone_numbers_whole(plan.reason_for_living), size * 0.5)
        pdf.ln(2)
        pdf.set_font(family, "", 7)
        _para(pdf, safety_plans.ATTRIBUTION + " If you are in danger now, call your emergency number.", 3.5)
        if pdf.page_no() == 1:
            return bytes(pdf.output())
    return bytes(pdf.output())
