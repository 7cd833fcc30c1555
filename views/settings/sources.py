"""Settings → Directory sources: the feeds this device keeps up to date.

A list with each source's status (last update, group count, the last problem in plain
words, "unverified" when no publisher key is pinned), a form to add one, pause / resume /
remove, and "Sync now" with progress. All the work runs in services, off the event loop.
"""

from __future__ import annotations


import flet as ft

from services.sync.service import SourceStatus
from services.sync.staleness import ago
from views.actions import FAILED, use_actions
from views.find.catalogue import MoreGroupsNearYou
from views.find.common import use_finding
from views.settings.catalogue_source import CatalogueSourceCard
from views.live_value import use_live_value
from views.models import use_app, use_sync_model
from views.sync import SyncProblem, reload_sources, start_sync, sync_sources
from views.widgets.icon_action import IconAction
from views.widgets.screen import ScreenBody
from views.widgets.text_input import TextInput
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, localized, ngettext  # noqa: F401


def go(route: str) -> None:
    ft.context.page.navigate(route)


def use_sources():
    """The sources (SyncModel.sources): loaded when first shown, and again after every
    change or sync (by whoever made it)."""
    app = use_app()
    model = use_sync_model()

    async def load():
        await reload_sources(app)

    ft.use_effect(load, [])
    return model.sources


def status_line(source: SourceStatus) -> str:
    if source.last_success_at is None:
        return _("Not downloaded yet.")
    groups = ngettext("{n} group", "{n} groups", source.group_count).format(n=format_number(source.group_count))
    text = f"{groups} · " + _("up to date as of {when}").format(when=ago(source.last_success_at))
    if source.last_updated_at and source.last_updated_at != source.last_success_at:
        text += " · " + _("last changed {when}").format(when=ago(source.last_updated_at))
    return text


@ft.component
def ErrorNote(message: str | None):
    if not message:
        return ft.Container(visible=False)
    return ft.Semantics(
        live_region=True,
        content=ft.Text(message, color=ft.Colors.ERROR),
    )


@ft.component
def TrustBadge(source: SourceStatus):
    if source.verified:
        return ft.Text(_("verified · publisher key {key}").format(key=source.key_fingerprint), size=13, color=ft.Colors.PRIMARY)
    return ft.Container(
        padding=ft.Padding.symmetric(horizontal=8, vertical=2),
        border_radius=8,
        bgcolor=ft.Colors.TERTIARY_CONTAINER,
        content=ft.Text(_("unverified"), size=13, color=ft.Colors.ON_TERTIARY_CONTAINER),
    )


@ft.component
def SourceCard(source: SourceStatus):
    app = use_app()
    run = use_actions().run
    confirming, set_confirming = ft.use_state(False)
    error, set_error = ft.use_state(None)

    async def toggle_pause():
        if await run(app.services.sync.set_paused, source.name, not source.paused, on_error=set_error) is not FAILED:
            await reload_sources(app)

    async def remove():
        if await run(app.services.sync.remove_source, source.name, on_error=set_error) is not FAILED:
            await reload_sources(app)

    facts = [
        ft.Row(
            wrap=True,
            spacing=8,
            controls=[
                ft.Text(source.name, theme_style=ft.TextThemeStyle.TITLE_MEDIUM, weight=ft.FontWeight.W_600),
                TrustBadge(source),
                *([ft.Text(_("paused"), size=13, color=ft.Colors.ON_SURFACE_VARIANT)] if source.paused else []),
            ],
        ),
        ft.Text(source.url, size=13, color=ft.Colors.ON_SURFACE_VARIANT),
        ft.Text(status_line(source)),
    ]
    if source.timezone:
        facts.append(ft.Text(_("Times without a zone are read as {zone}.").format(zone=source.timezone), size=13))
    if source.last_error and source.last_checked_at:
        facts.append(ErrorNote(_("Could not update {when}: {problem}").format(when=ago(source.last_checked_at), problem=localized(source.last_error))))
    facts.append(ErrorNote(error))
    if confirming:
        facts.append(
            ft.Column(
                spacing=4,
                controls=[
                    ft.Text(
                        ngettext("Remove \u201c{name}\u201d and its {n} group from this device? "
                                 "Groups you saved stay saved; they are shown as no longer listed.",
                                 "Remove \u201c{name}\u201d and its {n} groups from this device? "
                                 "Groups you saved stay saved; they are shown as no longer listed.",
                                 source.group_count).format(name=source.name, n=format_number(source.group_count))
                    ),
                    ft.Row(
                        wrap=True,
                        controls=[
                            ft.FilledButton(_("Remove"), icon=ft.Icons.DELETE_OUTLINE, on_click=remove),
                            ft.TextButton(_("Keep it"), on_click=lambda: set_confirming(False)),
                        ],
                    ),
                ],
            )
        )
    else:
        facts.append(
            ft.Row(
                wrap=True,
                controls=[
                    ft.OutlinedButton(
                        _("Resume") if source.paused else _("Pause"),
                        icon=ft.Icons.PLAY_ARROW if source.paused else ft.Icons.PAUSE,
                        on_click=toggle_pause,
                    ),
                    ft.TextButton(_("Remove"), icon=ft.Icons.DELETE_OUTLINE, on_click=lambda: set_confirming(True)),
                ],
            )
        )
    # In a Row with expand, every card takes the full width, whatever its text.
    return ft.Row(controls=[ft.Card(expand=True, content=ft.Container(padding=16, content=ft.Column(spacing=6, controls=facts)))])


