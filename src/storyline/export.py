"""Exports: the JSON document of everything (docs/schema.md), JSON Lines, Parquet and CSV of articles."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from storyline import __version__
from storyline.errors import ConfigError
from storyline.model import Action, Article

EXPORT_FORMATS = ("json", "jsonl", "parquet", "csv")
EXPORT_SCHEMA_VERSION = 1
Sections = Iterable[tuple[str, Iterable[dict[str, Any]]]]


def export(path: Path, fmt: str, articles: Iterable[Article], sections: Sections = (),
           copy: Callable[[Path], int] | None = None) -> int:  # fmt: skip
    """Write ``articles`` to ``path`` in ``fmt``; returns how many articles were written.

    ``json`` writes a document with a header, the articles and ``sections`` (each a key and its records:
    entities, quotes, ...); ``jsonl`` one article per line. ``parquet`` and ``csv`` are columnar copies made
    by ``copy`` (given the path to write, it returns the count). The file is written beside its destination
    and renamed into place, so a failed export never leaves a half-written file under the final name.
    """
    if fmt not in EXPORT_FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    try:
        if fmt in ("parquet", "csv"):
            if copy is None:
                raise ConfigError(f"no columnar copy given for a {fmt} export")
            count = copy(partial)
        else:
            with partial.open("w", encoding="utf-8") as out:
                count = _write_json(articles, sections, out, lines=fmt == "jsonl")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return count


def _write_json(articles: Iterable[Article], sections: Sections, out: TextIO, *, lines: bool) -> int:
    count = 0
    if not lines:
        header = {
            "schema_version": EXPORT_SCHEMA_VERSION,
            "generator": f"storyline {__version__}",
            "exported_at": datetime.now(timezone.utc).isoformat(),
        }
        out.write(json.dumps(header, ensure_ascii=False)[:-1] + ', "articles": [')
    for article in articles:
        record = json.dumps(article.to_dict(), ensure_ascii=False, default=str)
        if lines:
            out.write(record + "\n")
        else:
            out.write(("," if count else "") + "\n  " + record)
        count += 1
    if not lines:
        out.write("\n]")
        for key, records in sections:
            out.write(f', "{key}": [')
            for i, item in enumerate(records):
                out.write(("," if i else "") + "\n  " + json.dumps(item, ensure_ascii=False, default=str))
            out.write("\n]")
        out.write("}\n")
    return count


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


def export_actions(actions: Sequence[Action], texts: Mapping[tuple[str, int], str],
                   events: Mapping[str, tuple[str | None, str | None]], path: Path, fmt: str,
                   to_parquet: Callable[[Path, Path, dict[str, str]], None]) -> int:  # fmt: skip
    """Write action records as JSON Lines or Parquet (one row per record, with its sentence and event);
    written beside ``path`` and renamed into place. ``to_parquet(jsonl, parquet, columns)`` is the store's
    columnar copy. Returns the number of records."""
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
        to_parquet(lines, partial, ACTION_COLUMNS)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
        lines.unlink(missing_ok=True)
    return len(actions)
