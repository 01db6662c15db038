"""What a user looks at, one view per thing: a story, an event, an entity, an article, story cards, search results.

Each view is built once by a Workspace method (``ws.story_view(id)``, ``ws.event_view(id)``,
``ws.entity_view(name)``, ``ws.article_view(id)``, ``ws.story_cards(...)``, ``ws.search(q)``; a timeline is
``ws.timeline(id)``) and carries one ``to_dict()``: the JSON form of that thing everywhere (the CLI's
``--json``, ``GET /api/...``, the story report's JSON; documented in docs/schema.md). The renderers (CLI text,
the web pages, the Markdown and HTML reports) read the same objects and arrange them their own way; a view
reads nothing from the store itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from storyline.model import (
    Action,
    Article,
    Citation,
    Entity,
    Event,
    MergedAction,
    Quote,
    RemovedLine,
    Sentence,
    Story,
    TimeExpression,
    Timeline,
)

if TYPE_CHECKING:
    from storyline.api import Workspace
    from storyline.store.search import MentionSpan
    from storyline.stories.explain import Link

ENTITY_LISTED = 50  # quotes, articles and actions an entity view carries (their lists have their own calls)
SORTS = {
    "updated": "last update",
    "articles": "most articles",
    "sources": "most independent sources",
    "first": "oldest first",
}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# -- a story ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """An article of the story; ``number`` is its citation number: [n] in the summary and timeline."""

    number: int
    article: Article
    reprint_of: int | None  # the number of the article of this story that it copies


@dataclass(frozen=True)
class StoryView:
    """One story with what its outputs show: build it with ``Workspace.story_view``; it reads nothing itself.

    ``actions`` are the story's merged action records (who did what to whom, each happening once, with the
    sentences that state it); ``links`` say why its events are one story (``stories.explain``).
    """

    story: Story
    sources: tuple[Source, ...]  # in citation-number order (the story's time order)
    entities: tuple[Entity, ...]  # the story's main entities, in its order
    quotes: tuple[Quote, ...]  # in citation order, then by position in the article
    sentences: Mapping[tuple[str, int], Sentence]  # every cited sentence, and the one before and after it
    actions: tuple[MergedAction, ...] = ()
    links: tuple[Link, ...] = ()  # why its events are one story: each event after the first (stories.explain)
    speaker_names: Mapping[str, str] = field(default_factory=dict)  # entity id -> name of speakers not in entities

    @cached_property
    def _numbers(self) -> dict[str, int]:
        return {s.article.id: s.number for s in self.sources}

    def number(self, article_id: str) -> int:
        """The citation number of an article: its place in the sources list."""
        return self._numbers[article_id]

    @cached_property
    def _names(self) -> dict[str, str]:
        return {**self.speaker_names, **{e.id: e.name for e in self.entities}}

    def speaker(self, quote: Quote) -> str | None:
        """Who said it: the speaker's entity name, else the name the article gives; None when nobody is named."""
        if quote.speaker is None and quote.speaker_entity_id is None:
            return None
        return self._names.get(quote.speaker_entity_id or "") or quote.speaker or "unknown"

    @cached_property
    def speakers(self) -> tuple[tuple[str, str | None, tuple[Quote, ...]], ...]:
        """(name, entity id, quotes) of everyone quoted, most quoted first (ties: who is quoted first).

        A speaker is an entity, or a name no entity has, whatever its case ("officials" and "Officials" are one
        speaker, shown as first written); quotes keep the view's order (citation order).
        """
        grouped: dict[tuple[str, str | None], list[Quote]] = {}
        shown: dict[tuple[str, str | None], str] = {}
        for q in self.quotes:
            if (name := self.speaker(q)) is not None:
                key = (name.casefold(), q.speaker_entity_id)
                shown.setdefault(key, name)
                grouped.setdefault(key, []).append(q)
        ranked = sorted(grouped.items(), key=lambda kv: -len(kv[1]))  # stable: first quoted first on ties
        return tuple((shown[key], key[1], tuple(said)) for key, said in ranked)

    def has(self, article_id: str) -> bool:
        """Whether the article is one of this story's sources."""
        return article_id in self._numbers

    def text(self, article_id: str, sentence: int) -> str:
        """The text of a sentence of a cited article ("" when the store has none)."""
        found = self.sentences.get((article_id, sentence))
        return found.text if found else ""

    def outlet(self, article_id: str) -> str:
        """The outlet of an article of the story."""
        return self.sources[self.number(article_id) - 1].article.source or "unknown outlet"

    def titles(self, entity: Entity) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The titles this story's articles give an entity ("foreign minister"), each with the outlets giving it."""
        grouped: dict[str, dict[str, None]] = {}
        for t in entity.titles:
            if t.article_id in self._numbers:
                grouped.setdefault(t.title, {})[self.outlet(t.article_id)] = None
        return tuple((title, tuple(outlets)) for title, outlets in grouped.items())

    @cached_property
    def original_of(self) -> dict[str, str]:
        """Copy id -> the id of the article it reprints, for the copies whose original is in this story too."""
        return {s.article.id: self.sources[s.reprint_of - 1].article.id for s in self.sources if s.reprint_of}

    @cached_property
    def cited(self) -> dict[tuple[str, int], str]:
        """The text of every sentence the summary and the timeline cite, by (article id, sentence index)."""
        keys = sorted(cited_keys(self.story))
        return {k: self.sentences[k].text for k in keys if k in self.sentences}

    def marks(self, citations: Sequence[Citation]) -> list[int]:
        """The citation numbers of these citations, once each, ascending."""
        return sorted({self.number(c.article_id) for c in citations if self.has(c.article_id)})

    def to_dict(self) -> dict[str, Any]:
        """The story's JSON form (docs/schema.md, "Views"): the story, its articles in citation order, its
        entities with the titles its articles give them, quotes, the text of every cited sentence, who did
        what to whom, and why its events are one story."""
        return self.story.to_dict() | {
            "articles": [
                s.article.brief() | {"number": s.number, "reprint_of": self.original_of.get(s.article.id)}
                for s in self.sources
            ],
            "entities": [
                {
                    "id": e.id,
                    "name": e.name,
                    "type": e.type,
                    "titles": [{"title": t, "outlets": list(o)} for t, o in self.titles(e)],
                }
                for e in self.entities
            ],
            "quotes": [q.to_dict() | {"speaker_name": self.speaker(q)} for q in self.quotes],
            "sentences": [{"article_id": a, "sentence": i, "text": t} for (a, i), t in self.cited.items()],
            "actions": [m.to_dict() for m in self.actions],
            "links": [link.to_dict() for link in self.links],
        }


