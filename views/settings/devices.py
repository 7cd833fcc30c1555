"""Settings → Your devices, Automatic backups, and For your clinician.

Everything runs on the session (services/session.py) through the action runner; this module
only shows what it gets back: the sync folder, when this device last synced, the devices
seen, how many conflicts are kept; the automatic backups' switch and the last one's time;
and the summary and safety plan to save as PDF or text.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import flet as ft

from services.session import PrivateSession

from services.i18n import format_datetime
from services.privacy.integrity import count_of, kind_name
from views.live_value import use_live_value
from views.actions import FAILED, use_actions
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401
from views.models import use_app, use_journal_model
from views.settings.security import save_bytes
from views.widgets.check_row import CheckRow
from views.widgets.text_input import TextInput
from views.widgets.selectable_text import SelectableText


def _when(moment: datetime | None) -> str:
    if moment is None:
        return _("never")
    return format_datetime(moment.astimezone(), "long")


def _title(text: str):
    return ft.Text(text, theme_style=ft.TextThemeStyle.TITLE_MEDIUM, weight=ft.FontWeight.W_600)


def _muted(text: str):
    return ft.Text(text, color=ft.Colors.ON_SURFACE_VARIANT)


@ft.component
def DevicesSection():
    """Sync through a folder: status, Sync now, and choosing the folder."""
    state = use_app()
    actions = use_actions()
    journal_model = use_journal_model()
    session = state.session
    status, set_status = ft.use_state(None)
    folder = use_live_value("")
    message, set_message = ft.use_state(None)
    error, set_error = ft.use_state(None)

    async def load():
        if session is not None:
            got = await actions.run(session.sync_status, on_error=set_error)
            if got is not FAILED:
                set_status(got)

    ft.use_effect(load, [session, journal_model.generation])

    async def sync_now(_=None):
        result = await actions.run(session.sync_now, on_error=set_error)
        if result is FAILED:
            return
        set_error(None)
        text = ngettext("Synced: {n} change from your other devices.", "Synced: {n} changes from your other devices.",
                        result.applied).format(n=result.applied)
        if result.new_conflicts:
            text += " " + ngettext("{n} conflict: both versions are kept.", "{n} conflicts: both versions are kept.",
                                   result.new_conflicts).format(n=result.new_conflicts)
        if result.waiting:
            text += " " + ngettext("{n} file is still being copied; it is merged next time.",
                                   "{n} files are still being copied; they are merged next time.", result.waiting).format(n=result.waiting)
        set_message(text)
        await load()

    async def link(_e=None):
        if not folder.value.strip():
            set_error(_("Type the path of a folder your sync tool (Syncthing, Nextcloud, Dropbox…) keeps in step."))
            return
        result = await actions.run(session.link_sync_folder, folder.value.strip(), on_error=set_error)
        if result is FAILED:
            return
        set_error(None)
        set_message(_("This device now syncs through that folder."))
        await load()

    async def export_file(_e=None):
        made = await actions.run(session.export_sync_file, on_error=set_error)
        if made is FAILED:
            return
        name, data = made
        saved = await save_bytes(state, actions, name, data)
        set_error(None)
        set_message(_("Saved {file}. Open it on your other device: Settings → Import a sync file.").format(file=saved or name))

    async def import_file(_e=None):
        picked = await actions.pick_file(_("Choose a Kindred sync file"), on_error=set_error)
        if picked is None:
            return
        data = picked[1]
        result = await actions.run(session.import_sync_file, data, on_error=set_error)
        if result is FAILED:
            return
        set_error(None)
        set_message(ngettext("Imported: {n} change from your other device.", "Imported: {n} changes from your other device.",
                             result.applied).format(n=result.applied)
                    + (" " + ngettext("{n} conflict: both versions are kept.", "{n} conflicts: both versions are kept.",
                                      result.new_conflicts).format(n=result.new_conflicts) if result.new_conflicts else ""))
        await load()

    pairing, set_pairing = ft.use_state(None)  # (code, expiry) while shown

    async def pair(_=None):
        made = await actions.run(session.start_pairing, on_error=set_error)
        if made is FAILED:
            return
        set_error(None)
        set_message(None)
        set_pairing(made)

    conflicts, set_conflicts = ft.use_state(())

    async def load_conflicts():
        if session is not None and status is not None and status.conflicts:
            got = await actions.run(session.sync_conflicts)
            if got is not FAILED:
                set_conflicts(tuple(got))
        else:
            set_conflicts(())

    ft.use_effect(load_conflicts, [status])

    def resolve(conflict_id: str, use: bool):
        async def handler(_e=None):
            done = await actions.run(session.use_conflict_version if use else session.dismiss_conflict, conflict_id,
                                     on_error=set_error)
            if done is not FAILED:
                set_message(_("The kept version is back in place.") if use else _("The kept version is removed."))
                await load()

        return handler

    files_row = ft.Row(wrap=True, controls=[
        ft.TextButton(_("Export a sync file"), icon=ft.Icons.IOS_SHARE, on_click=export_file),
        ft.TextButton(_("Import a sync file"), icon=ft.Icons.FILE_OPEN_OUTLINED, on_click=import_file),
    ])
    body = [_title(_("Your devices"))]
    if status is None or not status.folder:
        body += [
            _muted(_("Keep your journal and saved groups the same on your phone and computer through a folder that "
                   "Syncthing, Nextcloud, Dropbox or a USB stick already copies between them. Kindred writes only "
                   "encrypted files there and runs no server. A second device joins with your recovery code "
                   "(`kindred devices join FOLDER`).")),
            TextInput(label=_("Sync folder"), text=folder, on_submit=link),
            ft.Row(wrap=True, controls=[ft.OutlinedButton(_("Use this folder"), icon=ft.Icons.FOLDER_SHARED_OUTLINED,
                                                          on_click=link)]),
            _muted(_("No shared folder (in a browser, say)? Export a sync file here and import it there.")),
            files_row,
        ]
    else:
        names = ", ".join(d["name"] + (_(" (this device)") if d["this_device"] else "") for d in status.devices)
        body += [
            SelectableText(_("Sync folder: {folder}").format(folder=status.folder), identifier="sync-folder"),
            ft.Text(_("Last synced: {when}").format(when=_when(status.last_synced))),
            ft.Text(_("Devices: {names}").format(names=names)),
            ft.Text(_("Conflicts kept: {n}").format(n=status.conflicts)
                    + (_(" — two devices changed the same thing; both versions are kept.") if status.conflicts else "")),
            ft.Row(wrap=True, controls=[
                ft.FilledTonalButton(_("Sync now"), icon=ft.Icons.SYNC, on_click=sync_now),
                ft.OutlinedButton(_("Pair a new device"), icon=ft.Icons.ADD_LINK, on_click=pair),
            ]),
            files_row,
        ]
        if pairing is not None:
            code, expires = pairing
            body.append(ft.Card(content=ft.Container(padding=12, content=ft.Column(spacing=6, controls=[
                ft.Text(_("Pairing code"), weight=ft.FontWeight.W_600),
                SelectableText(code, label=_("Pairing code {code}").format(code=code), identifier="pairing-code",
                               size=18, font_family="monospace", weight=ft.FontWeight.W_600),
                _muted(_("It works once, until {time}, for a device that sees this folder. On "
                         "the new device, choose \"I already use Kindred on another device\", then type this code and "
                         "the folder (or `kindred devices join FOLDER --pairing-code`). Your recovery code stays where "
                         "it is.").format(time=format_time(expires.astimezone()))),
            ]))))
        for conflict in conflicts:
            summary = conflict.payload.get("note") or conflict.payload.get("name") or ""
            body.append(ft.Card(content=ft.Container(padding=12, content=ft.Column(spacing=6, controls=[
                ft.Text(_("Kept version of a {kind} from {device}, {when}").format(
                    kind=kind_name(conflict.kind), device=conflict.device,
                    when=format_datetime(conflict.updated_at.astimezone(), "long")), weight=ft.FontWeight.W_600),
                ft.Text(str(summary)[:200], visible=bool(summary)),
                ft.Row(wrap=True, controls=[
                    ft.TextButton(_("Use this version"), on_click=resolve(conflict.id, True)),
                    ft.TextButton(_("Dismiss"), on_click=resolve(conflict.id, False)),
                ]),
            ]))))
    if message:
        body.append(ft.Text(message))
    if error:
        body.append(ft.Text(error, color=ft.Colors.ERROR))
    return ft.Column(spacing=8, controls=body)


@ft.component
def AutoBackupSection():
    """The switch for automatic backups and the last one's time."""
    state = use_app()
    actions = use_actions()
    session = state.session
    status, set_status = ft.use_state(None)

    async def load():
        if session is not None:
            got = await actions.run(session.auto_backup_status)
            if got is not FAILED:
                set_status(got)

    ft.use_effect(load, [session])

    async def switch(on: bool):
        got = await actions.run(session.set_auto_backup, on)
        if got is not FAILED:
            set_status(got)

    if status is None:
        return ft.Container(visible=False)
    return ft.Column(spacing=8, controls=[
        CheckRow(_("Make an encrypted backup every day"), status.settings.enabled, switch, switch=True),
        SelectableText(
            _("Last automatic backup: {when}").format(when=_when(status.last))
            + (" " + _("({n} kept in {folder})").format(n=status.count, folder=status.folder) if status.count else ""),
            identifier="auto-backup-last"),
        _muted(_("Automatic backups open with your passphrase or your recovery code.")),
    ])


