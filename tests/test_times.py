"""Dates resolved against the publication date: tense decides the direction, durations are not dates."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

import storyline
from storyline.analyze.nlp import load_nlp
from storyline.analyze.times import find_times
from storyline.model import Granularity
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


OCT_1989 = datetime(1989, 10, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        # a period named by "the" is the one the text is about: the last quarter reported, the publication year
        ("Acme earned $5 million in the quarter.", OCT_1989, [("in the quarter", "1989-Q3", "DATE")]),
        ("Acme's sales were the best for the year.", OCT_1989, [("the year", "1989", "DATE")]),
        ("Acme hopes to cut 600 jobs by the end of the year.", OCT_1989,
         [("by the end of the year", "1989", "DATE")]),
        ("Acme hopes to finish the plant by year end.", OCT_1989, [("by year end", "1989", "DATE")]),
        # ... or the one named before it
        ("Acme lost money in the second quarter. Sales for that quarter fell.", OCT_1989,
         [("in the second quarter", "1989-Q2", "DATE"), ("that quarter", "1989-Q2", "DATE")]),
        ("The union struck on June 5. The plant reopened the following month.", OCT_1989,
         [("on June 5", "1989-06-05", "DATE"), ("the following month", "1989-07", "DATE")]),
        ("Stocks fell on Friday. The index ended the day 2% lower.", datetime(2009, 4, 4, tzinfo=timezone.utc),
         [("on Friday", "2009-04-03", "DATE"), ("the day", "2009-04-03", "DATE")]),
        ("Acme earned $9 million in the third quarter, up from $7 million in the 1988 period.", OCT_1989,
         [("in the third quarter", "1989-Q3", "DATE"), ("the 1988 period", "1988-Q3", "DATE")]),
        # "the quarter ended Sept. 30" is a date (the quarter holding that day), not a duration
        ("Acme lost $2 million for the quarter ended Sept. 30.", OCT_1989,
         [("the quarter", "1989-Q3", "DATE"), ("Sept. 30", "1989-09-30", "DATE")]),
    ],
)  # fmt: skip
def test_the_period_a_text_is_about(text: str, published: datetime, expected: list[tuple[str, str, str]]) -> None:
    assert typed(text, published) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The quarter was terrible for the whole industry.",  # a subject, not a date
        "He called the day a triumph for the party.",  # an object
        "Voters remember the day he took office.",  # a day a relative clause defines
        "Traders lost money on trades made that day.",  # a generic day
    ],
)
def test_periods_that_are_not_anchored_are_left_out(text: str) -> None:
    assert typed(text, OCT_1989) == []


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("Profit rose in the first quarter of last year.", OCT_1989,
         ("in the first quarter of last year", "1988-Q1", "DATE")),
        ("The plant opens in next year's first quarter.", OCT_1989,
         ("in next year's first quarter", "1990-Q1", "DATE")),
        ("Acme earned $4 million in the year-ago third quarter.", OCT_1989,
         ("in the year-ago third quarter", "1988-Q3", "DATE")),
        ("Ford made money in the final quarter of 2009.", OCT_1989,
         ("in the final quarter of 2009", "2009-Q4", "DATE")),
        # with no tense to go by, a fourth quarter named in January is the one just ended
        ("The drop in profits for the fourth quarter surprised analysts.", datetime(1998, 1, 26, tzinfo=timezone.utc),
         ("the fourth quarter", "1997-Q4", "DATE")),
        ("Sales slowed in the second half of 1989.", OCT_1989,
         ("in the second half of 1989", "1989-07/1989-12", "DATE")),
        ("Growth should return in the first half of next year.", OCT_1989,
         ("in the first half of next year", "1990-01/1990-06", "DATE")),
        ("Pol Pot was arrested in July last year.", OCT_1989, ("in July last year", "1988-07", "DATE")),
        ("The date was written 7/8/07.", OCT_1989, ("7/8/07", "2007-07-08", "DATE")),
        ("The cars of the seventies were boxy.", OCT_1989, ("the seventies", "197", "DATE")),
        ("The index is at its lowest since '82.", OCT_1989, ("since '82", "1982", "DATE")),
        ("The temple dates from the 11th century.", OCT_1989, ("from the 11th century", "10", "DATE")),
    ],
)  # fmt: skip
def test_named_periods(text: str, published: datetime, expected: tuple[str, str, str]) -> None:
    assert typed(text, published) == [expected]


def test_a_decade_list_without_the_century() -> None:
    found = typed("Detroit dropped the boxy cars of the 70s and 80s.", OCT_1989)
    assert found == [("the 70s", "197", "DATE"), ("80s", "198", "DATE")]


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        # a limit is often later than the act that set it: a past verb does not send it back a year
        ("The board gave the bidder until mid-November to reply.", OCT_1989, ("mid-November", "1989-11", "DATE")),
        ("The bank has extended the loans through January.", OCT_1989, ("through January", "1990-01", "DATE")),
        # "effective" looks ahead; a participle "set" is past ("set to" would look ahead)
        ("The wage deal, effective June 1, raised costs.", OCT_1989, ("June 1", "1990-06-01", "DATE")),
        ("The index is 70 points below the record high set on Aug. 6.", datetime(1998, 2, 6, tzinfo=timezone.utc),
         ("on Aug. 6", "1997-08-06", "DATE")),
        # a weekday with no tense to go by (here a noun's) is the past one unless the next is a day or two away
        ("The offer is a 24% premium over Thursday's closing price.", OCT_1989,
         ("over Thursday", "1989-10-26", "DATE")),
        # ... but a present verb keeps the nearest: a scheduled Monday three days ahead
        ("The two leaders meet separately Monday.", datetime(1998, 5, 1, tzinfo=timezone.utc),
         ("Monday", "1998-05-04", "DATE")),
    ],
)  # fmt: skip
def test_direction_of_limits_and_cues(text: str, published: datetime, expected: tuple[str, str, str]) -> None:
    assert typed(text, published) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Stocks fell for six straight days.", [("six straight days", "P6D", "DURATION")]),
        ("The navy may stay for at least 20 more years.", [("at least 20 more years", "P20Y", "DURATION")]),
        ("The economy shrank for two consecutive quarters.", [("two consecutive quarters", "P6M", "DURATION")]),
        ("A minute and a half later, the pilot called.", [("A minute and a half", "PT1M30S", "DURATION")]),
        ("Staff have worked hard over the years.", [("years", "PXY", "DURATION")]),
        ("The agency publishes a tally daily.", [("daily", "P1D", "SET")]),
        ("The marchers parade each July.", [("each July", "XXXX-07", "SET")]),
        ("The decline will continue for the time being as growth slows.", [("the time being", "PRESENT_REF", "DATE")]),
        ("The plan secures the plant for the long term.", [("the long term", "FUTURE_REF", "DATE")]),
    ],
)
def test_more_durations_sets_and_references(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert typed(text, OCT_1989) == expected


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("Shops close early on Christmas Eve.", OCT_1989, [("on Christmas Eve", "1989-12-24", "DATE")]),
        ("The family met on Thanksgiving Day.", datetime(1998, 12, 2, tzinfo=timezone.utc),
         [("on Thanksgiving Day", "1998-11-26", "DATE")]),
        ("The church was full last Easter.", datetime(2024, 5, 16, tzinfo=timezone.utc),
         [("last Easter", "2024-03-31", "DATE")]),
        ("The parade will be held on Labor Day.", datetime(2024, 8, 1, tzinfo=timezone.utc),
         [("on Labor Day", "2024-09-02", "DATE")]),
        ("Christmas sales rose.", OCT_1989, []),  # a modifier, not a day
        # years in words, as broadcast transcripts write them
        ("The bomb went off in nineteen ninety-six.", OCT_1989, [("in nineteen ninety-six", "1996", "DATE")]),
        ("January nineteen ninety-seven was cold.", OCT_1989, [("January nineteen ninety-seven", "1997-01", "DATE")]),
        ("He promised jobs by the year two thousand.", OCT_1989, [("by the year two thousand", "2000", "DATE")]),
        # TimeML reads "the past year" as the year before, "the past decade" as the decade it mostly covers
        ("Hate groups grew over the past year.", datetime(1998, 3, 3, tzinfo=timezone.utc),
         [("the past year", "1997", "DATE")]),
        ("It was his third leave in the past decade.", datetime(2011, 1, 17, tzinfo=timezone.utc),
         [("the past decade", "200", "DATE")]),
        # the month or quarter named before, a year back
        ("Sales rose 43% in February compared to the same period last year.", datetime(2010, 3, 3, tzinfo=timezone.utc),
         [("in February", "2010-02", "DATE"), ("the same period last year", "2009-02", "DATE")]),
        ("The economy shrank between April and June.", datetime(2008, 11, 18, tzinfo=timezone.utc),
         [("between April and June", "2008-04/2008-06", "RANGE")]),
        # a part of day is on the day named before it
        ("Shares fell on Friday. Dealers sold heavily in the morning.", OCT_1989,
         [("on Friday", "1989-10-27", "DATE"), ("in the morning", "1989-10-27TMO", "TIME")]),
        # ... in a past clause; a plan is on the publication day
        ("He arrived on Sunday. He is expected to leave in the evening.", datetime(2018, 6, 12, tzinfo=timezone.utc),
         [("on Sunday", "2018-06-10", "DATE"), ("in the evening", "2018-06-12TEV", "TIME")]),
    ],
)  # fmt: skip
def test_holidays_spoken_years_and_named_periods(
    text: str, published: datetime, expected: list[tuple[str, str, str]]
) -> None:
    found = find_times(load_nlp()(text), published)
    kinds = ["RANGE" if t.granularity is Granularity.RANGE else t.type.value for t in found]
    assert [(t.text, t.value, kind) for t, kind in zip(found, kinds, strict=True)] == expected


def test_triggers_never_change_what_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pattern skipped for lack of its trigger words would have found nothing: the results are the same."""
    from storyline.analyze import times

    texts = [
        "On Christmas Eve 1998 the firm said third-quarter profit fell from a year earlier.",
        "Between April and June, sales rose 5% over the same period last year; the 70s were worse.",
        "He left at 3 p.m. Friday, two weeks after the summit in nineteen ninety-six, and returns next spring.",
        "The company, which reports quarterly, expects a loss for the quarter ended Sept. 30 and by year end.",
    ]
    nlp = load_nlp()
    docs = [nlp(text) for text in texts]
    with_triggers = [find_times(doc, OCT_1989) for doc in docs]
    monkeypatch.setattr(times, "TRIGGERS", {})
    monkeypatch.setattr(times, "CASED_TRIGGERS", {})
    assert [find_times(doc, OCT_1989) for doc in docs] == with_triggers


