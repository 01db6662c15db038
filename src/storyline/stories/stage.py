"""The story stage's steps: features of new articles, reprint groups, the online pass, events and stories,
summaries and timelines. ``storyline.stages`` declares them (name, version, settings) and runs them in order.

Incremental: only new articles are embedded; the online pass replays from the oldest new (or stale)
placement (see ``stories.cluster``); summaries are rewritten only for events and stories whose members,
or the summarizer's key, changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from storyline.analyze import embed
from storyline.headline import headline, title_of
from storyline.model import Event, FeatureInput, Features, Placement, Sentence, Story, TimelineEntry
from storyline.progress import NoProgress, Progress
from storyline.settings import Settings
from storyline.store import Store
from storyline.store.stories import ArticleMeta, EntityCount
from storyline.stories import cluster, features, happening, reprints, summarize, timeline

_EMBED_BATCH = 256


def embed_pending(store: Store, progress: Progress | None = None, key: str | None = None, *, threads: int = 0) -> int:
    """Compute and store the features of every analyzed article without them (or, given the features
    stage's ``key``, with features another version computed); returns how many."""
    progress = progress or NoProgress()
    pending = store.pending_features(key)
    progress.start(len(pending) or None, "embed")
    for begin in range(0, len(pending), _EMBED_BATCH):
        chunk = pending[begin : begin + _EMBED_BATCH]
        store.save_features(
            features.compute(_dated(store, store.feature_inputs(chunk)), threads), embed.MODEL_ID, key or ""
        )
        progress.advance(len(chunk))
    return len(pending)


def _dated(store: Store, items: list[FeatureInput]) -> list[FeatureInput]:
    """``items`` with their clustering time moved to the date of the happening they report (see
    ``stories.happening``)."""
    ids = [item.article_id for item in items]
    spans: dict[str, list[tuple[int, int]]] = {}
    for (article_id, _), s in sorted(store.sentences_near([(a, 0) for a in ids], happening.LEAD_SENTENCES - 1).items()):
        spans.setdefault(article_id, []).append((s.start, s.end))
    when = happening.happening_times({item.article_id: item.t for item in items}, store.times_of(ids), spans)
    return [replace(item, t=when[item.article_id]) for item in items]


def cluster_params(settings: Settings) -> cluster.Params:
    """The clustering parameters the settings set (the rest keep their defaults)."""
    return cluster.Params(
        join=settings.event_threshold, gap_days=settings.event_gap_days, story=settings.story_threshold
    )


def find_reprints(store: Store, threshold: float) -> int:
    """Look the articles not yet indexed up in the LSH index; regroup what they touch. Returns new copies."""
    new = store.unbanded()
    if not new:
        return 0
    sigs = store.signatures_of(new)
    candidates = store.reprint_candidates(
        [(a, key) for a in new for _, key in reprints.band_keys(sigs[a][1], threshold)]
    )
    sigs.update(store.signatures_of(sorted({b for _, b in candidates} - set(sigs))))
    pairs = reprints.verified(candidates, {a: sig for a, (_, sig) in sigs.items()}, threshold)
    existing = store.reprints()
    involved = {x for pair in pairs for x in pair} | set(existing) | set(existing.values())
    sigs.update(store.signatures_of(sorted(involved - set(sigs))))
    copies = reprints.groups(pairs, existing, {a: t for a, (t, _) in sigs.items()})
    members = sorted({x for pair in copies for x in pair})
    store.update_reprints(reprints.similarity(copies, {a: sig for a, (_, sig) in sigs.items()}), members)
    return sum(1 for c, _ in copies if c not in existing)


def place_new(store: Store, params: cluster.Params, progress: Progress | None = None, key: str | None = None) -> int:
    """Run the online pass from the oldest unplaced article (or, given the place stage's ``key``, the oldest
    placed with another key) on; returns how many articles it placed."""
    progress = progress or NoProgress()
    new = store.unassigned(key)
    if not new:
        return 0
    cut = min((t, article_id) for article_id, t in new)
    store.rewind(cut)
    since = cut[0] - timedelta(days=params.span_days)
    earlier = {f.article_id: f for f in store.features(since=since, before=cut)}
    open_events = _event_states(store.assignments(since=since, before=cut), earlier)
    for raw, first in store.event_starts(list(open_events)).items():
        open_events[raw].first = first
    online = cluster.OnlinePass(params, open_events.values())
    todo = store.features(start=cut)
    progress.start(len(todo), "cluster")
    rows = []
    for f in todo:
        raw, score = online.place(f)
        rows.append(Placement(f.article_id, f.t, raw, score))
        progress.advance(1)
    store.save_assignments(rows, key or "")
    return len(rows)


def place_blocked(
    store: Store, params: cluster.Params, progress: Progress | None = None, key: str | None = None
) -> int:
    """The online pass over every unplaced article at once, with ANN candidate blocking (the Ray engine's
    place step: ``stories.blocking``); returns how many articles it placed."""
    from storyline.stories.blocking import BlockedPass

    new = {a for a, _ in store.unassigned(key)}
    if not new:
        return 0
    online = BlockedPass(params)
    rows = []
    for f in sorted((f for f in store.features() if f.article_id in new), key=cluster.order_key):
        raw, score = online.place(f)
        rows.append(Placement(f.article_id, f.t, raw, score))
    store.save_assignments(rows, key or "")
    return len(rows)


def _event_states(placements: Iterable[Placement], feats: dict[str, Features]) -> dict[str, cluster.EventState]:
    """Raw event id -> its state rebuilt from the placements and the features."""
    states: dict[str, cluster.EventState] = {}
    for p in placements:
        f = feats[p.article_id]
        states.setdefault(p.raw_event, cluster.EventState(p.raw_event, p.t, p.t, np.zeros_like(f.vector))).add(f)
    return states


def group_all(store: Store, params: cluster.Params) -> tuple[int, int]:
    """Merge the placed articles' events, link events into stories, store both; returns their numbers."""
    states = _event_states(store.assignments(), {f.article_id: f for f in store.features()})
    return _write_stories(store, cluster.group(list(states.values()), params), states, store.reprints())


MAIN_ENTITIES = 8  # entities listed per story


def main_entities(counts: Iterable[EntityCount], limit: int = MAIN_ENTITIES) -> dict[str, tuple[str, ...]]:
    """Story id -> the entities most of its articles mention (people and organizations first on ties, then
    the most mentioned), at most ``limit``."""
    ranked: dict[str, list[tuple[tuple[int, int, int, str], str]]] = {}
    for c in counts:
        actor = 1 if {"PERSON", "ORG"} & set(c.types) else 0
        ranked.setdefault(c.group, []).append(((-c.articles, -actor, -c.mentions, c.entity_id), c.entity_id))
    return {group: tuple(e for _, e in sorted(items)[:limit]) for group, items in ranked.items()}


def _write_stories(
    store: Store, grouping: cluster.Grouping, states: dict[str, cluster.EventState], original_of: dict[str, str]
) -> tuple[int, int]:
    """Store events and stories with their titles, sources, independent-source counts and main entities."""
    members: dict[str, list[str]] = {}
    times: dict[str, list[datetime]] = {}  # happening times of each event's members
    for raw, state in states.items():
        members.setdefault(grouping.event_of[raw], []).extend(state.members)
        times.setdefault(grouping.event_of[raw], []).extend(state.times)
    meta = store.article_meta([a for ids in members.values() for a in ids])
    vectors = {a: v for state in states.values() for a, v in zip(state.members, state.vectors, strict=True)}
    events: list[Event] = []
    fingerprints: dict[str, str] = {}
    story_members: dict[str, list[str]] = {}
    story_events: dict[str, list[str]] = {}
    main_event: dict[str, tuple[tuple[int, int], str]] = {}  # story -> ((sources, articles), title) of its main event
    for event, ids in members.items():
        ids = sorted(ids, key=lambda a: (meta[a].time, a))
        story = grouping.story_of[event]
        story_members.setdefault(story, []).extend(ids)
        story_events.setdefault(story, []).append(event)
        title = _title(ids, meta, vectors, original_of)
        first, last, count, independent, sources, fingerprint = _describe(ids, meta, original_of)
        events.append(
            Event(event, story, title, tuple(ids), first, last, tuple(sources), independent,
                  happened=cluster.main_day(times[event]))
        )  # fmt: skip
        fingerprints[event] = fingerprint
        weight = (independent, count)  # ties: the earlier event
        if story not in main_event or weight > main_event[story][0]:
            main_event[story] = (weight, title)
    central = main_entities(store.entity_counts(story_members))
    stories: list[Story] = []
    for story, ids in story_members.items():
        ids = sorted(ids, key=lambda a: (meta[a].time, a))
        first, last, _, independent, sources, fingerprint = _describe(ids, meta, original_of)
        title = main_event[story][1]  # a story is named after its most covered event
        stories.append(
            Story(story, title, tuple(story_events[story]), tuple(ids), first, last, tuple(sources), independent,
                  central.get(story, ()))
        )  # fmt: skip
        fingerprints[story] = fingerprint
    store.replace_stories(events, stories, fingerprints)
    return len(events), len(stories)


def _title(
    ids: list[str], meta: dict[str, ArticleMeta], vectors: dict[str, np.ndarray], original_of: dict[str, str]
) -> str:
    """The headline of the original article closest to the articles' centroid (its opening sentence, if no
    article has a headline), as one clean line (see ``storyline.headline``)."""
    originals = [a for a in ids if a not in original_of] or ids
    centroid = np.sum([vectors[a] for a in originals], axis=0)
    titled = [a for a in originals if headline(meta[a].title)] or originals
    position = {a: i for i, a in enumerate(ids)}
    best = max(titled, key=lambda a: (float(vectors[a] @ centroid), -position[a]))
    return title_of(meta[best].title, meta[best].lead)


def _describe(ids: list[str], meta: dict[str, ArticleMeta], original_of: dict[str, str]) -> tuple[Any, ...]:
    """(first, last, articles, independent sources, sources, fingerprint) of a group of articles.

    Copies of an article count with their original's outlet, so a wire story reprinted by ten sites is
    one source.
    """
    published = [p for a in ids if (p := meta[a].published) is not None]
    sources = sorted({s for a in ids if (s := meta[a].source)})
    independent = len({meta[original_of.get(a, a)].source or original_of.get(a, a) for a in ids})
    fingerprint = hashlib.sha1("\n".join(sorted(ids)).encode()).hexdigest()[:16]
    return min(published, default=None), max(published, default=None), len(ids), independent, sources, fingerprint


_SUMMARY_ARTICLES = 40  # the articles a summary reads: originals first, then the most recent


def summarize_changed(store: Store, settings: Settings, progress: Progress | None = None, key: str = "") -> int:
    """(Re)write the summary and timeline of every event and story whose members changed, or whose summary
    another summarizer (another summarize stage ``key``: version and settings) wrote."""
    progress = progress or NoProgress()
    done = store.fingerprints()
    events = store.event_rows(texts=False)  # the members are enough here
    event_of = {a: e.id for e in events for a in e.article_ids}
    events_of: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for e in events:
        events_of.setdefault(e.story_id, []).append((e.id, e.article_ids))
    owners = []  # each story right after its events: their articles' sentences are weighed once (caches)
    for s in store.story_rows(texts=False):
        owners += [*events_of.pop(s.id, []), (s.id, s.article_ids)]
    owners += [owner for rest in events_of.values() for owner in rest]
    current = {owner: f"{fingerprint}:{key}" for owner, fingerprint in store.owner_fingerprints().items()}
    todo = [(owner, ids) for owner, ids in owners if done.get(owner) != current[owner]]
    progress.start(len(todo) or None, "summarize")
    original_of = store.reprints()
    for owner, ids in todo:
        chosen = [a for a in ids if a not in original_of][-_SUMMARY_ARTICLES:] or list(ids[-_SUMMARY_ARTICLES:])
        sentences = store.sentences_of(list(ids))  # read once: the summary's articles are among them
        units, vectors, choosable = _units(store, chosen, sentences, original_of, event_of, settings.embed_threads)
        text = summarize.summarize(units, vectors, max_words=settings.summary_words, choosable=choosable)
        entries = timeline.build(store.times_of(list(ids)), sentences, original_of)
        store.save_summary(owner, current[owner], text, entries)
        progress.advance(1)
    return len(todo)


_SENTENCE_BATCH = 64  # articles whose sentences are embedded and stored together


def _by_article(sentences: dict[tuple[str, int], Sentence]) -> dict[str, list[tuple[str, int]]]:
    """The keys of ``sentences`` per article, in order."""
    by_article: dict[str, list[tuple[str, int]]] = {}
    for key in sorted(sentences):
        by_article.setdefault(key[0], []).append(key)
    return by_article


def _embedded_keys(sentences: dict[tuple[str, int], Sentence]) -> set[tuple[str, int]]:
    """The (article id, index) of the sentences a summary can choose (``summarize.embedded``, per article:
    quote interiors left out)."""
    found: set[tuple[str, int]] = set()
    for keys in _by_article(sentences).values():
        quoted = _quote_interiors(keys, sentences)
        chosen = summarize.embedded([sentences[key].text for key in keys], [key in quoted for key in keys])
        found.update(keys[k] for k in chosen)
    return found


def embed_sentences(store: Store, ids: Sequence[str], progress: Progress | None = None, *, threads: int = 0) -> int:
    """Embed and store the sentences a summary can choose (``summarize.embedded``) of the articles ``ids``,
    ``_SENTENCE_BATCH`` articles at a time; copies of a reprinted article are left out (a summary reads
    the originals; ``_units`` embeds what it still lacks). Returns how many sentences were embedded."""
    progress = progress or NoProgress()
    copies = store.reprints()
    ids = [a for a in ids if a not in copies]
    progress.start(len(ids) or None, "embed sentences")
    done = 0
    for begin in range(0, len(ids), _SENTENCE_BATCH):
        chunk = ids[begin : begin + _SENTENCE_BATCH]
        sentences = store.sentences_of(chunk)
        keys = sorted(_embedded_keys(sentences) - set(store.sentence_vectors(chunk)))  # each sentence once
        if keys:
            vectors = embed.embedder(threads).encode([sentences[k].text for k in keys])
            store.save_sentence_vectors([(a, i, v) for (a, i), v in zip(keys, vectors, strict=True)])
        done += len(keys)
        progress.advance(len(chunk))
    return done


def _units(
    store: Store,
    ids: list[str],
    all_sentences: dict[tuple[str, int], Sentence],
    original_of: dict[str, str],
    event_of: dict[str, str],
    threads: int = 0,
) -> tuple[list[summarize.Unit], np.ndarray, list[bool]]:
    """The sentences of ``ids`` (taken from ``all_sentences``) with their vectors and whether each can be chosen.

    Only the sentences ``summarize.embedded`` picks in each article (its first usable ones) have a vector
    (computed once, then read from the store) and can be chosen; the others still count for their words
    (which concepts the sources share) with a zero vector.
    """
    meta = store.article_meta(ids)
    wanted = set(ids)
    sentences = {k: s for k, s in all_sentences.items() if k[0] in wanted}
    embedded = _embedded_keys(sentences)
    cached = store.sentence_vectors(ids)
    missing = sorted(key for key in embedded if key not in cached)
    if missing:
        fresh = embed.embedder(threads).encode([sentences[k].text for k in missing])
        store.save_sentence_vectors([(a, i, v) for (a, i), v in zip(missing, fresh, strict=True)])
        cached.update({k: v for k, v in zip(missing, fresh, strict=True)})
    keys = sorted(sentences, key=lambda k: (meta[k[0]].time, k[0], k[1]))
    quoted = _quote_interiors(keys, sentences)
    units = [
        summarize.Unit(
            a,
            i,
            sentences[a, i].text,
            meta[a].published,
            i,
            meta[a].source,
            original_of.get(a, a),
            event_of.get(a, ""),
            (a, i) in quoted,
        )
        for a, i in keys
    ]
    vectors = np.zeros((len(keys), embed.DIMENSIONS), dtype=np.float32)
    for row, key in enumerate(keys):
        if key in embedded:
            vectors[row] = cached[key]
    return units, vectors, [key in embedded for key in keys]


def _quote_interiors(keys: list[tuple[str, int]], sentences: dict[tuple[str, int], Sentence]) -> set[tuple[str, int]]:
    """The sentences (of ``keys``, grouped by article in order) that begin inside a quotation; a gap of two
    characters or more between two sentences is a paragraph break."""
    found: set[tuple[str, int]] = set()
    by_article: dict[str, list[Sentence]] = {}
    for key in keys:
        by_article.setdefault(key[0], []).append(sentences[key])
    for article_id, ordered in by_article.items():
        breaks = [k == 0 or s.start - ordered[k - 1].end >= 2 for k, s in enumerate(ordered)]
        inside = summarize.quote_interiors([s.text for s in ordered], breaks)
        found.update((article_id, s.index) for s, flag in zip(ordered, inside, strict=True) if flag)
    return found


def timeline_of_entity(store: Store, entity_id: str, article_ids: list[str]) -> list[TimelineEntry]:
    """Timeline entries from the dated sentences that mention the entity."""
    sentences = store.entity_sentences(entity_id)
    original_of = store.reprints()
    return timeline.build(store.times_of(article_ids), sentences, original_of)
