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
from views.live_value import use_live_value
from views.models import use_app
from views.widgets.screen import ScreenBody
from views.widgets.text_input import TextInput
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401


@ft.component
def SetUpContent():
    state = use_app()
    actions = use_actions()
    run = actions.run
    first = use_live_value("")
    second = use_live_value("")
    error, set_error = ft.use_state(None)
    busy, set_busy = ft.use_state(False)
    strength = passphrase_strength(first.value) if first.value else None
    keyring = keyring_available()

    async def create(_e=None):
        if len(first.value) < MIN_PASSPHRASE_LENGTH:
            set_error(_("Choose a passphrase of at least {n} characters.").format(n=MIN_PASSPHRASE_LENGTH))
            return
        if first.value != second.value:
            set_error(_("The two passphrases are different. Type the same one twice."))
            return
        set_error(None)
        set_busy(True)
        opened = await run(set_up, state.services, first.value, state.country, on_error=set_error)
        if opened is FAILED:
            set_busy(False)
            return
        state.opened(opened)

    joining, set_joining = ft.use_state(False)
    code = use_live_value("")
    folder = use_live_value("")

    def ready_to_join() -> bool:
        if len(first.value) < MIN_PASSPHRASE_LENGTH or first.value != second.value:
            set_error(_("First choose this device's passphrase above (at least {n} characters, "
                        "typed twice).").format(n=MIN_PASSPHRASE_LENGTH))
            return False
        if not code.value.strip():
            set_error(_("Type the recovery code your other device showed when you set it up."))
            return False
        set_error(None)
        return True

    async def join_with_file(_e=None):
        if not ready_to_join():
            return
        picked = await actions.pick_file(_("Choose a Kindred sync file"), on_error=set_error)
        if picked is None:
            return
        data = picked[1]
        set_busy(True)
        opened = await run(join_from_file, state.services, data, code.value, first.value, state.country, on_error=set_error)
        set_busy(False)
        if opened is not FAILED:
            state.opened(opened)

    async def join_with_folder(_e=None):
        if not ready_to_join():
            return
        if not folder.value.strip():
            set_error(_("Type the path of the folder your sync tool keeps in step with your other device."))
            return
        set_busy(True)
        opened = await run(join_from_folder, state.services, folder.value.strip(), code.value, first.value,
                           state.country, on_error=set_error)
        set_busy(False)
        if opened is not FAILED:
            state.opened(opened)

    join_controls = [
        ft.TextButton(_("I already use Kindred on another device"), icon=ft.Icons.DEVICES_OUTLINED,
                      on_click=lambda: set_joining(not joining)),
    ]
    if joining:
        join_controls += [
            ft.Text(_("Choose this device's passphrase above, then join with the recovery code (or a pairing code) "
                    "your other device showed, and a sync file it exported or the folder you sync with it."),
                    color=ft.Colors.ON_SURFACE_VARIANT),
            TextInput(label=_("Recovery code"), text=code),
            ft.Row(wrap=True, controls=[ft.OutlinedButton(_("Join with a sync file"), icon=ft.Icons.FILE_OPEN_OUTLINED,
                                                          on_click=join_with_file, disabled=busy)]),
            TextInput(label=_("Sync folder (optional)"), text=folder),
            ft.Row(wrap=True, controls=[ft.OutlinedButton(_("Join through this folder"), icon=ft.Icons.FOLDER_SHARED_OUTLINED,
                                                          on_click=join_with_folder, disabled=busy)]),
        ]

    why = (
        _("Your saved groups, notes and journal are encrypted on this device. Your computer's keychain will also "
        "keep a key, but a passphrase is always needed as a way back in.")
        if keyring
        else _("Your saved groups, notes and journal are encrypted on this device. This device has no keychain "
        "Kindred can use, so a passphrase you choose is what locks and unlocks them. "
        "Nobody else has it, not even Kindred's makers.")
    )
    return ScreenBody(
        [
            Heading(_("Choose a passphrase")),
            ft.Text(why),
            TextInput(
                label=_("Passphrase"),
                password=True,
                can_reveal_password=True,
                autofocus=True,
                text=first,
                on_submit=create,
            ),
            ft.Text(
                _(strength.hint) if strength else _("At least {n} characters. A few unrelated words are easy to remember and hard to guess.").format(n=MIN_PASSPHRASE_LENGTH),
                color=STRENGTH_COLORS[strength.score] if strength else ft.Colors.ON_SURFACE_VARIANT,
            ),
            TextInput(
                label=_("Type it again"),
                password=True,
                can_reveal_password=True,
                text=second,
                on_submit=create,
            ),
            ErrorText(error),
            ft.FilledButton(_("Create passphrase"), icon=ft.Icons.LOCK_OUTLINE, on_click=create, disabled=busy),
            *join_controls,
            PrivacyLink(),
            OpenWithoutPassphrase(),
        ],
        max_width=520,
    )


