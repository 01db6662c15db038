"""One article's analysis: sentences, names, titles, quotes and dates from its spaCy parse; many articles' in
worker processes that parse and analyze, so only the small results travel back."""

from __future__ import annotations

import hashlib
import multiprocessing
import re
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from itertools import islice
from pathlib import Path

from spacy.tokens import Doc

from storyline.analyze import nlp
from storyline.analyze.actions import find_actions
from storyline.analyze.entities import find_entities
from storyline.analyze.quotes import find_quotes
from storyline.analyze.times import find_times
from storyline.model import Analysis, Article, Sentence

ANALYSIS_VERSION = 6  # bump when a change to analysis should re-run on stored articles
BATCH = 32  # articles a worker parses and analyzes at a time
AHEAD = 2  # batches sent ahead to each worker: enough to keep it busy, few enough to bound memory


def analyze_doc(doc: Doc, article: Article) -> Analysis:
    """Everything analysis finds in ``article``, whose parse is ``doc`` (``doc.text == article.text``)."""
    sentences = tuple(
        Sentence(article.id, i, s.start_char, s.start_char + len(s.text.rstrip()), s.text.rstrip())
        for i, s in enumerate(doc.sents)
        if s.text.strip()
    )
    found = find_entities(doc, article.id)
    quotes = tuple(
        replace(q, id=quote_id(article.id, q.start, q.end)) for q in find_quotes(doc, article.id, article.author)
    )
    times = tuple(find_times(doc, article.published, article.id))
    published = article.published.date().isoformat() if article.published else None
    actions = tuple(find_actions(doc, article.id, found.mentions, found.titles, quotes, times, published))
    return Analysis(article.id, sentences, tuple(found.mentions), tuple(found.titles), quotes, times, actions)


def quote_id(article_id: str, start: int, end: int) -> str:
    return "q" + hashlib.sha1(f"{article_id}:{start}:{end}".encode()).hexdigest()[:12]


def analyze_batch(articles: list[Article]) -> list[Analysis | str]:
    """Parse and analyze ``articles``, in order; an article that fails gets the reason instead of its analysis."""
    pipeline = nlp.load_nlp()
    try:
        docs = list(pipeline.pipe((a.text for a in articles), batch_size=BATCH))
    except Exception:  # one text the parser cannot take: parse one by one, so only it fails
        if len(articles) == 1:
            raise
        return [result for article in articles for result in _one(article)]
    return [_analyze(doc, article) for doc, article in zip(docs, articles, strict=True)]


def _one(article: Article) -> list[Analysis | str]:
    try:
        return analyze_batch([article])
    except Exception as exc:
        return [_failure(exc)]


def _analyze(doc: Doc, article: Article) -> Analysis | str:
    try:
        return analyze_doc(doc, article)
    except Exception as exc:  # one article's failure must not stop the run: its reason is recorded
        return _failure(exc)


def _failure(exc: Exception) -> str:
    return f"analysis failed: {type(exc).__name__}: {exc}"


def analyze_articles(articles: Iterable[Article], processes: int = 1) -> Iterator[tuple[Article, Analysis | str]]:
    """Each article with its analysis (or why it failed), in order, articles read lazily.

    With ``processes`` > 1, that many worker processes (see ``start_method``) each parse and analyze a batch
    at a time and send back only the analyses, not the parses; at most ``AHEAD`` batches per worker wait, so
    memory does not grow with the number of articles.
    """
    batches = _batches(iter(articles), BATCH)
    if processes <= 1:
        for batch in batches:
            yield from zip(batch, analyze_batch(batch), strict=True)
        return
    context = multiprocessing.get_context(start_method())
    with ProcessPoolExecutor(processes, mp_context=context, initializer=_start_worker) as pool:
        waiting: deque[tuple[list[Article], Future[list[Analysis | str]]]] = deque()
        for batch in batches:
            waiting.append((batch, pool.submit(analyze_batch, batch)))
            if len(waiting) >= AHEAD * processes:
                done, results = waiting.popleft()
                yield from zip(done, results.result(), strict=True)
        while waiting:
            done, results = waiting.popleft()
            yield from zip(done, results.result(), strict=True)


_GUARD = re.compile(r"""^if\s+__name__\s*==\s*["']__main__["']\s*:""", re.MULTILINE)


def start_method() -> str:
    """How worker processes start: "spawn" (fresh processes that hold only the model, about 110 MiB less
    each than a fork of the caller) when they can re-import the caller's main module safely (no main file,
    ``python -m``, or a script with a ``__main__`` guard); else "fork", as spaCy's own ``n_process`` does."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    spec = getattr(main, "__spec__", None)
    if path is None or (spec is not None and spec.name.endswith("__main__")):
        return "spawn"
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "fork"
    return "spawn" if _GUARD.search(text) else "fork"


def _start_worker() -> None:
    nlp.load_nlp()


def _batches(items: Iterator[Article], size: int) -> Iterator[list[Article]]:
    while batch := list(islice(items, size)):
        yield batch
