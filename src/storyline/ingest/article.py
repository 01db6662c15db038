"""From a RawDocument to a clean Article: extraction, cleaning, metadata, language, identity."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone, tzinfo
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from storyline.errors import InputError
from storyline.ingest.clean import CleaningRules, clean_text
from storyline.ingest.dates import date_from_url, is_plausible, parse_published
from storyline.ingest.html import extract_html
from storyline.ingest.language import UNDETERMINED, detect_language
from storyline.model import Article, RawDocument, RemovedLine

MIN_WORDS = 3  # fewer words than this is not an article (e.g. a page whose only text is its menu)
_TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|ref|smid)$", re.IGNORECASE)


@dataclass(frozen=True)
class BuildOptions:
    """What every article of one ingest shares: rules, fallbacks given by the caller, time zone."""

    rules: CleaningRules
    source: str | None = None  # used when the input names no source
    published: str | None = None  # used when the input gives no date
    default_tz: tzinfo = timezone.utc
    min_language_chars: int = 40


@dataclass
class Built:
    article: Article
    warnings: list[str] = field(default_factory=list)


def build_article(raw: RawDocument, options: BuildOptions) -> Built:
    """Extract (HTML), clean, date, identify and hash one document. Raises InputError when nothing is left."""
    warnings: list[str] = []
    if raw.html is not None and not raw.body.strip():
        raw = _with_extraction(raw)
    body, headline_removed = _drop_repeated_headline(raw.body, raw.title)
    cleaned = clean_text(body, options.rules)
    text = cleaned.text
    if len(text.split()) < MIN_WORDS:
        detail = (
            "no article text left after cleaning" if not text.strip() else f"only {len(text.split())} word(s) of text"
        )
        raise InputError(detail, "no article text")
    url = _clean_field(raw.url)
    published = _published(raw, url, options, warnings)
    language, score = _language(raw.language, text, options.min_language_chars)
    content_hash = hashlib.sha256(_normalize_for_hash(raw.title, text).encode("utf-8")).hexdigest()
    article = Article(
        id=_article_id(raw.id, url, content_hash),
        text=text,
        title=_clean_field(raw.title),
        dek=_clean_field(raw.dek),
        author=_clean_field(raw.author) or (", ".join(cleaned.authors) or None),
        source=_clean_field(raw.source) or _clean_field(options.source),
        url=url,
        published=published,
        language=language,
        language_score=score,
        content_hash=content_hash,
        origin=raw.origin,
        format=raw.format,
        ingested_at=datetime.now(timezone.utc),
        metadata=dict(raw.metadata),
        removed=tuple(sorted(headline_removed + list(cleaned.removed), key=lambda r: r.line_no)),
    )
    return Built(article, warnings)


def _published(raw: RawDocument, url: str | None, options: BuildOptions, warnings: list[str]) -> datetime | None:
    """The input's date when it is plausible; else (a placeholder, an impossible value) the URL's date."""
    given = raw.published if raw.published not in (None, "") else options.published
    if given in (None, ""):
        return None
    try:
        return parse_published(given, options.default_tz)
    except InputError as exc:
        from_url = date_from_url(url, options.default_tz)
        if from_url is not None:
            warnings.append(f"{raw.origin}: {exc}; the date in its URL ({from_url.date()}) is used")
            return from_url
        warnings.append(f"{raw.origin}: {exc}; stored without a date")
        return None


def fingerprint(raw: RawDocument) -> str:
    """A hash of one input document as read: the same input twice is known without building it again."""
    parts = (raw.format, raw.id or "", raw.url or "", raw.title or "", raw.body, raw.html or "")
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _with_extraction(raw: RawDocument) -> RawDocument:
    page = extract_html(raw.html or "", raw.url)
    return replace(
        raw,
        body=page.text,
        title=raw.title or page.title,
        dek=raw.dek or page.description,
        author=raw.author or (page.author.replace("; ", ", ") if page.author else None),
        source=raw.source or page.source,
        url=raw.url or page.url,
        published=raw.published if _has_date(raw.published) or not page.published else page.published,
    )


def _has_date(value: object) -> bool:
    return value not in (None, "") and is_plausible(value)


def _drop_repeated_headline(body: str, title: str | None) -> tuple[str, list[RemovedLine]]:
    """Extraction often repeats the headline as the first line of the body; blank it, keep line numbers."""
    if not title:
        return body, []
    lines = body.split("\n")
    for index, line in enumerate(lines):
        if line.strip():
            if _squash(line) == _squash(title):
                lines[index] = ""
                return "\n".join(lines), [RemovedLine(index, line.strip(), "headline")]
            break
    return body, []


def _squash(text: str) -> str:
    return " ".join(text.lower().lstrip("#").split())


def _language(given: str | None, text: str, min_chars: int) -> tuple[str, float | None]:
    if given and given.strip():
        code = given.strip().lower().replace("_", "-").split("-")[0]
        if re.fullmatch(r"[a-z]{2,3}", code):
            return code, None
    lang, score = detect_language(text, min_chars)
    return (lang if lang else UNDETERMINED), score


def _clean_field(value: str | None) -> str | None:
    if value is None:
        return None
    text = " ".join(value.split())
    return text or None


def _normalize_for_hash(title: str | None, text: str) -> str:
    return " ".join(f"{title or ''}\n{text}".lower().split())


def normalize_url(url: str) -> str:
    """A URL without fragment, tracking parameters or trailing slash, with lower-case scheme and host."""
    parts = urlsplit(url.strip())
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_PARAMS.match(k)]
    )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


def _article_id(caller_id: str | None, url: str | None, content_hash: str) -> str:
    """The caller's id, else a hash of the normalized URL, else of the content."""
    if caller_id:
        return caller_id
    if url:
        return hashlib.sha256(normalize_url(url).encode("utf-8")).hexdigest()[:16]
    return content_hash[:16]
