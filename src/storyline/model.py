"""The data model: plain, frozen dataclasses shared by every stage.

Annotations produced by later stages are character spans into ``Article.text``, the article's one
clean text. Paragraphs in ``text`` are separated by a blank line (``"\\n\\n"``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import numpy as np

PARAGRAPH_SEPARATOR = "\n\n"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class RemovedLine:
    """One line that cleaning removed from an article, with the rule that removed it."""

    line_no: int  # 0-based index of the line in the text given to the cleaner
    text: str
    rule: str


@dataclass(frozen=True)
class Cleaned:
    """What the cleaner returns: kept paragraphs, removed lines, and authors found in bylines."""

    paragraphs: tuple[str, ...]
    removed: tuple[RemovedLine, ...] = ()
    authors: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return PARAGRAPH_SEPARATOR.join(self.paragraphs)


@dataclass(frozen=True)
class RawDocument:
    """One article as a reader found it, before cleaning: fields are what the input said."""

    origin: str  # file path, "<stdin>", or "path:line" for JSONL records
    format: str  # "text", "markdown", "html", "json"
    body: str = ""  # plain text (already extracted for HTML); lines not yet cleaned
    html: str | None = None  # raw HTML when the input was HTML, kept for re-extraction
    id: str | None = None  # the caller's id, kept as the article id
    title: str | None = None
    dek: str | None = None
    author: str | None = None
    source: str | None = None
    url: str | None = None
    published: object = None  # as the input gave it (text, epoch, datetime); parsed into Article
    language: str | None = None  # only when the input states it
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Article:
    """A clean article as stored: the unit every later stage works on."""

    id: str
    text: str
    title: str | None = None
    dek: str | None = None
    author: str | None = None
    source: str | None = None
    url: str | None = None
    published: datetime | None = None  # timezone-aware
    language: str | None = None  # ISO 639-1 code, "und" when undetermined
    language_score: float | None = None
    content_hash: str = ""
    origin: str = ""
    format: str = ""
    ingested_at: datetime | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    removed: tuple[RemovedLine, ...] = ()

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split(PARAGRAPH_SEPARATOR) if self.text else []

    @property
    def is_english(self) -> bool:
        return self.language == "en"

    def to_dict(self) -> dict[str, Any]:
        """The exported shape of an article (docs/schema.md)."""
        return {
            "id": self.id,
            "source": self.source,
            "title": self.title,
            "dek": self.dek,
            "author": self.author,
            "published": _iso(self.published),
            "url": self.url,
            "language": self.language,
            "text": self.text,
            "origin": self.origin,
            "format": self.format,
            "ingested_at": _iso(self.ingested_at),
            "metadata": self.metadata,
        }

    def brief(self) -> dict[str, Any]:
        """The article without its text, origin, format and metadata, with its length in words: for lists."""
        found = self.to_dict()
        for key in ("text", "metadata", "origin", "format"):
            found.pop(key)
        found["words"] = len(self.text.split())
        return found


class SkipReason(StrEnum):
    """Why an input was not stored. The value is shown to users."""

    EMPTY = "empty"
    BINARY = "binary"
    ENCODING = "undecodable text"
    TOO_LARGE = "too large"
    UNREADABLE = "unreadable"
    MALFORMED = "malformed"
    NO_TEXT = "no article text"
    UNSUPPORTED = "unsupported file type"
    NOT_HTML = "not an HTML page"  # a feed item's link served something else (PDF, image, ...)
    FETCH_FAILED = "fetch failed"  # network error, timeout or HTTP error status
    DISALLOWED = "disallowed"  # robots.txt, or an address the SSRF guard refuses


@dataclass(frozen=True)
class Skip:
    """One input that was skipped, with where and why."""

    origin: str
    reason: SkipReason
    detail: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason.value}: {self.detail}"


@dataclass
class IngestReport:
    """The outcome of one ingest run, shown to users at the end."""

    ingested: list[str] = field(default_factory=list)  # article ids newly stored
    duplicates: list[str] = field(default_factory=list)  # article ids already stored
    skipped: list[Skip] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # stored, but with something to say

    @property
    def ok(self) -> bool:
        return not self.skipped

    def merge(self, other: IngestReport) -> None:
        self.ingested.extend(other.ingested)
        self.duplicates.extend(other.duplicates)
        self.skipped.extend(other.skipped)
        self.warnings.extend(other.warnings)


# -- analysis -----------------------------------------------------------------------------------
# Spans are character offsets into Article.text: ``article.text[start:end] == text`` always holds.


@dataclass(frozen=True)
class Sentence:
    """One sentence of an article's clean text."""

    article_id: str
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Mention:
    """A name in one article: a person, organization or place, linked to its canonical Entity."""

    article_id: str
    start: int
    end: int
    text: str
    type: str  # PERSON, ORG, GPE, LOC, NORP, FAC, EVENT, PRODUCT
    sentence: int
    name: str = ""  # the fullest form of this name in the article ("Putin" -> "Vladimir Putin")
    entity_id: str | None = None


