"""Reads and writes of the story tables: features, reprints, assignments, events, stories, summaries."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import duckdb
import numpy as np

from storyline.model import (
    Citation,
    Event,
    FeatureInput,
    Features,
    Granularity,
    Placement,
    Sentence,
    Story,
    SummarySentence,
    TimeExpression,
    TimelineEntry,
    TimexType,
)


@dataclass(frozen=True)
class StageKeys:
    """What the results of each stage must have been computed with to be current: the analysis version and
    the keys (stage version and settings, hashed by ``storyline.stages``) that features, placements and
    summaries are stored with."""

    analysis: int
    features: str
    placement: str
    summary: str


@dataclass(frozen=True)
class EntityCount:
    """How one group of articles (a story) mentions one entity: in how many articles, how many times, as
    which types of name."""

    group: str
    entity_id: str
    articles: int
    mentions: int
    types: tuple[str, ...]


_PENDING = """
SELECT EXISTS (SELECT 1 FROM articles a
               ANTI JOIN (SELECT article_id FROM analyses WHERE status <> 'failed' AND version >= $analysis) x
               ON x.article_id = a.id)
    OR EXISTS (SELECT 1 FROM analyses s LEFT JOIN article_features f ON f.article_id = s.article_id
               WHERE s.status = 'done'
                 AND (f.article_id IS NULL OR f.terms IS NULL OR f.stage IS DISTINCT FROM $features))
    OR EXISTS (SELECT 1 FROM article_features ANTI JOIN (SELECT DISTINCT article_id FROM lsh_bands) b
               USING (article_id))
    OR EXISTS (SELECT 1 FROM article_features ANTI JOIN assignments USING (article_id))
    OR EXISTS (SELECT 1 FROM assignments WHERE stage IS DISTINCT FROM $placement)
    OR EXISTS (SELECT 1 FROM assignments ANTI JOIN event_articles USING (article_id))
    OR EXISTS (SELECT 1 FROM (SELECT id, fingerprint FROM events UNION ALL SELECT id, fingerprint FROM stories) o
               ANTI JOIN (SELECT DISTINCT owner, fingerprint FROM summaries) s
               ON s.owner = o.id AND s.fingerprint = o.fingerprint || ':' || $summary)
