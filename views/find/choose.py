""""Help me choose": a few short questions (what the seed article says to weigh), then a
ranked list with a plain "why this fits" line on each group. The answers are private:
they are kept in the encrypted settings, never anywhere else."""

from __future__ import annotations

from dataclasses import replace

import flet as ft

from services.choose import ANY, Answers, describe_answers, rank
from services.directory.places import miles_to_km
from services.directory.vocabulary import TOPICS
from services.group_text import label
from views.live_value import use_live_value
from views.actions import FAILED, use_actions
from views.find.common import details_route, go, use_finding, use_saved_ids
from views.find.route_state import find_route
from views.find.search import day_label, time_of_day_label, toggled
from views.models import use_app
from views.widgets.bind import bind
from views.widgets.icon_action import IconAction
from views.widgets.screen import ScreenBody
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401

TRAVEL = (5, 10, 25, 50)


def _chip(text: str, selected: bool, on_select):
    return ft.Chip(label=ft.Text(text), selected=selected, on_select=on_select, show_checkmark=True)


def questions(answers: Answers, update, unit: str, has_place: bool) -> list[tuple[str, str, list]]:
    """(title, why it matters, chips) per step. ``update(change)`` applies ``change(answers)``
    to the answers as they are when the chip is tapped (two quick taps both count)."""

    def one(field: str, options):
        current = getattr(answers, field)
        return [_chip(text, current == key, lambda _e, key=key: update(lambda a: replace(a, **{field: key}))) for key, text in options]

    travel = []
    if has_place:
        for amount in TRAVEL:
            km = miles_to_km(amount) if unit == "mi" else float(amount)
            selected = answers.travel_km is not None and abs(answers.travel_km - km) < 0.01
            travel.append(_chip(_("Up to {amount} {unit}").format(amount=amount, unit=unit), selected,
                                lambda _e, km=km, selected=selected: update(lambda a: replace(a, travel_km=None if selected else km))))
    return [
        (_("What would you like support with?"),
         _("Groups that share your experience tend to feel most understanding. Pick any that fit."),
         [_chip(label(t), t in answers.topics, lambda _e, t=t: update(lambda a: replace(a, topics=toggled(a.topics, t))))
          for t in TOPICS]),
        (_("In person or online?"),
         _("Online groups are easy to join from home; meeting in person can feel closer."),
         one("attendance", (("in_person", _("In person")), ("online", _("Online")), (ANY, _("Either is fine"))))),
        (_("Led by peers or by a professional?"),
         _("Peers share what worked for them; a trained facilitator brings structure and expertise."),
         one("leadership", (("peer", _("Peers")), ("professional", _("A professional")), (ANY, _("Either is fine"))))),
        (_("A smaller or a larger group?"),
         _("Smaller groups allow deeper connection; larger ones bring more perspectives."),
         one("size", (("small", _("Smaller (up to about 12)")), ("large", _("Larger")), (ANY, _("Either is fine"))))),
        (_("How often would you like to meet?"),
         _("Regular meetings make it easier to keep going."),
         one("frequency", (("weekly", _("Every week or two")), ("monthly", _("Once a month")), (ANY, _("Either is fine"))))),
        (_("What about cost?"),
         _("Many groups are free; some ask a donation or a fee."),
         one("cost", (("free", _("Free only")), ("low", _("Free or low cost")), (ANY, _("Cost doesn't matter"))))),
        (_("When are you usually free?"),
         _("Pick days and times that tend to work. Skip this if any time is fine."),
         [*[_chip(day_label(d, "abbreviated"), d in answers.days, lambda _e, d=d: update(lambda a: replace(a, days=toggled(a.days, d))))
            for d in range(7)],
          *[_chip(time_of_day_label(t), t in answers.times, lambda _e, t=t: update(lambda a: replace(a, times=toggled(a.times, t))))
            for t in ("morning", "afternoon", "evening")]]),
        (_("How far can you travel?"),
         _("Only for groups that meet in person.") if has_place else
         _("Set your place in Settings to weigh distance; for now, distance is left out."),
         travel),
    ]


