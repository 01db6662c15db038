"""Multi-document summaries: length limits, citations, redundancy, reprints, disagreements, query focus."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest

from storyline.model import Citation
from storyline.stories.summarize import EMBEDDED, Unit, embedded, quote_interiors, self_contained, summarize, usable

DAY = datetime(2024, 3, 14, 9, 0)


OUTLETS = {"p": "Post", "q": "Globe"}


def unit(
    article: str, index: int, text: str, *, hours: int = 0, source: str | None = None, group: str = "", event: str = ""
) -> Unit:
    outlet = source or OUTLETS.get(article, article)
    return Unit(article, index, text, DAY + timedelta(hours=hours), index, outlet, group or article, event)


def vectors(meanings: list[int], dims: int = 16, seed: int = 7) -> np.ndarray:
    """Unit vectors where equal meanings are near-identical (cosine ~0.99) and different ones far apart."""
    rng = np.random.default_rng(seed)
    base = np.eye(dims, dtype=np.float32)
    rows = np.stack([base[m] + 0.05 * rng.standard_normal(dims).astype(np.float32) for m in meanings])
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


FLOOD = [
    unit("a", 0, "Heavy rain flooded the river valley on Tuesday and forced thousands of residents from their homes."),
    unit("a", 1, "Emergency crews opened three shelters in school gyms across the county overnight.", hours=0),
    unit("a", 2, "The regional power company said electricity would return to most streets by Friday."),
    unit("b", 0, "Thousands of residents fled their homes as heavy rain flooded the river valley on Tuesday.", hours=2),
    unit("b", 1, "Farmers in the valley warned that the spring planting season could be lost entirely.", hours=2),
    unit("c", 0, "Officials at the county dam released water slowly to keep the reservoir from overflowing.", hours=5),
    unit("c", 1, "Volunteers filled sandbags outside the town library well into the evening hours.", hours=5),
]
FLOOD_MEANINGS = [0, 1, 2, 0, 3, 4, 5]


def resolves(summary, units) -> bool:  # type: ignore[no-untyped-def]
    stored = {Citation(u.article_id, u.index) for u in units}
    return all(s.citations and set(s.citations) <= stored for s in summary)


def statements(summary):  # type: ignore[no-untyped-def]
    return [s for s in summary if s.kind == "statement"]


def test_empty_input_gives_an_empty_summary() -> None:
    assert summarize([], np.zeros((0, 16), dtype=np.float32)) == []


@pytest.mark.parametrize("max_words", [20, 35, 60])
def test_word_limit_is_honoured_and_every_citation_resolves(max_words: int) -> None:
    summary = summarize(FLOOD, vectors(FLOOD_MEANINGS), max_words=max_words)
    assert statements(summary)
    assert sum(len(s.text.split()) for s in statements(summary)) <= max_words
    assert resolves(summary, FLOOD)


def test_sentence_limit_is_honoured() -> None:
    summary = summarize(FLOOD, vectors(FLOOD_MEANINGS), max_words=None, max_sentences=2)
    assert len(statements(summary)) == 2
    assert len(statements(summarize(FLOOD, vectors(FLOOD_MEANINGS), max_words=None))) > 2


def test_paraphrases_collapse_into_one_sentence_citing_both_articles() -> None:
    summary = summarize(FLOOD, vectors(FLOOD_MEANINGS), max_words=None)
    about_flood = [s for s in statements(summary) if "flooded the river valley" in s.text]
    assert len(about_flood) == 1
    assert {c.article_id for c in about_flood[0].citations} == {"a", "b"}
    assert Citation("a", 0) in about_flood[0].citations and Citation("b", 0) in about_flood[0].citations


def test_order_follows_the_earliest_citing_article() -> None:
    summary = statements(summarize(FLOOD, vectors(FLOOD_MEANINGS), max_words=None))
    first_hours = [min(c.article_id for c in s.citations) for s in summary]
    assert first_hours == sorted(first_hours)  # articles a, b, c were published in that order


def test_wire_reprints_do_not_outvote_independent_sources() -> None:
    # Both name a place, so either can open a summary (see the opening tests below).
    wire = "The Portside council approved a new bridge over the harbour after a long night of debate."
    independent = "Residents packed the Oldtown hall to demand lower parking fees in the old quarter."
    units = [unit(f"w{k}", 0, wire, group="w0", source="Wire") for k in range(5)]
    units += [unit(name, 0, independent, source=name.upper()) for name in ("x", "y", "z")]
    units += [unit(name, 1, f"The meeting in {place} ended shortly before midnight on Monday.", source=name.upper())
              for name, place in (("x", "Oldtown"), ("y", "Harbourside"), ("z", "Millbrook"))]  # fmt: skip
    meanings = [0] * 5 + [1] * 3 + [2, 3, 4]
    summary = statements(summarize(units, vectors(meanings), max_words=16, max_sentences=1))
    assert len(summary) == 1
    assert summary[0].text == independent  # three independent outlets beat five copies of one wire story
    assert {c.article_id for c in summary[0].citations} == {"x", "y", "z"}


def test_a_disagreement_on_a_number_is_reported_with_both_citations() -> None:
    units = [
        unit("p", 0, "The storm destroyed 40 homes along the northern coast, the fire service said."),
        unit("q", 0, "The storm destroyed 45 homes along the northern coast, the fire service said.", hours=1),
        unit("p", 1, "Schools in the district will stay closed until the roads are cleared again."),
    ]
    summary = summarize(units, vectors([0, 0, 1]), max_words=None)
    notes = [s for s in summary if s.kind == "disagreement"]
    assert len(notes) == 1
    assert '"40"' in notes[0].text and '"45"' in notes[0].text and "Post" in notes[0].text and "Globe" in notes[0].text
    assert set(notes[0].citations) == {Citation("p", 0), Citation("q", 0)}
    position = summary.index(notes[0])
    assert position > 0 and "homes" in summary[position - 1].text  # right after the statement it qualifies
    assert resolves(summary, units)


def test_agreeing_sources_produce_no_disagreement() -> None:
    summary = summarize(FLOOD, vectors(FLOOD_MEANINGS), max_words=None)
    assert not [s for s in summary if s.kind == "disagreement"]


def test_numbers_that_count_different_things_are_no_disagreement() -> None:
    units = [
        unit("p", 0, "The storm destroyed 40 homes along the northern coast, the fire service said."),
        unit("q", 0, "The storm left 300 people without power along the northern coast, the fire service said."),
    ]
    assert [s.kind for s in summarize(units, vectors([0, 0]), max_words=None)] == ["statement"]


def test_a_disagreement_on_a_date_is_reported() -> None:
    units = [
        unit("p", 0, "The new bridge over the harbour will open to traffic on March 3, the transport ministry said."),
        unit("q", 0, "The new bridge over the harbour will open to traffic on March 10, the transport ministry said."),
    ]
    notes = [s for s in summarize(units, vectors([0, 0]), max_words=None) if s.kind == "disagreement"]
    assert len(notes) == 1 and "march 3" in notes[0].text and "march 10" in notes[0].text
    assert {c.article_id for c in notes[0].citations} == {"p", "q"}


def test_query_focus_changes_the_choice() -> None:
    meanings = FLOOD_MEANINGS
    generic = statements(summarize(FLOOD, vectors(meanings), max_words=20, max_sentences=1))
    power = vectors([2])[0]
    query = "electricity power company"
    focused = statements(summarize(FLOOD, vectors(meanings), max_words=20, max_sentences=1, query=query,
                                   query_vector=power))  # fmt: skip
    assert generic[0].text != focused[0].text
    assert "electricity" in focused[0].text


def test_unsuitable_sentences_are_not_chosen() -> None:
    units = [
        unit("a", 0, "The new stadium will open to the public in the first week of May, the city said."),
        unit("a", 1, "But it was never clear who would pay for the roof and the parking garage."),
        unit("a", 2, "Will the stadium ever pay for itself over the next thirty years of use?"),
        unit("a", 3, '"We are thrilled," the mayor said.'),
        unit("b", 0, "He said the stadium would open in May and hold more than forty thousand fans."),
    ]
    summary = statements(summarize(units, vectors([0, 1, 2, 3, 4]), max_words=None))
    assert [s.text for s in summary] == [units[0].text]


@pytest.mark.parametrize(
    "dateline",
    [
        "DUBAI, United Arab Emirates — ",
        "WASHINGTON (Reuters) - ",
        "GLASGOW, Scotland — ",
        "NEW YORK, Nov. 3 (AP) — ",
        "NEW YORK, Nov. 3, 2021 (AP) -- ",
        "WOODSIDE, Calif. (Capital Wire) — ",
        "NUSA DUA, Indonesia – ",
        "WASHINGTON _ ",
        "PARIS, 3 November — ",
    ],
)
def test_datelines_are_stripped(dateline: str) -> None:
    body = "Negotiators from nearly 200 countries approved a deal on coal power after two weeks of talks."
    summary = statements(summarize([unit("a", 0, dateline + body)], vectors([0]), max_words=None))
    assert [s.text for s in summary] == [body]


@pytest.mark.parametrize(
    "text",
    [
        "NATO said on Monday - after a long night of talks - that it would send more ships to the region.",
        "IBM, Apple and Google - the three largest bidders - agreed to share the cost of the new cable.",
        "The US - China trade talks - the first in a year - ended without an agreement in Geneva.",
    ],
)
def test_a_dash_inside_a_sentence_is_no_dateline(text: str) -> None:
    summary = statements(summarize([unit("a", 0, text)], vectors([0]), max_words=None))
    assert [s.text for s in summary] == [text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A new draft of the agreement is expected tomorrow.", False),
        ("Officials said yesterday that the dam would hold.", False),
        ("The ministers will meet again this week to settle the wording.", False),
        ("DUBAI, United Arab Emirates — The talks will resume today.", False),
        ("The talks collapsed after two hours of shouting.", False),
        ("The talks collapsed on Monday after two hours of shouting.", False),  # a weekday names no one
        ("The talks in Dubai collapsed after two hours of shouting.", True),
        ("Negotiators in Dubai approved a deal to move away from fossil fuels.", True),
        ("Heavy rain flooded the river valley on Tuesday.", False),  # which river?
        ("Residents packed the Millbrook town hall to demand lower parking fees.", True),
        ('Delegates said "We stay" before the vote.', False),  # a pronoun opening a quote names no one
        ('Delegates in Dubai said: "We will not go home with a bad text."', False),  # mostly a quotation
        ("Pompeo said the alliance with Seoul remained “ironclad” after the talks.", True),  # a quoted word is fine
    ],
)
def test_self_contained_sentences(text: str, expected: bool) -> None:
    assert self_contained(text) is expected


def test_a_self_contained_sentence_opens_before_others_of_the_same_article() -> None:
    units = [
        unit("a", 0, "The talks ran past midnight without any agreement on the final wording."),
        unit("a", 1, "Negotiators from Brazil and India demanded stronger language on coal power plants."),
        unit("b", 0, "Volunteers filled sandbags outside the town library well into the evening hours.", hours=3),
    ]
    summary = statements(summarize(units, vectors([0, 1, 2]), max_words=None))
    assert [s.citations[0] for s in summary] == [Citation("a", 1), Citation("a", 0), Citation("b", 0)]


def test_a_context_dependent_sentence_does_not_open_the_summary() -> None:
    units = [
        unit("a", 0, "A new draft of the agreement is expected tomorrow, the organizers announced."),
        unit("b", 0, "Delegates in Dubai rejected a draft that dropped the call to phase out coal.", hours=4),
        unit("b", 1, "Saudi Arabia and Russia opposed any mention of fossil fuels in the final text.", hours=4),
    ]
    summary = statements(summarize(units, vectors([0, 1, 2]), max_words=None))
    assert summary and self_contained(summary[0].text)
    assert "tomorrow" not in " ".join(s.text for s in summary)  # it could only come first (article a is earliest)
    assert [s.citations[0] for s in summary] == [Citation("b", 0), Citation("b", 1)]


def test_a_sentence_that_leans_on_its_articles_date_is_never_chosen() -> None:
    """ "Tomorrow" means nothing in a summary of several articles and days: such sentences stay out."""
    units = [
        unit("a", 0, "Delegates in Dubai rejected a draft that dropped the call to phase out coal."),
        unit("b", 0, "A new draft of the agreement is expected tomorrow, the organizers announced.", hours=4),
        unit("c", 0, "Ministers from small island states walked out of the plenary in protest.", hours=5),
    ]
    summary = statements(summarize(units, vectors([0, 1, 2]), max_words=None))
    assert [s.citations[0] for s in summary] == [Citation("a", 0), Citation("c", 0)]


def test_without_any_self_contained_sentence_the_summary_is_still_written() -> None:
    units = [
        unit("a", 0, "The talks ran past midnight without any agreement on the final wording."),
        unit("b", 0, "The organizers said that a new draft of the agreement would follow within days.", hours=4),
    ]
    summary = statements(summarize(units, vectors([0, 1]), max_words=None))
    assert [s.citations[0] for s in summary] == [Citation("a", 0), Citation("b", 0)]


def test_the_earliest_article_gives_the_opening_when_none_of_its_chosen_sentences_can() -> None:
    units = [
        unit("a", 0, "Nearly 200 countries agreed a climate deal in Glasgow on Saturday after India weakened it."),
        unit("a", 1, "The talks had been scheduled to finish a day earlier."),
        unit("b", 0, "The talks had been scheduled to finish a day before.", hours=5),
        unit("c", 0, "The talks had been scheduled to finish a day sooner.", hours=6),
        unit("d", 0, "Environmental groups in India were divided over the coal pledge.", hours=8),
    ]
    # Said by three articles, the sentence about the talks is worth most, but it names nothing and, cited by
    # article a, would open the summary: a's self-contained lead is picked first instead.
    summary = statements(summarize(units, vectors([0, 1, 1, 1, 2]), max_words=None, max_sentences=1))
    assert [s.citations for s in summary] == [(Citation("a", 0),)]


@pytest.mark.parametrize("events", [("e1", "e1"), ("e1", "e2")])
def test_the_same_words_about_two_events_are_two_statements(events: tuple[str, str]) -> None:
    """In a story, two summits' late nights read alike but are no paraphrase and no disagreement."""
    units = [
        unit("a", 0, "By Saturday afternoon, delegates at the summit were still arguing over the word coal.",
             event=events[0]),
        unit("b", 0, "By Tuesday evening, delegates at the summit were still arguing over the word coal.",
             hours=24 * 700, event=events[1]),
    ]  # fmt: skip
    summary = summarize(units, vectors([0, 0]), max_words=25)
    cited = {c.article_id for s in statements(summary) for c in s.citations}
    notes = [s for s in summary if s.kind == "disagreement"]
    if events[0] == events[1]:
        assert cited == {"a", "b"} and len(notes) == 1  # one event: a paraphrase with another date
    else:
        assert len(cited) == 1 and not notes  # one of them, citing itself alone


