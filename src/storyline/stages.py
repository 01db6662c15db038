"""The stages, declared once: name, version, what each needs and produces, the settings its results depend on.

The local pipeline (``Workspace.run``/``analyze``/``cluster``/``update``), the web writer and the Ray
engine all run this table. Each stage's results carry its key (``key``: its version, the settings that
matter and the keys of the stages it reads, where they affect it), so a bumped version or a changed
setting recomputes what it affects and nothing else; every run records the versions and settings it ran
with (``runs.config``).

To change what a stage computes, bump its ``version`` here: that is the one place.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from storyline import pipeline
from storyline.analyze.document import ANALYSIS_VERSION
from storyline.analyze.embed import MODEL_ID
from storyline.ingest.article import BuildOptions
from storyline.model import AnalyzeReport, ClusterReport, IngestReport, RawDocument
from storyline.pipeline import analyze_articles, link_entities
from storyline.progress import NoProgress, Progress
from storyline.settings import Settings
from storyline.store import Store
from storyline.store.stories import StageKeys
from storyline.stories import stage as story


@dataclass(frozen=True)
class Stage:
    """One stage of the work. ``scope``: "input" (runs over the inputs it is given), "article" (each
    article on its own: a Ray shard runs it), "corpus" (needs every article: the Ray driver runs it)."""

    name: str
    version: str
    needs: tuple[str, ...]  # the stages whose results it reads
    produces: tuple[str, ...]  # the tables it writes
    settings: tuple[str, ...] = ()  # the Settings fields its results depend on
    scope: str = "corpus"
    code: tuple[str, ...] = ()  # modules whose public constants (tuning weights, limits) its results depend on


STAGES: tuple[Stage, ...] = (
    Stage("ingest", "1", (), ("articles", "removed_lines", "inputs"),
          ("default_timezone", "min_language_chars", "cleaning_rules"), scope="input"),
    Stage("analyze", str(ANALYSIS_VERSION), ("ingest",),
          ("analyses", "sentences", "mentions", "titles", "quotes", "times", "actions"), scope="article"),
    Stage("link", "1", ("analyze",), ("entities", "entity_names")),
    Stage("features", f"2/{MODEL_ID}", ("analyze",), ("article_features",), scope="article"),
    Stage("reprints", "1", ("features",), ("lsh_bands", "reprints"), ("reprint_threshold",)),
    Stage("sentences", "1", ("features", "reprints"), ("sentence_vectors",)),
    Stage("place", "1", ("features",), ("assignments",), ("event_threshold", "event_gap_days")),
    Stage("group", "2", ("place", "reprints", "link"), ("events", "event_articles", "stories"),
          ("event_threshold", "event_gap_days", "story_threshold")),
    Stage("summarize", "3", ("group",), ("summaries", "timelines", "sentence_vectors"), ("summary_words",),
          code=("storyline.stories.summarize", "storyline.stories.timeline")),
)  # fmt: skip
ANALYSIS = ("analyze", "link")  # Workspace.analyze
STORY = ("features", "reprints", "sentences", "place", "group", "summarize")  # Workspace.cluster: the story stage
_KEYED = {"features", "place", "summarize"}  # stages whose stored results carry their key


def stage(name: str) -> Stage:
    """The stage called ``name``; KeyError if there is none."""
    for s in STAGES:
        if s.name == name:
            return s
    raise KeyError(name)


def key(name: str, settings: Settings) -> str:
    """The key a stage's results are stored with: its name and version, and a hash of the settings it depends
    on and of the keys of the keyed stages it reads (a placement made on other features is stale too)."""
    s = stage(name)
    inputs: dict[str, Any] = {n: _plain(getattr(settings, n)) for n in s.settings}
    inputs.update({n: key(n, settings) for n in s.needs if n in _KEYED})
    inputs.update({f"{m}.{n}": v for m in s.code for n, v in _constants(m).items()})
    if not inputs:
        return f"{s.name}/{s.version}"
    digest = hashlib.sha1(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:12]
    return f"{s.name}/{s.version}/{digest}"


def keys(settings: Settings) -> StageKeys:
    """What stored results must carry to be current under these settings (``Store.pending_work``)."""
    return StageKeys(ANALYSIS_VERSION, key("features", settings), key("place", settings), key("summarize", settings))


def config(names: Sequence[str], settings: Settings) -> dict[str, Any]:
    """What a run records: the version of each stage it ran and the settings they depend on."""
    ran = [stage(n) for n in names]
    return {
        "stages": {s.name: s.version for s in ran},
        "settings": {n: _plain(getattr(settings, n)) for s in ran for n in s.settings},
        "keys": {s.name: key(s.name, settings) for s in ran},
    }


_RUN_KEYED = ("reprints", "group")  # stages whose key is kept in the last run's config, not in their rows


def _stale_since_last_run(store: Store, settings: Settings) -> list[str]:
    """The stages of ``_RUN_KEYED`` whose key differs from the one the last story-stage run recorded."""
    last = (store.last_run_config("cluster") or {}).get("keys", {})
    return [n for n in _RUN_KEYED if n in last and last[n] != key(n, settings)]


def pending(store: Store, settings: Settings) -> bool:
    """Whether any stage has work left in the store (new articles, stale results)."""
    return store.pending_work(keys(settings)) or bool(_stale_since_last_run(store, settings))


@dataclass
class Reports:
    """What a run of some stages found: the analysis report and the story stage's report."""

    analysis: AnalyzeReport = field(default_factory=AnalyzeReport)
    stories: ClusterReport = field(default_factory=ClusterReport)


Step = Callable[[Store, Settings, Progress, Reports], None]


