"""My safety plan: the six Stanley–Brown steps in the person's own words, encrypted."""

from __future__ import annotations

import flet as ft

from services.journal import safety_plan
from views.actions import FAILED
from views.drafts import DraftNotice, use_draft
from views.help import open_help
from views.live_value import use_live_value
from views.models import use_app
from views.journal.common import (
    ErrorText,
    SubScreenTitle,
    go,
    snack,
    use_journal,
    use_loaded,
    use_write,
)
from views.widgets.screen import ScreenBody
from views.widgets.text_input import TextInput
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401


INTRO = (N_("A plan, made while things are calmer, for the moments when they are not. "
         "Write one thing per line. Fill in what you can; you can come back to it any time."))


@ft.component
def SafetyPlanScreen():
    if use_journal() is None:
        return SafetyPlanExplained()
    return SafetyPlanBody()


@ft.component
def SafetyPlanExplained():
    """Without a passphrase: what a safety plan is and its six steps. Only writing one
    (it is private) asks for set-up or unlock."""
    app = use_app()

    def write_mine():
        async def then():
            go("/journal/safety-plan")

        app.ask_for_private(_("Your safety plan is private: it is kept encrypted on this device")
                            if not app.vault_set_up else _("Unlock to write your safety plan"), then)

    return ScreenBody(
        [
            SubScreenTitle(_("My safety plan")),
            ft.Text(_(INTRO)),
            *[
                ft.Column(spacing=4, controls=[
                    ft.Text(_(title), theme_style=ft.TextThemeStyle.TITLE_SMALL),
                    ft.Text(_(hint), color=ft.Colors.ON_SURFACE_VARIANT),
                ])
                for _key, title, hint in safety_plan.STEPS
            ],
            ft.Text(_(safety_plan.REASON_TITLE), theme_style=ft.TextThemeStyle.TITLE_SMALL),
            ft.Row(wrap=True, spacing=8, run_spacing=8, controls=[
                ft.FilledButton(_("Write my plan"), icon=ft.Icons.EDIT_NOTE, on_click=write_mine),
                ft.TextButton(_("Open the crisis lines"), icon=ft.Icons.SUPPORT_AGENT, on_click=lambda: open_help(app)),
            ]),
            ft.Text(_(safety_plan.ATTRIBUTION), size=12, color=ft.Colors.ON_SURFACE_VARIANT),
        ]
    )


@ft.component
def SafetyPlanBody():
    journal = use_journal()
    plan, _unused = use_loaded(lambda: safety_plan.load(journal), [])
    if plan is None:
        return ScreenBody([SubScreenTitle(_("My safety plan")), ft.ProgressRing()])
    return SafetyPlanForm(plan)


@ft.component
def SafetyPlanForm(plan):
    app = use_app()
    journal = use_journal()
    write = use_write()
    texts = use_live_value({key: "\n".join(plan.steps.get(key, [])) for key, *_unused in safety_plan.STEPS})
    reason = use_live_value(plan.reason_for_living)
    error, set_error = ft.use_state(None)

    def changed(key):
        return lambda e: texts.set({**texts.value, key: e.control.value or ""})

    untouched = {"steps": {key: "\n".join(plan.steps.get(key, [])) for key, *_unused in safety_plan.STEPS},
                 "reason": plan.reason_for_living}

    def restore(fields: dict) -> None:
        steps = fields.get("steps") or {}
        texts.set({key: str(steps.get(key) or "") for key, *_unused in safety_plan.STEPS})
        reason.set(str(fields.get("reason") or ""))

    draft = use_draft("safety-plan", restore, untouched)
    shown_texts, shown_reason = texts.value, reason.value
    ft.use_effect(lambda: draft.keep({"steps": dict(shown_texts), "reason": shown_reason}), [shown_texts, shown_reason])

    async def discard_draft():
        await draft.discard()
        restore(untouched)

    async def save():
        if await write(safety_plan.save, journal, texts.value, reason.value, on_error=set_error) is FAILED:
            return
        set_error(None)
        await draft.discard()
        snack(_("Safety plan saved."))

    return ScreenBody(
        [
            SubScreenTitle(_("My safety plan")),
            ft.Text(_(INTRO)),
            DraftNotice(draft, N_("safety plan"), discard_draft),
            *[
                ft.Column(
                    spacing=4,
                    horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                    controls=[
                        ft.Text(_(title), theme_style=ft.TextThemeStyle.TITLE_SMALL),
                        TextInput(label=_(title).split(". ", 1)[-1], hint_text=_(hint), value=shown_texts[key], multiline=True,
                                     min_lines=2, max_lines=8, on_change=changed(key)),
                        *([ft.TextButton(_("Open the crisis lines"), icon=ft.Icons.SUPPORT_AGENT, on_click=lambda: open_help(app))]
                          if key == "professionals" else []),
                    ],
                )
                for key, title, hint in safety_plan.STEPS
            ],
            TextInput(label=_(safety_plan.REASON_TITLE), text=reason, multiline=True, min_lines=1),
            ErrorText(error),
            ft.FilledButton(_("Save my plan"), icon=ft.Icons.SAVE, on_click=save),
            ft.Text(_(safety_plan.ATTRIBUTION), size=12, color=ft.Colors.ON_SURFACE_VARIANT),
        ]
    )
