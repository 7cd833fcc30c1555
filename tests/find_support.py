"""A small synthetic Kindred feed for Find/Saved tests: an online grief group with a
weekly time, an in-person group with an address and coordinates, a monthly professional
group, and one whose links are hostile (javascript:, file:, data:)."""

from __future__ import annotations

import json
from pathlib import Path

SHARED_TESTDATA = Path(__file__).resolve().parent / "data"  # real public feeds, see data/PROVENANCE.md

ONLINE_GRIEF_ID = "local/evening-grief"
IN_PERSON_ID = "local/philly-anxiety"
MONTHLY_ID = "local/monthly-caregivers"
HOSTILE_ID = "local/hostile"

FEED = {
    "format": "kindred-directory",
    "version": 1,
    "publisher": {"name": "Test affiliate", "url": "https://example.org"},
    "generated_at": "2026-11-01T12:00:00+00:00",
    "groups": [
        {
            "id": "evening-grief",
            "name": "Evening Grief Circle",
            "description": "A peer-led online group for people grieving someone close.",
            "topics": ["grief_and_loss"],
            "leadership": {"kind": "peer", "credentials": "Volunteers trained by the affiliate"},
            "attendance": "online",
            "schedule": [{"kind": "weekly", "weekday": "tue", "start": "19:00", "end": "20:30", "timezone": "America/New_York"}],
            "online": {"url": "https://example.org/join/grief", "phone": "+1 215 555 0100"},
            "cost": {"kind": "free"},
            "typical_size": 8,
            "registration": "drop_in",
            "confidentiality": "What is shared here stays here.",
            "languages": ["English"],
            "contact": {"email": "grief@example.org", "website": "https://example.org/grief"},
            "status": "active",
            "last_verified": "2026-10-20",
        },
        {
            "id": "philly-anxiety",
            "name": "Anxiety Support Philadelphia",
            "description": "An in-person group for anxiety and panic.",
            "topics": ["anxiety"],
            "leadership": {"kind": "professional", "credentials": "Licensed clinical social worker (LCSW)"},
            "attendance": "in_person",
            "schedule": [{"kind": "weekly", "weekday": "thu", "start": "18:00", "end": "19:30", "timezone": "America/New_York",
                          "every_weeks": 2, "anchor_date": "2026-01-08"}],
            "location": {"venue": "Community Library", "address": "1 Main St", "city": "Philadelphia", "region": "PA",
                         "postal_code": "19103", "country": "US", "latitude": 39.95, "longitude": -75.17},
            "cost": {"kind": "sliding_scale", "note": "Pay what you can"},
            "typical_size": 20,
            "registration": "intake_call",
            "accessibility": ["wheelchair_access"],
            "status": "active",
            "last_verified": "2026-10-01",
        },
        {
            "id": "monthly-caregivers",
            "name": "Caregivers Monthly",
            "description": "For family members and carers.",
            "topics": ["caregivers_and_family"],
            "leadership": {"kind": "co_facilitated"},
            "attendance": "hybrid",
            "schedule": [{"kind": "monthly", "weekday": "sat", "ordinal": 2, "start": "10:00", "timezone": "Europe/London"}],
            "location": {"venue": "Hall", "city": "London", "country": "GB", "latitude": 51.5, "longitude": -0.12},
            "online": {"url": "https://example.org/join/carers"},
            "cost": {"kind": "fee"},
            "status": "temporarily_closed",
        },
        {
            "id": "hostile",
            "name": "Hostile Links Group",
            "description": "A group whose links are not web links.",
            "topics": ["stress"],
            "attendance": "online",
            "schedule": [{"kind": "by_appointment"}],
            "online": {"url": "javascript:alert(1)", "phone": "call us"},
            "contact": {"website": "file:///etc/passwd", "email": "data:text/html,<b>x</b>"},
            "status": "active",
        },
    ],
}


def write_feed(directory: Path) -> Path:
    path = directory / "local.json"
    path.write_text(json.dumps(FEED), encoding="utf-8")
    return path


def import_local(services, tmp_path: Path) -> None:
    services.directory.import_file(write_feed(tmp_path), source="local")
