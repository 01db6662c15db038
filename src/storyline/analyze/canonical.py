"""Linking names across articles into canonical entities.

Input: every distinct (type, name) the articles use, where ``name`` is already the fullest form of the
name inside its article (``entities.py``), with counts. Output: groups of names that denote one entity.

Rules, each one a piece of evidence, never a guess:
- the same name up to case and accents ("António Guterres" / "Antonio Guterres");
- people with the same surname whose given names are variants of one another: a known variant
  (Benjamin/Binyamin/Bibi, Joe/Joseph, ...) or a close spelling with the same initial; or one full name
  extending the other ("Choe Son" / "Choe Son Hui");
- a one-word person name ("Putin") joins the one person whose name starts or ends with it; when two
  people share it (Brad Smith, Jack Smith) it stays an entity of its own;
- organizations without a leading "the", and an acronym with the one organization whose initials it is;
- places through a small table of country aliases (U.S. / United States / America).
Entities of different types are never merged.
"""

from __future__ import annotations

import difflib
import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from storyline.analyze.entities import fold, initials
from storyline.analyze.gazetteer import is_international_org, place_kind
from storyline.analyze.nametypes import org_named
from storyline.model import NameCount
from storyline.unionfind import UnionFind

# Given-name variants, lower-case; each set is one name.
NAME_VARIANTS = [
    {"benjamin", "binyamin", "bibi", "ben"},
    {"joseph", "joe"},
    {"michael", "mike"},
    {"william", "bill", "billy"},
    {"robert", "bob", "bobby"},
    {"richard", "dick", "rick"},
    {"james", "jim", "jimmy"},
    {"anthony", "antony", "tony"},
    {"alexander", "alex", "aleksandr", "alexandr"},
    {"sergei", "sergey"},
    {"dmitry", "dmitri", "dmitriy"},
    {"yevgeny", "evgeny", "yevgeniy"},
    {"mohammed", "muhammad", "mohammad", "mohamed"},
    {"vladimir", "volodymyr"},
]
PLACE_ALIASES = [
    {"united states", "u.s.", "us", "u.s.a.", "usa", "america", "the united states"},
    {"united kingdom", "u.k.", "uk", "britain", "great britain"},
    {"russia", "russian federation"},
    {"china", "people's republic of china", "prc"},
    {"north korea", "dprk", "democratic people's republic of korea"},
    {"south korea", "republic of korea"},
    {"united arab emirates", "uae", "u.a.e."},
    {"european union", "eu", "e.u."},
]
_VARIANT_OF = {name: i for i, group in enumerate(NAME_VARIANTS) for name in group}
_PLACE_OF = {name: i for i, group in enumerate(PLACE_ALIASES) for name in group}


@dataclass
class Group:
    """Names that denote one entity."""

    type: str
    names: list[NameCount] = field(default_factory=list)

    @property
    def canonical(self) -> str:
        """The most used multi-word name (else the most used name), not in capitals: 'Benjamin Netanyahu'."""
        full = [n for n in self.names if len(n.name.split()) > 1] or self.names
        return max(full, key=lambda n: (not n.name.isupper(), n.mentions, len(n.name), n.name)).name

    @property
    def id(self) -> str:
        anchor = min(fold(n.name) for n in self.names)
        return "e" + hashlib.sha1(f"{self.type}:{anchor}".encode()).hexdigest()[:12]

    @property
    def mentions(self) -> int:
        return sum(n.mentions for n in self.names)


def link(names: Iterable[NameCount]) -> list[Group]:
    """Group names into entities; sorted by mentions, most first, then by name.

    Articles type one name differently ("Glasgow" as a place 40 times and as a person 5 times; "Naama
    Issachar" as a place twice and a person once): every name is grouped under one type, decided on the
    evidence of all its mentions (see ``_types``).
    """
    names = list(names)
    types = _types(names)
    by_type: dict[str, list[NameCount]] = defaultdict(list)
    for n in names:
        by_type[types.get(fold(n.name), n.type)].append(n)
    groups: list[Group] = []
    for type_, items in sorted(by_type.items()):
        items.sort(key=lambda n: (fold(n.name), n.name))
        if type_ == "PERSON":
            groups.extend(_people(items))
        elif type_ == "ORG":
            groups.extend(_orgs(items))
        else:
            groups.extend(_by_key(items, type_, place_key))
    return sorted(groups, key=lambda g: (-g.mentions, g.canonical))


