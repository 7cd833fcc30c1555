"""Importing stores exactly what it stored before the importer was made faster (issue #14,
target 3): every column of every group, its schedule rows, its tags, the text index, the
sources and each import's report, for varied feeds — every format, real and synthetic files,
an edge-case Meeting Guide file, a synthetic feed big enough for the bulk text-index path,
with and without ``--timezone``, and re-imports that replace a source.

The expected rows were frozen from the importer before that work (commit 45794cd) into
``tests/data/import-identity/expected.json.gz``. Any change to what is stored fails here; if a
change is meant, re-freeze with ``uv run python tests/test_import_identity.py --freeze`` and
say why in the commit.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import shutil
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
HERE = DATA / "import-identity"
EXPECTED = HERE / "expected.json.gz"
NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)

# (source, file under tests/data, --timezone)
CASES = [
    ("edge", "import-identity/edge-cases.json", None),
    ("edge-chicago", "import-identity/edge-cases.json", "America/Chicago"),
    ("synthetic", "import-identity/synthetic-2200.json", None),
    ("eda", "meeting-guide/eda.json", None),
    ("eda-denver", "meeting-guide/eda.json", "America/Denver"),
    ("edmonton", "meeting-guide/edmonton.json", None),
    ("times", "meeting-guide/times.json", None),
    ("timezones", "meeting-guide/timezones.json", None),
    ("appointment", "meeting-guide/appointment.json", None),
    ("philadelphia", "synthetic/philadelphia.json", "America/New_York"),
    ("texas", "synthetic/texas-zones.json", "America/Chicago"),
    ("texas-plain", "synthetic/texas-zones.json", None),
    ("bmlt-clemson", "bmlt/sezf_clemson.json", None),
    ("bmlt-upstate", "bmlt/upstate_ny_monday_tuesday.json", None),
    ("bmlt-virtual", "bmlt/virtual_na.json", "America/New_York"),
    ("hsds-full", "hsds3/service_full.json", None),
    ("hsds-csv", "hsds3/csv", None),
    ("hsds-211", "synthetic/hsds-211", "America/Chicago"),
    # replacing: the synthetic source again (bulk text index), then a small file over the
    # edge source (row-by-row text index)
    ("synthetic", "import-identity/synthetic-2200.json", "America/Denver"),
    ("edge", "meeting-guide/times.json", None),
]


# directory_group's columns when the rows were frozen, in that order; the next meeting's three
# now live in directory_next_meeting (migration d0006).
FROZEN_GROUP_COLUMNS = [f"g.{c}" for c in (
    "id", "source_id", "external_id", "uid", "name", "description", "notes", "leadership", "facilitator_credentials",
    "attendance", "cost", "cost_note", "typical_size", "registration", "confidentiality", "venue", "address", "city",
    "region", "postal_code", "country", "latitude", "longitude", "location_approximate", "online_url", "online_phone",
    "online_notes", "contact_name", "contact_email", "contact_phone", "website", "status", "last_verified",
    "timezone_origin")] + ["n.start_utc AS next_start_utc", "n.timezone AS next_timezone", "g.type_codes",
                           "n.computed_utc AS next_computed_utc"]


def _prepared(tmp: Path) -> dict[str, Path]:
    """The case files, the gzipped one unpacked."""
    paths = {}
    for _source, name, _zone in CASES:
        path = DATA / name
        if name.endswith(".json") and not path.exists():
            unpacked = tmp / Path(name).name
            if not unpacked.exists():
                with gzip.open(DATA / f"{name}.gz", "rb") as packed, open(unpacked, "wb") as out:
                    shutil.copyfileobj(packed, out)
            path = unpacked
        paths[name] = path
    return paths


def _report(report) -> dict:
    found = dataclasses.asdict(report)
    found["skipped"] = [list(s.values()) for s in found["skipped"]]
    return json.loads(json.dumps(found, default=str))


def _rows(path: Path) -> dict[str, list]:
    connection = sqlite3.connect(path)
    try:
        tables = {
            "source": "SELECT id, name, kind, format, publisher, last_imported_at, created_at FROM directory_source ORDER BY id",
            # Each group's row as it was frozen: the next meeting's columns were in it before d0006.
            "group": f"SELECT {', '.join(FROZEN_GROUP_COLUMNS)} FROM directory_group AS g "
                     "JOIN directory_next_meeting AS n ON n.group_id = g.id ORDER BY g.id",
            "schedule": "SELECT * FROM directory_schedule ORDER BY id",
            "tag": "SELECT * FROM directory_group_tag ORDER BY group_id, kind, value",
            "text": "SELECT rowid, * FROM directory_group_fts ORDER BY rowid",
        }
        found = {name: [list(row) for row in connection.execute(sql)] for name, sql in tables.items()}
        # The bundled directory is imported when the data folder is opened, at the real time:
        # its clock-dependent values are left out (the rest of it is compared).
        bundled = {row[0] for row in connection.execute("SELECT id FROM directory_source WHERE kind = 'bundled'")}
        columns = [c.rsplit(" AS ", 1)[-1].split(".")[-1] for c in FROZEN_GROUP_COLUMNS]
        clocked = [columns.index(c) for c in ("next_start_utc", "next_timezone", "next_computed_utc")]
        for row in found["source"]:
            if row[0] in bundled:
                row[5:7] = [None, None]
        for row in found["group"]:
            if row[columns.index("source_id")] in bundled:
                for n in clocked:
                    row[n] = None
        return found
    finally:
        connection.close()


def stored_after_imports(folder: Path) -> dict:
    from services.app import open_services

    paths = _prepared(folder)
    services = open_services(folder / "data")
    reports = []
    try:
        for source, name, zone in CASES:
            report = services.directory.import_file(paths[name], source=source, timezone=zone, now=NOW)
            reports.append(_report(report))
        db_path = services.directory.db.path
    finally:
        services.close()
    return {"reports": reports, **_rows(db_path)}


def _first_difference(expected: list, found: list) -> str:
    for n, (a, b) in enumerate(zip(expected, found)):
        if a != b:
            return f"row {n}: expected {a!r}\n        found    {b!r}"
    return f"expected {len(expected)} rows, found {len(found)}"


def test_imports_store_exactly_what_they_stored_before(tmp_path):
    with gzip.open(EXPECTED, "rt", encoding="utf-8") as handle:
        expected = json.load(handle)
    found = json.loads(json.dumps(stored_after_imports(tmp_path)))
    assert found.keys() == expected.keys()
    assert sum(len(r) for r in found["group"][:1]) > 30  # every column is compared
    assert len(found["group"]) > 2500 and len(found["text"]) == len(found["group"])
    for key in expected:
        assert found[key] == expected[key], f"{key}: {_first_difference(expected[key], found[key])}"


def test_topic_keywords_found_as_the_patterns_alone_find_them():
    """The substring test that rules topics out first never changes which topics are found."""
    import random

    from services.directory.vocabulary import _KEYWORD_RES, TOPICS, _topics_in

    def by_patterns(blob: str) -> tuple[str, ...]:
        return tuple(topic for topic, pattern in _KEYWORD_RES.items() if pattern.search(blob))

    words = [k.rstrip("*") for keys in TOPICS.values() for k in keys]
    words += ["Hispanic", "ANXIETY", "Al-Anon", "well being", "widowers", "x", "-", " ", "ſtress", "İ", "K", "Ünder",
              "lonelines", "carers'", "12", "Eating", "Disorders", "loss of a", "loved ones", "PTSD.", "(OCD)"]
    rng = random.Random(14)
    blobs = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 6))) for _ in range(3000)]
    blobs += [w.upper() for w in words] + [w.title() for w in words] + ["ſtress", "STREß", "anxıety", "bİpolar"]
    for blob in blobs:
        assert _topics_in.__wrapped__(blob) == by_patterns(blob), blob


if __name__ == "__main__" and "--freeze" in sys.argv:
    import tempfile

    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        frozen = json.loads(json.dumps(stored_after_imports(Path(tmp))))
    with gzip.open(EXPECTED, "wt", encoding="utf-8") as handle:
        json.dump(frozen, handle, ensure_ascii=False, separators=(",", ":"))
    print(f"froze {sum(len(v) for v in frozen.values())} rows into {EXPECTED}")
