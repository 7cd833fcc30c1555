"""Set-up: choose a passphrase (the first time something private is kept)."""

import flet as ft

from services.session import (
    MIN_PASSPHRASE_LENGTH,
    keyring_available,
    passphrase_strength,
    set_up,
)
from views.actions import FAILED, use_actions
from views.lock.common import STRENGTH_COLORS, ErrorText, Heading, PrivacyLink, OpenWithoutPassphrase
from views.models import use_app
from views.widgets.screen import ScreenBody
from views.widgets.text_input import TextInput


@ft.component
def SetUpContent():
    state = use_app()
    run = use_actions().run
    first, set_first = ft.use_state("")
    second, set_second = ft.use_state("")
    error, set_error = ft.use_state(None)
    busy, set_busy = ft.use_state(False)
    strength = passphrase_strength(first) if first else None
    keyring = keyring_available()

    async def create(_=None):
        if len(first) < MIN_PASSPHRASE_LENGTH:
            set_error(f"Choose a passphrase of at least {MIN_PASSPHRASE_LENGTH} characters.")
            return
        if first != second:
            set_error("The two passphrases are different. Type the same one twice.")
            return
        set_error(None)
        set_busy(True)
        opened = await run(set_up, state.services, first, state.country, on_error=set_error)
        if opened is FAILED:
            set_busy(False)
            return
        state.opened(opened)

    why = (
        "Your saved groups, notes and journal are encrypted on this device. Your computer's keychain will also "
        "keep a key, but a passphrase is always needed as a way back in."
        if keyring
        else "Your saved groups, notes and journal are encrypted on this device. This device has no keychain "
        "Kindred can use, so a passphrase you choose is what locks and unlocks them. "
        "Nobody else has it, not even Kindred's makers."
    )
    return ScreenBody(
        [
            Heading("Choose a passphrase"),
            ft.Text(why),
            TextInput(
                label="Passphrase",
                password=True,
                can_reveal_password=True,
                autofocus=True,
                value=first,
                on_change=lambda e: set_first(e.control.value or ""),
                on_submit=create,
            ),
            ft.Text(
                strength.hint if strength else f"At least {MIN_PASSPHRASE_LENGTH} characters. A few unrelated words are easy to remember and hard to guess.",
                color=STRENGTH_COLORS[strength.score] if strength else ft.Colors.ON_SURFACE_VARIANT,
            ),
            TextInput(
                label="Type it again",
                password=True,
                can_reveal_password=True,
                value=second,
                on_change=lambda e: set_second(e.control.value or ""),
                on_submit=create,
            ),
            ErrorText(error),
            ft.FilledButton("Create passphrase", icon=ft.Icons.LOCK_OUTLINE, on_click=create, disabled=busy),
            PrivacyLink(),
            OpenWithoutPassphrase(),
        ],
        max_width=520,
    )


