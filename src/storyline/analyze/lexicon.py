"""The action lexicon and its word lists (``actions.toml``): verbs and event nouns with their PLOVER
types, and the capitals, demonyms, groups and roles that actor resolution reads."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Lexicon:
    verbs: dict[tuple[str, str, str, str], str]  # (lemma, particle, object lemma, preposition) -> type
    verb_lemmas: frozenset[str]
    nominals: dict[str, str]
    symmetric: frozenset[str]
    hostile: frozenset[str]
    travel: frozenset[str]
    reciprocal: frozenset[str]
    labelling: frozenset[str]
    refusals: frozenset[str]
    person_senses: dict[str, str]
    people_only: frozenset[str]
    not_actors: frozenset[str]
    capitals: dict[str, str]
    countries: frozenset[str]
    demonyms: dict[str, str]
    groups: dict[str, str]
    roles: dict[str, str]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The verb lexicon and word lists shipped beside this module (``actions.toml``)."""
    data: dict[str, Any] = tomllib.loads(Path(__file__).with_name("actions.toml").read_text(encoding="utf-8"))
    verbs: dict[tuple[str, str, str, str], str] = {}
    for key, type_ in data["verbs"].items():
        head, _, prep = key.partition(" ... ")
        words = head.split()
        lemma, _, obj = words[0].partition("+")
        particle = words[1] if len(words) > 1 else ""
        verbs[(lemma, particle, obj, prep.strip())] = type_
    settings = data["settings"]
    capitals = dict(data["capitals"])
    return Lexicon(
        verbs=verbs,
        verb_lemmas=frozenset(k[0] for k in verbs),
        nominals=dict(data["nominals"]),
        symmetric=frozenset(settings["symmetric"]),
        hostile=frozenset(settings["hostile_words"]),
        travel=frozenset(settings["travel"]),
        reciprocal=frozenset(settings["reciprocal"]),
        labelling=frozenset(settings["labelling"]),
        refusals=frozenset(settings["refusals"]),
        person_senses=dict(data["person_senses"]),
        people_only=frozenset(settings["people_only"]),
        not_actors=frozenset(settings["not_actors"]),
        capitals=capitals,
        countries=frozenset(capitals.values()) | frozenset(data["demonyms"].values()),
        demonyms=dict(data["demonyms"]),
        groups=dict(data["groups"]),
        roles=dict(data["roles"]),
    )