def cited_keys(owner: Story | Event) -> set[tuple[str, int]]:
    """(article id, sentence) of every citation of a story's or an event's summary and timeline."""
    citations: list[Citation] = [c for s in owner.summary for c in s.citations]
    citations += [c for t in owner.timeline for c in t.citations]
    return {(c.article_id, c.sentence) for c in citations}


def story_view(ws: Workspace, story_id: str) -> StoryView:
    """Everything the outputs of one story show, in a handful of reads; NotFoundError for an unknown id."""
    store = ws.store
    story = ws.story(story_id)
    articles = store.articles_by_ids(list(story.article_ids))
    numbers = {a.id: i for i, a in enumerate(articles, 1)}
    copies = ws.reprints()
    sources = tuple(Source(numbers[a.id], a, numbers.get(copies.get(a.id, ""))) for a in articles)
    entities = tuple(store.entities_by_ids(list(story.entities)))
    quotes = sorted(store.quotes_in(list(numbers)), key=lambda q: numbers[q.article_id])
    actions = tuple(ws.merged_actions(story=story.id))
    keys = cited_keys(story) | {(x.article_id, x.sentence) for m in actions for x in m.sentences}
    sentences = store.sentences_near(sorted(k for k in keys if k[0] in numbers))
    from storyline.stories.explain import story_links  # the story stage's modules: only when a story is shown
    from storyline.stories.stage import cluster_params

    links = story_links(store, story, cluster_params(ws.settings), {a.id: a for a in articles})
    main = {e.id for e in entities}
    others = sorted({q.speaker_entity_id for q in quotes if q.speaker_entity_id and q.speaker_entity_id not in main})
    speaker_names = {e.id: e.name for e in store.entities_by_ids(others)}  # "he" shown as the person it resolves to
    return StoryView(story, sources, entities, tuple(quotes), sentences, actions, links, speaker_names)


