"""The date of what an article reports: its happening date, from the resolved dates of its lead.

A news lead dates its news: a report says the day it happened ("signed a statement on Tuesday"), a
preview points forward ("is traveling to Moscow next week", "will meet on Friday"), a follow-up points
back ("Friday's talks drew praise"). The happening date is read from the day (or week) dates of the
lead, the first sentence that gives one among the first ``LEAD_SENTENCES``:

- a date after the publication day makes the article a preview: the latest such date is the happening
  (an arrival on Saturday for a summit on Tuesday previews the summit);
- otherwise the article reports or follows up: the earliest date is the happening (a follow-up names
  the day it follows up, a report the day it reports; "after Monday's vote" points at the vote).

Only dates within ``WINDOW_DAYS`` of the publication count (beyond that a lead mostly recalls
background, "since the invasion in February 2022"); a week counts only forward (a preview's "next
week" is that week's Thursday, no more than three days from the day it previews); a past week or a
month is too vague to date a happening. Without such a date the happening is the publication time, so
articles that give none cluster as before.

The happening time keeps the publication's time of day, moved to the happening's day: articles about
one happening share its day, and the order of their publication within it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

from storyline.model import Granularity, TimeExpression, TimexType

LEAD_SENTENCES = 2
WINDOW_DAYS = 21


def _day(value: str, granularity: Granularity | None) -> date | None:
    """The first day a day or range of days covers, the middle of a week; None for anything else."""
    try:
        if granularity in (Granularity.DAY, Granularity.TIME):
            return date.fromisoformat(value[:10])
        if granularity is Granularity.RANGE and "/" in value:
            start, end = value.split("/", 1)
            if len(start) >= 10 and len(end) >= 10:
                return date.fromisoformat(start[:10])
        if granularity is Granularity.WEEK and "-W" in value:
            year, week = value.split("-W", 1)
            return date.fromisocalendar(int(year), int(week[:2]), 4)  # Thursday: within 3 days of any day
    except ValueError:
        return None
    return None


def happening_day(published: datetime, lead_times: Iterable[TimeExpression]) -> date | None:
    """The day the lead's dates (those of one sentence) say the news happened, or None.

    ``lead_times`` are the resolved time expressions of the lead sentence, in text order.
    """
    today = published.date()
    window = timedelta(days=WINDOW_DAYS)
    ahead: list[date] = []
    behind: list[date] = []
    for t in lead_times:
        if t.type not in (TimexType.DATE, TimexType.TIME) or not t.value:
            continue
        first = _day(t.value, t.granularity)
        if first is None:
            continue
        if first > today:
            if first - today <= window:
                ahead.append(first)
        elif t.granularity is not Granularity.WEEK and today - first <= window:
            behind.append(first)
    if ahead:
        return max(ahead)
    if behind:
        return min(behind)
    return None


def happening_time(published: datetime, day: date | None) -> datetime:
    """``published`` moved to ``day`` (its time of day kept); ``published`` itself without a day."""
    if day is None or day == published.date():
        return published
    return published + timedelta(days=(day - published.date()).days)


def happening_times(
    published: Mapping[str, datetime],
    times: Iterable[TimeExpression],
    lead_spans: Mapping[str, list[tuple[int, int]]],
) -> dict[str, datetime]:
    """Article id -> happening time, for the articles of ``published`` (their clustering time so far).

    ``lead_spans`` gives each article's first sentences as (start, end) character spans in text order;
    the first of them with a usable date dates the article.
    """
    by_article: dict[str, list[TimeExpression]] = {}
    for t in times:
        by_article.setdefault(t.article_id, []).append(t)
    found: dict[str, datetime] = {}
    for article_id, when in published.items():
        day = None
        mine = by_article.get(article_id, [])
        for start, end in lead_spans.get(article_id, [])[:LEAD_SENTENCES]:
            day = happening_day(when, (t for t in mine if start <= t.start < end))
            if day is not None:
                break
        found[article_id] = happening_time(when, day)
    return found
