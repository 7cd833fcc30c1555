"""Read a directory file in any supported format: detect it, parse it, resolve time zones.

``read_feed`` never writes anything; a fatal problem raises FeedError with what and where.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from services.i18n import N_, Message
from services.directory.importers import bmlt, bounds, csv_template, hsds, kindred, meeting_guide
from services.directory.importers.common import FeedError, check_quotes, checked_import_zone, resolve_zones
from services.directory.model import FEED_FORMATS, ParsedFeed

FORMATS = FEED_FORMATS
MAX_FILE_BYTES = 512 * 1024 * 1024

__all__ = ["FORMATS", "FeedError", "read_feed", "detect_format"]


def read_bounded(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (a device such as /dev/zero,
    a pipe, or a file that grows while read is refused rather than read forever)."""
    try:
        with open(path, "rb") as handle:
            if not stat.S_ISREG(_fstat_mode(handle)):
                raise FeedError(f"{path} is not a regular file")
            # Asking for limit + 1 bytes at once makes Python set aside that much (hundreds
            # of MB) before reading: ask for the file's size, and read on only if it grew.
            want = min(limit, os.fstat(handle.fileno()).st_size) + 1
            raw = handle.read(want)
            if len(raw) == want and want <= limit:
                raw += handle.read(limit + 1 - want)
    except OSError as error:
        raise FeedError(f"cannot read {path}: {error.strerror or error}") from error
    if len(raw) > limit:
        raise FeedError(Message(N_("{file} is larger than {n} MB"), file=path.name, n=limit // (1024 * 1024)))
    return raw


def _fstat_mode(handle) -> int:
    return os.fstat(handle.fileno()).st_mode


def _load_json(path: Path):
    raw = read_bounded(path)
    try:
        decoded = raw.decode("utf-8-sig")
        del raw  # not kept beside the text and the parsed objects (memory, issue #14)
        return json.loads(decoded)
    except UnicodeDecodeError as error:
        raise FeedError(Message(N_("{file} is not UTF-8 text (byte {byte})"), file=path.name, byte=str(error.start))) from error
    except json.JSONDecodeError as error:
        # The JSON reader's own words (error.msg) are technical English; where it is, is not.
        # Positions as plain digits: "line 1234", never "line 1,234".
        raise FeedError(Message(N_("{file} is not valid JSON: {problem} at line {line}, column {column}"), file=path.name,
                                problem=error.msg, line=str(error.lineno), column=str(error.colno))) from error
    except RecursionError:
        raise FeedError(_too_deep(path)) from None


def _read_text(path: Path) -> str:
    raw = read_bounded(path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FeedError(Message(N_("{file} is not UTF-8 text (byte {byte}); save the spreadsheet as \u201cCSV UTF-8\u201d"),
                                file=path.name, byte=str(error.start))) from error


def detect_format(path: Path, data=None) -> str:
    if path.is_dir() or path.suffix.lower() == ".zip":
        return "hsds"
    if path.suffix.lower() == ".csv":
        return "csv"
    if data is None:
        data = _load_json(path)
    if kindred.looks_like(data):
        return "kindred"
    if bmlt.looks_like(data):
        return "bmlt"
    if meeting_guide.looks_like(data):
        return "meeting-guide"
    if hsds.looks_like(data):
        return "hsds"
    if isinstance(data, dict) and data and all(isinstance(v, dict) and "en" in v for v in list(data.values())[:20]):
        raise FeedError(Message(N_("{file} is a list of Meeting Guide type codes and their names, not a feed of meetings"),
                                file=path.name))
    if isinstance(data, list) and not data:
        raise FeedError(Message(N_("{file} is an empty list: no meetings to import"), file=path.name))
    raise FeedError(Message(N_("{file}: could not tell the format (not a Kindred feed, Meeting Guide JSON, BMLT JSON or "
                               "HSDS)"), file=path.name), hint="; name it with --format")


def read_feed(path: Path, format: str = "auto", timezone: str | None = None, all_services: bool = False) -> ParsedFeed:
    """``all_services``: HSDS only — import every service, not only support groups."""
    path = Path(path)
    if not path.exists():
        raise FeedError(f"{path} does not exist")
    if not (path.is_file() or path.is_dir()):
        raise FeedError(f"{path} is not a regular file (a device or pipe cannot be imported)")
    if path.is_file() and path.stat().st_size > MAX_FILE_BYTES:
        raise FeedError(Message(N_("{file} is larger than {n} MB"), file=path.name, n=MAX_FILE_BYTES // (1024 * 1024)))
    if format not in FORMATS:
        raise FeedError(f"unknown format {format!r}; use one of {', '.join(FORMATS)}")
    import_zone = checked_import_zone(timezone)
    data = None
    tabular = path.is_dir() or path.suffix.lower() in (".zip", ".csv")
    if not tabular:
        data = _load_json(path)
    detected = format
    try:
        if format == "auto":
            detected = detect_format(path, data)
        feed = ParsedFeed(format=detected, all_services=all_services)
        _parse(path, detected, data, tabular, feed)  # a parser may empty ``data`` as it goes (memory)
        data = None
    except FeedError:
        raise
    except RecursionError:
        raise FeedError(_too_deep(path)) from None
    except MemoryError:
        raise FeedError(Message(N_("{file} needs more memory to read than this device has free"), file=path.name)) from None
    except Exception as error:  # noqa: BLE001 - a reader bug on hostile input: a sentence, never a traceback
        raise FeedError(Message(N_("{file} could not be read as {format} ({error}); nothing was changed"), file=path.name,
                                format=detected, error=type(error).__name__)) from error
    bounds.apply(feed, path.name)
    resolve_zones(feed, import_zone)
    _forget_import_caches()
    if feed.not_groups:
        feed.repairs.append(f"{feed.not_groups} service(s) are not support groups (a 211 lists every service) and were "
                            "skipped; import with --all-services to keep them")
    return feed


def _too_deep(path: Path) -> Message:
    return Message(N_("{file} nests lists or objects too deeply to be a directory feed"), file=path.name)


def _forget_import_caches() -> None:
    """The topic keywords' cache holds every name and note it saw (15 MB after 100,000
    meetings), for the life of the process: it only pays within one import (as does the
    Meeting Guide reader's table of shared rules)."""
    from services.directory.vocabulary import _topics_in

    from services.directory import places

    _topics_in.cache_clear()
    meeting_guide._SHARED_RULES.clear()
    places._ADDRESS_PARTS.clear()


def _parse(path: Path, detected: str, data, tabular: bool, feed: ParsedFeed) -> None:
    if detected == "kindred":
        if not isinstance(data, dict) or not kindred.looks_like(data):
            raise FeedError(Message(N_("{file} is not a Kindred feed (it needs \"format\": \"kindred-directory\")"),
                                    file=path.name))
        kindred.parse(data, feed)
    elif detected == "meeting-guide":
        if not isinstance(data, list):
            raise FeedError(Message(N_("{file} is not Meeting Guide JSON: that is a list of meetings, this is a {kind}"),
                                    file=path.name, kind=type(data).__name__))
        meeting_guide.parse(data, feed)
    elif detected == "bmlt":
        if bmlt.meetings_of(data) is None:
            raise FeedError(Message(N_("{file} is not BMLT GetSearchResults JSON: that is a list of meetings (or an object "
                                       "with \"meetings\"), this is a {kind}"), file=path.name, kind=type(data).__name__))
        bmlt.parse(data, feed)
    elif detected == "hsds":
        if tabular:
            hsds.parse_tabular(path, feed)
        elif isinstance(data, dict):
            hsds.parse_json(data, feed)
        else:
            raise FeedError(Message(N_("{file} is not HSDS JSON (expected an object)"), file=path.name))
    elif detected == "csv":
        if path.is_dir():
            raise FeedError(f"{path} is a folder; the CSV template is one .csv file")
        content = _read_text(path)
        check_quotes(content, path.name)
        csv_template.parse(content, feed, path.name)
