"""Set-up: choose a passphrase (the first time something private is kept)."""

import flet as ft

from services.session import (
    MIN_PASSPHRASE_LENGTH,
    join_from_file,
    join_from_folder,
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
    actions = use_actions()
    run = actions.run
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

    joining, set_joining = ft.use_state(False)
    code, set_code = ft.use_state("")
    folder, set_folder = ft.use_state("")

    def ready_to_join() -> bool:
        if len(first) < MIN_PASSPHRASE_LENGTH or first != second:
            set_error(f"First choose this device's passphrase above (at least {MIN_PASSPHRASE_LENGTH} characters, "
                      "typed twice).")
            return False
        if not code.strip():
            set_error("Type the recovery code your other device showed when you set it up.")
            return False
        set_error(None)
        return True

    async def join_with_file(_=None):
        if not ready_to_join():
            return
        picked = await actions.pick_file("Choose a Kindred sync file", on_error=set_error)
        if picked is None:
            return
        data = picked[1]
        set_busy(True)
        opened = await run(join_from_file, state.services, data, code, first, state.country, on_error=set_error)
        set_busy(False)
        if opened is not FAILED:
            state.opened(opened)

    async def join_with_folder(_=None):
        if not ready_to_join():
            return
        if not folder.strip():
            set_error("Type the path of the folder your sync tool keeps in step with your other device.")
            return
        set_busy(True)
        opened = await run(join_from_folder, state.services, folder.strip(), code, first, state.country, on_error=set_error)
        set_busy(False)
        if opened is not FAILED:
            state.opened(opened)

    join_controls = [
        ft.TextButton("I already use Kindred on another device", icon=ft.Icons.DEVICES_OUTLINED,
                      on_click=lambda: set_joining(not joining)),
    ]
    if joining:
        join_controls += [
            ft.Text("Choose this device's passphrase above, then join with the recovery code (or a pairing code) "
                    "your other device showed, and a sync file it exported or the folder you sync with it.",
                    color=ft.Colors.ON_SURFACE_VARIANT),
            TextInput(label="Recovery code", value=code, on_change=lambda e: set_code(e.control.value or "")),
            ft.Row(wrap=True, controls=[ft.OutlinedButton("Join with a sync file", icon=ft.Icons.FILE_OPEN_OUTLINED,
                                                          on_click=join_with_file, disabled=busy)]),
            TextInput(label="Sync folder (optional)", value=folder, on_change=lambda e: set_folder(e.control.value or "")),
            ft.Row(wrap=True, controls=[ft.OutlinedButton("Join through this folder", icon=ft.Icons.FOLDER_SHARED_OUTLINED,
                                                          on_click=join_with_folder, disabled=busy)]),
        ]

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
            *join_controls,
            PrivacyLink(),
            OpenWithoutPassphrase(),
        ],
        max_width=520,
    )


