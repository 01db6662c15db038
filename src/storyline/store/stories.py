"""Reads and writes of the story tables: features, reprints, assignments, events, stories, summaries."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import duckdb
import numpy as np

from storyline.model import (
    Citation,
    Event,
    Granularity,
    Sentence,
    Story,
    SummarySentence,
    TimeExpression,
    TimelineEntry,
    TimexType,
)
from storyline.stories.features import MODEL_ID, Features

MAIN_ENTITIES = 8  # entities listed per story
# The entities most of a story's articles mention (people and organizations first on ties), per story.
_MAIN_ENTITIES = """
UPDATE stories SET entities = ranked.ids FROM (
    WITH counts AS (
        SELECT e.story_id, n.entity_id, count(DISTINCT m.article_id) AS articles,
               max(CASE WHEN m.type IN ('PERSON', 'ORG') THEN 1 ELSE 0 END) AS actor, count(*) AS mentions
        FROM event_articles x
        JOIN events e ON e.id = x.event_id
        JOIN mentions m ON m.article_id = x.article_id
        JOIN entity_names n ON n.type = m.type AND n.name = m.name
        GROUP BY 1, 2
    ), ordered AS (
        SELECT *, row_number() OVER (
            PARTITION BY story_id ORDER BY articles DESC, actor DESC, mentions DESC, entity_id
        ) AS rank
        FROM counts
    )
    SELECT story_id, list(entity_id ORDER BY rank) AS ids FROM ordered WHERE rank <= ? GROUP BY story_id
) ranked
WHERE stories.id = ranked.story_id
"""

_PENDING = """
SELECT EXISTS (SELECT 1 FROM articles a ANTI JOIN (SELECT article_id FROM analyses WHERE status <> 'failed') x
               ON x.article_id = a.id)
    OR EXISTS (SELECT 1 FROM analyses s LEFT JOIN article_features f ON f.article_id = s.article_id
               WHERE s.status = 'done' AND (f.article_id IS NULL OR f.terms IS NULL))
    OR EXISTS (SELECT 1 FROM article_features ANTI JOIN (SELECT DISTINCT article_id FROM lsh_bands) b
               USING (article_id))
    OR EXISTS (SELECT 1 FROM article_features ANTI JOIN assignments USING (article_id))
    OR EXISTS (SELECT 1 FROM assignments ANTI JOIN event_articles USING (article_id))
    OR EXISTS (SELECT 1 FROM (SELECT id, fingerprint FROM events UNION ALL SELECT id, fingerprint FROM stories) o
               ANTI JOIN (SELECT DISTINCT owner, fingerprint FROM summaries) s
               ON s.owner = o.id AND s.fingerprint = o.fingerprint)
