"""One article's analysis: sentences, names, titles, quotes and dates from its spaCy parse."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from spacy.tokens import Doc

from storyline.analyze.actions import find_actions
from storyline.analyze.entities import find_entities
from storyline.analyze.quotes import find_quotes
from storyline.analyze.times import find_times
from storyline.model import Analysis, Article, Sentence

ANALYSIS_VERSION = 6  # bump when a change to analysis should re-run on stored articles


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
