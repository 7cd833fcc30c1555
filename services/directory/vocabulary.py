"""Controlled vocabularies (topics, audiences) and light keyword inference for feeds that
carry only free text. Inference only ever adds a topic when a clear keyword is present."""

from __future__ import annotations

import re

TOPICS: dict[str, tuple[str, ...]] = {
    "anxiety": ("anxiety", "anxious", "panic", "phobia"),
    "depression": ("depression", "depressive", "low mood"),
    "bipolar": ("bipolar",),
    "grief_and_loss": ("grief", "bereave", "loss of a loved", "mourning", "widow"),
    "trauma_ptsd": ("trauma", "ptsd", "abuse survivor"),
    "addiction_recovery": ("addiction", "recovery from substance", "alcohol", "drug", "substance use", "gambling", "sober"),
    "eating_disorders": ("eating disorder", "anorexia", "bulimia", "binge eating"),
    "ocd": ("ocd", "obsessive"),
    "psychosis": ("psychosis", "schizophren", "hearing voices"),
    "suicide_loss": ("suicide loss", "loss to suicide", "survivors of suicide"),
    "perinatal": ("postpartum", "perinatal", "pregnan", "new parent", "maternal mental"),
    "chronic_illness": ("chronic illness", "chronic pain", "cancer", "long covid"),
    "caregivers_and_family": ("caregiver", "carer", "family member", "families", "loved one"),
    "stress": ("stress",),
    "loneliness": ("lonel", "isolation"),
    "general_wellbeing": ("wellbeing", "well-being", "mental health", "emotional health"),
}

AUDIENCES = (
    "young_adults", "teens", "seniors", "lgbtq", "veterans", "women", "men", "parents", "bipoc", "indigenous",
)

_KEYWORD_TOPIC = {keyword: topic for topic, keywords in TOPICS.items() for keyword in keywords}
_TOPIC_ORDER = {topic: n for n, topic in enumerate(TOPICS)}


def infer_topics(*texts: str | None) -> tuple[str, ...]:
    blob = " ".join(t for t in texts if t)
    if not blob:
        return ()
    blob = blob.lower()
    # Substring tests run in C; a big case-insensitive regex was the slowest part of importing.
    found = {topic for keyword, topic in _KEYWORD_TOPIC.items() if keyword in blob}
    return tuple(sorted(found, key=_TOPIC_ORDER.__getitem__))


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
