"""The summary for a clinician and the safety plan: PDFs parsed back with pypdf, and plain text."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from pypdf import PdfReader

from cli import main as kindred
from services.journal import Journal, StrategyUse, safety_plan, selfcheck
from services.journal import report as reports
from services.saved import SavedGroups
from tests.privacy_support import CANARY, PASSPHRASE

TZ = timezone(timedelta(hours=-5))


def _text(path_or_bytes) -> str:
    import io

    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    return "\n".join(page.extract_text() for page in PdfReader(source).pages)


@pytest.fixture
def filled(services):
    store, _ = services.vault.set_up(PASSPHRASE, use_keyring=False)
    journal = Journal(store)
    for day in range(1, 29):  # February 2026: moods 1..5 in turn
        journal.add(mood=1 + day % 5, at=datetime(2026, 2, day, 20, 0, tzinfo=TZ),
                    strategies=(StrategyUse("Paced breathing", "a lot"),) if day % 2 else (StrategyUse("A walk", "a little"),),
                    note=f"day {day} {CANARY}" if day == 10 else "", group="bundled/smart-recovery" if day == 12 else None)
    journal.add(mood=5, at=datetime(2026, 3, 15, 9, 0, tzinfo=TZ), note="outside the range")
    selfcheck.save(journal, selfcheck.score("phq9", [1, 1, 1, 1, 1, 1, 1, 1, 0]), at=datetime(2026, 2, 5, 9, tzinfo=TZ))
    selfcheck.save(journal, selfcheck.score("gad7", [2] * 7), at=datetime(2026, 2, 20, 9, tzinfo=TZ))
    selfcheck.save(journal, selfcheck.score("phq9", [0] * 9), at=datetime(2026, 3, 20, 9, tzinfo=TZ))
    saved = SavedGroups(store)
    saved.save("bundled/smart-recovery", {"name": "SMART Recovery"})
    saved.mark_attended("bundled/smart-recovery", date(2026, 2, 19))
    yield services, store, journal
    store.lock()


def test_the_report_holds_the_chosen_range_figures(filled):
    services, store, journal = filled
    built = reports.build(journal, date(2026, 2, 1), date(2026, 2, 28), saved_groups=SavedGroups(store).list())
    assert built.check_ins == 28 and built.average_mood == round(sum(1 + d % 5 for d in range(1, 29)) / 28, 2)
    assert [(s.name, s.score, s.band) for s in built.scores] == [("PHQ-9", 8, "mild"), ("GAD-7", 14, "moderate")]
    assert [r.name for r in built.strategies] == ["Paced breathing", "A walk"]
    assert [(m.day, m.group) for m in built.meetings] == [(date(2026, 2, 12), "SMART Recovery"), (date(2026, 2, 19), "SMART Recovery")]
    assert built.notes is None
    text = reports.to_text(built)
    assert CANARY not in text and "outside the range" not in text
    pdf = _text(reports.to_pdf(built))
    for expected in ("Kindred summary", "01 February 2026 to 28 February 2026", "28 check-ins", "PHQ-9", "8 of 27",
                     "mild", "GAD-7", "14 of 21", "moderate", "Paced breathing", "SMART Recovery", "2026-02-19",
                     "not a diagnosis"):
        assert expected in pdf, expected
    assert CANARY not in pdf and "2026-03-20" not in pdf


def test_notes_only_when_chosen(filled):
    _services, _store, journal = filled
    built = reports.build(journal, date(2026, 2, 1), date(2026, 2, 28), with_notes=True)
    assert [note for _at, note in built.notes] == [f"day 10 {CANARY}"]
    assert CANARY in _text(reports.to_pdf(built)) and CANARY in reports.to_text(built)
    with pytest.raises(reports.ReportError, match="before the start"):
        reports.build(journal, date(2026, 3, 1), date(2026, 2, 1))


def test_the_safety_plan_fits_one_page_and_keeps_phone_numbers_whole(filled):
    _services, _store, journal = filled
    with pytest.raises(reports.ReportError, match="empty"):
        reports.safety_plan_pdf(journal)
    number = "+1 (555) 010 9999"
    safety_plan.save(journal, {
        "warning_signs": "\n".join(f"a long warning sign number {n} that takes up a line or two of the page" for n in range(12)),
        "help_people": f"My sister Ana, who always picks up, even late at night when things are hard: {number}",
        "professionals": "Dr Okafor 020 7946 0018\nCrisis line 988",
    }, reason_for_living="my dog")
    data = reports.safety_plan_pdf(journal)
    reader = PdfReader(__import__("io").BytesIO(data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text().replace("\u00a0", " ")
    lines = text.splitlines()
    assert any(number in line for line in lines), "the number is on one line"
    assert any("020 7946 0018" in line for line in lines)
    assert "My safety plan" in text and "my dog" in text
    plain = reports.safety_plan_text(journal)
    assert number in plain and "988" in plain and "Stanley" in plain


def test_cli_report_and_safety_plan(filled, data_dir, tmp_path, monkeypatch, capsys):
    services, store, journal = filled
    safety_plan.save(journal, {"help_people": "Ana 555 0100"})
    monkeypatch.setenv("KINDRED_PASSPHRASE", PASSPHRASE)
    monkeypatch.setattr("cli.common.stdin_is_interactive", lambda: False)
    out = tmp_path / "summary.pdf"
    assert kindred(["--data-dir", str(data_dir), "journal", "report", "--from", "2026-02-01", "--to", "2026-02-28",
                    "-o", str(out)]) == 0
    assert "28 check-in(s)" in capsys.readouterr().out
    assert out.stat().st_mode & 0o777 == 0o600
    assert "14 of 21" in _text(out) and CANARY not in _text(out)
    assert kindred(["--data-dir", str(data_dir), "journal", "report", "--from", "2026-02-01", "--to", "2026-02-28",
                    "-o", str(tmp_path / "s.txt"), "--with-notes"]) == 0
    assert CANARY in (tmp_path / "s.txt").read_text()
    assert kindred(["--data-dir", str(data_dir), "journal", "report", "--from", "1 Feb", "--to", "2026-02-28",
                    "-o", str(out)]) == 1
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert kindred(["--data-dir", str(data_dir), "journal", "safety-plan", "-o", str(tmp_path / "plan.pdf")]) == 0
    assert "Ana 555 0100" in _text(tmp_path / "plan.pdf").replace("\u00a0", " ")


def test_a_pdf_maker_that_cannot_be_loaded_says_so_and_points_to_text(filled, monkeypatch):
    """The browser build fetches its PDF pack on first use; when that fails (offline before the
    app was ever cached), the person is told in plain words and the text version still works."""
    from services import platform

    _services, _store, journal = filled

    def unavailable():
        raise platform.PdfUnavailable("the PDF maker could not be fetched (no answer)")

    monkeypatch.setattr(platform, "pdf_support", unavailable)
    built = reports.build(journal, date(2026, 2, 1), date(2026, 2, 28))
    with pytest.raises(reports.ReportError, match="Could not make a PDF: .*Save it as text instead"):
        reports.to_pdf(built)
    assert "28 check-ins" in reports.to_text(built)
    monkeypatch.undo()
    assert platform.pdf_support() == platform.FONT_DIR and (platform.FONT_DIR / "DejaVuSans.ttf").is_file()
    assert platform.pdf_available()
