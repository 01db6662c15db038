"""Extractive multi-document summaries with citations, and notes where sources disagree.

Selection is a budgeted greedy maximization of a coverage objective (after Gillick & Favre's concept
coverage and Lin & Bilmes' submodular summarization; written from their descriptions):

* concepts are the content bigrams of the sentences (lightly stemmed, not both stop words), each weighted
  by how many independent sources (reprint groups) state it, so wire copies of one article count once;
  a covered concept earns nothing the second time, which removes redundancy across sources;
* a semantic coverage term over the MiniLM vectors (how well the chosen sentences represent every
  sentence, each reprint group weighing one) catches paraphrases that share no bigrams;
* each sentence's gain is scaled by its centrality (similarity to the centroid of the sources), a lead
  prior (news puts the substance first) and, with a query, its relevance to the query.

Sentences that read badly out of context (questions, quote fragments, very short or long ones, datelines,
openings with a pronoun or a connective, time words only their article's date resolves: "tomorrow", "this
week") are never chosen, and a sentence too close to a chosen one
(cosine above ``REDUNDANT``) is skipped. Each chosen sentence cites every article with a paraphrase of it;
the summary is ordered by the earliest citing article, then by position. Where a paraphrase from another
source gives a different number, date, place or speaker, a ``disagreement`` line follows, citing both.

The opening sentence should stand on its own (``self_contained``): it names someone or something and is
not mostly a quotation. The order stays chronological, so the opener comes from the earliest article: the
first self-contained sentence chosen from it moves to the front; if none was chosen, the selection is rerun
with that article's best self-contained sentence picked first.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from itertools import pairwise

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

from storyline.model import Citation, SummarySentence

# Weights, tuned on the even-numbered DUC 2006 docsets (bench/summarize.py reports both halves); the
# differences between nearby settings there were within 0.003 ROUGE-2.
SEMANTIC = 0.6  # weight of the semantic coverage term beside the concept term
CENTRALITY = 1.0  # gain multiplier: 1 + CENTRALITY * similarity to the centroid
LEAD = 0.3  # gain multiplier: 1 + LEAD / (1 + position)
QUERY = 2.0  # gain multiplier with a query: 1 + QUERY * similarity to the query
LENGTH_POWER = 0.7  # gain is divided by length ** LENGTH_POWER (favours dense sentences)
COVERAGE_CAP = 0.25  # semantic coverage of a sentence saturates at this share of its total similarity
REDUNDANT = 0.85  # cosine above which a candidate repeats a chosen sentence
PARAPHRASE = 0.82  # cosine above which another article states the same thing (is cited)
OVERLAP = 0.6  # ... or this share of its content words (Dice) in common
DISAGREE = 0.7  # cosine above which two sentences from different sources can be compared for values
MIN_WORDS, MAX_WORDS = 6, 55
# Usable sentences per article that are embedded and can be chosen: news puts what matters first, and
# embedding every sentence of every article was most of the story stage's time (bench/e2e.py).
EMBEDDED = 20

_WORD = re.compile(r"[A-Za-z0-9]+(?:[.,][0-9]+)*")
_CAPS = r"[A-Z][A-Z.'’&-]+"  # a word in capitals: WASHINGTON, ST., U.S.
_NAME = r"[A-Z][A-Za-z.'’-]*"  # a capitalized word: Scotland, Calif., Nov.
# A dateline: a place in capitals, then any comma-separated parts made of capitalized words and numbers
# (", United Arab Emirates", ", Calif.", ", Nov. 3", ", 2021"), an optional credit ("(AP)") and a dash.
DATELINE = re.compile(  # 'DUBAI, United Arab Emirates —', 'NEW YORK, Nov. 3 (AP) —'
    rf"^{_CAPS}(?:\s+{_CAPS})*"
    rf"(?:,\s*(?:(?:\d{{1,2}}\s+)?{_NAME}(?:\s+{_NAME}){{0,3}}(?:\s+\d{{1,2}})?|\d{{1,4}}))*"
    r"\s*(?:\([^()]{1,40}\))?\s*(?:--|-|_|—|–)\s+"
)
_DATELINE = DATELINE
_LINK = re.compile(r"https?:|www\.|\.(?:com|org|net)\b|@\w")
# Wire markup: codes inside a sentence ("was Janice &UR; &LR; Baxter's son") are dropped from its text; a
# sentence ending in one is a heading or a production line ("Lip-Smacking Ideas for Fresh Strawberries &LR;").
_CODE = re.compile(r"\s*&[A-Za-z]{2,};")
_ENDED = re.compile(r"[.!?][\"'”’)\]]*\s*$")  # a sentence ends with its stop, maybe inside quotes or brackets
_ENDS_IN_CODE = re.compile(r"&[A-Za-z]{2,};\W*$")
# Production lines: "$ADV21", "NYT-", "(AP)", a byline or a photo credit.
_WIRE = re.compile(
    r"\$ADV\d*|\bNYT\d*-|\((?:AP|Reuters|AFP)\)|\bAP-\w+|^\W*(?:UNDATED|BC-)|\b[A-Z]{2,}-[A-Z]{2,}-|"
    r"^By\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,3}\s*(?:$|,)|\b(?:Associated Press|Staff|Special to|Contributing)\s+"
    r"Writer\b|\((?:AP|Reuters|AFP|Getty)\s+Photo|\bPhoto(?:graph)?s?\s*(?:by|:|credit)|\bGetty Images\b"
)
_CONTEXT_OPENERS = frozenset(
    "he she they it its his her their them we i this these those that such but and or so however also "
    "meanwhile still yet instead moreover furthermore then thus therefore nevertheless besides otherwise "
    "later afterwards there's".split()
)
_QUOTE_OPEN = ('"', "“", "``", "''", "'", "‘")
_QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”|``(.*?)\'\'')
# Time words that resolve only against the article's date; weekday names do too, but news dates nearly every
# event by one and a reader places it within the cited article's week, so they are allowed.
_DEICTIC = re.compile(
    r"\b(?:today|tonight|tomorrow|yesterday|(?:this|last|next|coming|past)\s+(?:week(?:end)?|month|year|"
    r"morning|afternoon|evening|night|spring|summer|autumn|fall|winter))\b",
    re.IGNORECASE,
)
_NOT_NAMES = frozenset(  # capitalized words that name no one (pronouns open quotations)
    "i we you he she they it a an the this that monday tuesday wednesday thursday friday saturday sunday "
    "january february march april may june july august september october november december".split()
)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_NUMBER = re.compile(
    r"(?<![\w.])(?:[$€£]\s?)?\d+(?:[.,]\d+)*(?:\s?(?:%|percent|per cent|million|billion|trillion|thousand))?"
)
_YEAR = re.compile(r"(?:19|20)\d\d")
_DATE = re.compile(
    rf"\b(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:,\s*\d{{4}})?|\d{{1,2}}\s+(?:{_MONTHS})\b|"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_PLACE = re.compile(r"\b(?:in|at|near|outside|from)\s+((?:[A-Z][a-z]+)(?:\s+[A-Z][a-z]+)*)")
_SPEAKER = re.compile(
    r"(?:\b(?:said|says|told|according to)\s+((?:[A-Z][a-z]+\s?){1,3}))|(?:((?:[A-Z][a-z]+\s?){1,3})\s(?:said|says)\b)"
)


@dataclass(frozen=True)
class Unit:
    """One candidate sentence."""

    article_id: str
    index: int  # the sentence idx stored for that article (becomes Citation.sentence)
    text: str
    published: datetime | None
    position: int  # 0 = first sentence of its article (lead bias)
    source: str | None  # outlet
    group: str  # reprint group id (the original's article id); copies of one article count as one source
    event: str = ""  # the article's event: sentences of two events never cite or contradict each other
    quoted: bool = False  # begins inside a quotation opened in an earlier sentence (``quote_interiors``)


def summarize(
    units: Sequence[Unit],
    vectors: np.ndarray,
    *,
    max_words: int | None = 120,
    max_sentences: int | None = None,
    query: str | None = None,
    query_vector: np.ndarray | None = None,
    choosable: Sequence[bool] | None = None,
) -> list[SummarySentence]:
    """A cited extractive summary of ``units`` (``vectors``: their unit vectors, row i for units[i]).

    At most ``max_words`` words and ``max_sentences`` statements (disagreement notes come on top); with
    ``query`` (and/or ``query_vector``), sentences relevant to it are preferred. ``choosable`` (row i for
    units[i]) limits the sentences that can be chosen to those marked (the ones given a vector, see
    ``embedded``); the others still count for their words.
    """
    if not units or (max_words is not None and max_words <= 0) or (max_sentences is not None and max_sentences <= 0):
        return []
    vectors = np.asarray(vectors, dtype=np.float32).reshape(len(units), -1)
    similarity = vectors @ vectors.T
    words = [len(u.text.split()) for u in units]
    terms = [_terms(u.text) for u in units]
    candidates = _candidates(units, words, max_words)
    if choosable is not None:
        candidates = [i for i in candidates if choosable[i]]
    if not candidates:
        fitting = [
            i
            for i in range(len(units))
            if (max_words is None or words[i] <= max_words) and (choosable is None or choosable[i])
        ]
        whole = [i for i in fitting if words[i] >= MIN_WORDS and _ENDED.search(units[i].text)]
        candidates = (whole or fitting)[:1]  # nothing usable: a whole sentence, not a bare dateline, if any
        if not candidates:
            return []
    content = [_content(t) for t in terms]
    opens = {i for i in candidates if self_contained(units[i].text)}
    published = {i: _naive(p) if (p := units[i].published) is not None else datetime.max for i in candidates}
    forced: list[set[int]] = []  # opener pools of the earliest articles, picked before anything else
    tried: set[datetime] = set()
    order: list[tuple[datetime, int, list[int]]] = []
    while True:
        chosen = _select(units, vectors, similarity, words, terms, candidates, max_words, max_sentences, query,
                         query_vector, forced)  # fmt: skip
        found = _order(units, similarity, content, chosen, opens)
        if not found:
            break
        order = found
        when = order[0][0]
        if order[0][1] in opens:
            break
        openers = {i for i in opens if published[i] == when}
        if not openers or when in tried:
            break
        tried.add(when)  # open with a self-contained sentence of the earliest article
        forced.append(openers)
    return _write(units, similarity, content, order)


def self_contained(text: str) -> bool:
    """Whether a sentence reads on its own as a summary's opening: it names someone or something ("The talks
    in Dubai collapsed.", not "The talks collapsed."; a capitalized word after the first that is not a
    weekday, a month or a pronoun), has no time word that only its article's date resolves ("tomorrow",
    "this week") and is not mostly a quotation (a summary opens by reporting; a quoted phrase of up to
    three words is fine)."""
    body = _DATELINE.sub("", text).strip()
    if _DEICTIC.search(body) or any(len(m[m.lastindex or 0].split()) > 3 for m in _QUOTED.finditer(body)):
        return False
    words = [w.strip("\"'“”‘’()[],.;:!?—–-") for w in body.split()[1:]]
    return any(w[:1].isupper() and w.lower() not in _NOT_NAMES for w in words)


# ---- selection ------------------------------------------------------------------------------------------


def _stem(word: str) -> str:
    """A light, dependency-free suffix stripper: enough to match 'tribes'/'tribe', 'voted'/'voting'."""
    if len(word) <= 4:
        return word
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("ches", "ch"), ("shes", "sh"), ("xes", "x"), ("ing", ""),
                         ("ed", "")):  # fmt: skip
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + keep
    return word[:-1] if word.endswith("s") and not word.endswith(("ss", "us", "is")) else word


@lru_cache(maxsize=8192)  # an article's sentences are weighed for its event's summary, then for its story's
def _terms(text: str) -> tuple[str, ...]:
    return tuple(_stem(w) for w in (m.group().lower() for m in _WORD.finditer(text)))


def _concepts(terms: Sequence[str]) -> set[tuple[str, str]]:
    return {(a, b) for a, b in pairwise(terms) if not (a in STOP_WORDS and b in STOP_WORDS)}


def _content(terms: Sequence[str]) -> set[str]:
    return {t for t in terms if t not in STOP_WORDS and len(t) > 1}


@lru_cache(maxsize=8192)
def _suitable(text: str, n_words: int) -> bool:
    if not MIN_WORDS <= n_words <= MAX_WORDS or text.rstrip().endswith(("?", ":", ";", ",")):
        return False  # a question, or a heading or lead-in to what follows ("Xi then said:")
    if _ENDS_IN_CODE.search(text) or not _ENDED.search(text):
        return False  # a heading, a bare dateline ("NAIROBI, January 24 (Xinhua) --") or a cut-off line
    body = _DATELINE.sub("", clean(text)).lstrip()
    if body.startswith(_QUOTE_OPEN) or not body[:1].isupper() or _LINK.search(body) or _WIRE.search(body):
        return False
    if (body.count('"') + body.count("''") + body.count("``")) % 2 or body.count("“") != body.count("”"):
        return False  # a piece of a quotation that spans sentences
    first = body.split(maxsplit=1)[0].lower().strip(",.;:")
    if first in _CONTEXT_OPENERS or _DEICTIC.search(body):
        return False  # leans on what came before, or on its article's date ("tomorrow", "this week")
    letters = [c for c in body if c.isalpha()]
    return sum(c.isupper() for c in letters) < 0.5 * len(letters)  # not a headline in capitals


def clean(text: str) -> str:
    """``text`` without wire codes, on one line."""
    return " ".join(_CODE.sub(" ", text).split())


def usable(text: str) -> bool:
    """Whether a sentence can be chosen for a summary at all; only these are embedded and weighed."""
    return _suitable(text, len(text.split()))


def quote_interiors(texts: Sequence[str], breaks: Sequence[bool] | None = None) -> list[bool]:
    """Which of an article's sentences (in order) begin inside a quotation an earlier sentence opened.

    "I am grateful. Thankfully, she is home. We will go on," Putin said: the middle sentence is the
    speaker's, not the news's. A quotation continued into a new paragraph reopens with a mark (news
    style), so a paragraph break (``breaks[i]``: sentence i opens a paragraph) that does not reopen one
    ends it; so does ``_QUOTE_REACH`` sentences without a mark, in case a stray mark was never closed.
    """
    found = []
    open_, quiet = False, 0
    for i, text in enumerate(texts):
        body = text.lstrip()
        reopens = body.startswith(('"', "“", "``"))
        if open_ and not reopens and ((breaks is not None and breaks[i]) or quiet >= _QUOTE_REACH):
            open_ = False
        found.append(open_ and not reopens)
        marks = _MARK.findall(body)
        if reopens and open_:
            marks = marks[1:]  # the mark that continues the open quotation
        for mark in marks:
            open_ = mark in ("“", "``") or (mark == '"' and not open_)
        quiet = 0 if marks or reopens else quiet + 1
    return found


_QUOTE_REACH = 4
_MARK = re.compile(r'"|“|”|``|\'\'')


def embedded(texts: Sequence[str], quoted: Sequence[bool] | None = None) -> list[int]:
    """Which of an article's sentences (``texts``, in order) get a vector and can be chosen: its first
    ``EMBEDDED`` usable ones that do not begin inside a quotation (``quoted``, see ``quote_interiors``: the
    speaker's words, never chosen), or its first three when there are none."""
    found = [i for i, text in enumerate(texts) if usable(text) and not (quoted and quoted[i])][:EMBEDDED]
    return found or list(range(min(3, len(texts))))


def _candidates(units: Sequence[Unit], words: list[int], max_words: int | None) -> list[int]:
    seen: set[str] = set()
    found = []
    for i, u in enumerate(units):
        key = " ".join(u.text.lower().split())
        if (
            key in seen
            or u.quoted
            or (max_words is not None and words[i] > max_words)
            or not _suitable(u.text, words[i])
        ):
            continue
        seen.add(key)  # a reprinted sentence is one candidate (its copies are cited)
        found.append(i)
    return found


def _select(
    units: Sequence[Unit],
    vectors: np.ndarray,
    similarity: np.ndarray,
    words: list[int],
    terms: list[tuple[str, ...]],
    candidates: list[int],
    max_words: int | None,
    max_sentences: int | None,
    query: str | None,
    query_vector: np.ndarray | None,
    first: Sequence[set[int]] = (),
) -> list[int]:
    """Greedy choice of sentences; the k-th pick is made among ``first[k]`` (forced openers), when any fits."""
    groups: dict[str, set[int]] = defaultdict(set)
    for i, u in enumerate(units):
        groups[u.group].add(i)
    # Each reprint group weighs one, however many copies and sentences it has.
    weight = np.zeros(len(units), dtype=np.float32)
    for members in groups.values():
        articles = {units[i].article_id for i in members}
        for i in members:
            weight[i] = 1.0 / len(articles)
    # Concepts weighted by the number of independent groups stating them.
    support: dict[tuple[str, str], set[str]] = defaultdict(set)
    concepts = [_concepts(t) for t in terms]
    for i, found in enumerate(concepts):
        for c in found:
            support[c].add(units[i].group)
    floor = 2 if len(groups) >= 5 else 1  # in a handful of articles, one source is evidence enough
    query_terms = _content(_terms(query)) if query else set()
    value = {}
    for c, by in support.items():
        if len(by) >= floor:
            value[c] = float(len(by))
    total_value = sum(value.values()) or 1.0
    # Gain multipliers: centrality over the groups' centroids, lead prior, query relevance.
    centroid = np.zeros(vectors.shape[1], dtype=np.float32)
    for members in groups.values():
        centroid += vectors[sorted(members)].mean(axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
    multiplier = 1.0 + CENTRALITY * np.clip(vectors @ centroid, 0.0, None)
    multiplier *= 1.0 + LEAD / (1.0 + np.array([u.position for u in units], dtype=np.float32))
    relevance = None
    if query_vector is not None:
        q = np.asarray(query_vector, dtype=np.float32).ravel()
        relevance = np.clip(vectors @ (q / max(float(np.linalg.norm(q)), 1e-9)), 0.0, None)
    elif query_terms:
        relevance = np.array([len(query_terms & _content(t)) / len(query_terms) for t in terms], dtype=np.float32)
    if relevance is not None:  # prefer relevant sentences, and covering what relevant sentences say
        multiplier *= 1.0 + QUERY * relevance
        weight *= 1.0 + QUERY * relevance
    # Semantic coverage (Lin & Bilmes): how well the summary represents each sentence, capped.
    positive = np.clip(similarity, 0.0, None)
    cap = COVERAGE_CAP * positive.sum(axis=1)
    covered = np.zeros(len(units), dtype=np.float32)
    semantic_total = float((weight * cap).sum()) or 1.0

    chosen: list[int] = []
    taken: set[tuple[str, str]] = set()
    used = 0
    pool = list(candidates)
    forced = list(first)
    while pool and (max_sentences is None or len(chosen) < max_sentences):
        best, best_gain = -1, 0.0
        fits = [i for i in pool if max_words is None or used + words[i] <= max_words]
        if not fits:
            break
        opening = forced.pop(0) if forced else None
        allowed = fits if opening is None else [i for i in fits if i in opening]
        if not allowed:
            continue
        sem = np.minimum(covered[:, None] + positive[:, allowed], cap[:, None]).T @ weight  # one row per sentence
        sem_gain = (sem - float(weight @ np.minimum(covered, cap))) / semantic_total
        for k, i in enumerate(allowed):
            concept_gain = sum(value.get(c, 0.0) for c in concepts[i] - taken) / total_value
            gain = (concept_gain + SEMANTIC * float(sem_gain[k])) * float(multiplier[i]) / words[i] ** LENGTH_POWER
            if gain > best_gain:
                best, best_gain = i, gain
        if best < 0:
            if opening is not None:
                continue  # no forced opener gains anything: pick freely
            break
        chosen.append(best)
        used += words[best]
        taken |= concepts[best]
        covered = np.minimum(covered + positive[:, best], cap)
        pool = [i for i in fits if i != best and similarity[i, best] < REDUNDANT]
    return chosen


# ---- citations, order, disagreements -------------------------------------------------------------------


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _values(text: str) -> dict[str, set[str]]:
    """Dates, places and speakers a sentence states, normalized for comparison (numbers: ``_same_count``)."""
    dates = {" ".join(m.group().lower().replace(",", "").split()) for m in _DATE.finditer(text)}
    places = {m.group(1).strip() for m in _PLACE.finditer(text)}
    speakers = {(m.group(1) or m.group(2)).strip() for m in _SPEAKER.finditer(text)}
    return {"number": set(), "date": dates, "place": places, "speaker": speakers}


def _counts(text: str) -> list[tuple[str, set[str]]]:
    """Each number with the stems of the (up to three) words after it: what it counts."""
    found = []
    dates = [d.span() for d in _DATE.finditer(text)]
    for m in _NUMBER.finditer(text):
        if _YEAR.fullmatch(m.group()) or any(a <= m.start() < b for a, b in dates):  # part of a date
            continue
        after = _terms(text[m.end() : m.end() + 40])[:3]
        found.append((m.group().lower().replace(",", ""), {w for w in after if w not in STOP_WORDS}))
    return found


def _same_count(one: str, other: str) -> tuple[set[str], set[str]]:
    """The numbers of two sentences that count a thing both count."""
    mine, theirs = _counts(one), _counts(other)
    a = {v for v, what in mine if any(what & w for _, w in theirs)}
    b = {v for v, what in theirs if any(what & w for _, w in mine)}
    return a, b


def _outlet(unit: Unit) -> str:
    return unit.source or unit.article_id


def _cite(units: Sequence[Unit], ids: Sequence[int]) -> tuple[Citation, ...]:
    seen: dict[tuple[str, int], None] = {}
    for i in ids:
        seen.setdefault((units[i].article_id, units[i].index), None)
    return tuple(Citation(a, s) for a, s in seen)


def _order(
    units: Sequence[Unit], similarity: np.ndarray, content: list[set[str]], chosen: list[int], opens: set[int]
) -> list[tuple[datetime, int, list[int]]]:
    """The chosen sentences in reading order, each as (earliest citing article's time, index, units cited).

    Chronological by the earliest citing article, then by position; among the sentences of the earliest
    time, the first self-contained one (in ``opens``) moves to the front.
    """
    entries = []
    for i in chosen:
        same = [i]
        for j, u in enumerate(units):
            if u.article_id == units[i].article_id or j == i or u.event != units[i].event:
                continue  # the same words about another event (two summits' late nights) are another statement
            if similarity[i, j] >= PARAPHRASE or _dice(content[i], content[j]) >= OVERLAP:
                same.append(j)
        cited: dict[str, int] = {}
        for j in sorted(same[1:], key=lambda j: (-similarity[i, j], j)):
            cited.setdefault(units[j].article_id, j)  # one sentence per article: its closest
        ids = [i, *cited.values()]
        earliest = min((_naive(p) for j in ids if (p := units[j].published) is not None), default=None)
        entries.append((earliest or datetime.max, units[i].position, units[i].article_id, i, ids))
    entries.sort(key=lambda e: (e[0], e[1], e[2]))
    order = [(when, i, ids) for when, _, _, i, ids in entries]
    if order:
        first = [k for k, (when, _, _) in enumerate(order) if when == order[0][0]]
        opener = next((k for k in first if order[k][1] in opens), first[0])
        order.insert(0, order.pop(opener))
    return order


def _write(
    units: Sequence[Unit], similarity: np.ndarray, content: list[set[str]], order: list[tuple[datetime, int, list[int]]]
) -> list[SummarySentence]:
    summary = []
    for _, i, ids in order:
        text = _DATELINE.sub("", clean(units[i].text)).strip()
        summary.append(SummarySentence(text[:1].upper() + text[1:], _cite(units, ids)))
        note = _disagreement(units, similarity, content, i)
        if note:
            summary.append(note)
    return summary


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def _disagreement(
    units: Sequence[Unit], similarity: np.ndarray, content: list[set[str]], i: int
) -> SummarySentence | None:
    """A note when a paraphrase of units[i] from another source states a different value."""
    mine = _values(units[i].text)
    for j in np.argsort(-similarity[i], kind="stable"):
        j = int(j)
        if similarity[i, j] < DISAGREE:
            break
        if (
            units[j].group == units[i].group
            or _outlet(units[j]) == _outlet(units[i])
            or units[j].event != units[i].event
        ):
            continue
        theirs = _values(units[j].text)
        for kind in ("number", "date", "place", "speaker"):
            a, b = mine[kind], theirs[kind]
            if kind == "number":  # only numbers that count the same thing ("40 homes", "45 homes")
                a, b = _same_count(units[i].text, units[j].text)
            if not a or not b or a == b or (a & b):
                continue
            if _mentions(units[j].text, a) or _mentions(units[i].text, b):
                continue  # one sentence names the other's value too ("from Brooklyn to The Hague")
            shared = {w for w in content[i] & content[j] if not any(w in v.lower() for v in a | b)}
            if _dice(content[i], content[j]) < 0.4 or len(shared) < 3:
                continue
            text = (
                f"Sources differ on the {kind}: {_outlet(units[i])} gives {_join(a)}, "
                f"while {_outlet(units[j])} gives {_join(b)}."
            )
            return SummarySentence(text, _cite(units, [i, j]), kind="disagreement")
    return None


def _mentions(text: str, values: set[str]) -> bool:
    """Whether ``text`` names any of ``values`` anywhere (not only where ``_values`` looks)."""
    folded = text.casefold()
    return any(re.search(rf"\b{re.escape(v.casefold())}\b", folded) for v in values)


def _join(values: set[str]) -> str:
    return " and ".join(f'"{v}"' for v in sorted(values))
