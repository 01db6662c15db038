"""One story as every view of it shows it, read from the store once.

The story report (``storyline story ID``: Markdown, HTML, JSON; report.py) and the web reader's story page
(web/views.py) both render a ``StoryView``: the story, its articles numbered for citations, the entities it
names with the titles its articles give them, its quotes and who said each, and the text of every cited
sentence with its neighbours. What each output leaves out or arranges its own way (how many citations a line
shows, which entities go in which list, the outlets side by side) stays with that
output. This module sits beside the Workspace, below both the report and the web package, so neither has to
import the other to share it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from storyline.model import Article, Citation, Entity, Quote, Sentence, Story

if TYPE_CHECKING:
    from storyline.api import Workspace


@dataclass(frozen=True)
class Source:
    """An article of the story; ``number`` is its citation number: [n] in the summary and timeline."""

    number: int
    article: Article
    reprint_of: int | None  # the number of the article of this story that it copies


@dataclass(frozen=True)
class StoryView:
    """One story with what its outputs show: build it with ``story_view``; it reads nothing itself."""

    story: Story
    sources: tuple[Source, ...]  # in citation-number order (the story's time order)
    entities: tuple[Entity, ...]  # the story's main entities, in its order
    quotes: tuple[Quote, ...]  # in citation order, then by position in the article
    sentences: Mapping[tuple[str, int], Sentence]  # every cited sentence, and the one before and after it

    @cached_property
    def _numbers(self) -> dict[str, int]:
        return {s.article.id: s.number for s in self.sources}

    def number(self, article_id: str) -> int:
        """The citation number of an article: its place in the sources list."""
        return self._numbers[article_id]

    @cached_property
    def _names(self) -> dict[str, str]:
        return {e.id: e.name for e in self.entities}

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
        keys = sorted(_cited_keys(self.story))
        return {k: self.sentences[k].text for k in keys if k in self.sentences}


def story_view(ws: Workspace, story_id: str) -> StoryView:
    """Everything the outputs of one story show, in a handful of reads; NotFoundError for an unknown id."""
    story = ws.story(story_id)
    articles = ws.store.articles_by_ids(list(story.article_ids))
    numbers = {a.id: i for i, a in enumerate(articles, 1)}
    copies = ws.reprints()
    sources = tuple(Source(numbers[a.id], a, numbers.get(copies.get(a.id, ""))) for a in articles)
    entities = tuple(ws.store.entities_by_ids(list(story.entities)))
    quotes = sorted(ws.store.quotes_in(list(numbers)), key=lambda q: numbers[q.article_id])
    sentences = ws.store.sentences_near(sorted(k for k in _cited_keys(story) if k[0] in numbers))
    return StoryView(story, sources, entities, tuple(quotes), sentences)


def _cited_keys(story: Story) -> set[tuple[str, int]]:
    citations: list[Citation] = [c for s in story.summary for c in s.citations]
    citations += [c for t in story.timeline for c in t.citations]
    return {(c.article_id, c.sentence) for c in citations}
