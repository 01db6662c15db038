"""The public Python API: ``storyline.open(path)`` gives a Workspace over one store."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from storyline import stages
from storyline.analyze.lexicon import lexicon
from storyline.errors import InputError, NotFoundError
from storyline.export import export as export_store
from storyline.export import export_actions
from storyline.ingest.article import BuildOptions
from storyline.ingest.clean import CleaningRules, load_rules
from storyline.ingest.dates import parse_published, resolve_timezone
from storyline.ingest.records import record_to_document
from storyline.model import (
    Action,
    AnalyzeReport,
    Article,
    ClusterReport,
    Entity,
    Event,
    FeedPoll,
    FeedStatus,
    IngestReport,
    MergedAction,
    Quote,
    RawDocument,
    RemovedLine,
    Skip,
    SkipReason,
    Story,
    TimeExpression,
    Timeline,
    TimexType,
)
from storyline.progress import Progress
from storyline.settings import Settings
from storyline.store import ArticleFilter, Store
from storyline.store.actions import ActionFilter
from storyline.store.analysis import QuoteFilter
from storyline.store.parquet import jsonl_to_parquet
from storyline.stories.actions import merge_actions
from storyline.stories.explain import Link, story_links
from storyline.stories.stage import cluster_params, timeline_of_entity
from storyline.views import (
    SORTS,
    ArticleView,
    EntityView,
    EventView,
    StoryCard,
    StoryView,
    article_view,
    entity_view,
    event_view,
    filter_cards,
    story_cards,
    story_view,
)
from storyline.watch import WatchCycle
from storyline.watch import watch as watch_feeds

if TYPE_CHECKING:
    from storyline.search import SearchIndex
    from storyline.views import SearchResults

T = TypeVar("T")
Cache = Callable[[Any, Callable[[], Any]], Any]  # (key, compute) -> the value, computed once per generation

ACTION_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip


class Workspace:
    """One store and the settings to work on it. Use as a context manager, or call ``close()``."""

    def __init__(self, settings: Settings, *, read_only: bool = False) -> None:
        self.settings = settings
        self.store = Store(settings.db, read_only=read_only)
        self._rules: CleaningRules | None = None
        self._cache: Cache | None = None  # a caller's cache (the web's, per store generation); see use_cache
        self._memo: dict[Any, Any] = {}  # else: values kept while the store's fingerprint stays the same

    def close(self) -> None:
        self.store.close()

    def cursor(self) -> Workspace:
        """This workspace on its own cursor of the same store, to read from another thread."""
        view = object.__new__(Workspace)
        view.settings, view.store, view._rules = self.settings, self.store.cursor(), self._rules
        view._cache, view._memo = None, self._memo
        return view

    @contextmanager
    def snapshot(self) -> Iterator[Workspace]:
        """Read in one transaction: every call inside sees the same committed state of the store."""
        with self.store.snapshot():
            yield self

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _options(self, source: str | None, published: str | None) -> BuildOptions:
        if self._rules is None:
            self._rules = load_rules(self.settings.cleaning_rules)
        tz = resolve_timezone(self.settings.default_timezone)
        if published is not None:
            parse_published(published, tz)  # fail early, before any file is read
        return BuildOptions(
            rules=self._rules,
            source=source,
            published=published,
            default_tz=tz,
            min_language_chars=self.settings.min_language_chars,
        )

    def ingest(
        self,
        *paths: str | Path,
        source: str | None = None,
        published: str | None = None,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Ingest files, directories, globs or '-' (stdin). ``source``/``published`` fill missing metadata."""
        return stages.ingest_paths(
            self.store, [str(p) for p in paths], self.settings, self._options(source, published), progress
        )

    def ingest_records(self, records: Iterable[Mapping[str, Any]], origin: str = "<api>") -> IngestReport:
        """Ingest articles given as dicts with the JSONL fields (id, text or html, title, source, ...)."""
        docs: list[RawDocument] = []
        report = IngestReport()
        for index, record in enumerate(records):
            try:
                docs.append(
                    record_to_document(dict(record) if isinstance(record, Mapping) else record, f"{origin}[{index}]")
                )
            except InputError as exc:
                report.skipped.append(Skip(f"{origin}[{index}]", SkipReason(exc.reason), str(exc)))
        report.merge(stages.ingest_documents(self.store, docs, self.settings, self._options(None, None)))
        return report

    def analyze(self, progress: Progress | None = None) -> AnalyzeReport:
        """Analyze every article not analyzed yet (entities, titles, quotes, dates); relink entities."""
        return stages.analyze(self.store, self.settings, progress)

    def run(
        self,
        *paths: str | Path,
        source: str | None = None,
        published: str | None = None,
        progress: Progress | None = None,
    ) -> tuple[IngestReport, AnalyzeReport, ClusterReport]:
        """Ingest ``paths``, analyze what is new, update events and stories: the main job in one call."""
        ingested = self.ingest(*paths, source=source, published=published, progress=progress)
        return (ingested, *self.update(progress))

    def cluster(self, progress: Progress | None = None, *, summaries: bool = True) -> ClusterReport:
        """Place analyzed articles not yet placed into reprint groups, events and stories; summarize what changed."""
        return stages.cluster(self.store, self.settings, progress, summaries=summaries)

    def update(self, progress: Progress | None = None) -> tuple[AnalyzeReport, ClusterReport]:
        """Run every stage with pending work, in order: analysis of new (or stale) articles, entities, then the
        story stage (what follows an ingest: feeds and the web writer call this)."""
        reports = stages.update(self.store, self.settings, progress)
        return reports.analysis, reports.stories

    def load_ray(self, directory: str | Path) -> dict[str, int]:
        """Add the output directory of a Ray run (``storyline run --engine ray --out DIR``) to this store."""
        from storyline import distributed

        return distributed.load(self.store, directory, self.settings)

    def pending(self) -> bool:
        """Whether any stage has work left (new articles, or results of an older version or other settings)."""
        return stages.pending(self.store, self.settings)

    def stories(self, *, limit: int | None = 50, offset: int = 0, entity: str | None = None) -> list[Story]:
        """Stories, most recently updated first; ``entity`` (a name, alias or id) keeps those it is central to."""
        central = self.entity(entity).id if entity is not None else None
        return self.store.story_rows(entity=central, limit=limit, offset=offset)

    def story(self, story_id: str) -> Story:
        found = self.store.story_rows(ids=[story_id])
        if not found:
            raise NotFoundError(f"no story {story_id!r}; list them with: storyline stories")
        return found[0]

    def events(self, *, story_id: str | None = None) -> list[Event]:
        """Events in time order, all or those of one story."""
        return self.store.event_rows(story_id=story_id) if story_id else self.store.event_rows()

    def event(self, event_id: str) -> Event:
        found = self.store.event_rows(ids=[event_id])
        if not found:
            raise NotFoundError(f"no event {event_id!r}; list stories with: storyline stories")
        return found[0]

    def story_links(self, story_id: str) -> tuple[Link, ...]:
        """Why a story's events are one story: for each event after the first, the earlier event it scores
        highest with by the story linker's score, in parts (``stories.explain``); the story view carries
        them too. NotFoundError for an unknown id."""
        return story_links(self.store, self.story(story_id), cluster_params(self.settings))

    def reprints(self) -> dict[str, str]:
        """Copy article id -> the id of the original it reprints."""
        return self.store.reprints()

    def timeline(self, story_or_entity: str | Entity) -> Timeline:
        """The dated timeline of a story (by id) or of an entity (by id, name or alias, or one already read),
        with coverage per day."""
        try:
            if isinstance(story_or_entity, Entity):
                raise NotFoundError("an entity, not a story")
            story = self.story(story_or_entity)
            entries, ids = list(story.timeline), list(story.article_ids)
            owner, title = story.id, story.title
        except NotFoundError:
            entity = story_or_entity if isinstance(story_or_entity, Entity) else self.entity(story_or_entity)
            ids = list(entity.article_ids)
            entries = timeline_of_entity(self.store, entity.id, ids)
            owner, title = entity.id, entity.name
        meta = self.store.article_meta(ids)
        volume = Counter(m.time.date().isoformat() for m in meta.values())
        return Timeline(owner, title, tuple(entries), tuple(sorted(volume.items())))

    def watch(
        self,
        *urls: str,
        once: bool = False,
        analyze: bool = True,
        on_poll: Callable[[FeedPoll], None] | None = None,
        on_cycle: Callable[[WatchCycle], None] | None = None,
        stop: threading.Event | None = None,
    ) -> WatchCycle | None:
        """Poll feeds (these, added to the store, or every feed it knows), store and analyze new items.

        ``once`` polls each feed once; otherwise polls as feeds fall due until ``stop`` is set. Returns the
        last cycle (None when there was none).
        ``analyze=False`` only stores new articles (analyze them later with ``analyze()``).
        """
        last: list[WatchCycle] = []

        def cycle_done(cycle: WatchCycle) -> None:
            last[:] = [cycle]
            if on_cycle:
                on_cycle(cycle)

        watch_feeds(self.store, urls, self.settings, self._options(None, None), once=once, analyze=analyze,
                    on_poll=on_poll, on_cycle=cycle_done, stop=stop)  # fmt: skip
        return last[0] if last else None

    def feeds(self) -> list[FeedStatus]:
        """Every watched feed: last success, last error, items seen, next poll."""
        return self.store.feed_statuses()

    def entities(
        self, *, type: str | None = None, name: str | None = None, limit: int | None = 50, offset: int = 0
    ) -> list[Entity]:
        """Canonical entities, most mentioned first; ``name`` matches names and aliases."""
        return self.store.entities(type, name, limit, offset)

    def entity(self, name_or_id: str) -> Entity:
        """The entity with this id, name or alias (the most mentioned one if several); NotFoundError."""
        found = self.store.entities_by_ids([name_or_id]) or self.store.entities(None, name_or_id, limit=1)
        if not found:
            raise NotFoundError(f"no entity named {name_or_id!r}; list them with: storyline entities")
        return found[0]

    def quotes(
        self,
        *,
        speaker: str | None = None,
        article_id: str | None = None,
        kind: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        source: str | None = None,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
    ) -> list[Quote]:
        """Quotes, by article; ``speaker`` is an entity name, alias or id; ``source`` (an outlet) and
        ``since``/``until`` (publication dates) filter their articles."""
        speaker_id = self.entity(speaker).id if speaker else None
        if source is None and since is None and until is None:
            return self.store.quotes(QuoteFilter(speaker_id, article_id, kind, limit, offset))
        every = self.store.quotes(QuoteFilter(speaker_id, article_id, kind, None, 0))
        kept = self._kept(list({q.article_id for q in every}), source, since, until)
        found = [q for q in every if q.article_id in kept]
        return found[offset : None if limit is None else offset + limit]

    def _kept(
        self, ids: list[str], source: str | None, since: datetime | str | None, until: datetime | str | None
    ) -> set[str]:
        """Of these articles, those from ``source`` published within ``since``..``until``."""
        flt = self._filter(source, since, until)
        return {
            a
            for a, m in self.store.article_meta(ids).items()
            if (source is None or m.source == source)
            and (flt.since is None or (m.published is not None and m.published >= flt.since))
            and (flt.until is None or (m.published is not None and m.published <= flt.until))
        }

    def actions(
        self,
        *,
        actor: str | None = None,
        target: str | None = None,
        type: str | None = None,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        story: str | None = None,
        event: str | None = None,
        article_id: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Action]:
        """Who did what to whom: action records, by article and sentence. ``actor`` (the source) and
        ``target`` match an entity id, canonical or in-article name, a group's noun or its country;
        ``type`` is a PLOVER type; ``since``/``until`` bound the action's date."""
        return self.store.actions(self._action_filter(actor, target, type, since, until, story, event, article_id,
                                                      limit, offset))  # fmt: skip

    def merged_actions(
        self,
        *,
        actor: str | None = None,
        target: str | None = None,
        type: str | None = None,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        story: str | None = None,
        event: str | None = None,
    ) -> list[MergedAction]:
        """Records of one happening (same source, target, type, date) merged across each event's articles,
        with every sentence that states it and the number of independent sources (reprints count once)."""
        found = self.store.actions(self._action_filter(actor, target, type, since, until, story, event, None, None, 0))
        if not found:
            return []
        meta = self.store.action_context(sorted({a.article_id for a in found}))
        return merge_actions(found, meta, self._action_texts(found), lexicon().symmetric)

    def export_actions(self, path: str | Path, format: str = "jsonl", **filters: Any) -> int:
        """Write action records (filtered as ``actions()``) as JSON Lines or Parquet; returns the count."""
        found = self.actions(**filters)
        meta = self.store.action_context(sorted({a.article_id for a in found}))
        events = {aid: (event, story) for aid, (_, _, event, story) in meta.items() if event is not None}
        return export_actions(found, self._action_texts(found), events, Path(path), format, jsonl_to_parquet)

    def _action_texts(self, found: Sequence[Action]) -> dict[tuple[str, int], str]:
        """The text of the sentence each record comes from, by (article id, sentence index)."""
        keys = sorted({(a.article_id, a.sentence) for a in found})
        return {k: s.text for k, s in self.store.sentences_near(keys, reach=0).items()} if keys else {}

    def _action_filter(
        self,
        actor: str | None,
        target: str | None,
        type_: str | None,
        since: datetime | str | None,
        until: datetime | str | None,
        story: str | None,
        event: str | None,
        article_id: str | None,
        limit: int | None,
        offset: int,
    ) -> ActionFilter:
        if type_ and type_.upper() not in ACTION_TYPES:
            raise InputError(f"unknown action type {type_!r}; one of: {', '.join(ACTION_TYPES)}")
        tz = resolve_timezone(self.settings.default_timezone)
        return ActionFilter(
            actor=actor,
            target=target,
            type=type_.upper() if type_ else None,
            since=parse_published(since, tz) if since is not None else None,
            until=parse_published(until, tz) if until is not None else None,
            story=story,
            event=event,
            article_id=article_id,
            limit=limit,
            offset=offset,
        )

    def times(
        self, article_id: str | None = None, *, type: TimexType | str | None = None, value: str | None = None
    ) -> list[TimeExpression]:
        """Time expressions of one article (or all), normalized against publication dates.

        ``type`` keeps one TIMEX3 type ("DATE", "TIME", "DURATION", "SET") and ``value`` one normalized
        value: ``ws.times(type="DURATION", value="P2Y")`` finds every article that speaks of two years.
        """
        try:
            kind = TimexType(str(type).upper()) if type is not None else None
        except ValueError:
            raise InputError(
                f"unknown time type {type!r}: use one of {', '.join(t.value for t in TimexType)}"
            ) from None
        return self.store.times(article_id, kind, value)

    def articles(
        self,
        *,
        source: str | None = None,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        language: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        entity: str | None = None,
    ) -> list[Article]:
        """Stored articles, oldest first, filtered by source, publication date range, language and an
        ``entity`` (name, alias or id) they name."""
        if entity is None:
            return self.store.articles(self._filter(source, since, until, language, limit, offset))
        ids = list(self.entity(entity).article_ids)
        kept = self._kept(ids, source, since, until)
        found = [a for a in self.store.articles_by_ids(ids) if a.id in kept and language in (None, a.language)]
        found.sort(key=lambda a: (a.published is None, a.published or datetime.max, a.id))
        return found[offset : None if limit is None else offset + limit]

    def count(self, **filters: Any) -> int:
        return self.store.count_articles(self._filter(**filters)) if filters else self.store.count_articles()

    def get(self, article_id: str) -> Article:
        """One article by id; raises NotFoundError."""
        article = self.store.get_article(article_id)
        if article is None:
            raise NotFoundError(f"no article with id {article_id!r}; list ids with: storyline articles")
        return article

    def removed(self, article_id: str) -> list[RemovedLine]:
        """What cleaning removed from an article, with the rule that removed each line."""
        self.get(article_id)
        return self.store.removed_lines(article_id)

    def export(self, path: str | Path, format: str = "json", **filters: Any) -> int:
        """Write articles (and, as later stages land, everything else) to a file; returns the count."""
        flt = self._filter(**filters)
        store = self.store

        def copy(partial: Path) -> int:
            store.copy_articles(partial, format, flt)
            return store.count_articles(flt)

        def sections() -> Iterator[tuple[str, Iterable[dict[str, Any]]]]:  # read only by a JSON document
            yield "entities", (e.to_dict() for e in store.entities(limit=None))
            yield "quotes", (q.to_dict() for q in store.quotes())
            yield "times", (t.to_dict() for t in store.times())
            yield "actions", (a.to_dict() for a in store.actions())
            yield "events", (e.to_dict() for e in store.event_rows())
            yield "stories", (s.to_dict() for s in store.story_rows())

        return export_store(Path(path), format, self._paged(flt), sections(), copy)

    def _paged(self, flt: ArticleFilter, size: int = 1000) -> Iterator[Article]:
        """The articles ``flt`` selects, read a page at a time."""
        remaining, offset = flt.limit, flt.offset
        while remaining is None or remaining > 0:
            want = size if remaining is None else min(size, remaining)
            page = self.store.articles(replace(flt, limit=want, offset=offset))
            yield from page
            if len(page) < want:
                return
            offset += want
            remaining = None if remaining is None else remaining - want

    # -- views: one per thing a user looks at, each with one to_dict() (docs/schema.md, "Views") -----------

    def story_view(self, story_id: str) -> StoryView:
        """A story with its articles numbered for citations, entities and their titles, quotes, the cited
        sentences in context and its merged action records; NotFoundError for an unknown id."""
        return story_view(self, story_id)

    def event_view(self, event_id: str) -> EventView:
        """An event with its articles, the text of its cited sentences and its merged action records."""
        return event_view(self, event_id)

    def entity_view(self, name_or_id: str) -> EntityView:
        """An entity (id, name or alias) with its articles, quotes, timeline, stories, the entities named
        beside it and its actions as source and as target."""
        return entity_view(self, name_or_id)

    def article_view(self, article_id: str) -> ArticleView:
        """An article with its analysis: removed lines, names, quotes, dates, sentences, actions, story."""
        return article_view(self, article_id)

    def story_cards(
        self,
        *,
        entity: str | None = None,
        source: str | None = None,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        sort: str = "updated",
    ) -> list[StoryCard]:
        """Stories as lists show them, filtered (``entity``: a name, alias or id central to the story;
        ``source``: an outlet; ``since``/``until``: stories overlapping the range) and sorted by ``sort``
        (updated, articles, sources or first)."""
        if sort not in SORTS:
            raise InputError(f"unknown sort {sort!r}; one of: {', '.join(SORTS)}")
        tz = resolve_timezone(self.settings.default_timezone)
        entity_id = self.entity(entity).id if entity else None
        cards = self._cached("cards", lambda: story_cards(self))
        low = parse_published(since, tz) if since is not None else None
        high = parse_published(until, tz) if until is not None else None
        return filter_cards(cards, source=source, entity_id=entity_id, since=low, until=high, sort=sort)

    def sources(self) -> list[str]:
        """Every outlet named by a stored article, alphabetically."""
        return list(self._cached("sources", self.store.sources))

    def search(self, query: str, limit: int = 20) -> SearchResults:
        """Articles ranked by words (BM25) and by meaning (article vectors), fused; quotes by words. The index
        is built on first use and kept until the store changes (an empty query only builds it)."""
        return self._search_index().search(self.store, query, limit)

    def _search_index(self) -> SearchIndex:
        from storyline.search import SearchIndex

        return self._cached("search", lambda: SearchIndex(self.store, self.settings.embed_threads))

    def use_cache(self, cache: Cache | None) -> None:
        """Keep what is slow to compute (story cards, the search index) in ``cache(key, compute)``, which
        computes each key once per store generation (the web app's); None: the workspace's own, checked
        against a fingerprint of the store."""
        self._cache = cache

    def _cached(self, key: str, compute: Callable[[], T]) -> T:
        if self._cache is not None:
            found: T = self._cache(key, compute)
            return found
        state = (key, self.store.search_state())
        value: T | None = self._memo.get(state)
        if value is None:
            value = compute()
            for old in [k for k in list(self._memo) if k[0] == key and k != state]:
                self._memo.pop(old, None)
            self._memo[state] = value
        return value

    def article_titles(self, article_ids: Iterable[str]) -> dict[str, str | None]:
        """Article id -> title, for the ids that are stored."""
        return {a.id: a.title for a in self.store.articles_by_ids(list(article_ids))}

    def _filter(
        self,
        source: str | None = None,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        language: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> ArticleFilter:
        tz = resolve_timezone(self.settings.default_timezone)
        return ArticleFilter(
            source=source,
            since=parse_published(since, tz) if since is not None else None,
            until=parse_published(until, tz) if until is not None else None,
            language=language,
            limit=limit,
            offset=offset,
        )


def open(db_path: str | Path | None = None, *, read_only: bool = False, **settings: Any) -> Workspace:
    """Open (or create) the store at ``db_path`` (default ./storyline.duckdb) and return a Workspace."""
    return Workspace(Settings.load(db=db_path, **settings), read_only=read_only)
