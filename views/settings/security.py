"""Dialogs behind Settings → Security, backups and "Delete all my data".

Each dialog is a component with its own state; the work runs through the action runner,
on the session (services/session.py).
"""

from __future__ import annotations

import flet as ft

from services import session as sessions
from services.session import CONFIRM_WORD, MAX_ATTEMPTS, WrongSecret
from services.i18n import format_datetime
from services.privacy.integrity import count_of, kind_name
from views.actions import FAILED, use_actions
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401
from views.live_value import LiveValue, use_live_value
from views.models import use_app
from views.widgets.one_of import OneOf
from views.widgets.text_input import TextInput
from views.widgets.selectable_text import SelectableText


def _kinds_text(counts: dict[str, int]) -> str:
    if not counts:
        return _("no private items")
    return ", ".join(count_of(kind, count) for kind, count in sorted(counts.items()))


def _field(label: str, text: LiveValue, password: bool = True, **kwargs):
    # Buttons read text.value: what is typed now, even a key that came with the click.
    return TextInput(label=label, text=text, password=password, can_reveal_password=password, **kwargs)


def _dialog(title: str, body: list, actions: list, on_dismiss):
    return ft.AlertDialog(
        modal=True,
        title=ft.Text(title),
        semantics_label=title,
        content=ft.Column(body, tight=True, spacing=12, width=400),
        scrollable=True,  # long texts at 200 % scaling scroll inside the dialog
        actions=actions,
        on_dismiss=on_dismiss,
    )


def _show(dialog):
    """Portal the dialog to the page overlay; the component itself takes no space."""
    ft.use_dialog(dialog)
    return ft.Container(width=0, height=0)


def _error(message):
    return ft.Text(message or "", color=ft.Colors.ERROR, visible=bool(message))


async def save_bytes(state, actions, file_name: str, data: bytes) -> str | None:
    """Offer bytes as a download (browser) or a save dialog (desktop)."""
    saved = await actions.run_async(state.file_picker.save_file, dialog_title=_("Save"), file_name=file_name, src_bytes=data)
    return None if saved is FAILED else saved


@ft.component
def PinDialog(close):
    state = use_app()
    actions = use_actions()
    run = actions.run
    session = state.session
    first = use_live_value("")
    second = use_live_value("")
    error, set_error = ft.use_state(None)

    async def save(_e=None):
        if first.value != second.value:
            set_error(_("The two PINs are different."))
            return
        if await run(session.set_pin, first.value, on_error=set_error) is FAILED:
            return
        close()

    return _show(_dialog(
        _("Set a PIN"),
        [
            ft.Text(
                _("A PIN is a screen lock, not encryption. When Kindred locks itself after a while, the PIN opens the "
                  "screen of this window again. After {n} wrong PINs, with a growing wait between tries, "
                  "your passphrase is needed. Closing Kindred always needs the passphrase.").format(n=MAX_ATTEMPTS)
            ),
            _field(_("PIN (4 to 12 digits)"), first, keyboard_type=ft.KeyboardType.NUMBER, autofocus=True),
            _field(_("Type the PIN again"), second, keyboard_type=ft.KeyboardType.NUMBER, on_submit=save),
            _error(error),
        ],
        [ft.TextButton(_("Cancel"), on_click=close), ft.FilledButton(_("Set PIN"), on_click=save)],
        close,
    ))


@ft.component
def ChangePassphraseDialog(close):
    state = use_app()
    actions = use_actions()
    run = actions.run
    session = state.session
    current = use_live_value("")
    first = use_live_value("")
    second = use_live_value("")
    error, set_error = ft.use_state(None)
    done, set_done = ft.use_state(False)

    async def change(_e=None):
        if first.value != second.value:
            set_error(_("The two new passphrases are different."))
            return
        changed = await run(session.change_passphrase, current.value, first.value, on_error=set_error,
                            messages={WrongSecret: _("Your current passphrase is not right. Nothing was changed.")})
        if changed is not FAILED:
            set_done(True)

    if done:
        return _show(_dialog(
            _("Passphrase changed"),
            [ft.Text(_("Your new passphrase works now. Your data was not touched, and your recovery code still works."))],
            [ft.FilledButton(_("Done"), on_click=close)],
            close,
        ))
    return _show(_dialog(
        _("Change passphrase"),
        [
            _field(_("Current passphrase"), current, autofocus=True),
            _field(_("New passphrase"), first),
            _field(_("New passphrase again"), second, on_submit=change),
            _error(error),
        ],
        [ft.TextButton(_("Cancel"), on_click=close), ft.FilledButton(_("Change"), on_click=change)],
        close,
    ))


