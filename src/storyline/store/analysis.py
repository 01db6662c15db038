"""Reads and writes of the analysis tables: sentences, mentions, titles, quotes, times, entities."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import duckdb

from storyline.model import (
    Analysis,
    Entity,
    Granularity,
    NameCount,
    Quote,
    QuoteKind,
    Sentence,
    TimeExpression,
    TimexType,
    Title,
)
from storyline.store.actions import action_row

_TABLES = ("sentences", "mentions", "titles", "quotes", "times", "actions")


@dataclass(frozen=True)
class QuoteFilter:
    speaker_entity: str | None = None  # an entity id
    article_id: str | None = None
    kind: str | None = None
    limit: int | None = None
    offset: int = 0


class AnalysisTables:
    """Mixed into Store: ``self._con`` is the DuckDB connection, ``self._transaction()`` a transaction."""

    _con: duckdb.DuckDBPyConnection

    def _transaction(self) -> Any: ...

    # -- what is left to do ------------------------------------------------------------------------

    def pending_analysis(self, version: int | None = None) -> list[tuple[str, str | None, int]]:
        """(article id, language, words) of every article not analyzed yet, oldest ingest first; with
        ``version``, also every article analyzed by an older version of the analysis."""
        rows = self._con.execute(
            "SELECT a.id, a.language, length(a.text) - length(replace(a.text, ' ', '')) + 1 "
            "FROM articles a ANTI JOIN (SELECT article_id FROM analyses WHERE status <> 'failed' AND version >= ?) x "
            "ON x.article_id = a.id ORDER BY a.ingested_at, a.id",
            [version if version is not None else -1],
        ).fetchall()
        return [(r[0], r[1], int(r[2])) for r in rows]

    # -- writes ------------------------------------------------------------------------------------

    def save_analyses(self, analyses: Sequence[Analysis], version: int) -> None:
        """Replace the analysis of these articles, in one transaction."""
        if not analyses:
            return
        ids = [a.article_id for a in analyses]
        now = datetime.now(timezone.utc)
        with self._transaction():
            for table in _TABLES:
                self._con.execute(f"DELETE FROM {table} WHERE article_id IN (SELECT unnest(?))", [ids])
            # A re-analysis may split sentences differently: what was derived from the old sentences (their
            # vectors; the summaries and timelines citing them) goes, and the story stage writes it again.
            self._con.execute("DELETE FROM sentence_vectors WHERE article_id IN (SELECT unnest(?))", [ids])
            for table in ("summaries", "timelines"):
                self._con.execute(
                    f"DELETE FROM {table} WHERE owner IN (SELECT unnest([e.id, e.story_id]) FROM events e "
                    "JOIN event_articles x ON x.event_id = e.id WHERE x.article_id IN (SELECT unnest(?)))",
                    [ids],
                )
            self._con.execute("DELETE FROM analyses WHERE article_id IN (SELECT unnest(?))", [ids])
            self._insert(
                "sentences", [(s.article_id, s.index, s.start, s.end, s.text) for a in analyses for s in a.sentences]
            )
            self._insert(
                "mentions",
                [
                    (m.article_id, m.start, m.end, m.text, m.type, m.sentence, m.name)
                    for a in analyses
                    for m in a.mentions
                ],
            )
            self._insert(
                "titles",
                list(
                    {(t.article_id, t.start, t.end, t.title, person): None for a in analyses for person, t in a.titles}
                ),
            )
            self._insert(
                "quotes",
                [
                    (
                        q.id,
                        q.article_id,
                        q.start,
                        q.end,
                        q.text,
                        str(q.kind),
                        q.cue,
                        q.speaker,
                        q.speaker_start,
                        q.speaker_end,
                        q.speaker_confidence,
                    )
                    for a in analyses
                    for q in a.quotes
                ],
            )
            self._insert(
                "times",
                [
                    (
                        t.article_id,
                        t.start,
                        t.end,
                        t.text,
                        t.value,
                        str(t.granularity) if t.granularity else None,
                        str(t.type),
                    )
                    for a in analyses
                    for t in a.times
                ],
            )
            self._insert("actions", [action_row(x) for a in analyses for x in a.actions])
            self._insert("analyses", [(i, "done", None, version, now) for i in ids])

    def mark_skipped(self, skipped: Sequence[tuple[str, str]], version: int, status: str = "skipped") -> None:
        """Record articles analysis will not process (non-English, ...) with the reason; status "failed"
        marks an error, retried on the next run."""
        now = datetime.now(timezone.utc)
        with self._transaction():
            self._con.execute("DELETE FROM analyses WHERE article_id IN (SELECT unnest(?))", [[s[0] for s in skipped]])
            self._insert("analyses", [(i, status, reason, version, now) for i, reason in skipped])

    def _insert(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        columns = [list(col) for col in zip(*rows, strict=True)]
        placeholders = ", ".join("unnest(?)" for _ in columns)
        self._con.execute(f"INSERT INTO {table} SELECT {placeholders} ON CONFLICT DO NOTHING", columns)

    # -- entities ----------------------------------------------------------------------------------

    def name_counts(self) -> list[NameCount]:
        rows = self._con.execute(
            "SELECT type, name, count(*), count(DISTINCT article_id) FROM mentions GROUP BY 1, 2 ORDER BY 1, 2"
        ).fetchall()
        return [NameCount(r[0], r[1], int(r[2]), int(r[3])) for r in rows]

    def replace_entities(self, entities: Sequence[Entity], names: Sequence[tuple[str, str, str]]) -> None:
        """Store the current linking of (type, name, entity id) into entities, replacing the previous one."""
        rows = [(e.id, e.name, e.type, e.mentions, 0) for e in entities]
        with self._transaction():
            self._con.execute("DELETE FROM entity_names")
            self._con.execute("DELETE FROM entities")
            self._insert("entities", rows)
            self._insert("entity_names", list(names))
            self._con.execute(
                "UPDATE entities SET articles = c.n FROM (SELECT e.entity_id, count(DISTINCT m.article_id) AS n "
                "FROM mentions m JOIN entity_names e USING (type, name) GROUP BY 1) c WHERE c.entity_id = entities.id"
            )

    def entities(
        self, type_: str | None = None, name: str | None = None, limit: int | None = 50, offset: int = 0
    ) -> list[Entity]:
        """Entities by mentions, most first; ``name`` matches the name or any alias, case-insensitively."""
        clauses, params = [], []
        if type_:
            clauses.append("e.type = ?")
            params.append(type_.upper())
        if name:
            clauses.append(
                "(lower(e.name) = lower(?) OR e.id = ? OR e.id IN (SELECT n.entity_id FROM entity_names n "
                "JOIN mentions m USING (type, name) WHERE lower(m.text) = lower(?) OR lower(n.name) = lower(?)))"
            )
            params.extend([name, name, name, name])
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        page = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
        rows = self._con.execute(
            f"SELECT e.id, e.name, e.type, e.mentions FROM entities e {where} ORDER BY e.mentions DESC, e.name{page}",
            params,
        ).fetchall()
        return self._entities([(r[0], r[1], r[2], int(r[3])) for r in rows])

    def entities_by_ids(self, ids: Sequence[str]) -> list[Entity]:
        """Entities in the order of ``ids`` (unknown ids are left out)."""
        rows = self._con.execute(
            "SELECT id, name, type, mentions FROM entities WHERE id IN (SELECT unnest(?))", [list(ids)]
        ).fetchall()
        found = {e.id: e for e in self._entities([(r[0], r[1], r[2], int(r[3])) for r in rows])}
        return [found[i] for i in ids if i in found]

    def _entities(self, rows: Sequence[tuple[str, str, str, int]]) -> list[Entity]:
        """Entities with their aliases, titles and articles, read for all of ``rows`` at once."""
        ids = [r[0] for r in rows]
        aliases: dict[str, list[str]] = {i: [] for i in ids}
        for entity_id, text, _ in self._con.execute(
            "SELECT n.entity_id, m.text, count(*) AS k FROM mentions m JOIN entity_names n USING (type, name) "
            "WHERE n.entity_id IN (SELECT unnest(?)) GROUP BY 1, 2 ORDER BY 1, k DESC, 2",
            [ids],
        ).fetchall():
            aliases[entity_id].append(text)
        titles: dict[str, list[Title]] = {i: [] for i in ids}
        for entity_id, *title in self._con.execute(
            "SELECT n.entity_id, t.title, t.article_id, t.start_char, t.end_char FROM titles t "
            "JOIN mentions m ON m.article_id = t.article_id AND m.name = t.person AND m.type = 'PERSON' "
            "JOIN entity_names n ON n.type = m.type AND n.name = m.name WHERE n.entity_id IN (SELECT unnest(?)) "
            "GROUP BY ALL ORDER BY 1, t.article_id, t.start_char",
            [ids],
        ).fetchall():
            titles[entity_id].append(Title(*title))
        articles: dict[str, list[str]] = {i: [] for i in ids}
        for entity_id, article_id in self._con.execute(
            "SELECT DISTINCT n.entity_id, m.article_id FROM mentions m JOIN entity_names n USING (type, name) "
            "WHERE n.entity_id IN (SELECT unnest(?)) ORDER BY 1, 2",
            [ids],
        ).fetchall():
            articles[entity_id].append(article_id)
        return [
            Entity(i, name, type_, tuple(aliases[i]), tuple(titles[i]), tuple(articles[i]), mentions)
            for i, name, type_, mentions in rows
        ]

    # -- quotes, times, sentences ------------------------------------------------------------------

    def quotes(self, flt: QuoteFilter | None = None) -> list[Quote]:
        flt = flt or QuoteFilter()
        clauses, params = [], []
        for clause, value in (
            ("q.article_id = ?", flt.article_id),
            ("q.kind = ?", flt.kind),
            ("n.entity_id = ?", flt.speaker_entity),
        ):
            if value is not None:
                clauses.append(clause)
                params.append(value)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        page = (f" LIMIT {int(flt.limit)}" if flt.limit is not None else "") + (
            f" OFFSET {int(flt.offset)}" if flt.offset else ""
        )
        rows = self._con.execute(
            "SELECT q.id, q.article_id, q.start_char, q.end_char, q.text, q.kind, q.cue, q.speaker, "
            "q.speaker_start, q.speaker_end, n.entity_id, q.speaker_confidence FROM quotes q "
            "LEFT JOIN mentions m ON m.article_id = q.article_id AND m.start_char = q.speaker_start "
            "LEFT JOIN entity_names n ON n.type = m.type AND n.name = m.name "
            f"{where} ORDER BY q.article_id, q.start_char{page}",
            params,
        ).fetchall()
        return [
            Quote(r[1], r[2], r[3], r[4], QuoteKind(r[5]), r[6], r[7], r[8], r[9], r[10], r[0], r[11] or 0.0)
            for r in rows
        ]

    def times(
        self, article_id: str | None = None, type: TimexType | None = None, value: str | None = None
    ) -> list[TimeExpression]:
        """Stored time expressions, optionally of one article, one TIMEX3 type and one value."""
        clauses, params = [], []
        for column, wanted in (("article_id", article_id), ("type", type), ("value", value)):
            if wanted is not None:
                clauses.append(f"{column} = ?")
                params.append(str(wanted))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._con.execute(
            f"SELECT article_id, start_char, end_char, text, value, granularity, type FROM times {where} "
            "ORDER BY article_id, start_char",
            params,
        ).fetchall()
        return [
            TimeExpression(r[0], r[1], r[2], r[3], r[4], Granularity(r[5]) if r[5] else None, TimexType(r[6]))
            for r in rows
        ]

    def sentences(self, article_id: str) -> list[Sentence]:
        rows = self._con.execute(
            "SELECT article_id, idx, start_char, end_char, text FROM sentences WHERE article_id = ? ORDER BY idx",
            [article_id],
        ).fetchall()
        return [Sentence(*r) for r in rows]
