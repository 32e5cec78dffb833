"""Where a US ZIP code or city is, offline, and how far apart two points are.

The places come from ``studies/data/us_places.csv.gz``, a table shipped with the project (built
from the ``zipcodes`` package by ``python -m devtools.us_places``): nothing is fetched at run time.
A city is the centre of its ZIP codes' points. The table is read once per process, on the first
search near a place (a tenth of a second, a few MB).
"""

from __future__ import annotations

import csv
import gzip
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext

TABLE = Path(__file__).resolve().parent / "data" / "us_places.csv.gz"
EARTH_RADIUS_MILES = 3958.8
_ZIP = re.compile(r"^\s*(\d{5})(?:-\d{4})?\s*$")
US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas",
    "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
    "WY": "Wyoming", "PR": "Puerto Rico", "GU": "Guam", "VI": "U.S. Virgin Islands", "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
}
_STATE_BY_NAME = {name.casefold(): code for code, name in US_STATES.items()}


class PlaceNotFound(ValueError):
    """A ZIP code or city the table does not have; the message says what to try."""


@dataclass(frozen=True)
class Place:
    label: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class _Table:
    zips: dict[str, tuple[float, float, str, str]]
    cities: dict[tuple[str, str], list[tuple[float, float]]]
    city_names: dict[tuple[str, str], str]


@lru_cache(maxsize=1)
def _table() -> _Table:
    zips, cities, names = {}, {}, {}
    with gzip.open(TABLE, "rt", encoding="utf-8", newline="") as rows:
        for row in csv.DictReader(rows):
            point = (float(row["lat"]), float(row["lon"]))
            zips[row["zip"]] = (*point, row["city"], row["state"])
            key = (row["city"].casefold(), row["state"])
            cities.setdefault(key, []).append(point)
            names[key] = row["city"]
    return _Table(zips=zips, cities=cities, city_names=names)


def _state_code(text: str) -> str | None:
    text = text.strip().rstrip(".")
    return text.upper() if text.upper() in US_STATES else _STATE_BY_NAME.get(text.casefold())


def _split_city(text: str) -> tuple[str, str | None]:
    """ "Lebanon, NH" / "Lebanon NH" / "Lebanon, New Hampshire" / "Lebanon" -> (city, state code or None)."""
    if "," in text:
        city, state = text.rsplit(",", 1)
        return city.strip(), _state_code(state) or ""
    words = text.split()
    for size in (3, 2, 1):  # "Salt Lake City Utah", "Santa Fe New Mexico", "Boston MA"
        if len(words) > size and _state_code(" ".join(words[-size:])):
            return " ".join(words[:-size]), _state_code(" ".join(words[-size:]))
    return text.strip(), None


@lru_cache(maxsize=4096)
def locate(text: str) -> Place:
    """The point of a US ZIP code or city, or PlaceNotFound with a message for the person."""
    text = " ".join((text or "").split())
    table = _table()
    match = _ZIP.match(text)
    if match:
        found = table.zips.get(match.group(1))
        if found is None:
            raise PlaceNotFound(gettext("We do not know the ZIP code %(zip)s. Check it, or enter a city and state "
                                        "instead.") % {"zip": match.group(1)})
        return Place(f"{match.group(1)} ({found[2]}, {found[3]})", found[0], found[1])
    city, state = _split_city(text)
    if state == "":
        raise PlaceNotFound(gettext("We do not know that state. Enter the city and its state, e.g. Lebanon, NH."))
    states = [state] if state else sorted({code for name, code in table.cities if name == city.casefold()})
    if not states or (city.casefold(), states[0]) not in table.cities:
        raise PlaceNotFound(gettext("We could not find “%(place)s”. Enter a US ZIP code, or a city and its state, "
                                    "e.g. Lebanon, NH.") % {"place": text})
    if len(states) > 1:
        raise PlaceNotFound(gettext("There is a %(city)s in several states (%(states)s): add the state, e.g. "
                                    "%(city)s, %(first)s.") % {"city": city, "states": ", ".join(states[:8]),
                                                                "first": states[0]})
    key = (city.casefold(), states[0])
    points = table.cities[key]
    return Place(f"{table.city_names[key]}, {states[0]}", sum(p[0] for p in points) / len(points),
                 sum(p[1] for p in points) / len(points))


def miles_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in miles."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(place: Place, miles: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) around a place: every point within ``miles`` is inside it."""
    dlat = miles / 69.0
    dlon = miles / max(69.0 * math.cos(math.radians(place.latitude)), 0.01)
    return place.latitude - dlat, place.latitude + dlat, max(place.longitude - dlon, -180), \
        min(place.longitude + dlon, 180)
