"""The Stanley–Brown safety plan: six steps, in the person's own words, encrypted."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.i18n import N_, _, format_number
from services.journal.journal import Journal
from services.journal.model import JournalError

STEPS = (
    ("warning_signs", N_("1. Warning signs"), N_("Thoughts, images, moods, situations or behaviour that tell me a crisis may be starting")),
    ("internal_coping", N_("2. Things I can do on my own"), N_("Ways to take my mind off things without contacting anyone (relaxing, moving, a hobby)")),
    ("distraction", N_("3. People and places that take my mind off things"), N_("People I can be with and social settings where I feel a bit better")),
    ("help_people", N_("4. People I can ask for help"), N_("Names and phone numbers of people I can tell that I'm struggling")),
    ("professionals", N_("5. Professionals and crisis lines"), N_("My doctor, therapist or care team, an urgent care service, and crisis lines (see \"Get help now\")")),
    ("safe_environment", N_("6. Making my surroundings safe"), N_("How I can keep myself safe, for example putting away or handing to someone things I could use to hurt myself")),
)
REASON_KEY = "reason_for_living"
REASON_TITLE = N_("The one thing that matters most to me and is worth living for")
ATTRIBUTION = N_("Based on the Stanley–Brown Safety Plan (Barbara Stanley and Gregory K. Brown).")
MAX_STEP_CHARS = 5000


@dataclass
class SafetyPlan:
    steps: dict[str, list[str]] = field(default_factory=lambda: {key: [] for key, *_ in STEPS})
    reason_for_living: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.reason_for_living and not any(self.steps.values())


def _lines(text_or_list) -> list[str]:
    if isinstance(text_or_list, str):
        items = text_or_list.splitlines()
    else:
        items = list(text_or_list or ())
    return [" ".join(str(item).split()) for item in items if str(item).strip()]


def load(journal: Journal) -> SafetyPlan:
    payload = journal.safety_plan_payload() or {}
    steps = payload.get("steps") or {}
    return SafetyPlan(
        steps={key: _lines(steps.get(key, [])) for key, *_ in STEPS},
        reason_for_living=payload.get(REASON_KEY, ""),
    )


def save(journal: Journal, steps: dict, reason_for_living: str = "") -> SafetyPlan:
    cleaned = {key: _lines(steps.get(key, [])) for key, *_ in STEPS}
    for key, lines in cleaned.items():
        if sum(len(line) for line in lines) > MAX_STEP_CHARS:
            raise JournalError(_("One step can hold up to {n} characters.").format(n=format_number(MAX_STEP_CHARS)))
    reason = (reason_for_living or "").strip()
    if len(reason) > MAX_STEP_CHARS:
        raise JournalError(_("That can hold up to {n} characters.").format(n=format_number(MAX_STEP_CHARS)))
    journal.save_safety_plan_payload({"steps": cleaned, REASON_KEY: reason})
    return load(journal)
