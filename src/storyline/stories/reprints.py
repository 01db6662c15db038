"""Reprint groups: near-duplicate articles (wire copy republished with small edits, one article at two
URLs) found with MinHash LSH over word 5-shingles. A group counts as one independent source; its
earliest member (by time, then id) is the original, every other member a copy of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
from datasketch import MinHashLSH

from storyline.stories.features import NUM_PERM, jaccard, minhash


def find(signatures: Sequence[tuple[str, datetime, np.ndarray]], threshold: float) -> list[tuple[str, str, float]]:
    """(copy id, original id, estimated Jaccard with the original) for every copy among ``signatures``.

    Candidates come from LSH at ``threshold``; a pair is kept when the signatures' estimated Jaccard
    reaches it too (LSH alone lets some lower pairs through).
    """
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    ordered = sorted(signatures, key=lambda s: (s[1], s[0]))
    rank = {article_id: i for i, (article_id, _, _) in enumerate(ordered)}
    parent = list(range(len(ordered)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (article_id, _, sig) in enumerate(ordered):
        m = minhash(sig)
        for other in lsh.query(m):
            j = rank[other]
            if jaccard(sig, ordered[j][2]) >= threshold:
                a, b = root(i), root(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)  # the earliest member stays the root
        lsh.insert(article_id, m)
    copies = []
    for i, (article_id, _, sig) in enumerate(ordered):
        r = root(i)
        if r != i:
            copies.append((article_id, ordered[r][0], round(jaccard(sig, ordered[r][2]), 3)))
    return copies