"""


class StoryTables:
    """Mixed into Store: ``self._con`` is the DuckDB connection, ``self._transaction()`` a transaction."""

    _con: duckdb.DuckDBPyConnection

    def _transaction(self) -> Any: ...

    _insert: Callable[[str, list[tuple[Any, ...]]], None]  # AnalysisTables._insert

    def pending_work(self, keys: StageKeys) -> bool:
        """Whether any stage has work left: articles not analyzed (or failed, or analyzed by an older version),
        analyzed without current features, not in the reprint index, not placed (or placed with other
        settings), placed outside every event, or an event or story whose summary was written for other
        members or by another summarizer. ``Workspace.update`` does it all."""
        row = self._con.execute(
            _PENDING,
            {"analysis": keys.analysis, "features": keys.features, "placement": keys.placement,
             "summary": keys.summary},
        ).fetchone()  # fmt: skip
        return bool(row and row[0])

    # -- features ----------------------------------------------------------------------------------

    def pending_features(self, key: str | None = None) -> list[str]:
        """Ids of analyzed articles without features (or without schema 5's topic terms, or, given ``key``,
        computed with another key), in clustering order."""
        rows = self._con.execute(
            "SELECT a.id FROM articles a JOIN analyses s ON s.article_id = a.id AND s.status = 'done' "
            "LEFT JOIN article_features f ON f.article_id = a.id WHERE f.article_id IS NULL OR f.terms IS NULL "
            "OR (? IS NOT NULL AND f.stage IS DISTINCT FROM ?) ORDER BY coalesce(a.published, a.ingested_at), a.id",
            [key, key],
        ).fetchall()
        return [r[0] for r in rows]

    def feature_inputs(self, ids: Sequence[str]) -> list[FeatureInput]:
        """What the features of these articles are computed from."""
        rows = self._con.execute(
            "SELECT a.id, coalesce(a.published, a.ingested_at), a.title, a.text, "
            "coalesce((SELECT list(struct_pack(t := m.type, n := m.name) ORDER BY m.start_char) "
            "          FROM mentions m WHERE m.article_id = a.id), []) "
            "FROM articles a WHERE a.id IN (SELECT unnest(?)) ORDER BY a.id",
            [list(ids)],
        ).fetchall()
        return [FeatureInput(r[0], r[1], r[2], r[3], tuple((m["t"], m["n"]) for m in r[4])) for r in rows]

    def save_features(self, features: Sequence[Features], model: str, key: str = "") -> None:
        """Store features computed by embedding ``model``, with the key of the stage that computed them."""
        rows = [
            (
                f.article_id,
                f.t,
                model,
                f.vector.tolist(),
                list(f.keys),
                list(f.weights),
                f.signature.tolist(),
                f.terms.tolist(),
                f.term_weights.tolist(),
                key,
            )
            for f in features
        ]
        with self._transaction():
            self._con.execute(
                "DELETE FROM article_features WHERE article_id IN (SELECT unnest(?))",
                [[f.article_id for f in features]],
            )
            self._insert("article_features", rows)

    def features(
        self,
        *,
        since: datetime | None = None,
        before: tuple[datetime, str] | None = None,
        start: tuple[datetime, str] | None = None,
        ids: Sequence[str] | None = None,
    ) -> list[Features]:
        """Stored features in clustering order: at or after time ``since``, strictly before the (time, id)
        ``before``, at or after the (time, id) ``start``, of the articles ``ids`` (each optional).

        Read column-wise with ``fetchnumpy``: 20x faster than row tuples for the vector column.
        """
        where, params = _order_bounds("t", since, before, start)
        if ids is not None:
            where = f"{where} {'AND' if where else 'WHERE'} article_id IN (SELECT unnest(?))"
            params.append(list(ids))
        cols = self._con.execute(
            "SELECT article_id, epoch_us(t) AS us, vector, keys, weights, signature, "
            "coalesce(terms, []) AS terms, coalesce(term_weights, []) AS term_weights FROM article_features "
            f"{where} ORDER BY t, article_id",
            params,
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

    def clear_reprints(self) -> None:
        """Forget the reprint index and every reprint link (the next pass indexes every article again)."""
        with self._transaction():
            self._con.execute("DELETE FROM lsh_bands")
            self._con.execute("DELETE FROM reprints")

    def update_reprints(self, rows: Sequence[tuple[str, str, float]], members: Sequence[str]) -> None:
        """Replace the links of the groups ``members`` belong to by ``rows`` (copy, original, similarity)."""
        with self._transaction():
            self._con.execute(
                "DELETE FROM reprints WHERE article_id IN (SELECT unnest(?)) OR original_id IN (SELECT unnest(?))",
                [list(members), list(members)],
            )
            self._insert("reprints", list(rows))

    # -- the online pass ---------------------------------------------------------------------------

    def unassigned(self, key: str | None = None) -> list[tuple[str, datetime]]:
        """(id, time) of articles with features but no placement (or, given ``key``, one made with another)."""
        rows = self._con.execute(
            "SELECT f.article_id, f.t FROM article_features f LEFT JOIN assignments x USING (article_id) "
            "WHERE x.article_id IS NULL OR (? IS NOT NULL AND x.stage IS DISTINCT FROM ?) ORDER BY f.t, f.article_id",
            [key, key],
        ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def assignments(self, since: datetime | None = None, before: tuple[datetime, str] | None = None) -> list[Placement]:
        """Placements at or after ``since`` and strictly before the (time, id) ``before``, in time order."""
        where, params = _order_bounds("t", since, before, None)
        rows = self._con.execute(
            f"SELECT article_id, t, raw_event, score FROM assignments {where} ORDER BY t, article_id", params
        ).fetchall()
        return [Placement(r[0], r[1], r[2], r[3]) for r in rows]

    def event_starts(self, raw_events: Sequence[str]) -> dict[str, datetime]:
        rows = self._con.execute(
            "SELECT raw_event, min(t) FROM assignments WHERE raw_event IN (SELECT unnest(?)) GROUP BY 1",
            [list(raw_events)],
        ).fetchall()
        return {r[0]: r[1] for r in rows}

    def rewind(self, cut: tuple[datetime, str]) -> None:
        """Forget the placement of every article at or after ``cut`` (they are placed again)."""
        self._con.execute("DELETE FROM assignments WHERE (t, article_id) >= (?, ?)", list(cut))

    def save_assignments(self, placements: Sequence[Placement], key: str = "") -> None:
        """Store placements made by the online pass, with the key of the stage (and settings) that made them."""
        with self._transaction():
            self._con.execute(
                "DELETE FROM assignments WHERE article_id IN (SELECT unnest(?))", [[p.article_id for p in placements]]
            )
            self._insert("assignments", [(p.article_id, p.t, p.raw_event, p.score, key) for p in placements])

    # -- events and stories ------------------------------------------------------------------------

    def replace_stories(
        self, events: Sequence[Event], stories: Sequence[Story], fingerprints: Mapping[str, str]
    ) -> None:
        """Replace every event and story (their summaries are not written here: see ``save_summary``);
        ``fingerprints`` holds each one's fingerprint of its members. Summaries of owners gone are dropped."""
        event_rows = [
            (e.id, e.story_id, e.title, e.first, e.last, len(e.article_ids), e.independent, list(e.sources),
             fingerprints[e.id], e.happened)
            for e in events
        ]  # fmt: skip
        story_rows = [
            (s.id, s.title, s.first, s.last, len(s.event_ids), len(s.article_ids), s.independent, list(s.sources),
             list(s.entities), fingerprints[s.id])
            for s in stories
        ]  # fmt: skip
        with self._transaction():
            for table in ("events", "event_articles", "stories"):
                self._con.execute(f"DELETE FROM {table}")
            self._insert("events", event_rows)
            self._insert("event_articles", [(a, e.id) for e in events for a in e.article_ids])
            self._insert("stories", story_rows)
            live = [e.id for e in events] + [s.id for s in stories]
            for table in ("summaries", "timelines"):
                self._con.execute(f"DELETE FROM {table} WHERE owner NOT IN (SELECT unnest(?))", [live])

    def fingerprints(self) -> dict[str, str]:
        """Owner id -> the fingerprint its summary was written for (see ``save_summary``)."""
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

    def entity_counts(self, groups: Mapping[str, Sequence[str]]) -> list[EntityCount]:
        """How each group of articles (group id -> article ids) mentions each linked entity."""
        pairs = [(g, a) for g, ids in groups.items() for a in ids]
        rows = self._con.execute(
            "SELECT g.grp, n.entity_id, count(DISTINCT m.article_id), count(*), list(DISTINCT m.type ORDER BY m.type) "
            "FROM (SELECT unnest(?) AS grp, unnest(?) AS article_id) g "
            "JOIN mentions m ON m.article_id = g.article_id "
            "JOIN entity_names n ON n.type = m.type AND n.name = m.name GROUP BY 1, 2",
            [[g for g, _ in pairs], [a for _, a in pairs]],
        ).fetchall()
        return [EntityCount(r[0], r[1], int(r[2]), int(r[3]), tuple(r[4])) for r in rows]

    def event_rows(
        self, *, ids: Sequence[str] | None = None, story_id: str | None = None, texts: bool = True
    ) -> list[Event]:
        """Events (all, or those with these ids, or of one story) in time order; ``texts=False`` leaves
        summaries and timelines empty."""
        conditions: list[str] = []
        params: list[Any] = []
        if ids is not None:
            conditions.append("e.id IN (SELECT unnest(?))")
            params.append(list(ids))
        if story_id is not None:
            conditions.append("e.story_id = ?")
            params.append(story_id)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = self._con.execute(
            "SELECT e.id, e.story_id, e.title, e.first, e.last, e.sources, e.independent, "
            "(SELECT list(x.article_id ORDER BY coalesce(a.published, a.ingested_at), a.id) "
            " FROM event_articles x JOIN articles a ON a.id = x.article_id WHERE x.event_id = e.id), e.happened "
            f"FROM events e {where} ORDER BY e.first, e.id",
            params,
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
        *,
        ids: Sequence[str] | None = None,
        entity: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        texts: bool = True,
    ) -> list[Story]:
        """Stories, most recently updated first: all, those with these ids, or those whose main entities
        include the entity id ``entity``; ``texts=False`` leaves summaries and timelines empty."""
        conditions: list[str] = []
        params: list[Any] = []
        if ids is not None:
            conditions.append("s.id IN (SELECT unnest(?))")
            params.append(list(ids))
        if entity is not None:
            conditions.append("list_contains(s.entities, ?)")
            params.append(entity)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = self._con.execute(
            "SELECT s.id, s.title, s.first, s.last, s.sources, s.independent, s.entities, "
            "(SELECT list(e.id ORDER BY e.first, e.id) FROM events e WHERE e.story_id = s.id), "
            "(SELECT list(x.article_id ORDER BY coalesce(a.published, a.ingested_at), a.id) FROM events e "
            " JOIN event_articles x ON x.event_id = e.id JOIN articles a ON a.id = x.article_id "
            " WHERE e.story_id = s.id) "
            f"FROM stories s {where} ORDER BY s.last DESC, s.id LIMIT ? OFFSET ?",
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
        """(article id, index) -> the stored vector of the sentences of these articles (read as arrays: ten
        times faster than as lists of floats)."""
        cols = self._con.execute(
            "SELECT article_id, idx, vector FROM sentence_vectors WHERE article_id IN (SELECT unnest(?))", [list(ids)]
        ).fetchnumpy()
        return {
            (str(a), int(i)): np.asarray(v, dtype=np.float32)
            for a, i, v in zip(cols["article_id"], cols["idx"], cols["vector"], strict=True)
        }

    def unembedded_articles(self) -> list[str]:
        """Articles with features none of whose sentences has a vector yet, in clustering order."""
        rows = self._con.execute(
            "SELECT article_id FROM article_features ANTI JOIN (SELECT DISTINCT article_id FROM sentence_vectors) v "
            "USING (article_id) ORDER BY t, article_id"
        ).fetchall()
        return [r[0] for r in rows]

    def save_sentence_vectors(self, rows: Sequence[tuple[str, int, np.ndarray]]) -> None:
        with self._transaction():
            self._insert("sentence_vectors", [(a, i, v.tolist()) for a, i, v in rows])


def _order_bounds(
    column: str, since: datetime | None, before: tuple[datetime, str] | None, start: tuple[datetime, str] | None
) -> tuple[str, list[Any]]:
    """A WHERE clause on (``column``, article_id): at or after ``since``, before ``before``, from ``start``."""
    conditions: list[str] = []
    params: list[Any] = []
    if since is not None:
        conditions.append(f"{column} >= ?")
        params.append(since)
    if before is not None:
        conditions.append(f"({column}, article_id) < (?, ?)")
        params.extend(before)
    if start is not None:
        conditions.append(f"({column}, article_id) >= (?, ?)")
        params.extend(start)
    return (f"WHERE {' AND '.join(conditions)}" if conditions else ""), params


def _utc(microseconds: Any) -> datetime:
    """A TIMESTAMPTZ read as ``epoch_us`` (column-wise reads give numbers, not datetimes)."""
    return datetime.fromtimestamp(int(microseconds) / 1e6, tz=timezone.utc)


def _citations_json(citations: Sequence[Citation]) -> str:
    return json.dumps([[c.article_id, c.sentence] for c in citations])


def _citations(raw: str) -> tuple[Citation, ...]:
    return tuple(Citation(a, int(i)) for a, i in json.loads(raw))


@dataclass(frozen=True)
class LinkCounts:
    """What the story linker's IDF counts over every stored event: how many events there are, and in how many
    of them (in any member article's features) each of some entity keys and topic-word hashes occurs."""

    events: int
    keys: dict[str, int]
    terms: dict[int, int]


@dataclass(frozen=True)
class NameUse:
    """A name as some articles mention it: its type, its fullest form in an article, the name of its entity
    (None when no entity has it) and how many mentions use it."""

    type: str
    name: str
    entity: str | None
    mentions: int


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

    def link_counts(self, keys: Sequence[str], terms: Sequence[int]) -> LinkCounts:
        """The number of stored events, and of events whose articles' features hold each of these entity keys
        and topic-word hashes (a key or word no event holds is left out)."""
        row = self._con.execute("SELECT count(*) FROM events").fetchone()
        found: list[dict[Any, int]] = []
        for column, values in (("keys", list(keys)), ("terms", [int(t) for t in terms])):
            rows = self._con.execute(
                f"SELECT f.v, count(DISTINCT x.event_id) FROM "
                f"(SELECT article_id, unnest({column}) AS v FROM article_features) f "
                "JOIN (SELECT unnest(?) AS v) w USING (v) JOIN event_articles x USING (article_id) GROUP BY f.v",
                [values],
            ).fetchall() if values else []  # fmt: skip
            found.append({r[0]: int(r[1]) for r in rows})
        return LinkCounts(int(row[0]) if row else 0, found[0], found[1])

    def names_in(self, ids: Sequence[str]) -> list[NameUse]:
        """The names these articles mention, each with its entity's name and how often it is used."""
        rows = self._con.execute(
            "SELECT m.type, m.name, e.name, count(*) FROM mentions m "
            "LEFT JOIN entity_names n ON n.type = m.type AND n.name = m.name "
            "LEFT JOIN entities e ON e.id = n.entity_id "
            "WHERE m.article_id IN (SELECT unnest(?)) GROUP BY ALL ORDER BY 1, 2",
            [list(ids)],
        ).fetchall()
        return [NameUse(r[0], r[1], r[2], int(r[3])) for r in rows]

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
