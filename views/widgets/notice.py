import flet as ft


@ft.component
def Notice(icon: ft.IconData, title: str, body: str):
    """A calm, centred message: empty states and "coming soon" notes."""
    return ft.Container(
        padding=24,
        alignment=ft.Alignment.CENTER,
        content=ft.Column(
            horizontal_alignment=ft.CrossAxisAlignment.CENTER,
            tight=True,
            spacing=12,
            controls=[
                ft.Icon(icon, size=48, color=ft.Colors.PRIMARY),
                ft.Text(title, theme_style=ft.TextThemeStyle.TITLE_LARGE, text_align=ft.TextAlign.CENTER),
                ft.Text(body, text_align=ft.TextAlign.CENTER, color=ft.Colors.ON_SURFACE_VARIANT),
            ],
        ),
    )
