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
def AuthGuard():
    app = use_app()
    outlet = ft.use_route_outlet()
    gate = gate_for(app)
    return outlet if gate is None else gate()
