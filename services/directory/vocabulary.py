"""The one typed vocabulary of the directory: how a group meets, who leads it, what it
costs, its topics and audiences, and the states a schedule can be in — each an enum whose
value is what is stored, with the words a person reads in one place. Services, the CLI and
the views all take their labels from here, so a hybrid group is called the same thing on
its chip, its card and its details.

Also: keyword inference of topics for feeds that carry only free text (whole words only:
"Hispanic" is not "panic"), and the small thesaurus the search box uses ("anxious" finds
anxiety groups, "bereavement" grief groups, "español" Spanish-language ones).
"""

from __future__ import annotations

import re
from functools import lru_cache
from enum import StrEnum

from services.i18n import N_, Labels


class Attendance(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"
    PHONE = "phone"  # a dial-in number only
    ASK = "ask"  # meets online or by phone, but the feed says to ask the group for the link

    @property
    def label(self) -> str:
        return ATTENDANCE_LABELS[self]

    @property
    def cli(self) -> str:
        """The CLI and JSON spelling: in-person, online, hybrid, phone, ask."""
        return self.value.replace("_", "-")

    @property
    def in_person(self) -> bool:
        return self in (Attendance.IN_PERSON, Attendance.HYBRID)

    @property
    def remote(self) -> bool:
        return self is not Attendance.IN_PERSON


ATTENDANCE_LABELS = Labels({
    Attendance.IN_PERSON: N_("In person"),
    Attendance.ONLINE: N_("Online"),
    Attendance.HYBRID: N_("In person and online"),
    Attendance.PHONE: N_("By phone"),
    Attendance.ASK: N_("Online — ask the group for the link"),
})
# Where a remote group is: anywhere. Shown instead of a distance, never "0 mi away".
ONLINE_ANYWHERE = N_("Online — anywhere")


class Leadership(StrEnum):
    PEER = "peer"
    PROFESSIONAL = "professional"
    CO_FACILITATED = "co_facilitated"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return LEADERSHIP_LABELS[self]


LEADERSHIP_LABELS = Labels({
    Leadership.PEER: N_("Peer-led"),
    Leadership.PROFESSIONAL: N_("Professional"),
    Leadership.CO_FACILITATED: N_("Peer and professional"),
    Leadership.UNKNOWN: N_("Leadership not given"),
})


class Cost(StrEnum):
    FREE = "free"
    DONATION = "donation"
    SLIDING_SCALE = "sliding_scale"
    FEE = "fee"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return COST_LABELS[self]


COST_LABELS = Labels({
    Cost.FREE: N_("Free"),
    Cost.DONATION: N_("Donation"),
    Cost.SLIDING_SCALE: N_("Sliding scale"),
    Cost.FEE: N_("Fee"),
    Cost.UNKNOWN: N_("Cost not stated"),
})


class Registration(StrEnum):
    DROP_IN = "drop_in"
    REGISTER = "register"
    INTAKE_CALL = "intake_call"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return REGISTRATION_LABELS[self]


REGISTRATION_LABELS = Labels({
    Registration.DROP_IN: N_("Drop in, no sign-up"),
    Registration.REGISTER: N_("Register first"),
    Registration.INTAKE_CALL: N_("A call before the first visit"),
    Registration.UNKNOWN: N_("Not given"),
})


class Status(StrEnum):
    ACTIVE = "active"
    TEMPORARILY_CLOSED = "temporarily_closed"  # the venue is closed; any online meeting goes on
    INACTIVE = "inactive"


class ScheduleState(StrEnum):
    """What a person is told when there is no next meeting to show, or a caution beside it."""

    TIMES_VARY = "times_vary"
    TIME_ZONE_UNKNOWN = "time_zone_unknown"
    BY_APPOINTMENT = "by_appointment"
    CALL_FOR_TIMES = "call_for_times"  # an agency's office hours are not the group's times
    TEMPORARILY_CLOSED = "temporarily_closed"
    NO_TIME = "no_time"

    @property
    def label(self) -> str:
        return SCHEDULE_STATE_LABELS[self]


SCHEDULE_STATE_LABELS = Labels({
    ScheduleState.TIMES_VARY: N_("Times vary — see the organisation"),
    ScheduleState.TIME_ZONE_UNKNOWN: N_("Time zone not given — check the time with the group"),
    ScheduleState.BY_APPOINTMENT: N_("By appointment"),
    ScheduleState.CALL_FOR_TIMES: N_("Call for group times"),
    ScheduleState.TEMPORARILY_CLOSED: N_("Temporarily closed"),
    ScheduleState.NO_TIME: N_("No regular time given"),
})
UNKNOWN_ZONE_LABEL = N_("time zone unknown")


class Topic(StrEnum):
    ANXIETY = "anxiety"
    DEPRESSION = "depression"
    BIPOLAR = "bipolar"
    GRIEF_AND_LOSS = "grief_and_loss"
    TRAUMA_PTSD = "trauma_ptsd"
    ADDICTION_RECOVERY = "addiction_recovery"
    EATING_DISORDERS = "eating_disorders"
    OCD = "ocd"
    PSYCHOSIS = "psychosis"
    SUICIDE_LOSS = "suicide_loss"
    PERINATAL = "perinatal"
    CHRONIC_ILLNESS = "chronic_illness"
    CAREGIVERS_AND_FAMILY = "caregivers_and_family"
    STRESS = "stress"
    LONELINESS = "loneliness"
    GENERAL_WELLBEING = "general_wellbeing"

    @property
    def label(self) -> str:
        return TOPIC_LABELS[self]


TOPIC_LABELS = Labels({
    Topic.ANXIETY: N_("Anxiety"), Topic.DEPRESSION: N_("Depression"), Topic.BIPOLAR: N_("Bipolar"),
    Topic.GRIEF_AND_LOSS: N_("Grief and loss"), Topic.TRAUMA_PTSD: N_("Trauma and PTSD"),
    Topic.ADDICTION_RECOVERY: N_("Addiction recovery"), Topic.EATING_DISORDERS: N_("Eating disorders"), Topic.OCD: N_("OCD"),
    Topic.PSYCHOSIS: N_("Psychosis"), Topic.SUICIDE_LOSS: N_("Suicide loss"), Topic.PERINATAL: N_("Perinatal"),
    Topic.CHRONIC_ILLNESS: N_("Chronic illness"), Topic.CAREGIVERS_AND_FAMILY: N_("Caregivers and family"),
    Topic.STRESS: N_("Stress"), Topic.LONELINESS: N_("Loneliness"), Topic.GENERAL_WELLBEING: N_("General wellbeing"),
})


class Audience(StrEnum):
    YOUNG_ADULTS = "young_adults"
    TEENS = "teens"
    SENIORS = "seniors"
    LGBTQ = "lgbtq"
    VETERANS = "veterans"
    WOMEN = "women"
    MEN = "men"
    PARENTS = "parents"
    BIPOC = "bipoc"
    INDIGENOUS = "indigenous"

    @property
    def label(self) -> str:
        return AUDIENCE_LABELS[self]


AUDIENCE_LABELS = Labels({
    Audience.YOUNG_ADULTS: N_("Young adults"), Audience.TEENS: N_("Teens"), Audience.SENIORS: N_("Seniors"),
    Audience.LGBTQ: N_("LGBTQ+"), Audience.VETERANS: N_("Veterans"), Audience.WOMEN: N_("Women"), Audience.MEN: N_("Men"),
    Audience.PARENTS: N_("Parents"), Audience.BIPOC: N_("BIPOC"), Audience.INDIGENOUS: N_("Indigenous"),
})

ACCESSIBILITY_LABELS = Labels({"wheelchair_access": N_("Wheelchair access"), "wheelchair_accessible_bathroom": N_("Accessible bathroom"),
                        "sign_language": N_("Sign language"), "asl": N_("ASL interpretation"), "hearing_loop": N_("Hearing loop"),
                        "fragrance_free": N_("Fragrance free"), "childcare": N_("Childcare")})

# Keywords that tag a group with a topic when its feed has only free text. Matched as whole
# words (a trailing * allows any ending: "bereave*" is bereaved, bereavement).
TOPICS: dict[str, tuple[str, ...]] = {
    "anxiety": ("anxiety", "anxious", "panic attacks", "panic disorder", "phobia*"),
    "depression": ("depression", "depressive", "depressed", "low mood"),
    "bipolar": ("bipolar",),
    "grief_and_loss": ("grief", "grieving", "bereave*", "loss of a loved", "mourning", "widow*"),
    "trauma_ptsd": ("trauma", "traumatic", "ptsd", "abuse survivor*"),
    "addiction_recovery": ("addiction*", "recovery from substance*", "alcohol*", "alcoholics", "drug addiction",
                           "drug use", "substance use", "gambling", "sober", "sobriety"),
    "eating_disorders": ("eating disorder*", "anorexi*", "bulimi*", "binge eating"),
    "ocd": ("ocd", "obsessive"),
    "psychosis": ("psychosis", "schizophreni*", "hearing voices"),
    "suicide_loss": ("suicide loss", "loss to suicide", "survivors of suicide"),
    "perinatal": ("postpartum", "perinatal", "pregnan*", "new parent*", "maternal mental"),
    "chronic_illness": ("chronic illness", "chronic pain", "cancer", "long covid"),
    "caregivers_and_family": ("caregiver*", "carer*", "family member*", "families", "loved one*", "al-anon", "alateen"),
    "stress": ("stress",),
    "loneliness": ("lonel*", "isolation"),
    "general_wellbeing": ("wellbeing", "well-being", "mental health", "emotional health"),
}
AUDIENCES = tuple(a.value for a in Audience)

# Words people type → the tags they mean. Topic and audience names and labels are added below.
SYNONYMS: dict[str, tuple[tuple[str, str], ...]] = {}


def _add(kind: str, value: str, *words: str) -> None:
    for word in words:
        SYNONYMS[_fold(word)] = (*SYNONYMS.get(_fold(word), ()), (kind, value))


def _fold(word: str) -> str:
    import unicodedata

    word = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", word.lower()).strip()


_add("topic", "anxiety", "anxiety", "anxious", "panic", "worry", "worried", "worrying", "nervous", "phobia", "fear")
_add("topic", "depression", "depression", "depressed", "depressive", "sad", "sadness", "low mood")
_add("topic", "bipolar", "bipolar", "manic", "mania")
_add("topic", "grief_and_loss", "grief", "grieving", "bereavement", "bereaved", "loss", "widow", "widowed", "widower", "mourning")
_add("topic", "trauma_ptsd", "trauma", "ptsd", "abuse")
_add("topic", "addiction_recovery", "addiction", "recovery", "alcohol", "alcoholism", "drinking", "drugs", "sober", "sobriety", "aa", "na")
_add("topic", "eating_disorders", "eating", "anorexia", "bulimia", "binge", "eda")
_add("topic", "ocd", "ocd", "obsessive", "compulsive")
_add("topic", "psychosis", "psychosis", "schizophrenia", "voices")
_add("topic", "suicide_loss", "suicide")
_add("topic", "perinatal", "postpartum", "perinatal", "pregnancy", "postnatal")
_add("topic", "chronic_illness", "chronic", "illness", "pain", "cancer")
_add("topic", "caregivers_and_family", "caregiver", "caregivers", "carer", "carers", "family", "families", "alanon")
_add("topic", "stress", "stress", "stressed", "burnout")
_add("topic", "loneliness", "lonely", "loneliness", "isolated", "isolation")
_add("topic", "general_wellbeing", "wellbeing", "wellness")
_add("audience", "women", "women", "woman", "womens", "female", "mujeres")
_add("audience", "men", "men", "mens", "male", "hombres")
_add("audience", "lgbtq", "lgbtq", "lgbt", "lgbtqia", "gay", "lesbian", "queer", "trans", "transgender", "bisexual")
_add("audience", "young_adults", "young", "youth")
_add("audience", "teens", "teen", "teens", "teenager", "teenagers")
_add("audience", "seniors", "senior", "seniors", "elderly", "older")
_add("audience", "veterans", "veteran", "veterans", "military")
_add("audience", "parents", "parent", "parents", "mothers", "fathers")
_add("audience", "bipoc", "bipoc", "poc")
_add("audience", "indigenous", "indigenous", "native")
_add("language", "Spanish", "spanish", "espanol", "es", "hispanic", "latino", "latina")
_add("language", "French", "french", "francais", "fr")
_add("language", "Portuguese", "portuguese", "portugues")
_add("language", "German", "german", "deutsch")
_add("language", "Polish", "polish", "polski")
_add("language", "Russian", "russian")
_add("language", "Korean", "korean")
_add("language", "American Sign Language", "asl")
for _topic, _label in TOPIC_LABELS.items():
    _add("topic", _topic.value, _topic.value.replace("_", " "), *_label.lower().split(" and "))
for _audience in Audience:
    _add("audience", _audience.value, _audience.value.replace("_", " "))


def tags_for_word(word: str) -> tuple[tuple[str, str], ...]:
    """The (kind, value) tags a searched word means: "anxious" → (("topic", "anxiety"),)."""
    return SYNONYMS.get(_fold(word), ())


def _keyword_pattern(keyword: str) -> str:
    if keyword.endswith("*"):
        return re.escape(keyword[:-1]) + r"\w*"
    return re.escape(keyword) + r"\b"


_KEYWORD_RES = {
    topic: re.compile(r"\b(?:" + "|".join(_keyword_pattern(k) for k in keywords) + ")", re.I)
    for topic, keywords in TOPICS.items()
}


def infer_topics(*texts: str | None) -> tuple[str, ...]:
    """Topics whose keywords appear as whole words ("Hispanic" never means panic, "drug
    smuggling" never recovery)."""
    blob = " ".join(t for t in texts if t)
    if not blob:
        return ()
    return _topics_in(blob)


# Each topic's keywords as plain lower-case text: a topic can only match an ASCII text that
# contains one of them, which a substring test (in C) rules out far faster than the
# case-insensitive patterns can (issue #14: 100,000 meetings).
_KEYWORD_TEXTS = tuple((k.rstrip("*"), topic) for topic in _KEYWORD_RES for k in TOPICS[topic])


@lru_cache(maxsize=65536)
def _topics_in(blob: str) -> tuple[str, ...]:
    # Cached: a feed repeats the same names and notes for every weekday a group meets.
    if not blob.isascii():
        # Case-insensitive Unicode matching knows more than lower() ("ſ" is an "s"): the patterns alone.
        return tuple(topic for topic, pattern in _KEYWORD_RES.items() if pattern.search(blob))
    lower = blob.lower()
    candidates = {topic for text, topic in _KEYWORD_TEXTS if text in lower}
    if not candidates:
        return ()
    return tuple(topic for topic, pattern in _KEYWORD_RES.items() if topic in candidates and pattern.search(blob))


def normalise_topic(value: str) -> str | None:
    """Map "Grief and Loss", "grief-and-loss", "grief_and_loss" onto the vocabulary key."""
    key = re.sub(r"[^a-z0-9]+", "_", value.strip().lower().replace("&", "and").replace("/", "_")).strip("_")
    if key in TOPICS:
        return key
    aliases = {"grief": "grief_and_loss", "trauma": "trauma_ptsd", "ptsd": "trauma_ptsd", "addiction": "addiction_recovery",
               "caregivers": "caregivers_and_family", "family": "caregivers_and_family", "wellbeing": "general_wellbeing",
               "eating_disorder": "eating_disorders", "postpartum": "perinatal"}
    return aliases.get(key)


def normalise_audience(value: str) -> str | None:
    key = re.sub(r"[^a-z0-9]+", "_", value.strip().lower().replace("+", "")).strip("_")
    aliases = {"lgbtq": "lgbtq", "lgbt": "lgbtq", "lgbtqia": "lgbtq", "young_people": "young_adults", "youth": "teens",
               "older_adults": "seniors", "people_of_color": "bipoc", "poc": "bipoc"}
    key = aliases.get(key, key)
    return key if key in AUDIENCES else None


def label(value: str) -> str:
    """Any vocabulary key as a person reads it: "grief_and_loss" → "Grief and loss"."""
    for labels in (TOPIC_LABELS, AUDIENCE_LABELS, ACCESSIBILITY_LABELS):
        if value in labels:
            return labels[value]
    text = value.replace("_", " ").strip()
    return text[:1].upper() + text[1:]
