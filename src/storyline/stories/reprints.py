"""Reprint groups: near-duplicate articles (wire copy republished with small edits, one article at two
URLs) found with MinHash LSH over word 5-shingles. A group counts as one independent source; its
earliest member (by time, then id) is the original, every other member a copy of it.

The LSH index is banded the datasketch way (``b`` bands of ``r`` signature values, chosen by datasketch
for the threshold) and kept in the store, so each run only hashes and looks up the new articles.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import cache

import numpy as np
from datasketch.lsh import _optimal_param

from storyline.stories.features import NUM_PERM, jaccard
from storyline.unionfind import UnionFind


@cache
def bands(threshold: float) -> tuple[int, int]:
    """(bands, rows per band) that datasketch's MinHashLSH would use for ``threshold`` (false +/- weighed alike).

    Computed once per threshold: datasketch integrates the false-positive and false-negative curves (ms).
    """
    b, r = _optimal_param(threshold, NUM_PERM, 0.5, 0.5)
    return int(b), int(r)


def band_keys(signature: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """(band, key) pairs of one signature: two articles are candidates when they share one."""
    b, r = bands(threshold)
    raw = signature.astype("<u4").tobytes()
    return [(i, zlib.crc32(raw[i * r * 4 : (i + 1) * r * 4]) | (i << 32)) for i in range(b)]


def groups(
    pairs: Iterable[tuple[str, str]],
    existing: Mapping[str, str],
    time_of: Mapping[str, tuple[datetime, str]],
) -> list[tuple[str, str]]:
    """(copy, original) for every group formed by the existing (copy -> original) links plus new ``pairs``.

    Only groups touched by a new pair are returned, each member except its earliest one listed as a copy.
    ``time_of`` orders every article the links and pairs name.
    """
    uf = UnionFind(sorted(time_of, key=time_of.__getitem__))  # the earliest member is the root
    touched: set[str] = set()
    for a, b in pairs:
        uf.union(a, b)
        touched.update((a, b))
    for copy, original in existing.items():
        uf.union(copy, original)
    roots = {uf.find(x) for x in touched}
    return [(x, r) for x in uf.parent if x != (r := uf.find(x)) and r in roots]


def verified(
    candidates: Iterable[tuple[str, str]], signatures: Mapping[str, np.ndarray], threshold: float
) -> list[tuple[str, str]]:
    """Candidate pairs whose signatures estimate a Jaccard similarity of at least ``threshold``."""
    return [(a, b) for a, b in candidates if jaccard(signatures[a], signatures[b]) >= threshold]


def similarity(copies: Sequence[tuple[str, str]], signatures: Mapping[str, np.ndarray]) -> list[tuple[str, str, float]]:
    return [(c, o, round(jaccard(signatures[c], signatures[o]), 3)) for c, o in copies]