@ft.component
def BackupDialog(close):
    state = use_app()
    actions = use_actions()
    run = actions.run
    session = state.session
    passphrase = use_live_value("")
    error, set_error = ft.use_state(None)
    saved_as, set_saved_as = ft.use_state(None)
    busy, set_busy = ft.use_state(False)

    async def create(_=None):
        set_busy(True)
        made = await run(session.create_backup, passphrase.value, on_error=set_error)
        if made is FAILED:
            set_busy(False)
            return
        name, data = made
        path = await save_bytes(state, actions, name, data)
        set_saved_as(path or name)
        set_busy(False)

    if saved_as:
        return _show(_dialog(
            _("Backup ready"),
            [
                ft.Text(_("Your encrypted backup is {file}.").format(file=saved_as)),
                ft.Text(_("It opens only with the passphrase you just typed. Keep it somewhere safe, off this device.")),
            ],
            [ft.FilledButton(_("Done"), on_click=close)],
            close,
        ))
    return _show(_dialog(
        _("Create a backup"),
        [
            ft.Text(
                _("One encrypted file with all your private data. It is locked with your current passphrase; "
                "type it to confirm it is you.")
            ),
            _field(_("Current passphrase"), passphrase, autofocus=True, on_submit=create),
            _error(error),
        ],
        [ft.TextButton(_("Cancel"), on_click=close), ft.FilledButton(_("Create backup"), on_click=create, disabled=busy)],
        close,
    ))


@ft.component
def RestoreDialog(close, file_name: str, data: bytes):
    state = use_app()
    actions = use_actions()
    run = actions.run
    passphrase = use_live_value("")
    error, set_error = ft.use_state(None)
    opened, set_opened = ft.use_state(None)
    result, set_result = ft.use_state(None)

    async def open_file(_=None):
        backup = await run(sessions.open_backup, data, passphrase.value, on_error=set_error)
        if backup is not FAILED:
            set_opened(backup)
            set_error(None)

    async def merge(_=None):
        done = await run(state.session.merge_backup, opened, on_error=set_error)
        if done is not FAILED:
            set_result(done)

    async def replace(_=None):
        done = await run(sessions.restore_backup, state.services, opened, passphrase.value, state.session, state.country,
                         on_error=set_error)
        if done is FAILED:
            return
        reopened, restored = done
        state.opened(reopened)
        set_result(restored)

    if result is not None and hasattr(result, "added"):  # merged
        lines = [ft.Text(_("Merged: {added} added, {updated} updated to the backup's newer version, "
                           "{kept} newer here kept, {same} the same.").format(
                             added=result.added, updated=result.updated, kept=result.kept_newer_here, same=result.unchanged)),
                 SelectableText(_("Your data as it was just before is kept in {folder}").format(folder=result.snapshot_path))]
        if result.copies:
            lines.insert(1, ft.Text(ngettext("{n} older version is kept as a conflict copy: nothing was lost.",
                                             "{n} older versions are kept as conflict copies: nothing was lost.",
                                             result.copies).format(n=result.copies)))
        return _show(_dialog(_("Backup merged"), lines, [ft.FilledButton(_("Done"), on_click=close)], close))
    if result is not None:
        lines = [ft.Text(ngettext("Restored {n} private item.", "Restored {n} private items.", result.restored).format(
            n=format_number(result.restored)))]
        if result.snapshot_path:
            lines.append(SelectableText(_("Your data as it was just before is kept in {folder}").format(folder=result.snapshot_path)))
        return _show(_dialog(_("Backup restored"), lines, [ft.FilledButton(_("Done"), on_click=close)], close))
    if opened is not None:
        summary = opened.summary
        here = (_("Merge keeps everything: where both have the same item, the newer version stays and the other is "
                "kept as a copy. Replace makes your data the backup's. A copy of your current data is kept first, in "
                "your data folder.")) if state.session else ""
        dates = (_("Its items are dated {first} to {last}.").format(
            first=format_date(summary.first.astimezone(), "long"), last=format_date(summary.last.astimezone(), "long"))
                 if summary.first and summary.last else "")
        made = format_datetime(summary.created_at.astimezone(), "long")
        buttons = [ft.TextButton(_("Cancel"), on_click=close)]
        if state.session:
            buttons.append(ft.OutlinedButton(_("Merge"), on_click=merge))
        buttons.append(ft.FilledButton(_("Replace my data"), on_click=replace))
        return _show(_dialog(
            _("Restore this backup?"),
            [
                ft.Text((_("{file}, made {when} on {device}.") if summary.device else _("{file}, made {when}.")).format(
                    file=file_name, when=made, device=summary.device)),
                ft.Text(_("It holds {what}.").format(what=_kinds_text(summary.counts))),
                ft.Text(dates, visible=bool(dates)),
                ft.Text(here),
                _error(error),
            ],
            buttons,
            close,
        ))
    return _show(_dialog(
        _("Open a backup"),
        [
            ft.Text(_("{file}: type the passphrase you had when this backup was made. Nothing changes yet.").format(file=file_name)),
            _field(_("Backup passphrase"), passphrase, autofocus=True, on_submit=open_file),
            _error(error),
        ],
        [ft.TextButton(_("Cancel"), on_click=close), ft.FilledButton(_("Open"), on_click=open_file)],
        close,
    ))


