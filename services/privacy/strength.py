"""A plain-words hint about how strong a passphrase is. Advice, not a gate (the only hard
rule is the minimum length in the vault)."""

from __future__ import annotations

from dataclasses import dataclass

from services.i18n import N_, _
from services.privacy.vault import MIN_PASSPHRASE_LENGTH

COMMON = {"password", "passw0rd", "12345678", "123456789", "qwertyui", "iloveyou", "letmein1", "kindred1", "11111111"}


@dataclass(frozen=True)
class Strength:
    score: int  # 0 too short, 1 weak, 2 fair, 3 strong
    hint: str


def passphrase_strength(passphrase: str) -> Strength:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        return Strength(0, _("Too short: use at least {n} characters.").format(n=MIN_PASSPHRASE_LENGTH))
    lowered = passphrase.lower()
    if lowered in COMMON or len(set(lowered)) <= 3:
        return Strength(1, N_("Weak: this is easy to guess. A few unrelated words work well."))
    words = [w for w in passphrase.replace("-", " ").split() if w]
    classes = sum(
        [any(c.islower() for c in passphrase), any(c.isupper() for c in passphrase), any(c.isdigit() for c in passphrase),
         any(not c.isalnum() for c in passphrase)]
    )
    if len(passphrase) >= 20 or (len(words) >= 4 and len(passphrase) >= 16):
        return Strength(3, N_("Strong."))
    if len(passphrase) >= 12 and (classes >= 2 or len(words) >= 3):
        return Strength(2, N_("Fair. Longer is stronger: four or more unrelated words are hard to guess."))
    return Strength(1, N_("Weak: make it longer. Four or more unrelated words are easy to remember and hard to guess."))
