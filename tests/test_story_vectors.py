"""Article vectors made of the sentence vectors: each sentence is embedded once (issue 15)."""

from __future__ import annotations

import numpy as np

import storyline
from storyline.stories.features import LEAD_WORDS, article_vector, lead_sentences


def _unit(*values: float) -> np.ndarray:
    v = np.zeros(384, dtype=np.float32)
    v[: len(values)] = values
    return v / np.linalg.norm(v)


def test_the_lead_is_the_sentences_that_begin_within_the_lead_words() -> None:
    ten = " ".join(["word"] * 10)
    texts = [ten] * (LEAD_WORDS // 10) + ["The sentence that crosses nothing.", "Later."]
    assert lead_sentences(texts) == list(range(LEAD_WORDS // 10))
    crossing = [" ".join(["word"] * (LEAD_WORDS - 1)), "This one begins inside the lead.", "This one does not."]
    assert lead_sentences(crossing) == [0, 1]
    assert lead_sentences([]) == []


def test_an_article_vector_is_the_word_weighted_mean_of_its_parts() -> None:
    a, b = _unit(1.0), _unit(0.0, 1.0)
    v = article_vector([(a, 30), (b, 10)])
    assert np.isclose(np.linalg.norm(v), 1.0)
    assert v[0] > v[1] > 0 and np.isclose(v[0] / v[1], 3.0)
    assert np.allclose(article_vector([(a, 5)]), a)
    assert not np.any(article_vector([]))  # nothing to embed: a zero vector, never NaN


def test_an_article_without_sentences_still_gets_a_vector(ws: storyline.Workspace, fake_models: object) -> None:
    """An analyzed article whose sentences are missing is embedded from its title and first words."""
    ws.ingest_records([{"id": "a1", "title": "Storm hits the coast", "text": "A storm hit the coast on Monday. " * 5}])
    ws.analyze()
    ws.store._con.execute("DELETE FROM sentences")
    report = ws.cluster(summaries=False)
    assert report.embedded == 1
    vector = ws.store.feature_vectors(["a1"])["a1"]
    assert np.isclose(np.linalg.norm(vector), 1.0, atol=1e-3)


def test_sentence_vectors_read_back_as_stored(ws: storyline.Workspace) -> None:
    rows = [("a1", 0, _unit(1.0, 2.0)), ("a1", 3, _unit(0.5)), ("a2", 1, _unit(0.0, 0.0, 1.0))]
    ws.store.save_sentence_vectors(rows)
    found = ws.store.sentence_vectors(["a1", "a2", "zz"])
    assert sorted(found) == [("a1", 0), ("a1", 3), ("a2", 1)]
    for a, i, v in rows:
        assert found[a, i].dtype == np.float32 and np.allclose(found[a, i], v)
    assert ws.store.sentence_vectors([]) == {}
