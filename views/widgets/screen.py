import flet as ft


@ft.component
def ScreenBody(controls: list, max_width: int = 720):
    """Scrollable screen content, centred and width-limited so lines stay readable on desktops."""
    return ft.Column(
        expand=True,
        scroll=ft.ScrollMode.AUTO,
        horizontal_alignment=ft.CrossAxisAlignment.CENTER,
        controls=[
            ft.Container(
                padding=ft.Padding.symmetric(horizontal=16, vertical=12),
                width=max_width,
                content=ft.Column(controls=controls, spacing=16),
            )
        ],
    )
