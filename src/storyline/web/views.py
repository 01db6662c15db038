"""What each page shows, assembled from the Workspace: plain data for the templates, no HTML here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise

from storyline.api import Workspace
from storyline.model import Article, Citation, Entity, Quote, RemovedLine, Story, Timeline
from storyline.store.search import StoryCard
from storyline.storyview import Source, StoryView, story_view

TIMELINE_SHOWN = 80  # entries on a story page; the API has them all
SOURCES_SHOWN = 150  # articles listed on a story page
MARKS_SHOWN = 8  # citations shown after one sentence (a wire story can be cited by hundreds of copies)
PEOPLE = ("PERSON", "ORG", "NORP")  # entity types listed with their titles; the others (places, ...) as chips

SORTS = {
    "updated": "last update",
    "articles": "most articles",
    "sources": "most independent sources",
    "first": "oldest first",
}

# -- the stories list -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    story: StoryCard
    entities: tuple[tuple[str, str, str], ...]  # (id, name, type) of the top entities


def story_cards(ws: Workspace) -> list[Card]:
    """Every story with the names of its top entities, most recent first."""
    found = ws.store.story_cards()
    labels = ws.store.entity_labels(list({e for s in found for e in s.entities[:5]}))
    return [Card(s, tuple((e, *labels[e]) for e in s.entities[:5] if e in labels)) for s in found]


def filter_cards(
    cards: Sequence[Card],
    *,
    source: str | None = None,
    entity_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    sort: str = "updated",
) -> list[Card]:
    """Cards matching every filter given (a date range keeps stories that overlap it), sorted."""
    kept = [
        c
        for c in cards
        if (source is None or source in c.story.sources)
        and (entity_id is None or entity_id in c.story.entities)
        and (since is None or (c.story.last is not None and c.story.last >= since))
        and (until is None or (c.story.first is not None and c.story.first <= until))
    ]
    keys = {
        "articles": lambda c: (-c.story.articles, c.story.id),
        "sources": lambda c: (-c.story.independent, -c.story.articles, c.story.id),
        "first": lambda c: (c.story.first.timestamp() if c.story.first else float("inf"), c.story.id),
    }
    return sorted(kept, key=keys[sort]) if sort in keys else kept


# -- a story ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cited:
    """A cited sentence in its context, shown when a reader follows a citation."""

    anchor: str  # "c3-7": article number 3, sentence 7
    number: int
    sentence: int
    article: Article
    before: str
    text: str
    after: str


@dataclass(frozen=True)
class Person:
    entity: Entity
    titles: tuple[tuple[str, tuple[str, ...]], ...]  # (title, outlets that give it)


@dataclass(frozen=True)
class Speaker:
    name: str
    entity_id: str | None
    quotes: tuple[tuple[Quote, int], ...]  # (quote, citation number)


@dataclass(frozen=True)
class Outlet:
    """One outlet's coverage of the story, for the side-by-side comparison."""

    name: str
    numbers: tuple[int, ...]  # its articles' citation numbers
    first: datetime | None
    last: datetime | None
    reprints: int  # of its articles, how many copy another
    statements: frozenset[int] = field(default_factory=frozenset)  # summary positions it supports


@dataclass(frozen=True)
class StoryPage:
    """The shared story view, with what only the page shows: citations in context, outlets side by side."""

    view: StoryView
    cited: dict[tuple[str, int], Cited]
    people: tuple[Person, ...]
    places: tuple[Entity, ...]
    speakers: tuple[Speaker, ...]
    outlets: tuple[Outlet, ...]
    first_outlet: str | None
    last_outlet: str | None

    @property
    def story(self) -> Story:
        return self.view.story

    @property
    def sources(self) -> tuple[Source, ...]:
        return self.view.sources

    def marks(self, citations: Sequence[Citation]) -> list[Cited]:
        """The cited sentences of these citations, one per sentence, in citation-number order."""
        keys = [(c.article_id, c.sentence) for c in citations[:MARKS_SHOWN]]
        seen = {k: self.cited[k] for k in keys if k in self.cited}
        return sorted(seen.values(), key=lambda c: (c.number, c.anchor))

    def more(self, citations: Sequence[Citation]) -> int:
        """How many citations ``marks`` leaves out."""
        return max(0, len(citations) - MARKS_SHOWN)


