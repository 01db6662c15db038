"""Feeds: RSS 2.0 and Atom (feedparser), JSON Feed, OPML subscription lists, and feed item -> RawDocument."""

from __future__ import annotations

import hashlib
import io
import json
from html import escape as escape_html
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
from lxml import etree

from storyline.errors import InputError
from storyline.ingest.dates import is_plausible
from storyline.ingest.edge import normalize_text
from storyline.ingest.html import extract_html
from storyline.model import FeedEntry, ParsedFeed, RawDocument

_BENIGN = (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)  # served as text/html, etc.
_JSON_FEED = "https://jsonfeed.org/version/"
_MAX_KEY = 2048  # an item key longer than this is cut (it is only an identity)
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse_feed(content: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse a feed document. Raises InputError (with a SkipReason value) when it is not a usable feed."""
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise InputError("the feed is empty", "empty")
    if b"\x00" in content[:4096]:
        raise InputError("the feed is binary data, not a feed document", "binary")
    if head.startswith((b"{", b"[")):
        return _parse_json_feed(content)
    try:
        parsed = feedparser.parse(
            io.BytesIO(content),  # never a str: feedparser would take it for a path or URL and open it
            response_headers={"content-location": url, "content-type": content_type or "application/xml"},
            sanitize_html=False,  # pages are extracted by trafilatura, and HTML is never rendered
        )
    except Exception as failure:  # the parser's own failure on a hostile document: the feed is skipped
        detail = f"{type(failure).__name__}: {str(failure)[:200]}"
        raise InputError(f"the feed could not be parsed ({detail})") from failure
    version = str(parsed.get("version") or "")
    exc = parsed.get("bozo_exception")
    problem = str(exc) or type(exc).__name__ if exc is not None and not isinstance(exc, _BENIGN) else None
    if not version:
        raise InputError("not an RSS, Atom or JSON feed" + (f": {problem}" if problem else ""))
    entries = tuple(e for e in (_feedparser_entry(item) for item in parsed.entries) if e is not None)
    if problem and not entries:
        raise InputError(f"malformed feed: {problem}")
    kind = "atom" if version.startswith("atom") else "rss"
    return ParsedFeed(kind=kind, title=_text(parsed.feed.get("title")), entries=entries, problem=problem)


def _feedparser_entry(item: Any) -> FeedEntry | None:
    link = _text(item.get("link"))
    title = _text(item.get("title"))
    content = item.get("content") or []
    html = _text(content[0].get("value")) if content else None
    html = html or _text(item.get("summary"))
    key = _text(item.get("id")) or link or _hash(title, html)
    if key is None:
        return None
    published = _text(item.get("published")) or _text(item.get("updated"))
    return FeedEntry(key=key[:_MAX_KEY], url=link, title=title, author=_text(item.get("author")), published=published,
                     content_html=html)  # fmt: skip


def _parse_json_feed(content: bytes) -> ParsedFeed:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise InputError("not a usable JSON Feed: nested too deeply") from exc
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(_JSON_FEED):
        raise InputError(f"JSON, but not a JSON Feed (no version starting with {_JSON_FEED})")
    items = data.get("items")
    if not isinstance(items, list):
        raise InputError("JSON Feed without an items list")
    entries: list[FeedEntry] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        entry = _json_feed_entry(item)
        if entry is not None:
            entries.append(entry)
    return ParsedFeed(kind="json", title=_text(data.get("title")), entries=tuple(entries))


def _json_feed_entry(item: dict[str, Any]) -> FeedEntry | None:
    link = _text(item.get("url")) or _text(item.get("external_url"))
    title = _text(item.get("title"))
    text = item.get("content_text")
    html = _text(item.get("content_html")) or _html_from_text(text if isinstance(text, str) else None)
    html = html or _text(item.get("summary"))
    key = _text(item.get("id")) or link or _hash(title, html)
    if key is None:
        return None
    authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
    if not isinstance(authors, list):
        authors = []
    names = [_text(a.get("name")) for a in authors if isinstance(a, dict)]
    published = _text(item.get("date_published")) or _text(item.get("date_modified"))
    return FeedEntry(key[:_MAX_KEY], link, title, ", ".join(n for n in names if n) or None, published, html)


def parse_opml(path: Path) -> list[str]:
    """The feed URLs (``xmlUrl``) of an OPML subscription list, in document order, without repeats."""
    try:
        tree = etree.fromstring(path.read_bytes(), parser=_XML_PARSER)
    except OSError as exc:
        raise InputError(f"{path}: cannot read the OPML file: {exc}", "unreadable") from exc
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{path}: not valid OPML (XML): {exc}") from exc
    urls: list[str] = []
    for outline in tree.iter("outline"):
        url = next((v for k, v in outline.attrib.items() if str(k).lower() == "xmlurl"), None)
        if url and url.strip():
            urls.append(url.strip())
    if not urls:
        raise InputError(f"{path}: no feeds in the OPML file (no <outline xmlUrl=...>)", "empty")
    return list(dict.fromkeys(urls))


def entry_document(
    entry: FeedEntry, feed_url: str, feed_title: str | None, html: str | None, fetched_url: str | None = None
) -> RawDocument:
    """The document of one feed item: its page (``html``) extracted, the feed's metadata filling gaps.

    Without a page, the content the feed carries is the document. The item's link is the article URL,
    so an item seen again (in this feed or another) is known by it. Raises InputError when the page holds
    no article text.
    """
    metadata: dict[str, Any] = {"feed": feed_url, "feed_item": entry.key}
    if fetched_url and fetched_url != entry.url:
        metadata["fetched_url"] = fetched_url
    origin = entry.url or f"{feed_url}#{entry.key}"
    if html is None:
        if not entry.content_html:
            raise InputError("the feed item has neither a link nor content", "no article text")
        return RawDocument(origin=origin, format="html", html=entry.content_html, title=entry.title,
                           author=entry.author, source=feed_title, url=entry.url, published=entry.published,
                           metadata=metadata)  # fmt: skip
    page = extract_html(html, fetched_url or entry.url)
    return RawDocument(
        origin=origin,
        format="html",
        body=page.text,
        html=html,
        title=page.title or entry.title,
        dek=page.description,
        author=page.author.replace("; ", ", ") if page.author else entry.author,
        source=_site_name(page.source, fetched_url or entry.url) or feed_title,
        url=entry.url or page.url,
        published=_published(page.published, entry.published),
        metadata=metadata,
    )


def _site_name(name: str | None, url: str | None) -> str | None:
    """The page's site name, unless it is only the host name (trafilatura's fallback): then the feed's title."""
    host = (urlsplit(url).netloc if url else "").lower().removeprefix("www.")
    return None if name is None or name.lower().removeprefix("www.") == host else name


def _published(page: str | None, feed: str | None) -> str | None:
    """The page's date when it has a time of day (a meta tag); else the feed's, which usually has one.

    A placeholder or impossible date on either side never wins over a plausible one on the other.
    """
    if page and not is_plausible(page):
        page = None
    if feed and not is_plausible(feed):
        feed = None
    if page and ("T" in page or ":" in page):
        return page
    return feed or page


def _text(value: object) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = " ".join(normalize_text(str(value) if not isinstance(value, int) or abs(value) < 10**100 else "").split())
    return text or None


def _hash(*parts: str | None) -> str | None:
    joined = "\x1f".join(p or "" for p in parts)
    if not joined.strip("\x1f"):
        return None
    return "sha256:" + hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _html_from_text(text: str | None) -> str | None:
    paragraphs = [p for p in (text or "").split("\n\n") if p.strip()]
    return "".join(f"<p>{escape_html(p)}</p>" for p in paragraphs) or None
