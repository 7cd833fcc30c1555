import flet as ft

from services.journal import MOOD_COLORS
from views.i18n import _
from views.widgets.bind import bind

MOOD_ICONS = {
    1: ft.Icons.SENTIMENT_VERY_DISSATISFIED,
    2: ft.Icons.SENTIMENT_DISSATISFIED,
    3: ft.Icons.SENTIMENT_NEUTRAL,
    4: ft.Icons.SENTIMENT_SATISFIED,
    5: ft.Icons.SENTIMENT_VERY_SATISFIED,
}


MOOD_CHOICE_WIDTH = 50  # five fit in the check-in card on a 390 px phone; "Very low" (12 px) fits


def mood_color(mood: int) -> str:
    return MOOD_COLORS[mood]


@ft.component
def MoodDot(mood: int, size: int = 28):
    return ft.Container(
        width=size,
        height=size,
        border_radius=size / 2,
        bgcolor=mood_color(mood),
        alignment=ft.Alignment.CENTER,
        content=ft.Icon(MOOD_ICONS[mood], size=size * 0.7, color="#FFFFFF"),
    )


@ft.component
def MoodChoice(mood: int, label: str, selected: bool, on_pick):
    """One mood: a coloured face and its word. Tapping it selects it."""
    # A fixed width, not a fifth of the row: at 200 % text (or a 320 px window) the five
    # choices wrap onto two rows instead of breaking their words mid-word.
    return ft.Container(width=MOOD_CHOICE_WIDTH, content=ft.Semantics(
        # Named the same way as the Energy and Anxiety scales; the state is said in words too
        # (Flutter's "selected" flag alone is not announced on a button in every browser).
        label=(_("Mood {n} of 5, {word}, selected") if selected else _("Mood {n} of 5, {word}")).format(n=mood, word=_(label)),
        button=True,
        selected=selected,
        container=True,
        content=ft.Container(
            padding=ft.Padding.symmetric(vertical=8, horizontal=2),
            alignment=ft.Alignment.TOP_CENTER,
            border_radius=12,
            border=ft.Border.all(3 if selected else 1, mood_color(mood) if selected else ft.Colors.OUTLINE_VARIANT),
            bgcolor=ft.Colors.with_opacity(0.15, mood_color(mood)) if selected else None,
            ink=True,
            on_click=bind(on_pick, mood),
            content=ft.Column(
                tight=True,
                spacing=4,
                horizontal_alignment=ft.CrossAxisAlignment.CENTER,
                controls=[
                    MoodDot(mood, 36),
                    ft.Text(_(label), size=12, text_align=ft.TextAlign.CENTER, max_lines=2,
                            weight=ft.FontWeight.W_600 if selected else None),
                ],
            ),
        ),
    ))


@ft.component
def MoodPicker(labels: dict, selected: int | None, on_pick):
    return ft.Row(
        spacing=4,
        run_spacing=4,
        wrap=True,
        vertical_alignment=ft.CrossAxisAlignment.START,
        controls=[MoodChoice(mood, labels[mood], selected == mood, on_pick) for mood in (1, 2, 3, 4, 5)],
    )