@ft.component
def ChooseScreen():
    state = use_app()
    run = use_actions().run
    prefs = use_finding()
    saved_ids, toggle_save = use_saved_ids()
    answers = use_live_value(None)  # None until the kept answers are read
    step, set_step = ft.use_state(0)
    results, set_results = ft.use_state(None)

    async def prefill():
        if answers.value is None and state.finding is not None:
            answers.set(Answers.from_dict(state.finding.choose_answers))

    ft.use_effect(prefill, [state.finding is not None])
    current = answers.value or Answers()
    steps = questions(current, lambda change: answers.set(change(answers.value or Answers())), prefs.distance_unit,
                      prefs.place is not None)

    async def finish():
        chosen = answers.value or Answers()
        set_step(len(steps))
        set_results(None)
        session = state.session
        if session is not None:
            kept = await run(session.set_choose_answers, chosen.as_dict())
            if kept is not FAILED:
                state.finding = kept
        ranked = await run(rank, state.services.directory, chosen, prefs.place)
        set_results(() if ranked is FAILED else tuple(ranked))

    title = ft.Row(spacing=4, controls=[
        IconAction(ft.Icons.ARROW_BACK, _("Back to Find"), on_click=lambda: go(find_route(state.find))),
        ft.Text(_("Help me choose"), theme_style=ft.TextThemeStyle.HEADLINE_SMALL, expand=True),
    ])

    if step >= len(steps):
        summary = describe_answers(current, prefs.distance_unit)
        body = [
            ft.Text(_("You said: ") + ("; ".join(summary) if summary else _("nothing in particular")) + ".", color=ft.Colors.ON_SURFACE_VARIANT),
            ft.Row(wrap=True, spacing=8, controls=[
                ft.OutlinedButton(_("Change my answers"), icon=ft.Icons.EDIT_OUTLINED, on_click=lambda: set_step(0)),
                ft.TextButton(_("Start again"), on_click=lambda: (answers.set(Answers()), set_step(0))),
            ]),
        ]
        if results is None:
            body.append(ft.Row([ft.ProgressRing(width=24, height=24), ft.Text(_("Weighing the groups…"))]))
        elif not results:
            body.append(ft.Text(_("No groups to weigh yet. Try Find, or the places in \"Where else to look\".")))
        else:
            body.append(ft.Text(_("Best fits first"), theme_style=ft.TextThemeStyle.TITLE_MEDIUM))
            for n, choice in enumerate(results, 1):
                saved = choice.group_id in saved_ids
                body.append(ft.Card(key=choice.group_id, content=ft.Container(
                    padding=ft.Padding.only(left=4, top=4, right=4, bottom=4),
                    content=ft.Row(vertical_alignment=ft.CrossAxisAlignment.START, spacing=0, controls=[
                        ft.Container(expand=True, content=ft.Semantics(button=True, container=True, content=ft.Container(
                            ink=True, border_radius=10,
                            padding=ft.Padding.only(left=12, top=8, right=4, bottom=10),
                            on_click=lambda _e, gid=choice.group_id: go(details_route(gid)),
                            content=ft.Column(spacing=4, controls=[
                                ft.Text(f"{n}. {choice.name}", theme_style=ft.TextThemeStyle.TITLE_MEDIUM, weight=ft.FontWeight.W_600),
                                ft.Text(choice.why),
                            ]),
                        ))),
                        IconAction(ft.Icons.BOOKMARK if saved else ft.Icons.BOOKMARK_BORDER,
                                   _("Remove {name} from Saved").format(name=choice.name) if saved else _("Save {name}").format(name=choice.name),
                                   on_click=bind(toggle_save, choice.group_id, choice.name)),
                    ]),
                )))
        return ScreenBody([title, *body])

    question, why, chips = steps[step]
    last = step == len(steps) - 1
    return ScreenBody([
        title,
        ft.Text(_("Question {n} of {total}").format(n=step + 1, total=len(steps)), color=ft.Colors.ON_SURFACE_VARIANT),
        ft.ProgressBar(value=(step + 1) / len(steps)),
        ft.Text(question, theme_style=ft.TextThemeStyle.TITLE_LARGE),
        ft.Text(why, color=ft.Colors.ON_SURFACE_VARIANT),
        ft.Row(wrap=True, spacing=6, run_spacing=6, controls=chips),
        ft.Text(_("Your answers stay private on this device."), size=12, color=ft.Colors.ON_SURFACE_VARIANT),
        ft.Row(wrap=True, spacing=8, controls=[
            *([ft.OutlinedButton(_("Back"), on_click=lambda: set_step(step - 1))] if step else []),
            ft.FilledButton(_("See groups that fit") if last else _("Next"), on_click=finish if last else (lambda: set_step(step + 1))),
            *([ft.TextButton(_("Skip to the results"), on_click=finish)] if not last else []),
        ]),
    ])
