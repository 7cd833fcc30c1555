"""Set-up, recovery code, unlock and quick unlock (PIN / biometrics) screens.

These replace the app's content (never "Get help now") until this session is unlocked.
Every slow step (scrypt, about 0.1 s) runs in a thread through AppState.
"""

import flet as ft

from services.privacy import VaultError, WrongSecret
from services.privacy.strength import passphrase_strength
from services.privacy.vault import MIN_PASSPHRASE_LENGTH
from views.state import use_app_state
from views.widgets.screen import ScreenBody

STRENGTH_COLORS = {0: ft.Colors.ERROR, 1: ft.Colors.ERROR, 2: ft.Colors.TERTIARY, 3: ft.Colors.PRIMARY}


def Heading(text: str):
    return ft.Text(text, theme_style=ft.TextThemeStyle.HEADLINE_SMALL)


def ErrorText(message: str | None):
    return ft.Text(message or "", color=ft.Colors.ERROR, visible=bool(message), semantics_label=message or None)


def PrivacyLink(label: str = "How Kindred keeps things private"):
    def open_privacy():
        ft.context.page.navigate("/privacy")

    return ft.TextButton(label, icon=ft.Icons.PRIVACY_TIP_OUTLINED, on_click=open_privacy)


@ft.component
def SetUpContent():
    state = use_app_state()
    first, set_first = ft.use_state("")
    second, set_second = ft.use_state("")
    error, set_error = ft.use_state(None)
    busy, set_busy = ft.use_state(False)
    strength = passphrase_strength(first) if first else None
    keyring = state.services.vault.keyring_available()

    async def create(_=None):
        if len(first) < MIN_PASSPHRASE_LENGTH:
            set_error(f"Choose a passphrase of at least {MIN_PASSPHRASE_LENGTH} characters.")
            return
        if first != second:
            set_error("The two passphrases are different. Type the same one twice.")
            return
        set_error(None)
        set_busy(True)
        try:
            await state.set_up(first)
        except VaultError as problem:
            set_error(str(problem))
            set_busy(False)

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
            ft.TextField(
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
            ft.TextField(
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
        ],
        max_width=520,
    )


@ft.component
def RecoveryCodeContent():
    state = use_app_state()
    confirmed, set_confirmed = ft.use_state(False)
    code = state.pending_recovery_code or ""

    def done():
        state.acknowledge_recovery_code()

    return ScreenBody(
        [
            Heading("Your recovery code"),
            ft.Text(
                "If you ever forget your passphrase, this code is the only way back in. "
                "Write it down and keep it somewhere safe. It is shown only this once."
            ),
            ft.Container(
                bgcolor=ft.Colors.SECONDARY_CONTAINER,
                border_radius=12,
                padding=16,
                content=ft.Semantics(
                    identifier="recovery-code",
                    label=f"Recovery code {code}",
                    content=ft.Text(
                        code,
                        selectable=True,
                        size=18,
                        font_family="monospace",
                        weight=ft.FontWeight.W_600,
                        color=ft.Colors.ON_SECONDARY_CONTAINER,
                        text_align=ft.TextAlign.CENTER,
                    ),
                ),
                alignment=ft.Alignment.CENTER,
            ),
            ft.Checkbox(label="I have written it down", value=confirmed, on_change=lambda e: set_confirmed(bool(e.control.value))),
            ft.FilledButton("Continue", icon=ft.Icons.ARROW_FORWARD, on_click=done, disabled=not confirmed),
        ],
        max_width=520,
    )


