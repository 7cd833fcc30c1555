"""Find: search as you type, filters in a sheet, active filters removable in one tap, a
sort choice, result cards that page in as the person scrolls, and kind empty states."""

from __future__ import annotations

import asyncio

from dataclasses import replace

import flet as ft

from services.directory.places import miles_to_km
from services.directory.search import SearchError, SearchQuery
from services.directory.vocabulary import AUDIENCES, TOPICS
from services.group_text import label
from views.actions import FAILED, use_actions
from views.find.catalogue import MoreGroupsNearYou
from views.find.common import (
    GroupCard,
    LinkButton,
    details_route,
    go,
    use_finding,
    use_saved_ids,
)
from views.find.search import (
    PAGE_SIZE,
    SearchRunner,
    active_filters,
    clear_filters,
    day_label,
    remove_filter,
    time_of_day_label,
    toggled,
)
from views.find.route_state import find_route, from_query_string, is_find_route, search_part, to_query_string
from views.models import FindModel, use_app, use_find_model
from views.widgets.bind import bind
from views.widgets.check_row import CheckRow
from views.widgets.notice import Notice
from views.widgets.text_input import TextInput
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401
from views.widgets.choice import Choice
from views.widgets.help_action import HelpAction

SORTS = [("relevance", N_("Best match")), ("soonest", N_("Meets soonest")), ("distance", N_("Nearest"))]
DISTANCES = (5, 10, 25, 50)


def effective_query(text: str, filters: SearchQuery, place) -> SearchQuery:
    """What is searched: the typed words, the filters, and the person's place for distances."""
    query = replace(filters, text=text.strip() or None, near=place, offset=0, limit=PAGE_SIZE)
    if place is None:
        query = replace(query, within_km=None, sort="relevance" if query.sort == "distance" else query.sort)
    return query


def search_runner(state, model: FindModel) -> SearchRunner:
    """The session's search runner: its answers land in the FindModel, so they are there
    whether or not the screen is (a search finishing while a group is open is kept)."""
    if model._runner is not None:
        return model._runner

    def on_result(query, page, append):
        model._more_pending = False
        model.error = None
        model.total = page.total
        if append:
            seen = {o.id for o in model.results}
            model.results = (*model.results, *(r for r in page.results if r.id not in seen))
        else:
            model.results = tuple(page.results)
        model.loaded = True
        search = to_query_string(model.text, model.filters)
        if search != model.applied:
            # The address follows the search, so that back, reload and a shared link show it;
            # only while Find is on screen: an answer landing after the person opened a group
            # (or went to another tab) is kept for "Back to results", never a jump away.
            model.applied = search
            if model._search_focused:
                # Changing the address while the person types in the search field makes the
                # browser drop the keys that follow (measured: "anxie" of "anxiety peer group",
                # or nothing at all): it follows when they leave the field or open a result.
                model._route_pending = True
            else:
                address_follows_search(state, model)

    def on_error(problem):
        model._more_pending = False
        model.loaded = True
        model.error = (str(problem) if isinstance(problem, SearchError) else
                       _("Searching didn't work just now. Your words and filters are still here; try again."))

    model._runner = SearchRunner(state.services.directory.search, on_result, on_error)
    return model._runner


def address_follows_search(state, model) -> None:
    """Show the search in the address (for back, reload and a shared link), while Find is on
    screen: an answer landing after the person opened a group is kept for "Back to results"."""
    model._route_pending = False
    if state.page is not None and is_find_route(state.page.route) and search_part(state.page.route) != (model.applied or ""):
        state.page.navigate(find_route(model))


