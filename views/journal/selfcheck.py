"""Self-checks: PHQ-9 and GAD-7 with their published wording, a score, its band, and a
history chart. A screening, not a diagnosis. Any answer above zero on PHQ-9 item 9
opens the crisis lines at once."""

from __future__ import annotations

from datetime import date

import flet as ft

from services.journal import JournalError, selfcheck
from views.live_value import use_live_value
from views.actions import FAILED
from views.help import open_help
from views.models import use_app
from views.journal.common import (
    ErrorText,
    LockedJournal,
    SubScreenTitle,
    use_journal,
    use_loaded,
    use_write,
)
from views.widgets.one_of import OneOf
from views.widgets.screen import ScreenBody
from services.i18n import current_language
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401


@ft.component
def Question(number: int, text: str, value: int | None, on_answer, answers=selfcheck.ANSWERS):
    async def changed(answer: str):
        await on_answer(number - 1, int(answer))

    # One labelled group per question: its answers are read as answers to it, not as a
    # list of 36 "Not at all" … "Nearly every day" with nothing to tie them to.
    return ft.Semantics(container=True, label=f"{number}. {text}", content=ft.Column(
        spacing=4,
        controls=[
            ft.Semantics(exclude_semantics=True, content=ft.Text(f"{number}. {text}", weight=ft.FontWeight.W_600)),
            OneOf([(str(i), f"{answer} ({i})") for i, answer in enumerate(answers)],
                  None if value is None else str(value), changed),
        ],
    ))


@ft.component
def HistoryChart(results, questionnaire):
    import flet_charts as fch  # imported when a chart is drawn, not at start-up (issue #14)

    if len(results) < 2:
        return ft.Text(_("Your scores appear here as a chart once you have taken this check twice."))
    return ft.Semantics(
        label=_("Your {name} scores over time: ").format(name=questionnaire.name) + ", ".join(f"{format_date(r.at)} {r.score}" for r in results),
        container=True,
        content=fch.LineChart(
            height=200,
            min_y=0,
            max_y=questionnaire.max_score,
            left_axis=fch.ChartAxis(label_size=28),
            bottom_axis=fch.ChartAxis(
                label_size=28,
                labels=[fch.ChartAxisLabel(value=i, label=ft.Text(format_date(r.at, "MMMd"), size=11)) for i, r in enumerate(results)],
            ),
            data_series=[
                fch.LineChartData(
                    color=ft.Colors.PRIMARY,
                    stroke_width=3,
                    point=True,
                    points=[fch.LineChartDataPoint(x=i, y=r.score, tooltip=f"{r.score}") for i, r in enumerate(results)],
                )
            ],
        ),
    )


@ft.component
def SelfCheckScreen():
    if use_journal() is None:
        return LockedJournal(_("Self-checks"))
    return SelfCheckBody()


