"""Quotes with speakers (analyze/quotes.py): one fixture per attribution pattern, and the demo gold floors.

Floors (issue): on the demo gold's direct quotes, speaker accuracy >= 0.90 and wrong person < 0.05.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from spacy.language import Language

import storyline
from storyline.analyze.nlp import load_nlp
from storyline.analyze.quotes import find_marked, find_quotes
from storyline.model import Quote, QuoteKind
from tests.conftest import DEMO


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_nlp()


def quotes_of(nlp: Language, text: str) -> list[Quote]:
    quotes = find_quotes(nlp(text), "a1")
    for q in quotes:
        assert text[q.start : q.end] == q.text
        assert q.article_id == "a1"
    assert [q.start for q in quotes] == sorted(q.start for q in quotes)
    return quotes


def named(text: str, quote: Quote) -> str | None:
    return None if quote.speaker_start is None else text[quote.speaker_start : quote.speaker_end]


def only(quotes: list[Quote], kind: QuoteKind) -> list[Quote]:
    return [q for q in quotes if q.kind == kind]


# ---- quote marks -------------------------------------------------------------------------------------


def test_marks_pair_straight_curly_and_mixed() -> None:
    text = 'He said "one," then “two” and “three," too.'
    assert [text[m.open_at + 1 : m.close_at] for m in find_marked(text)] == ["one,", "two", "three,"]


def test_marks_run_over_paragraphs_newswire_style() -> None:
    text = '"First part.\n\n"Second part," she said.\n\nPlain paragraph.'
    (mark,) = find_marked(text)
    assert text[mark.open_at + 1 : mark.close_at] == 'First part.\n\n"Second part,'


def test_unclosed_mark_without_reopening_is_dropped() -> None:
    assert find_marked('An unclosed "quote here.\n\nNext paragraph.') == []


# ---- direct quotes -----------------------------------------------------------------------------------


def test_speaker_after_the_quote(nlp: Language) -> None:
    text = '"We will rebuild the bridge by spring," Mayor Helen Ortiz told reporters on Monday.'
    (q,) = quotes_of(nlp, text)
    assert q.kind == QuoteKind.DIRECT and q.text == "We will rebuild the bridge by spring,"
    assert q.cue == "tell" and q.speaker == "Mayor Helen Ortiz" and named(text, q) == "Helen Ortiz"


def test_inverted_speaker_and_relative_clause(nlp: Language) -> None:
    text = '"The numbers do not add up," said Peter Lindqvist, who teaches economics in Oslo.'
    (q,) = quotes_of(nlp, text)
    assert q.cue == "say" and named(text, q) == "Peter Lindqvist" and q.speaker == "Peter Lindqvist"


def test_speaker_inside_a_split_quote(nlp: Language) -> None:
    text = '"We talked for hours," Mayor Helen Ortiz said, "and we agreed on nothing."'
    first, second = quotes_of(nlp, text)
    assert named(text, first) == named(text, second) == "Helen Ortiz"
    assert second.text == "and we agreed on nothing."


def test_speaker_before_with_colon(nlp: Language) -> None:
    text = 'Governor Sam Whitfield said: "The dam will hold."'
    (q,) = quotes_of(nlp, text)
    assert q.kind == QuoteKind.DIRECT and named(text, q) == "Sam Whitfield"


def test_speaker_at_the_end_of_the_previous_paragraph(nlp: Language) -> None:
    text = 'Governor Sam Whitfield then said:\n\n"The dam will hold, and the town will stay dry."'
    (q,) = quotes_of(nlp, text)
    assert named(text, q) == "Sam Whitfield" and q.cue == "say"


def test_continuation_quote_keeps_the_speaker(nlp: Language) -> None:
    text = '"The dam will hold," Sam Whitfield said. "Nobody needs to leave."'
    _, second = quotes_of(nlp, text)
    assert named(text, second) == "Sam Whitfield" and second.speaker == "Sam Whitfield"


def test_multi_paragraph_quote_is_one_quote(nlp: Language) -> None:
    text = (
        'Engineers were cautious. "The dam will hold this year," said Sam Whitfield. "Next year is harder.'
        '\n\n"We need money for repairs."\n\nThe council meets on Friday.'
    )
    quotes = quotes_of(nlp, text)
    assert quotes[-1].text == 'Next year is harder.\n\n"We need money for repairs.'
    assert named(text, quotes[-1]) == "Sam Whitfield"


def test_pronoun_resolves_to_the_fullest_name(nlp: Language) -> None:
    text = (
        "Finance Minister Clara Jensen met bankers on Tuesday. Jensen said the budget would be balanced.\n\n"
        '"We will not raise taxes," she added.'
    )
    q = only(quotes_of(nlp, text), QuoteKind.DIRECT)[0]
    assert q.speaker == "she" and q.cue == "add" and named(text, q) == "Clara Jensen"


def test_pronoun_skips_people_inside_reported_clauses(nlp: Language) -> None:
    text = 'Foreign Minister Clara Jensen said that Peter Holm had misled parliament. "The record is clear," she added.'
    q = only(quotes_of(nlp, text), QuoteKind.DIRECT)[0]
    assert named(text, q) == "Clara Jensen"


def test_pronoun_after_an_unnamed_speaker_stays_unnamed(nlp: Language) -> None:
    text = (
        'Clara Jensen opened the meeting. A senior official said the talks had stalled. "We are not close," he added.'
    )
    q = only(quotes_of(nlp, text), QuoteKind.DIRECT)[0]
    assert q.speaker == "he" and q.speaker_start is None


def test_unnamed_speaker_is_kept_as_text(nlp: Language) -> None:
    text = '"Nobody expected this," a senior European diplomat said.'
    (q,) = quotes_of(nlp, text)
    assert q.speaker == "a senior European diplomat" and q.speaker_start is None


def test_organization_speaker_is_named(nlp: Language) -> None:
    text = 'Microsoft said in a statement: "We will appeal the decision."'
    (q,) = quotes_of(nlp, text)
    assert named(text, q) == "Microsoft"


# ---- indirect and partial quotes -----------------------------------------------------------------------


def test_indirect_with_that(nlp: Language) -> None:
    text = "Mayor Helen Ortiz said that the bridge would reopen in May."
    (q,) = quotes_of(nlp, text)
    assert q.kind == QuoteKind.INDIRECT and q.text == "the bridge would reopen in May"
    assert q.cue == "say" and named(text, q) == "Helen Ortiz"


def test_indirect_without_that_and_told(nlp: Language) -> None:
    text = "Helen Ortiz told the council the bridge would reopen in May."
    (q,) = quotes_of(nlp, text)
    assert q.kind == QuoteKind.INDIRECT and q.text == "the bridge would reopen in May" and q.cue == "tell"


def test_indirect_with_speaker_after(nlp: Language) -> None:
    text = "The bridge will reopen in May, the city council said."
    (q,) = quotes_of(nlp, text)
    assert q.text == "The bridge will reopen in May" and q.speaker == "the city council"


def test_reported_clause_stops_before_an_appended_aside(nlp: Language) -> None:
    text = "Helen Ortiz said on Tuesday that the bridge would close for a year, a decision that angered drivers."
    (q,) = quotes_of(nlp, text)
    assert q.text == "the bridge would close for a year"


def test_passive_reporting_verb_names_no_speaker(nlp: Language) -> None:
    text = "The mayor's office had not been told that the bridge would close."
    assert [q for q in quotes_of(nlp, text) if q.speaker is not None and "office" in q.speaker] == []


def test_partial_quote_with_framing_verb(nlp: Language) -> None:
    text = "Helen Ortiz called the plan “a disaster for commuters” and described the delay as “shameful”."
    quotes = quotes_of(nlp, text)
    assert [(q.kind, q.text, q.cue) for q in quotes] == [
        (QuoteKind.PARTIAL, "a disaster for commuters", "call"),
        (QuoteKind.PARTIAL, "shameful", "describe"),
    ]
    assert all(named(text, q) == "Helen Ortiz" for q in quotes)


def test_mixed_quote_keeps_the_whole_reported_clause(nlp: Language) -> None:
    text = 'Helen Ortiz said the repairs were "long overdue" and that work would start soon.'
    quotes = quotes_of(nlp, text)
    assert [(q.kind, q.text, q.speaker) for q in quotes] == [
        (QuoteKind.INDIRECT, 'the repairs were "long overdue" and that work would start soon', "Helen Ortiz"),
    ]


def test_mixed_quote_ending_in_its_quoted_words_keeps_the_closing_mark(nlp: Language) -> None:
    text = 'The inspector said the board had failed to address a "clear pattern of abuse."'
    [quote] = quotes_of(nlp, text)
    assert quote.text == 'the board had failed to address a "clear pattern of abuse."'


def test_cue_after_inside_and_before_the_reported_clause(nlp: Language) -> None:
    texts = {
        "The talks will resume next week, argued Ruiz.": "The talks will resume next week",
        "Police, Ruiz says, have no policies on the matter.": "Police, Ruiz says, have no policies on the matter",
        "The company told a broadcaster it has not received any complaints.": "it has not received any complaints",
    }
    for text, said in texts.items():
        assert [q.text for q in quotes_of(nlp, text)] == [said], text


def test_according_to_and_beliefs_are_indirect_quotes(nlp: Language) -> None:
    text = (
        "The top 1 percent would gain the most, according to the Tax Foundation. "
        "Wines believes that the campaign took black voters for granted."
    )
    found = [(q.text, q.speaker) for q in quotes_of(nlp, text)]
    assert found == [
        ("The top 1 percent would gain the most", "the Tax Foundation"),
        ("the campaign took black voters for granted", "Wines"),
    ]


def test_a_video_showing_someone_is_not_a_quote(nlp: Language) -> None:
    assert quotes_of(nlp, "A short video shows Biden gesturing towards the trees.") == []


def test_role_noun_resolves_to_the_person_with_that_title(nlp: Language) -> None:
    text = "Mayor Karen Bass opened the bridge on Monday. The mayor said the repairs would take a year."
    [quote] = quotes_of(nlp, text)
    assert quote.speaker == "the mayor"  # a capital that only opens the sentence is lowered
    assert text[quote.speaker_start : quote.speaker_end] == "Karen Bass"


def test_an_indefinite_role_noun_names_no_one(nlp: Language) -> None:
    text = "Mayor Karen Bass opened the bridge. A senior official said the repairs would take a year."
    [quote] = quotes_of(nlp, text)
    assert quote.speaker_start is None


def test_quotes_signed_after_a_dash_and_after_a_colon(nlp: Language) -> None:
    text = (
        "\u201cHe is the most unqualified candidate ever.\u201d \u2015 Francisco Herrero\n"
        'Howard Kurtz, Fox News: "Trump had his strongest debate here."'
    )
    found = [(q.kind, q.text, q.speaker) for q in quotes_of(nlp, text)]
    assert [(k, s) for k, _, s in found] == [
        (QuoteKind.DIRECT, "Francisco Herrero"),
        (QuoteKind.DIRECT, "Howard Kurtz, Fox News"),
    ]


def test_wire_style_double_apostrophes_are_quote_marks(nlp: Language) -> None:
    text = "''We will walk away more in love with this country,'' he said."
    [quote] = quotes_of(nlp, text)
    assert (quote.kind, quote.text) == (QuoteKind.DIRECT, "We will walk away more in love with this country,")


def test_names_in_quote_marks_are_not_quotes(nlp: Language) -> None:
    text = 'Interfax said the tanker had been renamed "Sea Eagle" last year.'
    assert [q.kind for q in quotes_of(nlp, text)] != [QuoteKind.PARTIAL]
    assert all(q.text != "Sea Eagle" for q in quotes_of(nlp, text))


def test_i_is_the_writer_only_when_the_article_has_one(nlp: Language) -> None:
    doc = nlp("I said then that the bridge would not hold.")
    assert [q.speaker for q in find_quotes(doc, "a1")] == [None]
    assert [q.speaker for q in find_quotes(doc, "a1", author="Dana Lee")] == ["Dana Lee"]


def test_scare_quotes_and_titles_are_not_quotes(nlp: Language) -> None:
    text = (
        'The plan replaces a call to "phase out" coal with a pledge to "phase down" instead. '
        'The film "Northern Lights" opened on Friday.'
    )
    assert quotes_of(nlp, text) == []


def test_empty_text(nlp: Language) -> None:
    assert find_quotes(nlp(""), "a1") == []


# ---- demo gold floors --------------------------------------------------------------------------------

GOLD = json.loads((DEMO / "gold.json").read_text(encoding="utf-8"))


def _demo_texts(tmp: Path) -> dict[str, storyline.Article]:
    with storyline.open(tmp / "demo.duckdb") as ws:
        ws.ingest(DEMO / "articles")
        stored = ws.articles()
    found = {}
    for doc in (a["doc"] for a in GOLD["articles"]):
        found[doc] = next(a for a in stored if a.id == doc or Path(a.origin).as_posix().endswith("/" + doc))
    return found


def _verdict(text: str, gold: dict[str, str | None], quote: Quote, names: dict[str, set[str]]) -> str:
    mention = None if quote.speaker_start is None else text[quote.speaker_start : quote.speaker_end]
    if gold["speaker"] is None:
        return "right" if mention is None else "wrong"
    if mention is None:
        return "unknown"
    mention = re.sub(r"['’]s$", "", re.sub(r"^(the|The)\s+", "", mention))
    accepted = names.get(gold["speaker"], {gold["speaker"]})
    words = {w for name in accepted for w in name.split()}
    return "right" if mention in accepted or set(mention.split()) <= words else "wrong"


@pytest.mark.slow
def test_demo_gold_speaker_floors(nlp: Language, tmp_path: Path) -> None:
    articles = _demo_texts(tmp_path)
    names = {e["name"]: {e["name"], *e["variants"]} for e in GOLD["entities"]}
    verdicts: Counter[str] = Counter()
    spans: Counter[str] = Counter()
    found_by_doc = {doc: find_quotes(nlp(a.text), a.id) for doc, a in articles.items() if a.is_english}
    taken: set[tuple[str, int]] = set()
    for gold in GOLD["quotes"]:
        text, quotes = articles[gold["doc"]].text, found_by_doc[gold["doc"]]
        start = text.find(gold["text"])
        while (gold["doc"], start) in taken:
            start = text.find(gold["text"], start + 1)
        taken.add((gold["doc"], start))
        assert start >= 0, gold
        end = start + len(gold["text"])
        match = [q for q in quotes if q.start < end and start < q.end]
        spans[f"gold {gold['kind']}"] += 1
        spans[f"found {gold['kind']}"] += bool(match)
        spans[f"exact {gold['kind']}"] += any(q.start == start and q.end == end for q in match)
        if gold["kind"] == "direct":
            verdicts[_verdict(text, gold, match[0], names) if match else "missed"] += 1
    total = sum(verdicts.values())
    assert verdicts["right"] / total >= 0.90, verdicts
    assert verdicts["wrong"] / total < 0.05, verdicts
    for kind in ("direct", "indirect", "partial"):  # span recall by kind, well below today's values
        assert spans[f"found {kind}"] / spans[f"gold {kind}"] >= 0.85, spans
    predicted = Counter(q.kind.value for quotes in found_by_doc.values() for q in quotes)
    for kind in ("direct", "partial"):  # span precision: few quotes that gold does not have
        assert spans[f"found {kind}"] / predicted[kind] >= 0.85, (spans, predicted)


def test_speaker_groups_do_not_split_by_case() -> None:
    from storyline.model import Story
    from storyline.views import StoryView

    said = [("officials", 0), ("Officials", 40), ("he", 80), ("He", 120)]
    quotes = tuple(
        Quote("a1", start, start + 10, "x" * 10, QuoteKind.INDIRECT, speaker=speaker) for speaker, start in said
    )
    view = StoryView(Story("s1", "A story", (), ("a1",)), (), (), quotes, {})
    assert [(name, len(group)) for name, _, group in view.speakers] == [("officials", 2), ("he", 2)]


def test_floating_quote_continues_a_mixed_quote_across_its_speaker_aside(nlp: Language) -> None:
    text = (
        'Both parties "saw the country as a partner," said Victor Cha, who served under President Bush. '
        '"In that sense, it was like pushing on an open door."'
    )
    quotes = quotes_of(nlp, text)
    assert [q.speaker for q in quotes] == ["Victor Cha", "Victor Cha"]


def test_a_line_break_ends_a_signed_quote(nlp: Language) -> None:
    text = "\u201cFirst view.\u201d \u2015 Ana Ruiz\n\u201cSecond view, unsigned.\u201d\n"
    quotes = quotes_of(nlp, text)
    assert [(q.text, q.speaker) for q in quotes] == [("First view.", "Ana Ruiz")]


def test_a_pronoun_after_a_victim_is_not_the_victim(nlp: Language) -> None:
    text = (
        "Officer Betty Shelby fired her weapon. Keith Scott was shot in the lot. He told detectives the man had a gun."
    )
    [quote] = quotes_of(nlp, text)
    assert quote.speaker == "he" and quote.speaker_start is None and quote.speaker_confidence == 0.25


def test_words_someone_allegedly_told_her_are_his(nlp: Language) -> None:
    text = 'Monica Lewinsky testified that Bill Clinton allegedly told her, "You should deny everything."'
    direct = [q for q in quotes_of(nlp, text) if q.kind == QuoteKind.DIRECT]
    assert [(q.text, q.speaker) for q in direct] == [("You should deny everything.", "Bill Clinton")]
    assert all("You should" not in q.text for q in quotes_of(nlp, text) if q.speaker == "Monica Lewinsky")


def test_i_is_no_one_when_the_byline_names_several_writers(nlp: Language) -> None:
    doc = nlp("I said then that the bridge would not hold.")
    assert [q.speaker for q in find_quotes(doc, "a1", author="By Dana Lee")] == ["Dana Lee"]
    assert [q.speaker for q in find_quotes(doc, "a1", author="Dana Lee and Sam Roe")] == [None]


def test_a_reported_clause_split_by_its_cue_is_two_parts(nlp: Language) -> None:
    text = "That culture, they said, emphasizes selling as many new accounts as possible."
    assert [(q.text, q.speaker) for q in quotes_of(nlp, text)] == [
        ("That culture", "they"),
        ("emphasizes selling as many new accounts as possible", "they"),
    ]


# ---- issue 14: indirect attributions with the cue anywhere, and speaker confidence ------------------------


@pytest.mark.parametrize(
    ("text", "content", "speaker"),
    [
        (
            "The union took a stake in the Federal mine, which Mr. Clarke says he is doing everything to keep open.",
            "he is doing everything to keep open",
            "Mr. Clarke",
        ),
        (
            "As many tax experts have pointed out, Mr. Trump is free to disclose his returns.",
            "Mr. Trump is free to disclose his returns",
            "many tax experts",
        ),
        (
            'Kellyanne Conway acknowledged on NBC\'s "Meet the Press" that Mr. Trump was trailing in the polls.',
            "Mr. Trump was trailing in the polls",
            "Kellyanne Conway",
        ),
        ("The senator denied the allegations on Tuesday.", "the allegations", "the senator"),
        ("Ana Ruiz criticized the new parking rules at the meeting.", "the new parking rules", "Ana Ruiz"),
    ],
)
def test_indirect_attribution_with_the_cue_anywhere(nlp: Language, text: str, content: str, speaker: str) -> None:
    quotes = [q for q in quotes_of(nlp, text) if q.kind == QuoteKind.INDIRECT]
    assert [(q.text, q.speaker) for q in quotes] == [(content, speaker)]


def test_an_addressee_or_a_person_object_is_not_what_was_said(nlp: Language) -> None:
    assert quotes_of(nlp, "The mayor told reporters about it on Monday.") == []
    assert quotes_of(nlp, "Ana Ruiz attacked Karen Bass on Monday.") == []


def test_a_paragraph_after_said_colon_is_the_speakers(nlp: Language) -> None:
    text = "Governor Pat McCrory added:\n\nIt is typical of the campaign. They know nothing about the state."
    [quote] = quotes_of(nlp, text)
    assert quote.text == "It is typical of the campaign. They know nothing about the state"
    assert quote.kind == QuoteKind.INDIRECT and named(text, quote) == "Pat McCrory"


def test_a_line_opened_by_a_name_and_a_colon_is_that_persons(nlp: Language) -> None:
    text = "Pence: Flowers Will Not Be at the Debate on Sunday.\n\nThe governor spoke on Fox News."
    [quote] = quotes_of(nlp, text)
    assert quote.text == "Flowers Will Not Be at the Debate on Sunday" and quote.speaker == "Pence"


def test_speaker_confidence_follows_how_the_speaker_was_found(nlp: Language) -> None:
    text = (
        'Mayor Karen Bass opened the bridge. "It is open," Karen Bass said. "We are proud."\n\n'
        'She said the repairs would last. "It took a year," the mayor said. "Come and see," a worker said. '
        '"Nobody knows," it said.'
    )
    found = [(q.text, q.speaker_confidence) for q in quotes_of(nlp, text)]
    assert found == [
        ("It is open,", 0.9),  # a named subject
        ("We are proud.", 0.5),  # a floating quote continuing it
        ("the repairs would last", 0.6),  # a pronoun resolved
        ("It took a year,", 0.75),  # a role noun resolved to the one person with that title
        ("Come and see,", 0.4),  # a description the article names no one by
        ("Nobody knows,", 0.25),  # a pronoun left unresolved
    ]
    for q in quotes_of(nlp, 'That is what he said: "Nobody knows." They said it rains, according to the report.'):
        assert 0.0 <= q.speaker_confidence <= 1.0 and (q.speaker is None) == (q.speaker_confidence == 0.0)


def test_speaker_confidence_is_stored_and_exported(tmp_path: Path) -> None:
    text = 'Karen Bass opened the bridge on Monday.\n\n"It is open," Karen Bass said. "We are proud."'
    with storyline.open(tmp_path / "q.duckdb") as ws:
        ws.ingest_records([{"url": "https://example.org/a", "title": "Bridge opens", "text": text}])
        ws.analyze()
        quotes = ws.quotes()
    assert [(q.text, q.speaker_confidence) for q in quotes] == [("It is open,", 0.9), ("We are proud.", 0.5)]
    assert quotes[0].to_dict()["speaker_confidence"] == 0.9


def test_naming_headlines_intentions_and_anonymity(nlp: Language) -> None:
    called = quotes_of(nlp, "The Trump campaign called the charges unsubstantiated and fabricated.")
    assert [(q.text, q.speaker) for q in called] == [
        ("the charges unsubstantiated and fabricated", "the Trump campaign")
    ]
    signed = quotes_of(
        nlp, "Clinton Hid Past Health Problems From Public, Former White House Doctor Says.\n\nIt began."
    )
    assert [(q.text, q.speaker) for q in signed] == [
        ("Clinton Hid Past Health Problems From Public", "Former White House Doctor")
    ]
    planned = quotes_of(nlp, "Karen Bass plans to run again next year.")
    assert [(q.text, q.speaker) for q in planned] == [("to run again next year", "Karen Bass")]
    anonymous = quotes_of(nlp, "A negotiator, who asked not to be named, said the deal was close.")
    assert [(q.text, q.speaker) for q in anonymous] == [("the deal was close", "a negotiator")]


def test_a_report_inside_a_report_is_the_outer_ones(nlp: Language) -> None:
    text = "Her spokesman said she thinks America is strongest when people work together."
    assert [(q.text, q.speaker) for q in quotes_of(nlp, text)] == [
        ("she thinks America is strongest when people work together", "her spokesman")
    ]


def test_a_speakers_own_report_and_a_permission_are_read_right(nlp: Language) -> None:
    text = "Trump said he had told Putin that the sanctions would stay."
    [quote] = quotes_of(nlp, text)  # "Trump" is a noun to the tagger here, and typed an organization
    assert (quote.text, quote.speaker, named(text, quote), quote.speaker_confidence) == (
        "the sanctions would stay",
        "he",
        "Trump",
        0.6,
    )
    text = "Monica Lewinsky testified on Friday. Clinton allegedly told her that she could say she was visiting."
    [quote] = quotes_of(nlp, text)  # what he told her she could say, not words of hers
    assert (quote.text, named(text, quote)) == ("she could say she was visiting", "Clinton")


def test_a_name_the_tagger_left_untyped_is_a_person_when_the_text_shows_it(nlp: Language) -> None:
    text = (
        "Naama Issachar flew home on Saturday.\n\nIssachar, who had been held since April, walked down the steps. "
        '"Thank you to everyone," she said.'
    )
    quotes = quotes_of(nlp, text)
    assert [(q.speaker, named(text, q)) for q in quotes] == [("she", "Issachar")]


def test_quotes_with_the_writers_words_after_them_or_a_dash_kept_with_the_mark(nlp: Language) -> None:
    text = '"I have admiration for the mechanics" of the plan, Mr. Holtz-Eakin said. "They are detailed."'
    assert [(q.text, q.speaker) for q in quotes_of(nlp, text)] == [
        ("I have admiration for the mechanics", "Mr. Holtz-Eakin"),
        ("They are detailed.", "Mr. Holtz-Eakin"),
    ]
    text = "\u201cWhy is this not clear proof?\u201d Vitter demanded."
    assert [(q.text, q.speaker) for q in quotes_of(nlp, text)] == [("Why is this not clear proof?", "Vitter")]
    text = "\u201cTrump must stop portraying Latinos as gangsters.\u201d\u2015 Carla Sanchez.\n\nGetty."
    assert [q.speaker for q in quotes_of(nlp, text)] == ["Carla Sanchez"]


# ---- issue 14, third round: speakers a reader can name, and the DUC newswire errors --------------------


def test_a_pronoun_is_not_a_person_the_article_shows_of_the_other_gender(nlp: Language) -> None:
    text = (
        "Maria Lopez testified that she and Daniel Reyes spoke about the case four times. "
        'In a late phone call from Reyes on May 3, he allegedly told her, "You can always say you came to see '
        'the clerk."'
    )
    [quote] = only(quotes_of(nlp, text), QuoteKind.DIRECT)
    assert quote.speaker == "he" and named(text, quote) == "Daniel Reyes"
    text = 'Ms. Okafor left the hearing early. "We are not done," he said.'
    [quote] = quotes_of(nlp, text)
    assert quote.speaker == "he" and quote.speaker_start is None


def test_a_pronoun_with_no_named_subject_is_the_one_person_named_near_it(nlp: Language) -> None:
    text = (
        "Students who backed the plan looked to Tom Brandt, who had revived the chess club, to take a stand. "
        'He declined. "We were a new club and we did not want to take sides," he said.'
    )
    [quote] = only(quotes_of(nlp, text), QuoteKind.DIRECT)
    assert named(text, quote) == "Tom Brandt" and quote.speaker_confidence == 0.5
    text = (
        "Tom Brandt and Paul Ortiz met the dean on Monday. The meeting ran late. "
        '"We were a new club and we did not want to take sides," he said.'
    )
    [quote] = only(quotes_of(nlp, text), QuoteKind.DIRECT)
    assert quote.speaker_start is None  # two men named: a reader could not say which


def test_a_name_spoken_of_in_the_pronouns_clause_does_not_stop_the_search(nlp: Language) -> None:
    text = (
        "Mr. Hale's campaign manager, Rosa Vega, conceded on Sunday that Mr. Hale was trailing. "
        "She said the campaign still had a chance with voters who dislike Mr. Hale."
    )
    quote = next(q for q in quotes_of(nlp, text) if q.speaker == "she")
    assert named(text, quote) == "Rosa Vega"


def test_plural_and_possessed_role_nouns_are_not_one_named_holder(nlp: Language) -> None:
    text = (
        "His close friend, Boston lawyer Paul Grant, had met the witness twice. "
        '"This reading may confuse some," Smith\'s lawyers said in a filing.'
    )
    [quote] = only(quotes_of(nlp, text), QuoteKind.DIRECT)
    assert quote.speaker == "Smith's lawyers" and quote.speaker_start is None


def test_titles_with_of_and_modifiers_that_tell_two_holders_apart(nlp: Language) -> None:
    text = 'Secretary of State Madeleine Albright flew to Lima on Monday. "The talks are over," the secretary said.'
    [quote] = only(quotes_of(nlp, text), QuoteKind.DIRECT)
    assert named(text, quote) == "Madeleine Albright"
    text = (
        "Democratic nominee Jane Park and Republican nominee Tom Hale met in Ohio. "
        '"I will not debate him again," the Democratic nominee said.'
    )
    [quote] = only(quotes_of(nlp, text), QuoteKind.DIRECT)
    assert named(text, quote) == "Jane Park"


def test_a_description_that_names_its_speaker(nlp: Language) -> None:
    text = '"Many children go untreated," said the study\'s lead author, Dr. Ann Weber of Duke University.'
    [quote] = quotes_of(nlp, text)
    assert named(text, quote) == "Ann Weber"
    text = "Six members of one family died in the crash, the newspaper Le Monde reported Thursday."
    [quote] = quotes_of(nlp, text)
    assert named(text, quote) == "Le Monde"
    text = "The vessel can stay at sea for 120 days, the Interfax news agency reported."
    [quote] = quotes_of(nlp, text)
    assert named(text, quote) == "Interfax"


def test_a_definite_organization_noun_is_the_organization_just_named(nlp: Language) -> None:
    text = (
        "The Carter Center Council has observed 14 elections in nine countries. "
        "The council said the vote in Managua had been fair."
    )
    [quote] = quotes_of(nlp, text)
    assert named(text, quote) == "The Carter Center Council"


def test_forms_of_one_name_are_one_person(nlp: Language) -> None:
    from spacy.tokens import Span

    from storyline.analyze.quotes_rules import one_person

    doc = nlp("Donald J. Trump spoke first. Donald Trump spoke again. Ana Ruiz and Carlos Ruiz left.")
    at = {(0, 3): "Donald J. Trump", (6, 8): "Donald Trump", (11, 13): "Ana Ruiz", (14, 16): "Carlos Ruiz"}
    spans = {name: Span(doc, a, b, label="PERSON") for (a, b), name in at.items()}
    assert all(span.text == name for name, span in spans.items())
    one = one_person({"Donald J. Trump": spans["Donald J. Trump"], "Donald Trump": spans["Donald Trump"]})
    assert one is not None and one.text == "Donald J. Trump"
    assert one_person({"Ana Ruiz": spans["Ana Ruiz"], "Carlos Ruiz": spans["Carlos Ruiz"]}) is None


def test_a_copula_before_a_colon_is_not_the_speaker_the_testimony_it_quotes_is(nlp: Language) -> None:
    text = 'The chief defense is to quote the testimony of Ann Lee: "No one ever asked me to lie."'
    [quote] = only(quotes_of(nlp, text), QuoteKind.DIRECT)
    assert named(text, quote) == "Ann Lee"


def test_group_speakers_are_one_group_whatever_their_case(nlp: Language) -> None:
    text = (
        "Prosecutors said the broker had lied to the grand jury.\n\n"
        "Aug. 14 -- The navy says that a submarine has suffered an accident."
    )
    assert [q.speaker for q in quotes_of(nlp, text)] == ["prosecutors", "the navy"]


def test_watching_something_is_not_saying_it(nlp: Language) -> None:
    text = "The council organized several missions in 1996 to observe voters' registration in Nicaragua."
    assert quotes_of(nlp, text) == []


def test_a_ship_name_in_marks_is_not_a_quote_of_the_agency_reporting(nlp: Language) -> None:
    text = (
        'The Norwegian vessel "Sea Eagle," with 12 divers on board, is expected to reach the site Friday '
        "evening, Interfax reported."
    )
    quotes = quotes_of(nlp, text)
    assert all(q.kind == QuoteKind.INDIRECT for q in quotes)
    assert [(q.speaker, q.text.startswith("The Norwegian vessel")) for q in quotes] == [("Interfax", True)]


def test_a_letter_quoted_by_its_writer_is_the_writers(nlp: Language) -> None:
    text = (
        "Representative Dan Ford, a Texas Republican, wrote in a letter to the president: "
        '"I ask you to come forward and admit that you lied under oath."\n\n'
        '"I think it is likely there will be surprises," Ford said. "I would not predict it will end in acquittal."'
    )
    quotes = only(quotes_of(nlp, text), QuoteKind.DIRECT)
    assert [named(text, q) for q in quotes] == ["Dan Ford"] * 3
    assert quotes[-1].text == "I would not predict it will end in acquittal."


def test_a_pronoun_chain_and_it_for_an_organization(nlp: Language) -> None:
    text = (
        "Students looked to Tom Brandt, who had revived the chess club, to take a stand. He declined. "
        "He left the hall early. The meeting ran on without him. "
        '"We were a new club and we did not want to take sides," he said.'
    )
    [quote] = only(quotes_of(nlp, text), QuoteKind.DIRECT)
    assert named(text, quote) == "Tom Brandt"
    text = "The World Health Organization sent a team to Goma. It said the camps had run out of water."
    [quote] = quotes_of(nlp, text)
    assert quote.speaker == "it" and named(text, quote) == "The World Health Organization"
    text = "The bridge was closed on Monday. It said nothing about the storm."
    assert all(q.speaker_start is None for q in quotes_of(nlp, text))


def test_the_author_of_a_study_or_a_spokeswoman_named_after_a_comma(nlp: Language) -> None:
    text = "A study by the Brookings Institution found that the tax cut favored the rich."
    [quote] = quotes_of(nlp, text)
    assert named(text, quote) == "the Brookings Institution"
    text = '"We remain interested in this market," said a spokeswoman for the hotel chain, Jennifer Rodstrom.'
    [quote] = quotes_of(nlp, text)
    assert named(text, quote) == "Jennifer Rodstrom"


def test_a_name_after_according_to_is_the_clauses_subject_not_the_source(nlp: Language) -> None:
    text = "According to the Interfax news agency, Igor Sergeyev arrived in Uzbekistan on Wednesday."
    [quote] = quotes_of(nlp, text)
    assert named(text, quote) != "Igor Sergeyev"


def test_a_pronoun_chain_never_gives_the_pronoun_a_name_its_own_verb_takes(nlp: Language) -> None:
    text = (
        "Joe Biden told reporters that he did not expect a new Cold War. He said he did not think China would "
        "invade soon. Xi's account of the meeting was sterner. It said he warned Biden that Taiwan was "
        '"a line that no one should cross."'
    )
    for quote in quotes_of(nlp, text):
        if "a line that no one should cross" in quote.text:
            assert named(text, quote) != "Joe Biden"