def _collect(items: list[NameCount], uf: UnionFind[int], type_: str) -> list[Group]:
    groups: dict[int, Group] = {}
    for i, item in enumerate(items):
        groups.setdefault(uf.find(i), Group(type_)).names.append(item)
    return list(groups.values())


_RETYPABLE = {"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "PRODUCT"}


def _types(names: list[NameCount]) -> dict[str, str]:
    """One type per folded name across the corpus.

    A country, city or international organization (``gazetteer``) keeps its kind unless two thirds of its
    mentions say otherwise (a "Washington" of sports pages); a name with an organization word ("Carter
    Center", "Log Cabin Republicans") is an organization unless most mentions make it a person; any other
    name is a product when a quarter of its mentions are products (the evidence for a product is
    explicit, "the drug Vioxx") in two articles or more, or more than are organizations; any other
    name is a person when at least a third of its mentions say so (the tagger misreads unfamiliar people's
    names far more often than it invents people), else it takes the type most of its mentions have. An
    acronym's expansion ("Asia-Pacific Economic Cooperation" for APEC) is typed as an organization.
    """
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    product_articles: Counter[str] = Counter()
    for n in names:
        if n.type in _RETYPABLE:
            counts[fold(n.name)][n.type] += n.mentions
        if n.type == "PRODUCT":
            product_articles[fold(n.name)] += n.articles
    types = {}
    for key, by_type in counts.items():
        total = sum(by_type.values())
        top = by_type.most_common(1)[0][0]
        kind = place_kind(key)
        words = key.split()
        if kind or is_international_org(key):
            known = max(("GPE", "LOC", "FAC"), key=lambda t: by_type[t]) if kind else "ORG"
            if kind and not any(by_type[t] for t in ("GPE", "LOC", "FAC")):
                known = "GPE"
            types[key] = top if by_type[top] * 3 > total * 2 else known
        elif org_named(key):
            types[key] = "PERSON" if by_type["PERSON"] * 2 > total else "ORG"
        elif by_type["PRODUCT"] * 4 >= total and (by_type["PRODUCT"] >= by_type["ORG"] or product_articles[key] > 1):
            types[key] = "PRODUCT"
        else:
            types[key] = "PERSON" if by_type["PERSON"] * 3 >= total else top
    # a lone word that the tagger took for a place is a person's first or last name when it is part of
    # exactly one person's name in the corpus, no place or organization is known by it ("Naama"), and that
    # person is named at least as often as the word (not "Earth" of one "Mother Earth")
    parts: dict[str, set[str]] = defaultdict(set)
    for key, type_ in types.items():
        words = key.split()
        if type_ == "PERSON" and len(words) > 1:
            parts[words[0]].add(key)
            parts[words[-1]].add(key)
    mentions = {key: sum(by_type.values()) for key, by_type in counts.items()}
    for key, type_ in types.items():
        if type_ in ("GPE", "LOC", "FAC") and len(parts.get(key, ())) == 1 and not place_kind(key):
            (person,) = parts[key]
            if mentions[person] >= mentions[key]:
                types[key] = "PERSON"
    # "APEC" for "Asia-Pacific Economic Cooperation"; never a known place ("N.J." is New Jersey, not a body)
    acronyms = {n.name.replace(".", "") for n in names if n.type == "ORG" and _is_acronym(n.name)}
    for n in names:
        kind = types.get(fold(n.name))
        if kind in ("LOC", "GPE", "FAC", "EVENT") and initials(n.name) in acronyms and not place_kind(n.name):
            types[fold(n.name)] = "ORG"
    return types


def _is_acronym(name: str) -> bool:
    compact = name.replace(".", "")
    return compact.isupper() and 2 <= len(compact) <= 8


def _people(items: list[NameCount]) -> list[Group]:
    uf = UnionFind(range(len(items)))
    tokens = [fold(n.name).split() for n in items]
    by_surname: dict[str, list[int]] = defaultdict(list)
    for i, toks in enumerate(tokens):
        if len(toks) > 1:
            by_surname[toks[-1]].append(i)
            by_surname[toks[0]].append(i)  # family name first (Kim Jong Un, Xi Jinping)
    for i, toks in enumerate(tokens):
        for j in by_surname.get(toks[-1], []) if len(toks) > 1 else []:
            if j < i and _same_person(tokens[j], toks):
                uf.union(i, j)
    # A shorter form joins the one person it abbreviates: "Putin", "Choe Son" (of "Choe Son Hui"); of
    # several, the one who has three times the mentions of all the others ("Clinton": Bill, not Hillary).
    weight: Counter[int] = Counter()
    for j, item in enumerate(items):
        weight[uf.find(j)] += item.mentions
    for i, toks in enumerate(tokens):
        candidates = by_surname.get(toks[0], []) + by_surname.get(toks[-1], [])
        roots = {uf.find(j) for j in candidates if len(tokens[j]) > len(toks) and _abbreviates(toks, tokens[j])}
        if len(roots) > 1:
            top = max(roots, key=lambda r: (weight[r], -r))
            if weight[top] >= 3 * sum(weight[r] for r in roots if r != top):
                roots = {top}
        if len(roots) == 1:
            uf.union(i, roots.pop())
    return _collect(items, uf, "PERSON")


def _abbreviates(short: list[str], full: list[str]) -> bool:
    n = len(short)
    return full[:n] == short or (n == 1 and full[-1] == short[0])


def _same_person(a: list[str], b: list[str]) -> bool:
    """Two full names of one person: the same surname and the same or variant given names."""
    if a == b:
        return True
    if a[-1] != b[-1] or len(a) != len(b) or a[1:-1] != b[1:-1]:
        return False
    return _variant(a[0], b[0])


def _variant(x: str, y: str) -> bool:
    if x == y:
        return True
    if x in _VARIANT_OF and _VARIANT_OF.get(x) == _VARIANT_OF.get(y):
        return True
    return x[0] == y[0] and min(len(x), len(y)) >= 4 and difflib.SequenceMatcher(None, x, y).ratio() >= 0.75


def _orgs(items: list[NameCount]) -> list[Group]:
    uf = UnionFind(range(len(items)))
    keys = [_org_key(n.name) for n in items]
    first: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key in first:
            uf.union(i, first[key])
        else:
            first[key] = i
    for i, item in enumerate(items):
        compact = item.name.replace(".", "")
        if _is_acronym(item.name):
            matches = {uf.find(j) for j, other in enumerate(items) if j != i and initials(other.name) == compact}
            if len(matches) == 1:
                uf.union(i, matches.pop())
    return _collect(items, uf, "ORG")


_QUALIFIERS = ("the ", "u.s. ", "us ", "u.k. ", "uk ", "eu ", "e.u. ")


def _org_key(name: str) -> str:
    """'The Kremlin' and 'Kremlin', 'U.S. Federal Trade Commission' and 'Federal Trade Commission' alike."""
    key = fold(name)
    for qualifier in _QUALIFIERS:
        if key.startswith(qualifier) and len(key) > len(qualifier) + 3:
            key = key[len(qualifier) :]
    return key


def place_key(name: str) -> str:
    """A place or organization key: qualifiers dropped, known aliases of a place mapped to one."""
    key = _org_key(name)
    return f"alias:{_PLACE_OF[key]}" if key in _PLACE_OF else key


def _by_key(items: list[NameCount], type_: str, key_of: Callable[[str], str]) -> list[Group]:
    groups: dict[str, Group] = {}
    for item in items:
        key = key_of(item.name)
        groups.setdefault(key, Group(type_)).names.append(item)
    return list(groups.values())
