"""Names the world agrees on: countries (pycountry's ISO 3166 names), US states, major cities and
international organizations (kept as data beside this module). Evidence for typing a name, not a verdict:
"Washington" is a city here and may be a person or a club in an article that says so.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

import pycountry

# Words that make a noun phrase a title or role, kept as data beside this module.
ROLE_WORDS = frozenset(
    word
    for line in Path(__file__).with_name("roles.txt").read_text(encoding="utf-8").splitlines()
    if not line.startswith("#")
    for word in line.split()
)
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "prof", "rev"})
# Country names in wide use that ISO 3166 spells otherwise or not at all.
_COUNTRY_EXTRAS = (
    "Russia", "Britain", "Great Britain", "England", "Scotland", "Wales", "Northern Ireland", "Holland",
    "Macedonia", "Palestine", "Ivory Coast", "Burma", "Zaire", "Yugoslavia", "Soviet Union", "USSR",
    "Czechoslovakia", "Kosovo", "Bosnia", "Herzegovina", "Bosnia-Herzegovina", "Serbia", "Montenegro",
    "Chechnya", "Tibet", "America", "U.S.", "US", "USA", "U.S.A.", "UK", "U.K.", "East Timor", "Vatican",
    "Swaziland", "Cape Verde", "Laos", "Congo", "South Korea", "North Korea", "Vietnam", "Syria", "Iran",
    "Moldova", "Tanzania", "Bolivia", "Venezuela", "Taiwan", "Czech Republic", "Turkey",
)  # fmt: skip


def fold(text: str) -> str:
    """Case- and accent-insensitive key: 'António Guterres' and 'antonio guterres' fold alike."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().replace("’", "'").split())


def _lines(name: str) -> frozenset[str]:
    text = Path(__file__).with_name(name).read_text(encoding="utf-8")
    return frozenset(fold(line) for line in text.splitlines() if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def _tables() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    countries = {fold(n) for n in _COUNTRY_EXTRAS}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value and "," not in value:
                countries.add(fold(value))
    states = {fold(s.name) for s in pycountry.subdivisions.get(country_code="US") or ()}
    cities = _lines("cities.txt") | (states - countries)
    return frozenset(countries), frozenset(cities), _lines("organizations.txt")


def place_kind(name: str) -> str | None:
    """'country' for a country, 'city' for a city or US state, else None (any case, 'the' ignored)."""
    countries, cities, _ = _tables()
    key = fold(name)
    if key.startswith("the "):
        key = key[4:]
    if key in countries:
        return "country"
    if key in cities:
        return "city"
    return None


def is_international_org(name: str) -> bool:
    """The UN, NATO, the European Union, the Red Cross, Interfax, Xinhua, ..."""
    key = fold(name)
    if key.startswith("the "):
        key = key[4:]
    return key in _tables()[2]
