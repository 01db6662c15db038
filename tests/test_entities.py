"""Names in one article, titles, and linking across articles."""

import pytest

from storyline.analyze.canonical import link
from storyline.analyze.entities import find_entities, fold
from storyline.analyze.nlp import load_nlp
from storyline.model import NameCount


def entities_of(text: str):
    return find_entities(load_nlp()(text), "a1")


def names(text: str) -> dict[str, str]:
    return {m.text: m.name for m in entities_of(text).mentions}


def titles(text: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for person, title in entities_of(text).titles:
        found.setdefault(person, set()).add(title.title)
    return found


def test_surname_takes_the_full_name_in_the_article() -> None:
    text = (
        "Israeli Prime Minister Benjamin Netanyahu arrived in Moscow on Wednesday. "
        "Netanyahu said the talks with President Vladimir Putin had been useful. Putin agreed."
    )
    found = names(text)
    assert found["Netanyahu"] == "Benjamin Netanyahu"
    assert found["Putin"] == "Vladimir Putin"


def test_titles_before_and_in_apposition() -> None:
    text = (
        "Russian Foreign Minister Sergei Lavrov met reporters in Moscow on Monday. "
        "Kremlin spokesman Dmitry Peskov said the meeting would go ahead. "
        "The plan was backed by Mike Pompeo, the U.S. secretary of state, after a long call."
    )
    found = titles(text)
    assert "Russian Foreign Minister" in found["Sergei Lavrov"]
    assert "Kremlin spokesman" in found["Dmitry Peskov"]
    assert any("secretary of state" in t for t in found["Mike Pompeo"])


def test_title_spans_point_into_the_text() -> None:
    text = "Secretary of State Mike Pompeo flew to Pyongyang on Friday."
    for _, title in entities_of(text).titles:
        assert text[title.start : title.end] == title.title
    for mention in entities_of(text).mentions:
        assert text[mention.start : mention.end] == mention.text


def test_fold_ignores_case_and_accents() -> None:
    assert fold("António  Guterres") == fold("antonio guterres")


def count(type_: str, name: str, mentions: int = 3) -> NameCount:
    return NameCount(type_, name, mentions, 1)


def groups_of(*items: NameCount) -> list[set[str]]:
    return [{n.name for n in g.names} for g in link(items)]


def test_variant_given_names_merge_and_different_people_stay_apart() -> None:
    groups = groups_of(
        count("PERSON", "Benjamin Netanyahu", 10),
        count("PERSON", "Binyamin Netanyahu", 4),
        count("PERSON", "Netanyahu", 2),
        count("PERSON", "Brad Smith"),
        count("PERSON", "Jack Smith"),
        count("PERSON", "Smith"),
        count("PERSON", "Kim Jong Un"),
        count("PERSON", "Kim Yong Chol"),
        count("PERSON", "Naama Issachar"),
        count("PERSON", "Yaffa Issachar"),
    )
    assert {"Benjamin Netanyahu", "Binyamin Netanyahu", "Netanyahu"} in groups
    assert {"Brad Smith"} in groups and {"Jack Smith"} in groups and {"Smith"} in groups
    assert {"Kim Jong Un"} in groups and {"Kim Yong Chol"} in groups
    assert {"Naama Issachar"} in groups and {"Yaffa Issachar"} in groups


@pytest.mark.parametrize(
    ("a", "b"),
    [("António Guterres", "Antonio Guterres"), ("Choe Son", "Choe Son Hui"), ("Putin", "Vladimir Putin")],
)
def test_same_person_merges(a: str, b: str) -> None:
    assert {a, b} in groups_of(count("PERSON", a), count("PERSON", b))


def test_organizations_places_and_types() -> None:
    groups = groups_of(
        count("ORG", "Competition and Markets Authority"),
        count("ORG", "CMA"),
        count("ORG", "the Kremlin"),
        count("ORG", "Kremlin"),
        count("GPE", "U.S."),
        count("GPE", "United States"),
        count("GPE", "Glasgow", 40),
        count("PERSON", "Glasgow", 5),
        count("PERSON", "Georgia", 5),
        count("GPE", "Georgia", 5),
    )
    assert {"Competition and Markets Authority", "CMA"} in groups
    assert {"the Kremlin", "Kremlin"} in groups
    assert {"U.S.", "United States"} in groups
    assert {"Glasgow"} in groups and sum(1 for g in groups if g == {"Glasgow"}) == 1  # typed as the majority
    assert sum(1 for g in groups if g == {"Georgia"}) == 2  # no clear majority: kept apart


def test_entity_ids_are_stable_and_canonical_names_readable() -> None:
    first = link([count("PERSON", "Vladimir Putin", 5), count("PERSON", "Putin", 9)])
    again = link([count("PERSON", "Putin", 9), count("PERSON", "Vladimir Putin", 5)])
    assert [g.id for g in first] == [g.id for g in again]
    assert first[0].canonical == "Vladimir Putin"
    (city,) = link([count("GPE", "LONDON", 9), count("GPE", "London", 2)])
    assert city.canonical == "London"
