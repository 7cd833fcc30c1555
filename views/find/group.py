"""A group's details: everything the directory knows, the next three dates in the person's
zone, Directions / Join / Call / website / e-mail (only safe links open), a "your first
time" note, and Save. A saved group that is no longer listed is shown from its snapshot."""

from __future__ import annotations

import flet as ft

from services.directory.vocabulary import ONLINE_ANYWHERE, Attendance
from services.group_text import (
    COST,
    LEADERSHIP,
    REGISTRATION,
    correction_draft,
    first_time_text,
    freshness_text,
    label,
    meeting_date_text,
    times_text,
)
from services.links import directions_link, mailto_link, tel_link, web_link
from services.session import group_details
from views.actions import FAILED, use_actions
from views.find.common import (
    Badge,
    LinkButton,
    badges_for,
    go,
    group_id_from_route,
    snack,
    use_finding,
    use_saved_ids,
)
from views.find.route_state import find_route
from views.find.share import ShareButton
from views.models import use_app
from views.widgets.bind import bind
from views.widgets.icon_action import IconAction
from views.widgets.notice import Notice
from views.widgets.screen import ScreenBody
from views.widgets.selectable_text import SelectableText
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401


@ft.component
def GroupDetailsScreen():
    params = ft.use_route_params()
    group_id = group_id_from_route(params.get("id", ""))
    return GroupDetailsBody(group_id, from_saved=ft.is_route_active("/saved"))


