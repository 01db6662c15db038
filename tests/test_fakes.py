"""The fakes of tests/fakes.py keep the shape of what they stand in for, deterministically."""

from __future__ import annotations

import numpy as np

from storyline.analyze.embed import DIMENSIONS
from tests.conftest import ROOT, SLOW_MODULES
from tests.fakes import FakeEmbedder, fake_nlp

TEXT = (
    "GENEVA — Negotiators met John Smith of the Trade Ministry on Tuesday in Geneva. They talked late.\n\n"
    "A statement followed"
)


def test_fake_nlp_gives_sentences_and_names() -> None:
    doc = fake_nlp()(TEXT)
    assert [s.text.strip() for s in doc.sents if s.text.strip()] == [
        "GENEVA — Negotiators met John Smith of the Trade Ministry on Tuesday in Geneva.",
        "They talked late.",
        "A statement followed",
    ]
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("John Smith", "PERSON"),
        ("Trade Ministry", "ORG"),
        ("Geneva", "GPE"),
    ]
    assert [(e.text, e.label_) for e in fake_nlp()(TEXT).ents] == [(e.text, e.label_) for e in doc.ents]


def test_fake_embedder_gives_unit_rows_close_for_shared_words() -> None:
    vectors = FakeEmbedder().encode(["talks in Geneva", "Geneva talks resume", "a cat sat", ""])
    assert vectors.shape == (4, DIMENSIONS) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0)
    assert not vectors[3].any()
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert np.array_equal(vectors, FakeEmbedder().encode(["talks in Geneva", "Geneva talks resume", "a cat sat", ""]))


def test_every_module_conftest_marks_slow_exists() -> None:
    for module in SLOW_MODULES:
        assert (ROOT / "tests" / f"{module}.py").is_file(), f"conftest.SLOW_MODULES names a missing {module}"