def story_page(ws: Workspace, story_id: str) -> StoryPage:
    view = story_view(ws, story_id)
    story = view.story
    citations = [c for s in story.summary for c in s.citations[:MARKS_SHOWN]]
    citations += [c for t in story.timeline[:TIMELINE_SHOWN] for c in t.citations[:MARKS_SHOWN]]
    cited: dict[tuple[str, int], Cited] = {}
    for c in citations:
        key = (c.article_id, c.sentence)
        if key in cited or not view.has(c.article_id):
            continue
        number = view.number(c.article_id)
        cited[key] = Cited(
            f"c{number}-{c.sentence}", number, c.sentence, view.sources[number - 1].article,
            view.text(c.article_id, c.sentence - 1), view.text(c.article_id, c.sentence),
            view.text(c.article_id, c.sentence + 1),
        )  # fmt: skip
    people = tuple(Person(e, view.titles(e)) for e in view.entities if e.type in PEOPLE)
    places = tuple(e for e in view.entities if e.type not in PEOPLE)
    return StoryPage(view, cited, people, places, _speakers(view), *_outlets(view))


def _speakers(view: StoryView) -> tuple[Speaker, ...]:
    """The view's speakers, each quote with its article's citation number."""
    return tuple(
        Speaker(name, entity_id, tuple((q, view.number(q.article_id)) for q in said))
        for name, entity_id, said in view.speakers
    )


def _outlets(view: StoryView) -> tuple[tuple[Outlet, ...], str | None, str | None]:
    supports: dict[str, set[int]] = {}
    for position, sentence in enumerate(view.story.summary):
        for c in sentence.citations:
            if view.has(c.article_id):
                supports.setdefault(view.outlet(c.article_id), set()).add(position)
    grouped: dict[str, list[Source]] = {}
    for s in view.sources:
        grouped.setdefault(view.outlet(s.article.id), []).append(s)
    outlets = []
    for name, members in grouped.items():
        times = [m.article.published for m in members if m.article.published is not None]
        outlets.append(
            Outlet(
                name,
                tuple(m.number for m in members),
                min(times) if times else None,
                max(times) if times else None,
                sum(1 for m in members if m.reprint_of is not None),
                frozenset(supports.get(name, ())),
            )
        )
    dated = sorted((o for o in outlets if o.first is not None), key=lambda o: o.first)  # type: ignore[arg-type,return-value]
    outlets.sort(key=lambda o: (o.first is None, o.first or datetime.max, o.name))
    latest = max(dated, key=lambda o: o.last).name if dated else None  # type: ignore[arg-type,return-value]
    return tuple(outlets), dated[0].name if dated else None, latest


# -- an article -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """A run of article text with the annotations covering it."""

    text: str
    classes: tuple[str, ...]  # "ent", "ent-PERSON", "quote", "time"
    entity_id: str | None = None
    title: str | None = None  # a tooltip: the entity type, the resolved date
    anchor: str | None = None  # "s3": sentence 3 starts here


@dataclass(frozen=True)
class ArticlePage:
    article: Article
    paragraphs: tuple[tuple[Piece, ...], ...]
    removed: tuple[RemovedLine, ...]
    quotes: tuple[Quote, ...]
    entities: tuple[tuple[str, str, str, int], ...]  # (id, name, type, mentions here)
    story: tuple[str, str] | None  # (id, title)
    reprint_of: str | None


