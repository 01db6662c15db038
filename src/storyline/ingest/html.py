"""HTML pages: main text and metadata with trafilatura, the full publication timestamp from meta tags."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass

import lxml.html
import trafilatura
import trafilatura.settings
from lxml import etree

from storyline.errors import InputError
from storyline.ingest.dates import is_plausible

# trafilatura logs every page it cannot parse; storyline reports those itself.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True)
_PUBLISHED_META = (
    "article:published_time", "og:published_time", "datePublished", "date", "pubdate", "publishdate",
    "dc.date", "dc.date.issued", "sailthru.date", "parsely-pub-date", "dcterms.created",
)  # fmt: skip


@dataclass(frozen=True)
class ExtractedPage:
    """What extraction found in one HTML page."""

    text: str  # main text, one paragraph per line
    title: str | None
    author: str | None
    published: str | None  # as the page states it; parsed by the caller
    source: str | None
    url: str | None
    description: str | None


def extract_html(html: str, url: str | None = None) -> ExtractedPage:
    """Extract the article from a page. Raises InputError when the page holds no article text."""
    try:
        # Comments inside paragraphs make trafilatura drop the text after them: parse without them.
        tree = lxml.html.document_fromstring(html, parser=_PARSER)
    except (etree.LxmlError, ValueError, RecursionError) as exc:
        raise InputError(f"not parseable as HTML: {exc}") from exc
    published = _published_from_meta(tree)
    try:
        doc = trafilatura.bare_extraction(
            tree, url=url, with_metadata=True, include_comments=False, include_tables=True
        )
    except Exception as exc:  # a page that breaks the extractor (e.g. nested too deeply) is skipped, not fatal
        raise InputError(f"the page could not be extracted ({type(exc).__name__}: {str(exc)[:200]})") from exc
    if not isinstance(doc, trafilatura.settings.Document) or not (doc.text or "").strip():
        raise InputError("no article text found in the page", "no article text")
    return ExtractedPage(
        text=doc.text or "",
        title=_clean(doc.title),
        author=_clean(doc.author),
        published=published or _plausible(_clean(doc.date)),
        source=_clean(doc.sitename),
        url=_clean(doc.url) or url,
        description=_clean(doc.description),
    )


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _plausible(value: str | None) -> str | None:
    return value if value and is_plausible(value) else None


def _published_from_meta(tree: lxml.html.HtmlElement) -> str | None:
    """The full timestamp (with its offset) from meta tags, JSON-LD or <time>; htmldate keeps only the day.

    Placeholders (0001-01-01, epoch zero) and impossible values are passed over, so a later tag, the
    page's URL (htmldate) or the feed's date can give the date instead.
    """
    return next((v for v in _published_candidates(tree) if is_plausible(v)), None)


def _published_candidates(tree: lxml.html.HtmlElement) -> Iterator[str]:
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in (k.lower() for k in _PUBLISHED_META) and meta.get("content", "").strip():
            yield meta.get("content").strip()
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            yield from _published_from_jsonld(script.text)
    for time in tree.iter("time"):
        if time.get("datetime", "").strip() and (time.get("pubdate") is not None or time.get("itemprop")):
            yield time.get("datetime").strip()


def _published_from_jsonld(text: str) -> Iterator[str]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            value = item.get("datePublished")
            if isinstance(value, str) and value.strip():
                yield value.strip()
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
