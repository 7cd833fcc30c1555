"""The auth guard: one layout route around every private screen.

Until this session is unlocked the guard shows what is needed instead (welcome, set-up,
unlock, the recovery code once, the screen lock); "Get help now" always works.
"""

import flet as ft

from views.lock.quick_unlock import QuickUnlockContent
from views.lock.recovery_code import RecoveryCodeContent
from views.lock.setup import SetUpContent
from views.lock.unlock import UnlockContent
from views.lock.welcome import WelcomeContent
from views.models import AppModel, use_app
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401


def full_screen_gate(app: AppModel):
    """What fills the whole window: the first welcome, and a new recovery code (once)."""
    if not app.preferences.welcome_done:
        return WelcomeContent
    if app.session is not None and app.pending_recovery_code:
        return RecoveryCodeContent
    return None


def gate_for(app: AppModel):
    """The screen to show instead of private ones, or None when the session is open."""
    if not app.preferences.welcome_done:
        return WelcomeContent
    if not app.vault_set_up:
        return SetUpContent
    if app.session is None:
        return UnlockContent
    if app.pending_recovery_code:
        return RecoveryCodeContent
    if app.screen_locked:
        return QuickUnlockContent
    return None


@ft.component
def PrivateGateDialog():
    """Asked the first time something private is kept from a public screen (saving a
    group from Find): set-up (or unlock) in a dialog over the screen; once the session is
    open, what the person asked for happens."""
    app = use_app()
    asking = app.asking_private  # AppModel.opened() clears it and runs what was asked

    def cancel(_=None):
        app._after_open = None
        app.asking_private = None

    if asking is None:
        ft.use_dialog(None)
    else:
        gate = SetUpContent if not app.vault_set_up else UnlockContent
        ft.use_dialog(ft.AlertDialog(
            modal=True,
            title=ft.Text(asking),
            semantics_label=asking,
            content=ft.Container(width=min(520, max(300, app.width - 48)), height=min(560, max(360, app.height - 200)),
                                 content=gate()),
            actions=[ft.TextButton(_("Not now"), on_click=cancel)],
            on_dismiss=cancel,
        ))
    return ft.Container(width=0, height=0)


@ft.component
def AuthGuard():
    app = use_app()
    outlet = ft.use_route_outlet()
    gate = gate_for(app)
    return outlet if gate is None else gate()
