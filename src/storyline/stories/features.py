"""What the story stage knows of one article: a vector, its entity keys, a MinHash, a time.

Features are intrinsic to the article (they never depend on what else is stored), so clustering
replays give the same answer however the corpus arrived.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from datasketch import MinHash

from storyline.analyze.canonical import place_key
from storyline.analyze.embed import MODEL_ID, embedder
from storyline.analyze.entities import fold

NUM_PERM = 64
SHINGLE = 5  # words per shingle
LEAD_WORDS = 80
KEY_TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"})
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_MASK32 = np.uint64(0xFFFFFFFF)
# A seeded MinHash whose permutations every signature shares.
_PROTOTYPE = MinHash(num_perm=NUM_PERM, seed=7, hashfunc=int, scheme="affine32")


@dataclass(frozen=True)
class Features:
    article_id: str
    t: datetime
    vector: np.ndarray
    keys: tuple[str, ...]
    weights: tuple[float, ...]
    signature: np.ndarray  # uint32, NUM_PERM values

    @property
    def profile(self) -> dict[str, float]:
        return dict(zip(self.keys, self.weights, strict=True))


def entity_key(type_: str, name: str) -> str:
    """People by surname ("Binyamin Netanyahu" and "Netanyahu" alike), other names by their folded form."""
    if type_ == "PERSON":
        words = [w for w in fold(name).split() if w not in _SUFFIXES]
        return "p:" + (words[-1] if words else fold(name))
    return "n:" + place_key(name)


def entity_profile(mentions: Iterable[tuple[str, str]]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Sublinear weights (1 + log count) of each key among an article's (type, name) mentions."""
    counts = Counter(entity_key(t, n) for t, n in mentions if t in KEY_TYPES)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(k for k, _ in ranked), tuple(1.0 + math.log(c) for _, c in ranked)


def lead(title: str | None, text: str) -> str:
    """The title and the first words of the text: what the article is about."""
    words = text.split()
    return f"{title or ''}\n{' '.join(words[:LEAD_WORDS])}".strip()


def signature(text: str) -> np.ndarray:
    """MinHash (NUM_PERM uint32 values) of the text's lower-cased word 5-shingles."""
    hashes = np.array([zlib.crc32(w.encode()) for w in _WORD.findall(text.casefold())], dtype=np.uint64)
    if len(hashes) < SHINGLE:
        hashes = np.concatenate([hashes, np.zeros(SHINGLE - len(hashes), dtype=np.uint64)])
    mixed = np.zeros(len(hashes) - SHINGLE + 1, dtype=np.uint64)
    for k in range(SHINGLE):  # a polynomial hash of the k-word window, kept to 32 bits
        mixed = (mixed * np.uint64(1_000_003) + hashes[k : len(hashes) - SHINGLE + 1 + k]) & _MASK32
    m = _PROTOTYPE.copy()
    m.update_batch(np.unique(mixed).tolist())
    return m.hashvalues.astype(np.uint32)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """The Jaccard similarity two signatures estimate."""
    return float(np.mean(a == b))


def compute(
    items: Sequence[tuple[str, datetime, str | None, str, list[tuple[str, str]]]],
) -> list[Features]:
    """Features of (article id, time, title, text, [(type, name) of its mentions]) in one batch."""
    if not items:
        return []
    vectors = embedder().encode([lead(title, text) for _, _, title, text, _ in items])
    found = []
    for (article_id, t, _title, text, mentions), vector in zip(items, vectors, strict=True):
        keys, weights = entity_profile(mentions)
        found.append(Features(article_id, t, vector, keys, weights, signature(text)))
    return found


__all__ = ["MODEL_ID", "Features", "compute", "entity_key", "jaccard", "signature"]
