"""JSON and JSON Lines: one article per line or object, with known fields and metadata for the rest."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from storyline.errors import InputError
from storyline.model import RawDocument

KNOWN_FIELDS = ("id", "text", "html", "title", "dek", "author", "source", "url", "published", "language")
# Common spellings of the same fields in other tools' dumps.
ALIASES = {
    "body": "text", "content": "text", "maintext": "text", "article": "text",
    "headline": "title", "byline": "author", "authors": "author", "outlet": "source",
    "site_name": "source", "sitename": "source", "publisher": "source", "link": "url",
    "date": "published", "date_publish": "published", "published_at": "published",
    "publish_date": "published", "pubdate": "published", "lang": "language", "description": "dek",
}  # fmt: skip


def record_to_document(record: Any, origin: str) -> RawDocument:
    """Turn one JSON object into a RawDocument; raises InputError naming what is wrong."""
    try:
        return _record_to_document(record, origin)
    except InputError:
        raise
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # e.g. an id too big to print
        raise InputError(f"unusable record ({type(exc).__name__}: {str(exc)[:200]})") from exc


def _record_to_document(record: Any, origin: str) -> RawDocument:
    if not isinstance(record, dict):
        raise InputError(f"expected a JSON object, got {type(record).__name__}")
    fields: dict[str, Any] = {}
    metadata: dict[str, Any] = {}
    for key, value in record.items():
        name = str(key).strip().lower()
        name = ALIASES.get(name, name)
        if name in KNOWN_FIELDS and name not in fields:
            fields[name] = value
        else:
            metadata[str(key)] = value
    text = _as_text(fields.get("text"), "text")
    html = _as_text(fields.get("html"), "html")
    if not (text and text.strip()) and not (html and html.strip()):
        raise InputError("no 'text' or 'html' field with article text", "no article text")
    raw_id = fields.get("id")
    if raw_id is not None and not isinstance(raw_id, str | int):
        raise InputError(f"'id' must be a string or a number, got {type(raw_id).__name__}")
    return RawDocument(
        origin=origin,
        format="html" if html and not (text and text.strip()) else "json",
        body=text or "",
        html=html,
        id=(str(raw_id).strip() or None) if raw_id is not None else None,
        title=_as_text(fields.get("title"), "title"),
        dek=_as_text(fields.get("dek"), "dek"),
        author=_author(fields.get("author")),
        source=_as_text(fields.get("source"), "source"),
        url=_as_text(fields.get("url"), "url"),
        published=fields.get("published"),
        language=_as_text(fields.get("language"), "language"),
        metadata=metadata,
    )


def iter_json_lines(lines: Iterator[tuple[int, str]], origin: str) -> Iterator[RawDocument | InputError]:
    """Parse (line number, line) pairs; yields a document or an InputError per non-blank line."""
    for number, line in lines:
        if not line.strip():
            continue
        where = f"{origin}:{number}"
        try:
            record = json.loads(line)
        except ValueError as exc:
            yield InputError(f"{where}: not valid JSON ({exc.args[0] if exc.args else exc})")
            continue
        except RecursionError:
            yield InputError(f"{where}: JSON nested too deeply to read")
            continue
        try:
            yield record_to_document(record, where)
        except InputError as exc:
            yield InputError(f"{where}: {exc}")


def iter_json_document(data: Any, origin: str) -> Iterator[RawDocument | InputError]:
    """A whole .json file: one object, a list of objects, or {"articles": [...]} (storyline's export)."""
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    items = data if isinstance(data, list) else [data]
    for index, record in enumerate(items):
        where = f"{origin}[{index}]" if isinstance(data, list) else origin
        try:
            yield record_to_document(record, where)
        except InputError as exc:
            yield InputError(f"{where}: {exc}")


def _as_text(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise InputError(f"field '{name}' must be a string, got {type(value).__name__}")


def _author(value: Any) -> str | None:
    if isinstance(value, list):
        names = [str(v).strip() for v in value if str(v).strip()]
        return ", ".join(names) or None
    return _as_text(value, "author")
