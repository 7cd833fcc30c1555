"""“More groups near you”: open directories from Kindred's catalogue that cover the person's
place, found offline, each subscribed to in one tap (the download then needs the network).
Shown in Find and in Settings → Directory sources. They are community-run directories that
Kindred does not check, and say so."""

from __future__ import annotations

import flet as ft

from services.directory.catalogue import COMMUNITY_NOTICE
from views.actions import FAILED, use_actions
from views.models import use_app, use_sync_model
from views.sync import reload_sources, sync_sources
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401

MATCH_WORDS = {"nearby": N_("Covers your area"), "country": N_("Covers your country"), "online": N_("Online, from anywhere")}


@ft.component
def MoreGroupsNearYou(place, title: str = N_("More groups near you")):
    title = _(title)  # the default is marked N_ and translated per call
    """``place`` is the person's Place (or None: then nothing is suggested)."""
    app = use_app()
    sync_model = use_sync_model()
    run = use_actions().run
    found, set_found = ft.use_state(None)
    busy, set_busy = ft.use_state(None)  # the entry being subscribed to
    place_key = place.name if place else None
    # A sync that brought a newer catalogue changes its last update: the suggestions are read again.
    catalogue_source = sync_model.catalogue
    catalogue_key = getattr(catalogue_source, "last_updated_at", None)

    async def load():
        if place is None:
            set_found(())
            return
        result = await run(app.services.catalogue.suggestions, place, include_elsewhere=False)
        set_found(() if result is FAILED else tuple(result))

    ft.use_effect(load, [place_key, catalogue_key])
    if place is None or not found:
        return ft.Container(visible=False)

    subscribed = {s.url for s in (sync_model.sources or ())}

    async def subscribe(entry):
        set_busy(entry.name)
        try:
            added = await run(app.services.catalogue.subscribe, entry.name, app.services.sync,
                              done=_("Subscribed to {name}. Downloading its groups\u2026").format(name=entry.name))
            if added is not FAILED:
                await reload_sources(app)
                await sync_sources(app, [added.name])
        finally:
            set_busy(None)

    def subscribe_handler(entry):
        async def handler(_e=None):  # an async handler: Flet awaits it (a lambda's coroutine would be dropped)
            await subscribe(entry)
        return handler

    rows = []
    for suggestion in found:
        entry = suggestion.entry
        is_in = entry.url in subscribed
        action = (
            ft.Text(_("Subscribed"), color=ft.Colors.PRIMARY) if is_in
            else ft.FilledTonalButton(
                # Every button reads "Subscribe" on screen; its accessible name says to what: the
                # text's own semantics label (checked in Chromium's accessibility tree). A tooltip
                # does not name the button, and it made the whole card's group start with its text.
                content=ft.Text(_("Subscribing\u2026") if busy == entry.name else _("Subscribe"),
                                semantics_label=(_("Subscribing to {name}") if busy == entry.name else _("Subscribe to {name}")).format(name=entry.name)),
                icon=ft.Icons.ADD_LINK, disabled=busy is not None,
                on_click=subscribe_handler(entry),
            )
        )
        rows.append(ft.Card(key=entry.name, content=ft.Container(padding=12, content=ft.Column(spacing=4, controls=[
            ft.Text(entry.name, weight=ft.FontWeight.W_600),
            ft.Text(" \u00b7 ".join(p for p in (entry.programme, entry.region) if p), size=13),
            ft.Text(f"{_(MATCH_WORDS[suggestion.match]) if suggestion.match in MATCH_WORDS else ''}: {entry.covers.get('description', '')}", size=13,
                    color=ft.Colors.ON_SURFACE_VARIANT),
            ft.Text(_("Listed by Kindred from public evidence seen {date}.").format(date=format_date(entry.last_checked) if not isinstance(entry.last_checked, str) else entry.last_checked), size=12,
                    color=ft.Colors.ON_SURFACE_VARIANT),
            ft.Row(wrap=True, controls=[action]),
        ]))))
    return ft.Column(spacing=6, horizontal_alignment=ft.CrossAxisAlignment.STRETCH, controls=[  # cards as wide as the screen
        ft.Text(title, theme_style=ft.TextThemeStyle.TITLE_MEDIUM),
        ft.Text(_(COMMUNITY_NOTICE) + " " + _("Subscribing downloads the directory from its own address; "
                "nothing about you is sent."), size=13, color=ft.Colors.ON_SURFACE_VARIANT),
        *rows,
    ])
