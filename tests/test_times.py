"""Dates resolved against the publication date: tense decides the direction, durations are not dates."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

import storyline
from storyline.analyze.nlp import load_nlp
from storyline.analyze.times import find_times
from tests.conftest import DEMO, demo_article

THURSDAY = datetime(2024, 5, 16, 9, 0, tzinfo=timezone.utc)


def resolved(text: str, published: datetime | None = THURSDAY) -> list[tuple[str, str | None, str]]:
    """The dates and times of ``text`` (durations, sets and present/past/future references left out)."""
    found = find_times(load_nlp()(text), published)
    return [(t.text, t.value, t.granularity.value) for t in found if t.granularity is not None]


def typed(text: str, published: datetime | None = THURSDAY) -> list[tuple[str, str | None, str]]:
    """Every expression of ``text`` with its TIMEX3 type."""
    return [(t.text, t.value, t.type.value) for t in find_times(load_nlp()(text), published)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The leaders met on Monday in Geneva.", [("on Monday", "2024-05-13", "day")]),
        ("She will visit Paris on Monday.", [("on Monday", "2024-05-20", "day")]),
        ("He said on Thursday that the talks had failed.", [("on Thursday", "2024-05-16", "day")]),
        ("The talks resume next week.", [("next week", "2024-W21", "week")]),
        ("Prices rose last month.", [("last month", "2024-04", "month")]),
        ("Earlier this year the bank cut rates.", [("Earlier this year", "2024", "year")]),
        ("The vote was held in April.", [("in April", "2024-04", "month")]),
        ("The vote will be held in April.", [("in April", "2025-04", "month")]),
        ("On March 3, 2021 the court ruled.", [("On March 3, 2021", "2021-03-03", "day")]),
        ("The deal was signed in 2019.", [("in 2019", "2019", "year")]),
        ("In the 1990s the town grew.", [("In the 1990s", "199", "decade")]),
        ("He led the agency from 2010 to 2014.", [("from 2010 to 2014", "2010/2014", "range")]),
    ],
)
def test_expressions_resolve_against_the_publication_date(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert resolved(text) == expected


def test_a_day_after_an_explicit_date() -> None:
    found = dict((text, value) for text, value, _ in resolved("A day after the summit on June 12, 2018, he left."))
    assert found["on June 12, 2018"] == "2018-06-12"
    assert found["A day after the summit"] == "2018-06-13"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He served for two years.", [("two years", "P2Y", "DURATION")]),
        ("The meeting lasted nearly five hours.", [("nearly five hours", "PT5H", "DURATION")]),
        ("The drive takes an hour.", [("an hour", "PT1H", "DURATION")]),
        ("Prices doubled over the past two years.", [("the past two years", "P2Y", "DURATION")]),
        ("The plan runs for 18 months.", [("18 months", "P18M", "DURATION")]),
        ("The firm has grown for years.", [("years", "PXY", "DURATION")]),
        ("The city will double in a decade.", [("a decade", "P10Y", "DURATION")]),
        ("The plant will close in five years.", [("five years", "P5Y", "DURATION")]),
        ("The report is published annually.", [("annually", "P1Y", "SET")]),
        ("She runs every morning.", [("every morning", "XXXX-XX-XXTMO", "SET")]),
        ("They meet twice a year.", [("twice a year", "P1Y", "SET")]),
        ("The firm now employs 300 people.", [("now", "PRESENT_REF", "DATE")]),
        ("It is currently closed.", [("currently", "PRESENT_REF", "DATE")]),
        ("He recently moved.", [("recently", "PAST_REF", "DATE")]),
        ("In the past, prices were lower.", [("the past", "PAST_REF", "DATE")]),
        ("The vote will come soon.", [("soon", "FUTURE_REF", "DATE")]),
    ],
)
def test_durations_sets_and_references_are_typed(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert typed(text) == expected


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("Kickoff is at 15:00 GMT Saturday.", THURSDAY, ("15:00 GMT Saturday", "2024-05-18T15:00Z", "TIME")),
        ("The market fell on Friday afternoon.", THURSDAY, ("on Friday afternoon", "2024-05-10TAF", "TIME")),
        ("The polls close at 8 PM.", THURSDAY, ("8 PM", "2024-05-16T20:00", "TIME")),
        ("He spoke this morning.", THURSDAY, ("this morning", "2024-05-16TMO", "TIME")),
        # a future month in a future clause is ahead: "due to be published in May" written in March
        ("The report is due to be published in May.", datetime(2024, 3, 10, tzinfo=timezone.utc),
         ("in May", "2024-05", "DATE")),
        # a day attached to a noun takes the tense of the noun's verb
        ("He lied in his Jan. 17 deposition, prosecutors said.", datetime(1998, 12, 15, tzinfo=timezone.utc),
         ("Jan. 17", "1998-01-17", "DATE")),
        ("The summit will be held in September, officials said.", datetime(2000, 8, 29, tzinfo=timezone.utc),
         ("in September", "2000-09", "DATE")),
        ("Sales fell from a year earlier.", THURSDAY, ("a year earlier", "2023", "DATE")),
    ],
)  # fmt: skip
def test_times_of_day_and_tense(text: str, published: datetime, expected: tuple[str, str, str]) -> None:
    assert typed(text, published) == [expected]


def test_a_weekday_beside_its_date_is_that_date() -> None:
    """ "On Aug. 14, a Monday" is that Monday, not the next one; "3 p.m. on June 12" is on June 12."""
    found = typed("On Aug. 14, a Monday, the talks began.", datetime(2000, 8, 20, tzinfo=timezone.utc))
    assert [v for _, v, _ in found] == ["2000-08-14", "2000-08-14"]
    found = typed("They met at 3 p.m. on June 12.", THURSDAY)
    assert found[0] == ("3 p.m.", "2024-06-12T15:00", "TIME")


def test_a_sentence_split_inside_am_keeps_the_weekday_with_its_time() -> None:
    found = typed("The ferry left at 10 a.m. Saturday and sank.", THURSDAY)
    assert found == [("10 a.m. Saturday", "2024-05-11T10:00", "TIME")]


def test_without_a_publication_date_relative_expressions_stay_unresolved() -> None:
    assert resolved("They met on Monday and will meet again next week.", None) == [
        ("on Monday", None, "day"),
        ("next week", None, "week"),
    ]
    assert resolved("The treaty was signed on June 12, 2018.", None) == [("on June 12, 2018", "2018-06-12", "day")]


def _as_date(t: storyline.TimeExpression) -> str | None:
    """The demo gold annotates dates only: a time of day ("2018-06-07TEV") is read at its day."""
    return t.value[:10] if t.value and t.type is storyline.TimexType.TIME else t.value


@pytest.mark.slow
def test_demo_gold_date_values_at_least_90_percent(demo_ws: storyline.Workspace) -> None:
    gold = json.loads((DEMO / "gold.json").read_text(encoding="utf-8"))["times"]
    by_doc: dict[str, dict[str, str | None]] = {}
    for item in gold:
        if item["doc"] not in by_doc:
            article = demo_article(demo_ws, item["doc"])
            by_doc[item["doc"]] = {t.text.lower(): _as_date(t) for t in demo_ws.times(article.id)}
    correct = sum(by_doc[g["doc"]].get(g["text"].lower()) == g["value"] for g in gold)
    assert correct / len(gold) >= 0.90


@pytest.mark.parametrize(
    "text", ["June 12, 2018.", "Next week.", "Monday.", "Photo: 2019", "THE WEEKEND REVIEW\n\n2020"]
)
def test_fragments_whose_root_is_the_date_finish(text: str) -> None:
    """A sentence that is only a date has no verb to climb to: the search must stop at the root."""
    import signal

    def stuck(*_: object) -> None:
        raise TimeoutError(f"find_times did not finish on {text!r}")

    previous = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(20)
    try:
        resolved(text)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
