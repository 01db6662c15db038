"""Exports: the JSON document of everything (docs/schema.md), JSON Lines, Parquet and CSV of articles."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from storyline import __version__
from storyline.errors import ConfigError
from storyline.model import (
    Action,
    Article,
    Citation,
    Entity,
    Event,
    Quote,
    Story,
    SummarySentence,
    TimeExpression,
    TimelineEntry,
)
from storyline.store import ArticleFilter, Store

EXPORT_FORMATS = ("json", "jsonl", "parquet", "csv")
EXPORT_SCHEMA_VERSION = 1
_PAGE = 1000


def article_to_dict(article: Article) -> dict[str, Any]:
    """The exported shape of an article (docs/schema.md)."""
    return {
        "id": article.id,
        "source": article.source,
        "title": article.title,
        "dek": article.dek,
        "author": article.author,
        "published": _iso(article.published),
        "url": article.url,
        "language": article.language,
        "text": article.text,
        "origin": article.origin,
        "format": article.format,
        "ingested_at": _iso(article.ingested_at),
        "metadata": article.metadata,
    }


def export(store: Store, path: Path, fmt: str, flt: ArticleFilter | None = None) -> int:
    """Write the store's articles to ``path`` in ``fmt``; returns how many articles were written.

    The file is written beside its destination and renamed into place, so a failed export never
    leaves a half-written file under the final name.
    """
    if fmt not in EXPORT_FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    flt = flt or ArticleFilter()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    try:
        if fmt in ("parquet", "csv"):
            store.copy_articles(partial, fmt, flt)
            count = store.count_articles(flt)
        else:
            with partial.open("w", encoding="utf-8") as out:
                count = _write_json(store, flt, out, lines=fmt == "jsonl")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return count


def _write_json(store: Store, flt: ArticleFilter, out: TextIO, *, lines: bool) -> int:
    count = 0
    if not lines:
        header = {
            "schema_version": EXPORT_SCHEMA_VERSION,
            "generator": f"storyline {__version__}",
            "exported_at": _iso(datetime.now(timezone.utc)),
        }
        out.write(json.dumps(header, ensure_ascii=False)[:-1] + ', "articles": [')
    for article in _paged(store, flt):
        record = json.dumps(article_to_dict(article), ensure_ascii=False, default=str)
        if lines:
            out.write(record + "\n")
        else:
            out.write(("," if count else "") + "\n  " + record)
        count += 1
    if not lines:
        out.write("\n]")
        for key, records in _analysis_records(store):
            out.write(f', "{key}": [')
            for i, item in enumerate(records):
                out.write(("," if i else "") + "\n  " + json.dumps(item, ensure_ascii=False, default=str))
            out.write("\n]")
        out.write("}\n")
    return count


def _analysis_records(store: Store) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
    yield "entities", (entity_to_dict(e) for e in store.entities(limit=None))
    yield "quotes", (quote_to_dict(q) for q in store.quotes())
    yield "times", (time_to_dict(t) for t in store.times())
    yield "actions", (a.to_dict() for a in store.actions())
    yield "events", (event_to_dict(e) for e in store.event_rows())
    yield "stories", (story_to_dict(s) for s in store.story_rows())


ACTION_FORMATS = ("jsonl", "parquet")
# The columns of an action export, with their Parquet types (docs/schema.md, "Action records").
ACTION_COLUMNS: dict[str, str] = {
    "id": "VARCHAR",
    "event_type": "VARCHAR",
    "mode": "VARCHAR",
    "negated": "BOOLEAN",
    "event_date": "VARCHAR",
    "date_text": "VARCHAR",
    "location": "VARCHAR",
    "source_actor": "VARCHAR",
    "source_actor_id": "VARCHAR",
    "source_text": "VARCHAR",
    "source_kind": "VARCHAR",
    "source_agent": "VARCHAR",
    "source_country": "VARCHAR",
    "target_actor": "VARCHAR",
    "target_actor_id": "VARCHAR",
    "target_text": "VARCHAR",
    "target_kind": "VARCHAR",
    "target_agent": "VARCHAR",
    "target_country": "VARCHAR",
    "event_text": "VARCHAR",
    "article_id": "VARCHAR",
    "sentence": "INTEGER",
    "start": "INTEGER",
    "end": "INTEGER",
    "status": "VARCHAR",
    "claimed_by": "VARCHAR",
    "quote_id": "VARCHAR",
    "sentence_text": "VARCHAR",
    "event_id": "VARCHAR",
    "story_id": "VARCHAR",
}


def export_actions(actions: Sequence[Action], texts: dict[tuple[str, int], str], events: dict[str, tuple[str, str]],
                   path: Path, fmt: str) -> int:  # fmt: skip
    """Write action records as JSON Lines or Parquet (one row per record, with its sentence and event);
    written beside ``path`` and renamed into place. Returns the number of records."""
    if fmt not in ACTION_FORMATS:
        raise ConfigError(f"unknown action export format {fmt!r}; choose one of {', '.join(ACTION_FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    lines = partial.with_name(partial.name + ".jsonl")
    try:
        with lines.open("w", encoding="utf-8") as out:
            for a in actions:
                record = a.to_dict()
                record["sentence_text"] = texts.get((a.article_id, a.sentence))
                record["event_id"], record["story_id"] = events.get(a.article_id, (None, None))
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        if fmt == "jsonl":
            os.replace(lines, path)
            return len(actions)
        import duckdb

        columns = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in ACTION_COLUMNS.items()) + "}"
        con = duckdb.connect()
        try:
            source = str(lines).replace("'", "''")
            target = str(partial).replace("'", "''")
            con.execute(
                f"COPY (SELECT * FROM read_json('{source}', format = 'newline_delimited', columns = {columns})) "
                f"TO '{target}' (FORMAT parquet)"
            )
        finally:
            con.close()
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
        lines.unlink(missing_ok=True)
    return len(actions)


def entity_to_dict(entity: Entity) -> dict[str, Any]:
    return {
        "id": entity.id,
        "name": entity.name,
        "type": entity.type,
        "aliases": list(entity.aliases),
        "titles": [
            {"title": t.title, "article_id": t.article_id, "start": t.start, "end": t.end} for t in entity.titles
        ],
        "article_ids": list(entity.article_ids),
        "mentions": entity.mentions,
    }


def quote_to_dict(quote: Quote) -> dict[str, Any]:
    return {
        "id": quote.id,
        "article_id": quote.article_id,
        "text": quote.text,
        "kind": str(quote.kind),
        "cue": quote.cue,
        "speaker": quote.speaker,
        "speaker_entity_id": quote.speaker_entity_id,
        "speaker_confidence": quote.speaker_confidence,
        "start": quote.start,
        "end": quote.end,
    }


def time_to_dict(time: TimeExpression) -> dict[str, Any]:
    return {
        "article_id": time.article_id,
        "text": time.text,
        "value": time.value,
        "granularity": str(time.granularity) if time.granularity else None,
        "type": str(time.type),
        "start": time.start,
        "end": time.end,
    }


def citations_to_list(citations: Sequence[Citation]) -> list[dict[str, Any]]:
    return [{"article_id": c.article_id, "sentence": c.sentence} for c in citations]


def summary_to_list(summary: Sequence[SummarySentence]) -> list[dict[str, Any]]:
    return [{"text": s.text, "kind": s.kind, "citations": citations_to_list(s.citations)} for s in summary]


def timeline_to_list(entries: Sequence[TimelineEntry]) -> list[dict[str, Any]]:
    return [
        {"date": t.date, "granularity": str(t.granularity), "text": t.text, "citations": citations_to_list(t.citations)}
        for t in entries
    ]


def event_to_dict(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "story_id": event.story_id,
        "title": event.title,
        "article_ids": list(event.article_ids),
        "first": _iso(event.first),
        "last": _iso(event.last),
        "sources": list(event.sources),
        "independent_sources": event.independent,
        "summary": summary_to_list(event.summary),
        "timeline": timeline_to_list(event.timeline),
    }


def story_to_dict(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "title": story.title,
        "event_ids": list(story.event_ids),
        "article_ids": list(story.article_ids),
        "first": _iso(story.first),
        "last": _iso(story.last),
        "sources": list(story.sources),
        "independent_sources": story.independent,
        "entity_ids": list(story.entities),
        "summary": summary_to_list(story.summary),
        "timeline": timeline_to_list(story.timeline),
    }


def _paged(store: Store, flt: ArticleFilter) -> Iterator[Article]:
    remaining = flt.limit
    offset = flt.offset
    while remaining is None or remaining > 0:
        size = _PAGE if remaining is None else min(_PAGE, remaining)
        page = store.articles(replace(flt, limit=size, offset=offset))
        yield from page
        if len(page) < size:
            return
        offset += size
        remaining = None if remaining is None else remaining - size


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
