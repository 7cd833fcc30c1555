"""The Privacy page: what Kindred keeps, where, and what it cannot protect. Plain words.

Reachable from the welcome, the set-up screen and Settings, locked or not."""

import flet as ft

from views.models import use_app
from views.widgets.modal_view import ModalView
from views.widgets.selectable_text import SelectableText
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401

SECTIONS = [
    (
        ft.Icons.PHONE_ANDROID,
        N_("Everything stays on this device"),
        N_("Kindred has no account and no server. Your saved groups, notes, attendance, journal and settings "
        "about you are kept in a folder on this device and are never sent anywhere. Updating the group "
        "directory only downloads public listings; the request says nothing about you."),
    ),
    (
        ft.Icons.LOCK_OUTLINE,
        N_("Encrypted with a key only you can open"),
        N_("Each private item is encrypted (AES-256-GCM) with a random key. That key is itself locked by your "
        "passphrase, by a one-time recovery code, and, where your computer has one, by its keychain. "
        "Without one of those, the file is unreadable — to a thief, to someone on a shared computer, and to us."),
    ),
    (
        ft.Icons.KEY_OFF,
        N_("If you forget your passphrase"),
        N_("Your recovery code is the only way back in. Nobody, including Kindred's makers, can reset it for you."),
    ),
    (
        ft.Icons.SCREEN_LOCK_PORTRAIT,
        N_("Locking"),
        N_("Kindred locks when you choose \"Lock now\", after the idle time you pick in Settings, and when you close "
        "it. Each window or browser tab unlocks on its own. A PIN is only a screen lock for a window that is "
        "already open: it is quick, it is not encryption, and after five wrong tries the passphrase is needed."),
    ),
    (
        ft.Icons.BACKUP_OUTLINED,
        N_("Backups and exports"),
        N_("A backup is one encrypted file that opens only with your passphrase. Restoring shows what the file "
        "holds first and keeps a copy of your current data. Plain exports (JSON or CSV) are NOT encrypted, "
        "so Kindred asks for your passphrase again before making one."),
    ),
    (
        ft.Icons.VISIBILITY_OUTLINED,
        N_("What is not hidden"),
        N_("Some things stay readable so that help works while Kindred is locked: the theme and the country for "
        "crisis lines. Someone with the file can also see how many private items there are, of which kind, "
        "and when they were written — not what they say. Someone who forces you to unlock can see everything; "
        "\"Delete all my data\" in Settings removes it for good."),
    ),
    (
        ft.Icons.LAN_OUTLINED,
        N_("In a web browser"),
        N_("When Kindred runs in your browser, the app on this device serves it to this device only "
        "(127.0.0.1). What you type travels from the browser to that local app, and nowhere else."),
    ),
]


@ft.component
def PrivacyScreen():
    state = use_app()

    return ModalView(
        "/privacy",
        _("Your privacy"),
        _("Close privacy"),
        [
            ft.Text(_("How Kindred keeps things private"), theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
            *[
                ft.Row(
                    vertical_alignment=ft.CrossAxisAlignment.START,
                    controls=[
                        ft.Icon(icon, color=ft.Colors.PRIMARY),
                        ft.Column(
                            expand=True,
                            spacing=4,
                            controls=[
                                ft.Text(_(title), theme_style=ft.TextThemeStyle.TITLE_MEDIUM, weight=ft.FontWeight.W_600),
                                ft.Text(_(body)),
                            ],
                        ),
                    ],
                )
                for icon, title, body in SECTIONS
            ],
            SelectableText(_("Your data folder: {folder}").format(folder=state.services.data_dir), size=12, color=ft.Colors.ON_SURFACE_VARIANT),
        ],
    )
