"""Action-record rules added for recall and precision (issue 16), each on sentences of our own."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from storyline.analyze.document import analyze_doc
from storyline.analyze.nlp import load_nlp
from storyline.model import Action, Article


def actions_of(text: str) -> list[Action]:
    article = Article("t1", text, published=datetime(2024, 3, 6, 12, tzinfo=timezone.utc))
    return list(analyze_doc(load_nlp()(text), article).actions)


def summary(found: list[Action]) -> set[tuple[str, str, str]]:
    return {(a.type, a.source.name, a.target.name) for a in found if not a.negated}


def test_a_promise_to_give_is_an_agreement_with_the_receiver() -> None:
    found = summary(actions_of("Chilean President Gabriel Boric agreed on Monday to supply electricity to Bolivia."))
    assert found == {("AGREE", "Gabriel Boric", "Bolivia")}
    # material aid is also coded as the (promised) act itself
    aid = summary(actions_of("Chilean President Gabriel Boric agreed on Monday to provide emergency aid to Bolivia."))
    assert aid == {("AGREE", "Gabriel Boric", "Bolivia"), ("AID", "Gabriel Boric", "Bolivia")}
    # a promise not to act, or of something that is no transfer, is no agreement with anyone
    assert actions_of("Egyptian President Abdel Fattah el-Sisi promised not to bring his army to Libya.") == []


def test_hostile_labels_and_negated_acceptance() -> None:
    text = "At a briefing, Japanese Foreign Minister Yoko Kamikawa said she regarded Kim Jong Un as a dictator."
    assert summary(actions_of(text)) == {("ACCUSE", "Yoko Kamikawa", "Kim Jong Un")}
    text = "Turkish President Recep Tayyip Erdogan repeated that Ankara would never accept Sweden's membership bid."
    found = actions_of(text)
    assert summary(found) == {("REJECT", "Turkey", "Sweden")}
    assert found[0].verb == "never accept" and not found[0].negated


def test_reciprocal_each_other_and_the_two_sides() -> None:
    text = "When Narendra Modi and Shehbaz Sharif sat across a table from each other in Astana, the mood was cold."
    assert summary(actions_of(text)) == {("CONSULT", "Narendra Modi", "Shehbaz Sharif")}
    text = (
        "Israeli Prime Minister Yair Lapid met Egyptian President Abdel Fattah el-Sisi in Cairo. "
        "The two sides agreed to reopen the border crossing."
    )
    assert ("AGREE", "Israel", "Egypt") in summary(actions_of(text))


def test_examples_stand_for_a_vague_group_and_prepositions_coordinate() -> None:
    text = "Spain signed accords with Morocco and with several African states, including Senegal and Mauritania."
    assert summary(actions_of(text)) == {
        ("AGREE", "Spain", "Morocco"),
        ("AGREE", "Spain", "Senegal"),
        ("AGREE", "Spain", "Mauritania"),
    }


def test_nominals_take_the_clause_subject_and_drawn_rebukes_their_giver() -> None:
    text = (
        "Armenian President Vahagn Khachaturyan will leave Paris on Friday after official meetings with French leaders."
    )
    found = [a for a in actions_of(text) if a.type == "CONSULT"]
    assert [(a.source.name, a.target.name, a.target.country) for a in found] == [
        ("Vahagn Khachaturyan", "leader", "France")
    ]
    rebuke = actions_of("Boris Johnson's proposal drew a sharp rebuke from the ministry in Moscow.")
    assert [(a.type, a.source.country, a.target.name) for a in rebuke] == [("ACCUSE", "Russia", "Boris Johnson")]
    drills = actions_of("Beijing answered with large-scale naval drills around Taiwan.")
    assert summary(drills) == {("MOBILIZE", "China", "Taiwan")}


def test_relative_which_and_travel_of_officials_only() -> None:
    text = (
        "Russian President Vladimir Putin, who flew to Ankara to support Turkish President Recep Tayyip Erdogan, "
        "said nothing."
    )
    assert summary(actions_of(text)) == {
        ("CONSULT", "Vladimir Putin", "Turkey"),
        ("SUPPORT", "Vladimir Putin", "Recep Tayyip Erdogan"),
    }
    text = "Juan Perez traveled to Cuba to see his brother. Secretary of State Antony Blinken traveled to Cuba."
    assert summary(actions_of(text)) == {("CONSULT", "Antony Blinken", "Cuba")}


@pytest.mark.parametrize(
    "text",
    [
        "Canadian Prime Minister Justin Trudeau asked Modi why the talks had stalled.",  # a question
        "Police arrested a Russian tourist in Bangkok on Sunday.",  # a national is not the government
        "The firms met the requirements of their regulators.",  # no meeting
        "The council sent the bill to Parliament.",  # no show of force
        "Eric Larsen and Tom Weller worked at a pizza parlor in Denver.",  # working side by side
    ],
)
def test_no_interaction_no_record(text: str) -> None:
    assert summary(actions_of(text)) == set()


def test_refusing_to_act_is_negated_and_selling_partners_do_not_meet() -> None:
    found = actions_of("Kenyan President William Ruto refused to criticize Ethiopia.")
    assert [(a.type, a.negated) for a in found] == [("ACCUSE", True)]
    assert summary(actions_of("Toyota and Honda sell cars to Brazil.")) == {
        ("COOPERATE", "Toyota", "Brazil"),
        ("COOPERATE", "Honda", "Brazil"),
    }


def test_we_in_a_leaders_quote_is_the_country() -> None:
    text = (
        "Canadian Prime Minister Justin Trudeau met Indian Prime Minister Narendra Modi. "
        '"We keep talking to India," Trudeau said.'
    )
    assert ("CONSULT", "Canada", "India") in summary(actions_of(text))
