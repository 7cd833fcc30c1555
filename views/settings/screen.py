"""Settings: theme, the country for crisis lines, and what Kindred keeps where."""


import flet as ft

from services.crisis import all_countries
from services.storage_status import browser_storage
from services.session import AUTO_LOCK_CHOICES
from services.i18n import LANGUAGES
from views.actions import use_actions
from views.i18n import N_, _, ngettext
from views.models import use_app
from views.settings.devices import AutoBackupSection, DevicesSection, ReportSection
from views.settings.place import FindingSettingsSection
from views.settings.security import (
    BackupDialog,
    ChangePassphraseDialog,
    EraseDialog,
    ExportDialog,
    IntegrityPanel,
    NewRecoveryCodeDialog,
    PinDialog,
    RestoreDialog,
)
from views.settings.sources import SourcesSummary
from views.widgets.screen import ScreenBody
from views.widgets.choice import Choice
from views.widgets.check_row import CheckRow

# Where Find, Journal, Saved and Settings go on a phone-sized window (views/models.py).
NAVIGATION_CHOICES = [
    ("auto", N_("Automatic")),
    ("bottom", N_("At the bottom, for a thumb")),
    ("top", N_("At the top, for a keyboard")),
]
THEME_CHOICES = [("system", N_("System"), ft.Icons.BRIGHTNESS_AUTO), ("light", N_("Light"), ft.Icons.LIGHT_MODE), ("dark", N_("Dark"), ft.Icons.DARK_MODE)]


@ft.component
def SectionTitle(text: str):
    return ft.Text(text, theme_style=ft.TextThemeStyle.TITLE_MEDIUM, weight=ft.FontWeight.W_600)


@ft.component
def BrowserStorageNote():
    """In the browser only: whether it promised to keep Kindred's data (the start-up page asks
    with navigator.storage.persist()), or that saving keeps failing."""
    storage, set_storage = ft.use_state(None)

    async def load():
        set_storage(await browser_storage())

    ft.use_effect(load, [])
    if storage is None:
        return ft.Container(visible=False)
    return ft.Semantics(
        identifier="browser-storage",
        content=ft.Text(storage.describe(), color=ft.Colors.ERROR if storage.save_failure else None),
    )


def auto_lock_label(minutes: int) -> str:
    if minutes == 0:
        return _("Never")
    return ngettext("After {n} minute", "After {n} minutes", minutes).format(n=minutes)


