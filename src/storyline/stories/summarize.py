"""Placeholder until the summarizer lands: centroid-nearest sentences, each citing itself."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from storyline.model import Citation, SummarySentence


@dataclass(frozen=True)
class Unit:
    article_id: str
    index: int
    text: str
    published: datetime | None
    position: int
    source: str | None
    group: str


def summarize(
    units: Sequence[Unit],
    vectors: np.ndarray,
    *,
    max_words: int | None = 120,
    max_sentences: int | None = None,
    query: str | None = None,
    query_vector: np.ndarray | None = None,
) -> list[SummarySentence]:
    if not units:
        return []
    centroid = vectors.sum(axis=0)
    order = np.argsort(-(vectors @ centroid))
    out: list[SummarySentence] = []
    words = 0
    for i in order[: max_sentences or 5]:
        out.append(SummarySentence(units[i].text, (Citation(units[i].article_id, units[i].index),)))
        words += len(units[i].text.split())
        if max_words and words >= max_words:
            break
    return out
