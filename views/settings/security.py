"""Dialogs behind Settings → Security, backups and "Delete all my data".

Each dialog is a component with its own state; the work runs through the action runner,
on the session (services/session.py).
"""

from __future__ import annotations

import flet as ft

from services import session as sessions
from services.session import CONFIRM_WORD, MAX_ATTEMPTS, WrongSecret
from views.actions import FAILED, use_actions
from views.models import use_app
from views.widgets.text_input import TextInput


def _kinds_text(counts: dict[str, int]) -> str:
    if not counts:
        return "no private items"
    return ", ".join(f"{count} {kind.replace('_', ' ')}{'' if count == 1 else 's'}" for kind, count in sorted(counts.items()))


def _field(label: str, value: str, on_change, password: bool = True, **kwargs):
    # Controlled (value= from state): a re-render must never reset what is being typed.
    return TextInput(
        label=label,
        value=value,
        password=password,
        can_reveal_password=password,
        on_change=lambda e: on_change(e.control.value or ""),
        **kwargs,
    )


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
    saved = await actions.run_async(state.file_picker.save_file, dialog_title="Save", file_name=file_name, src_bytes=data)
    return None if saved is FAILED else saved


@ft.component
def PinDialog(close):
    state = use_app()
    actions = use_actions()
    run = actions.run
    session = state.session
    first, set_first = ft.use_state("")
    second, set_second = ft.use_state("")
    error, set_error = ft.use_state(None)

    async def save(_=None):
        if first != second:
            set_error("The two PINs are different.")
            return
        if await run(session.set_pin, first, on_error=set_error) is FAILED:
            return
        close()

    return _show(_dialog(
        "Set a PIN",
        [
            ft.Text(
                "A PIN is a screen lock, not encryption. When Kindred locks itself after a while, the PIN opens the "
                f"screen of this window again. After {MAX_ATTEMPTS} wrong PINs, with a growing wait between tries, "
                "your passphrase is needed. Closing Kindred always needs the passphrase."
            ),
            _field("PIN (4 to 12 digits)", first, set_first, keyboard_type=ft.KeyboardType.NUMBER, autofocus=True),
            _field("Type the PIN again", second, set_second, keyboard_type=ft.KeyboardType.NUMBER, on_submit=save),
            _error(error),
        ],
        [ft.TextButton("Cancel", on_click=close), ft.FilledButton("Set PIN", on_click=save)],
        close,
    ))


@ft.component
def ChangePassphraseDialog(close):
    state = use_app()
    actions = use_actions()
    run = actions.run
    session = state.session
    current, set_current = ft.use_state("")
    first, set_first = ft.use_state("")
    second, set_second = ft.use_state("")
    error, set_error = ft.use_state(None)
    done, set_done = ft.use_state(False)

    async def change(_=None):
        if first != second:
            set_error("The two new passphrases are different.")
            return
        changed = await run(session.change_passphrase, current, first, on_error=set_error,
                            messages={WrongSecret: "Your current passphrase is not right. Nothing was changed."})
        if changed is not FAILED:
            set_done(True)

    if done:
        return _show(_dialog(
            "Passphrase changed",
            [ft.Text("Your new passphrase works now. Your data was not touched, and your recovery code still works.")],
            [ft.FilledButton("Done", on_click=close)],
            close,
        ))
    return _show(_dialog(
        "Change passphrase",
        [
            _field("Current passphrase", current, set_current, autofocus=True),
            _field("New passphrase", first, set_first),
            _field("New passphrase again", second, set_second, on_submit=change),
            _error(error),
        ],
        [ft.TextButton("Cancel", on_click=close), ft.FilledButton("Change", on_click=change)],
        close,
    ))


