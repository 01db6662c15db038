"""Reads for the web reader and search: story cards, entity labels, mentions, co-occurrence, search corpora."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import numpy as np

from storyline.model import Quote, QuoteKind


@dataclass(frozen=True)
class CardRow:
    """What a list of stories shows of one story, read in one query (views.StoryCard adds entity names)."""

    id: str
    title: str
    first: datetime | None
    last: datetime | None
    sources: tuple[str, ...]
    independent: int
    entities: tuple[str, ...]  # ids, most central first
    articles: int
    events: int
    updated: datetime | None  # the latest ingest among its articles


@dataclass(frozen=True)
class MentionSpan:
    """A name in an article with the entity it is linked to."""

    start: int
    end: int
    text: str
    type: str
    entity_id: str | None


class SearchReads:
    """Mixed into Store: reads the web reader and search need (``self._con`` is the DuckDB connection)."""

    _con: duckdb.DuckDBPyConnection

    def story_cards(self, ids: Sequence[str] | None = None) -> list[CardRow]:
        """Every story (or those with these ids), most recent first, with counts of its articles and events."""
        where, params = ("WHERE s.id IN (SELECT unnest(?)) ", [list(ids)]) if ids is not None else ("", [])
        rows = self._con.execute(
            "SELECT s.id, s.title, s.first, s.last, s.sources, s.independent, s.entities, "
            "count(DISTINCT x.article_id), count(DISTINCT e.id), max(a.ingested_at) "
            "FROM stories s LEFT JOIN events e ON e.story_id = s.id "
            "LEFT JOIN event_articles x ON x.event_id = e.id LEFT JOIN articles a ON a.id = x.article_id "
            + where
            + "GROUP BY ALL ORDER BY s.last DESC NULLS LAST, s.id",
            params,
        ).fetchall()
        return [
            CardRow(r[0], r[1], r[2], r[3], tuple(r[4] or ()), int(r[5]), tuple(r[6] or ()), r[7], r[8], r[9])
            for r in rows
        ]

    def entity_labels(self, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """Entity id -> (name, type)."""
        rows = self._con.execute(
            "SELECT id, name, type FROM entities WHERE id IN (SELECT unnest(?))", [list(ids)]
        ).fetchall()
        return {r[0]: (r[1], r[2]) for r in rows}

    def mention_spans(self, article_id: str) -> list[MentionSpan]:
        rows = self._con.execute(
            "SELECT m.start_char, m.end_char, m.text, m.type, n.entity_id FROM mentions m "
            "LEFT JOIN entity_names n ON n.type = m.type AND n.name = m.name "
            "WHERE m.article_id = ? ORDER BY m.start_char",
            [article_id],
        ).fetchall()
        return [MentionSpan(*r) for r in rows]

    def quotes_in(self, ids: Sequence[str]) -> list[Quote]:
        """The quotes of these articles, with their speakers' entities, by article and position."""
        rows = self._con.execute(
            "SELECT q.id, q.article_id, q.start_char, q.end_char, q.text, q.kind, q.cue, q.speaker, "
            "q.speaker_start, q.speaker_end, n.entity_id, q.speaker_confidence FROM quotes q "
            "LEFT JOIN mentions m ON m.article_id = q.article_id AND m.start_char = q.speaker_start "
            "LEFT JOIN entity_names n ON n.type = m.type AND n.name = m.name "
            "WHERE q.article_id IN (SELECT unnest(?)) ORDER BY q.article_id, q.start_char",
            [list(ids)],
        ).fetchall()
        return [
            Quote(r[1], r[2], r[3], r[4], QuoteKind(r[5]), r[6], r[7], r[8], r[9], r[10], r[0], r[11] or 0.0)
            for r in rows
        ]

    def stories_of_articles(self, ids: Sequence[str]) -> dict[str, str]:
        """Article id -> the id of the story it belongs to."""
        rows = self._con.execute(
            "SELECT x.article_id, e.story_id FROM event_articles x JOIN events e ON e.id = x.event_id "
            "WHERE x.article_id IN (SELECT unnest(?))",
            [list(ids)],
        ).fetchall()
        return {r[0]: r[1] for r in rows}

    def cooccurring(self, entity_id: str, limit: int = 15) -> list[tuple[str, str, str, int]]:
        """(id, name, type, shared articles) of the entities named most often in the same articles."""
        rows = self._con.execute(
            "WITH mine AS (SELECT DISTINCT m.article_id FROM mentions m "
            "  JOIN entity_names n ON n.type = m.type AND n.name = m.name WHERE n.entity_id = ?) "
            "SELECT e.id, e.name, e.type, count(DISTINCT m.article_id) AS shared FROM mentions m "
            "JOIN mine USING (article_id) JOIN entity_names n ON n.type = m.type AND n.name = m.name "
            "JOIN entities e ON e.id = n.entity_id WHERE e.id <> ? "
            "GROUP BY e.id, e.name, e.type, e.mentions ORDER BY shared DESC, e.mentions DESC, e.id LIMIT ?",
            [entity_id, entity_id, limit],
        ).fetchall()
        return [(r[0], r[1], r[2], int(r[3])) for r in rows]

    def sources(self) -> list[str]:
        """Every outlet named by a stored article, alphabetically."""
        rows = self._con.execute("SELECT DISTINCT source FROM articles WHERE source IS NOT NULL ORDER BY 1")
        return [r[0] for r in rows.fetchall()]

    # -- search corpora ----------------------------------------------------------------------------

    def search_state(self) -> tuple[Any, ...]:
        """A fingerprint of what the search index is built from (articles, quotes, article vectors): it
        changes whenever one of them does."""
        row = self._con.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT max(ingested_at) FROM articles), "
            "(SELECT count(*) FROM quotes), (SELECT bit_xor(hash(id, text, speaker)) FROM quotes), "
            "(SELECT count(*) FROM article_features), (SELECT bit_xor(hash(article_id)) FROM article_features)"
        ).fetchone()
        return tuple(row) if row else ()

    def search_articles(self) -> list[tuple[str, str]]:
        """(id, title + text) of every article, for the full-text index."""
        rows = self._con.execute("SELECT id, concat_ws(' ', title, dek, text) FROM articles ORDER BY id")
        return [(r[0], r[1]) for r in rows.fetchall()]

    def search_quotes(self) -> list[tuple[str, str]]:
        """(quote id, speaker + quoted words) of every quote, for the full-text index."""
        rows = self._con.execute("SELECT id, concat_ws(' ', speaker, text) FROM quotes ORDER BY id")
        return [(r[0], r[1]) for r in rows.fetchall()]

    def quotes_by_ids(self, ids: Sequence[str]) -> list[tuple[str, str, str, str | None, str]]:
        """(id, article id, text, speaker, kind) of these quotes, in the order of ``ids``."""
        rows = self._con.execute(
            "SELECT id, article_id, text, speaker, kind FROM quotes WHERE id IN (SELECT unnest(?))", [list(ids)]
        ).fetchall()
        found = {r[0]: (r[0], r[1], r[2], r[3], r[4]) for r in rows}
        return [found[i] for i in ids if i in found]

    def article_vectors(self) -> tuple[list[str], np.ndarray]:
        """Ids and the matrix of stored article vectors (unit length, one row each)."""
        rows = self._con.execute("SELECT article_id, vector FROM article_features ORDER BY article_id").fetchall()
        if not rows:
            return [], np.zeros((0, 384), dtype=np.float32)
        return [r[0] for r in rows], np.asarray([r[1] for r in rows], dtype=np.float32)
