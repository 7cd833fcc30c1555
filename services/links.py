"""Links from directory feeds, made safe to open.

A feed is written by someone else: its "website" may be ``javascript:``, ``file:`` or
``data:``. Only http(s), tel and mailto links are ever opened; anything else is shown as
plain text. Directions are an https maps link built from the address or coordinates.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

SAFE_SCHEMES = ("http", "https", "tel", "mailto")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")
_PHONE_CHARS = re.compile(r"[^0-9+*#]")


def safe_link(value: str | None) -> str | None:
    """The link if it may be opened (http, https, tel or mailto), else None.

    Whitespace or control characters inside the link, a missing host on an http(s)
    link, or any other scheme (javascript:, file:, data:, intent:, …) give None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 2000 or _CONTROL.search(text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in SAFE_SCHEMES:
        return None
    if scheme in ("http", "https"):
        if not parts.netloc or parts.netloc.startswith("@"):
            return None
    elif scheme == "tel":
        if not re.search(r"\d", parts.path) or _PHONE_CHARS.sub("", parts.path.replace("-", "").replace(".", "")
                                                                .replace("(", "").replace(")", "")) == "":
            return None
    elif scheme == "mailto":
        if "@" not in parts.path:
            return None
    return text


def web_link(value: str | None) -> str | None:
    """A website from a feed: "example.org/groups" gets https:// in front; other schemes
    than http(s) give None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if re.match(r"^[a-z][a-z0-9+.-]*:", text, re.IGNORECASE) is None and re.match(r"^[\w.-]+\.[a-z]{2,}(/|$)", text, re.I):
        text = "https://" + text
    link = safe_link(text)
    return link if link and link.lower().startswith(("http://", "https://")) else None


def tel_link(phone: str | None) -> str | None:
    """"1-800-950-6264" → "tel:18009506264"; None when there are no digits."""
    if not isinstance(phone, str):
        return None
    digits = _PHONE_CHARS.sub("", phone.split(",")[0].split(" ext")[0])
    if sum(ch.isdigit() for ch in digits) < 3:
        return None
    return safe_link(f"tel:{digits}")


def mailto_link(email: str | None) -> str | None:
    if not isinstance(email, str) or not re.fullmatch(r"[^@\s:/]+@[^@\s:/]+\.[^@\s:/]+", email.strip()):
        return None
    return safe_link(f"mailto:{email.strip()}")


def directions_link(location) -> str | None:
    """An https maps link to the venue: exact coordinates when the feed gives them (and
    does not call them approximate), else the address text. None with neither.

    ``location`` is a directory Location, or the same fields in a dict (a saved snapshot)."""
    get = (location.get if isinstance(location, dict) else lambda key, default=None: getattr(location, key, default))
    lat, lon = get("latitude"), get("longitude")
    if isinstance(lat, (int, float)) and isinstance(lon, (int, float)) and not get("approximate", False) \
            and -90 <= lat <= 90 and -180 <= lon <= 180:
        destination = f"{lat:.6f},{lon:.6f}"
    else:
        parts = [get(key) for key in ("venue", "address", "city", "region", "postal_code", "country")]
        text = ", ".join(str(p).strip() for p in parts if isinstance(p, str) and p.strip())
        if not text:
            return None
        destination = text
    return "https://www.google.com/maps/dir/?api=1&destination=" + quote(destination, safe=",")
