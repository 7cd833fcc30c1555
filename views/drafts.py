"""Unsaved work survives leaving the screen, a reload or a closed tab: forms keep a draft,
encrypted in the store (services/drafts.py), as the person types, and get it back when
they open again. Saving or "Discard" throws the draft away."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import flet as ft

from services.session import DraftTooLarge
from views.actions import FAILED, use_actions
from views.models import use_app
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401


@dataclass
class _Keeper:
    name: str | None = None
    loaded: bool = False  # nothing is kept before the old draft has been read (it would be overwritten)
    pending: dict | None = None
    writer: asyncio.Task | None = None  # the write running now, which takes what is pending after it
    stopped: bool = False  # too large to keep: said once, then left alone
    last_kept: dict | None = None

    @property
    def writing(self) -> bool:
        return self.writer is not None and not self.writer.done()


@dataclass(frozen=True)
class Draft:
    restored_at: datetime | None
    keep: Callable[[dict], None]
    discard: Callable[[], object]


def use_draft(name: str | None, apply: Callable[[dict], None], baseline: dict | None = None) -> Draft:
    """The draft called ``name`` (None: keep none). ``apply(fields)`` puts a restored draft
    into the form; call ``keep(fields)`` whenever the form changes and ``await discard()``
    once it is saved. ``baseline``: what the form holds untouched (fields equal to it are
    no draft)."""
    app = use_app()
    actions = use_actions()
    keeper = ft.use_ref(_Keeper).current
    restored_at, set_restored_at = ft.use_state(None)
    session = app.session

    async def load():
        keeper.name, keeper.loaded, keeper.pending, keeper.last_kept = name, False, None, None
        if name is None or session is None:
            return
        found = await actions.run(session.draft, name)
        if keeper.name != name:
            return  # the form moved on meanwhile
        keeper.loaded = True
        if found not in (None, FAILED):
            fields, kept_at = found
            keeper.last_kept = fields
            keeper.pending = None  # the untouched form's values must not overwrite the draft
            apply(fields)
            set_restored_at(kept_at)
        elif keeper.pending is not None:
            start_writing()

    ft.use_effect(load, [name, session is not None])

    async def write():
        while keeper.pending is not None and session is not None and not keeper.stopped:
            fields, keeper.pending = keeper.pending, None
            if fields == keeper.last_kept:
                continue
            if fields == baseline:  # back to how it started: nothing to keep
                result = await actions.run(session.discard_draft, keeper.name) if keeper.last_kept else None
            else:
                result = await actions.run(session.keep_draft, keeper.name, fields,
                                           messages={DraftTooLarge: str(DraftTooLarge())})
            if result is FAILED:
                keeper.stopped = True
            else:
                keeper.last_kept = fields

    def start_writing() -> None:
        if not keeper.writing:
            keeper.writer = asyncio.get_running_loop().create_task(write())

    def keep(fields: dict) -> None:
        if name is None or session is None or keeper.stopped:
            return
        keeper.pending = dict(fields)
        if keeper.loaded:
            start_writing()

    async def discard():
        keeper.pending, keeper.last_kept = None, None
        set_restored_at(None)
        if name is not None and session is not None:
            if keeper.writing:  # a write still running would bring the draft back
                await keeper.writer
            await actions.run(session.discard_draft, name)

    return Draft(restored_at, keep, discard)


@ft.component
def DraftNotice(draft: Draft, what: str, on_discard):
    """"Your unsaved check-in from Tue 14:05 is back." with a way to throw it away."""
    if draft.restored_at is None:
        return ft.Container(visible=False)
    restored = draft.restored_at.astimezone()
    when = format_date(restored, "MMMEd") + ", " + format_time(restored)
    # Its own semantics node: read as one sentence, not merged into the form's name.
    return ft.Semantics(container=True, content=ft.Container(
        padding=ft.Padding.symmetric(horizontal=12, vertical=8),
        border_radius=8,
        bgcolor=ft.Colors.SECONDARY_CONTAINER,
        content=ft.Column(spacing=0, controls=[
            ft.Row(
                spacing=8,
                vertical_alignment=ft.CrossAxisAlignment.START,
                controls=[
                    ft.Icon(ft.Icons.RESTORE, size=18, color=ft.Colors.ON_SECONDARY_CONTAINER),
                    ft.Text(_("Your unsaved {what} from {when} is back. It was kept encrypted on this device.").format(what=_(what), when=when),
                            expand=True, color=ft.Colors.ON_SECONDARY_CONTAINER),
                ],
            ),
            ft.Row(alignment=ft.MainAxisAlignment.END, controls=[ft.TextButton(_("Discard"), on_click=on_discard)]),
        ]),
    ))
