"""Directory sync for one UI session: runs the process's sync off the event loop and shows
its progress and outcomes in the session's SyncModel. Public data only: no session needed.
A sync of everything (Sync now, the check at start) also updates the catalogue of open
directories when it has an address; the suggestions follow ``SyncModel.catalogue``."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from views.models import AppModel
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401

log = logging.getLogger(__name__)

STAGE_WORDS = {"checking": N_("Checking"), "verifying": N_("Checking the signature of"), "reading": N_("Reading"),
               "saving": N_("Saving"), "done": N_("Done with")}


@dataclass(frozen=True)
class SyncProblem:
    """Shown in place of per-source outcomes when a sync could not run at all."""

    message: str
    name: str = N_("Sync")
    status: str = "failed"


async def reload_sources(app: AppModel) -> None:
    """The sources and the catalogue's address and last check, read again (after a change or a sync)."""
    try:
        app.sync.sources = tuple(await asyncio.to_thread(app.services.sync.list_sources))
    except Exception as problem:  # noqa: BLE001 - the list stays as it was
        log.info("sources not listed: %s", type(problem).__name__)
    await reload_catalogue_source(app)


async def reload_catalogue_source(app: AppModel) -> None:
    try:
        app.sync.catalogue = await asyncio.to_thread(app.services.catalogue.source)
    except Exception as problem:  # noqa: BLE001 - shown as before
        log.info("catalogue address not read: %s", type(problem).__name__)


async def sync_sources(app: AppModel, names: list[str] | None = None, due_only: bool = False) -> tuple:
    """Sync in a worker thread; progress arrives here through the event loop."""
    model = app.sync
    if model.running:
        return ()
    if due_only and not await asyncio.to_thread(app.services.sync.sources_due):
        return ()  # nothing to check: no sources, all paused, or all checked within the hour
    loop = asyncio.get_running_loop()
    model.running = True
    model.status = _("Checking for updates\u2026")
    model.fraction = None
    model.outcomes = ()

    def show(text: str, fraction: float) -> None:
        if model.running:
            model.status = text
            model.fraction = fraction

    def on_progress(progress) -> None:  # the worker thread calls this
        text = _("{doing} {name} ({n} of {total})\u2026").format(doing=_(STAGE_WORDS.get(progress.stage, "Checking")), name=progress.name,
                                                              n=progress.index + 1, total=progress.total)
        fraction = (progress.index + (1 if progress.stage == "done" else 0.5)) / max(1, progress.total)
        loop.call_soon_threadsafe(show, text, fraction)

    try:
        outcomes = tuple(await asyncio.to_thread(
            lambda: app.services.sync.sync(names, due_only=due_only, progress=on_progress)
        ))
    except Exception as error:  # noqa: BLE001 - shown, never raised into the UI
        outcomes = (SyncProblem(str(error)),)
    finally:
        model.running = False
        model.status = None
        model.fraction = None
    model.outcomes = outcomes
    await reload_sources(app)
    return outcomes


def start_sync(app: AppModel, names: list[str] | None = None, due_only: bool = False) -> asyncio.Task | None:
    """Start a sync without waiting for it: the UI stays responsive meanwhile."""
    if app.sync.running:
        return None
    task = asyncio.get_running_loop().create_task(sync_sources(app, names, due_only))
    app.sync._task = task
    return task
