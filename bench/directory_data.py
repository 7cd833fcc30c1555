"""Synthetic directory data for the benchmarks: N Meeting Guide meetings with a realistic
mix of fields (names with topic words, 1–2 days, 12- and 24-hour habits aside, types,
about a third online, some hybrid, some temporarily closed, coordinates around real cities,
a time zone on about half). Deterministic for a given seed.

Run: ``uv run python bench/directory_data.py N OUT.json``.
"""

from __future__ import annotations

import json
import random
import sys

TOPIC_WORDS = ["Anxiety", "Depression", "Grief", "Bipolar", "Trauma", "Recovery", "Eating Disorder", "OCD",
               "Caregivers", "Stress", "Loneliness", "Wellbeing", "Postpartum", "Chronic Pain", "Family"]
STYLE_WORDS = ["Peer Support", "Circle", "Support Group", "Sharing Meeting", "Discussion", "Step Study",
               "Speaker Meeting", "Check-in", "Drop-in", "Newcomers"]
PLACES = ["Community Centre", "Library", "Church Hall", "Hospital Room 2", "Recovery House", "YMCA", "Clubhouse"]
TYPES = ["O", "C", "W", "M", "X", "S", "LGBTQ", "Y", "SEN", "D", "BE", "ST", "SP", "XB", "ASL", "BA"]
CITIES = [  # name, lat, lon, zone
    ("New York", 40.71, -74.01, "America/New_York"), ("Philadelphia", 39.95, -75.17, "America/New_York"),
    ("Chicago", 41.88, -87.63, "America/Chicago"), ("Houston", 29.76, -95.37, "America/Chicago"),
    ("Denver", 39.74, -104.99, "America/Denver"), ("Phoenix", 33.45, -112.07, "America/Phoenix"),
    ("Los Angeles", 34.05, -118.24, "America/Los_Angeles"), ("Seattle", 47.61, -122.33, "America/Los_Angeles"),
    ("Toronto", 43.65, -79.38, "America/Toronto"), ("London", 51.51, -0.13, "Europe/London"),
    ("Manchester", 53.48, -2.24, "Europe/London"), ("Dublin", 53.35, -6.26, "Europe/Dublin"),
    ("Sydney", -33.87, 151.21, "Australia/Sydney"), ("Edmonton", 53.55, -113.47, "America/Edmonton"),
]


def meetings(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        city, lat, lon, zone = rng.choice(CITIES)
        topic = rng.choice(TOPIC_WORDS)
        online = rng.random() < 0.33
        hybrid = not online and rng.random() < 0.15
        types = rng.sample(TYPES, rng.randint(1, 4))
        if rng.random() < 0.04:
            types.append("TC")
        if online:
            types.append("ONL")
        days = rng.sample(range(7), 2) if rng.random() < 0.1 else rng.randrange(7)
        hour, minute = rng.randint(6, 21), rng.choice([0, 0, 15, 30, 30, 45])
        meeting = {
            "slug": f"m{i}",
            "name": f"{city} {topic} {rng.choice(STYLE_WORDS)}",
            "day": days if isinstance(days, list) else rng.choice([days, str(days)]),
            "time": f"{hour:02d}:{minute:02d}",
            "end_time": f"{min(hour + 1, 23):02d}:{minute:02d}" if rng.random() < 0.8 else None,
            "types": types if rng.random() < 0.8 else ",".join(t.lower() for t in types),
            "notes": rng.choice(["", "Use the side door.", f"A welcoming {topic.lower()} group; newcomers welcome.",
                                 "Parking behind the building. Tea and coffee."]),
            "group": f"{topic} Group {i % 997}",
            "updated": "2026-10-01 12:00:00",
        }
        if not online:
            meeting.update({
                "location": rng.choice(PLACES), "formatted_address": f"{rng.randint(1, 999)} Main St, {city}",
                "latitude": round(lat + rng.uniform(-0.3, 0.3), 5), "longitude": round(lon + rng.uniform(-0.3, 0.3), 5),
            })
        if online or hybrid:
            meeting["conference_url"] = f"https://example.org/meet/{i}"
        if rng.random() < 0.5:
            meeting["timezone"] = zone
        elif online:
            meeting["latitude"], meeting["longitude"], meeting["approximate"] = lat, lon, "yes"
        out.append({k: v for k, v in meeting.items() if v not in (None, "")})
    return out


if __name__ == "__main__":
    count, path = int(sys.argv[1]), sys.argv[2]
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(meetings(count), handle)
