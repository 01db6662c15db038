"""The web app's access to the store: a snapshot per request for reads, one writer thread for analysis, caches.

A DuckDB connection is not thread-safe, and FastAPI may run a request's dependencies and its endpoint on
different worker threads, so nothing is kept per thread: every request opens its own cursor, reads in one
transaction (one consistent snapshot of the store, whatever commits meanwhile) and closes it when done.

Writes: ``POST /api/articles`` stores its articles at once (one transaction, on a cursor of its own; one
ingest at a time), then wakes the writer, the one thread that analyzes and places everything pending (in
the pipeline's batches) while readers keep reading the last committed state. Pending work is found in
the store, not in memory, so work left by a killed server is done by the next start, write or run.

Whatever is slow to compute (story cards, the search index, every successful GET answer) is cached per
store generation, which the writer bumps after each round.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from storyline.api import Workspace
from storyline.model import IngestReport
from storyline.settings import Settings

T = TypeVar("T")
log = logging.getLogger("storyline.web")


class LRU:
    """A small thread-safe least-recently-used cache."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any | None:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def items(self) -> list[tuple[Any, Any]]:
        with self._lock:
            return list(self._items.items())

    def drop(self, key: Any) -> None:
        with self._lock:
            self._items.pop(key, None)

    def clear(self, keep: Callable[[Any], bool] = lambda key: False) -> None:
        """Drop every item, or every one whose key ``keep`` refuses."""
        with self._lock:
            for key in [k for k in self._items if not keep(k)]:
                del self._items[key]


class Read:
    """One request's view of the store: its own cursor, one snapshot, and the generation it is at least as
    new as (what its cached values are keyed by)."""

    def __init__(self, service: Service, ws: Workspace, generation: int) -> None:
        self.service = service
        self.ws = ws
        self.generation = generation
        ws.use_cache(self.cached)  # story cards and the search index: once per generation, shared by the requests

    def cached(self, key: Any, compute: Callable[[], T]) -> T:
        return self.service.cached(self.generation, key, compute)


class Service:
    """One store shared by the requests: snapshots for reads, the writer for analysis, caches."""

    def __init__(self, ws: Workspace, *, owned: bool) -> None:
        self.ws = ws
        self.settings: Settings = ws.settings
        self._owned = owned
        self._cursor_lock = threading.Lock()  # the shared connection only hands out cursors, one at a time
        self._ingest_lock = threading.Lock()
        self._computing_lock = threading.Lock()
        self._computing: dict[Any, threading.Lock] = {}
        self.generation = 0  # bumped after every committed write: caches keyed by it go stale
        self.responses = LRU(1024)  # (path, query) -> (generation, request scope, whole answer); see app.Cache
        self.refresher: Any = None  # app.Cache, which recomputes kept answers after a write
        self.values = LRU(64)
        self._warm: Callable[[Read], Any] | None = None
        writable = bool(self.settings.token)  # without a token every write is refused
        self._ingester = self.cursor() if writable else None  # ingests, one at a time
        self.writer = Writer(self) if writable else None

    def cursor(self) -> Workspace:
        """The workspace on a new cursor of its own (close its store when done)."""
        with self._cursor_lock:
            return self.ws.cursor()

    @contextmanager
    def reading(self) -> Iterator[Read]:
        """A snapshot of the store on a cursor of its own, closed on exit."""
        generation = self.generation  # read before the snapshot begins: cached values are never older than it
        view = self.cursor()
        try:
            with view.snapshot():
                yield Read(self, view, generation)
        finally:
            view.close()

    def cached(self, generation: int, key: Any, compute: Callable[[], T]) -> T:
        """A value computed once per store generation (concurrent callers wait for the one computing it)."""
        full = (generation, key)
        found = self.values.get(full)
        if found is None:
            with self._computing_lock:
                lock = self._computing.setdefault(key, threading.Lock())
            with lock:
                found = self.values.get(full)
                if found is None:
                    found = compute()
                    self.values.put(full, found)
        return found

    def changed(self, *, warm: bool = False) -> None:
        """The store changed (a write committed): drop what was computed from it. ``warm``: first compute
        the next generation's shared values (in the calling thread), so that readers need not wait."""
        if warm and self._warm is not None:
            with self.reading() as read:
                read.generation += 1
                self._warm(read)
        self.generation += 1  # the kept answers are now stale: app.Cache serves them while it refreshes them
        if warm and self.refresher is not None:
            self.refresher.refresh()
        self.values.clear(keep=lambda key: key[0] >= self.generation)

    def warm(self, compute: Callable[[Read], Any]) -> threading.Thread:
        """Compute this now in the background, and again after every round of the writer."""
        self._warm = compute

        def run() -> None:
            with self.reading() as read:
                compute(read)

        thread = threading.Thread(target=run, name="storyline-warm", daemon=True)
        thread.start()
        return thread

    def ingest(self, records: Iterable[Mapping[str, Any]]) -> IngestReport:
        """Store new articles (one transaction) and queue their analysis; returns at once."""
        if self._ingester is None:
            raise RuntimeError("writes are disabled")
        with self._ingest_lock:
            report = self._ingester.ingest_records(records, origin="<http>")
        # no self.changed() here: what is cached (stories, events, pages, search) shows analyzed articles only,
        # so the writer's round invalidates it once the new articles are analyzed and placed
        if self.writer is not None:
            self.writer.wake()  # always: it also picks up work an earlier server left pending
        return report

    def start(self) -> None:
        if self.writer is not None:
            self.writer.start()

    def close(self) -> None:
        if self.writer is not None and not self.writer.stop():
            log.warning("the writer is still busy: stopping without it; the rest stays pending for the next start")
            return  # its cursor is still in use: the process exit ends it, DuckDB keeps the last commit
        if self._ingester is not None:
            with self._ingest_lock:
                self._ingester.close()
        if self._owned:
            self.ws.close()


