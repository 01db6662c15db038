"""ROUGE-N and ROUGE-SU recall/precision/F with jackknifing, after ROUGE-1.5.5 as DUC ran it.

``-m -2 4 -u -l 250 -f A -p 0.5`` semantics: summaries are cut to their first 250 whitespace-separated
words; tokens are lower-cased runs of letters and digits; tokens longer than 3 characters are Porter-stemmed
(nltk's ``PorterStemmer`` in its original-algorithm mode; ROUGE ships its own Porter code, so a few stems
differ); no stopword removal. N-grams and skip-bigrams run across sentence boundaries. SU4 counts
skip-bigrams with at most 4 words between the pair, plus unigrams. With several references the counts are
pooled (``-f A``: hits over the sum of reference counts); with four references the score is the mean over
the four leave-one-out sets of three (jackknifing), as NIST's ``rougejk.in`` does.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import combinations

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@cache
def _stem(word: str) -> str:
    return _stemmer().stem(word) if len(word) > 3 else word


@cache
def _stemmer():  # type: ignore[no-untyped-def]
    from nltk.stem.porter import PorterStemmer

    return PorterStemmer(mode=PorterStemmer.ORIGINAL_ALGORITHM)


def truncate(text: str, words: int | None) -> str:
    """The first ``words`` whitespace-separated words of ``text`` (all of it when None)."""
    return text if words is None else " ".join(text.split()[:words])


def tokens(text: str, stem: bool = True) -> list[str]:
    """ROUGE's tokens: lower-cased alphanumeric runs, stemmed when longer than 3 characters."""
    words = _NON_ALNUM.sub(" ", text.lower()).split()
    return [_stem(w) for w in words] if stem else words


def ngrams(words: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def skip_bigrams(words: Sequence[str], gap: int, unigrams: bool = True) -> Counter[tuple[str, ...]]:
    """Ordered pairs with at most ``gap`` words between them (ROUGE-S<gap>), plus unigrams for SU."""
    found: Counter[tuple[str, ...]] = Counter()
    for i, first in enumerate(words):
        for j in range(i + 1, min(len(words), i + gap + 2)):
            found[(first, words[j])] += 1
    if unigrams:
        found.update((w,) for w in words)
    return found


@dataclass(frozen=True)
class Score:
    recall: float
    precision: float
    f: float


METRICS = ("ROUGE-1", "ROUGE-2", "ROUGE-SU4")


def _grams(words: Sequence[str], metric: str) -> Counter[tuple[str, ...]]:
    if metric == "ROUGE-SU4":
        return skip_bigrams(words, 4)
    return ngrams(words, int(metric.split("-")[1]))


def _pooled(peer: Counter, models: Sequence[Counter], alpha: float = 0.5) -> Score:
    hits = sum(sum((peer & model).values()) for model in models)
    reference = sum(sum(model.values()) for model in models)
    produced = sum(peer.values()) * len(models)
    recall = hits / reference if reference else 0.0
    precision = hits / produced if produced else 0.0
    f = recall * precision / ((1 - alpha) * precision + alpha * recall) if recall and precision else 0.0
    return Score(recall, precision, f)


def score(peer: str, models: Sequence[str], words: int | None = 250, jackknife: bool = True) -> dict[str, Score]:
    """ROUGE-1, ROUGE-2 and ROUGE-SU4 of ``peer`` against ``models``, jackknifed when there are 3+ models."""
    peer_words = tokens(truncate(peer, words))
    model_words = [tokens(truncate(m, words)) for m in models]
    subsets = list(combinations(range(len(models)), len(models) - 1)) if jackknife and len(models) > 2 else []
    subsets = subsets or [tuple(range(len(models)))]
    out = {}
    for metric in METRICS:
        peer_grams = _grams(peer_words, metric)
        model_grams = [_grams(w, metric) for w in model_words]
        runs = [_pooled(peer_grams, [model_grams[i] for i in subset]) for subset in subsets]
        out[metric] = Score(*(sum(getattr(r, k) for r in runs) / len(runs) for k in ("recall", "precision", "f")))
    return out