@ft.component
def FindScreen():
    state = use_app()
    model = use_find_model()
    prefs = use_finding()
    saved_ids, toggle_save = use_saved_ids()
    sheet_open, set_sheet_open = ft.use_state(False)
    if model.filters is None:
        model._scroll = 0.0
        object.__setattr__(model, "filters", SearchQuery(limit=PAGE_SIZE))  # first use: no re-render needed
    text, filters, results, total, loaded, error = (model.text, model.filters, model.results, model.total,
                                                    model.loaded, model.error)
    runner = search_runner(state, model)
    route_search = search_part(state.page.route if state.page is not None else "")
    column_ref = ft.use_memo(lambda: ft.Ref(), [])
    restoring = ft.use_ref(None)  # the offset being restored, until the list reports it

    def current(text_now=None, filters_now=None) -> SearchQuery:
        # The model's words and filters, set at once by each event (not this drawing's copy).
        return effective_query(model.text if text_now is None else text_now,
                               model.filters if filters_now is None else filters_now, prefs.place)

    place_key = prefs.place.name if prefs.place else None

    async def follow_route():
        # A new address (a link, reload, browser back), a new place, or the first visit:
        # search. Coming back to the same address shows the kept results, where they were.
        if model.loaded and route_search == model.applied and place_key == model.place_key:
            if model._scroll and column_ref.current is not None:
                await restore_scroll(model._scroll)
            return
        new_text, new_filters = from_query_string(route_search, model.filters)
        model.text, model.filters, model.place_key = new_text, new_filters, place_key
        model.applied = route_search
        model._scroll = 0.0
        runner.request(current(new_text, new_filters), immediate=True)

    ft.use_effect(follow_route, [route_search, place_key])

    def forget_focus():
        # A field taken off screen with the focus (browser back while typing) may never say
        # "blur": a new one starts without it, or the address would wait for ever.
        model._search_focused = False

    ft.use_effect(forget_focus, [])

    async def restore_scroll(offset: float):
        # The browser may not have laid the list out yet when the screen comes back: a jump
        # asked for too early is lost. Ask again until a scroll report says it got there.
        restoring.current = offset
        for wait in (0.0, 0.1, 0.2, 0.4, 0.8):
            await asyncio.sleep(wait)
            if restoring.current is None or column_ref.current is None:
                return
            await column_ref.current.scroll_to(offset=offset)
        restoring.current = None

    def on_type(e):
        state.touch()
        value = e.control.value or ""
        model.text = value
        runner.request(current(text_now=value))

    def change_filters(change):
        """``change``: the new filters, or a function of the filters as they are now (two
        chips tapped before the screen redrew must both count)."""
        state.touch()
        new = change(model.filters) if callable(change) else change
        model.filters = new
        runner.request(current(filters_now=new), immediate=True)

    def load_more(_=None):
        if model._more_pending or len(results) >= total:
            return
        model._more_pending = True
        runner.request(replace(current(), offset=len(results)), immediate=True, append=True)

    def on_scroll(e: ft.OnScrollEvent):
        model._scroll = e.pixels or 0.0
        if restoring.current is not None and abs(model._scroll - restoring.current) < 4:
            restoring.current = None  # back where the person was
        if e.max_scroll_extent and e.pixels >= e.max_scroll_extent - 300:
            load_more()

    def catch_up_address():
        # Only what waited: state.page.route lags a navigation still under way, and a second
        # push of the same address would put it twice into the browser's history.
        if model._route_pending:
            address_follows_search(state, model)

    def open_group(summary):
        catch_up_address()  # so that back from the group comes to these results
        go(details_route(summary.id))

    def on_search_focus(_=None):
        model._search_focused = True

    def on_search_blur(_=None):
        model._search_focused = False
        catch_up_address()

    def on_sort(e):
        sort = e.control.value or "relevance"
        change_filters(lambda now: replace(now, sort=sort))

    chips = active_filters(current(), prefs.distance_unit)
    sorts = [(k, t) for k, t in SORTS if k != "distance" or prefs.place is not None]

    header = [
        ft.Row(
            wrap=True,
            alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
            vertical_alignment=ft.CrossAxisAlignment.CENTER,
            controls=[
                ft.Text(_("Find a group"), theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
                ft.FilledTonalButton(_("Help me choose"), icon=ft.Icons.ASSISTANT_OUTLINED, on_click=lambda: go("/find/choose")),
            ],
        ),
        TextInput(
            label=_("Search groups"),
            hint_text=_("A topic, a name or a town"),
            value=text,
            prefix_icon=ft.Icons.SEARCH,
            on_change=on_type,
            on_submit=on_type,
            on_focus=on_search_focus,
            on_blur=on_search_blur,
        ),
        ft.Row(
            wrap=True,
            spacing=8,
            run_spacing=8,
            vertical_alignment=ft.CrossAxisAlignment.CENTER,
            controls=[
                ft.OutlinedButton(_("Filters ({n})").format(n=len(chips)) if chips else _("Filters"), icon=ft.Icons.TUNE,
                                  on_click=lambda: set_sheet_open(True)),
                Choice(
                    name=_("Sort results"),
                    label=_("Sort"),
                    value=current().sort,
                    width=200,
                    dense=True,
                    on_select=on_sort,
                    options=[ft.DropdownOption(key=k, text=_(t)) for k, t in sorts],
                ),
            ],
        ),
        *([ft.Row(wrap=True, spacing=6, run_spacing=6, controls=[
            ft.Chip(label=ft.Text(words), delete_icon_tooltip=_("Remove filter {words}").format(words=words),
                    on_delete=bind(change_filters, lambda now, key=key: remove_filter(now, key)), key=key)
            for key, words in chips
        ])] if chips else []),
        PlaceLine(prefs),
    ]

    if error:
        body = [ft.Semantics(live_region=True, content=ft.Text(error, color=ft.Colors.ERROR)),
                ft.OutlinedButton(_("Try again"), on_click=lambda: runner.request(current(), immediate=True))]
    elif not loaded:
        body = [ft.Row([ft.ProgressRing(width=24, height=24), ft.Text(_("Looking…"))])]
    elif not results:
        body = [NoResults(text, chips, lambda: change_filters(clear_filters)), MoreGroupsNearYou(prefs.place, key="catalogue")]
    else:
        body = [
            ft.Semantics(live_region=True, content=ft.Text(
                (ngettext("{n} group", "{n} groups", total).format(n=format_number(total))
                 + (" — " + _("showing the first {n}").format(n=format_number(len(results))) if len(results) < total else "")),
                color=ft.Colors.ON_SURFACE_VARIANT)),
            *[GroupCard(r, r.id in saved_ids, prefs, open_group, toggle_save, key=r.id) for r in results],
            *([ft.OutlinedButton(_("Show more ({n} more)").format(n=format_number(total - len(results))), icon=ft.Icons.EXPAND_MORE, on_click=load_more)]
              if len(results) < total else []),
            *([WhereElseToLook(title=_("Not finding the right group?"))] if total < 4 else []),
            MoreGroupsNearYou(prefs.place, key="catalogue"),
        ]

    # Always in the same place in the tree: a sheet that moved would be closed and reopened.
    sheet = FilterSheet(sheet_open, filters, prefs, change_filters, lambda: set_sheet_open(False), key="filter-sheet")
    return ft.Column(
        ref=column_ref,
        expand=True,
        scroll=ft.ScrollMode.AUTO,
        on_scroll=on_scroll,
        scroll_interval=0,  # unthrottled: a throttle can drop the last report, and where the person stopped must be known
        horizontal_alignment=ft.CrossAxisAlignment.CENTER,
        controls=[
            sheet,
            ft.Container(
                padding=ft.Padding.symmetric(horizontal=16, vertical=12),
                width=720,
                content=ft.Column(controls=[*header, *body], spacing=12, horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
            ),
        ],
    )


@ft.component
def PlaceLine(prefs):
    if prefs.place is None:
        return ft.Row(wrap=True, spacing=0, vertical_alignment=ft.CrossAxisAlignment.CENTER, controls=[
            ft.Text(_("Add your town or ZIP code to see distances."), size=13, color=ft.Colors.ON_SURFACE_VARIANT),
            ft.TextButton(_("Set my place"), icon=ft.Icons.PLACE_OUTLINED, on_click=lambda: go("/settings")),
        ])
    return ft.Row(wrap=True, spacing=0, vertical_alignment=ft.CrossAxisAlignment.CENTER, controls=[
        ft.Text(_("Distances from {place} (private to you).").format(place=prefs.place.name), size=13, color=ft.Colors.ON_SURFACE_VARIANT),
        ft.TextButton(_("Change"), on_click=lambda: go("/settings")),
    ])


@ft.component
def NoResults(text: str, chips: list, on_clear):
    hints = []
    if text.strip():
        hints.append(_("Try fewer words, or a broader one (\"grief\" rather than \"grief after losing a parent\")."))
    if chips:
        hints.append(_("Remove a filter or two above, or clear them all."))
    hints.append(_("Online groups can be joined from anywhere."))
    return ft.Column(
        spacing=12,
        controls=[
            Notice(ft.Icons.TRAVEL_EXPLORE, _("No groups match yet"),
                   _("That doesn't mean there's nothing for you. ") + " ".join(hints)),
            *([ft.OutlinedButton(_("Clear all filters"), icon=ft.Icons.FILTER_ALT_OFF, on_click=on_clear)] if chips else []),
            WhereElseToLook(),
        ],
    )


@ft.component
def WhereElseToLook(title: str = N_("Where else to look")):
    title = _(title)  # the default is marked N_ and translated per call
    state = use_app()
    run = use_actions().run
    places, set_places = ft.use_state(None)

    async def load():
        found = await run(state.services.directory.where_else_to_look, state.country)
        set_places(() if found is FAILED else found)

    ft.use_effect(load, [state.country])
    from services.links import tel_link, web_link

    rows = []
    for place in places or []:
        links = [LinkButton(_("Website"), web_link(place.url), ft.Icons.OPEN_IN_NEW, raw=place.url)] if place.url else []
        if place.phone:
            links.append(LinkButton(_("Call {phone}").format(phone=place.phone), tel_link(place.phone), ft.Icons.CALL_OUTLINED, raw=place.phone))
        rows.append(ft.Container(
            padding=ft.Padding.only(top=4, bottom=4),
            content=ft.Column(spacing=4, controls=[
                ft.Text(place.name, weight=ft.FontWeight.W_600),
                ft.Text(place.description, size=13, color=ft.Colors.ON_SURFACE_VARIANT),
                *([ft.Row(wrap=True, spacing=8, run_spacing=4, controls=links)] if links else []),
            ]),
        ))
    return ft.Column(spacing=6, controls=[ft.Text(title, theme_style=ft.TextThemeStyle.TITLE_MEDIUM), *rows])


def _chip(text: str, selected: bool, on_select):
    return ft.Chip(label=ft.Text(text), selected=selected, on_select=on_select, show_checkmark=True)


def _is_within(query: SearchQuery, km: float) -> bool:
    """Whether ``km`` is the chosen distance (miles are stored as km, so not exactly equal)."""
    return query.within_km is not None and abs(query.within_km - km) < 0.01


@ft.component
def FilterSheet(is_open: bool, filters: SearchQuery, prefs, on_change, on_close):
    """The directory's filters as chips. Each tap applies at once; Done closes."""
    if not is_open:
        ft.use_dialog(None)
        return ft.Container(width=0, height=0)

    # Each chip changes the filters as they are when it is tapped, not as they were drawn.
    def one_of(field: str, key):
        """A choice of one: tapping the chosen one clears it."""
        return lambda _e=None: on_change(lambda now: replace(now, **{field: None if getattr(now, field) == key else key}))

    def any_of(field: str, key):
        return lambda _e=None: on_change(lambda now: replace(now, **{field: toggled(getattr(now, field), key)}))

    def within(km: float):
        def change(now: SearchQuery) -> SearchQuery:
            return replace(now, within_km=None if _is_within(now, km) else km)
        return lambda _e=None: on_change(change)

    def section(title: str, chips: list):
        return ft.Column(spacing=6, controls=[
            ft.Text(title, theme_style=ft.TextThemeStyle.TITLE_SMALL),
            ft.Row(wrap=True, spacing=6, run_spacing=6, controls=chips),
        ])

    unit = prefs.distance_unit
    distance_chips = []
    if prefs.place is not None:
        for amount in DISTANCES:
            km = miles_to_km(amount) if unit == "mi" else float(amount)
            distance_chips.append(_chip(_("Within {amount} {unit}").format(amount=amount, unit=unit), _is_within(filters, km),
                                        within(km)))

    content = ft.Column(
        scroll=ft.ScrollMode.AUTO,
        spacing=14,
        controls=[
            # The sheet sits over the app bar's "Get help now": it carries its own.
            ft.Row(wrap=True, alignment=ft.MainAxisAlignment.SPACE_BETWEEN, controls=[
                ft.Text(_("Filters"), theme_style=ft.TextThemeStyle.TITLE_LARGE),
                ft.Row(tight=True, spacing=8, controls=[HelpAction(), ft.FilledButton(_("Done"), on_click=on_close)]),
            ]),
            section(_("How it meets"), [
                _chip(text, filters.attendance == key, one_of("attendance", key))
                for key, text in (("in_person", _("In person")), ("online", _("Online")))
            ]),
            section(_("Led by"), [
                _chip(text, filters.leadership == key, one_of("leadership", key))
                for key, text in (("peer", _("Peers")), ("professional", _("A professional")))
            ]),
            section(_("What it's for"), [
                _chip(label(topic), topic in filters.topics, any_of("topics", topic)) for topic in TOPICS
            ]),
            section(_("Cost"), [
                _chip(text, key in filters.cost, any_of("cost", key))
                for key, text in (("free", _("Free")), ("donation", _("Donation")), ("sliding_scale", _("Sliding scale")))
            ]),
            section(_("When"), [
                *[_chip(text, filters.meets_within == key, one_of("meets_within", key))
                  for key, text in (("24h", _("Next 24 hours")), ("7d", _("Next 7 days")))],
                *[_chip(time_of_day_label(key), filters.time_of_day == key, one_of("time_of_day", key))
                  for key in ("morning", "afternoon", "evening")],
            ]),
            section(_("Day"), [_chip(day_label(d, "abbreviated"), d in filters.days, any_of("days", d)) for d in range(7)]),
            section(_("For"), [_chip(label(a), a in filters.audience, any_of("audience", a)) for a in AUDIENCES]),
            section(_("Distance"), distance_chips) if distance_chips else
            ft.Text(_("Set your place in Settings to filter by distance."), color=ft.Colors.ON_SURFACE_VARIANT),
            CheckRow(_("Hide groups that are temporarily closed"), not filters.show_closed,
                     lambda hide: on_change(lambda now: replace(now, show_closed=not hide)), switch=True),
            ft.TextButton(_("Clear all filters"), icon=ft.Icons.FILTER_ALT_OFF, on_click=lambda: on_change(clear_filters)),
        ],
    )
    ft.use_dialog(ft.BottomSheet(
        content=ft.Container(padding=ft.Padding.only(left=16, right=16, top=8, bottom=16), content=content),
        show_drag_handle=True,
        scrollable=True,
        on_dismiss=lambda _e: on_close(),
    ))
    return ft.Container(width=0, height=0)
