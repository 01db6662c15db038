"""Candidate blocking for the online pass with an approximate nearest-neighbour index (usearch).

``BlockedPass`` is ``cluster.OnlinePass`` whose scoring sees only the open events an HNSW index of event
centroids returns for the article. An event whose cosine is below ``join - entity_weight`` cannot win
(the pass itself skips it), so when the ``k`` nearest centroids include one below that floor, every event
that can win is among them; when all ``k`` are above it, the pass scores every open event instead. The
only difference from the exact pass is therefore HNSW recall: an event the index fails to return. Below
``exact_below`` open events the exact pass runs unchanged. Needs the ``ray`` extra (``usearch``).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from storyline.model import Features
from storyline.stories.cluster import EventState, OnlinePass, Params


class BlockedPass(OnlinePass):
    """The online pass with ANN candidate blocking; places articles exactly as ``OnlinePass`` up to recall."""

    def __init__(
        self, params: Params, open_events: Iterable[EventState] = (), *, k: int = 64, exact_below: int = 256
    ) -> None:
        super().__init__(params, open_events)
        from usearch.index import Index  # the ray extra; the embedded path never needs it

        self.k, self.exact_below = k, exact_below
        self.blocked = 0  # articles scored against a candidate subset only
        self._index: Index | None = None
        self._key: dict[str, int] = {}
        self._next = 0
        self._new_index = lambda ndim: Index(ndim=ndim, metric="ip", dtype="f32")
        for event in self.open:
            self._put(event)

    def place(self, f: Features) -> tuple[str, float]:
        self._close_expired(f.t)
        self._drop_closed()
        candidates = self._candidates(f)
        if candidates is None:
            raw, score = super().place(f)
        else:
            everything = self.open
            self.open = candidates
            try:
                raw, score = super().place(f)
            finally:
                opened = [e for e in self.open if e.id not in self._key]  # every other open event is indexed
                self.open = everything + opened
            self.blocked += 1
        self._put(next(e for e in reversed(self.open) if e.id == raw))
        return raw, score

    def _candidates(self, f: Features) -> list[EventState] | None:
        """The open events worth scoring, in their order; None when all of them are."""
        if len(self.open) < self.exact_below or self._index is None:
            return None
        found = self._index.search(np.asarray(f.vector, dtype=np.float32), self.k)
        cosines = 1.0 - np.asarray(found.distances, dtype=np.float64)
        floor = self.params.join - self.params.entity_weight
        if len(cosines) >= self.k and float(cosines.min()) >= floor:
            return None  # more events than k may clear the floor: score them all
        keys = {int(key) for key, cosine in zip(found.keys, cosines, strict=True) if cosine >= floor - 1e-6}
        return [e for e in self.open if self._key.get(e.id) in keys]

    def _put(self, event: EventState) -> None:
        """(Re)index an event under its current centroid."""
        if self._index is None:
            self._index = self._new_index(len(event.total))
        key = self._key.get(event.id)
        if key is None:
            key = self._key[event.id] = self._next
            self._next += 1
        else:
            self._index.remove(key)
        self._index.add(key, np.asarray(event.centroid, dtype=np.float32))

    def _drop_closed(self) -> None:
        if self._index is None or len(self._key) == len(self.open):
            return
        still = {e.id for e in self.open}
        for event_id in [i for i in self._key if i not in still]:
            self._index.remove(self._key.pop(event_id))
