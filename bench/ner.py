"""Names typed right: PER/ORG/LOC exact-match P/R/F1 on CoNLL-2003, storyline beside bare spaCy.

    .venv/bin/python bench/ner.py [--split valid|train] [--docs N] [--model NAME_OR_PATH] [--record]

The CoNLL-2003 English splits are read at run time from ../shared/bench/ner-conll2003 (Reuters, research use
only: never copied into the project). Each document's sentences become lines of one text (tokens joined by
spaces), parsed with the spaCy pipeline analysis uses; an entity counts when its characters and its type match
a gold entity exactly (conlleval's rule). spaCy's labels map PERSON -> PER, ORG -> ORG, GPE/LOC/FAC -> LOC;
NORP (nationalities, religious and political groups) is CoNLL's MISC and, like MISC, is not scored. Rows:
bare spaCy (the model's own ``doc.ents``), storyline per article (``find_entities``), and storyline after
linking names across the split (``canonical.link``: the type the reader shows for an entity). Tune on
train; report on valid.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import SHARED, Section, Table, fmt, machine, print_sections, record

from storyline.analyze.canonical import link
from storyline.analyze.entities import find_entities, fold
from storyline.analyze.nlp import load_nlp
from storyline.model import NameCount

DATA = SHARED / "ner-conll2003"
SCORED = ("PER", "ORG", "LOC")
SPACY_TO_CONLL = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}

Span = tuple[int, int, int, str]  # (document, start char, end char, type)


@dataclass
class Document:
    text: str
    gold: list[tuple[int, int, str]]  # (start char, end char, type)
    words: int


def read_conll(path: Path) -> list[Document]:
    """Documents of a CoNLL-2003 file: text rebuilt from its tokens, gold entities as character spans."""
    docs: list[Document] = []
    lines: list[str] = []
    gold: list[tuple[int, int, str]] = []
    offset, words = 0, 0
    sentence: list[tuple[str, str]] = []

    def close_sentence() -> None:
        nonlocal offset, words
        if not sentence:
            return
        pieces, current = [], None
        for token, tag in sentence:
            start = offset + sum(len(p) + 1 for p in pieces)
            pieces.append(token)
            kind = tag[2:] if tag != "O" else None
            if kind and current and current[2] == kind and not tag.startswith("B-"):
                current[1] = start + len(token)
            else:
                if current:
                    gold.append((current[0], current[1], current[2]))
                current = [start, start + len(token), kind] if kind else None
        if current:
            gold.append((current[0], current[1], current[2]))
        line = " ".join(pieces)
        lines.append(line)
        offset += len(line) + 1
        words += len(pieces)
        sentence.clear()

    def close_document() -> None:
        nonlocal offset, words, lines, gold
        close_sentence()
        if lines:
            docs.append(Document("\n".join(lines), gold, words))
        lines, gold, offset, words = [], [], 0, 0

    for raw in path.read_text(encoding="utf-8").splitlines():
        parts = raw.split()
        if not parts:
            close_sentence()
        elif parts[0] == "-DOCSTART-":
            close_document()
        else:
            sentence.append((parts[0], parts[-1]))
    close_document()
    return docs


def score(gold: set[Span], predicted: set[Span]) -> dict[str, tuple[float, float, float, int]]:
    """P, R, F1 and gold count per type and overall, exact match."""
    out = {}
    for kind in (*SCORED, "all"):
        g = {s for s in gold if kind in ("all", s[3])}
        p = {s for s in predicted if kind in ("all", s[3])}
        hit = len(g & p)
        precision = hit / len(p) if p else 0.0
        recall = hit / len(g) if g else 0.0
        f1 = 2 * precision * recall / (precision + recall) if hit else 0.0
        out[kind] = (precision, recall, f1, len(g))
    return out


def mapped(index: int, items: Iterable[tuple[int, int, str]]) -> set[Span]:
    return {(index, s, e, SPACY_TO_CONLL[t]) for s, e, t in items if t in SPACY_TO_CONLL}


def evaluate(docs: list[Document], model: str) -> tuple[dict[str, set[Span]], dict[str, float], set[Span]]:
    """Predicted spans of each system and its words/s."""
    nlp = load_nlp(model)
    texts = [d.text for d in docs]
    words = sum(d.words for d in docs)
    start = time.perf_counter()
    parsed = list(nlp.pipe(texts, batch_size=32))
    parse_seconds = time.perf_counter() - start
    start = time.perf_counter()
    found = [find_entities(doc, str(i)) for i, doc in enumerate(parsed)]
    names_seconds = time.perf_counter() - start
    bare: set[Span] = set()
    article: set[Span] = set()
    counts: Counter[tuple[str, str]] = Counter()
    for i, (doc, entities) in enumerate(zip(parsed, found, strict=True)):
        bare |= mapped(i, ((e.start_char, e.end_char, e.label_) for e in doc.ents))
        article |= mapped(i, ((m.start, m.end, m.type) for m in entities.mentions))
        counts.update((m.type, m.name) for m in entities.mentions)
    start = time.perf_counter()
    groups = link(NameCount(t, n, c, 1) for (t, n), c in counts.items())
    link_seconds = time.perf_counter() - start
    type_of = {(fold(n.name), n.type): g.type for g in groups for n in g.names}
    linked: set[Span] = set()
    for i, entities in enumerate(found):
        items = ((m.start, m.end, type_of.get((fold(m.name), m.type), m.type)) for m in entities.mentions)
        linked |= mapped(i, items)
    gold = {(i, s, e, t) for i, d in enumerate(docs) for s, e, t in d.gold if t in SCORED}
    systems = {"bare spaCy": bare, "storyline, per article": article, "storyline, linked": linked}
    speed = {
        "bare spaCy": words / parse_seconds,
        "storyline, per article": words / (parse_seconds + names_seconds),
        "storyline, linked": words / (parse_seconds + names_seconds + link_seconds),
    }
    return systems, speed, gold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("valid", "train"), default="valid", help="default valid")
    parser.add_argument("--docs", type=int, default=0, help="only the first N documents (default all)")
    parser.add_argument("--model", default="", help="a spaCy package name or path (default: analysis's model)")
    parser.add_argument("--errors", type=int, default=0, help="print N error examples of storyline, linked")
    parser.add_argument("--record", action="store_true", help="write the results into docs/benchmarks.md")
    args = parser.parse_args()
    path = DATA / f"{args.split}.txt"
    if not path.is_file():
        print(f"skipped: {path} not found (CoNLL-2003 lives in ../shared/bench/ner-conll2003)")
        return
    docs = read_conll(path)
    if args.docs:
        docs = docs[: args.docs]
    words = sum(d.words for d in docs)
    from storyline.analyze.nlp import MODEL_PACKAGE

    model = args.model or MODEL_PACKAGE
    systems, speed, gold = evaluate(docs, model)
    section = Section(f"CoNLL-2003 {args.split}: {len(docs)} documents, {words:,} words, model {Path(model).name}")
    table = Table("PER/ORG/LOC exact match", ["system", "type", "gold", "P", "R", "F1", "words/s"], left=2)
    for name, predicted in systems.items():
        for kind, (p, r, f1, n) in score(gold, predicted).items():
            table.rows.append(
                [name, kind, str(n), f"{p:.3f}", f"{r:.3f}", f"{f1:.3f}", fmt(speed[name], 0) if kind == "all" else ""]
            )
    section.tables.append(table)
    section.notes.append(
        "spaCy PERSON -> PER, ORG -> ORG, GPE/LOC/FAC -> LOC; NORP and CoNLL's MISC are not scored; "
        "words/s: one process, parse (+ names, + linking) after the model is loaded"
    )
    print_sections(
        [section],
        f"Recorded {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}. Machine: {machine(('spacy',))}.",
    )
    if args.errors:
        print_errors(docs, gold, systems["storyline, linked"], args.errors)
    if args.record:
        header = (
            f"Recorded {datetime.now().astimezone():%Y-%m-%d %H:%M %Z} with `python bench/ner.py "
            f"--split {args.split}`.\n\nMachine: {machine(('spacy',))}."
        )
        record([section], header, "bench/ner.py", "Names")


def print_errors(docs: list[Document], gold: set[Span], predicted: set[Span], limit: int) -> None:
    """Counts of missed and spurious (text, type) pairs, most frequent first."""
    missed = Counter((docs[i].text[s:e], t) for i, s, e, t in gold - predicted)
    spurious = Counter((docs[i].text[s:e], t) for i, s, e, t in predicted - gold)
    print("missed:", ", ".join(f"{t}:{x}×{c}" for (x, t), c in missed.most_common(limit)))
    print("spurious:", ", ".join(f"{t}:{x}×{c}" for (x, t), c in spurious.most_common(limit)))


if __name__ == "__main__":
    main()