@ft.component
def AddSourceForm():
    app = use_app()
    run = use_actions().run
    url = use_live_value("")
    key = use_live_value("")
    zone = use_live_value("")
    name = use_live_value("")
    error, set_error = ft.use_state(None)
    busy, set_busy = ft.use_state(False)
    form_key, set_form_key = ft.use_state(0)
    can_verify = app.services.sync.can_verify_signatures()
    key_fields = [
        TextInput(
            label=_("Publisher key (optional)"),
            text=key,
            hint_text=_("44 characters, from the publisher's website"),
        ),
        ft.Text(
            _("With the publisher's key, Kindred accepts only updates the publisher signed. "
            "Without it the source is shown as \u201cunverified\u201d."),
            size=13,
            color=ft.Colors.ON_SURFACE_VARIANT,
        ),
    ]

    async def add():
        if not url.value.strip():
            return
        set_error(None)
        set_busy(True)
        added = await run(app.services.sync.add_source, url.value, public_key=key.value or None,
                          timezone=zone.value or None, name=name.value or None, on_error=set_error)
        set_busy(False)
        if added is FAILED:
            return
        await reload_sources(app)
        for typed in (url, key, zone, name):
            typed.set("")
        set_form_key(lambda k: k + 1)  # fresh, empty fields
        start_sync(app, [added.name])

    return ft.Card(
        key=f"add-{form_key}",
        content=ft.Container(
            padding=16,
            content=ft.Column(
                spacing=10,
                controls=[
                    ft.Text(_("Add a source"), theme_style=ft.TextThemeStyle.TITLE_MEDIUM),
                    ft.Text(
                        _("The address of a feed of groups published by an organisation you trust: a Kindred "
                        "feed, Meeting Guide JSON, an Open Referral (HSDS) file or a CSV."),
                        color=ft.Colors.ON_SURFACE_VARIANT,
                    ),
                    TextInput(
                        label=_("Feed address"),
                        text=url,
                        hint_text="https://example.org/groups.json",
                        keyboard_type=ft.KeyboardType.URL,
                    ),
                    *(key_fields if can_verify else [ft.Text(
                        _("This version of Kindred cannot check publishers' signatures, so sources added here are "
                        "shown as \u201cunverified\u201d. The app for your computer can check them."),
                        size=13,
                        color=ft.Colors.ON_SURFACE_VARIANT,
                    )]),
                    TextInput(
                        label=_("Time zone for groups that give none (optional)"),
                        text=zone,
                        hint_text=_("e.g. America/Chicago"),
                    ),
                    TextInput(
                        label=_("Name (optional)"),
                        text=name,
                    ),
                    ErrorNote(error),
                    ft.FilledButton(_("Add source"), icon=ft.Icons.ADD, on_click=add, disabled=busy or not url.value.strip()),
                ],
            ),
        ),
    )


def import_summary(report, file_name: str) -> str:
    """What an import did, in one or two plain sentences."""
    groups = ngettext("{n} group", "{n} groups", report.imported).format(n=format_number(report.imported))
    text = _("Imported {groups} from {file} (as \u201c{source}\u201d)").format(groups=groups, file=file_name, source=report.source)
    if report.replaced:
        text += _(", in place of the {n} imported from it before").format(n=format_number(report.replaced))
    text += "."
    skipped = len(report.skipped) + report.skipped_more
    if skipped:
        text += " " + ngettext("{n} record was skipped as unusable.", "{n} records were skipped as unusable.",
                               skipped).format(n=format_number(skipped))
    return text + _(" They are in Find now, also offline.")


@ft.component
def ImportFileCard():
    """Import a directory file from this device: the same readers as a sync and as
    `kindred directory import`, in the app and in the browser (a picked file arrives as bytes)."""
    app = use_app()
    actions = use_actions()
    run = actions.run
    error, set_error = ft.use_state(None)
    done, set_done = ft.use_state(None)
    busy, set_busy = ft.use_state(False)

    async def choose():
        set_error(None)
        set_done(None)
        picked = await actions.pick_file(_("Choose a directory file"), on_error=set_error,
                                         extensions=["json", "csv", "zip"])
        if picked is None:
            return
        name, data = picked
        set_busy(True)
        report = await run(
            app.services.directory.import_upload, name, data,
            on_error=lambda message: set_error(_("Nothing was imported: {reason}.").format(reason=message.rstrip("."))),
        )
        set_busy(False)
        if report is not FAILED:
            set_done(import_summary(report, name))

    return ft.Card(
        content=ft.Container(
            padding=16,
            content=ft.Column(
                spacing=10,
                controls=[
                    ft.Text(_("Import a directory file"), theme_style=ft.TextThemeStyle.TITLE_MEDIUM),
                    ft.Text(
                        _("A file of groups you downloaded or were given: a Kindred feed, Meeting Guide JSON, an Open "
                        "Referral (HSDS) file or data package (.zip), or the CSV template. It is read on this device; "
                        "importing a file with the same name again replaces its groups."),
                        color=ft.Colors.ON_SURFACE_VARIANT,
                    ),
                    ErrorNote(error),
                    *([ft.Semantics(live_region=True, content=ft.Text(done))] if done else []),
                    *([ft.ProgressBar()] if busy else []),
                    ft.OutlinedButton(_("Choose a file\u2026"), icon=ft.Icons.UPLOAD_FILE, on_click=choose, disabled=busy),
                ],
            ),
        ),
    )


