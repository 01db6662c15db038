"""The Ray engine: ``storyline run --engine ray``. The embedded path's stages, sharded, with Parquet out.

Phase 1 (Ray Data): the inputs are cut into shards (a JSON Lines or Parquet file each, or a run of small
files); an actor pool, each actor holding the spaCy pipeline and the embedding model loaded once, runs every
shard through the stages of ``storyline.stages`` that work on each article alone (ingest, then those of
scope "article": analysis and features) in an in-memory store, and writes that store's per-article tables
as ``OUT/<table>/<shard>.parquet``, then ``OUT/_done/<shard>.json`` last. A rerun with the same ``--out``
skips shards whose marker exists.

Phase 2 (the driver): the parts are loaded into a working store in input order (an article id several
shards hold keeps its first copy), names are linked into entities across the corpus, the online pass with
ANN candidate blocking (``stories.blocking``) places the articles in time order, and the story stage does
the rest (reprints, merges, stories, summaries, timelines): the table's "corpus" stages, with the place
step replaced by its blocked variant; its tables are written as
``OUT/<table>/all.parquet``. ``load`` turns such a directory into a store.

Ray is imported only here, and only when a Ray run starts: the embedded path never needs it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from storyline import stages
from storyline.errors import ConfigError, InputError
from storyline.ingest import inputs
from storyline.ingest.article import BuildOptions
from storyline.ingest.clean import load_rules
from storyline.ingest.dates import resolve_timezone
from storyline.model import Skip, SkipReason
from storyline.progress import NoProgress, Progress
from storyline.settings import Settings
from storyline.store import Store, parquet

SHARD_STAGES = tuple(s.name for s in stages.STAGES if s.scope == "article")  # run by the actors
DRIVER_STAGES = tuple(s.name for s in stages.STAGES if s.scope == "corpus")  # run by the driver
MANIFEST = "_manifest.json"
DONE = "_done"
STORIES_PART = "all"
SMALL_FILES_PER_SHARD = 64  # .txt/.html/.json files grouped into one shard
_BULK = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz", ".parquet")


@dataclass(frozen=True)
class Shard:
    """One unit of phase-1 work; its id names its output files, so reruns find them."""

    id: str
    files: tuple[str, ...]


@dataclass
class RayReport:
    """What a Ray run did; ``skipped`` lists every bad input or record with its reason."""

    shards: int = 0
    resumed: int = 0  # shards already done by an earlier run with the same --out
    articles: int = 0  # distinct articles in the output
    duplicates: int = 0  # articles dropped because an earlier shard holds the same id
    words: int = 0
    analysis_seconds: float = 0.0  # wall time of phase 1 in this run
    failed: list[tuple[str, str]] = field(default_factory=list)  # (article id, error) analysis failures
    skipped: list[Skip] = field(default_factory=list)
    entities: int = 0
    events: int = 0
    stories: int = 0
    summarized: int = 0


# -- planning --------------------------------------------------------------------------------------


def plan(paths: Sequence[str]) -> tuple[list[Shard], list[Skip]]:
    """Shards of the inputs, in input order: local paths, directories and globs, or fsspec URLs (globs too)."""
    files: list[str] = []
    skips: list[Skip] = []
    for arg in paths:
        if arg == inputs.STDIN:
            skips.append(Skip(arg, SkipReason.UNSUPPORTED, "standard input cannot be sharded; write it to a file"))
        elif inputs.is_url(arg):
            files.extend(inputs.expand_url(arg))
        else:
            found, missed = inputs.expand([arg])
            files.extend(found)
            for skip in missed:  # inputs.expand does not know Parquet; this engine reads it
                (files.append(skip.origin) if skip.origin.endswith(inputs.PARQUET) else skips.append(skip))
    shards: list[Shard] = []
    small: list[str] = []
    for name in dict.fromkeys(files):
        if name.lower().endswith(_BULK):
            shards.append(_shard([name]))
        else:
            small.append(name)
            if len(small) >= SMALL_FILES_PER_SHARD:
                shards.append(_shard(small))
                small = []
    if small:
        shards.append(_shard(small))
    return shards, skips


def _shard(files: Sequence[str]) -> Shard:
    return Shard(hashlib.sha1("\n".join(files).encode()).hexdigest()[:16], tuple(files))


# -- phase 1: one shard ----------------------------------------------------------------------------


def build_options(settings: Settings, source: str | None = None, published: str | None = None) -> BuildOptions:
    return BuildOptions(
        rules=load_rules(settings.cleaning_rules),
        source=source,
        published=published,
        default_tz=resolve_timezone(settings.default_timezone),
        min_language_chars=settings.min_language_chars,
    )


def process_shard(shard: Shard, out: Path, settings: Settings, options: BuildOptions) -> dict[str, Any]:
    """Ingest, analyze and featurize one shard in an in-memory store; write its tables, then its marker."""
    clock = time.perf_counter()
    settings = replace(settings, db=Path(":memory:"), analysis_processes=1)
    limits = inputs.Limits(settings.max_document_bytes, settings.max_file_bytes)
    skips: list[Skip] = []
    with Store(":memory:") as store:
        ingested = stages.ingest_documents(store, inputs.documents(shard.files, limits, skips), settings, options)
        analyzed = stages.run(store, settings, SHARD_STAGES).analysis
        parquet.dump(store, parquet.ARTICLE_TABLES, out, shard.id)
        articles = parquet.article_count(store)
    marker = {
        "shard": shard.id,
        "files": list(shard.files),
        "articles": articles,
        "words": analyzed.words,
        "seconds": time.perf_counter() - clock,
        "skipped": [[s.origin, s.reason.value, s.detail] for s in skips + ingested.skipped],
        "failed": [list(f) for f in analyzed.failed],
        "warnings": ingested.warnings,
    }
    _write_json(out / DONE / f"{shard.id}.json", marker)
    return marker


class ShardWorker:
    """A Ray Data actor: loads the models once, then processes one shard per row of each batch."""

    def __init__(
        self,
        out: str,
        settings: Settings,
        source: str | None = None,
        published: str | None = None,
    ) -> None:
        from storyline.analyze.embed import embedder
        from storyline.analyze.nlp import load_nlp

        settings = replace(settings, embed_threads=settings.embed_threads or 1)  # one actor per core
        load_nlp()
        embedder(settings.embed_threads)
        self.out, self.settings = Path(out), settings
        self.options = build_options(settings, source, published)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        done: dict[str, list[Any]] = {"shard": [], "articles": [], "words": []}
        for shard_id, files in zip(batch["shard"], batch["files"], strict=True):
            shard = Shard(str(shard_id), tuple(json.loads(files)))
            marker = process_shard(shard, self.out, self.settings, self.options)
            for key in done:
                done[key].append(marker[key])
        return done


# -- the job ---------------------------------------------------------------------------------------


def run(
    paths: Sequence[str],
    out: str | Path,
    settings: Settings,
    *,
    address: str | None = None,
    workers: int | None = None,
    source: str | None = None,
    published: str | None = None,
    progress: Progress | None = None,
) -> RayReport:
    """Both phases over ``paths`` into the directory ``out``; resumes what an earlier run with ``out`` did."""
    progress = progress or NoProgress()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    shards, skips = plan([str(p) for p in paths])
    report = RayReport(shards=len(shards), skipped=list(skips))
    _write_json(out / MANIFEST, {"shards": [{"id": s.id, "files": list(s.files)} for s in shards]})
    todo = [s for s in shards if not (out / DONE / f"{s.id}.json").exists()]
    report.resumed = len(shards) - len(todo)
    clock = time.perf_counter()
    if todo:
        run_shards(todo, out, settings, address, workers, source, published, progress)
    report.analysis_seconds = time.perf_counter() - clock
    markers = [_read_json(out / DONE / f"{s.id}.json") for s in shards]
    for marker in markers:
        report.words += marker["words"]
        report.skipped.extend(Skip(o, SkipReason(r), d) for o, r, d in marker["skipped"])
        report.failed.extend((a, e) for a, e in marker["failed"])
    stories = finish(out, [s.id for s in shards], settings, progress)
    report.articles = stories["articles"]
    report.duplicates = sum(m["articles"] for m in markers) - report.articles
    report.entities, report.events, report.stories = stories["entities"], stories["events"], stories["stories"]
    report.summarized = stories["summarized"]
    return report


def run_shards(
    todo: list[Shard],
    out: Path,
    settings: Settings,
    address: str | None,
    workers: int | None,
    source: str | None,
    published: str | None,
    progress: Progress,
) -> None:
    ray = start_ray(address)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    size = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
    rows = [{"shard": s.id, "files": json.dumps(list(s.files))} for s in todo]
    dataset = ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
        ShardWorker,
        batch_size=1,
        compute=ray.data.ActorPoolStrategy(size=min(size, len(rows))),
        num_cpus=1,
        fn_constructor_kwargs={
            "out": str(out.resolve()),
            "settings": settings,
            "source": source,
            "published": published,
        },
    )  # Ray Data restarts a dead actor and retries its shard elsewhere; a shard's outputs are rewritten whole
    progress.start(len(rows), "analyze (ray)")
    for _ in dataset.iter_rows():
        progress.advance(1)


def start_ray(address: str | None = None) -> Any:
    """The ray module, connected: to ``address`` if given, else to the running or a new local instance."""
    try:
        import ray
    except ImportError as exc:
        raise ConfigError("--engine ray needs Ray: pip install 'storyline[ray]'") from exc
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    import ray.data

    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, log_to_driver=False, configure_logging=False)
    return ray


# -- phase 2 ---------------------------------------------------------------------------------------


def finish(out: Path, parts: Sequence[str], settings: Settings, progress: Progress | None = None) -> dict[str, int]:
    """Entities and the story stage over every part; writes the story tables (skipped if up to date)."""
    key = hashlib.sha1("\n".join(parts).encode()).hexdigest()
    marker = out / DONE / f"{STORIES_PART}.json"
    if marker.exists() and (previous := _read_json(marker)).get("parts") == key:
        return dict(previous["counts"])
    work = out / "_work" / "stories.duckdb"
    work.parent.mkdir(parents=True, exist_ok=True)
    work.unlink(missing_ok=True)
    with Store(work) as store:
        articles = parquet.load_parts(store, out, parts)
        reports = stages.run(store, settings, DRIVER_STAGES, progress, steps={"place": stages.place_blocked})
        entities, clustered = reports.analysis.entities, reports.stories
        parquet.dump(store, parquet.STORY_TABLES, out, STORIES_PART)
    work.unlink()
    counts = {
        "articles": articles,
        "entities": entities,
        "events": clustered.events,
        "stories": clustered.stories,
        "summarized": clustered.summarized,
    }
    _write_json(marker, {"parts": key, "counts": counts})
    return counts


def load(store: Store, directory: str | Path, settings: Settings) -> dict[str, int]:
    """Add a Ray run's output to a store. Into an empty store the story tables are copied as computed;
    into one that holds articles already, entities and the story stage are updated over everything."""
    directory = Path(directory)
    manifest = directory / MANIFEST
    if not (directory / "articles").is_dir():
        raise InputError(f"{directory}: not an output directory of storyline run --engine ray (no articles/)")
    if manifest.exists():
        parts = [s["id"] for s in _read_json(manifest)["shards"]]
    else:
        parts = sorted(p.stem for p in (directory / "articles").glob("*.parquet"))
    empty = parquet.article_count(store) == 0
    added = parquet.load_parts(store, directory, parts)
    if empty and parquet.part_path(directory, "events", STORIES_PART).exists():
        parquet.replace_story_tables(store, directory, STORIES_PART)
        rows = store.story_rows(texts=False)
        return {"articles": added, "stories": len(rows), "recomputed": 0}
    clustered = stages.run(store, settings, DRIVER_STAGES).stories
    return {"articles": added, "stories": clustered.stories, "recomputed": 1}


# -- small files -----------------------------------------------------------------------------------


def _write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps(value, default=_default), encoding="utf-8")
    os.replace(partial, path)


def _read_json(path: Path) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return value


def _default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