def test_the_year_before_the_one_named() -> None:
    found = typed("Costs fell to $118 billion last year, $20 billion less than the year previous.",
                  datetime(2010, 1, 28, tzinfo=timezone.utc))  # fmt: skip
    assert found == [("last year", "2009", "DATE"), ("the year previous", "2008", "DATE")]
    found = typed("GM lost $4 billion in the fourth quarter of 2005 and $8.6 billion for the entire year.", OCT_1989)
    assert found[-1] == ("the entire year", "2005", "DATE")


def test_an_offset_with_no_day_to_count_from_is_a_duration() -> None:
    """ "Two weeks after China sent markets down" names no day to count from: it gives an amount of time."""
    found = typed("Just two weeks after China sent markets down, lenders sent more jitters.", OCT_1989)
    assert found == [("two weeks", "P2W", "DURATION")]
    # with a day in the sentence it stays a date
    found = typed("He returned home on Friday, a day after meeting Putin.", OCT_1989)
    assert [v for _, v, _ in found] == ["1989-10-27", "1989-10-27"]


def test_recent_years_is_a_vague_duration() -> None:
    assert typed("Kidnappings have risen in recent years.", OCT_1989) == [("recent years", "PXY", "DURATION")]
    assert typed("He recently moved.", OCT_1989) == [("recently", "PAST_REF", "DATE")]


def test_year_earlier_as_an_adjective_is_the_quarter_a_year_before() -> None:
    found = typed("Acme lost $5 million in the third quarter, against a year-earlier loss of $6 million.", OCT_1989)
    assert found == [("in the third quarter", "1989-Q3", "DATE"), ("year-earlier", "1988-Q3", "DATE")]


def test_the_year_before_a_number_and_temperatures_are_not_periods() -> None:
    assert typed("The bug was feared in the year 2000.", OCT_1989) == [("2000", "2000", "DATE")]
    assert typed("Highs will be in the 70s on Friday.", OCT_1989) == [("on Friday", "1989-11-03", "DATE")]
