"""The Privacy page: what Kindred keeps, where, and what it cannot protect. Plain words.

Reachable from the welcome, the set-up screen and Settings, locked or not."""

import flet as ft

from views.models import use_app
from views.widgets.modal_view import ModalView

SECTIONS = [
    (
        ft.Icons.PHONE_ANDROID,
        "Everything stays on this device",
        "Kindred has no account and no server. Your saved groups, notes, attendance, journal and settings "
        "about you are kept in a folder on this device and are never sent anywhere. Updating the group "
        "directory only downloads public listings; the request says nothing about you.",
    ),
    (
        ft.Icons.LOCK_OUTLINE,
        "Encrypted with a key only you can open",
        "Each private item is encrypted (AES-256-GCM) with a random key. That key is itself locked by your "
        "passphrase, by a one-time recovery code, and, where your computer has one, by its keychain. "
        "Without one of those, the file is unreadable — to a thief, to someone on a shared computer, and to us.",
    ),
    (
        ft.Icons.KEY_OFF,
        "If you forget your passphrase",
        "Your recovery code is the only way back in. Nobody, including Kindred's makers, can reset it for you.",
    ),
    (
        ft.Icons.SCREEN_LOCK_PORTRAIT,
        "Locking",
        "Kindred locks when you choose \"Lock now\", after the idle time you pick in Settings, and when you close "
        "it. Each window or browser tab unlocks on its own. A PIN is only a screen lock for a window that is "
        "already open: it is quick, it is not encryption, and after five wrong tries the passphrase is needed.",
    ),
    (
        ft.Icons.BACKUP_OUTLINED,
        "Backups and exports",
        "A backup is one encrypted file that opens only with your passphrase. Restoring shows what the file "
        "holds first and keeps a copy of your current data. Plain exports (JSON or CSV) are NOT encrypted, "
        "so Kindred asks for your passphrase again before making one.",
    ),
    (
        ft.Icons.VISIBILITY_OUTLINED,
        "What is not hidden",
        "Some things stay readable so that help works while Kindred is locked: the theme and the country for "
        "crisis lines. Someone with the file can also see how many private items there are, of which kind, "
        "and when they were written — not what they say. Someone who forces you to unlock can see everything; "
        "\"Delete all my data\" in Settings removes it for good.",
    ),
    (
        ft.Icons.LAN_OUTLINED,
        "In a web browser",
        "When Kindred runs in your browser, the app on this device serves it to this device only "
        "(127.0.0.1). What you type travels from the browser to that local app, and nowhere else.",
    ),
]


@ft.component
def PrivacyScreen():
    state = use_app()

    return ModalView(
        "/privacy",
        "Your privacy",
        "Close privacy",
        [
            ft.Text("How Kindred keeps things private", theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
            *[
                ft.Row(
                    vertical_alignment=ft.CrossAxisAlignment.START,
                    controls=[
                        ft.Icon(icon, color=ft.Colors.PRIMARY),
                        ft.Column(
                            expand=True,
                            spacing=4,
                            controls=[
                                ft.Text(title, theme_style=ft.TextThemeStyle.TITLE_MEDIUM, weight=ft.FontWeight.W_600),
                                ft.Text(body),
                            ],
                        ),
                    ],
                )
                for icon, title, body in SECTIONS
            ],
            ft.Text(f"Your data folder: {state.services.data_dir}", size=12, color=ft.Colors.ON_SURFACE_VARIANT, selectable=True),
        ],
    )
