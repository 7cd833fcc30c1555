"""Screen lock: the PIN (or biometrics) opens it; the passphrase is always an option."""

import flet as ft

from services.session import MAX_ATTEMPTS
from views.actions import use_actions
from views.lock.common import ErrorText, Heading
from views.live_value import use_live_value
from views.models import use_app
from views.widgets.screen import ScreenBody
from views.widgets.text_input import TextInput
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401


@ft.component
def QuickUnlockContent():
    """Screen lock: the PIN (or biometrics) opens it; the passphrase is always an option."""
    state = use_app()
    actions = use_actions()
    pin = use_live_value("")
    message, set_message = ft.use_state(None)

    async def try_pin(_e=None):
        session = state.session
        if session is None:
            return
        attempt = await actions.run(session.try_pin, pin.value)
        pin.set("")
        if not attempt or attempt.ok or attempt.locked_out:
            return
        set_message(
            _("That PIN is not right. Wait {seconds} s before the next try "
              "({left} left before the passphrase is needed).").format(seconds=int(attempt.wait_seconds + 0.99), left=attempt.attempts_left)
        )

    async def biometric():
        try:
            from flet_local_auth import LocalAuthentication

            if await LocalAuthentication().authenticate(_("Unlock Kindred")):
                state.session and state.session.biometric_succeeded()
        except Exception:  # noqa: BLE001 - cancelled, unsupported or failed: the PIN/passphrase remain
            set_message(_("Biometric unlock did not work. Use your PIN or passphrase."))

    def use_passphrase():
        state.lock_now()

    if state.security.has_pin:
        heading, words = _("Locked \u2014 your PIN opens it"), (
            _("Kindred put its key away. In this window your PIN opens it again; after "
              "{n} wrong PINs, in another window, or after closing Kindred, your passphrase is needed.").format(n=MAX_ATTEMPTS)
        )
    else:
        heading, words = _("Screen locked"), (
            _("This is a screen lock, not encryption: Kindred is still open in this window. "
            "Closing Kindred or choosing \"Use passphrase\" locks it fully.")
        )
    controls = [
        ft.Icon(ft.Icons.SCREEN_LOCK_PORTRAIT, size=40, color=ft.Colors.PRIMARY),
        Heading(heading),
        ft.Text(words, color=ft.Colors.ON_SURFACE_VARIANT),
    ]
    if state.security.has_pin:
        controls += [
            TextInput(
                label=_("PIN"),
                password=True,
                keyboard_type=ft.KeyboardType.NUMBER,
                autofocus=True,
                text=pin,
                max_length=12,
                on_submit=try_pin,
            ),
            ErrorText(message),
            ft.FilledButton(_("Open"), icon=ft.Icons.LOCK_OPEN, on_click=try_pin),
        ]
    if state.session is not None and state.session.biometric_can_open:
        controls.append(ft.OutlinedButton(_("Use fingerprint or face"), icon=ft.Icons.FINGERPRINT, on_click=biometric))
    controls.append(ft.TextButton(_("Use passphrase"), on_click=use_passphrase))
    return ScreenBody(controls, max_width=520)
