"""Search over articles and quotes: BM25 full text (bm25s) fused with semantic search on the article vectors.

``Workspace.search(query)`` builds the index on first use and keeps it until the store changes.

DuckDB's ``fts`` extension is downloaded on first use, which an offline machine cannot do, so the lexical
index is built in memory with bm25s from the store's text. Article rankings from both methods are fused by
reciprocal rank; quotes are ranked by BM25 alone (the store keeps no quote vectors).
"""

from __future__ import annotations

import re

import bm25s
import numpy as np

from storyline.store import Store
from storyline.views import ArticleHit, QuoteHit, SearchResults

_WORD = re.compile(r"\w+", re.UNICODE)
_STOP = frozenset(
    "a an and are as at be but by for from has have he her his in is it its of on or she that the their they "
    "this to was were will with".split()
)
_RRF = 60  # the usual reciprocal-rank-fusion constant
_CANDIDATES = 100
_MIN_COSINE = 0.25  # semantic matches weaker than this are noise for short queries


def tokens(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in _STOP]


class _Lexical:
    def __init__(self, docs: list[tuple[str, str]]) -> None:
        self.ids = [d[0] for d in docs]
        self.bm25: bm25s.BM25 | None = None
        if docs:
            self.bm25 = bm25s.BM25()
            self.bm25.index([tokens(text) or ["_"] for _, text in docs], show_progress=False)

    def top(self, words: list[str], k: int) -> list[tuple[str, float]]:
        if self.bm25 is None or not words:
            return []
        found, scores = self.bm25.retrieve([words], k=min(k, len(self.ids)), show_progress=False)
        return [(self.ids[int(i)], float(s)) for i, s in zip(found[0], scores[0], strict=True) if s > 0]


class SearchIndex:
    """Everything search needs, built once per store generation."""

    def __init__(self, store: Store, threads: int = 0) -> None:
        self.articles = _Lexical(store.search_articles())
        self.quotes = _Lexical(store.search_quotes())
        self.vector_ids, self.vectors = store.article_vectors()
        self.threads = threads  # the embedder's (Settings.embed_threads)

    def semantic(self, query: str, k: int) -> list[tuple[str, float]]:
        if not self.vector_ids:
            return []
        from storyline.analyze.embed import embedder

        vector = embedder(self.threads).encode([query])[0]
        sims = self.vectors @ np.asarray(vector, dtype=np.float32)
        best = np.argsort(-sims)[:k]
        return [(self.vector_ids[int(i)], float(sims[i])) for i in best if sims[i] >= _MIN_COSINE]

    def search(self, store: Store, query: str, limit: int = 20) -> SearchResults:
        """The ``limit`` best articles (words and meaning, fused by reciprocal rank) and quotes (words)."""
        words = tokens(query)
        lexical = self.articles.top(words, _CANDIDATES)
        semantic = self.semantic(query, _CANDIDATES) if query.strip() else []
        fused: dict[str, float] = {}
        how: dict[str, set[str]] = {}
        for label, ranking in (("words", lexical), ("meaning", semantic)):
            for rank, (article_id, _) in enumerate(ranking):
                fused[article_id] = fused.get(article_id, 0.0) + 1.0 / (_RRF + rank + 1)
                how.setdefault(article_id, set()).add(label)
        ranked = sorted(fused, key=lambda a: (-fused[a], a))[:limit]
        articles = store.articles_by_ids(ranked)
        hits = tuple(
            ArticleHit(
                a.id,
                a.title,
                a.source,
                a.published,
                snippet(a.text, words),
                fused[a.id],
                " and ".join(x for x in ("words", "meaning") if x in how[a.id]),
            )
            for a in articles
        )
        quote_ids = [q for q, _ in self.quotes.top(words, limit)]
        rows = store.quotes_by_ids(quote_ids)
        meta = store.article_meta([r[1] for r in rows])
        quotes = tuple(
            QuoteHit(*r, meta[r[1]].title if r[1] in meta else None, meta[r[1]].source if r[1] in meta else None)
            for r in rows
        )
        return SearchResults(query, hits, quotes)


def snippet(text: str, words: list[str], width: int = 260) -> tuple[tuple[str, bool], ...]:
    """A window of ``text`` around the first query word, split into (text, matches) pieces."""
    wanted = set(words)
    matches = [m for m in _WORD.finditer(text) if m.group().lower() in wanted]
    start = max(0, matches[0].start() - width // 3) if matches else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    window = text[start:end]
    pieces: list[tuple[str, bool]] = [("…", False)] if start else []
    cursor = 0
    for m in _WORD.finditer(window):
        if m.group().lower() in wanted:
            if m.start() > cursor:
                pieces.append((window[cursor : m.start()], False))
            pieces.append((m.group(), True))
            cursor = m.end()
    pieces.append((window[cursor:], False))
    if end < len(text):
        pieces.append(("…", False))
    return tuple(p for p in pieces if p[0])