# -- an event ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventView:
    """One event: its summary and timeline, its articles, the text of every cited sentence, its actions."""

    event: Event
    articles: tuple[Article, ...]  # oldest first
    reprints: Mapping[str, str]  # copy id -> original id, for the event's copies
    sentences: Mapping[tuple[str, int], str]  # cited sentences' text
    actions: tuple[MergedAction, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return self.event.to_dict() | {
            "articles": [a.brief() | {"reprint_of": self.reprints.get(a.id)} for a in self.articles],
            "sentences": [{"article_id": a, "sentence": i, "text": t} for (a, i), t in sorted(self.sentences.items())],
            "actions": [m.to_dict() for m in self.actions],
        }


def event_view(ws: Workspace, event_id: str) -> EventView:
    event = ws.event(event_id)
    ids = set(event.article_ids)
    copies = {c: o for c, o in ws.reprints().items() if c in ids}
    keys = sorted(k for k in cited_keys(event) if k[0] in ids)
    found = ws.store.sentences_near(keys, reach=0) if keys else {}
    sentences = {k: found[k].text for k in keys if k in found}
    articles = tuple(ws.store.articles_by_ids(list(event.article_ids)))
    return EventView(event, articles, copies, sentences, tuple(ws.merged_actions(event=event.id)))


# -- story cards ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoryCard:
    """What a list of stories shows of one story: counts, span, outlets and its top entities."""

    id: str
    title: str
    first: datetime | None
    last: datetime | None
    sources: tuple[str, ...]
    independent: int
    entity_ids: tuple[str, ...]  # every main entity, most central first (for filtering)
    entities: tuple[tuple[str, str, str], ...]  # (id, name, type) of the top five
    articles: int
    events: int
    updated: datetime | None  # the latest ingest among its articles

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "articles": self.articles,
            "events": self.events,
            "sources": list(self.sources),
            "independent_sources": self.independent,
            "first": _iso(self.first),
            "last": _iso(self.last),
            "updated": _iso(self.updated),
            "entities": [{"id": i, "name": n, "type": t} for i, n, t in self.entities],
        }


def story_cards(ws: Workspace, story_ids: Sequence[str] | None = None) -> list[StoryCard]:
    """Every story (or these) with the names of its top entities, most recent first."""
    found = ws.store.story_cards(story_ids)
    labels = ws.store.entity_labels(list({e for s in found for e in s.entities[:5]}))
    cards = []
    for s in found:
        top = tuple((e, *labels[e]) for e in s.entities[:5] if e in labels)
        cards.append(
            StoryCard(
                s.id,
                s.title,
                s.first,
                s.last,
                s.sources,
                s.independent,
                s.entities,
                top,
                s.articles,
                s.events,
                s.updated,
            )
        )
    return cards


def filter_cards(
    cards: Sequence[StoryCard],
    *,
    source: str | None = None,
    entity_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    sort: str = "updated",
) -> list[StoryCard]:
    """Cards matching every filter given (a date range keeps stories that overlap it), sorted by ``sort``."""
    kept = [
        c
        for c in cards
        if (source is None or source in c.sources)
        and (entity_id is None or entity_id in c.entity_ids)
        and (since is None or (c.last is not None and c.last >= since))
        and (until is None or (c.first is not None and c.first <= until))
    ]
    keys = {
        "articles": lambda c: (-c.articles, c.id),
        "sources": lambda c: (-c.independent, -c.articles, c.id),
        "first": lambda c: (c.first.timestamp() if c.first else float("inf"), c.id),
    }
    return sorted(kept, key=keys[sort]) if sort in keys else kept


# -- an entity --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntityView:
    """One entity: who it is, where it is named, what it said, what it did and what was done to it.

    ``articles``, ``quotes`` and the action lists hold the first ``ENTITY_LISTED`` (``Workspace.quotes``,
    ``Workspace.merged_actions`` and the HTTP lists give them all); ``articles`` oldest first.
    """

    entity: Entity
    articles: tuple[Article, ...]
    outlets: Mapping[str, str]  # article id -> outlet, for every article of the entity
    published: Mapping[str, datetime | None]  # article id -> publication time, for every article of it
    quotes: tuple[Quote, ...]
    timeline: Timeline
    stories: tuple[StoryCard, ...]
    cooccurring: tuple[tuple[str, str, str, int], ...]  # (id, name, type, shared articles)
    as_source: tuple[MergedAction, ...] = ()  # what it did
    as_target: tuple[MergedAction, ...] = ()  # what was done to it

    @cached_property
    def titles(self) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
        """(title, ((article id, outlet), ...)): each title with the first article of each outlet giving it."""
        grouped: dict[str, dict[str, str]] = {}
        for t in self.entity.titles:
            outlet = self.outlets.get(t.article_id) or "unknown outlet"
            grouped.setdefault(t.title, {}).setdefault(outlet, t.article_id)
        return tuple((t, tuple((a, o) for o, a in by.items())) for t, by in grouped.items())

    @cached_property
    def _articles(self) -> dict[str, Article]:
        return {a.id: a for a in self.articles}

    def article(self, article_id: str) -> Article | None:
        """One of the listed articles."""
        return self._articles.get(article_id)

    def to_dict(self) -> dict[str, Any]:
        return self.entity.to_dict() | {
            "stories": [c.to_dict() for c in self.stories],
            "cooccurring": [{"id": i, "name": n, "type": t, "articles": k} for i, n, t, k in self.cooccurring],
            "quotes": [q.to_dict() for q in self.quotes],
            "articles": [a.brief() for a in self.articles],
            "timeline": self.timeline.to_dict(),
            "actions": {
                "as_source": [m.to_dict() for m in self.as_source],
                "as_target": [m.to_dict() for m in self.as_target],
            },
        }


