"""Settings → For organisations: an organisation with no feed of its own lists the groups it
runs (everything people weigh when choosing), previews each as its Find card, and exports a
signed Kindred feed, Meeting Guide JSON and an HSDS 3.0 data package, each checked against
its schema. The listing is public data kept in the data folder, not private data."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import flet as ft

from services.directory.model import (
    ATTENDANCES,
    COSTS,
    LEADERSHIPS,
    REGISTRATIONS,
    Contact,
    GroupRecord,
    Location,
    OnlineAccess,
    ScheduleRule,
)
from services.directory.vocabulary import AUDIENCES, TOPICS
from services.group_text import ATTENDANCE, COST, LEADERSHIP, REGISTRATION, label
from services.publishing.forms import monthly_rule, weekly_rule
from services.publishing.organisation import DraftError, OrganisationEditor, preview_summary
from views.live_value import typed_text
from views.actions import FAILED, use_actions
from views.find.common import GroupCard, use_finding
from views.models import use_app
from views.widgets.icon_action import IconAction
from views.widgets.screen import ScreenBody
from views.widgets.text_input import TextInput
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401
from views.widgets.choice import Choice as NamedDropdown
from views.widgets.one_of import OneOf
from views.widgets.selectable_text import SelectableText

ACCESS_FEATURES = ("wheelchair_access", "sign_language", "hearing_loop", "fragrance_free")
WHEN_KINDS = (("weekly", N_("Every week")), ("monthly", N_("Once a month")), ("by_appointment", N_("By appointment")),
              ("varies", N_("Times vary")))


def go(route: str) -> None:
    ft.context.page.navigate(route)


@dataclasses.dataclass
class Draft:
    """The editor's fields as typed; turned into a GroupRecord on save."""

    id: str = ""
    name: str = ""
    description: str = ""
    topics: tuple = ()
    audience: tuple = ()
    leadership: str = "peer"
    credentials: str = ""
    attendance: str = "in_person"
    when_kind: str = "weekly"
    when: str = ""
    timezone: str = ""
    venue: str = ""
    address: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""
    online_url: str = ""
    online_phone: str = ""
    cost: str = "free"
    cost_note: str = ""
    size: str = ""
    registration: str = "drop_in"
    confidentiality: str = ""
    languages: str = ""
    accessibility: tuple = ()
    email: str = ""
    website: str = ""

    @classmethod
    def of(cls, record: GroupRecord) -> Draft:
        rule = record.schedule[0] if record.schedule else None
        when = ""
        if rule and rule.kind in ("weekly", "monthly") and rule.start:
            day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[rule.weekday]
            times = f"{rule.start:%H:%M}" + (f"-{rule.end:%H:%M}" if rule.end else "")
            ordinal = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th", -1: "last"}.get(rule.ordinal or 1, "1st")
            when = f"{day} {times}" if rule.kind == "weekly" else f"{ordinal} {day} {times}"
        elif rule and rule.kind == "varies":
            when = rule.note or ""
        loc = record.location
        return cls(
            id=record.external_id, name=record.name, description=record.description or "", topics=record.topics,
            audience=record.audience, leadership=record.leadership if record.leadership != "unknown" else "peer",
            credentials=record.facilitator_credentials or "", attendance=record.attendance,
            when_kind=rule.kind if rule else "weekly", when=when, timezone=(rule.timezone if rule else None) or "",
            venue=loc.venue or "", address=loc.address or "", city=loc.city or "", region=loc.region or "",
            postal_code=loc.postal_code or "", country=loc.country or "", online_url=record.online.url or "",
            online_phone=record.online.phone or "", cost=record.cost if record.cost != "unknown" else "free",
            cost_note=record.cost_note or "", size=str(record.typical_size or ""),
            registration=record.registration if record.registration != "unknown" else "drop_in",
            confidentiality=record.confidentiality or "", languages=", ".join(record.languages),
            accessibility=record.accessibility, email=record.contact.email or "", website=record.contact.website or "",
        )

    def record(self) -> GroupRecord:
        """Raises DraftError naming what is wrong."""
        zone = self.timezone.strip() or None
        if self.when_kind == "weekly":
            rules = (weekly_rule(self.when, zone),)
        elif self.when_kind == "monthly":
            rules = (monthly_rule(self.when, zone),)
        elif self.when_kind == "varies":
            rules = (ScheduleRule("varies", note=self.when.strip() or None),)
        else:
            rules = (ScheduleRule("by_appointment"),)
        size = None
        if self.size.strip():
            if not self.size.strip().isdigit():
                raise DraftError([f"typical size: {self.size!r} is not a number of people"])
            size = int(self.size.strip())

        def clean(value: str) -> str | None:
            return value.strip() or None

        return GroupRecord(
            external_id=self.id, name=self.name.strip(), description=clean(self.description), topics=tuple(self.topics),
            audience=tuple(self.audience), leadership=self.leadership, facilitator_credentials=clean(self.credentials),
            attendance=self.attendance, schedule=rules,
            location=Location(venue=clean(self.venue), address=clean(self.address), city=clean(self.city),
                              region=clean(self.region), postal_code=clean(self.postal_code), country=clean(self.country)),
            online=OnlineAccess(url=clean(self.online_url), phone=clean(self.online_phone)),
            cost=self.cost, cost_note=clean(self.cost_note), typical_size=size, registration=self.registration,
            confidentiality=clean(self.confidentiality),
            languages=tuple(p.strip() for p in self.languages.split(",") if p.strip()),
            accessibility=tuple(self.accessibility),
            contact=Contact(email=clean(self.email), website=clean(self.website)),
        )


