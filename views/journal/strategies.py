"""Coping strategies: the bundled library with short how-tos, plus the person's own."""

from __future__ import annotations

import flet as ft

from services.journal.strategies import all_strategies, library, library_note
from views.live_value import use_live_value
from views.actions import FAILED, use_actions
from views.journal.common import (
    ErrorText,
    SubScreenTitle,
    snack,
    use_journal,
    use_loaded,
    use_write,
)
from views.models import use_app
from views.widgets.bind import bind
from views.widgets.icon_action import IconAction
from views.widgets.screen import ScreenBody
from views.widgets.text_input import TextInput
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401


@ft.component
def StrategyCard(strategy, on_favourite, on_delete):
    subtitle_bits = []
    if strategy.own:
        subtitle_bits.append(_("Your own"))
    if strategy.learned_at:
        subtitle_bits.append(_("learned at {place}").format(place=strategy.learned_at))
    details = [ft.Text(strategy.summary)] if strategy.summary else []
    details += [ft.Text(f"{n}. {step}") for n, step in enumerate(strategy.steps, start=1)]
    if strategy.caution:
        details.append(
            ft.Container(
                bgcolor=ft.Colors.TERTIARY_CONTAINER,
                border_radius=8,
                padding=12,
                content=ft.Text(strategy.caution, color=ft.Colors.ON_TERTIARY_CONTAINER),
            )
        )
    if strategy.based_on:
        details.append(ft.Text(_("Based on: {source}").format(source=strategy.based_on), size=12, color=ft.Colors.ON_SURFACE_VARIANT))
    if strategy.own:
        details.append(ft.TextButton(_("Delete this strategy"), icon=ft.Icons.DELETE_OUTLINE, on_click=bind(on_delete, strategy)))
    star = ft.Icons.STAR if strategy.favourite else ft.Icons.STAR_BORDER
    return ft.Card(
        key=strategy.id,
        content=ft.ExpansionTile(
            title=ft.Text(strategy.shown, weight=ft.FontWeight.W_600),
            subtitle=ft.Text(", ".join(subtitle_bits) if subtitle_bits else strategy.summary, max_lines=2),
            leading=IconAction(
                star,
                (_("Remove {name} from favourites") if strategy.favourite else _("Add {name} to favourites")).format(name=strategy.shown),
                on_click=bind(on_favourite, strategy),
            ),
            controls_padding=ft.Padding.only(left=16, right=16, bottom=12),
            expanded_cross_axis_alignment=ft.CrossAxisAlignment.START,
            controls=details,
        ),
    )


@ft.component
def StrategiesScreen():
    if use_journal() is None:
        return PublicStrategies()
    return StrategiesBody()


@ft.component
def PublicStrategies():
    """Without a passphrase: the whole bundled library. Starring one or adding your own is
    private, so that asks for set-up or unlock first, then does it."""
    app = use_app()
    actions = use_actions()

    def favourite(strategy):
        async def then():
            session = app.session
            if session is not None and session.is_open:
                if await actions.run(session.journal.toggle_favourite, strategy.name) is not FAILED:
                    session.journal_changed()
                    snack(_("Added {name} to your favourites.").format(name=strategy.shown))

        app.ask_for_private(_("Your favourites are private: they are kept encrypted on this device")
                            if not app.vault_set_up else _("Unlock to keep your favourites"), then)

    def add_mine():
        app.ask_for_private(_("Your own strategies are private: they are kept encrypted on this device")
                            if not app.vault_set_up else _("Unlock to add your own strategies"), None)

    return ScreenBody(
        [
            SubScreenTitle(_("Coping strategies")),
            ft.Text(_("Things people use when it gets hard, each with a short how-to. "
                    "Star the ones that work for you to see them first when you check in.")),
            *[StrategyCard(s, favourite, None, key=s.id) for s in library()],
            ft.Text(library_note(), size=12, color=ft.Colors.ON_SURFACE_VARIANT),
            ft.OutlinedButton(_("Add your own strategy"), icon=ft.Icons.ADD, on_click=add_mine),
        ]
    )


@ft.component
def StrategiesBody():
    journal = use_journal()
    write = use_write()
    strategies, _unused = use_loaded(lambda: all_strategies(journal), [])
    name = use_live_value("")
    how_to = use_live_value("")
    learned_at = use_live_value("")
    error, set_error = ft.use_state(None)
    form_key, set_form_key = ft.use_state(0)

    async def favourite(strategy):
        await write(journal.toggle_favourite, strategy.name)

    async def delete(strategy):
        await write(journal.delete_own_strategy, strategy.id, done=_("Deleted \"{name}\".").format(name=strategy.name))

    async def add():
        if await write(journal.add_own_strategy, name.value, how_to.value, learned_at.value or None,
                       on_error=set_error) is FAILED:
            return
        set_error(None)
        for typed in (name, how_to, learned_at):
            typed.set("")
        set_form_key(lambda k: k + 1)
        snack(_("Added to your strategies."))

    return ScreenBody(
        [
            SubScreenTitle(_("Coping strategies")),
            ft.Text(_("Star the ones that work for you: favourites come first here and when you check in.")),
            *[StrategyCard(s, favourite, delete, key=s.id) for s in (strategies or [])],
            ft.Text(library_note(), size=12, color=ft.Colors.ON_SURFACE_VARIANT),
            ft.Text(_("Add your own"), theme_style=ft.TextThemeStyle.TITLE_MEDIUM),
            ft.Column(
                key=f"form-{form_key}",
                spacing=8,
                controls=[
                    TextInput(label=_("Name"), text=name),
                    TextInput(label=_("How to do it (optional)"), text=how_to, multiline=True, min_lines=2),
                    TextInput(label=_("Learned at (a group, optional)"), text=learned_at),
                    ErrorText(error),
                    ft.FilledButton(_("Add strategy"), icon=ft.Icons.ADD, on_click=add),
                ],
            ),
        ]
    )