def test_a_sentence_that_names_the_other_value_does_not_disagree() -> None:
    units = [
        unit("a", 0, "Smith has been working in The Hague, where he leads prosecutions of war crimes."),
        unit("b", 0, "Smith worked as a prosecutor in Brooklyn before moving to The Hague to lead prosecutions of "
                     "war crimes.", hours=2),
    ]  # fmt: skip
    assert not [s for s in summarize(units, vectors([0, 0])) if s.kind == "disagreement"]


def test_sentences_inside_a_quotation_are_marked() -> None:
    texts = [
        '"I am grateful to the president.',
        "Thankfully for her, she did not cross the border.",
        'We will go on," Putin said.',
        "The talks ended in the evening.",
    ]
    assert quote_interiors(texts) == [False, True, True, False]
    # continued into a new paragraph that reopens with a mark; a paragraph that does not reopen ends it
    assert quote_interiors(['He said: "We will win.', '"We are strong.', "They are weak."], [True, True, False]) == [
        False,
        False,
        True,
    ]
    assert quote_interiors(['He said: "We will win.', "Officials left the hall."], [True, True]) == [False, False]
    assert quote_interiors(["“I am here.", "She is there.”", "He went home."]) == [False, True, False]
    assert quote_interiors(['He said "yes" twice that day.', "She left early in the day."]) == [False, False]


