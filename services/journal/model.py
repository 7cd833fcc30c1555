"""The journal's plain data: entries, settings, and the fixed vocabularies.

Everything here is stored through the private store (encrypted). Timestamps are aware
datetimes in the person's own offset at the moment of the check-in, so "which day" and
"what time of day" stay what the person saw, even after they travel.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from services.i18n import N_

# Record kinds in the private store that belong to the journal.
ENTRY_KIND = "journal_entry"
STRATEGY_KIND = "coping_strategy"
SELF_CHECK_KIND = "self_check"
SAFETY_PLAN_KIND = "safety_plan"
SETTINGS_KIND = "journal_settings"
SETTINGS_ID = "journal-settings"
SAFETY_PLAN_ID = "safety-plan"
JOURNAL_KINDS = (ENTRY_KIND, STRATEGY_KIND, SELF_CHECK_KIND, SAFETY_PLAN_KIND, SETTINGS_KIND)

MOODS = (1, 2, 3, 4, 5)
DEFAULT_MOOD_LABELS = {1: N_("Very low"), 2: N_("Low"), 3: N_("Okay"), 4: N_("Good"), 5: N_("Great")}
# Calm colours, none of them alarm-red: a low mood is not an error.
MOOD_COLORS = {1: "#5C6BC0", 2: "#4A90C2", 3: "#8D9BA6", 4: "#7CB342", 5: "#F2B33D"}

HELPED_LEVELS = ("not really", "a little", "a lot")
HELPED_SCORE = {"not really": 0, "a little": 1, "a lot": 2}
GROUP_TIMINGS = ("before", "after")

# Emotions arranged by pleasantness x energy (a "mood meter").
EMOTION_QUADRANTS = {
    "pleasant, high energy": (N_("excited"), N_("joyful"), N_("proud"), N_("hopeful"), N_("energised"), N_("playful")),
    "pleasant, low energy": (N_("calm"), N_("content"), N_("relaxed"), N_("grateful"), N_("peaceful"), N_("cared for")),
    "unpleasant, high energy": (N_("anxious"), N_("stressed"), N_("angry"), N_("irritable"), N_("overwhelmed"), N_("restless")),
    "unpleasant, low energy": (N_("sad"), N_("tired"), N_("lonely"), N_("numb"), N_("discouraged"), N_("bored")),
}
ALL_EMOTIONS = tuple(emotion for group in EMOTION_QUADRANTS.values() for emotion in group)

MAX_NOTE_CHARS = 20_000
MAX_SHORT_TEXT = 200
MAX_TAGS = 50
MAX_STRATEGIES = 30


class JournalError(ValueError):
    """A problem the person can act on; the message is for them."""


@dataclass(frozen=True)
class StrategyUse:
    name: str
    helped: str | None = None  # one of HELPED_LEVELS, or None when not said


@dataclass(frozen=True)
class Entry:
    id: str
    at: datetime  # aware, in the person's offset when they checked in
    mood: int
    emotions: tuple[str, ...] = ()
    energy: int | None = None  # 1-5
    anxiety: int | None = None  # 1-5
    sleep_hours: float | None = None
    tags: tuple[str, ...] = ()
    strategies: tuple[StrategyUse, ...] = ()
    note: str = ""
    group: str | None = None  # a saved group's id or name
    group_timing: str | None = None  # "before" | "after" a meeting
    # Lower-cased text for search, computed once (not stored).
    search_text: str = field(default="", compare=False, repr=False)

    @property
    def day(self):
        return self.at.date()

    def with_search_text(self) -> "Entry":
        return replace(self, search_text=search_text_for(self.note, self.tags, self.strategies, self.emotions, self.group))


def search_text_for(note: str, tags, strategies, emotions, group) -> str:
    return "\n".join((note, *tags, *(s.name for s in strategies), *emotions, group or "")).casefold()


@dataclass(frozen=True)
class JournalSettings:
    mood_labels: dict[int, str] = field(default_factory=lambda: dict(DEFAULT_MOOD_LABELS))
    favourites: tuple[str, ...] = ()  # strategy names shown first
    reminder_time: str = "20:00"
    time_zone: str | None = None
    low_mood_offered_for: str | None = None  # the first entry of the last low run offered

    def label(self, mood: int) -> str:
        return self.mood_labels.get(mood) or DEFAULT_MOOD_LABELS[mood]