@ft.component
def SettingsScreen():
    state = use_app()
    actions = use_actions()
    run = actions.run
    session = state.session
    dialog, set_dialog = ft.use_state(None)  # (kind, extra) of the open dialog, or None

    def close(_=None):
        set_dialog(None)

    def open_dialog(kind, *extra):
        def handler(_=None):
            state.touch()
            set_dialog((kind, *extra))

        return handler

    async def on_auto_lock(e):
        if session is not None:
            await run(session.set_auto_lock, int(e.control.value))

    async def restore(_e=None):
        state.touch()
        picked = await actions.pick_file(_("Choose a Kindred backup"))
        if picked is not None:
            set_dialog(("restore", *picked))

    async def remove_pin(_=None):
        if session is not None:
            await run(session.remove_pin)

    async def on_biometric(on: bool):
        if session is not None:
            await run(session.set_biometric, on)

    def lock_now(_=None):
        state.lock_button()

    def open_privacy(_=None):
        ft.context.page.navigate("/privacy")

    dialogs = {
        "pin": lambda: PinDialog(close),
        "passphrase": lambda: ChangePassphraseDialog(close),
        "recovery": lambda: NewRecoveryCodeDialog(close),
        "backup": lambda: BackupDialog(close),
        "restore": lambda: RestoreDialog(close, dialog[1], dialog[2]),
        "export": lambda: ExportDialog(close),
        "erase": lambda: EraseDialog(close),
    }
    open_one = [dialogs[dialog[0]]()] if dialog else []
    security = state.security

    async def on_theme(e):
        selected = next(iter(e.control.selected or []), "system")
        await actions.set_preferences(state.services.preferences.set_theme_mode, selected)

    async def on_navigation_place(e):
        await actions.set_preferences(state.services.preferences.set_navigation_place, e.control.value)

    async def on_country(e):
        await actions.set_preferences(state.services.preferences.set_country, e.control.value)

    async def on_language(e):
        value = e.control.value
        await actions.set_preferences(state.services.preferences.set_language, None if value == "auto" else value)

    country = state.country
    return ScreenBody(
        [
            ft.Text(_("Settings"), theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
            SectionTitle(_("Language")),
            ft.Semantics(label=_("Language"), container=True, identifier="language", content=ft.Dropdown(
                key="language",
                label=_("Language"),
                value=state.preferences.language or "auto",
                on_select=on_language,
                options=[ft.DropdownOption(key="auto", text=_("As the browser or device ({language})").format(
                    language=LANGUAGES[state.locale_language or "en"]))]
                + [ft.DropdownOption(key=code, text=name) for code, name in LANGUAGES.items()],
            )),
            SectionTitle(_("Appearance")),
            ft.SegmentedButton(
                selected=[state.preferences.theme_mode],
                allow_multiple_selection=False,
                allow_empty_selection=False,
                on_change=on_theme,
                segments=[
                    ft.Segment(value=value, label=ft.Text(_(label)))
                    for value, label, _icon in THEME_CHOICES
                ],
            ),
            Choice(
                label=_("Navigation on a narrow screen"),
                value=state.preferences.navigation_place,
                on_select=on_navigation_place,
                options=[ft.DropdownOption(key=place, text=_(label)) for place, label in NAVIGATION_CHOICES],
            ),
            ft.Text(_("Automatic: at the bottom on a phone's touch screen, at the top in a computer's window, "
                      "where Tab then goes from the top of the window down."), color=ft.Colors.ON_SURFACE_VARIANT),
            FindingSettingsSection(),
            SectionTitle(_("Crisis lines")),
            ft.Text(
                _("\"Get help now\" shows the lines for this country.")
                + ("" if state.preferences.country else
                   " " + _("This is a guess from your browser's or device's language settings.") if country else
                   " " + _("Not known yet: choose it here, or \"Get help now\" will ask.")),
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
            Choice(
                label=_("Country"),
                value=country,
                enable_filter=True,
                editable=True,
                menu_height=400,
                expand=True,
                on_select=on_country,
                options=[ft.DropdownOption(key=code, text=name) for code, name in all_countries()],
            ),
            SectionTitle(_("Directory sources")),
            SourcesSummary(),
            SectionTitle(_("For organisations")),
            ft.Text(_("Run support groups? List them, see how they will look, and publish a feed people can subscribe to."),
                    color=ft.Colors.ON_SURFACE_VARIANT),
            ft.Row(wrap=True, controls=[ft.OutlinedButton(_("Open the group editor"), icon=ft.Icons.GROUPS_OUTLINED,
                                                          on_click=lambda: ft.context.page.navigate("/settings/organisation"))]),
            SectionTitle(_("Lock")),
            ft.Text(
                _("Kindred is unlocked in this window only. Other windows and tabs need your passphrase."),
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
            ft.Row(wrap=True, controls=[ft.OutlinedButton(_("Lock now"), icon=ft.Icons.LOCK_OUTLINE, on_click=lock_now)]),
            Choice(
                label=_("Lock automatically"),
                value=str(security.auto_lock_minutes),
                on_select=on_auto_lock,
                options=[ft.DropdownOption(key=str(m), text=auto_lock_label(m)) for m in AUTO_LOCK_CHOICES],
            ),
            ft.Text(
                _("PIN: on. It opens the screen after Kindred locks itself; it is a screen lock, not encryption.")
                if security.has_pin else _("PIN: off. A PIN is a quick screen lock, not encryption."),
            ),
            ft.Row(
                wrap=True,
                controls=[
                    ft.OutlinedButton(_("Remove PIN"), icon=ft.Icons.PIN_OUTLINED, on_click=remove_pin)
                    if security.has_pin
                    else ft.OutlinedButton(_("Set a PIN"), icon=ft.Icons.PIN_OUTLINED, on_click=open_dialog("pin")),
                    ft.OutlinedButton(_("Change passphrase"), icon=ft.Icons.PASSWORD, on_click=open_dialog("passphrase")),
                    ft.OutlinedButton(_("New recovery code"), icon=ft.Icons.KEY, on_click=open_dialog("recovery")),
                ],
            ),
            *(
                [CheckRow(_("Open the screen lock with fingerprint or face"), security.biometric, on_biometric, switch=True)]
                if state.biometric_available
                else []
            ),
            SectionTitle(_("Your private data")),
            IntegrityPanel(),
            SectionTitle(_("Backups")),
            ft.Text(
                _("A backup is one encrypted file with all your private data, locked with your passphrase. "
                  "Restoring shows what a file holds before anything changes, and keeps a copy of your current data."),
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
            ft.Row(
                wrap=True,
                controls=[
                    ft.FilledTonalButton(_("Create backup"), icon=ft.Icons.DOWNLOAD, on_click=open_dialog("backup")),
                    ft.OutlinedButton(_("Restore from backup"), icon=ft.Icons.UPLOAD_FILE, on_click=restore),
                    ft.TextButton(_("Export saved groups"), icon=ft.Icons.TABLE_VIEW, on_click=open_dialog("export")),
                ],
            ),
            *([AutoBackupSection(), DevicesSection(), ReportSection()] if session is not None else []),
            SectionTitle(_("Your privacy")),
            ft.Text(
                _("Kindred has no account and no server. Your journal, notes and saved groups stay "
                  "encrypted in a folder on this device ({folder}). Updating the group directory only "
                  "downloads public listings; it never sends anything about you.").format(folder=state.services.data_dir)
            ),
            BrowserStorageNote(),
            ft.Row(
                wrap=True,
                controls=[
                    ft.TextButton(_("How Kindred keeps things private"), icon=ft.Icons.PRIVACY_TIP_OUTLINED, on_click=open_privacy),
                    ft.OutlinedButton(
                        _("Delete all my data"),
                        icon=ft.Icons.DELETE_FOREVER,
                        on_click=open_dialog("erase"),
                        style=ft.ButtonStyle(color=ft.Colors.ERROR),
                    ),
                ],
            ),
            *open_one,
        ]
    )