def _parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


@ft.component
def ReportSection():
    """A summary for a clinician (PDF or text) and the safety plan to share."""
    state = use_app()
    actions = use_actions()
    session = state.session
    today = date.today()
    start = use_live_value((today - timedelta(days=30)).isoformat())
    end = use_live_value(today.isoformat())
    with_notes = use_live_value(False)  # read when a file is made: a box unticked just before counts
    message, set_message = ft.use_state(None)
    error, set_error = ft.use_state(None)

    async def save(made):
        if made is FAILED:
            return
        name, data = made
        saved = await save_bytes(state, actions, name, data)
        set_error(None)
        set_message(_("Saved as {file}. It is not encrypted: share it only with people you choose.").format(file=saved or name))

    async def report(fmt: str):
        first, last = _parse_day(start.value), _parse_day(end.value)
        if first is None or last is None:
            set_error(_("Write the dates as YYYY-MM-DD, for example 2026-02-01."))
            return
        await save(await actions.run(session.journal_report, first, last, with_notes.value, fmt, on_error=set_error))

    async def plan(fmt: str):
        await save(await actions.run(session.safety_plan_file, fmt, on_error=set_error))

    async def report_pdf(_=None):
        await report("pdf")

    async def report_text(_=None):
        await report("txt")

    async def plan_pdf(_=None):
        await plan("pdf")

    async def plan_text(_=None):
        await plan("txt")

    body = [
        _title(_("For your clinician")),
        _muted(_("A summary of a date range, made on this device: mood over time, PHQ-9 and GAD-7 scores, "
               "strategies that helped, meetings attended, and your notes only if you choose.")),
        ft.Row(wrap=True, controls=[
            TextInput(label=_("From"), text=start, width=150),
            TextInput(label=_("To"), text=end, width=150),
        ]),
        CheckRow(_("Include my notes"), with_notes.value, with_notes.set),
        *([
            ft.Row(wrap=True, controls=[
                ft.FilledTonalButton(_("Save summary (PDF)"), icon=ft.Icons.PICTURE_AS_PDF_OUTLINED, on_click=report_pdf),
                ft.TextButton(_("As text"), on_click=report_text),
            ]),
            ft.Row(wrap=True, controls=[
                ft.OutlinedButton(_("Safety plan (PDF)"), icon=ft.Icons.HEALTH_AND_SAFETY_OUTLINED, on_click=plan_pdf),
                ft.TextButton(_("Safety plan as text"), on_click=plan_text),
            ]),
        ] if PrivateSession.pdf_available() else [
            _muted(_("PDFs need the fpdf2 package, which is not installed here: this makes text files.")),
            ft.Row(wrap=True, controls=[
                ft.FilledTonalButton(_("Save summary (text)"), icon=ft.Icons.DESCRIPTION_OUTLINED, on_click=report_text),
                ft.OutlinedButton(_("Safety plan (text)"), icon=ft.Icons.HEALTH_AND_SAFETY_OUTLINED, on_click=plan_text),
            ]),
        ]),
    ]
    if message:
        body.append(ft.Text(message))
    if error:
        body.append(ft.Text(error, color=ft.Colors.ERROR))
    return ft.Column(spacing=8, controls=body)
