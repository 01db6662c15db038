"""Happening dates: a preview, its coverage and a follow-up share the day of what they report."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

import storyline
from storyline.model import Granularity, TimeExpression, TimexType
from storyline.stories.happening import happening_day, happening_time, happening_times

MEETINGS = Path(__file__).parent / "fixtures" / "happening" / "meetings.jsonl"
PUBLISHED = datetime(2022, 9, 11, 8, 0, tzinfo=timezone.utc)  # a Sunday


def t(value: str | None, granularity: Granularity | None, type_: TimexType = TimexType.DATE) -> TimeExpression:
    return TimeExpression("a", 0, 5, "text", value, granularity, type_)


@pytest.mark.parametrize(
    ("times", "expected"),
    [
        ([t("2022-09-11", Granularity.DAY)], None),  # a report of the publication day: no move
        ([t("2022-09-09", Granularity.DAY)], date(2022, 9, 9)),  # "on Friday": a report of Friday
        ([t("2022-W37", Granularity.WEEK)], date(2022, 9, 15)),  # "next week": that week's Thursday
        ([t("2022-09-13", Granularity.DAY), t("2022-09-16", Granularity.DAY)], date(2022, 9, 16)),  # preview
        ([t("2022-09-09", Granularity.DAY), t("2022-09-10", Granularity.DAY)], date(2022, 9, 9)),  # follow-up
        ([t("2022-09-09/2022-09-10", Granularity.RANGE)], date(2022, 9, 9)),
        ([t("2022-W35", Granularity.WEEK)], None),  # "last week" is too vague
        ([t("2022-09", Granularity.MONTH), t("2022", Granularity.YEAR)], None),
        ([t("2022-02-24", Granularity.DAY)], None),  # background beyond the window
        ([t("2022-12-24", Granularity.DAY)], None),
        ([t("P2Y", None, TimexType.DURATION), t(None, Granularity.DAY), t("PAST_REF", None)], None),
        ([t("2022-09-09T14:00", Granularity.TIME, TimexType.TIME)], date(2022, 9, 9)),
    ],
)
def test_happening_day_reads_the_role_of_the_lead_dates(times: list[TimeExpression], expected: date | None) -> None:
    day = happening_day(PUBLISHED, times)
    assert (day if day != PUBLISHED.date() else None) == expected


def test_happening_time_keeps_the_time_of_day() -> None:
    assert happening_time(PUBLISHED, None) == PUBLISHED
    assert happening_time(PUBLISHED, date(2022, 9, 16)) == datetime(2022, 9, 16, 8, 0, tzinfo=timezone.utc)


def test_the_first_dated_lead_sentence_dates_the_article() -> None:
    times = [
        TimeExpression("a", 150, 160, "in 2019", "2019", Granularity.YEAR),  # sentence 1: undated for this
        TimeExpression("a", 250, 260, "on Friday", "2022-09-16", Granularity.DAY),  # sentence 2
        TimeExpression("a", 400, 410, "on Monday", "2022-09-12", Granularity.DAY),  # sentence 4: not the lead
        TimeExpression("b", 10, 20, "on Friday", "2022-09-09", Granularity.DAY),
    ]
    spans = {"a": [(0, 200), (200, 300), (300, 500)], "b": [(0, 100)]}
    found = happening_times({"a": PUBLISHED, "b": PUBLISHED, "c": PUBLISHED}, times, spans)
    assert found["a"].date() == date(2022, 9, 16)
    assert found["b"].date() == date(2022, 9, 9)
    assert found["c"] == PUBLISHED  # no sentences, no dates: the publication time


@pytest.fixture(scope="module")
def meetings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[storyline.Workspace]:
    with storyline.open(tmp_path_factory.mktemp("happening") / "h.duckdb") as ws:
        ws.run(MEETINGS)
        yield ws


def test_a_preview_its_coverage_and_a_follow_up_form_one_event(meetings: storyline.Workspace) -> None:
    events = {a: e for e in meetings.events() for a in e.article_ids}
    samarkand = events["hp-preview"]
    # published 5 days before, on the day and 3 days after the meeting of 16 September 2022
    assert set(samarkand.article_ids) == {"hp-preview", "hp-cover-1", "hp-cover-2", "hp-follow"}
    assert samarkand.happened == date(2022, 9, 16)
    assert samarkand.first is not None and samarkand.last is not None
    assert (samarkand.first.date(), samarkand.last.date()) == (date(2022, 9, 11), date(2022, 9, 19))
    moscow = events["hp-later-1"]
    assert set(moscow.article_ids) == {"hp-later-1", "hp-later-2"}
    assert moscow.happened == date(2024, 7, 9)
    assert moscow.story_id == samarkand.story_id  # the same leaders two years later: one story
    assert events["hp-other"].story_id != samarkand.story_id
    assert len({e.id for e in events.values()}) == 3