@dataclass(frozen=True)
class Title:
    """A title or role the text gives an entity ("Russian Foreign Minister"), with where it says so."""

    title: str
    article_id: str
    start: int
    end: int


@dataclass(frozen=True)
class NameCount:
    """How often one (type, name) occurs: the input of cross-article linking."""

    type: str
    name: str
    mentions: int
    articles: int


@dataclass(frozen=True)
class Entity:
    """A canonical person, organization or place across the corpus."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    titles: tuple[Title, ...] = ()
    article_ids: tuple[str, ...] = ()
    mentions: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "aliases": list(self.aliases),
            "titles": [
                {"title": t.title, "article_id": t.article_id, "start": t.start, "end": t.end} for t in self.titles
            ],
            "article_ids": list(self.article_ids),
            "mentions": self.mentions,
        }


class QuoteKind(StrEnum):
    DIRECT = "direct"
    INDIRECT = "indirect"
    PARTIAL = "partial"


@dataclass(frozen=True)
class Quote:
    """Something someone said, as the article reports it.

    ``start``/``end`` span the quoted words (inside the quote marks for direct and partial quotes; the
    reported clause for indirect ones). The speaker is what the text names (``speaker``: "Putin", "he",
    "a senior official"); ``speaker_start``/``speaker_end`` span the named mention it resolves to (for
    a pronoun, its antecedent), or are None when the speaker is unnamed or unclear. ``speaker_confidence``
    (0-1) says how the speaker was found: a named subject of the reporting verb (0.9) down to a role noun
    or pronoun resolved, a floating quote's continuation, an unresolved description, and 0 for none.
    """

    article_id: str
    start: int
    end: int
    text: str
    kind: QuoteKind
    cue: str | None = None  # the reporting verb, lemmatized ("say", "tell", "add")
    speaker: str | None = None  # the speaker as the text gives it, None when unknown
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_entity_id: str | None = None
    id: str = ""
    speaker_confidence: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "article_id": self.article_id,
            "text": self.text,
            "kind": str(self.kind),
            "cue": self.cue,
            "speaker": self.speaker,
            "speaker_entity_id": self.speaker_entity_id,
            "speaker_confidence": self.speaker_confidence,
            "start": self.start,
            "end": self.end,
        }


class Granularity(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    SEASON = "season"
    YEAR = "year"
    DECADE = "decade"
    CENTURY = "century"
    RANGE = "range"
    TIME = "time"  # a time of day on a known day


class TimexType(StrEnum):
    """The TIMEX3 type of a time expression."""

    DATE = "DATE"  # a calendar date at some granularity, or a PRESENT_REF / PAST_REF / FUTURE_REF
    TIME = "TIME"  # a time of day ("8 PM", "Friday afternoon")
    DURATION = "DURATION"  # an amount of time ("two years" P2Y, "an hour" PT1H)
    SET = "SET"  # a recurrence ("annually" P1Y, "every morning" XXXX-XX-XXTMO)


@dataclass(frozen=True)
class TimeExpression:
    """A date, time, duration or recurrence the text refers to, normalized against the publication date.

    ``value`` is ISO-like: "2018-06-14", "2018-W24", "2018-06", "2018-Q2", "2018-SU" (summer), "2018",
    "201" (the 2010s), "2018-06-11/2018-06-12" (range), "2018-06-12T14:00", "2018-06-12TAF" (afternoon);
    for the other TIMEX3 types an ISO 8601 duration ("P2Y", "PT1H", "PXM" for "several months"), a set
    ("P1Y" for "annually") or "PRESENT_REF" / "PAST_REF" / "FUTURE_REF" ("now", "recently", "soon"), and
    then ``granularity`` is None (they are not points on a timeline). ``value`` is None when the
    expression is relative and the article has no publication date, or cannot be resolved.
    """

    article_id: str
    start: int
    end: int
    text: str
    value: str | None
    granularity: Granularity | None
    type: TimexType = TimexType.DATE

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "text": self.text,
            "value": self.value,
            "granularity": str(self.granularity) if self.granularity else None,
            "type": str(self.type),
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True)
class Actor:
    """One side of an action: a named entity, a described group ("protesters"), or one of "the two leaders".

    ``name`` is the in-article full name of a named actor (its country for a capital: "Moscow" ->
    "Russia"), or the group's head noun; ``country`` and ``role`` come from its titles or modifiers
    where the text gives them ("Israeli Prime Minister" -> Israel, government). ``entity_id`` and
    ``canonical`` are filled when read from a store whose names are linked into entities.
    """

    text: str  # as written
    name: str
    kind: str  # "entity", "group" or "pair"
    entity_type: str | None = None  # PERSON, ORG, GPE for entities
    country: str | None = None
    role: str | None = None  # government, military, judiciary, legislature, business, civilians, ...
    start: int | None = None  # the mention's span in the article text
    end: int | None = None
    entity_id: str | None = None
    canonical: str | None = None  # the entity's canonical name across the corpus

    @property
    def display(self) -> str:
        """The name to show: canonical, else in-article, a group as written."""
        if self.kind == "group":
            return self.text
        return self.canonical or self.name

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor": self.display,
            "actor_id": self.entity_id,
            "text": self.text,
            "name": self.name,
            "kind": self.kind,
            "type": self.entity_type,
            "country": self.country,
            "agent": self.role,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True)
class Action:
    """Who did what to whom, in one sentence: a PLOVER-typed action between two actors.

    ``start``/``end`` span the sentence (``sentence`` is its index), ``verb_start`` the verb or event
    noun (``verb``, as written). ``status`` is "narrated" (the article's own voice), "quoted" (inside a
    direct or partial quote) or "reported" (an indirect quote); then ``claimed_by`` names the speaker.
    ``mode`` is "did", "will" (planned, announced, agreed to) or "may" (wished, offered, possible).
    ``date`` is ISO-like as TimeExpression.value: from a time expression in the sentence (``date_text``)
    or, when it has none, the article's publication day.
    """

    id: str
    article_id: str
    sentence: int
    start: int
    end: int
    verb: str
    verb_start: int
    type: str  # AGREE, CONSULT, SUPPORT, CONCEDE, COOPERATE, AID, RETREAT, REQUEST, ACCUSE, REJECT, ...
    source: Actor
    target: Actor
    negated: bool = False
    mode: str = "did"
    status: str = "narrated"
    claimed_by: str | None = None
    quote_id: str | None = None
    date: str | None = None
    date_text: str | None = None
    place: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A flat record with field names close to PLOVER's (docs/schema.md, "Action records")."""
        return {
            "id": self.id,
            "event_type": self.type,
            "mode": self.mode,
            "negated": self.negated,
            "event_date": self.date,
            "date_text": self.date_text,
            "location": self.place,
            "source_actor": self.source.display,
            "source_actor_id": self.source.entity_id,
            "source_text": self.source.text,
            "source_kind": self.source.kind,
            "source_agent": self.source.role,
            "source_country": self.source.country,
            "target_actor": self.target.display,
            "target_actor_id": self.target.entity_id,
            "target_text": self.target.text,
            "target_kind": self.target.kind,
            "target_agent": self.target.role,
            "target_country": self.target.country,
            "event_text": self.verb,
            "article_id": self.article_id,
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "status": self.status,
            "claimed_by": self.claimed_by,
            "quote_id": self.quote_id,
        }