def _analyze(store: Store, settings: Settings, progress: Progress, reports: Reports) -> None:
    analyze_articles(store, settings, progress, reports.analysis)


def _link(store: Store, settings: Settings, progress: Progress, reports: Reports) -> None:
    reports.analysis.entities = link_entities(store)


def _features(store: Store, settings: Settings, progress: Progress, reports: Reports) -> None:
    reports.stories.embedded = story.embed_pending(
        store, progress, key("features", settings), threads=settings.embed_threads
    )


def _reprints(store: Store, settings: Settings, progress: Progress, reports: Reports) -> None:
    if "reprints" in _stale_since_last_run(store, settings):  # another threshold: index everything again
        store.clear_reprints()
    reports.stories.reprints = story.find_reprints(store, settings.reprint_threshold)


def _sentences(store: Store, settings: Settings, progress: Progress, reports: Reports) -> None:
    story.embed_sentences(store, store.unembedded_articles(), progress, threads=settings.embed_threads)


def _place(store: Store, settings: Settings, progress: Progress, reports: Reports) -> None:
    reports.stories.clustered = story.place_new(store, story.cluster_params(settings), progress, key("place", settings))


def place_blocked(store: Store, settings: Settings, progress: Progress, reports: Reports) -> None:
    """The place step with ANN candidate blocking over every unplaced article (the Ray driver's)."""
    reports.stories.clustered = story.place_blocked(
        store, story.cluster_params(settings), progress, key("place", settings)
    )


def _group(store: Store, settings: Settings, progress: Progress, reports: Reports) -> None:
    reports.stories.events, reports.stories.stories = story.group_all(store, story.cluster_params(settings))


def _summarize(store: Store, settings: Settings, progress: Progress, reports: Reports) -> None:
    reports.stories.summarized = story.summarize_changed(store, settings, progress, key("summarize", settings))


STEPS: dict[str, Step] = {
    "analyze": _analyze,
    "link": _link,
    "features": _features,
    "reprints": _reprints,
    "sentences": _sentences,
    "place": _place,
    "group": _group,
    "summarize": _summarize,
}  # "ingest" runs over inputs, not over the store: ingest_paths / ingest_documents below


def ingest_paths(
    store: Store, paths: list[str], settings: Settings, options: BuildOptions, progress: Progress | None = None
) -> IngestReport:
    """The ingest stage over files, directories, globs or '-', recorded with its version and settings."""
    return pipeline.ingest_paths(store, paths, settings, options, progress, config(("ingest",), settings))


def ingest_documents(
    store: Store, documents: Iterable[RawDocument], settings: Settings, options: BuildOptions
) -> IngestReport:
    """The ingest stage over documents built in memory (the Python API, feeds, HTTP, the Ray shards)."""
    return pipeline.ingest_documents(store, documents, settings, options, config(("ingest",), settings))


def run(
    store: Store,
    settings: Settings,
    names: Sequence[str],
    progress: Progress | None = None,
    *,
    steps: Mapping[str, Step] | None = None,
    reports: Reports | None = None,
) -> Reports:
    """Run the stages ``names`` in the table's order (``steps`` replaces some stage's step, as the Ray driver
    replaces ``place``); records one run per part (analysis, story stage) with its versions and settings."""
    progress = progress or NoProgress()
    reports = reports or Reports()
    chosen = [s.name for s in STAGES if s.name in set(names)]
    unknown = set(names) - set(STEPS)
    if unknown:
        raise KeyError(f"no step for stage(s) {', '.join(sorted(unknown))}")
    table = {**STEPS, **(steps or {})}
    for part, members in (("analyze", ANALYSIS), ("cluster", STORY)):
        todo = [n for n in chosen if n in members]
        if not todo:
            continue
        started = datetime.now(timezone.utc)
        clock = time.perf_counter()
        for name in todo:
            table[name](store, settings, progress, reports)
        seconds = time.perf_counter() - clock
        if part == "analyze":
            a = reports.analysis
            a.seconds = seconds
            stats: dict[str, Any] = {"analyzed": a.analyzed, "skipped": len(a.skipped), "words": a.words}
        else:
            c = reports.stories
            c.seconds = seconds
            stats = {"embedded": c.embedded, "clustered": c.clustered, "events": c.events, "stories": c.stories}
        store.record_run(part, started, stats, config(todo, settings))
    return reports


def analyze(store: Store, settings: Settings, progress: Progress | None = None) -> AnalyzeReport:
    """Analyze every article not analyzed (or analyzed by an older version), then relink entities."""
    return run(store, settings, ANALYSIS, progress).analysis


def cluster(
    store: Store, settings: Settings, progress: Progress | None = None, *, summaries: bool = True
) -> ClusterReport:
    """The story stage: features, reprints, events, stories and (unless ``summaries=False``) summaries."""
    names = STORY if summaries else tuple(n for n in STORY if n not in ("sentences", "summarize"))
    return run(store, settings, names, progress).stories


def update(store: Store, settings: Settings, progress: Progress | None = None) -> Reports:
    """Every stage with pending work, in order (what follows an ingest: feeds, the web writer)."""
    return run(store, settings, ANALYSIS + STORY, progress)


def _constants(module: str) -> dict[str, Any]:
    """The public constants of a module (UPPER_CASE numbers and strings): a changed weight or limit changes the
    key of the stage whose code it tunes, so its results are recomputed without a version bump."""
    found = vars(importlib.import_module(module))
    return {n: v for n, v in sorted(found.items()) if n.isupper() and isinstance(v, int | float | str)}


def _plain(value: Any) -> Any:
    return value if isinstance(value, int | float | str | bool) or value is None else str(value)
