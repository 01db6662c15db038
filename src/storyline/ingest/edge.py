"""Validation at the edge: every document is normalized here once, whichever way it came in.

Text loses NUL characters and gets U+FFFD for lone surrogates; metadata is bounded in nesting and made
JSON-safe; a URL that cannot be parsed (bad IPv6 literal, port out of range) is dropped with a warning.
Nothing after this point has to guard against such values.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from storyline.errors import InputError
from storyline.model import RawDocument

MAX_DEPTH = 32  # nesting of a record's metadata (objects and lists inside objects and lists)
MAX_URL_CHARS = 8192
MAX_KEY_CHARS = 1024


def normalize_text(text: str) -> str:
    """``text`` without NUL characters and with every lone surrogate replaced by U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # a valid pair of surrogates becomes its character; a lone one becomes U+FFFD
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text.replace("\x00", "") if "\x00" in text else text


def normalize_value(value: Any, depth: int = 0) -> Any:
    """A JSON-safe copy of a metadata value; raises InputError when it is nested too deeply."""
    if depth > MAX_DEPTH:
        raise InputError(f"metadata nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, str):
        return normalize_text(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value if abs(value) < 1 << 63 else str(value) if value.bit_length() < 4000 else None
    if isinstance(value, float):
        return value if math.isfinite(value) else None  # NaN and Infinity are not JSON
    if isinstance(value, dict):
        return {normalize_text(str(k))[:MAX_KEY_CHARS]: normalize_value(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalize_value(v, depth + 1) for v in value]
    return normalize_text(str(value))


def checked_url(url: str | None) -> tuple[str | None, str | None]:
    """(the URL, None) when it parses; (None, why) when it does not, so the article is kept without it."""
    if url is None or not url.strip():
        return None, None
    if len(url) > MAX_URL_CHARS:
        return None, f"URL longer than {MAX_URL_CHARS} characters"
    try:
        parts = urlsplit(url.strip())
        _ = parts.port  # raises ValueError for a port out of range or not a number
        _ = parts.hostname
    except ValueError as exc:
        return None, f"URL {url[:200]!r} cannot be parsed ({exc})"
    return url, None


def clean_document(raw: RawDocument) -> tuple[RawDocument, list[str]]:
    """The document with every text field normalized and its URL checked; warnings for what was dropped.

    Raises InputError (the document is skipped) when its metadata is nested too deeply.
    """
    warnings: list[str] = []

    def text(value: str | None) -> str | None:
        return None if value is None else normalize_text(value)

    url, problem = checked_url(text(raw.url))
    if problem:
        warnings.append(f"{normalize_text(raw.origin)}: {problem}; stored without a URL")
    published = raw.published
    if isinstance(published, str):
        published = normalize_text(published)
    elif isinstance(published, dict | list | tuple):
        published = normalize_value(published)
    cleaned = replace(
        raw,
        origin=normalize_text(raw.origin),
        body=normalize_text(raw.body),
        html=text(raw.html),
        id=text(raw.id),
        title=text(raw.title),
        dek=text(raw.dek),
        author=text(raw.author),
        source=text(raw.source),
        url=url,
        published=published,
        language=text(raw.language),
        metadata=normalize_value(raw.metadata) if raw.metadata else {},
    )
    return cleaned, warnings
