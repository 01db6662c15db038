"""Plain-text and Markdown articles: an optional header block, a headline, a standfirst, the body.

Layout understood (every part optional)::

    Source: Meridian Post              <- header block: "Key: value" lines, keys below
    Published: 2018-06-07T09:30:00-04:00

    Headline on one line               <- or "# Headline" in Markdown
    A standfirst of one or two sentences.

    By Jane Doe                        <- left in the body: the cleaner moves bylines to author
    SINGAPORE — The body ...

The headline is the first block when it is one short line that does not read as a body sentence. The
standfirst (dek) is the block after it when it is short and is followed by a byline or a dateline
paragraph, or is set in Markdown emphasis; otherwise it stays in the body, so nothing is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HEADER_KEYS = {
    "title": "title", "headline": "title", "source": "source", "outlet": "source", "publisher": "source",
    "author": "author", "authors": "author", "byline": "author", "published": "published", "date": "published",
    "url": "url", "link": "url", "language": "language", "lang": "language", "id": "id", "dek": "dek",
    "standfirst": "dek", "summary": "dek",
}  # fmt: skip
_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z _-]{0,20}):\s*(.*)$")
# "By Jane Doe", "BY JANE DOE", "By Jane Doe and John Roe, Capital Wire Service" (not "By the Lake").
_BYLINE = re.compile(r"^(?:By|BY|by)\s+[A-Z][\w.'’-]*(?:(?:\s+|\s*,\s*)(?:[A-Z][\w.'’-]*|and|&|of|the))*\s*$")
# "WASHINGTON —", "SINGAPORE (Capital Wire) -", "WOODSIDE, Calif. –": an all-caps place, then a dash.
_DATELINE = re.compile(r"^[A-Z][A-Z .,'’&-]{1,40}(?:,\s*[A-Z][A-Za-z.]{1,12})?\s*(?:\([^)]{1,40}\))?\s*[—–-]{1,2}\s")
_MAX_TITLE_CHARS = 200
_MAX_DEK_WORDS = 60
_EMPHASIS = re.compile(r"^(\*{1,2}|_{1,2})(.+?)\1$", re.DOTALL)


@dataclass
class ParsedText:
    """What the text reader found; ``body`` still holds bylines and boilerplate for the cleaner."""

    headers: dict[str, str] = field(default_factory=dict)
    title: str | None = None
    dek: str | None = None
    body: str = ""


def parse_text(text: str, markdown: bool = False) -> ParsedText:
    """Split a plain-text or Markdown article into header fields, headline, standfirst and body."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    headers, lines = _take_front_matter(lines) if markdown else ({}, lines)
    more, lines = _take_header_block(lines)
    headers.update(more)
    blocks = _blocks(lines)
    if markdown and blocks and len(blocks[0]) > 1 and blocks[0][0].lstrip().startswith("#"):
        blocks[0:1] = [blocks[0][:1], blocks[0][1:]]  # a heading glued to the first paragraph
    title = headers.pop("title", None)
    dek = headers.pop("dek", None)
    if title is None and blocks and (head := _headline(blocks[0], markdown)) is not None:
        title = head
        blocks = blocks[1:]
    if dek is None and title is not None and len(blocks) >= 2 and (lead := _standfirst(blocks[0], blocks[1])):
        dek = lead
        blocks = blocks[1:]
    body = "\n\n".join("\n".join(b) for b in blocks)
    return ParsedText(headers=headers, title=title, dek=dek, body=body)


def _take_front_matter(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """YAML-like front matter between '---' lines (simple 'key: value' pairs only)."""
    if not lines or lines[0].strip() != "---":
        return {}, lines
    for end in range(1, min(len(lines), 60)):
        if lines[end].strip() in ("---", "..."):
            headers, _ = _take_header_block(lines[1:end])
            return headers, lines[end + 1 :]
    return {}, lines


def _take_header_block(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """'Key: value' lines at the very top, with known keys only, up to the first blank line."""
    headers: dict[str, str] = {}
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    i = start
    while i < len(lines) and lines[i].strip():
        match = _HEADER_LINE.match(lines[i].strip())
        key = HEADER_KEYS.get(match.group(1).strip().lower()) if match else None
        if match is None or key is None:
            return ({}, lines) if i == start else (headers, lines[i:])
        value = match.group(2).strip().strip('"').strip("'")
        if value:
            headers[key] = value
        i += 1
    return headers, lines[i:]


def _blocks(lines: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _headline(block: list[str], markdown: bool) -> str | None:
    first = block[0].strip()
    if markdown and first.startswith("#"):
        return first.lstrip("#").strip() or None
    if len(block) != 1 or len(first) > _MAX_TITLE_CHARS or _DATELINE.match(first) or _BYLINE.match(first):
        return None
    if first.endswith((".", ",", ";", ":")) and len(first.split()) > 12:
        return None
    return first


def _standfirst(block: list[str], following: list[str]) -> str | None:
    text = " ".join(line.strip() for line in block)
    match = _EMPHASIS.match(text)
    if match:
        return match.group(2).strip()
    if len(text.split()) > _MAX_DEK_WORDS or _BYLINE.match(text) or _DATELINE.match(text):
        return None
    nxt = following[0].strip()
    if _BYLINE.match(nxt) or _DATELINE.match(nxt) or _bare_name(nxt):
        return text
    return None


def _bare_name(line: str) -> bool:
    """A byline without 'By': 'Jane Doe ,' alone on a line."""
    return bool(re.fullmatch(r"[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3}\s*,", line))
