"""Writes assets/catalogue.json: the open directories Kindred suggests, each with the
evidence it rests on. Run by hand when an entry changes, then sign the result:

    uv run python tools/build_catalogue.py
    uv run kindred feed sign assets/catalogue.json --key PATH/TO/kindred-catalogue.key
    uv run kindred feed verify assets/catalogue.json --pub assets/catalogue.pub

Rules for an entry: only a feed a public page or repository shows; ``last_checked`` is the
day that evidence was seen (the feed itself is not fetched here); ``evidence`` names where;
coverage that Kindred estimated (a radius, a box) says so.
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "assets" / "catalogue.json"
SEEN = "2026-12-02"
GENERATED = "2026-12-02"

AGG = ("bmlt-enabled/aggregator", "serverList.json", "08549ebef5f72a8293aa0340f4ef18472ce58473")
CANADA = ("sousaimodel20-sys/Iron-habit", "docs/handoffs/aa-canada-source-manifest-2026-06-01.json",
          "fef9a02e925da543c2d9bb6b13af93374a8ce05f")
ONLINE = ("sidekick2020/meeting-scraper", "docs/ONLINE_MEETINGS_RESEARCH.md", "a6a5312bffe4f36c2b72b613ae2e1c6e1e2a8372")
TSML = ("code4recovery/12-step-meeting-list", "readme.txt", None)
# Only the meeting fields Kindred reads: the members' contact fields are never requested.
FIELDS = ("id_bigint,meeting_name,weekday_tinyint,start_time,duration_time,time_zone,formats,venue_type,"
          "virtual_meeting_link,virtual_meeting_additional_info,phone_meeting_number,location_text,location_info,"
          "location_street,location_municipality,location_city_subsection,location_province,location_postal_code_1,"
          "location_nation,latitude,longitude,comments")
BMLT_QUERY = "client_interface/json/?switcher=GetSearchResults&get_used_formats=1&data_field_key=" + FIELDS


def github(repo: str, path: str, commit: str | None) -> str:
    return f"https://github.com/{repo}/blob/{commit or 'HEAD'}/{path}"


def seen(repo: str, path: str, commit: str | None, what: str) -> str:
    at = f" (commit {commit[:7]})" if commit else ""
    return f"evidence seen on {SEEN} in a stored copy of {repo}/{path}{at}: {what}"


def area(lat: float, lon: float, km: int, description: str) -> dict:
    return {"kind": "area", "center": [lat, lon], "radius_km": km, "description": description}


def box(south: float, west: float, north: float, east: float, description: str) -> dict:
    return {"kind": "box", "box": [south, west, north, east], "description": description}


def countries(*codes: str, description: str) -> dict:
    return {"kind": "countries", "countries": list(codes), "description": description}


def bmlt(server_id: int, listed: str, root: str, region: str, covers: dict) -> dict:
    return {
        "name": listed if "NA" in listed.split() else f"NA {listed}",
        "url": root + BMLT_QUERY, "format": "bmlt", "programme": "Narcotics Anonymous",
        "region": region, "covers": covers, "terms": None, "last_checked": SEEN,
        "evidence": seen(*AGG, f"BMLT's list of root servers names server {server_id} \u201c{listed}\u201d at {root}"),
        "evidence_url": github(*AGG),
        "notes": ("Address built from the root server in that list and BMLT's documented GetSearchResults query, "
                  "asking only for the meeting fields Kindred reads; the address itself was not fetched when this "
                  "entry was written."),
    }


def tsml_canada(name: str, url: str, region: str, covers: dict, count: int) -> dict:
    return {
        "name": name, "url": url, "format": "meeting-guide", "programme": "Alcoholics Anonymous",
        "region": region, "covers": covers, "terms": None, "last_checked": SEEN,
        "evidence": seen(*CANADA, f"a public list of Canadian A.A. feeds (checked by its authors on 2026-06-01) "
                                  f"gives {url} as a Meeting Guide (TSML) JSON endpoint with {count} meetings"),
        "evidence_url": github(*CANADA),
        "notes": "That list warns that feeds overlap and that each local service entity's own terms apply.",
    }


ONLINE_COVER = {"kind": "online", "description": "online meetings anyone can join from anywhere, in many languages"}

ENTRIES = [
    bmlt(105, "Greater Philadelphia Region", "https://meetings.naworks.org/", "Greater Philadelphia, Pennsylvania, US",
         area(39.9524, -75.1636, 100, "about 100 km around Philadelphia (Kindred's estimate from the region's name)")),
    {
        "name": "AA Southeastern Pennsylvania Intergroup (SEPIA)",
        "url": "https://www.aasepia.org/wp-admin/admin-ajax.php?action=meetings",
        "format": "meeting-guide", "programme": "Alcoholics Anonymous",
        "region": "Philadelphia and south-eastern Pennsylvania, US",
        "covers": area(39.9524, -75.1636, 80, "about 80 km around Philadelphia (Kindred's estimate from the intergroup's name)"),
        "terms": None, "last_checked": SEEN,
        "evidence": seen(*TSML, "the 12 Step Meeting List plugin's readme lists \u201cPhiladelphia, PA\u201d "
                                "(www.aasepia.org/meetings/) among the sites that use it; the plugin serves its Meeting Guide "
                                "feed at /wp-admin/admin-ajax.php?action=meetings, the address code4recovery/spec README.md "
                                "(commit 9f495cd) gives as its example of a live feed"),
        "evidence_url": github(*TSML),
        "notes": "The feed address is the plugin's standard one; no page Kindred could cite spells it out for this site.",
    },
    bmlt(102, "Greater New York Server", "https://bmlt.newyorkna.org/main_server/", "Greater New York, US",
         area(40.7128, -74.0060, 80, "about 80 km around New York City (Kindred's estimate)")),
    bmlt(120, "NA New Jersey", "https://bmlt.nanj.org/main_server/", "New Jersey, US",
         box(38.93, -75.56, 41.36, -73.89, "the state of New Jersey (approximate box)")),
    bmlt(106, "Ohio Region", "https://bmlt.naohio.org/main_server/", "Ohio, US",
         box(38.40, -84.82, 41.98, -80.52, "the state of Ohio (approximate box)")),
    bmlt(127, "Michigan NA", "https://michigan-na.org/bmlt/", "Michigan, US",
         box(41.70, -90.42, 48.30, -82.12, "the state of Michigan (approximate box)")),
    bmlt(129, "NA Minnesota", "https://bmlt.naminnesota.org/main_server/", "Minnesota, US",
         box(43.50, -97.24, 49.38, -89.49, "the state of Minnesota (approximate box)")),
    bmlt(119, "Wisconsin Region", "https://bmlt.wisconsinna.org/main_server/", "Wisconsin, US",
         box(42.49, -92.89, 47.08, -86.80, "the state of Wisconsin (approximate box)")),
    bmlt(131, "NA Colorado", "https://nacolorado.org/meetingList/main_server/", "Colorado, US",
         box(36.99, -109.06, 41.00, -102.04, "the state of Colorado (approximate box)")),
    bmlt(138, "NA Kentucky", "https://bmlt.bmltky.online/main_server/", "Kentucky, US",
         box(36.50, -89.57, 39.15, -81.96, "the state of Kentucky (approximate box)")),
    bmlt(121, "Connecticut Region", "https://bmlt.ctna.org/", "Connecticut, US",
         box(40.98, -73.73, 42.05, -71.79, "the state of Connecticut (approximate box)")),
    bmlt(157, "Chicagoland Region", "https://bmlt.chicagona.org/main_server/", "Chicago area, Illinois, US",
         area(41.8781, -87.6298, 80, "about 80 km around Chicago (Kindred's estimate)")),
    bmlt(103, "Southern California Region", "https://todayna.org/bmlt/", "Southern California, US",
         area(34.0522, -118.2437, 200, "about 200 km around Los Angeles (Kindred's estimate)")),
    bmlt(116, "NA Hawai'i", "https://na-hawaii.org/bmltmain/", "Hawaii, US",
         box(18.90, -160.25, 22.24, -154.80, "the islands of Hawaii (approximate box)")),
    bmlt(122, "Volunteer Region", "https://natennessee.org/main_server/", "Tennessee, US",
         box(34.98, -90.31, 36.68, -81.65, "the state of Tennessee (approximate box)")),
    bmlt(145, "Canadian Assembly", "https://canaacna.org/meetings/main_server/", "Canada",
         countries("CA", description="Canada (which regions this server holds is not stated in the evidence)")),
    bmlt(113, "NA Ireland", "https://bmlt.nasouth.ie/main_server/", "Ireland", countries("IE", description="Ireland")),
    bmlt(124, "NA Australia", "https://www.na.org.au/main_server/", "Australia", countries("AU", description="Australia")),
    bmlt(99, "Aotearoa New Zealand Region", "https://bmlt.nzna.org/main_server/", "New Zealand",
         countries("NZ", description="New Zealand")),
    bmlt(112, "German-Speaking Region", "https://www.narcotics-anonymous.de/bmlt/", "Germany and Austria",
         countries("DE", "AT", description="German-speaking countries (Germany, Austria; Kindred's reading of the name)")),
    bmlt(156, "NA Switzerland", "https://bmlt.narcotics-anonymous.ch/main_server/", "Switzerland",
         countries("CH", description="Switzerland")),
    bmlt(144, "NA France", "https://bmlt.narcotiquesanonymes.org/", "France", countries("FR", description="France")),
    bmlt(133, "NA Italia", "https://na-italia.info/main_server/", "Italy", countries("IT", description="Italy")),
    bmlt(158, "Spanish Region", "https://www.narcoticosanonimos.es/bmlt/main_server/", "Spain",
         countries("ES", description="Spain")),
    bmlt(136, "NA Denmark", "https://www.nadanmark.dk/main_server/", "Denmark", countries("DK", description="Denmark")),
    bmlt(149, "Polish Region", "https://bmltadmin.anonimowinarkomani.org/main_server/", "Poland",
         countries("PL", description="Poland")),
    bmlt(161, "NA Greece", "https://bmlt.na-greece.gr/main_server/", "Greece", countries("GR", description="Greece")),
    bmlt(146, "Brazilian Zonal Forum", "https://bmlt.na.org.br/ativo/main_server/", "Brazil",
         countries("BR", description="Brazil")),
    bmlt(139, "NA Argentina", "https://www.na.org.ar/main_server/", "Argentina", countries("AR", description="Argentina")),
    bmlt(111, "NA India", "https://naindia.in/meeting_server/", "India", countries("IN", description="India")),
    tsml_canada("AA Edmonton Central Office", "https://www.edmontonaa.org/wp-json/tsml/meetings", "Edmonton area, Alberta, Canada",
                area(53.5461, -113.4938, 80, "about 80 km around Edmonton (Kindred's estimate from the office's name)"), 324),
    tsml_canada("AA Calgary Central Service Office", "https://www.calgaryaa.org/wp-json/tsml/meetings",
                "Calgary area, Alberta, Canada", area(51.0447, -114.0719, 80, "about 80 km around Calgary (Kindred's estimate)"), 452),
    tsml_canada("AA Toronto Intergroup", "https://www.aatoronto.org/wp-json/tsml/meetings", "Greater Toronto Area, Ontario, Canada",
                area(43.6532, -79.3832, 60, "about 60 km around Toronto (Kindred's estimate)"), 493),
    tsml_canada("AA Ottawa Area Intergroup", "https://www.ottawaaa.org/wp-json/tsml/meetings", "Ottawa area, Ontario, Canada",
                area(45.4215, -75.6972, 60, "about 60 km around Ottawa (Kindred's estimate)"), 385),
    tsml_canada("AA London (Ontario) Area Intergroup", "https://www.aadistrict11.ca/wp-json/tsml/meetings",
                "London area, Ontario, Canada",
                area(42.9849, -81.2453, 50, "about 50 km around London, Ontario (Kindred's estimate)"), 74),
    tsml_canada("AA BC and Yukon Area 79", "https://bcyukonaa.org/wp-json/tsml/meetings", "British Columbia and Yukon, Canada",
                box(48.20, -141.00, 69.70, -114.00, "British Columbia and Yukon (approximate box)"), 1134),
    tsml_canada("AA Quebec", "https://meetings.aa-quebec.org/wp-json/tsml/meetings", "Quebec, Canada",
                box(45.00, -79.80, 62.60, -57.10, "Quebec (approximate box; meetings mostly in French)"), 1446),
    tsml_canada("AA Manitoba Central Office", "https://aamanitoba.org/wp-json/tsml/meetings", "Manitoba, Canada",
                box(49.00, -102.00, 60.00, -88.90, "Manitoba (approximate box)"), 416),
    {
        "name": "Online Intergroup of A.A. (OIAA)",
        "url": "https://data.aa-intergroup.org/6436f5a3f03fdecef8459055.json",
        "format": "meeting-guide", "programme": "Alcoholics Anonymous",
        "region": "Online, worldwide", "covers": ONLINE_COVER, "terms": None, "last_checked": SEEN,
        "evidence": seen(*ONLINE, "a public research note gives this address as the Meeting Guide (TSML) JSON feed behind "
                                  "aa-intergroup.org/meetings, about 8,400 online meetings in January 2026"),
        "evidence_url": github(*ONLINE),
        "notes": "A large file (several MB). Online meetings only.",
    },
    {
        "name": "Virtual NA",
        "url": "https://bmlt.virtual-na.org/main_server/" + BMLT_QUERY,
        "format": "bmlt", "programme": "Narcotics Anonymous",
        "region": "Online, worldwide", "covers": ONLINE_COVER, "terms": None, "last_checked": SEEN,
        "evidence": seen(*ONLINE, "a public research note gives https://bmlt.virtual-na.org/main_server/client_interface/json/"
                                  "?switcher=GetSearchResults as Virtual NA's BMLT feed, about 3,150 online meetings in January 2026"),
        "evidence_url": github(*ONLINE),
        "notes": "Kindred adds get_used_formats and data_field_key (documented BMLT parameters): format names come "
                 "along and no contact fields are requested.",
    },
]


def document() -> dict:
    names = [entry["name"] for entry in ENTRIES]
    assert len(names) == len(set(names)), "entry names must be unique"
    return {
        "format": "kindred-catalogue",
        "version": 1,
        "publisher": {"name": "Kindred", "note": "Directories of groups that publish open feeds. Kindred lists them; "
                                                 "it does not run or check them."},
        "generated_at": GENERATED,
        "notice": ("Community-run directories that Kindred does not check. Each is kept by its own volunteers or "
                   "organisation, and listings can be out of date. Subscribing downloads the directory from its own "
                   "address."),
        "entries": ENTRIES,
    }


if __name__ == "__main__":
    OUT.write_text(json.dumps(document(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"Wrote {OUT} with {len(ENTRIES)} entries. Now sign it: kindred feed sign {OUT} --key KEY")
