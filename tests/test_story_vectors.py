"""Sentence vectors in the store (issue 15: read as arrays)."""

from __future__ import annotations

import numpy as np

import storyline


def _unit(*values: float) -> np.ndarray:
    v = np.zeros(384, dtype=np.float32)
    v[: len(values)] = values
    return v / np.linalg.norm(v)


def test_sentence_vectors_read_back_as_stored(ws: storyline.Workspace) -> None:
    rows = [("a1", 0, _unit(1.0, 2.0)), ("a1", 3, _unit(0.5)), ("a2", 1, _unit(0.0, 0.0, 1.0))]
    ws.store.save_sentence_vectors(rows)
    found = ws.store.sentence_vectors(["a1", "a2", "zz"])
    assert sorted(found) == [("a1", 0), ("a1", 3), ("a2", 1)]
    for a, i, v in rows:
        assert found[a, i].dtype == np.float32 and np.allclose(found[a, i], v)
    assert ws.store.sentence_vectors([]) == {}