def _load_models() -> None:
    """Load what the first POST and the first round would otherwise wait for (seconds each)."""
    from storyline.analyze.nlp import load_nlp
    from storyline.ingest.language import detect_language

    detect_language("A sentence long enough for the language of it to be identified.")
    load_nlp()


PAUSE = 5.0  # seconds between two rounds of the writer: the POSTs of the meantime make one batch


class Writer:
    """The one thread that analyzes and places stored articles (``Workspace.update``), on its own cursor.

    Woken by every POST and once at start; each round takes everything pending in the store, and rounds
    are at least ``PAUSE`` apart, so POSTs that arrive meanwhile make one batch (and one invalidation of
    the caches, not one per article).
    """

    def __init__(self, service: Service) -> None:
        self.service = service
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Condition()
        self._busy = True  # until the first round (the catch-up at start) is done
        self.pause = PAUSE
        self.rounds = 0
        self.failures = 0
        self._thread = threading.Thread(target=self._run, name="storyline-writer", daemon=True)

    def start(self) -> None:
        self._wake.set()  # catch up with whatever an earlier server or ingest left pending
        self._thread.start()

    def wake(self) -> None:
        with self._idle:
            self._busy = True
            self._wake.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until nothing is queued and no round is running; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._busy, timeout)

    def stop(self, timeout: float = 60.0) -> bool:
        """Finish the round in progress (no new one starts); False if it is still running after ``timeout``."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        ws = self.service.cursor()
        try:
            _load_models()
            while True:
                self._wake.wait()
                if self._stop.is_set():
                    break
                self._wake.clear()
                self._round(ws)
                with self._idle:
                    if not self._wake.is_set():
                        self._busy = False
                        self._idle.notify_all()
                self._stop.wait(self.pause)
        finally:
            ws.close()
            with self._idle:
                self._busy = False
                self._idle.notify_all()

    def _round(self, ws: Workspace) -> None:
        try:
            if ws.pending():
                ws.update()
                self.service.changed(warm=True)
            self.rounds += 1
        except Exception:  # the work stays pending in the store; the next wake retries it
            self.failures += 1
            log.exception("analysis of the pending articles failed; it is retried at the next write or start")