@dataclass(frozen=True)
class ActionSentence:
    """One sentence stating a merged action."""

    article_id: str
    sentence: int
    text: str
    action_id: str
    source: str | None = None  # the article's outlet
    reprint_of: str | None = None  # the original, when this article is a reprint


@dataclass(frozen=True)
class MergedAction:
    """Records of one happening (same source, target, type and date) merged across an event's articles.

    ``sources`` counts independent articles (a reprint counts with its original, once). ``disagreement``
    says when the sentences differ on whether it happened (one negates, another states it) or how.
    """

    key: str
    event_id: str | None
    story_id: str | None
    type: str
    source: Actor
    target: Actor
    date: str | None
    mode: str
    negated: bool
    sentences: tuple[ActionSentence, ...]
    sources: int
    articles: int
    disagreement: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "event_id": self.event_id,
            "story_id": self.story_id,
            "event_type": self.type,
            "mode": self.mode,
            "negated": self.negated,
            "event_date": self.date,
            "source": self.source.to_dict(),
            "target": self.target.to_dict(),
            "sources": self.sources,
            "articles": self.articles,
            "disagreement": self.disagreement,
            "sentences": [
                {
                    "article_id": x.article_id,
                    "sentence": x.sentence,
                    "text": x.text,
                    "action_id": x.action_id,
                    "outlet": x.source,
                    "reprint_of": x.reprint_of,
                }
                for x in self.sentences
            ],
        }


