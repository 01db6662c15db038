"""What the story stage knows of one article: a vector, its entity keys, its topic words, a MinHash, a time.

Features are intrinsic to the article (they never depend on what else is stored), so clustering
replays give the same answer however the corpus arrived.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
from datasketch import MinHash
from spacy.lang.en.stop_words import STOP_WORDS

from storyline.analyze.canonical import place_key
from storyline.analyze.embed import MODEL_ID, embedder
from storyline.analyze.entities import fold
from storyline.model import FeatureInput, Features

NUM_PERM = 64
SHINGLE = 5  # words per shingle
LEAD_WORDS = 160  # title + this many words: about 210 word pieces, inside the model's 256
TOPIC_TERMS = 48  # content words kept per article for story linking
KEY_TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"})
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_POSSESSIVE = re.compile(r"['’]s$")
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_MASK32 = np.uint64(0xFFFFFFFF)
# A seeded MinHash whose permutations every signature shares.
_PROTOTYPE = MinHash(num_perm=NUM_PERM, seed=7, hashfunc=int, scheme="affine32")


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


def topic_terms(title: str | None, text: str) -> tuple[np.ndarray, np.ndarray]:
    """The TOPIC_TERMS most frequent content words of the whole article, hashed, weighted 1 + log count.

    What the article is about in its own words ("climate", "emissions", "coal"), beside the lead's
    vector and the named actors: stories link events that share a topic even when they share no actor.
    Stop words, numbers and words under three letters are left out, a possessive "'s" is dropped; the
    corpus-wide rarity of each word (its IDF) is applied when events are linked, not here, so the terms
    stay a property of the article alone.
    """
    counts = Counter(
        w
        for w in (_POSSESSIVE.sub("", w) for w in _WORD.findall(f"{title or ''}\n{text}".casefold()))
        if len(w) > 2 and w.isalpha() and w not in STOP_WORDS
    )
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOPIC_TERMS]
    hashes = np.array([zlib.crc32(w.encode()) for w, _ in ranked], dtype=np.uint32)
    return hashes, np.array([1.0 + math.log(c) for _, c in ranked], dtype=np.float32)


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


def compute(items: Sequence[FeatureInput], threads: int = 0) -> list[Features]:
    """Features of these articles (time, title, text and mentions read from the store) in one batch;
    ``threads`` is the embedder's (``Settings.embed_threads``)."""
    if not items:
        return []
    vectors = embedder(threads).encode([lead(i.title, i.text) for i in items])
    found = []
    for i, vector in zip(items, vectors, strict=True):
        keys, weights = entity_profile(i.mentions)
        terms = topic_terms(i.title, i.text)
        found.append(Features(i.article_id, i.t, vector, keys, weights, signature(i.text), *terms))
    return found


__all__ = ["MODEL_ID", "Features", "compute", "entity_key", "jaccard", "signature", "topic_terms"]
