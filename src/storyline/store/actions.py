"""Reads and writes of action records (table ``actions``), and their merging per event."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import duckdb

from storyline.model import Action, ActionSentence, Actor, MergedAction


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

    def merged_actions(
        self, flt: ActionFilter | None = None, symmetric: frozenset[str] = frozenset()
    ) -> list[MergedAction]:
        """Records of one happening (same source, target, type and date) merged across each event's
        articles; records of articles in no event merge within their article only. ``symmetric``: the
        types whose actors' order does not matter (the lexicon's)."""
        actions = self.actions(replace(flt or ActionFilter(), limit=None, offset=0))
        if not actions:
            return []
        ids = sorted({a.article_id for a in actions})
        meta = {
            r[0]: (r[1], r[2], r[3], r[4])
            for r in self._con.execute(
                "SELECT a.id, a.source, r.original_id, ea.event_id, e.story_id FROM articles a "
                "LEFT JOIN reprints r ON r.article_id = a.id LEFT JOIN event_articles ea ON ea.article_id = a.id "
                "LEFT JOIN events e ON e.id = ea.event_id WHERE a.id IN (SELECT unnest(?))",
                [ids],
            ).fetchall()
        }
        texts = {
            (r[0], r[1]): r[2]
            for r in self._con.execute(
                "SELECT article_id, idx, text FROM sentences WHERE article_id IN (SELECT unnest(?))", [ids]
            ).fetchall()
        }
        return merge_actions(actions, meta, texts, symmetric)


def merge_actions(
    actions: Sequence[Action],
    meta: dict[str, tuple[str | None, str | None, str | None, str | None]],
    texts: dict[tuple[str, int], str],
    symmetric: frozenset[str] = frozenset(),
) -> list[MergedAction]:
    """Group records by (event, source, target, type, date); ``meta`` maps an article id to (outlet,
    original id if a reprint, event id, story id). Symmetric types ignore the actors' order."""
    groups: dict[tuple[str, ...], list[Action]] = {}
    for a in actions:
        _, _, event, _ = meta.get(a.article_id, (None, None, None, None))
        s, t = actor_key(a.source), actor_key(a.target)
        if a.type in symmetric and t < s:
            s, t = t, s
        owner = event or f"article:{a.article_id}"
        groups.setdefault((owner, s, t, a.type, a.date or ""), []).append(a)
    merged = []
    for key, members in groups.items():
        first = members[0]
        _, _, event, story = meta.get(first.article_id, (None, None, None, None))
        sentences = []
        seen: set[tuple[str, int]] = set()
        for a in members:
            if (a.article_id, a.sentence) in seen:
                continue
            seen.add((a.article_id, a.sentence))
            outlet, original, _, _ = meta.get(a.article_id, (None, None, None, None))
            text = texts.get((a.article_id, a.sentence), "")
            sentences.append(ActionSentence(a.article_id, a.sentence, text, a.id, outlet, original))
        articles = {a.article_id for a in members}
        independent = {meta.get(i, (None, None))[1] or i for i in articles}
        negations = {a.negated for a in members}
        modes = {a.mode for a in members}
        disagreement = None
        if len(negations) > 1:
            disagreement = "sources disagree on whether it happened: some sentences deny it"
        elif len(modes) > 1 and "did" in modes:
            disagreement = "sources differ on whether it happened or is planned: " + ", ".join(sorted(modes))
        did = [a for a in members if not a.negated and a.mode == "did"]
        rep = did[0] if did else first
        merged.append(
            MergedAction(
                key="|".join(key),
                event_id=event,
                story_id=story,
                type=first.type,
                source=rep.source,
                target=rep.target,
                date=first.date,
                mode=rep.mode,
                negated=rep.negated,
                sentences=tuple(sentences),
                sources=len(independent),
                articles=len(articles),
                disagreement=disagreement,
            )
        )
    merged.sort(key=lambda m: (m.event_id or "", m.date or "", -m.sources, m.type, m.key))
    return merged


def actor_key(actor: Actor) -> str:
    """The identity of an actor across articles: its entity id, else its (country-qualified) name."""
    if actor.entity_id:
        return actor.entity_id
    name = (actor.canonical or actor.name).casefold()
    return f"{actor.country.casefold()}:{name}" if actor.kind == "group" and actor.country else name


def _action(r: tuple[Any, ...]) -> Action:
    source = Actor(r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15], r[32], r[33])
    target = Actor(r[16], r[17], r[18], r[19], r[20], r[21], r[22], r[23], r[34], r[35])
    return Action(
        id=r[0], article_id=r[1], sentence=r[2], start=r[3], end=r[4], verb=r[5], verb_start=r[6], type=r[7],
        source=source, target=target, negated=bool(r[24]), mode=r[25], status=r[26], claimed_by=r[27],
        quote_id=r[28], date=r[29], date_text=r[30], place=r[31],
    )  # fmt: skip
