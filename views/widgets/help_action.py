import flet as ft

from views.help import open_help
from views.i18n import _
from views.models import use_app


@ft.component
def HelpAction():
    """The "Get help now" action that sits in every app bar: an overlay, never a new page."""
    app = use_app()

    return ft.Container(
        padding=ft.Padding.only(right=8),
        content=ft.FilledTonalButton(
            _("Get help now"),
            icon=ft.Icons.SUPPORT_AGENT,
            tooltip=_("Crisis lines you can call or text now"),
            on_click=lambda: open_help(app),
        ),
    )