@ft.component
def GroupDetailsBody(group_id: str, from_saved: bool):
    state = use_app()
    run = use_actions().run
    prefs = use_finding()
    saved_ids, toggle_save = use_saved_ids()
    loaded, set_loaded = ft.use_state(None)  # (details, listed)

    async def load():
        found = await run(group_details, state.services, state.session, group_id)
        set_loaded((None, False) if found is FAILED else found)

    ft.use_effect(load, [group_id, state.session is not None])
    # Where "back" goes is read when pressed: a search answering after the group opened has
    # moved Find's address on ("/?q=grief"), and the person's words must come back with it.
    back = IconAction(ft.Icons.ARROW_BACK, _("Back to Saved") if from_saved else _("Back to results"),
                      on_click=lambda: go("/saved" if from_saved else find_route(state.find)))
    if loaded is None:
        return ScreenBody([ft.Row([back]), ft.ProgressRing()])
    details, listed = loaded
    if details is None:
        return ScreenBody([ft.Row([back]), Notice(ft.Icons.SEARCH_OFF, _("This group isn't listed any more"),
                                                  _("Its source no longer lists it. Search again for groups like it."))])
    record = details.record
    saved = group_id in saved_ids
    rows: list = []

    def section(title: str, *controls):
        body = [c for c in controls if c is not None]
        if body:
            rows.append(ft.Column(spacing=6, controls=[ft.Text(title, theme_style=ft.TextThemeStyle.TITLE_MEDIUM), *body]))

    def text(value):
        return ft.Text(value) if value else None

    warnings = []
    if not listed:
        warnings.append(Badge(_("No longer listed: shown as you saved it"), ft.Icons.INFO_OUTLINE, "warning"))
    if record.status == "temporarily_closed":
        warnings.append(Badge(_("Temporarily closed"), ft.Icons.WARNING_AMBER, "warning"))

    online_link = web_link(record.online.url)
    phone = record.online.phone
    actions = [
        ft.FilledButton(_("Remove from Saved") if saved else _("Save"), icon=ft.Icons.BOOKMARK if saved else ft.Icons.BOOKMARK_BORDER,
                        on_click=bind(toggle_save, group_id, record.name)),
    ]
    attendance = Attendance(record.attendance) if record.attendance in Attendance._value2member_map_ else Attendance.IN_PERSON
    if attendance.remote:
        if record.online.url:
            actions.append(LinkButton(_("Join online"), online_link, ft.Icons.VIDEOCAM_OUTLINED, raw=record.online.url, filled=False))
        if phone:
            actions.append(LinkButton(_("Call in {phone}").format(phone=phone), tel_link(phone), ft.Icons.CALL_OUTLINED, raw=phone))
        if attendance is Attendance.ASK:
            actions.append(Badge(_("Ask the group for the link"), ft.Icons.INFO_OUTLINE))
    directions = directions_link(record.location) if attendance.in_person else None
    if directions:
        actions.append(LinkButton(_("Directions"), directions, ft.Icons.DIRECTIONS_OUTLINED))
    actions.append(ShareButton(details))

    # When
    next_dates = [ft.Text("• " + meeting_date_text(m, prefs.hour24)) for m in details.next_meetings]
    zone_note = None
    if details.next_meetings:
        zone_note = _("Times in your time zone ({zone}).").format(zone=details.next_meetings[0].local_timezone)
    all_times = times_text(record.schedule, prefs.hour24)
    section(
        _("When it meets"),
        *([ft.Text(all_times, weight=ft.FontWeight.W_600)] if all_times else []),
        *[ft.Text(line) for line in details.schedule_text],
        *([ft.Text(_("Next dates"), weight=ft.FontWeight.W_600), *next_dates] if next_dates else []),
        ft.Text(zone_note, size=13, color=ft.Colors.ON_SURFACE_VARIANT) if zone_note else None,
        text(details.timezone_note),
    )
    loc = record.location
    where = [p for p in (loc.venue, loc.address, ", ".join(p for p in (loc.city, loc.region, loc.postal_code) if p), loc.country) if p]
    if attendance.in_person:
        section(_("Where"), *[ft.Text(line) for line in where],
                ft.Text(_("The location is approximate."), size=13) if loc.approximate and where else None)
    else:
        section(_("Where"), ft.Text(_(ONLINE_ANYWHERE)))
    section(_("About"), text(record.description), text(record.notes))
    section(_("Who leads it"), ft.Text(LEADERSHIP.get(record.leadership, label(record.leadership))), text(record.facilitator_credentials))
    facts = [
        (_("Cost"), COST.get(record.cost, label(record.cost)) + (f" — {record.cost_note}" if record.cost_note else "")),
        (_("Size"), ngettext("About {n} person", "About {n} people", record.typical_size).format(n=format_number(record.typical_size)) if record.typical_size else None),
        (_("Joining"), REGISTRATION.get(record.registration, label(record.registration))),
        (_("Confidentiality"), record.confidentiality),
        (_("For"), ", ".join(label(a) for a in record.audience) if record.audience else None),
        (_("Languages"), ", ".join(record.languages) if record.languages else None),
        (_("Accessibility"), ", ".join(label(a) for a in record.accessibility) if record.accessibility else None),
    ]
    section(_("Good to know"), *[ft.Text(spans=[ft.TextSpan(f"{k}: ", ft.TextStyle(weight=ft.FontWeight.W_600)), ft.TextSpan(v)],
                                      ) for k, v in facts if v])
    section(_("Your first time"), ft.Text(first_time_text(record)))
    contact = record.contact
    contact_links = [
        LinkButton(_("Website"), web_link(contact.website), ft.Icons.OPEN_IN_NEW, raw=contact.website) if contact.website else None,
        LinkButton(_("E-mail {address}").format(address=contact.email), mailto_link(contact.email), ft.Icons.MAIL_OUTLINE, raw=contact.email) if contact.email else None,
        LinkButton(_("Call {phone}").format(phone=contact.phone), tel_link(contact.phone), ft.Icons.CALL_OUTLINED, raw=contact.phone) if contact.phone else None,
    ]
    contact_links = [c for c in contact_links if c is not None]
    section(_("Contact"), text(contact.name), *([ft.Row(wrap=True, spacing=8, run_spacing=8, controls=contact_links)] if contact_links else []))
    updated = getattr(details, "updated", None) or record.last_verified
    stale = bool(getattr(details, "stale", False))
    rows.append(ft.Semantics(identifier="listing-freshness", container=True, content=ft.Text(
        freshness_text(updated, stale, details.source or _("an unknown source")) + ".", size=13,
        color=ft.Colors.ERROR if stale else ft.Colors.ON_SURFACE_VARIANT, weight=ft.FontWeight.W_600 if stale else None)))
    rows.append(ReportProblemButton(details))

    return ScreenBody([
        ft.Row(spacing=4, vertical_alignment=ft.CrossAxisAlignment.START, controls=[
            back,
            ft.Text(record.name, theme_style=ft.TextThemeStyle.HEADLINE_SMALL, expand=True),
        ]),
        *([ft.Row(wrap=True, spacing=6, run_spacing=6, controls=warnings)] if warnings else []),
        *([ft.Text(", ".join(label(t) for t in record.topics), color=ft.Colors.ON_SURFACE_VARIANT)] if record.topics else []),
        ft.Row(wrap=True, spacing=6, run_spacing=6, controls=badges_for(record.attendance, record.leadership, record.cost)),
        ft.Row(wrap=True, spacing=8, run_spacing=8, controls=actions),
        *rows,
    ])