@dataclass(frozen=True)
class Analysis:
    """Everything analysis found in one article."""

    article_id: str
    sentences: tuple[Sentence, ...] = ()
    mentions: tuple[Mention, ...] = ()
    titles: tuple[tuple[str, Title], ...] = ()  # (the person's name in the article, the title)
    quotes: tuple[Quote, ...] = ()
    times: tuple[TimeExpression, ...] = ()
    actions: tuple[Action, ...] = ()


@dataclass
class AnalyzeReport:
    """The outcome of one analysis run."""

    analyzed: int = 0
    words: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (article id, reason)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (article id, error): a bug to report
    entities: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class Citation:
    """Where a summary or timeline sentence comes from: one stored sentence of one article."""

    article_id: str
    sentence: int  # the sentence's ``idx`` in the article (table ``sentences``)

    def to_dict(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "sentence": self.sentence}


@dataclass(frozen=True)
class SummarySentence:
    """One sentence of a summary with every article that states the same thing.

    ``kind`` is "statement" for an extracted sentence, "disagreement" for a line storyline writes to
    say that sources differ (its text names the conflicting values; its citations are the sources).
    """

    text: str
    citations: tuple[Citation, ...]
    kind: str = "statement"

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "kind": self.kind, "citations": [c.to_dict() for c in self.citations]}


@dataclass(frozen=True)
class TimelineEntry:
    """A dated happening: the resolved date (ISO-like, as TimeExpression.value), what happened, who says so."""

    date: str
    granularity: Granularity
    text: str
    citations: tuple[Citation, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date,
            "granularity": str(self.granularity),
            "text": self.text,
            "citations": [c.to_dict() for c in self.citations],
        }


@dataclass(frozen=True)
class Features:
    """What the story stage knows of one article: a vector, its entity keys, its topic words, a MinHash, a time
    (computed by ``storyline.stories.features``)."""

    article_id: str
    t: datetime
    vector: np.ndarray
    keys: tuple[str, ...]
    weights: tuple[float, ...]
    signature: np.ndarray  # uint32 MinHash values
    terms: np.ndarray  # uint32 hashes of the article's most frequent content words
    term_weights: np.ndarray  # float32, 1 + log count of each

    @property
    def profile(self) -> dict[str, float]:
        return dict(zip(self.keys, self.weights, strict=True))


@dataclass(frozen=True)
class Placement:
    """Where the online pass put one article: its raw event (before merges) and the score it joined with."""

    article_id: str
    t: datetime
    raw_event: str
    score: float