def article_page(ws: Workspace, article_id: str) -> ArticlePage:
    article = ws.get(article_id)
    mentions = ws.store.mention_spans(article.id)
    quotes = ws.quotes(article_id=article.id)
    times = ws.times(article.id)
    sentences = ws.store.sentences(article.id)
    spans: list[tuple[int, int, str, str | None, str | None]] = []  # (start, end, class, entity id, title)
    spans += [(m.start, m.end, f"ent ent-{m.type}", m.entity_id, m.type) for m in mentions]
    spans += [(q.start, q.end, "quote", None, f"quote ({q.kind}), {q.speaker or 'speaker unknown'}") for q in quotes]
    spans += [(t.start, t.end, "time", None, f"{t.type.lower()} {t.value or 'unresolved'}") for t in times]
    starts = {s.start: s.index for s in sentences}
    labels = ws.store.entity_labels([m.entity_id for m in mentions if m.entity_id])
    counts = Counter(m.entity_id for m in mentions if m.entity_id)
    entities = tuple((e, *labels[e], n) for e, n in counts.most_common() if e in labels)
    story_id = ws.store.stories_of_articles([article.id]).get(article.id)
    story = (story_id, ws.story(story_id).title) if story_id else None
    return ArticlePage(
        article,
        highlight(article.text, spans, starts),
        tuple(ws.removed(article.id)),
        tuple(quotes),
        entities,
        story,
        ws.reprints().get(article.id),
    )


def highlight(
    text: str, spans: Sequence[tuple[int, int, str, str | None, str | None]], anchors: dict[int, int]
) -> tuple[tuple[Piece, ...], ...]:
    """Split ``text`` into paragraphs of pieces, each carrying every annotation that covers it."""
    spans = [s for s in spans if 0 <= s[0] < s[1] <= len(text)]
    cuts = {0, len(text)} | {s[0] for s in spans} | {s[1] for s in spans} | set(anchors)
    at = 0
    while (found := text.find("\n\n", at)) >= 0:
        cuts |= {found, found + 2}
        at = found + 2
    points = sorted(c for c in cuts if 0 <= c <= len(text))
    paragraphs: list[list[Piece]] = [[]]
    for start, end in pairwise(points):
        chunk = text[start:end]
        if chunk == "\n\n":
            paragraphs.append([])
            continue
        covering = [s for s in spans if s[0] <= start and end <= s[1]]
        classes = tuple(dict.fromkeys(c for s in covering for c in s[2].split()))
        entity = next((s[3] for s in covering if s[3]), None)
        title = "; ".join(s[4] for s in covering if s[4]) or None
        anchor = f"s{anchors[start]}" if start in anchors else None
        paragraphs[-1].append(Piece(chunk, classes, entity, title, anchor))
    return tuple(tuple(p) for p in paragraphs if p)


# -- an entity --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntityPage:
    entity: Entity
    titles: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # (title, ((article id, outlet), ...))
    quotes: tuple[tuple[Quote, Article | None], ...]
    timeline: Timeline
    stories: tuple[Card, ...]
    cooccurring: tuple[tuple[str, str, str, int], ...]
    articles: tuple[Article, ...]


def entity_page(ws: Workspace, name_or_id: str, cards: Sequence[Card], limit: int = 50) -> EntityPage:
    entity = ws.entity(name_or_id)
    ids = list(entity.article_ids)
    articles = {a.id: a for a in ws.store.articles_by_ids(ids)}
    titles: dict[str, dict[str, str]] = {}  # title -> outlet -> the first article giving it
    for t in entity.titles:
        outlet = (articles[t.article_id].source if t.article_id in articles else None) or "unknown outlet"
        titles.setdefault(t.title, {}).setdefault(outlet, t.article_id)
    quotes = ws.quotes(speaker=entity.id)
    story_ids = set(ws.store.stories_of_articles(ids).values())
    stories = tuple(c for c in cards if c.story.id in story_ids)
    ordered = sorted(articles.values(), key=lambda a: (a.published is None, a.published or datetime.max, a.id))
    return EntityPage(
        entity,
        tuple((t, tuple((a, o) for o, a in by.items())) for t, by in titles.items()),
        tuple((q, articles.get(q.article_id)) for q in quotes[:limit]),
        ws.timeline(entity.id),
        stories,
        tuple(ws.store.cooccurring(entity.id)),
        tuple(ordered[:limit]),
    )
