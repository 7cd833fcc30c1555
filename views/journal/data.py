"""Your data: export (JSON, CSV), import (Kindred JSON, Daylio CSV with a mood mapping the
person confirms), a daily reminder for their own calendar (.ics), and the mood words."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import flet as ft

from services.journal import exchange, reminder
from views.live_value import use_live_value
from views.actions import FAILED, use_actions
from views.journal.common import (
    ErrorText,
    LockedJournal,
    SubScreenTitle,
    snack,
    use_journal,
    use_loaded,
    use_write,
)
from views.widgets.bind import bind
from views.widgets.screen import ScreenBody
from views.widgets.text_input import TextInput
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401
from views.widgets.choice import Choice


async def offer_download(file_name: str, data: bytes) -> None:
    """In the browser this downloads the file; in a window it asks where to save it."""
    picker = ft.FilePicker()
    await picker.save_file(dialog_title=_("Save"), file_name=file_name, src_bytes=data)


@ft.component
def DataScreen():
    if use_journal() is None:
        return LockedJournal(_("Export, import, reminder"))
    return DataBody()


@ft.component
def DataBody():
    journal = use_journal()
    settings, _unused = use_loaded(lambda: journal.settings(), [])
    if settings is None:
        return ScreenBody([SubScreenTitle(_("Export, import, reminder")), ft.ProgressRing()])
    return ScreenBody(
        [
            SubScreenTitle(_("Export, import, reminder")),
            ExportSection(),
            ImportSection(settings),
            ReminderSection(settings),
            MoodWordsSection(settings),
        ]
    )


@ft.component
def Heading(text: str):
    return ft.Text(text, theme_style=ft.TextThemeStyle.TITLE_MEDIUM)


@ft.component
def ExportSection():
    journal = use_journal()
    run = use_actions().run

    async def export(kind: str):
        data = await run(exchange.export_json if kind == "json" else exchange.export_csv, journal)
        if data is FAILED:
            return
        await offer_download(f"kindred-journal-{date.today():%Y-%m-%d}.{kind}", data)

    return ft.Column(
        spacing=8,
        controls=[
            Heading(_("Export")),
            ft.Text(_("JSON holds everything (check-ins, your own strategies, self-checks, safety plan) and can be "
                    "imported again. CSV has one row per check-in, for a spreadsheet. Exported files are not "
                    "encrypted: keep them somewhere safe.")),
            ft.Row(wrap=True, controls=[
                ft.FilledTonalButton(_("Export JSON"), icon=ft.Icons.DOWNLOAD, on_click=bind(export, "json")),
                ft.FilledTonalButton(_("Export CSV"), icon=ft.Icons.TABLE_VIEW, on_click=bind(export, "csv")),
            ]),
        ],
    )


@ft.component
def ImportSection(settings):
    journal = use_journal()
    actions = use_actions()
    run = actions.run
    write = use_write()
    data, set_data = ft.use_state(None)
    file_name, set_file_name = ft.use_state("")
    moods, set_moods = ft.use_state(None)  # Daylio mood names -> count, while confirming
    mapping = use_live_value({})  # Import reads the choices as they are when it is tapped
    error, set_error = ft.use_state(None)
    message, set_message = ft.use_state(None)

    async def choose():
        picked = await actions.pick_file(_("Choose a file to import"), on_error=set_error, extensions=["json", "csv"])
        if picked is not None:
            await read(*picked)

    async def read(name: str, content: bytes):
        set_error(None)
        set_message(None)
        set_file_name(name)
        def check():
            if exchange.detect(content) == "daylio":
                return exchange.daylio_moods(content)
            exchange.plan_kindred_json(content)  # check it before offering
            return None

        found = await run(check, on_error=set_error)
        if found is FAILED:
            set_data(None)
            return
        set_moods(found)
        if found is not None:
            mapping.set(exchange.suggested_mood_map(found))
        set_data(content)

    async def run_import():
        zone = settings.time_zone or reminder.guess_time_zone()
        chosen = dict(mapping.value)

        def apply():
            plan = exchange.plan_import(data, chosen, zone)
            exchange.apply(journal, plan)
            return plan

        plan = await write(apply, on_error=set_error)
        if plan is FAILED:
            return
        set_data(None)
        set_moods(None)
        set_message(_("Imported {what} from {file}.").format(what=plan.summary(), file=file_name))

    def mapped(name):
        return lambda e: mapping.set({**mapping.value, name: int(e.control.value)})

    confirm = []
    if data is not None and moods is not None:
        confirm = [
            ft.Text(ngettext("{file} is a Daylio export with {n} entry. "
                             "Which of Kindred's moods (1 = very low, 5 = great) does each Daylio mood mean?",
                             "{file} is a Daylio export with {n} entries. "
                             "Which of Kindred's moods (1 = very low, 5 = great) does each Daylio mood mean?",
                             sum(moods.values())).format(file=file_name, n=sum(moods.values()))),
            *[
                Choice(
                    label=ngettext("\"{name}\" ({n} entry)", "\"{name}\" ({n} entries)", count).format(name=name, n=count),
                    value=str(mapping.value[name]) if name in mapping.value else None,
                    width=260,
                    on_select=mapped(name),
                    options=[ft.DropdownOption(key=str(n), text=f"{n} – {settings.label(n)}") for n in (5, 4, 3, 2, 1)],
                )
                for name, count in sorted(moods.items(), key=lambda kv: -mapping.value.get(kv[0], 0))
            ],
            ft.FilledButton(_("Import"), icon=ft.Icons.UPLOAD, on_click=run_import,
                            disabled=any(name not in mapping.value for name in moods)),
        ]
    elif data is not None:
        confirm = [ft.Text(_("{file} is a Kindred journal export.").format(file=file_name)),
                   ft.FilledButton(_("Import"), icon=ft.Icons.UPLOAD, on_click=run_import)]

    return ft.Column(
        spacing=8,
        controls=[
            Heading(_("Import")),
            ft.Text(_("From a Kindred JSON export, or from Daylio (its CSV export). Importing the same file twice "
                    "adds nothing twice; if anything in a file can't be read, nothing from it is imported.")),
            ft.OutlinedButton(_("Choose a file"), icon=ft.Icons.FILE_OPEN, on_click=choose),
            *confirm,
            ErrorText(error),
            *([ft.Text(message, color=ft.Colors.PRIMARY)] if message else []),
        ],
    )


@ft.component
def ReminderSection(settings):
    journal = use_journal()
    write = use_write()
    at = use_live_value(settings.reminder_time)
    zone = use_live_value(settings.time_zone or reminder.guess_time_zone())
    error, set_error = ft.use_state(None)
    zones = ft.use_memo(reminder.time_zone_names, [])

    async def download():
        time_typed, zone_chosen = at.value.strip(), zone.value

        def make() -> bytes:
            data = reminder.daily_reminder_ics(time_typed, zone_chosen)
            journal.save_settings(replace(journal.settings(), reminder_time=time_typed, time_zone=zone_chosen))
            return data

        data = await write(make, on_error=set_error)
        if data is FAILED:
            return
        set_error(None)
        await offer_download("kindred-check-in.ics", data)

    return ft.Column(
        spacing=8,
        controls=[
            Heading(_("A daily reminder")),
            ft.Text(_("Add a daily check-in reminder to your own calendar: a repeating event with an alert. "
                    "It says only \"Kindred check-in\". Skip it any day; there's no streak to keep.")),
            ft.Row(wrap=True, spacing=8, run_spacing=8, controls=[
                TextInput(label=_("Time (24-hour)"), text=at, width=150),
                Choice(label=_("Time zone"), value=zone.value, editable=True, enable_filter=True, menu_height=320,
                       width=260, on_select=lambda e: zone.set(e.control.value or zone.value),
                            options=[ft.DropdownOption(key=z, text=z) for z in zones]),
            ]),
            ErrorText(error),
            ft.FilledTonalButton(_("Download reminder (.ics)"), icon=ft.Icons.EVENT, on_click=download),
        ],
    )


@ft.component
def MoodWordsSection(settings):
    journal = use_journal()
    write = use_write()
    labels = use_live_value(dict(settings.mood_labels))
    error, set_error = ft.use_state(None)

    async def save():
        if await write(lambda: journal.save_settings(replace(journal.settings(), mood_labels=labels.value)),
                       on_error=set_error) is FAILED:
            return
        set_error(None)
        snack(_("Mood words saved."))

    return ft.Column(
        spacing=8,
        controls=[
            Heading(_("Your mood words")),
            ft.Text(_("Call each mood whatever fits you.")),
            *[
                TextInput(label=_("Mood {n}").format(n=n), value=labels.value[n], max_length=40,
                          on_change=lambda e, n=n: labels.set({**labels.value, n: e.control.value or ""}))
                for n in (1, 2, 3, 4, 5)
            ],
            ErrorText(error),
            ft.OutlinedButton(_("Save mood words"), on_click=save),
        ],
    )
