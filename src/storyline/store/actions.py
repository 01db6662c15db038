"""Reads and writes of action records (table ``actions``); their merging per event is ``stories.actions``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from storyline.model import Action, Actor


@dataclass(frozen=True)
class ActionFilter:
    """Which records to read. ``actor``/``target`` are entity ids or names (a name matches the in-article
    name, the canonical name, or a group's noun or country); ``since``/``until`` bound the action's date."""

    actor: str | None = None
    target: str | None = None
    type: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    story: str | None = None
    event: str | None = None
    article_id: str | None = None
    limit: int | None = None
    offset: int = 0


def action_row(a: Action) -> tuple[Any, ...]:
    s, t = a.source, a.target
    return (
        a.id, a.article_id, a.sentence, a.start, a.end, a.verb, a.verb_start, a.type,
        s.text, s.name, s.kind, s.entity_type, s.country, s.role, s.start, s.end,
        t.text, t.name, t.kind, t.entity_type, t.country, t.role, t.start, t.end,
        a.negated, a.mode, a.status, a.claimed_by, a.quote_id, a.date, a.date_text, a.place,
    )  # fmt: skip


class ActionTables:
    """Mixed into Store: ``self._con`` is the DuckDB connection."""

    _con: duckdb.DuckDBPyConnection

    def actions(self, flt: ActionFilter | None = None) -> list[Action]:
        """Records, by article and sentence, with each actor's entity id and canonical name where linked."""
        flt = flt or ActionFilter()
        clauses: list[str] = []
        params: list[Any] = []
        for side, value in (("source", flt.actor), ("target", flt.target)):
            if value:
                clauses.append(
                    f"(lower(x.{side}_eid) = lower(?) OR lower(x.{side}_canonical) = lower(?) "
                    f"OR lower(x.{side}_name) = lower(?) OR lower(x.{side}_country) = lower(?) "
                    f"OR lower(x.{side}_text) = lower(?))"
                )
                params.extend([value] * 5)
        if flt.type:
            clauses.append("x.type = ?")
            params.append(flt.type.upper())
        if flt.since is not None:
            clauses.append("x.date >= ?")
            params.append(flt.since.date().isoformat())
        if flt.until is not None:
            clauses.append("left(x.date, 10) <= ?")
            params.append(flt.until.date().isoformat())
        if flt.article_id:
            clauses.append("x.article_id = ?")
            params.append(flt.article_id)
        if flt.event:
            clauses.append("x.article_id IN (SELECT article_id FROM event_articles WHERE event_id = ?)")
            params.append(flt.event)
        if flt.story:
            clauses.append(
                "x.article_id IN (SELECT ea.article_id FROM event_articles ea JOIN events e ON e.id = ea.event_id "
                "WHERE e.story_id = ?)"
            )
            params.append(flt.story)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        page = (f" LIMIT {int(flt.limit)}" if flt.limit is not None else "") + (
            f" OFFSET {int(flt.offset)}" if flt.offset else ""
        )
        rows = self._con.execute(
            f"""
            SELECT * FROM (
                SELECT a.*, ns.entity_id AS source_eid, es.name AS source_canonical,
                       nt.entity_id AS target_eid, et.name AS target_canonical
                FROM actions a
                LEFT JOIN entity_names ns ON ns.type = a.source_type AND ns.name = a.source_name
                LEFT JOIN entities es ON es.id = ns.entity_id
                LEFT JOIN entity_names nt ON nt.type = a.target_type AND nt.name = a.target_name
                LEFT JOIN entities et ON et.id = nt.entity_id
            ) x {where} ORDER BY x.article_id, x.sentence, x.verb_start, x.id{page}
            """,
            params,
        ).fetchall()
        return [_action(r) for r in rows]

    def action_context(self, ids: Sequence[str]) -> dict[str, tuple[str | None, str | None, str | None, str | None]]:
        """What merging and exporting the records of these articles needs: article id -> (outlet, original id if
        a reprint, event id, story id)."""
        return {
            r[0]: (r[1], r[2], r[3], r[4])
            for r in self._con.execute(
                "SELECT a.id, a.source, r.original_id, ea.event_id, e.story_id FROM articles a "
                "LEFT JOIN reprints r ON r.article_id = a.id LEFT JOIN event_articles ea ON ea.article_id = a.id "
                "LEFT JOIN events e ON e.id = ea.event_id WHERE a.id IN (SELECT unnest(?))",
                [list(ids)],
            ).fetchall()
        }


def _action(r: tuple[Any, ...]) -> Action:
    source = Actor(r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15], r[32], r[33])
    target = Actor(r[16], r[17], r[18], r[19], r[20], r[21], r[22], r[23], r[34], r[35])
    return Action(
        id=r[0], article_id=r[1], sentence=r[2], start=r[3], end=r[4], verb=r[5], verb_start=r[6], type=r[7],
        source=source, target=target, negated=bool(r[24]), mode=r[25], status=r[26], claimed_by=r[27],
        quote_id=r[28], date=r[29], date_text=r[30], place=r[31],
    )  # fmt: skip
