"""The private journal: check-ins, coping strategies, insights, self-checks, the safety
plan, exports and imports. Plain Python over the encrypted private store; no UI here."""

from services.journal import exchange, insights, reminder, safety_plan, selfcheck, strategies  # noqa: F401
from services.journal.journal import PAGE_SIZE, Journal, OwnStrategy, TimelinePage, TimelineQuery
from services.journal.model import (
    ALL_EMOTIONS,
    DEFAULT_MOOD_LABELS,
    EMOTION_QUADRANTS,
    HELPED_LEVELS,
    MOOD_COLORS,
    Entry,
    JournalError,
    JournalSettings,
    StrategyUse,
)

__all__ = [
    "ALL_EMOTIONS", "DEFAULT_MOOD_LABELS", "EMOTION_QUADRANTS", "HELPED_LEVELS", "MOOD_COLORS", "PAGE_SIZE",
    "Entry", "Journal", "JournalError", "JournalSettings", "OwnStrategy", "StrategyUse", "TimelinePage", "TimelineQuery",
]
