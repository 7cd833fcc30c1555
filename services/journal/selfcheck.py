"""PHQ-9 and GAD-7 with their published wording, scoring and severity bands.

Both questionnaires were developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt
Kroenke and colleagues, with an educational grant from Pfizer Inc. No permission is
required to reproduce, translate, display or distribute them. A score is a screening,
not a diagnosis.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.i18n import N_, _
from services.journal.journal import Journal
from services.journal.model import JournalError

ATTRIBUTION = N_(
    "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, "
    "with an educational grant from Pfizer Inc. No permission required to reproduce, translate, "
    "display or distribute."
)
# The questionnaires' own wording (stem, items, answers, bands) is shown in English in every
# language: Kindred bundles no authoritative published Spanish or French text yet, and does not
# make up its own translation of a validated instrument. Views say so (ENGLISH_ONLY_NOTE).
ENGLISH_ONLY_NOTE = N_(
    "The PHQ-9 and GAD-7 questions are shown in English: Kindred does not include their official "
    "published translations yet, and does not translate a validated questionnaire itself."
)
NOT_A_DIAGNOSIS = N_(
    "This is a screening, not a diagnosis. Only a doctor or mental-health professional can "
    "diagnose; if your score worries you, or you'd like support, consider sharing it with one."
)

ANSWERS = ("Not at all", "Several days", "More than half the days", "Nearly every day")
DIFFICULTY_QUESTION = (
    "If you checked off any problems, how difficult have these problems made it for you to do your "
    "work, take care of things at home, or get along with other people?"
)
DIFFICULTY_ANSWERS = ("Not difficult at all", "Somewhat difficult", "Very difficult", "Extremely difficult")


@dataclass(frozen=True)
class Questionnaire:
    id: str
    name: str
    title: str
    stem: str
    items: tuple[str, ...]
    bands: tuple[tuple[int, int, str], ...]  # (low, high, label), inclusive

    @property
    def max_score(self) -> int:
        return 3 * len(self.items)


PHQ9 = Questionnaire(
    id="phq9",
    name="PHQ-9",
    title="Patient Health Questionnaire (PHQ-9)",
    stem="Over the last 2 weeks, how often have you been bothered by any of the following problems?",
    items=(
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
        "Trouble falling or staying asleep, or sleeping too much",
        "Feeling tired or having little energy",
        "Poor appetite or overeating",
        "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so "
        "fidgety or restless that you have been moving around a lot more than usual",
        "Thoughts that you would be better off dead or of hurting yourself in some way",
    ),
    bands=((0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 19, "moderately severe"), (20, 27, "severe")),
)

GAD7 = Questionnaire(
    id="gad7",
    name="GAD-7",
    title="Generalized Anxiety Disorder 7-item scale (GAD-7)",
    stem="Over the last 2 weeks, how often have you been bothered by the following problems?",
    items=(
        "Feeling nervous, anxious or on edge",
        "Not being able to stop or control worrying",
        "Worrying too much about different things",
        "Trouble relaxing",
        "Being so restless that it is hard to sit still",
        "Becoming easily annoyed or irritable",
        "Feeling afraid as if something awful might happen",
    ),
    bands=((0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 21, "severe")),
)

QUESTIONNAIRES = {PHQ9.id: PHQ9, GAD7.id: GAD7}
PHQ9_SELF_HARM_ITEM = 8  # zero-based index of item 9


@dataclass(frozen=True)
class SelfCheckResult:
    id: str | None
    questionnaire: str
    at: datetime | None
    answers: tuple[int, ...]
    difficulty: int | None
    score: int
    band: str
    max_score: int

    @property
    def needs_crisis_lines(self) -> bool:
        """Any answer above zero on PHQ-9 item 9: show the crisis lines at once."""
        return self.questionnaire == PHQ9.id and self.answers[PHQ9_SELF_HARM_ITEM] > 0

    @property
    def caption(self) -> str:
        name = QUESTIONNAIRES[self.questionnaire].name
        return _("{name} score {score} of {max}: in the range the questionnaire calls \"{band}\".").format(
            name=name, score=self.score, max=self.max_score, band=self.band)


def band_for(questionnaire: Questionnaire, score: int) -> str:
    for low, high, label in questionnaire.bands:
        if low <= score <= high:
            return label
    raise JournalError("score out of range")


def score(questionnaire_id: str, answers, difficulty: int | None = None) -> SelfCheckResult:
    questionnaire = QUESTIONNAIRES.get(questionnaire_id)
    if questionnaire is None:
        raise JournalError(f"Unknown self-check {questionnaire_id!r}.")
    answers = tuple(answers)
    if len(answers) != len(questionnaire.items) or any(a is None for a in answers):
        raise JournalError(N_("Answer every question to see a score."))
    if any(isinstance(a, bool) or a not in (0, 1, 2, 3) for a in answers):
        raise JournalError(N_("Each answer is from 0 (not at all) to 3 (nearly every day)."))
    if difficulty is not None and difficulty not in (0, 1, 2, 3):
        raise JournalError(N_("Difficulty is from 0 to 3."))
    total = sum(answers)
    return SelfCheckResult(None, questionnaire.id, None, answers, difficulty, total, band_for(questionnaire, total), questionnaire.max_score)


def save(journal: Journal, result: SelfCheckResult, at: datetime | None = None) -> SelfCheckResult:
    payload = {"questionnaire": result.questionnaire, "answers": list(result.answers), "difficulty": result.difficulty}
    record_id = journal.save_self_check(payload, at=at)
    return history(journal, result.questionnaire)[-1] if record_id else result


def history(journal: Journal, questionnaire_id: str | None = None) -> list[SelfCheckResult]:
    """Saved results, oldest first."""
    results = []
    for record_id, payload in journal.self_check_records():
        if questionnaire_id and payload.get("questionnaire") != questionnaire_id:
            continue
        scored = score(payload["questionnaire"], payload["answers"], payload.get("difficulty"))
        results.append(
            SelfCheckResult(record_id, scored.questionnaire, datetime.fromisoformat(payload["at"]), scored.answers,
                            scored.difficulty, scored.score, scored.band, scored.max_score)
        )
    return results
