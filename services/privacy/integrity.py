"""Words for records that do not decrypt, shared by Settings and ``kindred security check``."""

from __future__ import annotations

from services.privacy.store import IntegrityReport

KIND_LABELS = {
    "journal_entry": ("check-in", "check-ins"),
    "coping_strategy": ("coping strategy of your own", "coping strategies of your own"),
    "self_check": ("self-check", "self-checks"),
    "safety_plan": ("safety plan", "safety plans"),
    "journal_settings": ("journal setting", "journal settings"),
    "saved_group": ("saved group", "saved groups"),
    "setting": ("private setting", "private settings"),
}

WHAT_IT_MEANS = (
    "These records cannot be read with this device's key: they were written under a key it no "
    "longer has (for example by a window left open while Kindred was reset), or were damaged. "
    "They never block the rest of your data. Kept aside, they stay unchanged and are included in "
    "backups, but Kindred cannot show them."
)


def kind_label(kind: str, count: int = 1) -> str:
    singular, plural = KIND_LABELS.get(kind, (kind.replace("_", " "), kind.replace("_", " ") + "s"))
    return singular if count == 1 else plural


def describe_counts(counts: dict[str, int]) -> str:
    """'2 check-ins and 1 saved group'."""
    parts = [f"{count} {kind_label(kind, count)}" for kind, count in sorted(counts.items())]
    if len(parts) <= 1:
        return "".join(parts) or "nothing"
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def summary(report: IntegrityReport) -> str:
    """One sentence for Settings or the terminal."""
    if report.ok and not report.set_aside:
        return "Every private record can be read."
    sentences = []
    if report.unreadable:
        sentences.append(f"{describe_counts(report.unreadable_by_kind)} cannot be read.")
    if report.set_aside:
        sentences.append(f"{describe_counts(report.set_aside_by_kind)} kept aside.")
    return " ".join(sentences)