@pytest.mark.parametrize(
    "text",
    [
        "According to the same account, Xi then said:",
        "Lip-Smacking Ideas for Fresh Strawberries &LR;",
        "$ADV21 The company reported strong earnings for the quarter.",
        "By Jane Porter, Associated Press Writer in Washington today",
        "Officials inspect the damage in the town (AP Photo/John Smith).",
    ],
)
def test_headings_wire_codes_bylines_and_credits_are_not_usable(text: str) -> None:
    assert not usable(text)


def test_a_quotation_interior_is_never_chosen() -> None:
    texts = [
        "President Putin met the prime minister in Moscow on Thursday for talks on Syria.",
        '"We discussed many things with our Israeli friends.',
        "Thankfully for her, she did not cross the Russian border with any more drugs.",
        'We hope relations keep improving," Putin said after the talks ended.',
    ]
    inside = quote_interiors(texts)
    units = [Unit("a", i, t, None, i, "X", "a", quoted=inside[i]) for i, t in enumerate(texts)]
    vectors = np.eye(len(units), 8, dtype=np.float32)
    chosen = {s.text for s in summarize(units, vectors, max_words=None)}
    assert texts[2] not in chosen and texts[0] in chosen


def test_wire_codes_inside_a_sentence_are_dropped_from_its_text() -> None:
    text = "One chronic truant in the county was Janice &UR; &LR; Baxter's 16-year-old son."
    assert usable(text)
    units = [Unit("a", 0, text, None, 0, "X", "a")]
    (only,) = summarize(units, np.ones((1, 4), dtype=np.float32), max_words=None)
    assert only.text == "One chronic truant in the county was Janice Baxter's 16-year-old son."