def entity_view(ws: Workspace, name_or_id: str, limit: int = ENTITY_LISTED) -> EntityView:
    from storyline.store.analysis import QuoteFilter

    entity = ws.entity(name_or_id)
    ids = list(entity.article_ids)
    store = ws.store
    meta = store.article_meta(ids)
    ordered = sorted(meta, key=lambda a: (meta[a].published is None, meta[a].published or datetime.max, a))
    articles = tuple(store.articles_by_ids(ordered[:limit]))
    story_ids = sorted(set(store.stories_of_articles(ids).values()))
    return EntityView(
        entity,
        articles,
        {a: m.source or "unknown outlet" for a, m in meta.items()},
        {a: m.published for a, m in meta.items()},
        tuple(store.quotes(QuoteFilter(entity.id, None, None, limit, 0))),
        ws.timeline(entity),
        tuple(story_cards(ws, story_ids)) if story_ids else (),
        tuple(store.cooccurring(entity.id)),
        tuple(ws.merged_actions(actor=entity.id)[:limit]),
        tuple(ws.merged_actions(target=entity.id)[:limit]),
    )


# -- an article -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleView:
    """One article with its analysis: what cleaning removed, names and their entities, quotes, dates,
    sentences, actions, and the story it belongs to."""

    article: Article
    removed: tuple[RemovedLine, ...]
    mentions: tuple[MentionSpan, ...]
    quotes: tuple[Quote, ...]
    times: tuple[TimeExpression, ...]
    sentences: tuple[Sentence, ...]
    entities: tuple[tuple[str, str, str, int], ...]  # (id, name, type, mentions here), most named first
    story: tuple[str, str] | None  # (id, title)
    reprint_of: str | None
    actions: tuple[Action, ...] = ()  # in sentence order

    def to_dict(self) -> dict[str, Any]:
        return self.article.to_dict() | {
            "removed": [{"line": r.line_no, "text": r.text, "rule": r.rule} for r in self.removed],
            "mentions": [asdict(m) for m in self.mentions],
            "quotes": [q.to_dict() for q in self.quotes],
            "times": [t.to_dict() for t in self.times],
            "entities": [{"id": i, "name": n, "type": t, "mentions": k} for i, n, t, k in self.entities],
            "actions": [a.to_dict() for a in self.actions],
            "story_id": self.story[0] if self.story else None,
            "reprint_of": self.reprint_of,
        }


def article_view(ws: Workspace, article_id: str) -> ArticleView:
    article = ws.get(article_id)
    store = ws.store
    mentions = store.mention_spans(article.id)
    labels = store.entity_labels([m.entity_id for m in mentions if m.entity_id])
    counts = Counter(m.entity_id for m in mentions if m.entity_id)
    story_id = store.stories_of_articles([article.id]).get(article.id)
    return ArticleView(
        article,
        tuple(ws.removed(article.id)),
        tuple(mentions),
        tuple(ws.quotes(article_id=article.id)),
        tuple(ws.times(article.id)),
        tuple(store.sentences(article.id)),
        tuple((e, *labels[e], n) for e, n in counts.most_common() if e in labels),
        (story_id, store.story_cards([story_id])[0].title) if story_id else None,
        ws.reprints().get(article.id),
        tuple(ws.actions(article_id=article.id)),
    )


# -- search results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleHit:
    id: str
    title: str | None
    source: str | None
    published: datetime | None
    snippet: tuple[tuple[str, bool], ...]  # (text, matches the query)
    score: float
    how: str  # "words", "meaning" or "words and meaning"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "published": _iso(self.published),
            "snippet": "".join(t for t, _ in self.snippet),
            "score": round(self.score, 6),
            "matched_by": self.how,
        }


@dataclass(frozen=True)
class QuoteHit:
    id: str
    article_id: str
    text: str
    speaker: str | None
    kind: str
    title: str | None
    source: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "article_id": self.article_id,
            "text": self.text,
            "speaker": self.speaker,
            "kind": self.kind,
            "article_title": self.title,
            "source": self.source,
        }


@dataclass(frozen=True)
class SearchResults:
    """Articles ranked by words (BM25) and meaning (vectors), fused; quotes by words."""

    query: str
    articles: tuple[ArticleHit, ...]
    quotes: tuple[QuoteHit, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "articles": [h.to_dict() for h in self.articles],
            "quotes": [h.to_dict() for h in self.quotes],
        }