@ft.component
def BackupDialog(close):
    state = use_app()
    actions = use_actions()
    run = actions.run
    session = state.session
    passphrase, set_passphrase = ft.use_state("")
    error, set_error = ft.use_state(None)
    saved_as, set_saved_as = ft.use_state(None)
    busy, set_busy = ft.use_state(False)

    async def create(_=None):
        set_busy(True)
        made = await run(session.create_backup, passphrase, on_error=set_error)
        if made is FAILED:
            set_busy(False)
            return
        name, data = made
        path = await save_bytes(state, actions, name, data)
        set_saved_as(path or name)
        set_busy(False)

    if saved_as:
        return _show(_dialog(
            "Backup ready",
            [
                ft.Text(f"Your encrypted backup is {saved_as}."),
                ft.Text("It opens only with the passphrase you just typed. Keep it somewhere safe, off this device."),
            ],
            [ft.FilledButton("Done", on_click=close)],
            close,
        ))
    return _show(_dialog(
        "Create a backup",
        [
            ft.Text(
                "One encrypted file with all your private data. It is locked with your current passphrase; "
                "type it to confirm it is you."
            ),
            _field("Current passphrase", passphrase, set_passphrase, autofocus=True, on_submit=create),
            _error(error),
        ],
        [ft.TextButton("Cancel", on_click=close), ft.FilledButton("Create backup", on_click=create, disabled=busy)],
        close,
    ))


@ft.component
def RestoreDialog(close, file_name: str, data: bytes):
    state = use_app()
    actions = use_actions()
    run = actions.run
    passphrase, set_passphrase = ft.use_state("")
    error, set_error = ft.use_state(None)
    opened, set_opened = ft.use_state(None)
    result, set_result = ft.use_state(None)

    async def open_file(_=None):
        backup = await run(sessions.open_backup, data, passphrase, on_error=set_error)
        if backup is not FAILED:
            set_opened(backup)
            set_error(None)

    async def merge(_=None):
        done = await run(state.session.merge_backup, opened, on_error=set_error)
        if done is not FAILED:
            set_result(done)

    async def replace(_=None):
        done = await run(sessions.restore_backup, state.services, opened, passphrase, state.session, state.country,
                         on_error=set_error)
        if done is FAILED:
            return
        reopened, restored = done
        state.opened(reopened)
        set_result(restored)

    if result is not None and hasattr(result, "added"):  # merged
        lines = [ft.Text(f"Merged: {result.added} added, {result.updated} updated to the backup's newer version, "
                         f"{result.kept_newer_here} newer here kept, {result.unchanged} the same."),
                 ft.Text(f"Your data as it was just before is kept in {result.snapshot_path}", selectable=True)]
        if result.copies:
            lines.insert(1, ft.Text(f"{result.copies} older version(s) are kept as conflict copies: nothing was lost."))
        return _show(_dialog("Backup merged", lines, [ft.FilledButton("Done", on_click=close)], close))
    if result is not None:
        lines = [ft.Text(f"Restored {result.restored} private item{'s' if result.restored != 1 else ''}.")]
        if result.snapshot_path:
            lines.append(ft.Text(f"Your data as it was just before is kept in {result.snapshot_path}", selectable=True))
        return _show(_dialog("Backup restored", lines, [ft.FilledButton("Done", on_click=close)], close))
    if opened is not None:
        summary = opened.summary
        here = ("Merge keeps everything: where both have the same item, the newer version stays and the other is "
                "kept as a copy. Replace makes your data the backup's. A copy of your current data is kept first, in "
                "your data folder.") if state.session else ""
        made_on = f" on {summary.device}" if summary.device else ""
        dates = (f"Its items are dated {summary.first.astimezone():%d %B %Y} to {summary.last.astimezone():%d %B %Y}."
                 if summary.first and summary.last else "")
        buttons = [ft.TextButton("Cancel", on_click=close)]
        if state.session:
            buttons.append(ft.OutlinedButton("Merge", on_click=merge))
        buttons.append(ft.FilledButton("Replace my data", on_click=replace))
        return _show(_dialog(
            "Restore this backup?",
            [
                ft.Text(f"{file_name}, made {summary.created_at.astimezone():%d %B %Y at %H:%M}{made_on}."),
                ft.Text(f"It holds {_kinds_text(summary.counts)}."),
                ft.Text(dates, visible=bool(dates)),
                ft.Text(here),
                _error(error),
            ],
            buttons,
            close,
        ))
    return _show(_dialog(
        "Open a backup",
        [
            ft.Text(f"{file_name}: type the passphrase you had when this backup was made. Nothing changes yet."),
            _field("Backup passphrase", passphrase, set_passphrase, autofocus=True, on_submit=open_file),
            _error(error),
        ],
        [ft.TextButton("Cancel", on_click=close), ft.FilledButton("Open", on_click=open_file)],
        close,
    ))