@ft.component
def UnlockContent():
    state = use_app_state()
    use_code, set_use_code = ft.use_state(False)
    secret, set_secret = ft.use_state("")
    error, set_error = ft.use_state(None)
    busy, set_busy = ft.use_state(False)

    async def unlock(_=None):
        if not secret:
            set_error("Type your recovery code." if use_code else "Type your passphrase.")
            return
        set_busy(True)
        try:
            if use_code:
                await state.unlock_with_recovery_code(secret)
            else:
                await state.unlock(secret)
        except WrongSecret:
            set_error(
                "That recovery code doesn't unlock Kindred. Nothing was changed; check it and try again."
                if use_code
                else "That passphrase doesn't unlock Kindred. Nothing was changed; try again."
            )
            set_busy(False)

    async def with_keyring():
        if not await state.unlock_with_keyring():
            set_error("Your system keychain could not open Kindred. Use your passphrase.")

    def switch():
        set_use_code(not use_code)
        set_secret("")
        set_error(None)

    return ScreenBody(
        [
            ft.Icon(ft.Icons.LOCK_OUTLINE, size=40, color=ft.Colors.PRIMARY),
            Heading("Kindred is locked"),
            ft.Text(
                state.lock_message or "Your private things are encrypted on this device.",
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
            ft.TextField(
                key="code" if use_code else "passphrase",
                label="Recovery code" if use_code else "Passphrase",
                hint_text="XXXX-XXXX-XXXX-XXXX-XXXX-XXXX" if use_code else None,
                password=not use_code,
                can_reveal_password=not use_code,
                capitalization=ft.TextCapitalization.CHARACTERS if use_code else None,
                autofocus=True,
                value=secret,
                on_change=lambda e: set_secret(e.control.value or ""),
                on_submit=unlock,
            ),
            ErrorText(error),
            ft.FilledButton("Unlock", icon=ft.Icons.LOCK_OPEN, on_click=unlock, disabled=busy),
            *(
                [ft.OutlinedButton("Unlock with system keychain", icon=ft.Icons.KEY, on_click=with_keyring)]
                if state.keyring_unlock_available
                else []
            ),
            ft.TextButton(
                "Use my passphrase instead" if use_code else "Use recovery code instead",
                on_click=switch,
            ),
            ft.Text(
                "Wrong attempts never delete anything." if not use_code else
                "After unlocking with the recovery code, choose a new passphrase in Settings.",
                size=12,
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
        ],
        max_width=520,
    )


@ft.component
def QuickUnlockContent():
    """Screen lock: the PIN (or biometrics) opens it; the passphrase is always an option."""
    state = use_app_state()
    pin, set_pin = ft.use_state("")
    message, set_message = ft.use_state(None)

    async def try_pin(_=None):
        attempt = await state.try_pin(pin)
        set_pin("")
        if attempt.ok or attempt.locked_out:
            return
        set_message(
            f"That PIN is not right. Wait {int(attempt.wait_seconds + 0.99)} s before the next try "
            f"({attempt.attempts_left} left before the passphrase is needed)."
        )

    async def biometric():
        try:
            from flet_local_auth import LocalAuthentication

            if await LocalAuthentication().authenticate("Unlock Kindred"):
                state.biometric_succeeded()
        except Exception:  # noqa: BLE001 - cancelled, unsupported or failed: the PIN/passphrase remain
            set_message("Biometric unlock did not work. Use your PIN or passphrase.")

    def use_passphrase():
        state.lock_now()

    controls = [
        ft.Icon(ft.Icons.SCREEN_LOCK_PORTRAIT, size=40, color=ft.Colors.PRIMARY),
        Heading("Screen locked"),
        ft.Text(
            "This is a screen lock, not encryption: Kindred is still open in this window. "
            "Your PIN opens the screen again; closing Kindred or choosing \"Use passphrase\" locks it fully.",
            color=ft.Colors.ON_SURFACE_VARIANT,
        ),
    ]
    if state.security.has_pin:
        controls += [
            ft.TextField(
                label="PIN",
                password=True,
                keyboard_type=ft.KeyboardType.NUMBER,
                autofocus=True,
                value=pin,
                max_length=12,
                on_change=lambda e: set_pin(e.control.value or ""),
                on_submit=try_pin,
            ),
            ErrorText(message),
            ft.FilledButton("Open", icon=ft.Icons.LOCK_OPEN, on_click=try_pin),
        ]
    if state.security.biometric and state.biometric_available:
        controls.append(ft.OutlinedButton("Use fingerprint or face", icon=ft.Icons.FINGERPRINT, on_click=biometric))
    controls.append(ft.TextButton("Use passphrase", on_click=use_passphrase))
    return ScreenBody(controls, max_width=520)