"""


class StoryTables:
    """Mixed into Store: ``self._con`` is the DuckDB connection, ``self._transaction()`` a transaction."""

    _con: duckdb.DuckDBPyConnection

    def _transaction(self) -> Any: ...

    _insert: Callable[[str, list[tuple[Any, ...]]], None]  # AnalysisTables._insert

    def pending_work(self) -> bool:
        """Whether any stage has work left: articles not analyzed (or failed), analyzed without features,
        not in the reprint index, not placed, placed outside every event, or an event or story whose summary
        was written for other members. A run (or ``update_after_ingest``) does it all."""
        row = self._con.execute(_PENDING).fetchone()
        return bool(row and row[0])

    # -- features ----------------------------------------------------------------------------------

    def pending_features(self) -> list[str]:
        """Ids of analyzed articles without features (or without schema 5's topic terms), in clustering order."""
        rows = self._con.execute(
            "SELECT a.id FROM articles a JOIN analyses s ON s.article_id = a.id AND s.status = 'done' "
            "LEFT JOIN article_features f ON f.article_id = a.id WHERE f.article_id IS NULL OR f.terms IS NULL "
            "ORDER BY coalesce(a.published, a.ingested_at), a.id"
        ).fetchall()
        return [r[0] for r in rows]

    def feature_inputs(self, ids: Sequence[str]) -> list[tuple[str, datetime, str | None, str, list[tuple[str, str]]]]:
        """(id, clustering time, title, text, [(type, name) mentions]) of these articles."""
        rows = self._con.execute(
            "SELECT a.id, coalesce(a.published, a.ingested_at), a.title, a.text, "
            "coalesce((SELECT list(struct_pack(t := m.type, n := m.name) ORDER BY m.start_char) "
            "          FROM mentions m WHERE m.article_id = a.id), []) "
            "FROM articles a WHERE a.id IN (SELECT unnest(?)) ORDER BY a.id",
            [list(ids)],
        ).fetchall()
        return [(r[0], r[1], r[2], r[3], [(m["t"], m["n"]) for m in r[4]]) for r in rows]

    def save_features(self, features: Sequence[Features]) -> None:
        rows = [
            (
                f.article_id,
                f.t,
                MODEL_ID,
                f.vector.tolist(),
                list(f.keys),
                list(f.weights),
                f.signature.tolist(),
                f.terms.tolist(),
                f.term_weights.tolist(),
            )
            for f in features
        ]
        with self._transaction():
            self._con.execute(
                "DELETE FROM article_features WHERE article_id IN (SELECT unnest(?))",
                [[f.article_id for f in features]],
            )
            self._insert("article_features", rows)

    def features(self, where: str = "", params: Sequence[Any] = ()) -> list[Features]:
        """Stored features (``where`` is a condition on table alias ``f``), in clustering order.

        Read column-wise with ``fetchnumpy``: 20x faster than row tuples for the vector column.
        """
        cols = self._con.execute(
            f"SELECT article_id, epoch_us(t) AS us, vector, keys, weights, signature, "
            f"coalesce(terms, []) AS terms, coalesce(term_weights, []) AS term_weights FROM article_features f "
            f"{'WHERE ' + where if where else ''} ORDER BY t, article_id",
            list(params),
        ).fetchnumpy()
        return [
            Features(
                article_id,
                _utc(us),
                vector,
                tuple(keys.tolist()),
                tuple(weights.tolist()),
                signature,
                terms.astype(np.uint32),
                term_weights.astype(np.float32),
            )
            for article_id, us, vector, keys, weights, signature, terms, term_weights in zip(
                cols["article_id"],
                cols["us"],
                cols["vector"],
                cols["keys"],
                cols["weights"],
                cols["signature"],
                cols["terms"],
                cols["term_weights"],
                strict=True,
            )
        ]

    # -- reprints ----------------------------------------------------------------------------------

    def reprints(self) -> dict[str, str]:
        """Copy id -> the id of the original it reprints."""
        rows = self._con.execute("SELECT article_id, original_id FROM reprints").fetchall()
        return {r[0]: r[1] for r in rows}

    def unbanded(self) -> list[str]:
        """Articles with features that the reprint index does not hold yet."""
        rows = self._con.execute(
            "SELECT article_id FROM article_features ANTI JOIN (SELECT DISTINCT article_id FROM lsh_bands) b "
            "USING (article_id) ORDER BY article_id"
        ).fetchall()
        return [r[0] for r in rows]

    def reprint_candidates(self, bands: Sequence[tuple[str, int]]) -> list[tuple[str, str]]:
        """Index the LSH band keys of new articles; the pairs (new article, any article) that share one."""
        ids = sorted({a for a, _ in bands})
        with self._transaction():
            self._insert("lsh_bands", [(key, a) for a, key in bands])
        rows = self._con.execute(
            "SELECT DISTINCT n.article_id, o.article_id FROM lsh_bands n "
            "JOIN lsh_bands o ON o.band_key = n.band_key AND o.article_id <> n.article_id "
            "WHERE n.article_id IN (SELECT unnest(?))",
            [ids],
        ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def signatures_of(self, ids: Sequence[str]) -> dict[str, tuple[tuple[datetime, str], np.ndarray]]:
        cols = self._con.execute(
            "SELECT article_id, epoch_us(t) AS us, signature FROM article_features "
            "WHERE article_id IN (SELECT unnest(?))",
            [list(ids)],
        ).fetchnumpy()
        return {
            a: ((_utc(us), a), sig)
            for a, us, sig in zip(cols["article_id"], cols["us"], cols["signature"], strict=True)
        }

    def update_reprints(self, rows: Sequence[tuple[str, str, float]], members: Sequence[str]) -> None:
        """Replace the links of the groups ``members`` belong to by ``rows`` (copy, original, similarity)."""
        with self._transaction():
            self._con.execute(
                "DELETE FROM reprints WHERE article_id IN (SELECT unnest(?)) OR original_id IN (SELECT unnest(?))",
                [list(members), list(members)],
            )
            self._insert("reprints", list(rows))

    # -- the online pass ---------------------------------------------------------------------------

    def unassigned(self) -> list[tuple[str, datetime]]:
        rows = self._con.execute(
            "SELECT article_id, t FROM article_features ANTI JOIN assignments USING (article_id) ORDER BY t, article_id"
        ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def assignments(self, since: datetime | None = None, before: tuple[datetime, str] | None = None) -> list[Any]:
        """(article id, t, raw event) placed at or after ``since`` and strictly before ``before``."""
        conditions: list[str] = []
        params: list[Any] = []
        if since is not None:
            conditions.append("t >= ?")
            params.append(since)
        if before is not None:
            conditions.append("(t, article_id) < (?, ?)")
            params.extend(before)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        return self._con.execute(
            f"SELECT article_id, t, raw_event FROM assignments {where} ORDER BY t, article_id", params
        ).fetchall()

    def event_starts(self, raw_events: Sequence[str]) -> dict[str, datetime]:
        rows = self._con.execute(
            "SELECT raw_event, min(t) FROM assignments WHERE raw_event IN (SELECT unnest(?)) GROUP BY 1",
            [list(raw_events)],
        ).fetchall()
        return {r[0]: r[1] for r in rows}

    def rewind(self, cut: tuple[datetime, str]) -> None:
        """Forget the placement of every article at or after ``cut`` (they are placed again)."""
        self._con.execute("DELETE FROM assignments WHERE (t, article_id) >= (?, ?)", list(cut))

    def save_assignments(self, rows: Sequence[tuple[str, datetime, str, float]]) -> None:
        with self._transaction():
            self._insert("assignments", list(rows))

    # -- events and stories ------------------------------------------------------------------------

    def replace_stories(
        self, events: Sequence[tuple[Any, ...]], members: Sequence[tuple[str, str]], stories: Sequence[tuple[Any, ...]]
    ) -> None:
        with self._transaction():
            for table in ("events", "event_articles", "stories"):
                self._con.execute(f"DELETE FROM {table}")
            self._insert("events", list(events))
            self._insert("event_articles", list(members))
            self._insert("stories", list(stories))
            self._con.execute(_MAIN_ENTITIES, [MAIN_ENTITIES])
            live = [e[0] for e in events] + [s[0] for s in stories]
            for table in ("summaries", "timelines"):
                self._con.execute(f"DELETE FROM {table} WHERE owner NOT IN (SELECT unnest(?))", [live])

    def fingerprints(self) -> dict[str, str]:
        """Owner id -> fingerprint of the members its summary was written for."""
        rows = self._con.execute("SELECT DISTINCT owner, fingerprint FROM summaries").fetchall()
        return {r[0]: r[1] for r in rows}

    def save_summary(
        self, owner: str, fingerprint: str, summary: Sequence[SummarySentence], timeline: Sequence[TimelineEntry]
    ) -> None:
        with self._transaction():
            self._con.execute("DELETE FROM summaries WHERE owner = ?", [owner])
            self._con.execute("DELETE FROM timelines WHERE owner = ?", [owner])
            self._insert(
                "summaries",
                [(owner, i, s.kind, s.text, _citations_json(s.citations), fingerprint) for i, s in enumerate(summary)],
            )
            self._insert(
                "timelines",
                [
                    (owner, i, t.date, t.granularity.value, t.text, _citations_json(t.citations))
                    for i, t in enumerate(timeline)
                ],
            )

    def event_rows(self, where: str = "", params: Sequence[Any] = (), *, texts: bool = True) -> list[Event]:
        """Events (``where`` on alias ``e``) in time order; ``texts=False`` leaves summaries and timelines empty."""
        rows = self._con.execute(
            "SELECT e.id, e.story_id, e.title, e.first, e.last, e.sources, e.independent, "
            "(SELECT list(x.article_id ORDER BY coalesce(a.published, a.ingested_at), a.id) "
            " FROM event_articles x JOIN articles a ON a.id = x.article_id WHERE x.event_id = e.id), e.happened "
            f"FROM events e {'WHERE ' + where if where else ''} ORDER BY e.first, e.id",
            list(params),
        ).fetchall()
        found = self._texts([r[0] for r in rows]) if texts else {}
        return [
            Event(
                r[0],
                r[1],
                r[2],
                tuple(r[7] or ()),
                r[3],
                r[4],
                tuple(r[5]),
                int(r[6]),
                *found.get(r[0], ((), ())),
                r[8],
            )
            for r in rows
        ]

    def story_rows(
        self,
        where: str = "",
        params: Sequence[Any] = (),
        order: str = "s.last DESC, s.id",
        limit: int | None = None,
        offset: int = 0,
        *,
        texts: bool = True,
    ) -> list[Story]:
        """Stories (``where`` on alias ``s``); ``texts=False`` leaves summaries and timelines empty."""
        rows = self._con.execute(
            "SELECT s.id, s.title, s.first, s.last, s.sources, s.independent, s.entities, "
            "(SELECT list(e.id ORDER BY e.first, e.id) FROM events e WHERE e.story_id = s.id), "
            "(SELECT list(x.article_id ORDER BY coalesce(a.published, a.ingested_at), a.id) FROM events e "
            " JOIN event_articles x ON x.event_id = e.id JOIN articles a ON a.id = x.article_id "
            " WHERE e.story_id = s.id) "
            f"FROM stories s {'WHERE ' + where if where else ''} ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, limit, offset],
        ).fetchall()
        found = self._texts([r[0] for r in rows]) if texts else {}
        return [
            Story(
                r[0],
                r[1],
                tuple(r[7] or ()),
                tuple(r[8] or ()),
                r[2],
                r[3],
                tuple(r[4]),
                int(r[5]),
                tuple(r[6]),
                *found.get(r[0], ((), ())),
            )
            for r in rows
        ]

    def _texts(self, owners: Sequence[str]) -> dict[str, tuple[tuple[SummarySentence, ...], tuple[TimelineEntry, ...]]]:
        """The summary and timeline of each owner, read in two queries whatever their number."""
        summaries: dict[str, list[SummarySentence]] = {o: [] for o in owners}
        timelines: dict[str, list[TimelineEntry]] = {o: [] for o in owners}
        for owner, kind, text, citations in self._con.execute(
            "SELECT owner, kind, text, citations FROM summaries WHERE owner IN (SELECT unnest(?)) "
            "ORDER BY owner, position",
            [list(owners)],
        ).fetchall():
            summaries[owner].append(SummarySentence(text, _citations(citations), kind))
        for owner, date, granularity, text, citations in self._con.execute(
            "SELECT owner, date, granularity, text, citations FROM timelines WHERE owner IN (SELECT unnest(?)) "
            "ORDER BY owner, position",
            [list(owners)],
        ).fetchall():
            timelines[owner].append(TimelineEntry(date, Granularity(granularity), text, _citations(citations)))
        return {o: (tuple(summaries[o]), tuple(timelines[o])) for o in owners}

    def sentence_vectors(self, ids: Sequence[str]) -> dict[tuple[str, int], np.ndarray]:
        rows = self._con.execute(
            "SELECT article_id, idx, vector FROM sentence_vectors WHERE article_id IN (SELECT unnest(?))", [list(ids)]
        ).fetchall()
        return {(r[0], r[1]): np.asarray(r[2], dtype=np.float32) for r in rows}

    def save_sentence_vectors(self, rows: Sequence[tuple[str, int, np.ndarray]]) -> None:
        with self._transaction():
            self._insert("sentence_vectors", [(a, i, v.tolist()) for a, i, v in rows])


def _utc(microseconds: Any) -> datetime:
    """A TIMESTAMPTZ read as ``epoch_us`` (column-wise reads give numbers, not datetimes)."""
    return datetime.fromtimestamp(int(microseconds) / 1e6, tz=timezone.utc)


def _citations_json(citations: Sequence[Citation]) -> str:
    return json.dumps([[c.article_id, c.sentence] for c in citations])


def _citations(raw: str) -> tuple[Citation, ...]:
    return tuple(Citation(a, int(i)) for a, i in json.loads(raw))


@dataclass(frozen=True)
class ArticleMeta:
    """What the story stage shows of an article: enough for titles, sources and ordering."""

    title: str | None
    source: str | None
    published: datetime | None
    time: datetime  # published, else ingested
    lead: str


class StoryReads:
    """Mixed into Store: reads across articles and analysis that the story stage needs."""

    _con: duckdb.DuckDBPyConnection

    def article_meta(self, ids: Sequence[str]) -> dict[str, ArticleMeta]:
        rows = self._con.execute(
            "SELECT id, title, source, published, coalesce(published, ingested_at), left(text, 200) FROM articles "
            "WHERE id IN (SELECT unnest(?))",
            [list(ids)],
        ).fetchall()
        return {r[0]: ArticleMeta(r[1], r[2], r[3], r[4], r[5]) for r in rows}

    def feature_vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        cols = self._con.execute(
            "SELECT article_id, vector FROM article_features WHERE article_id IN (SELECT unnest(?))", [list(ids)]
        ).fetchnumpy()
        return dict(zip(cols["article_id"], cols["vector"], strict=True))

    def owner_fingerprints(self) -> dict[str, str]:
        rows = self._con.execute("SELECT id, fingerprint FROM events UNION ALL SELECT id, fingerprint FROM stories")
        return {r[0]: r[1] for r in rows.fetchall()}

    def times_of(self, ids: Sequence[str]) -> list[TimeExpression]:
        rows = self._con.execute(
            "SELECT article_id, start_char, end_char, text, value, granularity, type FROM times "
            "WHERE article_id IN (SELECT unnest(?)) ORDER BY article_id, start_char",
            [list(ids)],
        ).fetchall()
        return [
            TimeExpression(r[0], r[1], r[2], r[3], r[4], Granularity(r[5]) if r[5] else None, TimexType(r[6]))
            for r in rows
        ]

    def sentences_of(self, ids: Sequence[str]) -> dict[tuple[str, int], Sentence]:
        rows = self._con.execute(
            "SELECT article_id, idx, start_char, end_char, text FROM sentences "
            "WHERE article_id IN (SELECT unnest(?)) ORDER BY article_id, idx",
            [list(ids)],
        ).fetchall()
        return {(r[0], r[1]): Sentence(*r) for r in rows}

    def sentences_near(self, keys: Sequence[tuple[str, int]], reach: int = 1) -> dict[tuple[str, int], Sentence]:
        """The sentences ``(article id, index)`` and those up to ``reach`` before and after each: cited sentences
        with their context, without reading every sentence of every cited article."""
        rows = self._con.execute(
            "SELECT DISTINCT s.article_id, s.idx, s.start_char, s.end_char, s.text FROM sentences s "
            "JOIN (SELECT unnest(?) AS article_id, unnest(?) AS idx) k "
            "ON s.article_id = k.article_id AND s.idx BETWEEN k.idx - ? AND k.idx + ? "
            "WHERE s.article_id IN (SELECT unnest(?)) ORDER BY s.article_id, s.idx",
            [[a for a, _ in keys], [i for _, i in keys], reach, reach, sorted({a for a, _ in keys})],
        ).fetchall()
        return {(r[0], r[1]): Sentence(*r) for r in rows}

    def entity_sentences(self, entity_id: str) -> dict[tuple[str, int], Sentence]:
        """The sentences that mention an entity."""
        rows = self._con.execute(
            "SELECT DISTINCT s.article_id, s.idx, s.start_char, s.end_char, s.text FROM mentions m "
            "JOIN entity_names n ON n.type = m.type AND n.name = m.name AND n.entity_id = ? "
            "JOIN sentences s ON s.article_id = m.article_id AND s.idx = m.sentence",
            [entity_id],
        ).fetchall()
        return {(r[0], r[1]): Sentence(*r) for r in rows}