def test_without_a_usable_sentence_a_whole_one_beats_a_bare_dateline() -> None:
    texts = ["NAIROBI, January 24 (Xinhua) --", '"We will see what happens next in the talks here," he said.']
    units = [Unit("a", i, t, None, i, "X", "a") for i, t in enumerate(texts)]
    (only,) = summarize(units, np.ones((2, 4), dtype=np.float32), max_words=None)
    assert only.text == texts[1]


def test_only_choosable_sentences_are_chosen() -> None:
    """A sentence marked not choosable (it has no vector) is never picked, but still counts for its words."""
    choosable = [u.article_id != "a" for u in FLOOD]
    summary = statements(summarize(FLOOD, vectors(FLOOD_MEANINGS), max_words=None, choosable=choosable))
    assert summary
    assert all(s.citations[0].article_id != "a" for s in summary)
    assert statements(summarize(FLOOD, vectors(FLOOD_MEANINGS), max_words=None, choosable=[False] * len(FLOOD))) == []


def test_embedded_takes_the_first_usable_sentences_of_an_article() -> None:
    usable_text = "The council approved the new budget for the county hospital on Monday."
    texts = ["SPRINGFIELD", "Is this a question about the budget of the county?"]
    texts += [f"{usable_text[:-1]} number {k}." for k in range(EMBEDDED + 5)]
    assert embedded(texts) == list(range(2, 2 + EMBEDDED))
    assert embedded(["Short.", "Why?", "He said so."]) == [0, 1, 2]  # none usable: the first three
    assert embedded([]) == []
