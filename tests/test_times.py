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
    return [(t.text, t.value, t.granularity.value) for t in find_times(load_nlp()(text), published)]


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


@pytest.mark.parametrize("text", ["He served for two years.", "The meeting lasted nearly five hours."])
def test_durations_are_not_dates(text: str) -> None:
    assert resolved(text) == []


def test_without_a_publication_date_relative_expressions_stay_unresolved() -> None:
    assert resolved("They met on Monday and will meet again next week.", None) == [
        ("on Monday", None, "day"),
        ("next week", None, "week"),
    ]
    assert resolved("The treaty was signed on June 12, 2018.", None) == [("on June 12, 2018", "2018-06-12", "day")]


@pytest.mark.slow
def test_demo_gold_date_values_at_least_90_percent(demo_ws: storyline.Workspace) -> None:
    gold = json.loads((DEMO / "gold.json").read_text(encoding="utf-8"))["times"]
    by_doc: dict[str, dict[str, str | None]] = {}
    for item in gold:
        if item["doc"] not in by_doc:
            article = demo_article(demo_ws, item["doc"])
            by_doc[item["doc"]] = {t.text.lower(): t.value for t in demo_ws.times(article.id)}
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
