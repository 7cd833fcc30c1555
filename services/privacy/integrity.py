"""Words for records that do not decrypt, shared by Settings and ``kindred security check``."""

from __future__ import annotations

from services.i18n import N_, _, format_list, ngettext
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

WHAT_IT_MEANS = N_(
    "These records cannot be read with this device's key: they were written under a key it no "
    "longer has (for example by a window left open while Kindred was reset), or were damaged. "
    "They never block the rest of your data. Kept aside, they stay unchanged and are included in "
    "backups, but Kindred cannot show them."
)


def kind_label(kind: str, count: int = 1) -> str:
    singular, plural = KIND_LABELS.get(kind, (kind.replace("_", " "), kind.replace("_", " ")))
    return singular if count == 1 else plural


# Every kind of private record counted in words, with the right plural in every language
# ("1 journal entry", "165 journal entries"): never a noun plus "s".
_COUNTED = {
    "journal_entry": lambda n: ngettext("{n} journal entry", "{n} journal entries", n),
    "coping_strategy": lambda n: ngettext("{n} coping strategy of your own", "{n} coping strategies of your own", n),
    "self_check": lambda n: ngettext("{n} self-check", "{n} self-checks", n),
    "safety_plan": lambda n: ngettext("{n} safety plan", "{n} safety plans", n),
    "journal_settings": lambda n: ngettext("{n} journal setting", "{n} journal settings", n),
    "saved_group": lambda n: ngettext("{n} saved group", "{n} saved groups", n),
    "setting": lambda n: ngettext("{n} private setting", "{n} private settings", n),
}
_NAMED = {
    "journal_entry": lambda: _("journal entry"),
    "coping_strategy": lambda: _("coping strategy of your own"),
    "self_check": lambda: _("self-check"),
    "safety_plan": lambda: _("safety plan"),
    "journal_settings": lambda: _("journal settings"),
    "saved_group": lambda: _("saved group"),
    "setting": lambda: _("private setting"),
}


def count_of(kind: str, count: int) -> str:
    """'1 journal entry', '165 journal entries' (in the language being served)."""
    counted = _COUNTED.get(kind)
    if counted is None:  # a kind from a newer version: its name, uncounted
        return f"{count} × {kind.replace('_', ' ')}"
    from services.i18n import format_number  # noqa: PLC0415

    return counted(count).format(n=format_number(count))


def kind_name(kind: str) -> str:
    """One record's kind in words: 'journal entry'."""
    named = _NAMED.get(kind)
    return named() if named else kind.replace("_", " ")


def describe_counts(counts: dict[str, int]) -> str:
    """'2 journal entries and 1 saved group'."""
    parts = [count_of(kind, count) for kind, count in sorted(counts.items())]
    return format_list(parts) if parts else _("nothing")


def summary(report: IntegrityReport) -> str:
    """One sentence for Settings or the terminal."""
    if report.ok and not report.set_aside:
        return _("Every private record can be read.")
    sentences = []
    if report.unreadable:
        sentences.append(_("{what} cannot be read.").format(what=describe_counts(report.unreadable_by_kind)))
    if report.set_aside:
        sentences.append(_("{what} kept aside.").format(what=describe_counts(report.set_aside_by_kind)))
    return " ".join(sentences)