def use_editor() -> OrganisationEditor:
    app = use_app()
    return OrganisationEditor(app.services.data_dir)


@ft.component
def Field(label_text: str, value: str, on_change, multiline: bool = False, hint: str | None = None, width=None):
    return TextInput(label=label_text, value=value, hint_text=hint, multiline=multiline,
                     width=width, on_change=lambda e: on_change(typed_text(e)))


@ft.component
def Choice(label_text: str, value: str, options, on_change, width=260):
    return NamedDropdown(label=label_text, value=value, width=width, on_select=lambda e: on_change(e.control.value),
                         options=[ft.DropdownOption(key=k, text=_(t)) for k, t in options])


@ft.component
def ChipSet(label_text: str, chosen: tuple, options, on_change):
    def toggle(value):
        def handler(_e=None):
            on_change(tuple(v for v in chosen if v != value) if value in chosen else (*chosen, value))
        return handler

    return ft.Column(spacing=4, controls=[
        ft.Text(label_text, size=13, color=ft.Colors.ON_SURFACE_VARIANT),
        ft.Row(wrap=True, spacing=6, run_spacing=6, controls=[
            ft.Chip(label=ft.Text(label(v)), selected=v in chosen, on_select=toggle(v), key=v) for v in options
        ]),
    ])


@ft.component
def GroupForm(draft: Draft, on_saved, on_cancel):
    editor = use_editor()
    run = use_actions().run
    # Typing goes into ``typed`` and re-renders nothing: a re-render per key would send each
    # field's value back to the browser while the person is still typing, and a key typed in
    # between would be lost. Choices (dropdowns, chips, segments) change what the form shows,
    # so they re-render it, from everything typed so far.
    typed = ft.use_ref(draft)
    _shown, set_shown = ft.use_state(draft)
    problems, set_problems = ft.use_state(())

    def text_setter(name):
        def on_text(value: str) -> None:
            typed.current = dataclasses.replace(typed.current, **{name: value})
        return on_text

    def setter(name):
        def on_choice(value) -> None:
            typed.current = dataclasses.replace(typed.current, **{name: value})
            set_shown(typed.current)
        return on_choice

    async def save(_e=None):
        try:
            record = typed.current.record()
        except DraftError as error:
            set_problems(tuple(error.problems))
            return
        messages = []
        saved = await run(editor.save_group, record, on_error=messages.append)
        if saved is FAILED:
            set_problems(tuple(messages[0].split("; ")) if messages else (_("The group was not saved."),))
            return
        set_problems(())
        await on_saved(saved)

    f = typed.current
    physical = f.attendance in ("in_person", "hybrid")
    online = f.attendance in ("online", "hybrid")
    when_hint = {"weekly": _("e.g. tue 19:00-20:30"), "monthly": _("e.g. 2nd tue 19:00-20:30 or last fri 18:00"),
                 "varies": _("where people can find the times")}.get(f.when_kind)
    controls = [
        ft.Text(_("Edit group") if f.id else _("New group"), theme_style=ft.TextThemeStyle.TITLE_MEDIUM),
        Field(_("Group name"), f.name, text_setter("name")),
        Field(_("What happens at this group"), f.description, text_setter("description"), multiline=True),
        ChipSet(_("Topics"), f.topics, TOPICS, setter("topics")),
        ChipSet(_("Who it is for (leave empty for everyone)"), f.audience, AUDIENCES, setter("audience")),
        ft.Row(wrap=True, spacing=8, run_spacing=8, controls=[
            Choice(_("Led by"), f.leadership, [(k, LEADERSHIP[k]) for k in LEADERSHIPS if k != "unknown"], setter("leadership")),
        ]),
        ft.Column(spacing=4, controls=[
            ft.Text(_("How it meets"), size=13, color=ft.Colors.ON_SURFACE_VARIANT),
            # Radio buttons that wrap: five segments in a row squeezed "In person" into a
            # letter per line on a phone.
            ft.Semantics(container=True, label=_("How it meets"), content=OneOf(
                [(k, ATTENDANCE[k]) for k in ATTENDANCES], f.attendance,
                lambda value: setter("attendance")(value or "in_person"), wrap=True)),
        ]),
        *([Field(_("Facilitator's credentials"), f.credentials, text_setter("credentials"),
                 hint=_("e.g. licensed clinical social worker"))] if f.leadership != "peer" else []),
        ft.Row(wrap=True, spacing=8, run_spacing=8, controls=[
            Choice(_("How often"), f.when_kind, WHEN_KINDS, setter("when_kind")),
            *([Field(_("When"), f.when, text_setter("when"), hint=when_hint, width=280)] if f.when_kind != "by_appointment" else []),
            *([Field(_("Time zone"), f.timezone, text_setter("timezone"), hint=_("e.g. America/New_York"), width=240)]
              if f.when_kind in ("weekly", "monthly") else []),
        ]),
        *([Field(_("Venue"), f.venue, text_setter("venue")), Field(_("Street address"), f.address, text_setter("address")),
           ft.Row(wrap=True, spacing=8, run_spacing=8, controls=[
               Field(_("Town or city"), f.city, text_setter("city"), width=220), Field(_("State or region"), f.region, text_setter("region"), width=160),
               Field(_("Postal code"), f.postal_code, text_setter("postal_code"), width=140)]),
           Field(_("Country code"), f.country, text_setter("country"), hint=_("two letters, e.g. US"), width=220),
           ChipSet(_("Accessibility"), f.accessibility, ACCESS_FEATURES, setter("accessibility"))] if physical else []),
        *([Field(_("Online link"), f.online_url, text_setter("online_url"), hint="https://…"),
           Field(_("Dial-in number"), f.online_phone, text_setter("online_phone"))] if online else []),
        ft.Row(wrap=True, spacing=8, run_spacing=8, controls=[
            Choice(_("Cost"), f.cost, [(k, COST[k]) for k in COSTS if k != "unknown"], setter("cost"), width=200),
            Field(_("About the cost"), f.cost_note, text_setter("cost_note"), width=260),
            Field(_("Typical size"), f.size, text_setter("size"), hint=_("people"), width=140),
        ]),
        Choice(_("How to join"), f.registration, [(k, REGISTRATION[k]) for k in REGISTRATIONS if k != "unknown"],
               setter("registration"), width=300),
        Field(_("Confidentiality"), f.confidentiality, text_setter("confidentiality"), hint=_("what the group agrees about privacy")),
        Field(_("Languages"), f.languages, text_setter("languages"), hint=_("e.g. English, Spanish")),
        ft.Row(wrap=True, spacing=8, run_spacing=8, controls=[
            Field(_("Contact e-mail"), f.email, text_setter("email"), width=280), Field(_("Web page"), f.website, text_setter("website"), width=320)]),
    ]
    if problems:
        controls.append(ft.Semantics(live_region=True, content=ft.Column(spacing=2, controls=[
            ft.Text(_("Not saved yet:"), color=ft.Colors.ERROR, weight=ft.FontWeight.W_600),
            *[ft.Text(f"\u2022 {p}", color=ft.Colors.ERROR) for p in problems]])))
    controls.append(ft.Row(wrap=True, controls=[
        ft.FilledButton(_("Save group"), icon=ft.Icons.SAVE_OUTLINED, on_click=save),
        ft.TextButton(_("Cancel"), on_click=lambda: on_cancel()),
    ]))
    return ft.Card(content=ft.Container(padding=16, content=ft.Column(spacing=10, controls=controls)))


