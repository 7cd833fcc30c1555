"""Plain dataclasses the directory services hand to callers (views, CLI, tests).

Nothing here touches the database: repository.py maps rows to and from these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from services.directory.vocabulary import Attendance, Cost, Leadership, Registration, Status

# The directory file formats Kindred reads ("auto": tell from the file).
FEED_FORMATS = ("auto", "kindred", "meeting-guide", "bmlt", "hsds", "csv")

# The stored values, from the one vocabulary (services/directory/vocabulary.py).
LEADERSHIPS = tuple(v.value for v in Leadership)
ATTENDANCES = tuple(v.value for v in Attendance)
COSTS = tuple(v.value for v in Cost)
REGISTRATIONS = tuple(v.value for v in Registration)
STATUSES = tuple(v.value for v in Status)
RULE_KINDS = ("weekly", "monthly", "by_appointment", "varies")
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class ScheduleRule:
    """When a group meets.

    weekly (every ``interval_weeks`` weeks, anchored on ``anchor_date`` when > 1),
    monthly on the ``ordinal`` weekday (1..5, or -1 for the last), by appointment, or
    "varies" (times are not published: see the organisation). ``weekday`` is 0 = Monday
    and local to the meeting; ``timezone`` is an IANA name or None when unknown.
    """

    kind: str
    weekday: int | None = None
    start: time | None = None
    end: time | None = None
    timezone: str | None = None
    interval_weeks: int = 1
    ordinal: int | None = None
    anchor_date: date | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    note: str | None = None

    @property
    def has_times(self) -> bool:
        return self.kind in ("weekly", "monthly") and self.weekday is not None and self.start is not None


@dataclass(frozen=True, slots=True)
class Location:
    venue: str | None = None
    address: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    approximate: bool = False


@dataclass(frozen=True, slots=True)
class OnlineAccess:
    url: str | None = None
    phone: str | None = None
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None


@dataclass(frozen=True, slots=True)
class GroupRecord:
    """A group as read from a feed, before it is stored."""

    external_id: str
    name: str
    description: str | None = None
    notes: str | None = None
    topics: tuple[str, ...] = ()
    audience: tuple[str, ...] = ()
    leadership: str = "unknown"
    facilitator_credentials: str | None = None
    attendance: str = "in_person"
    schedule: tuple[ScheduleRule, ...] = ()
    location: Location = field(default_factory=Location)
    online: OnlineAccess = field(default_factory=OnlineAccess)
    cost: str = "unknown"
    cost_note: str | None = None
    typical_size: int | None = None
    registration: str = "unknown"
    confidentiality: str | None = None
    languages: tuple[str, ...] = ()
    accessibility: tuple[str, ...] = ()
    contact: Contact = field(default_factory=Contact)
    status: str = "active"
    last_verified: date | None = None
    timezone_origin: str = "unknown"  # feed | coordinates | region | import | unknown
    type_codes: tuple[str, ...] = ()  # a feed's own codes, kept even when we do not know them


@dataclass(frozen=True)
class NextMeeting:
    """The next meeting, in the meeting's own zone and in the person's zone."""

    start: datetime  # aware, in ``timezone``
    end: datetime | None
    timezone: str  # the meeting's IANA zone
    local_start: datetime  # the same instant in the person's zone
    local_timezone: str

    def describe(self) -> str:
        text = f"{self.local_start:%a %d %b %Y, %H:%M} ({self.local_timezone})"
        if self.local_timezone != self.timezone:
            text += f" — {self.start:%H:%M} {self.timezone}"
        return text


@dataclass(frozen=True)
class GroupSummary:
    """One search result."""

    id: str
    name: str
    source: str
    attendance: str
    topics: tuple[str, ...]
    leadership: str
    cost: str
    status: str
    city: str | None
    distance_km: float | None
    next_meeting: NextMeeting | None
    schedule_note: str  # e.g. "Weekly on Tuesday 19:00" or "times vary — see the organisation"
    times: tuple[ScheduleRule, ...] = ()  # every meeting of the group
    updated: date | None = None  # the feed's own date for the listing, else the day it was imported
    stale: bool = False  # updated long enough ago that the person should check first
    region: str | None = None
    country: str | None = None
    audience: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class GroupDetails:
    id: str
    source: str
    record: GroupRecord
    next_meetings: tuple[NextMeeting, ...]  # up to 3
    schedule_text: tuple[str, ...]
    timezone_note: str | None  # says so when no zone is known and no time is claimed
    updated: date | None = None  # the feed's own date for the listing, else the day it was imported
    stale: bool = False


@dataclass(frozen=True)
class SearchPage:
    total: int
    results: tuple[GroupSummary, ...]
    limit: int
    offset: int
    origin: object | None = None  # the Place used for distances, when any


@dataclass(frozen=True)
class SkippedRecord:
    where: str  # which record: index and id/name as given in the feed
    reason: str


class CappedList(list):
    """Skipped records or repair notes of one read: the first ``KEPT`` in full, the rest only
    counted, so that a hostile feed cannot make its report as large as itself."""

    KEPT = 1_000

    def __init__(self, *args):
        super().__init__(*args)
        self.more = 0

    def append(self, record) -> None:
        if len(self) < self.KEPT:
            super().append(record)
        else:
            self.more += 1

    @property
    def total(self) -> int:
        return len(self) + self.more


@dataclass
class ParsedFeed:
    """What an importer read: groups, skipped records and repairs it made, all reported."""

    format: str
    groups: list[GroupRecord] = field(default_factory=list)
    skipped: CappedList = field(default_factory=CappedList)
    repairs: CappedList = field(default_factory=CappedList)
    publisher: str | None = None
    meetings: int = 0  # rows that describe a meeting (Meeting Guide: one per weekday meeting)
    zone_counts: dict[str, int] = field(default_factory=dict)  # how each meeting's zone was decided
    doubtful: list[str] = field(default_factory=list)  # contradictions the source should look at
    not_groups: int = 0  # services skipped because they are not support groups (HSDS)
    all_services: bool = False  # HSDS: import every service, groups or not (an explicit choice)
    generated_at: datetime | None = None  # when the publisher made this copy (Kindred feeds say)

    @property
    def bad_records(self) -> int:
        """Skipped records that were unusable: services that are not groups were left out,
        not bad (a 211 lists every service), so they never make a feed "mostly bad"."""
        return self.skipped.total - self.not_groups


@dataclass(frozen=True)
class ImportReport:
    source: str
    format: str
    imported: int
    skipped: tuple[SkippedRecord, ...]
    repairs: tuple[str, ...]
    replaced: int  # groups of this source that were there before
    written: bool  # False for validate
    meetings: int = 0
    zones: tuple[tuple[str, int], ...] = ()  # (origin, meetings): feed, coordinates, region, import, unknown
    doubtful: tuple[str, ...] = ()
    skipped_more: int = 0  # skipped records beyond those listed in ``skipped``


@dataclass(frozen=True)
class SourceInfo:
    name: str
    kind: str
    format: str | None
    location: str | None
    publisher: str | None
    group_count: int
    last_imported_at: datetime | None


@dataclass(frozen=True)
class WhereToLook:
    name: str
    description: str
    url: str | None
    phone: str | None
    countries: tuple[str, ...]
    # Pages the entry was checked against, as (url, how) pairs; empty for older entries.
    sources: tuple[tuple[str, str], ...] = ()