@ft.component
def ExportDialog(close):
    state = use_app()
    actions = use_actions()
    run = actions.run
    session = state.session
    passphrase, set_passphrase = ft.use_state("")
    fmt, set_fmt = ft.use_state("json")
    error, set_error = ft.use_state(None)
    saved_as, set_saved_as = ft.use_state(None)

    async def export(_=None):
        made = await run(session.export_saved, passphrase, fmt, on_error=set_error,
                         messages={WrongSecret: "That passphrase is not right. Nothing was exported."})
        if made is FAILED:
            return
        name, data = made
        set_saved_as(await save_bytes(state, actions, name, data) or name)

    if saved_as:
        return _show(_dialog(
            "Exported",
            [ft.Text(f"Your saved groups are in {saved_as}. This copy is not encrypted.")],
            [ft.FilledButton("Done", on_click=close)],
            close,
        ))
    return _show(_dialog(
        "Export saved groups",
        [
            ft.Text("A plain JSON or CSV file anyone can read, with your notes. Type your passphrase to confirm."),
            ft.RadioGroup(
                value=fmt,
                on_change=lambda e: set_fmt(e.control.value or "json"),
                content=ft.Row([ft.Radio(value="json", label="JSON"), ft.Radio(value="csv", label="CSV")]),
            ),
            _field("Passphrase", passphrase, set_passphrase, on_submit=export),
            _error(error),
        ],
        [ft.TextButton("Cancel", on_click=close), ft.FilledButton("Export", on_click=export)],
        close,
    ))


@ft.component
def EraseDialog(close):
    state = use_app()
    actions = use_actions()
    run = actions.run
    word, set_word = ft.use_state("")

    async def erase(_=None):
        if word.strip() != CONFIRM_WORD:
            return
        close()
        session = state.session
        state.lock_now()
        if await run(sessions.erase_everything, state.services, session) is FAILED:
            return
        state.vault_set_up = False
        state.lock_message = "All your private data and keys were deleted."
        ft.context.page.navigate("/")

    return _show(_dialog(
        "Delete all my data?",
        [
            ft.Text(
                "This deletes your saved groups, notes, attendance, journal, settings about you, every key and "
                "the copies kept before restores. It cannot be undone. The public group directory, the theme and "
                "the crisis-line country stay."
            ),
            _field(f"Type {CONFIRM_WORD} to confirm", word, set_word, password=False, on_submit=erase),
        ],
        [
            ft.TextButton("Cancel", on_click=close),
            ft.FilledButton(
                "Delete everything",
                on_click=erase,
                disabled=word.strip() != CONFIRM_WORD,
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
        "Make a new recovery code?",
        [
            ft.Text("Your current recovery code stops working as soon as the new one is made. Your passphrase "
                    "and your data stay as they are. Have a pen ready: the new code is shown once."),
            _error(error),
        ],
        [ft.TextButton("Cancel", on_click=close), ft.FilledButton("Make a new code", on_click=replace)],
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

    async def set_aside(_=None):
        if session is not None and await run(session.set_aside_unreadable, done="Set aside. The rest of your data is unchanged.") is not FAILED:
            await load()

    if note is None:
        return ft.Text("Checking that everything can be read\u2026", color=ft.Colors.ON_SURFACE_VARIANT)
    controls = [ft.Semantics(identifier="integrity-summary", container=True, content=ft.Text(note.summary))]
    if note.meaning:
        controls.append(ft.Text(note.meaning, color=ft.Colors.ON_SURFACE_VARIANT))
    if note.unreadable:
        controls.append(ft.Row(wrap=True, controls=[
            ft.OutlinedButton("Set them aside", icon=ft.Icons.INVENTORY_2_OUTLINED, on_click=set_aside)]))
    return ft.Column(spacing=8, controls=controls)