@ft.component
def SyncPanel(sources):
    app = use_app()
    state = use_sync_model()
    # Sync now also updates the catalogue of open directories when it has an address.
    has_active = any(not s.paused for s in sources or ()) or bool(getattr(state.catalogue, "url", None))

    async def sync_now():
        await sync_sources(app)

    controls = [
        ft.Row(
            wrap=True,
            controls=[
                ft.FilledTonalButton(
                    _("Sync now"),
                    icon=ft.Icons.SYNC,
                    on_click=sync_now,
                    disabled=state.running or not has_active,
                ),
            ],
        )
    ]
    if state.running:
        controls.append(
            ft.Semantics(
                live_region=True,
                content=ft.Column(
                    spacing=4,
                    controls=[
                        ft.ProgressBar(value=state.fraction),
                        ft.Text(state.status or _("Checking for updates\u2026")),
                    ],
                ),
            )
        )
    elif state.outcomes:
        lines = []
        for outcome in state.outcomes:
            color = ft.Colors.ERROR if outcome.status == "failed" else None
            lines.append(ft.Text(f"{_(outcome.name) if isinstance(outcome, SyncProblem) else outcome.name}: {localized(outcome.message)}", color=color))
        controls.append(ft.Semantics(live_region=True, content=ft.Column(spacing=2, controls=lines)))
    return ft.Column(spacing=8, controls=controls)


@ft.component
def SourcesScreen():
    sources = use_sources()
    body = [
        ft.Row(
            spacing=4,
            controls=[
                IconAction(ft.Icons.ARROW_BACK, _("Back to settings"), on_click=lambda: go("/settings")),
                ft.Text(_("Directory sources"), theme_style=ft.TextThemeStyle.HEADLINE_SMALL, expand=True),
            ],
        ),
        ft.Text(
            _("Kindred comes with a directory that works with no internet. Sources add groups from "
            "organisations that publish a feed, and keep them up to date. Updating only downloads public "
            "listings; it never sends anything about you. If an update fails, the last good copy stays.")
        ),
    ]
    if sources is None:
        body.append(ft.ProgressRing())
    else:
        body.append(SyncPanel(sources))
        if not sources:
            body.append(ft.Text(_("No sources yet."), color=ft.Colors.ON_SURFACE_VARIANT))
        body.extend(SourceCard(source, key=source.name) for source in sources)
        body.append(AddSourceForm(key="add-source"))  # keyed: kept whatever the list above does
        body.append(ImportFileCard(key="import-file"))
        body.append(MoreGroupsNearYou(use_finding().place, title=_("Suggested directories for your place"), key="catalogue"))
        body.append(CatalogueSourceCard(key="catalogue-source"))
    return ScreenBody(body)


@ft.component
def SourcesSummary():
    """The Settings section: a one-line summary and the way to the sources screen."""
    state = use_sync_model()
    sources = use_sources()
    if sources is None:
        summary = "\u2026"
    elif not sources:
        summary = _("No sources. The directory that comes with Kindred works offline; add a feed to get more groups.")
    else:
        groups = sum(s.group_count for s in sources)
        synced = [s.last_success_at for s in sources if s.last_success_at]
        summary = (ngettext("{n} source", "{n} sources", len(sources)).format(n=len(sources)) + " · "
                   + ngettext("{n} group", "{n} groups", groups).format(n=format_number(groups)))
        summary += (" · " + _("up to date as of {when}").format(when=ago(max(synced)))) if synced else _(" · not downloaded yet")
        failing = [s for s in sources if s.last_error]
        if failing:
            summary += " · " + ngettext("{n} could not be updated", "{n} could not be updated", len(failing)).format(n=len(failing))
    controls = [ft.Text(summary)]
    if state.running:
        controls.append(ft.Text(state.status or _("Checking for updates\u2026"), color=ft.Colors.ON_SURFACE_VARIANT))
    controls.append(
        ft.OutlinedButton(_("Directory sources"), icon=ft.Icons.RSS_FEED, on_click=lambda: go("/settings/sources"))
    )
    return ft.Column(spacing=8, controls=controls)
