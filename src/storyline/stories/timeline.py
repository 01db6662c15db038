"""Timelines: dated entries from the resolved dates of a story's (or an entity's) articles.

Each sentence is dated by the first resolved date expression in it ("testified Tuesday about the July 25
call" is an entry of Tuesday, not of July 25 too). Sentences about one date that say
much the same thing (shared content words) become one entry, worded by the sentence most of them
agree with and citing all of them; copies of a reprinted article add no citation of their own.
Entries are sorted by date (ISO values sort in time order: "2018" < "2018-06" < "2018-06-12").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

from storyline.model import Citation, Granularity, Sentence, TimeExpression, TimelineEntry
from storyline.stories.summarize import DATELINE, clean

DATED = frozenset({Granularity.DAY, Granularity.WEEK, Granularity.MONTH, Granularity.TIME})
MAX_PER_DATE = 2
MAX_ENTRIES = 40
SAME = 0.25  # content-word Jaccard for two sentences to say the same thing
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+|\d+")
_STOP = frozenset(
    "the a an and or but of to in on at for with by from as is are was were be been has have had that this "
    "it its he she they his her their said says will would after before over about than which who".split()
)


def content_words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD.findall(text) if w.lower() not in _STOP)


def _similar(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def build(
    times: Sequence[TimeExpression],
    sentences: Mapping[tuple[str, int], Sentence],
    original_of: Mapping[str, str],
    *,
    granularities: frozenset[Granularity] = DATED,
    max_entries: int = MAX_ENTRIES,
) -> list[TimelineEntry]:
    """Timeline entries from ``times`` (resolved expressions) and the ``sentences`` that contain them."""
    by_article: dict[str, list[Sentence]] = {}
    for sentence in sentences.values():
        by_article.setdefault(sentence.article_id, []).append(sentence)
    dated: dict[tuple[str, Granularity], dict[tuple[str, int], Sentence]] = {}
    placed: set[tuple[str, int]] = set()  # a sentence is listed once, under the first date it gives
    for t in sorted(times, key=lambda t: (t.article_id, t.start)):
        if t.value is None or t.granularity not in granularities or t.article_id in original_of:
            continue
        home = next((s for s in by_article.get(t.article_id, ()) if s.start <= t.start < s.end), None)
        if (
            home is not None
            and len(home.text.split()) >= 6
            and not home.text.rstrip().endswith(":")  # a lead-in to a list or a quotation ("The report showed:")
            and (home.article_id, home.index) not in placed
        ):
            placed.add((home.article_id, home.index))
            value = t.value[:10] if t.granularity is Granularity.TIME else t.value
            level: Granularity = Granularity.DAY if t.granularity is Granularity.TIME else t.granularity
            dated.setdefault((value, level), {})[home.article_id, home.index] = home
    entries: list[TimelineEntry] = []
    for (value, granularity), found in dated.items():
        entries.extend(_entries(value, granularity, list(found.values())))
    entries.sort(key=lambda e: (-len({c.article_id for c in e.citations}), date_key(e.date), e.text))
    worded: set[str] = set()  # one wording once: the same line in two articles ("SPORTS STORIES will ...")
    unique = []
    for e in entries:
        if _wording(e.text) not in worded:
            worded.add(_wording(e.text))
            unique.append(e)
    entries = unique
    kept = entries[:max_entries]
    kept.sort(key=lambda e: (date_key(e.date), -len(e.citations), e.text))
    return kept


def _wording(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


_SEASON_MONTH = {"SP": 3, "SU": 6, "FA": 9, "AU": 9, "WI": 12}


def date_key(value: str) -> str:
    """The first day an ISO-like value covers, as YYYY-MM-DD, so weeks, quarters and decades sort in time."""
    value = value.split("/")[0]
    try:
        if m := re.fullmatch(r"(\d{4})-W(\d{2})", value):
            return date.fromisocalendar(int(m[1]), int(m[2]), 1).isoformat()
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", value):
            return f"{m[1]}-{3 * int(m[2]) - 2:02d}-01"
        if m := re.fullmatch(r"(\d{4})-([A-Z]{2})", value):
            return f"{m[1]}-{_SEASON_MONTH.get(m[2], 1):02d}-01"
        if re.fullmatch(r"\d{3}", value):
            return f"{value}0-01-01"
        if re.fullmatch(r"\d{2}", value):
            return f"{value}00-01-01"
    except ValueError:
        return value
    return (value[:10] + "-01-01"[len(value[:10]) - 4 :]) if len(value) >= 4 else value


def _entries(value: str, granularity: Granularity, found: list[Sentence]) -> list[TimelineEntry]:
    words = [content_words(s.text) for s in found]
    support = [
        [j for j in range(len(found)) if j == i or _similar(words[i], words[j]) >= SAME] for i in range(len(found))
    ]
    order = sorted(
        range(len(found)),
        key=lambda i: (-len({found[j].article_id for j in support[i]}), len(found[i].text), found[i].article_id),
    )
    used: set[int] = set()
    out: list[TimelineEntry] = []
    for i in order:
        if i in used or len(out) >= MAX_PER_DATE:
            continue
        group = [j for j in support[i] if j not in used]
        used.update(group)
        citations = tuple(sorted({Citation(found[j].article_id, found[j].index) for j in group}, key=_cite_key))
        text = DATELINE.sub("", clean(found[i].text)).strip()  # "SEOUL — Moon pledged on Friday ..." reads without it
        out.append(TimelineEntry(value, granularity, text[:1].upper() + text[1:], citations))
    return out


def _cite_key(c: Citation) -> tuple[str, int]:
    return (c.article_id, c.sentence)
