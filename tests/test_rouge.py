"""bench/rouge.py against hand-computed scores."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import rouge

pytest.importorskip("nltk")


def test_unigram_bigram_and_su4_on_a_one_word_change() -> None:
    s = rouge.score("The cat sat on the mat.", ["the cat lay on the mat"], jackknife=False)
    assert s["ROUGE-1"].recall == pytest.approx(5 / 6) and s["ROUGE-1"].precision == pytest.approx(5 / 6)
    assert s["ROUGE-2"].recall == pytest.approx(3 / 5)
    # 15 skip-bigrams (gap <= 4 covers all pairs of 6 words) + 6 unigrams; the 10 pairs and 5 words without
    # "sat"/"lay" match.
    assert s["ROUGE-SU4"].recall == pytest.approx(15 / 21)
    assert s["ROUGE-2"].f == pytest.approx(3 / 5)


def test_skip_gap_is_at_most_four_words() -> None:
    grams = rouge.skip_bigrams(list("abcdefg"), 4, unigrams=False)
    assert ("a", "f") in grams and ("a", "g") not in grams
    assert sum(grams.values()) == 6 + 5 + 4 + 3 + 2 + 1 - 1  # pairs (i, j) with j - i <= 5 among 7 words


def test_stemming_lowercasing_and_short_words() -> None:
    assert rouge.tokens("Cats were RUNNING, wasn't it?") == ["cat", "were", "run", "wasn", "t", "it"]
    assert rouge.tokens("was has") == ["was", "has"]  # 3 letters or fewer are not stemmed


def test_truncation_to_the_word_limit() -> None:
    s = rouge.score("alpha beta gamma delta", ["alpha beta"], words=2, jackknife=False)
    assert s["ROUGE-1"].recall == 1.0 and s["ROUGE-1"].precision == 1.0


def test_jackknife_averages_leave_one_out_pooled_scores() -> None:
    s = rouge.score("a b", ["a b", "a b", "c d", "c d"])
    # leaving out an "a b": 2 hits of 6 reference unigrams; leaving out a "c d": 4 of 6
    assert s["ROUGE-1"].recall == pytest.approx((1 / 3 + 1 / 3 + 2 / 3 + 2 / 3) / 4)
    assert rouge.score("a b", ["a b", "a b", "c d", "c d"], jackknife=False)["ROUGE-1"].recall == pytest.approx(0.5)
