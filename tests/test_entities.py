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
        count("PERSON", "Moscow", 4),
        count("GPE", "Moscow", 6),
    )
    assert {"Competition and Markets Authority", "CMA"} in groups
    assert {"the Kremlin", "Kremlin"} in groups
    assert {"U.S.", "United States"} in groups
    assert {"Glasgow"} in groups and sum(1 for g in groups if g == {"Glasgow"}) == 1  # typed as the majority
    assert sum(1 for g in groups if g == {"Georgia"}) == 1  # a country, unless two thirds say otherwise
    types = {g.canonical: g.type for g in link([count("PERSON", "Moscow", 4), count("GPE", "Moscow", 6)])}
    assert types == {"Moscow": "GPE"}


def test_entity_ids_are_stable_and_canonical_names_readable() -> None:
    first = link([count("PERSON", "Vladimir Putin", 5), count("PERSON", "Putin", 9)])
    again = link([count("PERSON", "Putin", 9), count("PERSON", "Vladimir Putin", 5)])
    assert [g.id for g in first] == [g.id for g in again]
    assert first[0].canonical == "Vladimir Putin"
    (city,) = link([count("GPE", "LONDON", 9), count("GPE", "London", 2)])
    assert city.canonical == "London"


def types_of(text: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for mention in entities_of(text).mentions:
        found.setdefault(mention.text, set()).add(mention.type)
    return found


def test_datelines_are_places() -> None:
    text = (
        "SUVA, Dec 6 (Reuters) - Fiji's government said on Friday it would call an early election.\n"
        "The prime minister said the vote would be held in March."
    )
    assert types_of(text)["SUVA"] == {"GPE"}
    found = types_of("MONTEVIDEO 1996-08-22\nUruguay's central bank cut its key rate on Thursday.")
    assert found["MONTEVIDEO"] == {"GPE"}


def test_countries_capitals_and_agencies_that_say_things_are_not_people() -> None:
    text = (
        "Sri Lanka said on Monday it would reopen the port. Colombo said the talks had failed. "
        "Interfax said the minister had resigned. The FSB said it had detained two men."
    )
    found = types_of(text)
    assert found["Sri Lanka"] == {"GPE"}
    assert found["Colombo"] == {"GPE"}
    assert found["Interfax"] == {"ORG"}
    assert "PERSON" not in found.get("FSB", {"ORG"})


def test_one_type_per_name_and_repeats_found() -> None:
    text = (
        "Security chief Alexander Lebed flew to Grozny on Friday.\n"
        "Lebed met rebel leaders there. Officials said Lebed would return on Sunday."
    )
    mentions = [m for m in entities_of(text).mentions if "Lebed" in m.text]
    assert len(mentions) == 3
    assert {m.type for m in mentions} == {"PERSON"}
    assert {m.name for m in mentions} == {"Alexander Lebed"}


def test_results_tables_name_clubs_not_cities() -> None:
    text = "BASEBALL - RESULTS\nChicago 5 Houston 3\nGermany 2 Italy 1\nAttendance: 40,000"
    found = types_of(text)
    assert found["Chicago"] == {"ORG"} and found["Houston"] == {"ORG"}
    assert found["Germany"] == {"GPE"} and found["Italy"] == {"GPE"}
    assert "Attendance" not in found


def test_descriptor_after_a_name_is_not_part_of_it() -> None:
    from spacy.tokens import Span

    from storyline.analyze.entities import _trim

    doc = load_nlp()("Fighting resumed, the Interfax news agency said.\nNATIONAL LEAGUE\nJ. Crawley 106")
    span, _ = _trim(Span(doc, 4, 7, label="ORG"))  # "Interfax news agency"
    assert span is not None and span.text == "Interfax"
    league = Span(doc, 10, 13, label="ORG")  # "NATIONAL LEAGUE\n" runs into the next line
    assert "\n" in league.text
    span, _ = _trim(league)
    assert span is not None and span.text == "NATIONAL LEAGUE"
    span, _ = _trim(Span(doc, 13, len(doc), label="PERSON"))  # the score is not part of the name
    assert span is not None and span.text == "J. Crawley"


def test_hyphenated_title_is_kept_whole() -> None:
    found = titles("UN secretary-general Kofi Annan said the talks would resume next week.")
    assert found["Kofi Annan"] == {"UN secretary-general"}


def test_dominant_full_name_takes_the_bare_surname() -> None:
    groups = groups_of(
        count("PERSON", "Bill Clinton", 72),
        count("PERSON", "Clinton", 422),
        count("PERSON", "Hillary Rodham Clinton", 10),
    )
    assert {"Bill Clinton", "Clinton"} in groups
    # two people of one surname with nothing to choose between them: the surname stays apart
    assert {"Smith"} in groups_of(
        count("PERSON", "Brad Smith"), count("PERSON", "Jack Smith"), count("PERSON", "Smith")
    )


def test_organization_words_and_places_decide_corpus_types() -> None:
    types = {g.canonical: g.type for g in link([
        count("PERSON", "Carter Center", 2), count("ORG", "Carter Center", 3),
        count("PERSON", "Moscow", 1), count("GPE", "Moscow", 2),
    ])}  # fmt: skip
    assert types == {"Carter Center": "ORG", "Moscow": "GPE"}


def test_products_and_credit_lines_are_not_people() -> None:
    text = (
        "Merck won approval for the pain pill Vioxx on Friday. Vioxx will compete with Celebrex.\n"
        "Doctors said Vioxx was safe.\n\nStory Filed By Cox Newspapers"
    )
    found = types_of(text)
    assert found["Vioxx"] == {"PRODUCT"}
    assert "Story Filed" not in found  # a credit line's label is no name at all
    assert found["Merck"] == {"ORG"}


@pytest.mark.parametrize(
    "text",
    [
        "The researchers gave the mice Prozac, a drug that lifts serotonin, and watched them.",
        "Prozac is a medicine that takes much away, the author writes.",
        "A man says an overdose of Prozac made him rob three banks in one week.",
        "Doctors were asked to prescribe Prozac to older patients with care.",
        "Lilly is months ahead in selling a rival antidepressant named Prozac in Europe.",
        "Older antidepressants, including Prozac, were tested on children last year.",
        "She began taking a widely used medicine called Prozac to calm her nerves. Prozac helped.",
    ],
)
def test_what_the_sentence_says_makes_a_product(text: str) -> None:
    assert types_of(text)["Prozac"] == {"PRODUCT"}


def test_products_listed_together_and_makers_kept_apart() -> None:
    found = types_of(
        "The pain pill Vioxx sold well. Celebrex and Vioxx are both in a new class of drugs.\n"
        "The Merck drug is taken once a day, said Merck chief executive Raymond Gilmartin."
    )
    assert found["Celebrex"] == {"PRODUCT"}
    assert found["Merck"] == {"ORG"}  # "the Merck drug" names its maker
    assert found["Raymond Gilmartin"] == {"PERSON"}


def test_corpus_evidence_types_a_product_where_the_article_gives_none() -> None:
    # three articles say what Vioxx is; two others give the tagger's guess only
    vioxx = [
        NameCount("PRODUCT", "Vioxx", 12, 3),
        NameCount("PERSON", "Vioxx", 9, 2),
        NameCount("PERSON", "Raymond Gilmartin", 4, 2),
    ]
    assert {g.canonical: g.type for g in link(vioxx)} == {"Vioxx": "PRODUCT", "Raymond Gilmartin": "PERSON"}
    # one article's "the Merck drug" read wrong does not turn a firm named everywhere else into a product
    merck = [NameCount("PRODUCT", "Merck", 5, 1), NameCount("ORG", "Merck", 14, 6)]
    assert {g.canonical: g.type for g in link(merck)} == {"Merck": "ORG"}


def test_a_place_is_no_person_for_one_rare_full_name() -> None:
    types = {g.canonical: g.type for g in link([
        count("PERSON", "Mother Earth", 2), count("LOC", "Earth", 140),
        count("PERSON", "Naama Issachar", 5), count("GPE", "Naama", 2),
    ])}  # fmt: skip
    assert types["Earth"] == "LOC"
    assert types["Naama Issachar"] == "PERSON" and "Naama" not in types  # joined the person


def test_known_places_river_banks_and_foreign_party_names() -> None:
    types = {g.canonical: g.type for g in link([
        count("GPE", "New Jersey", 20), count("ORG", "N.J.", 5),
        count("ORG", "West Bank", 3), count("GPE", "West Bank", 5),
        count("PERSON", "Parti Quebecois", 2), count("ORG", "Parti Quebecois", 3),
    ])}  # fmt: skip
    assert types["New Jersey"] == "GPE"  # not an organization because "N.J." is its initials
    assert types["West Bank"] == "GPE"
    assert types["Parti Quebecois"] == "ORG"
    found = types_of("Israeli troops left two villages in the West Bank on Friday.")
    assert found["West Bank"] != {"ORG"}


def test_titles_end_at_dates_verbs_and_the_next_person() -> None:
    found = titles(
        "The committee will debate Thursday charge President Clinton with perjury.\n"
        "On Monday President Clinton spoke to reporters.\n"
        "After meeting Prime Minister Benjamin Netanyahu, U.S. Assistant Secretary of State for Near Eastern "
        "Affairs Martin Indyk urged Israel to stop building.\n"
        "Jiang met Kofi Annan, the secretary-general of the United Nations, in New York."
    )
    assert found["Clinton"] == {"President"}
    assert found["Benjamin Netanyahu"] == {"Prime Minister"}
    assert found["Kofi Annan"] == {"secretary-general of the United Nations"}