@dataclass(frozen=True)
class FeatureInput:
    """What features are computed from: an article's time, title, text and (type, name) mentions."""

    article_id: str
    t: datetime
    title: str | None
    text: str
    mentions: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Event:
    """Articles about one real-world happening (a summit: its preview, coverage and follow-up)."""

    id: str
    story_id: str
    title: str
    article_ids: tuple[str, ...]
    first: datetime | None = None
    last: datetime | None = None
    sources: tuple[str, ...] = ()
    independent: int = 0  # reprint groups count once
    summary: tuple[SummarySentence, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    happened: date | None = None  # the day of the happening its articles report; first/last: its reports

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "story_id": self.story_id,
            "title": self.title,
            "article_ids": list(self.article_ids),
            "first": _iso(self.first),
            "last": _iso(self.last),
            "sources": list(self.sources),
            "independent_sources": self.independent,
            "happened": self.happened.isoformat() if self.happened else None,
            "summary": [s.to_dict() for s in self.summary],
            "timeline": [t.to_dict() for t in self.timeline],
        }


@dataclass(frozen=True)
class Story:
    """Events linked by their main actors and topic across time (two summits of the same leaders)."""

    id: str
    title: str
    event_ids: tuple[str, ...]
    article_ids: tuple[str, ...]
    first: datetime | None = None
    last: datetime | None = None
    sources: tuple[str, ...] = ()
    independent: int = 0
    entities: tuple[str, ...] = ()  # ids of the main entities, most central first
    summary: tuple[SummarySentence, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "event_ids": list(self.event_ids),
            "article_ids": list(self.article_ids),
            "first": _iso(self.first),
            "last": _iso(self.last),
            "sources": list(self.sources),
            "independent_sources": self.independent,
            "entity_ids": list(self.entities),
            "summary": [s.to_dict() for s in self.summary],
            "timeline": [t.to_dict() for t in self.timeline],
        }


@dataclass(frozen=True)
class Timeline:
    """The timeline of a story or an entity, with how many articles appeared each day."""

    owner: str  # story or entity id
    title: str
    entries: tuple[TimelineEntry, ...]
    volume: tuple[tuple[str, int], ...]  # (ISO day, articles published that day)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of a timeline (``storyline timeline --json``, ``GET /api/timelines/{id}``)."""
        return {
            "owner": self.owner,
            "title": self.title,
            "entries": [e.to_dict() for e in self.entries],
            "volume": [{"day": d, "articles": n} for d, n in self.volume],
        }


@dataclass
class ClusterReport:
    """The outcome of one run of the story stage."""

    embedded: int = 0
    reprints: int = 0  # articles found to be copies of an earlier one
    clustered: int = 0  # articles placed in an event this run
    events: int = 0
    stories: int = 0
    summarized: int = 0  # events and stories whose summary was (re)written
    seconds: float = 0.0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (article id, reason)


# -- feeds --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedEntry:
    """One item of an RSS, Atom or JSON Feed, normalized: what the feed says about one article."""

    key: str  # the item's identity within its feed: guid/id, else link, else a hash of its content
    url: str | None = None  # the article page
    title: str | None = None
    author: str | None = None
    published: str | None = None  # as the feed gives it (RFC 822, ISO 8601); parsed at ingest
    content_html: str | None = None  # full content or summary the feed carries, used when there is no link


@dataclass(frozen=True)
class ParsedFeed:
    """A feed document: its title and its items, newest as the feed orders them."""

    kind: str  # "rss", "atom" or "json"
    title: str | None
    entries: tuple[FeedEntry, ...]
    problem: str | None = None  # not well-formed, but read leniently (as feed readers do)


@dataclass(frozen=True)
class FeedStatus:
    """What the store knows about one watched feed (``storyline feeds``)."""

    url: str
    title: str | None = None
    last_polled: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    failures: int = 0  # consecutive failed polls; drives the backoff
    items_seen: int = 0
    next_poll: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``storyline feeds --json``): every field, times as ISO 8601."""
        return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in vars(self).items()}


@dataclass
class FeedPoll:
    """The outcome of polling one feed once."""

    url: str
    not_modified: bool = False  # the server answered 304: nothing was transferred
    entries: int = 0  # items in the feed document
    new: int = 0  # items not seen before
    ingest: IngestReport = field(default_factory=IngestReport)  # new items stored, duplicate or skipped
    error: str | None = None  # the poll failed (the feed could not be fetched or parsed)

    @property
    def ok(self) -> bool:
        return self.error is None and not self.ingest.skipped
