"""What only a page shows, arranged from the library's views (storyline.views): plain data for the templates,
no HTML here and no reads: every helper takes a view object built by a Workspace method."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise

from storyline.model import Article, Citation, Entity, MergedAction, Quote, Story
from storyline.views import ArticleView, Source, StoryView

TIMELINE_SHOWN = 80  # entries on a story page; the API has them all
SOURCES_SHOWN = 150  # articles listed on a story page
LINKS_SHOWN = 8  # "why these events are one story" lines on a story page; the API has them all
ACTIONS_SHOWN = 40  # merged action records on a story page
MARKS_SHOWN = 8  # citations shown after one sentence (a wire story can be cited by hundreds of copies)
PEOPLE = ("PERSON", "ORG", "NORP")  # entity types listed with their titles; the others (places, ...) as chips

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
    actions: tuple[Deed, ...] = ()

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


def story_page(view: StoryView) -> StoryPage:
    story = view.story
    citations = [c for s in story.summary for c in s.citations[:MARKS_SHOWN]]
    citations += [c for t in story.timeline[:TIMELINE_SHOWN] for c in t.citations[:MARKS_SHOWN]]
    shown = view.actions[:ACTIONS_SHOWN]
    citations += [Citation(x.article_id, x.sentence) for m in shown for x in m.sentences[:MARKS_SHOWN]]
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
    deeds = tuple(Deed(m, tuple(Citation(x.article_id, x.sentence) for x in m.sentences)) for m in shown)
    return StoryPage(view, cited, people, places, _speakers(view), *_outlets(view), deeds)


@dataclass(frozen=True)
class Deed:
    """A merged action record (who did what to whom) with the citations of the sentences that state it."""

    action: MergedAction
    citations: tuple[Citation, ...]


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


def article_pieces(view: ArticleView) -> tuple[tuple[Piece, ...], ...]:
    """The article's text in paragraphs of pieces, each with the names, quotes and dates covering it."""
    spans: list[tuple[int, int, str, str | None, str | None]] = []  # (start, end, class, entity id, title)
    spans += [(m.start, m.end, f"ent ent-{m.type}", m.entity_id, m.type) for m in view.mentions]
    spans += [
        (q.start, q.end, "quote", None, f"quote ({q.kind}), {q.speaker or 'speaker unknown'}") for q in view.quotes
    ]
    spans += [(t.start, t.end, "time", None, f"{t.type.lower()} {t.value or 'unresolved'}") for t in view.times]
    return highlight(view.article.text, spans, {s.start: s.index for s in view.sentences})


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