@ft.component
def ExportDialog(close):
    state = use_app()
    actions = use_actions()
    run = actions.run
    session = state.session
    passphrase = use_live_value("")
    fmt = use_live_value("json")
    error, set_error = ft.use_state(None)
    saved_as, set_saved_as = ft.use_state(None)

    async def export(_e=None):
        made = await run(session.export_saved, passphrase.value, fmt.value, on_error=set_error,
                         messages={WrongSecret: _("That passphrase is not right. Nothing was exported.")})
        if made is FAILED:
            return
        name, data = made
        set_saved_as(await save_bytes(state, actions, name, data) or name)

    if saved_as:
        return _show(_dialog(
            _("Exported"),
            [ft.Text(_("Your saved groups are in {file}. This copy is not encrypted.").format(file=saved_as))],
            [ft.FilledButton(_("Done"), on_click=close)],
            close,
        ))
    return _show(_dialog(
        _("Export saved groups"),
        [
            ft.Text(_("A plain JSON or CSV file anyone can read, with your notes. Type your passphrase to confirm.")),
            ft.Semantics(container=True, label=_("File format"), content=OneOf(
                [("json", _("JSON")), ("csv", _("CSV"))], fmt.value, lambda value: fmt.set(value or "json"), wrap=True)),
            _field(_("Passphrase"), passphrase, on_submit=export),
            _error(error),
        ],
        [ft.TextButton(_("Cancel"), on_click=close), ft.FilledButton(_("Export"), on_click=export)],
        close,
    ))


@ft.component
def EraseDialog(close):
    state = use_app()
    actions = use_actions()
    run = actions.run
    word = use_live_value("")

    async def erase(_e=None):
        if word.value.strip() != CONFIRM_WORD:
            return
        close()
        session = state.session
        state.lock_now()
        if await run(sessions.erase_everything, state.services, session) is FAILED:
            return
        state.vault_set_up = False
        state.lock_message = _("All your private data and keys were deleted.")
        ft.context.page.navigate("/")

    return _show(_dialog(
        _("Delete all my data?"),
        [
            ft.Text(
                _("This deletes your saved groups, notes, attendance, journal, settings about you, every key and "
                "the copies kept before restores. It cannot be undone. The public group directory, the theme and "
                "the crisis-line country stay.")
            ),
            _field(_("Type {word} to confirm").format(word=CONFIRM_WORD), word, password=False, on_submit=erase),
        ],
        [
            ft.TextButton(_("Cancel"), on_click=close),
            ft.FilledButton(
                _("Delete everything"),
                on_click=erase,
                disabled=word.value.strip() != CONFIRM_WORD,
                style=ft.ButtonStyle(bgcolor=ft.Colors.ERROR, color=ft.Colors.ON_ERROR),
            ),
        ],
        close,
    ))


@ft.component
def NewRecoveryCodeDialog(close):
    """A new recovery code replaces the old one, which stops working at once."""
    state = use_app()
    run = use_actions().run
    error, set_error = ft.use_state(None)

    async def merge(_=None):
        done = await run(state.session.merge_backup, opened, on_error=set_error)
        if done is not FAILED:
            set_result(done)

    async def replace(_=None):
        session = state.session
        if session is None:
            return
        code = await run(session.replace_recovery_code, on_error=set_error)
        if code is FAILED:
            return
        close()
        state.pending_recovery_code = code  # shown once, full screen, with a copy button

    return _show(_dialog(
        _("Make a new recovery code?"),
        [
            ft.Text(_("Your current recovery code stops working here as soon as the new one is made, and on your "
                    "other linked devices when they next sync. Your passphrase and your data stay as they are. "
                    "Have a pen ready: the new code is shown once.")),
            _error(error),
        ],
        [ft.TextButton(_("Cancel"), on_click=close), ft.FilledButton(_("Make a new code"), on_click=replace)],
        close,
    ))


@ft.component
def IntegrityPanel():
    """What Kindred could not read, in counts and plain words (never content)."""
    state = use_app()
    run = use_actions().run
    note, set_note = ft.use_state(None)
    session = state.session

    async def load():
        if session is not None and session.is_open:
            found = await run(session.integrity)
            if found is not FAILED:
                set_note(found)

    ft.use_effect(load, [session is not None])

    async def set_aside(_e=None):
        if session is not None and await run(session.set_aside_unreadable, done=_("Set aside. The rest of your data is unchanged.")) is not FAILED:
            await load()

    if note is None:
        return ft.Text(_("Checking that everything can be read\u2026"), color=ft.Colors.ON_SURFACE_VARIANT)
    controls = [ft.Semantics(identifier="integrity-summary", container=True, content=ft.Text(note.summary))]
    if note.meaning:
        controls.append(ft.Text(note.meaning, color=ft.Colors.ON_SURFACE_VARIANT))
    if note.unreadable:
        controls.append(ft.Row(wrap=True, controls=[
            ft.OutlinedButton(_("Set them aside"), icon=ft.Icons.INVENTORY_2_OUTLINED, on_click=set_aside)]))
    return ft.Column(spacing=8, controls=controls)
