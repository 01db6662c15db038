"""The ingest and analysis steps, in batches, with progress (``storyline.stages`` orders and runs them)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from typing import Any

import duckdb

from storyline.analyze import document
from storyline.analyze.canonical import link
from storyline.analyze.document import ANALYSIS_VERSION
from storyline.errors import InputError
from storyline.ingest import inputs
from storyline.ingest.article import BuildOptions, build_article, fingerprint
from storyline.ingest.edge import clean_document, normalize_text
from storyline.model import (
    Analysis,
    AnalyzeReport,
    Article,
    Entity,
    IngestReport,
    RawDocument,
    Skip,
    SkipReason,
)
from storyline.progress import NoProgress, Progress
from storyline.settings import Settings
from storyline.store import Store

log = logging.getLogger(__name__)


_PARALLEL_WORDS = 200_000  # below this, starting a second spaCy process costs more than it saves


def ingest_paths(
    store: Store,
    paths: list[str],
    settings: Settings,
    options: BuildOptions,
    progress: Progress | None = None,
    config: dict[str, Any] | None = None,
) -> IngestReport:
    """Read every input, build clean articles, store the new ones batch by batch; the run is recorded with
    ``config`` (the stage versions and settings: ``stages.config``)."""
    progress = progress or NoProgress()
    files, report_skips = inputs.expand(paths)
    limits = inputs.Limits(settings.max_document_bytes, settings.max_file_bytes)
    progress.start(sum(inputs.input_size(f) for f in files) or None, "ingest")
    report = IngestReport(skipped=list(report_skips))

    def documents() -> Iterator[RawDocument]:
        for name in files:
            for read in inputs.read(name, limits):
                progress.advance(read.nbytes)
                if isinstance(read.item, Skip):
                    report.skipped.append(read.item)
                else:
                    yield read.item

    return _store_documents(store, documents(), settings, options, report, config)


def ingest_documents(
    store: Store,
    documents: Iterable[RawDocument],
    settings: Settings,
    options: BuildOptions,
    config: dict[str, Any] | None = None,
) -> IngestReport:
    """Store documents a caller built in memory (the Python API, feeds, HTTP, the Ray shards)."""
    return _store_documents(store, iter(documents), settings, options, IngestReport(), config)


def _store_documents(
    store: Store,
    documents: Iterator[RawDocument],
    settings: Settings,
    options: BuildOptions,
    report: IngestReport,
    config: dict[str, Any] | None,
) -> IngestReport:
    started = datetime.now(timezone.utc)
    for raw_chunk in _chunks(documents, settings.batch_size):
        chunk = _at_the_edge(raw_chunk, report)
        fingerprints = [fingerprint(doc) for doc in chunk]
        known = store.known_inputs(fingerprints)
        batch: dict[str, Article] = {}
        inputs: list[tuple[str, str]] = []
        for doc, fp in zip(chunk, fingerprints, strict=True):
            if fp in known:  # the very same input was stored before: no need to build it again
                report.duplicates.append(known[fp])
                continue
            try:
                built = build_article(doc, options)
            except InputError as exc:
                report.skipped.append(Skip(doc.origin, SkipReason(exc.reason), str(exc)))
                continue
            except Exception as exc:  # one document's unexpected failure skips it, never its batch
                log.exception("building %s failed", doc.origin)
                report.skipped.append(Skip(doc.origin, SkipReason.MALFORMED, _unexpected(exc)))
                continue
            report.warnings.extend(built.warnings)
            article = built.article
            known[fp] = article.id
            inputs.append((fp, article.id))
            if article.id in batch:
                report.duplicates.append(article.id)
            else:
                batch[article.id] = article
        new, refused = _add_batch(store, batch, inputs, report)
        report.ingested.extend(i for i in batch if i in new)
        report.duplicates.extend(i for i in batch if i not in new and i not in refused)
    store.record_run(
        "ingest",
        started,
        {
            "ingested": len(report.ingested),
            "duplicates": len(report.duplicates),
            "skipped": len(report.skipped),
            "warnings": len(report.warnings),
        },
        config,
    )
    return report


def _at_the_edge(chunk: list[RawDocument], report: IngestReport) -> list[RawDocument]:
    """Every document normalized once (text, metadata, URL) before anything else sees it."""
    cleaned: list[RawDocument] = []
    for doc in chunk:
        try:
            doc, warnings = clean_document(doc)
        except InputError as exc:
            report.skipped.append(Skip(normalize_text(doc.origin), SkipReason(exc.reason), str(exc)))
            continue
        report.warnings.extend(warnings)
        cleaned.append(doc)
    return cleaned


def _add_batch(
    store: Store, batch: dict[str, Article], inputs: list[tuple[str, str]], report: IngestReport
) -> tuple[set[str], set[str]]:
    """Store a batch in one transaction; if the store refuses it, article by article, skipping the refused.

    Returns the ids stored new and the ids refused.
    """
    try:
        return set(store.add_articles(list(batch.values()), inputs)), set()
    except duckdb.Error:
        log.warning("a batch of %d articles was refused by the store; storing them one by one", len(batch))
    new: set[str] = set()
    refused: set[str] = set()
    for article in batch.values():
        mine = [(fp, a) for fp, a in inputs if a == article.id]
        try:
            new.update(store.add_articles([article], mine))
        except duckdb.Error as exc:
            refused.add(article.id)
            report.skipped.append(Skip(article.origin, SkipReason.MALFORMED, f"the store refused it: {exc}"))
    return new, refused


def _unexpected(exc: BaseException) -> str:
    return f"unexpected error ({type(exc).__name__}: {normalize_text(str(exc))[:300]})"


def _chunks(items: Iterator[RawDocument], size: int) -> Iterator[list[RawDocument]]:
    chunk: list[RawDocument] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def analyze_articles(
    store: Store, settings: Settings, progress: Progress | None = None, report: AnalyzeReport | None = None
) -> AnalyzeReport:
    """Analyze every article not analyzed yet (or analyzed by an older ANALYSIS_VERSION).

    Resumable: each batch of results is saved in one transaction with its articles marked done, so a
    rerun after an interruption picks up where the last committed batch ended.
    """
    progress = progress or NoProgress()
    clock = time.perf_counter()
    report = report or AnalyzeReport()
    pending = store.pending_analysis(ANALYSIS_VERSION)  # new articles, and those an older analysis did
    skipped = [
        (i, f"language is {lang or 'unknown'}, analysis is English only") for i, lang, _ in pending if lang != "en"
    ]
    if skipped:
        store.mark_skipped(skipped, ANALYSIS_VERSION)
        report.skipped.extend(skipped)
    todo = [(i, words) for i, lang, words in pending if lang == "en"]
    progress.start(sum(w for _, w in todo) or None, "analyze")
    processes = settings.analysis_processes or (2 if sum(w for _, w in todo) > _PARALLEL_WORDS else 1)
    articles = _articles_in_pages(store, [i for i, _ in todo], settings.batch_size)
    batch: list[Analysis] = []
    for article, result in document.analyze_articles(articles, processes):
        words = len(article.text.split())
        if isinstance(result, str):  # one article's failure must not stop the run: record it and go on
            store.mark_skipped([(article.id, result)], ANALYSIS_VERSION, status="failed")
            report.failed.append((article.id, result))
        else:
            batch.append(result)
        report.words += words
        progress.advance(words)
        if len(batch) >= settings.batch_size:
            store.save_analyses(batch, ANALYSIS_VERSION)
            report.analyzed += len(batch)
            batch = []
    store.save_analyses(batch, ANALYSIS_VERSION)
    report.analyzed += len(batch)
    report.seconds += time.perf_counter() - clock
    return report


def link_entities(store: Store) -> int:
    """Relink every name into canonical entities (cheap: it works on distinct names, not on texts)."""
    groups = link(store.name_counts())
    entities = [Entity(g.id, g.canonical, g.type, mentions=g.mentions) for g in groups]
    store.replace_entities(entities, [(n.type, n.name, g.id) for g in groups for n in g.names])
    return len(entities)


def _articles_in_pages(store: Store, ids: list[str], size: int) -> Iterator[Article]:
    for start in range(0, len(ids), size):
        yield from store.articles_by_ids(ids[start : start + size])
