"""The web app's access to the store: a cursor per thread for reads, one lock for writes, caches.

DuckDB connections are not thread-safe, so each request thread reads through its own cursor of the one
store. Writes (ingest, then analysis and the story stage) go through the workspace itself, one at a time.
Whatever is slow to compute (story cards, rendered pages, the search index) is cached until the next write.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from storyline.api import Workspace
from storyline.model import AnalyzeReport, IngestReport
from storyline.pipeline import update_after_ingest
from storyline.settings import Settings

T = TypeVar("T")


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

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class Service:
    """One store shared by the request threads."""

    def __init__(self, ws: Workspace, *, owned: bool) -> None:
        self.ws = ws
        self.settings: Settings = ws.settings
        self._owned = owned
        self._local = threading.local()
        self._views: list[Workspace] = []
        self._views_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self.generation = 0  # bumped by every write: caches keyed by it go stale
        self.pages = LRU(512)
        self.values = LRU(64)
        self._computing: dict[Any, threading.Lock] = {}

    def reader(self) -> Workspace:
        """The calling thread's workspace view on its own cursor."""
        view: Workspace | None = getattr(self._local, "ws", None)
        if view is None:
            with self._views_lock:
                view = self.ws.cursor()  # each statement sees the latest committed writes
                self._views.append(view)
            self._local.ws = view
        return view

    def cached(self, key: Any, compute: Callable[[], T]) -> T:
        """A value computed once per store generation (concurrent callers wait for the one computing it)."""
        full = (self.generation, key)
        found = self.values.get(full)
        if found is None:
            with self._views_lock:
                lock = self._computing.setdefault(key, threading.Lock())
            with lock:
                found = self.values.get(full)
                if found is None:
                    found = compute()
                    self.values.put(full, found)
        return found

    def warm(self, *computations: Callable[[Service], Any]) -> threading.Thread:
        """Compute these in the background (the first readers then need not wait)."""
        thread = threading.Thread(target=lambda: [c(self) for c in computations], name="storyline-warm", daemon=True)
        thread.start()
        return thread

    @property
    def writable(self) -> bool:
        return bool(self.settings.token)

    def ingest(self, records: Iterable[Mapping[str, Any]]) -> tuple[IngestReport, AnalyzeReport | None]:
        """Store new articles, then analyze them and update events and stories incrementally."""
        with self._write_lock:
            report = self.ws.ingest_records(records, origin="<http>")
            analysis = update_after_ingest(self.ws.store, self.settings) if report.ingested else None
            self.generation += 1
            self.pages.clear()
            self.values.clear()
        return report, analysis

    def close(self) -> None:
        with self._views_lock:
            for view in self._views:
                view.store.close()
            self._views.clear()
        if self._owned:
            self.ws.close()
