"""The story stage: features of new articles, reprint groups, events, stories, summaries, timelines."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np

from storyline.analyze import embed
from storyline.headline import headline, title_of
from storyline.model import ClusterReport, Sentence, TimelineEntry
from storyline.progress import NoProgress, Progress
from storyline.settings import Settings
from storyline.store import Store
from storyline.store.stories import ArticleMeta
from storyline.stories import cluster, features, reprints, summarize, timeline


def cluster_pending(
    store: Store, settings: Settings, progress: Progress | None = None, *, summaries: bool = True
) -> ClusterReport:
    """The story stage: features of new articles, reprint groups, events, stories, summaries, timelines.

    Incremental: only new articles are embedded (their leads, and the sentences a summary can choose); the
    online pass replays from the oldest new article (see ``stories.cluster``); summaries are rewritten only
    for events and stories whose members changed.
    """
    progress = progress or NoProgress()
    started = datetime.now(timezone.utc)
    clock = time.perf_counter()
    report = ClusterReport()
    new = store.pending_features()
    report.embedded = embed_pending(store, progress)
    report.reprints = _find_reprints(store, settings.reprint_threshold)
    if summaries:
        embed_sentences(store, new, progress)
    params = cluster_params(settings)
    report.clustered = _place_new(store, params, progress)
    grouping, states = _group_all(store, params)
    written = _write_stories(store, grouping, states, store.reprints())
    report.events, report.stories = written
    if summaries:
        report.summarized = summarize_changed(store, settings, progress)
    report.seconds = time.perf_counter() - clock
    store.record_run(
        "cluster",
        started,
        {
            "embedded": report.embedded,
            "clustered": report.clustered,
            "events": report.events,
            "stories": report.stories,
        },
    )
    return report


_EMBED_BATCH = 256


def embed_pending(store: Store, progress: Progress | None = None) -> int:
    """Compute and store the features of every analyzed article without them; returns how many."""
    progress = progress or NoProgress()
    pending = store.pending_features()
    progress.start(len(pending) or None, "embed")
    for begin in range(0, len(pending), _EMBED_BATCH):
        chunk = pending[begin : begin + _EMBED_BATCH]
        store.save_features(features.compute(store.feature_inputs(chunk)))
        progress.advance(len(chunk))
    return len(pending)


def cluster_params(settings: Settings) -> cluster.Params:
    """The clustering parameters the settings set (the rest keep their defaults)."""
    return cluster.Params(
        join=settings.event_threshold, gap_days=settings.event_gap_days, story=settings.story_threshold
    )


def _find_reprints(store: Store, threshold: float) -> int:
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


def _place_new(store: Store, params: cluster.Params, progress: Progress) -> int:
    """Run the online pass from the oldest unplaced article on; returns how many articles it placed."""
    new = store.unassigned()
    if not new:
        return 0
    cut = min((t, article_id) for article_id, t in new)
    store.rewind(cut)
    since = cut[0] - timedelta(days=params.span_days)
    earlier = {f.article_id: f for f in store.features("f.t >= ? AND (f.t, f.article_id) < (?, ?)", [since, *cut])}
    open_events = _event_states(store.assignments(since=since, before=cut), earlier)
    for raw, first in store.event_starts(list(open_events)).items():
        open_events[raw].first = first
    online = cluster.OnlinePass(params, open_events.values())
    todo = store.features("(f.t, f.article_id) >= (?, ?)", list(cut))
    progress.start(len(todo), "cluster")
    rows = []
    for f in todo:
        raw, score = online.place(f)
        rows.append((f.article_id, f.t, raw, score))
        progress.advance(1)
    store.save_assignments(rows)
    return len(rows)


def _event_states(
    placements: Iterable[tuple[str, datetime, str]], feats: dict[str, features.Features]
) -> dict[str, cluster.EventState]:
    """Raw event id -> its state rebuilt from (article id, time, raw event) placements and the features."""
    states: dict[str, cluster.EventState] = {}
    for article_id, t, raw in placements:
        f = feats[article_id]
        states.setdefault(raw, cluster.EventState(raw, t, t, np.zeros_like(f.vector))).add(f)
    return states


def _group_all(store: Store, params: cluster.Params) -> tuple[cluster.Grouping, dict[str, cluster.EventState]]:
    states = _event_states(store.assignments(), {f.article_id: f for f in store.features()})
    return cluster.group(list(states.values()), params), states


def _write_stories(
    store: Store, grouping: cluster.Grouping, states: dict[str, cluster.EventState], original_of: dict[str, str]
) -> tuple[int, int]:
    """Store events and stories with their titles, sources and independent-source counts."""
    members: dict[str, list[str]] = {}
    for raw, state in states.items():
        members.setdefault(grouping.event_of[raw], []).extend(state.members)
    meta = store.article_meta([a for ids in members.values() for a in ids])
    vectors = {a: v for state in states.values() for a, v in zip(state.members, state.vectors, strict=True)}
    event_rows: list[tuple[Any, ...]] = []
    member_rows: list[tuple[str, str]] = []
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
        event_rows.append((event, story, title, first, last, count, independent, sources, fingerprint))
        member_rows.extend((a, event) for a in ids)
        weight = (independent, count)  # ties: the earlier event
        if story not in main_event or weight > main_event[story][0]:
            main_event[story] = (weight, title)
    story_rows: list[tuple[Any, ...]] = []
    for story, ids in story_members.items():
        ids = sorted(ids, key=lambda a: (meta[a].time, a))
        first, last, count, independent, sources, fingerprint = _describe(ids, meta, original_of)
        title = main_event[story][1]  # a story is named after its most covered event
        story_rows.append(
            (story, title, first, last, len(story_events[story]), count, independent, sources, [], fingerprint)
        )
    store.replace_stories(event_rows, member_rows, story_rows)
    return len(event_rows), len(story_rows)


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


def summarize_changed(store: Store, settings: Settings, progress: Progress | None = None) -> int:
    """(Re)write the summary and timeline of every event and story whose members changed."""
    progress = progress or NoProgress()
    done = store.fingerprints()
    events = store.event_rows(texts=False)  # the members are enough here
    event_of = {a: e.id for e in events for a in e.article_ids}
    owners = [(e.id, e.article_ids) for e in events] + [(s.id, s.article_ids) for s in store.story_rows(texts=False)]
    current = store.owner_fingerprints()
    todo = [(owner, ids) for owner, ids in owners if done.get(owner) != current[owner]]
    progress.start(len(todo) or None, "summarize")
    original_of = store.reprints()
    for owner, ids in todo:
        chosen = [a for a in ids if a not in original_of][-_SUMMARY_ARTICLES:] or list(ids[-_SUMMARY_ARTICLES:])
        sentences = store.sentences_of(list(ids))  # read once: the summary's articles are among them
        units, vectors, choosable = _units(store, chosen, sentences, original_of, event_of)
        text = summarize.summarize(units, vectors, max_words=settings.summary_words, choosable=choosable)
        entries = timeline.build(store.times_of(list(ids)), sentences, original_of)
        store.save_summary(owner, current[owner], text, entries)
        progress.advance(1)
    return len(todo)


_SENTENCE_BATCH = 64  # articles whose sentences are embedded and stored together


def _embedded_keys(sentences: dict[tuple[str, int], Sentence]) -> set[tuple[str, int]]:
    """The (article id, index) of the sentences that get a vector (``summarize.embedded``, per article)."""
    by_article: dict[str, list[tuple[str, int]]] = {}
    for key in sorted(sentences):
        by_article.setdefault(key[0], []).append(key)
    return {keys[k] for keys in by_article.values() for k in summarize.embedded([sentences[key].text for key in keys])}


def embed_sentences(store: Store, ids: Sequence[str], progress: Progress | None = None) -> int:
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
            vectors = embed.embedder().encode([sentences[k].text for k in keys])
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
        fresh = embed.embedder().encode([sentences[k].text for k in missing])
        store.save_sentence_vectors([(a, i, v) for (a, i), v in zip(missing, fresh, strict=True)])
        cached.update({k: v for k, v in zip(missing, fresh, strict=True)})
    keys = sorted(sentences, key=lambda k: (meta[k[0]].time, k[0], k[1]))
    units = [
        summarize.Unit(
            a, i, sentences[a, i].text, meta[a].published, i, meta[a].source, original_of.get(a, a), event_of.get(a, "")
        )
        for a, i in keys
    ]
    vectors = np.zeros((len(keys), embed.DIMENSIONS), dtype=np.float32)
    for row, key in enumerate(keys):
        if key in embedded:
            vectors[row] = cached[key]
    return units, vectors, [key in embedded for key in keys]


def timeline_of_entity(store: Store, entity_id: str, article_ids: list[str]) -> list[TimelineEntry]:
    """Timeline entries from the dated sentences that mention the entity."""
    sentences = store.entity_sentences(entity_id)
    original_of = store.reprints()
    return timeline.build(store.times_of(article_ids), sentences, original_of)
