"""Fakes for the two models, for tests that need only their shape: ``fake_nlp()`` stands in for the spaCy
pipeline (sentences and names, deterministically, no weights to load) and ``FakeEmbedder`` for the sentence
embedder (fixed-size unit vectors from hashed words). ``use_fakes(monkeypatch)`` puts both in place of the
real ones for one test (the ``fake_models`` fixture in conftest.py does it).

Neither is a model: a test that checks what analysis finds, or how well stories are grouped, needs the real
ones (and is marked ``slow``).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np
import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from storyline.analyze import embed, nlp
from storyline.analyze.embed import DIMENSIONS

# The last word of a name that makes it an organization; a name right after these words is a place.
ORG_WORDS = frozenset(
    "Agency Alliance Association Authority Bank Board Commission Committee Company Corp Council Court Department "
    "Fund Group Inc Institute Ministry Nations Organization Parliament Party Police Union University".split()
)
PLACE_AFTER = frozenset({"in", "from", "to", "at", "near"})
_WORD = re.compile(r"\w+")


@Language.component("fake_names")
def fake_names(doc: Doc) -> Doc:
    """Runs of capitalized words as names: ORG when the run ends in an ORG_WORDS word, GPE after a
    preposition of place, PERSON when two words or more, else none. A sentence's first word starts a run
    only when the next word is capitalized too."""
    spans: list[Span] = []
    i = 0
    while i < len(doc):
        token = doc[i]
        if not _capitalized(token.text) or (token.is_sent_start and not _next_capitalized(doc, i)):
            i += 1
            continue
        end = i + 1
        while end < len(doc) and _capitalized(doc[end].text) and not doc[end].is_sent_start:
            end += 1
        label = _label(doc, i, end)
        if label:
            spans.append(Span(doc, i, end, label=label))
        i = end
    doc.ents = spans
    return doc


def _capitalized(text: str) -> bool:
    return text[:1].isupper() and text.isalpha()


def _next_capitalized(doc: Doc, i: int) -> bool:
    return i + 1 < len(doc) and _capitalized(doc[i + 1].text) and not doc[i + 1].is_sent_start


def _label(doc: Doc, start: int, end: int) -> str | None:
    if doc[end - 1].text in ORG_WORDS:
        return "ORG"
    if start > 0 and doc[start - 1].lower_ in PLACE_AFTER:
        return "GPE"
    return "PERSON" if end - start >= 2 else None


def fake_nlp() -> Language:
    """A blank English pipeline: the rule-based sentencizer, storyline's paragraph breaks, and fake_names."""
    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    pipeline.add_pipe("paragraph_breaks")
    pipeline.add_pipe("fake_names")
    return pipeline


class FakeEmbedder:
    """``Embedder``'s interface: one float32 unit row of DIMENSIONS per text, from its hashed lower-cased
    words (texts sharing words are close); an empty text gives a zero row. Records the texts it encoded."""

    def __init__(self, threads: int = 0) -> None:
        self.threads = threads
        self.encoded: list[str] = []

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall((text or "").lower()):
                out[row, zlib.crc32(word.encode()) % DIMENSIONS] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        self.encoded.extend(texts)
        return out / np.maximum(norms, 1e-12)


class FakeModels:
    """What ``use_fakes`` put in place: the pipeline, and one embedder per thread count asked for."""

    def __init__(self) -> None:
        self.nlp = fake_nlp()
        self.embedders: dict[int, FakeEmbedder] = {}

    def embedder(self, threads: int) -> FakeEmbedder:
        return self.embedders.setdefault(threads, FakeEmbedder(threads))


def use_fakes(monkeypatch: pytest.MonkeyPatch) -> FakeModels:
    """Replace the spaCy pipeline and the embedder with the fakes until the test ends."""
    fakes = FakeModels()
    monkeypatch.setattr(nlp, "load_nlp", lambda model=nlp.MODEL_PACKAGE: fakes.nlp)
    monkeypatch.setattr(embed, "_embedder", fakes.embedder)
    return fakes
