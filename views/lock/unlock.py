"""Unlock with the passphrase, the recovery code or (desktop) the system keychain."""

import flet as ft

from services import session as sessions
from services.session import WrongSecret
from views.actions import FAILED, use_actions
from views.lock.common import ErrorText, Heading, OpenWithoutPassphrase
from views.live_value import use_live_value
from views.models import use_app
from views.widgets.screen import ScreenBody
from views.widgets.text_input import TextInput
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401


@ft.component
def UnlockContent():
    state = use_app()
    actions = use_actions()
    use_code, set_use_code = ft.use_state(False)
    secret = use_live_value("")
    error, set_error = ft.use_state(None)
    busy, set_busy = ft.use_state(False)

    async def unlock(_e=None):
        if not secret.value:
            set_error(_("Type your recovery code.") if use_code else _("Type your passphrase."))
            return
        set_busy(True)
        wrong = (
            _("That recovery code doesn't unlock Kindred. Nothing was changed; check it and try again.")
            if use_code
            else _("That passphrase doesn't unlock Kindred. Nothing was changed; try again.")
        )

        opener = sessions.unlock_with_recovery_code if use_code else sessions.unlock
        session = await actions.run(opener, state.services, secret.value, state.country, on_error=set_error,
                                    messages={WrongSecret: wrong})
        if session is FAILED:
            set_busy(False)
            return
        state.opened(session)

    async def with_keyring():
        session = await actions.run(sessions.unlock_with_keyring, state.services, state.country, on_error=set_error)
        if not session:
            set_error(_("Your system keychain could not open Kindred. Use your passphrase."))
            return
        state.opened(session)

    def switch():
        set_use_code(not use_code)
        secret.set("")
        set_error(None)

    return ScreenBody(
        [
            ft.Icon(ft.Icons.LOCK_OUTLINE, size=40, color=ft.Colors.PRIMARY),
            Heading(_("Kindred is locked")),
            ft.Text(
                state.lock_message or _("Your private things are encrypted on this device."),
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
            TextInput(
                key="code" if use_code else "passphrase",
                label=_("Recovery code") if use_code else _("Passphrase"),
                hint_text=_("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX") if use_code else None,
                password=not use_code,
                can_reveal_password=not use_code,
                capitalization=ft.TextCapitalization.CHARACTERS if use_code else None,
                autofocus=True,
                text=secret,
                on_submit=unlock,
            ),
            ErrorText(error),
            ft.FilledButton(_("Unlock"), icon=ft.Icons.LOCK_OPEN, on_click=unlock, disabled=busy),
            # Opening takes seconds on a slow phone (the key is made slow on purpose): say that
            # the tap was heard, or a person taps again and wonders.
            *([ft.Row([ft.ProgressRing(width=20, height=20), ft.Text(_("Unlocking…"))])] if busy else []),
            *(
                [ft.OutlinedButton(_("Unlock with system keychain"), icon=ft.Icons.KEY, on_click=with_keyring)]
                if state.keyring_unlock_available
                else []
            ),
            ft.TextButton(
                _("Use my passphrase instead") if use_code else _("Use recovery code instead"),
                on_click=switch,
            ),
            ft.Text(
                _("Wrong attempts never delete anything.") if not use_code else
                _("After unlocking with the recovery code, choose a new passphrase in Settings."),
                size=12,
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
            OpenWithoutPassphrase(),
        ],
        max_width=520,
    )


