"""Settings → Directory sources: the catalogue of open directories as a source of its own.

It says which catalogue is in use (the one that came with Kindred or a newer signed copy), where
"Sync now" updates it from (Kindred publishes no address yet: the person may enter one), and the
last problem in plain words. Only copies signed by Kindred's catalogue key are ever used, and
never an older one; the services check that (services.directory.catalogue)."""

from __future__ import annotations

import flet as ft

from services.sync.staleness import ago
from views.live_value import use_live_value
from views.actions import FAILED, use_actions
from views.models import use_app, use_sync_model
from views.sync import reload_catalogue_source
from views.i18n import N_, _, localized, ngettext  # noqa: F401
from views.widgets.text_input import TextInput


def _in_use_line(catalogue) -> str:
    if catalogue is None:
        return "\u2026"
    origin = _("came with Kindred") if catalogue.origin == "bundled" else _("a newer signed copy")
    directories = ngettext("{n} directory", "{n} directories", len(catalogue.entries)).format(n=len(catalogue.entries))
    return f"{directories} \u00b7 " + _("catalogue of {date}").format(date=catalogue.generated_at) + f" \u00b7 {origin}"


@ft.component
def CatalogueSourceCard():
    app = use_app()
    sync_model = use_sync_model()
    run = use_actions().run
    source = sync_model.catalogue
    in_use, set_in_use = ft.use_state(None)
    typed = use_live_value("")
    error, set_error = ft.use_state(None)
    form_key, set_form_key = ft.use_state(0)
    updated_key = getattr(source, "last_updated_at", None)

    async def load():
        if sync_model.catalogue is None:
            await reload_catalogue_source(app)
        found = await run(app.services.catalogue.load, on_error=set_error)
        if found is not FAILED:
            set_in_use(found)

    ft.use_effect(load, [updated_key])

    async def save(url: str | None):
        set_error(None)
        if await run(app.services.catalogue.set_source, url, on_error=set_error) is FAILED:
            return
        typed.set("")
        set_form_key(lambda k: k + 1)  # a fresh, empty field
        await reload_catalogue_source(app)

    async def save_typed():
        if typed.value.strip():
            await save(typed.value)

    async def forget():
        await save(None)

    url = getattr(source, "url", None)
    facts = [
        ft.Text(_("Catalogue of open directories"), theme_style=ft.TextThemeStyle.TITLE_MEDIUM, weight=ft.FontWeight.W_600),
        ft.Text(_in_use_line(in_use)),
    ]
    if url:
        facts.append(ft.Text(_("Sync now also updates it from {url}. Only a copy signed by Kindred's catalogue key is "
                               "used, and never one older than this.").format(url=url), size=13, color=ft.Colors.ON_SURFACE_VARIANT))
        if source.last_checked_at and not source.last_error:
            facts.append(ft.Text(_("Checked {when}.").format(when=ago(source.last_checked_at)), size=13))
        if source.last_error and source.last_checked_at:
            facts.append(ft.Semantics(live_region=True, content=ft.Text(
                _("Could not update {when}: {problem}").format(when=ago(source.last_checked_at), problem=localized(source.last_error)),
                color=ft.Colors.ERROR)))
    else:
        facts.append(ft.Text(
            _("Kindred has no published address for catalogue updates yet, so the catalogue that came with the app "
            "is used. If you have the address of a signed Kindred catalogue, enter it here; Sync now then "
            "updates it."), size=13, color=ft.Colors.ON_SURFACE_VARIANT))
    # The words above are a node of their own: otherwise Chromium names the field with all of them.
    facts = [ft.Semantics(container=True, content=ft.Column(spacing=6, controls=facts))]
    facts.append(TextInput(
        key=f"catalogue-address-{form_key}",
        label=_("Catalogue address"),
        text=typed,
        hint_text="https://example.org/catalogue.json",
        keyboard_type=ft.KeyboardType.URL,
    ))
    if error:
        facts.append(ft.Semantics(live_region=True, content=ft.Text(error, color=ft.Colors.ERROR)))
    buttons = [ft.OutlinedButton(_("Save address"), icon=ft.Icons.SAVE_OUTLINED, on_click=save_typed,
                                 disabled=not typed.value.strip())]
    if url and not source.is_default:
        buttons.append(ft.TextButton(_("Forget this address"), icon=ft.Icons.LINK_OFF, on_click=forget))
    facts.append(ft.Row(wrap=True, controls=buttons))
    # A card of its own (like "Add a source"): the field keeps its own name, not the card's text.
    return ft.Card(content=ft.Container(padding=16, content=ft.Semantics(
        container=True, content=ft.Column(spacing=6, controls=facts))))