@ft.component
def SelfCheckBody():
    journal = use_journal()
    app = use_app()
    which, set_which = ft.use_state("phq9")
    # Live: two answers tapped in quick succession both count (see views/live_value.py).
    answers = use_live_value((None,) * len(selfcheck.PHQ9.items))
    difficulty = use_live_value(None)
    result, set_result = ft.use_state(None)
    error, set_error = ft.use_state(None)
    write = use_write()
    questionnaire = selfcheck.QUESTIONNAIRES[which]
    words = selfcheck.wording(which)  # the publisher's own translation where bundled, else English
    history, _unused = use_loaded(lambda: selfcheck.history(journal, which), [which])

    def choose(e):
        chosen = next(iter(e.control.selected or ["phq9"]))
        set_which(chosen)
        answers.set((None,) * len(selfcheck.QUESTIONNAIRES[chosen].items))
        set_result(None)
        set_error(None)

    async def answer(index: int, value: int):
        now = tuple(value if i == index else a for i, a in enumerate(answers.value))
        answers.set(now)
        if which == "phq9" and index == selfcheck.PHQ9_SELF_HARM_ITEM and value > 0:
            # The crisis lines at once, over this screen: every answer stays. With all nine
            # answered, the score is saved first, so closing the lines shows it, kept.
            if all(a is not None for a in now):
                await save_score(now)
            open_help(app)

    async def submit(_=None):
        await save_score(answers.value)

    async def save_score(given: tuple):
        try:
            scored = selfcheck.score(which, given, difficulty.value)
        except JournalError as problem:
            set_error(str(problem))
            return
        saved = await write(selfcheck.save, journal, scored, on_error=set_error)
        if saved is FAILED:
            return
        set_error(None)
        set_result(saved)

    def again():
        answers.set((None,) * len(questionnaire.items))
        difficulty.set(None)
        set_result(None)

    if result is not None:
        body = [
            ft.Text(result.caption, theme_style=ft.TextThemeStyle.TITLE_MEDIUM),
            ft.Text(_(selfcheck.NOT_A_DIAGNOSIS)),
            *(
                [ft.Container(
                    bgcolor=ft.Colors.ERROR_CONTAINER, border_radius=12, padding=16,
                    content=ft.Column(tight=True, controls=[
                        ft.Text(_("You said you have had thoughts of being better off dead or of hurting yourself. "
                                "You don't have to carry that alone: free, confidential lines are there to talk, any time."),
                                color=ft.Colors.ON_ERROR_CONTAINER),
                        ft.FilledButton(_("Get help now"), icon=ft.Icons.SUPPORT_AGENT, on_click=lambda: open_help(app)),
                    ]),
                )]
                if result.needs_crisis_lines else []
            ),
            ft.OutlinedButton(_("Take it again"), on_click=again),
        ]
    else:
        body = [
            ft.Text(words.stem, theme_style=ft.TextThemeStyle.TITLE_SMALL),
            *[Question(i + 1, text, answers.value[i], answer, words.answers, key=f"{which}-{words.language}-{i}")
              for i, text in enumerate(words.items)],
            ft.Text(words.difficulty_question, weight=ft.FontWeight.W_600),
            OneOf([(str(i), text) for i, text in enumerate(words.difficulty_answers)],
                  None if difficulty.value is None else str(difficulty.value),
                  lambda answer: difficulty.set(int(answer))),
            ErrorText(error),
            ft.FilledButton(_("See my score"), icon=ft.Icons.CHECK, on_click=submit),
        ]

    return ScreenBody(
        [
            SubScreenTitle(_("Self-checks")),
            ft.Text(_("Two short questionnaires that many doctors use. ") + _(selfcheck.NOT_A_DIAGNOSIS),
                    color=ft.Colors.ON_SURFACE_VARIANT),
            *([ft.Semantics(identifier="selfcheck-english-only", content=ft.Text(
                _(selfcheck.ENGLISH_ONLY_NOTE).format(name=questionnaire.name), weight=ft.FontWeight.W_600,))]
              if current_language() != "en" and words.language == "en" else []),
            ft.SegmentedButton(
                selected=[which],
                allow_multiple_selection=False,
                show_selected_icon=False,
                on_change=choose,
                segments=[ft.Segment(value="phq9", label=ft.Text(_("PHQ-9 (mood)"))),
                          ft.Segment(value="gad7", label=ft.Text(_("GAD-7 (anxiety)")))],
            ),
            ft.Text(words.title, theme_style=ft.TextThemeStyle.TITLE_MEDIUM),
            *body,
            ft.Text(_("Your history"), theme_style=ft.TextThemeStyle.TITLE_MEDIUM),
            HistoryChart(history or [], questionnaire),
            *[ft.Text(_("{date}: {score} of {max} ({band})").format(date=format_date(r.at), score=r.score, max=r.max_score, band=_(r.band)), size=13) for r in reversed((history or [])[-5:])],
            ft.Text(words.attribution if words.language != "en" else _(selfcheck.ATTRIBUTION), size=12,
                    color=ft.Colors.ON_SURFACE_VARIANT),
            *([ft.Text(_(selfcheck.PUBLISHED_SOURCE_NOTE).format(
                name=questionnaire.name, edition=words.edition, date=format_date(date.fromisoformat(words.checked))),
                size=12, color=ft.Colors.ON_SURFACE_VARIANT)] if words.language != "en" else []),
        ]
    )
