"""The person's finding preferences: their place, distance unit, 12- or 24-hour clock and
their "help me choose" answers. The place and the answers say something about the person,
so all of it lives in the encrypted private settings (services/privacy/settings.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from services.directory import places
from services.privacy import settings as private_settings
from services.privacy.store import PrivateStore
from services.i18n import _

DISTANCE_UNITS = ("km", "mi")
MILES_COUNTRIES = {"US", "GB", "LR", "MM"}
TWELVE_HOUR_COUNTRIES = {"US", "CA", "AU", "NZ", "IN", "PH", "PK", "EG", "SA", "MY", "BD", "CO", "MX", "IE"}
PLACE_NOT_FOUND = "We couldn't find that place; try a city or ZIP code."
PLACE_FIELDS = ("name", "latitude", "longitude", "timezone", "country", "kind", "region", "population")


class PlaceNeedsChoice(ValueError):
    """Several places fit what was typed: the person picks one of ``candidates``."""

    def __init__(self, candidates: list[places.Place]):
        self.candidates = candidates
        super().__init__("Several places have that name — which one?")


@dataclass(frozen=True)
class FindingPrefs:
    place: places.Place | None = None
    place_text: str = ""  # what the person typed
    distance_unit: str = "km"
    hour24: bool = True
    choose_answers: dict | None = None


def defaults_for(country: str | None) -> tuple[str, bool]:
    code = (country or "").upper()
    return ("mi" if code in MILES_COUNTRIES else "km"), code not in TWELVE_HOUR_COUNTRIES


def load(store: PrivateStore, country: str | None = None) -> FindingPrefs:
    values = private_settings.load_all(store)
    unit, hour24 = defaults_for(country)
    place = None
    stored = values.get("find_place")
    if isinstance(stored, dict):
        try:
            place = places.Place(**{k: stored[k] for k in PLACE_FIELDS if k in stored})
        except (KeyError, TypeError):
            place = None
    unit = values.get("distance_unit") if values.get("distance_unit") in DISTANCE_UNITS else unit
    hour24 = values["hour24"] if isinstance(values.get("hour24"), bool) else hour24
    answers = values.get("choose_answers") if isinstance(values.get("choose_answers"), dict) else None
    return FindingPrefs(place=place, place_text=str(stored.get("text", "")) if isinstance(stored, dict) else "",
                        distance_unit=unit, hour24=hour24, choose_answers=answers)


def set_place(store: PrivateStore, text: str, country: str | None = None) -> FindingPrefs:
    """Geocode offline and keep it; an empty text forgets the place. Raises ValueError with
    a message for the person when the place is not known (nothing is changed then)."""
    text = (text or "").strip()
    if not text:
        private_settings.update(store, find_place=None)
        return load(store, country)
    try:
        place = places.geocode(text, country)
    except places.AmbiguousPlace as ambiguous:
        raise PlaceNeedsChoice(ambiguous.candidates) from None
    except places.PlaceNotFound:
        raise ValueError(PLACE_NOT_FOUND) from None
    return choose_place(store, place, text, country)


def choose_place(store: PrivateStore, place: places.Place, text: str, country: str | None = None) -> FindingPrefs:
    """Keep a place the person chose (from the candidates, or their device's location)."""
    private_settings.update(store, find_place={**asdict(place), "text": text})
    return load(store, country)


def set_device_location(store: PrivateStore, latitude: float, longitude: float, country: str | None = None) -> FindingPrefs:
    """"Use my location": the position the device worked out, kept only in the encrypted
    settings and never sent anywhere; shown as the town it is near."""
    if not places.valid_coordinates(latitude, longitude):
        raise ValueError(_("Your device did not give a usable location."))
    city = places.nearest_city(latitude, longitude, radius_km=100)
    near = places.display_name(city["name"], city["countrycode"], city["admin1code"]) if city else None
    place = places.Place(
        name=f"My location (near {near})" if near else "My location", latitude=round(latitude, 3),
        longitude=round(longitude, 3), timezone=city["timezone"] if city else None,
        country=city["countrycode"] if city else None, kind="device", region=city["admin1code"] if city else None)
    return choose_place(store, place, place.name, country)


def set_distance_unit(store: PrivateStore, unit: str, country: str | None = None) -> FindingPrefs:
    if unit not in DISTANCE_UNITS:
        raise ValueError(_("The distance unit is km or mi."))
    private_settings.update(store, distance_unit=unit)
    return load(store, country)


def set_hour24(store: PrivateStore, hour24: bool, country: str | None = None) -> FindingPrefs:
    private_settings.update(store, hour24=bool(hour24))
    return load(store, country)


def set_choose_answers(store: PrivateStore, answers: dict | None, country: str | None = None) -> FindingPrefs:
    private_settings.update(store, choose_answers=answers)
    return load(store, country)
