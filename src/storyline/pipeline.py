"""Runs the stages over a store, in batches, with progress. The one place that orders the work."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from typing import Protocol

from storyline.analyze.canonical import link
from storyline.analyze.document import ANALYSIS_VERSION, analyze_doc
from storyline.analyze.nlp import parse_articles
from storyline.errors import InputError
from storyline.ingest import inputs
from storyline.ingest.article import BuildOptions, build_article, fingerprint
from storyline.model import Analysis, AnalyzeReport, Article, Entity, IngestReport, RawDocument, Skip, SkipReason
from storyline.settings import Settings
from storyline.store import Store


class Progress(Protocol):
    """Where long work reports how far it got; the CLI shows it as a bar, the library ignores it."""

    def start(self, total: int | None, description: str) -> None: ...

    def advance(self, amount: int) -> None: ...


_PARALLEL_WORDS = 200_000  # below this, starting a second spaCy process costs more than it saves


class NoProgress:
    def start(self, total: int | None, description: str) -> None:
        pass

    def advance(self, amount: int) -> None:
        pass


def ingest_paths(
    store: Store,
    paths: list[str],
    settings: Settings,
    options: BuildOptions,
    progress: Progress | None = None,
) -> IngestReport:
    """Read every input, build clean articles, store the new ones batch by batch."""
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

    return _store_documents(store, documents(), settings, options, report)


def ingest_documents(
    store: Store, documents: Iterable[RawDocument], settings: Settings, options: BuildOptions
) -> IngestReport:
    """Store documents a caller built in memory (the Python API and, later, feeds and HTTP)."""
    return _store_documents(store, iter(documents), settings, options, IngestReport())


def _store_documents(
    store: Store,
    documents: Iterator[RawDocument],
    settings: Settings,
    options: BuildOptions,
    report: IngestReport,
) -> IngestReport:
    started = datetime.now(timezone.utc)
    for chunk in _chunks(documents, settings.batch_size):
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
            report.warnings.extend(built.warnings)
            article = built.article
            known[fp] = article.id
            inputs.append((fp, article.id))
            if article.id in batch:
                report.duplicates.append(article.id)
            else:
                batch[article.id] = article
        new = set(store.add_articles(list(batch.values()), inputs))
        report.ingested.extend(i for i in batch if i in new)
        report.duplicates.extend(i for i in batch if i not in new)
    store.record_run(
        "ingest",
        started,
        {
            "ingested": len(report.ingested),
            "duplicates": len(report.duplicates),
            "skipped": len(report.skipped),
            "warnings": len(report.warnings),
        },
    )
    return report


def _chunks(items: Iterator[RawDocument], size: int) -> Iterator[list[RawDocument]]:
    chunk: list[RawDocument] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def analyze_pending(store: Store, settings: Settings, progress: Progress | None = None) -> AnalyzeReport:
    """Analyze every article not analyzed yet, then relink names into entities across the corpus.

    Resumable: each batch of results is saved in one transaction with its articles marked done, so a
    rerun after an interruption picks up where the last committed batch ended.
    """
    progress = progress or NoProgress()
    started = datetime.now(timezone.utc)
    clock = time.perf_counter()
    report = AnalyzeReport()
    pending = store.pending_analysis()
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
    pairs = parse_articles(articles, processes=processes)
    batch: list[Analysis] = []
    for article, doc in pairs:
        words = len(article.text.split())
        try:
            batch.append(analyze_doc(doc, article))
        except Exception as exc:  # one article's failure must not stop the run: record it and go on
            failed = (article.id, f"analysis failed: {type(exc).__name__}: {exc}")
            store.mark_skipped([failed], ANALYSIS_VERSION, status="failed")
            report.failed.append(failed)
        report.words += words
        progress.advance(words)
        if len(batch) >= settings.batch_size:
            store.save_analyses(batch, ANALYSIS_VERSION)
            report.analyzed += len(batch)
            batch = []
    store.save_analyses(batch, ANALYSIS_VERSION)
    report.analyzed += len(batch)
    report.entities = link_entities(store)
    report.seconds = time.perf_counter() - clock
    store.record_run(
        "analyze", started, {"analyzed": report.analyzed, "skipped": len(report.skipped), "words": report.words}
    )
    return report


def update_after_ingest(store: Store, settings: Settings, progress: Progress | None = None) -> AnalyzeReport:
    """Everything that follows an ingest of new articles (feeds call this after each poll): analysis today."""
    return analyze_pending(store, settings, progress)


def link_entities(store: Store) -> int:
    """Relink every name into canonical entities (cheap: it works on distinct names, not on texts)."""
    groups = link(store.name_counts())
    entities = [Entity(g.id, g.canonical, g.type, mentions=g.mentions) for g in groups]
    store.replace_entities(entities, [(n.type, n.name, g.id) for g in groups for n in g.names])
    return len(entities)


def _articles_in_pages(store: Store, ids: list[str], size: int) -> Iterator[Article]:
    for start in range(0, len(ids), size):
        yield from store.articles_by_ids(ids[start : start + size])
