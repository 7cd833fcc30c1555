"""The recovery code, shown once after set-up until "I have written it down"."""

import flet as ft

from views.lock.common import Heading
from views.models import use_app
from views.widgets.check_row import CheckRow
from views.widgets.screen import ScreenBody
from views.widgets.selectable_text import SelectableText
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401


@ft.component
def RecoveryCodeContent():
    state = use_app()
    confirmed, set_confirmed = ft.use_state(False)
    code = state.pending_recovery_code or ""

    def done():
        state.acknowledge_recovery_code()

    async def copy():
        # Only to this device's clipboard, at the person's request.
        await ft.Clipboard().set(code)
        state.page.show_dialog(ft.SnackBar(ft.Text(_("Recovery code copied. Paste it somewhere safe, then clear it.")),
                                           show_close_icon=True))

    return ScreenBody(
        [
            Heading(_("Your recovery code")),
            ft.Text(
                _("If you ever forget your passphrase, this code is the only way back in. "
                "Write it down and keep it somewhere safe. It is shown only this once.")
            ),
            ft.Container(
                bgcolor=ft.Colors.SECONDARY_CONTAINER,
                border_radius=12,
                padding=16,
                content=SelectableText(
                    code,
                    label=_("Recovery code {code}").format(code=code),
                    identifier="recovery-code",
                    size=18,
                    font_family="monospace",
                    weight=ft.FontWeight.W_600,
                    color=ft.Colors.ON_SECONDARY_CONTAINER,
                    text_align=ft.TextAlign.CENTER,
                ),
                alignment=ft.Alignment.CENTER,
            ),
            ft.Row([ft.OutlinedButton(_("Copy the code"), icon=ft.Icons.CONTENT_COPY, on_click=copy)]),
            CheckRow(_("I have written it down"), confirmed, set_confirmed),
            ft.FilledButton(_("Continue"), icon=ft.Icons.ARROW_FORWARD, on_click=done, disabled=not confirmed),
        ],
        max_width=520,
    )


