import flet as ft


@ft.component
def HelpAction():
    """The "Get help now" action that sits in every app bar."""

    def open_help():
        ft.context.page.navigate("/help")

    return ft.Container(
        padding=ft.Padding.only(right=8),
        content=ft.FilledTonalButton(
            "Get help now",
            icon=ft.Icons.SUPPORT_AGENT,
            tooltip="Crisis lines you can call or text now",
            on_click=open_help,
        ),
    )