@ft.component
def ReportProblemButton(details):
    """"Report a problem": a correction drafted here, on the device, for the person to send
    to the listing's source themselves. Kindred sends nothing."""
    typed = ft.use_ref("")  # what the person wrote; the dialog's buttons read it when pressed

    def draft():
        return correction_draft(details.record, details.id, details.source or "directory", details.schedule_text,
                                typed.current or "", getattr(details, "updated", None))

    async def copy(_e=None):
        current = draft()
        await ft.Clipboard().set(f"{current.subject}\n\n{current.body}")
        snack(_("Copied the correction. Paste it into an e-mail or message to the source."))

    def close(_=None):
        ft.context.page.pop_dialog()

    def edited(e):
        typed.current = e.control.value or ""

    async def open_mail(_=None):
        await ft.UrlLauncher().launch_url(draft().mailto)

    def open_dialog(_e=None):
        current = draft()
        sends = []
        if current.mailto:
            # the e-mail app opens with the text; the person decides whether to send it
            sends.append(ft.TextButton(_("Open in my e-mail app"), icon=ft.Icons.MAIL_OUTLINE, on_click=open_mail))
        elif current.link:
            sends.append(ft.TextButton(_("Open the source's website"), icon=ft.Icons.OPEN_IN_NEW, url=current.link))
        ft.context.page.show_dialog(ft.AlertDialog(
            title=ft.Text(_("Report a problem")),
            semantics_label=_("Report a problem"),
            content=ft.Column(tight=True, scroll=ft.ScrollMode.AUTO, width=480, spacing=10,
                              horizontal_alignment=ft.CrossAxisAlignment.STRETCH, controls=[
                ft.Text(_("Tell the people who list this group what is wrong. Kindred drafts it here and sends nothing: "
                        "you send it yourself, if you want to.")),
                # A plain field: a dialog shown with show_dialog is outside the component tree (no
                # hooks), and with no value= from state it never sends text back over the typing.
                ft.TextField(label=_("What is wrong?"), multiline=True, min_lines=2, on_change=edited),
                ft.Text(_("What goes with it (the listing's public details):"), size=13, weight=ft.FontWeight.W_600),
                SelectableText(current.body.split("\n\n", 1)[-1], size=13, color=ft.Colors.ON_SURFACE_VARIANT),
                *([] if sends else [ft.Text(_("This source gives no contact address: copy the text and send it to them "
                                            "the way you know."), size=13)]),
            ]),
            actions=[*sends, ft.TextButton(_("Copy text"), icon=ft.Icons.COPY, on_click=copy), ft.TextButton(_("Close"), on_click=close)],
        ))

    return ft.OutlinedButton(_("Report a problem"), icon=ft.Icons.FLAG_OUTLINED, on_click=open_dialog)