@ft.component
def OrganisationScreen():
    editor = use_editor()
    run = use_actions().run
    prefs = use_finding()
    loaded, set_loaded = ft.use_state(None)  # (organisation, groups)
    editing, set_editing = ft.use_state(None)  # a Draft, or None
    org_name = ft.use_ref(None)  # as typed; typing re-renders nothing (see GroupForm)
    exported, set_exported = ft.use_state(None)  # (report, public key text)

    async def load():
        result = await run(lambda: (editor.organisation(), editor.groups()))
        if result is not FAILED:
            if org_name.current is None:
                org_name.current = result[0].name
            set_loaded(result)

    ft.use_effect(load, [])

    async def save_name(_e=None):
        if await run(editor.set_organisation, org_name.current or "", done=_("Saved.")) is not FAILED:
            await load()

    async def saved(record):
        set_editing(None)
        await load()

    async def remove(group_id):
        if await run(editor.remove_group, group_id, done=_("Removed.")) is not FAILED:
            await load()

    def remove_handler(group_id):
        async def handler(_e=None):
            await remove(group_id)
        return handler

    async def export(_e=None):
        result = await run(editor.export_signed)
        if result is not FAILED:
            set_exported(result)

    zone = prefs.place.timezone if prefs.place and prefs.place.timezone else ""
    body = [
        ft.Row(spacing=4, controls=[
            IconAction(ft.Icons.ARROW_BACK, _("Back to settings"), on_click=lambda: go("/settings")),
            ft.Text(_("For organisations"), theme_style=ft.TextThemeStyle.HEADLINE_SMALL, expand=True),
        ]),
        ft.Text(_("Run groups but publish no feed? List them here, check how each will look, and export files "
                "any website can host. Kindred users then subscribe to your address. These listings are public; "
                "nothing private goes into them.")),
    ]
    if loaded is None:
        return ScreenBody([*body, ft.ProgressRing()], key="groups")
    if editing is not None:
        # The form is a screen of its own, with a scroll position of its own (the key): a long
        # form closing inside a scrolled list left the browser's accessibility tree where the
        # form had been, so buttons drawn in one place answered in another.
        return ScreenBody([
            ft.Row(spacing=4, controls=[
                IconAction(ft.Icons.ARROW_BACK, _("Back to your groups"), on_click=lambda: set_editing(None)),
                ft.Text(_("For organisations"), theme_style=ft.TextThemeStyle.HEADLINE_SMALL, expand=True),
            ]),
            GroupForm(editing, saved, lambda: set_editing(None), key=editing.id or "new"),
        ], key=f"form-{editing.id or 'new'}")
    organisation, groups = loaded
    body += [
        ft.Row(wrap=True, spacing=8, vertical_alignment=ft.CrossAxisAlignment.CENTER, controls=[
            TextInput(label=_("Organisation name"), value=org_name.current or "", width=320,
                      on_change=lambda e: setattr(org_name, "current", typed_text(e))),
            ft.OutlinedButton(_("Save name"), on_click=save_name),
        ]),
        ft.Text(_("Your groups ({n})").format(n=len(groups)), theme_style=ft.TextThemeStyle.TITLE_MEDIUM),
    ]
    now = datetime.now(UTC)
    for record in groups:
        summary = preview_summary(record, organisation.name, now, zone or None)
        body.append(ft.Column(key=record.external_id, spacing=4, controls=[
            GroupCard(summary, False, prefs, lambda _id=None: None, None),
            ft.Row(wrap=True, controls=[
                ft.OutlinedButton(_("Edit"), icon=ft.Icons.EDIT_OUTLINED, tooltip=_("Edit {name}").format(name=record.name),
                                  on_click=lambda _e, r=record: set_editing(Draft.of(r))),
                ft.TextButton(_("Remove"), icon=ft.Icons.DELETE_OUTLINE, tooltip=_("Remove {name}").format(name=record.name),
                              on_click=remove_handler(record.external_id)),
            ]),
        ]))
    body.append(ft.Row(controls=[ft.FilledTonalButton(_("Add a group"), icon=ft.Icons.ADD,
                                                      on_click=lambda: set_editing(Draft(timezone=zone)))]))
    body += [
        ft.Text(_("Publish"), theme_style=ft.TextThemeStyle.TITLE_MEDIUM),
        ft.Text(_("Export writes your groups three ways — Kindred's signed feed, Meeting Guide JSON and an Open "
                "Referral HSDS 3.0 data package — each checked against its published schema."), size=13),
        ft.Row(controls=[ft.FilledButton(_("Export and sign"), icon=ft.Icons.PUBLISH, on_click=export, disabled=not groups)]),
    ]
    if exported is not None:
        report, public_key = exported
        lines = [f"{fmt}: " + ", ".join(p.name for p in paths) for fmt, paths in report.files.items()]
        lines += [_("{format}: not written — {problems}").format(format=fmt, problems="; ".join(problems[:3]))
                  for fmt, problems in report.errors.items()]
        body.append(ft.Semantics(live_region=True, content=ft.Column(spacing=4, controls=[
            ft.Text(_("Exported.") if report.ok else _("Exported, with problems:"), weight=ft.FontWeight.W_600),
            SelectableText(_("Folder: {folder}").format(folder=report.folder)),
            *[ft.Text(line, size=13) for line in lines],
            ft.Text(_("Signed with your key {key}. Publish this public key next to the feed's address:").format(key=report.signed_by)),
            SelectableText(public_key, label=_("Public key {key}").format(key=public_key), font_family="monospace"),
            ft.Text(_("Upload the folder's files to your website; people add the address of groups.json in "
                    "Settings → Directory sources. See docs/publishing.md."), size=13),
        ])))
    return ScreenBody(body, key="groups")
