"""Quote benchmarks for storyline. Run from the project root:

    .venv/bin/python bench/quotes.py [--record] [--split dev|test|both]

1. The demo gold (data/demo/gold.json): span precision/recall/F1 by kind (exact and overlap), and
   speaker accuracy / wrong-person rate on direct quotes, as the issue's floors define them.
2. PolNeAR dev and/or test, read at run time from ../shared/bench/quotes-polnear (never copied into the
   project): its attributions' Content spans against our quote spans, its Source spans against our
   speakers. One annotator per article: where an article has several annotation files, the one whose
   annotator id sorts first is used (the others are agreement checks of the same article).
3. Words per second of ``find_quotes`` alone, on documents already parsed.

``--record`` writes the results into docs/benchmarks.md, between this script's markers.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from spacy.tokens import Doc

    from storyline.model import Quote

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo"
POLNEAR = ROOT.parent / "shared" / "bench" / "quotes-polnear"
DOCS = ROOT / "docs" / "benchmarks.md"
MARK_BEGIN = "<!-- bench/quotes.py: begin"
MARK_END = "<!-- bench/quotes.py: end -->"
QUOTE_CHARS = "\"“”„«»'‘’"
ANCHORS = [
    "GenderGapTracker quote extractor (its 98 annotated articles; different data): speaker accuracy 86.5%, F1 83.7",
    "BBC Citron on PARC 3.0 (different data and annotation scheme): exact-span F1 56.7",
]


@dataclass
class Gold:
    start: int
    end: int
    kind: str  # direct, indirect, partial (demo); quoted, indirect (PolNeAR)
    speakers: set[str] | None  # acceptable speaker names; None when the gold speaker is unnamed/null
    source: tuple[int, int] | None = None  # PolNeAR Source span
    nameable: bool = False  # a reader can name the speaker: a named gold speaker, or a Source naming one


@dataclass
class Tally:
    """Counts for one corpus; kinds are gold kinds."""

    counts: Counter[str] = field(default_factory=Counter)
    words: int = 0
    seconds: float = 0.0


# ---- matching ------------------------------------------------------------------------------------------


def norm_span(text: str) -> str:
    """Span text without surrounding quote marks, "that", spaces and closing punctuation."""
    text = text.strip().strip(QUOTE_CHARS).strip()
    text = re.sub(r"^that\s+", "", text)
    return text.strip(QUOTE_CHARS + " ,.;:").strip()


def score_doc(
    text: str, golds: list[Gold], quotes: list[Quote], tally: Tally, speaker_ok: Callable[[str, Gold, Quote], str]
) -> None:
    """Greedy one-to-one matching by overlap; counts spans by kind and speakers."""
    used: set[int] = set()
    c = tally.counts
    for gold in golds:
        c[f"gold {gold.kind}"] += 1
        best, overlap = None, 0
        for k, q in enumerate(quotes):
            size = min(gold.end, q.end) - max(gold.start, q.start)
            if k not in used and size > overlap:
                best, overlap = k, size
        if best is None:
            c[f"speaker missed {gold.kind}"] += 1
            continue
        used.add(best)
        q = quotes[best]
        c[f"overlap {gold.kind}"] += 1
        c[f"overlap pred {q.kind}"] += 1
        if norm_span(text[gold.start : gold.end]) == norm_span(q.text):
            c[f"exact {gold.kind}"] += 1
            c[f"exact pred {q.kind}"] += 1
        if gold.nameable:
            c[f"nameable {gold.kind}"] += 1
            c[f"nameable unknown {gold.kind}"] += q.speaker_start is None
        verdict = speaker_ok(text, gold, q)
        c[f"speaker {verdict} {gold.kind}"] += 1
        c[f"band {band_of(q.speaker_confidence)} {verdict}"] += 1
    for q in quotes:
        c[f"pred {q.kind}"] += 1
        c["pred with speaker"] += q.speaker is not None
        c[f"unnamed {q.kind}"] += q.speaker_start is None


def unknown_rows(tally: Tally, gold_kinds: list[str]) -> list[list[str]]:
    """The unknown-speaker share: of our quotes, those naming no one (no speaker, or only a pronoun or a
    description such as "the mayor"); and of the matched gold quotes whose speaker a reader can name, those
    we leave unknown."""
    c = tally.counts
    rows = []
    for kind in ("direct", "partial", "indirect", "all"):
        kinds = ["direct", "partial", "indirect"] if kind == "all" else [kind]
        quotes = sum(c[f"pred {k}"] for k in kinds)
        unnamed = sum(c[f"unnamed {k}"] for k in kinds)
        rows.append([f"ours: {kind}", str(quotes), str(unnamed), f"{unnamed / quotes:.3f}" if quotes else "-"])
    for kind in [*gold_kinds, "all"]:
        kinds = gold_kinds if kind == "all" else [kind]
        matched = sum(c[f"nameable {k}"] for k in kinds)
        unknown = sum(c[f"nameable unknown {k}"] for k in kinds)
        rows.append([f"gold {kind}, speaker nameable", str(matched), str(unknown),
                     f"{unknown / matched:.3f}" if matched else "-"])  # fmt: skip
    return rows


UNKNOWN_COLUMNS = ["quotes", "count", "no named speaker", "unknown share"]


# Speaker confidence bands (storyline.analyze.quotes_rules.CONFIDENCE): named subject of the cue, a role
# noun resolved (or a name with no cue), the writer / a resolved pronoun, a floating quote, an unresolved
# description or pronoun, no speaker.
BANDS = ((0.85, ">= 0.85"), (0.7, "0.70-0.85"), (0.55, "0.55-0.70"), (0.45, "0.45-0.55"), (0.3, "0.30-0.45"),
         (0.01, "0.01-0.30"), (0.0, "0 (none)"))  # fmt: skip


def band_of(confidence: float) -> str:
    return next(label for floor, label in BANDS if confidence >= floor)


def band_rows(tally: Tally) -> list[list[str]]:
    """Per confidence band: matched quotes, right, wrong, unknown, and accuracy = right / those with a gold
    speaker (a gold with no Source is left out)."""
    c = tally.counts
    rows = []
    for _, label in BANDS:
        right, wrong, unknown = (c[f"band {label} {v}"] for v in ("right", "wrong", "unknown"))
        scored = right + wrong + unknown
        matched = scored + c[f"band {label} no source"]
        if matched:
            rows.append([label, str(matched), str(right), str(wrong), str(unknown),
                         f"{right / scored:.3f}" if scored else "-"])  # fmt: skip
    return rows


BAND_COLUMNS = ["speaker confidence", "matched quotes", "right", "wrong person", "unknown", "accuracy"]


def prf(tp_pred: int, pred: int, tp_gold: int, gold: int) -> tuple[float, float, float]:
    p = tp_pred / pred if pred else 0.0
    r = tp_gold / gold if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# ---- demo gold -----------------------------------------------------------------------------------------


def demo_golds() -> tuple[dict[str, str], dict[str, list[Gold]]]:
    """Article texts keyed by gold doc, and the gold quotes located in them."""
    import storyline

    gold = json.loads((DEMO / "gold.json").read_text(encoding="utf-8"))
    variants = {e["name"]: {e["name"], *e.get("variants", [])} for e in gold["entities"]}
    english = {a["doc"] for a in gold["articles"] if a["language"] == "en"}
    with tempfile.TemporaryDirectory() as tmp, storyline.open(Path(tmp) / "demo.duckdb") as ws:
        ws.ingest(DEMO / "articles")
        stored = ws.articles()
    texts = {}
    for doc in english:
        article = next(a for a in stored if a.id == doc or Path(a.origin).as_posix().endswith("/" + doc))
        texts[doc] = article.text
    golds: dict[str, list[Gold]] = {doc: [] for doc in texts}
    taken: set[tuple[str, int]] = set()
    for q in gold["quotes"]:
        text = texts[q["doc"]]
        at = text.find(q["text"])
        while (q["doc"], at) in taken:
            at = text.find(q["text"], at + 1)
        taken.add((q["doc"], at))
        names = variants.get(q["speaker"], {q["speaker"]}) if q["speaker"] else None
        golds[q["doc"]].append(Gold(at, at + len(q["text"]), q["kind"], names, nameable=names is not None))
    return texts, golds


def strip_name(name: str) -> str:
    name = re.sub(r"^(the|The)\s+", "", name.strip())
    return re.sub(r"['’]s$", "", name)


def demo_speaker(text: str, gold: Gold, quote: Quote) -> str:
    """right / wrong / unknown, as the issue defines them."""
    named = text[quote.speaker_start : quote.speaker_end] if quote.speaker_start is not None else None
    if gold.speakers is None:
        return "right" if named is None else "wrong"
    if named is None:
        return "unknown"
    named = strip_name(named)
    words = {w for name in gold.speakers for w in name.split()}
    return "right" if named in gold.speakers or set(named.split()) <= words else "wrong"


# ---- PolNeAR -------------------------------------------------------------------------------------------


def polnear_articles(split: str) -> list[tuple[str, str, Path]]:
    """(name, text, chosen .ann file) for each article of a split."""
    out = []
    for text_file in sorted((POLNEAR / split / "text").glob("*.txt")):
        anns = sorted((POLNEAR / split / "attributions").glob(text_file.stem + "_*.ann"))
        anns = [a for a in anns if re.fullmatch(re.escape(text_file.stem) + r"_[0-9a-f]+", a.stem)]
        if anns:
            out.append((text_file.stem, text_file.read_text(encoding="utf-8"), anns[0]))
    return out


def polnear_golds(text: str, ann: Path) -> list[Gold]:
    """One Gold per Content fragment of each attribution (a quote split by "he said" is two fragments)."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for line in ann.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            label, _, offsets = parts[1].partition(" ")
            spans[parts[0]] = [(int(a), int(b)) for a, b in (o.split() for o in offsets.split(";"))]
            spans[parts[0] + ":label"] = [(0, 0)] if label in ("Content", "Source", "Cue") else []
    golds = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        if not line.startswith("E"):
            continue
        roles = dict(arg.split(":") for arg in line.split("\t")[1].split())
        if "Content" not in roles:
            continue
        source = spans.get(roles.get("Source", ""), [])
        source_span = (source[0][0], source[-1][1]) if source else None
        for start, end in spans[roles["Content"]]:
            fragment = text[start:end]
            kind = "quoted" if any(ch in fragment for ch in '"“”') else "indirect"
            names = {text[source_span[0] : source_span[1]]} if source_span else None
            golds.append(Gold(start, end, kind, names, source_span))
    return golds


STOP = frozenset({"the", "a", "an", "and", "of", "his", "her", "their", "its"})


def polnear_speaker(text: str, gold: Gold, quote: Quote) -> str:
    """right when our speaker overlaps the Source span, shares its head word, or is the phrase the Source
    opens with; PolNeAR links no pronoun to a name, so "he" = "he" counts as right there (pronoun
    resolution is scored on the demo)."""
    if gold.source is None:
        return "no source"
    if quote.speaker is None:
        return "unknown"
    if quote.speaker_start is not None and quote.speaker_start < gold.source[1] and gold.source[0] < quote.speaker_end:
        return "right"
    source_words = re.findall(r"\w+", text[gold.source[0] : gold.source[1]].lower())
    phrase = re.findall(r"\w+", quote.speaker.lower())
    if phrase and source_words[: len(phrase)] == phrase and any(w not in STOP for w in phrase):
        return "right"  # the same phrase, the gold's post-modifier left off ("leaders [who have ...]")
    ours = set(phrase)
    if quote.speaker_start is not None:
        ours |= set(re.findall(r"\w+", text[quote.speaker_start : quote.speaker_end].lower()))
    return "right" if source_words and source_words[-1] in ours else "wrong"


NAMED_LABELS = frozenset({"PERSON", "ORG", "GPE"})


def mark_nameable(text: str, golds: list[Gold], doc: Doc) -> None:
    """A PolNeAR Source a reader can name: a name (its last word is in a PERSON, ORG or GPE of the parse:
    "Representative Bill McCollum", "a spokeswoman for Trump hotels, Jennifer Rodstrom"), a name with an
    apposition ("Mr. Stumpf, who ..."), or "he"/"she", whom a reader takes for the person the article
    names; not a description holding a name ("Trump's campaign"). Demo golds are marked already."""
    names = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in NAMED_LABELS]
    for gold in golds:
        if gold.source is None:
            continue
        a, b = gold.source
        source = text[a:b].rstrip(" ,.;:")
        b = a + len(source)
        last = a + max(source.rfind(" "), 0)
        appos = any(s <= a + 4 and a < e and text[e : e + 1] == "," for s, e in names)
        gold.nameable = source.strip().lower() in ("he", "she") or appos or any(s < b and last < e for s, e in names)


# ---- running -------------------------------------------------------------------------------------------


def run(texts: dict[str, str], golds: dict[str, list[Gold]], speaker_ok: Callable[[str, Gold, Quote], str]) -> Tally:
    from storyline.analyze.nlp import load_nlp
    from storyline.analyze.quotes import find_quotes

    nlp = load_nlp()
    tally = Tally()
    names = list(texts)
    docs = list(nlp.pipe([texts[n] for n in names], batch_size=16))
    for name, doc in zip(names, docs, strict=True):
        mark_nameable(texts[name], golds[name], doc)
    started = time.perf_counter()
    found = [find_quotes(doc, name) for name, doc in zip(names, docs, strict=True)]
    tally.seconds = time.perf_counter() - started
    tally.words = sum(sum(not t.is_punct and not t.is_space for t in doc) for doc in docs)
    for name, quotes in zip(names, found, strict=True):
        score_doc(texts[name], golds[name], quotes, tally, speaker_ok)
    return tally


def span_rows(tally: Tally, kinds: list[tuple[str, list[str]]]) -> list[list[str]]:
    """Rows: kind, gold, predicted, exact P/R/F1, overlap P/R/F1 (predicted kinds pooled per row)."""
    c = tally.counts
    rows = []
    for label, pred_kinds in kinds:
        gold_kinds = [label] if label != "all" else sorted({k[5:] for k in c if k.startswith("gold ")})
        gold = sum(c[f"gold {k}"] for k in gold_kinds)
        pred = sum(c[f"pred {k}"] for k in pred_kinds)
        ex = prf(sum(c[f"exact pred {k}"] for k in pred_kinds), pred, sum(c[f"exact {k}"] for k in gold_kinds), gold)
        ov = prf(
            sum(c[f"overlap pred {k}"] for k in pred_kinds), pred, sum(c[f"overlap {k}"] for k in gold_kinds), gold
        )
        rows.append([label, str(gold), str(pred), *(f"{v:.3f}" for v in ex), *(f"{v:.3f}" for v in ov)])
    return rows


def speaker_rows(tally: Tally, gold_kinds: list[str]) -> list[list[str]]:
    c = tally.counts
    rows = []
    for kind in gold_kinds:
        right, wrong, unknown = (c[f"speaker {v} {kind}"] for v in ("right", "wrong", "unknown"))
        found = right + wrong + unknown
        total = found + c[f"speaker missed {kind}"]
        p = right / (right + wrong) if right + wrong else 0.0
        r = right / total if total else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        acc = right / found if found else 0.0
        rate = wrong / total if total else 0.0
        counts = [str(n) for n in (total, found, right, wrong, unknown)]
        rows.append([kind, *counts, *(f"{v:.3f}" for v in (p, r, f, acc, rate))])
    return rows


def table(title: str, columns: list[str], rows: list[list[str]]) -> str:
    lines = [f"**{title}**", "", "| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


SPAN_COLUMNS = [
    "gold kind",
    "gold",
    "predicted",
    "exact P",
    "exact R",
    "exact F1",
    "overlap P",
    "overlap R",
    "overlap F1",
]
SPEAKER_COLUMNS = ["gold kind", "gold", "found", "right", "wrong person", "unknown", "speaker P", "speaker R",
                   "speaker F1", "accuracy (found)", "wrong / gold"]  # fmt: skip


def demo_section() -> str:
    texts, golds = demo_golds()
    tally = run(texts, golds, demo_speaker)
    c = tally.counts
    direct_gold = c["gold direct"]
    right, wrong = c["speaker right direct"], c["speaker wrong direct"]
    out = [f"### Demo gold ({len(texts)} English articles, {sum(len(g) for g in golds.values())} gold quotes)", ""]
    kinds = [(k, [k]) for k in ("direct", "indirect", "partial")] + [("all", ["direct", "indirect", "partial"])]
    out.append(table("spans by kind (a gold quote matched one-to-one by overlap; exact after trimming marks)",
                     SPAN_COLUMNS, span_rows(tally, kinds)))  # fmt: skip
    out.append(
        table("speakers of matched quotes", SPEAKER_COLUMNS, speaker_rows(tally, ["direct", "indirect", "partial"]))
    )
    out.append(table("speaker confidence: accuracy per band (all matched quotes)", BAND_COLUMNS, band_rows(tally)))
    out.append(table("unknown speakers", UNKNOWN_COLUMNS, unknown_rows(tally, ["direct", "indirect", "partial"])))
    out.append(
        f"- issue floors on direct quotes: speaker accuracy {right / direct_gold:.3f} (>= 0.90) and wrong person "
        f"{wrong / direct_gold:.3f} (< 0.05), over all {direct_gold} gold direct quotes.\n"
        f"- speed: find_quotes alone {tally.words / tally.seconds:,.0f} words/s ({tally.words:,} words, "
        f"{tally.seconds:.2f} s, parse excluded).\n"
    )
    return "\n".join(out)


def polnear_section(split: str) -> str:
    articles = polnear_articles(split)
    texts = {name: text for name, text, _ in articles}
    golds = {name: polnear_golds(text, ann) for name, text, ann in articles}
    tally = run(texts, golds, polnear_speaker)
    kinds = [("quoted", ["direct", "partial"]), ("indirect", ["indirect"]), ("all", ["direct", "indirect", "partial"])]
    out = [
        f"### PolNeAR {split} ({len(articles)} articles, {sum(len(g) for g in golds.values())} Content fragments)",
        "",
    ]
    out.append(table("spans (gold Content fragments; 'quoted' = fragment holds a quote mark; P pools our kinds)",
                     SPAN_COLUMNS, span_rows(tally, kinds)))  # fmt: skip
    out.append(
        table("speakers of matched quotes (gold Source)", SPEAKER_COLUMNS, speaker_rows(tally, ["quoted", "indirect"]))
    )
    out.append(table("speaker confidence: accuracy per band (all matched quotes)", BAND_COLUMNS, band_rows(tally)))
    out.append(table("unknown speakers", UNKNOWN_COLUMNS, unknown_rows(tally, ["quoted", "indirect"])))
    out.append(targets(tally, split))
    out.append(f"- speed: find_quotes alone {tally.words / tally.seconds:,.0f} words/s ({tally.words:,} words).\n")
    return "\n".join(out)


# The same figures on main before issue 14 (commit dd0ce38), before the second round of it (52a0624) and
# before its third round, on speakers (d7f5290), scored by this script, to read progress by.
BEFORE = {
    "dd0ce38": {
        "dev": {"quoted F1": 0.859, "indirect R": 0.229, "all F1": 0.563, "quoted speaker R": 0.746},
        "test": {"quoted F1": 0.870, "indirect R": 0.213, "all F1": 0.579, "quoted speaker R": 0.762},
    },
    "52a0624": {
        "dev": {"quoted F1": 0.906, "indirect R": 0.365, "indirect P": 0.887, "all F1": 0.663,
                "quoted speaker R": 0.822},
        "test": {"quoted F1": 0.906, "indirect R": 0.334, "indirect P": 0.897, "all F1": 0.664,
                 "quoted speaker R": 0.826},
    },
    "d7f5290": {
        "dev": {"quoted F1": 0.910, "indirect R": 0.453, "indirect P": 0.924, "all F1": 0.719,
                "quoted speaker R": 0.832, "unknown, ours": 0.325, "unknown, nameable": 0.117},
        "test": {"quoted F1": 0.907, "indirect R": 0.415, "indirect P": 0.905, "all F1": 0.708,
                 "quoted speaker R": 0.828, "unknown, ours": 0.349, "unknown, nameable": 0.133},
    },
}  # fmt: skip


def targets(tally: Tally, split: str) -> str:
    """The issue-14 lines: quoted-fragment overlap F1, indirect recall and overlap precision, as defined in
    notes(), beside the figures of main before issue 14 and before its second round."""
    c = tally.counts
    ours = ("direct", "partial")
    quoted = prf(sum(c[f"overlap pred {k}"] for k in ours), sum(c[f"pred {k}"] for k in ours), c["overlap quoted"],
                 c["gold quoted"])  # fmt: skip
    indirect = c["overlap indirect"] / c["gold indirect"] if c["gold indirect"] else 0.0
    indirect_p = c["overlap pred indirect"] / c["pred indirect"] if c["pred indirect"] else 0.0
    kinds = ("direct", "partial", "indirect")
    everything = prf(sum(c[f"overlap pred {k}"] for k in kinds), sum(c[f"pred {k}"] for k in kinds),
                     c["overlap quoted"] + c["overlap indirect"], c["gold quoted"] + c["gold indirect"])  # fmt: skip
    speaker_r = c["speaker right quoted"] / (c["gold quoted"] - c["speaker no source quoted"] or 1)
    ours = sum(c[f"pred {k}"] for k in kinds)
    unknown = sum(c[f"unnamed {k}"] for k in kinds) / ours if ours else 0.0
    nameable = c["nameable quoted"] + c["nameable indirect"]
    unknown_named = (c["nameable unknown quoted"] + c["nameable unknown indirect"]) / nameable if nameable else 0.0
    now = {"quoted F1": quoted[2], "indirect R": indirect, "indirect P": indirect_p, "all F1": everything[2],
           "quoted speaker R": speaker_r, "unknown, ours": unknown, "unknown, nameable": unknown_named}  # fmt: skip
    rows = [
        [name, *(f"{BEFORE[c_][split][name]:.3f}" if name in BEFORE[c_].get(split, {}) else "" for c_ in BEFORE),
         f"{value:.3f}"]
        for name, value in now.items()
    ]  # fmt: skip
    return (
        f"- issue 14 targets: quoted-fragment overlap F1 **{quoted[2]:.3f}** (>= 0.90; P {quoted[0]:.3f}, "
        f"R {quoted[1]:.3f}); indirect recall **{indirect:.3f}** (>= 0.40; {c['overlap indirect']} of "
        f"{c['gold indirect']}) at indirect overlap precision **{indirect_p:.3f}** (~0.85 or better).\n\n"
        + table(
            "issue 14: main before it, before its second and third rounds, and now",
            ["figure", *(f"before ({c_})" for c_ in BEFORE), "now"],
            rows,
        )
    )


def notes() -> str:
    return "\n".join(
        [
            "- anchors (published, not re-run here): " + "; ".join(ANCHORS) + ".",
            "- PolNeAR annotates every attribution (beliefs, 'according to', intentions, reports without speech "
            "verbs, noun-phrase contents such as 'criticized the deal'), by one annotator per article here (the "
            "annotator id that sorts first where there are several). Our rules report speech, stated beliefs and "
            "findings ('believes that', 'a study found that'), 'according to', speech acts and stated intentions "
            "('promised to', 'plans to', 'called for'), the noun-phrase object of reporting verbs and of verbs that "
            "take a stand ('denied the allegations', 'criticized the deal', not a person addressed or attacked), "
            "'called X Y', headlines signed by a source ('..., Doctor Says.') or opened by one ('Pence: ...') and "
            "paragraphs after 'X added:'; a reported clause inside another is left to the outer one, as PolNeAR "
            "gives each word one attribution. Its Content spans include "
            "'that' and the marks: exact matching trims both. Its Source is the words in the sentence (a pronoun "
            "stays a pronoun), so a speaker is right when ours overlaps it, shares its last word, or is the phrase "
            "it opens with (ours 'Central European leaders', gold 'Central European leaders who have ...').",
            "- speaker confidence: the Quote's speaker_confidence, from how the speaker was found (named subject "
            "of the cue 0.9; a role noun resolved to its one holder 0.75; the writer for 'I' 0.7; a pronoun "
            "resolved 0.6; a definite organization noun resolved to the organization just named 0.55; a "
            "pronoun with no subject in reach given the one person of its gender named near it, or the last "
            "speaker 0.5; a floating quote 0.5; a description naming no one 0.4; a pronoun left unresolved "
            "0.25; 0.1 off with no reporting verb; 0 for none). The band table's accuracy is PolNeAR's speaker "
            "check, which takes a pronoun or description as right when it is the Source's words: it measures "
            "whether the phrase is the source, not whether a resolved name is the right person (the demo's "
            "check, which does).",
            "- demo speaker: right when the named mention we point at is the gold speaker, one of its variants, or "
            "part of its name; for a gold speaker of null, right when we name no one; 'unknown' = we name no one.",
            "- unknown speakers: 'ours' = our quotes naming no one (no speaker, or only a pronoun or a description "
            "such as 'the mayor' or 'officials'; many of these the text itself never names: 'a senior official', "
            "'the report'); 'speaker nameable' = matched gold quotes whose speaker a reader can name (demo: a "
            "gold speaker that is not null; PolNeAR: a Source that is a name by the parse, a name with an "
            "apposition, or he/she), of which we leave the share given unnamed. 'unknown, ours' and 'unknown, "
            "nameable' in the issue-14 table pool all kinds.",
            "- speaker P = right / (right + wrong); R and 'wrong / gold' are over all gold quotes of the kind "
            "(missed quotes count against R); accuracy = right / matched quotes.",
            "- quoted-fragment overlap F1 (issue 14) = the 'quoted' row's overlap F1: recall over the gold Content "
            'fragments that hold a double quote mark (" “ ”), each matched one-to-one to the unused quote of ours '
            "(any kind) it overlaps most, by at least one character; precision over our direct and partial quotes. "
            "Indirect recall (issue 14) = the 'indirect' row's overlap R: the share of gold Content fragments "
            "without such a mark that overlap one of our quotes (any kind), matched the same way. Fragments of "
            "newspaper archives that quote with '' ... '' count as 'indirect' here, as they did before; "
            "storyline reads those marks as quotes.",
        ]
    )


def record(body: str, command: str) -> None:
    """Replace (or append) this script's section of docs/benchmarks.md, re-reading it just before."""
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    block = (
        f"{MARK_BEGIN} (written by `bench/quotes.py --record`; edit the script, not this block) -->\n"
        f"## Quotes (bench/quotes.py)\n\nRecorded {stamp} with `{command}`.\n\n{body}\n{MARK_END}\n"
    )
    current = DOCS.read_text(encoding="utf-8")
    if MARK_BEGIN in current and MARK_END in current:
        before = current[: current.index(MARK_BEGIN)]
        after = current[current.index(MARK_END) + len(MARK_END) :].lstrip("\n")
        updated = before + block + ("\n" + after if after else "")
    else:
        updated = current.rstrip("\n") + "\n\n" + block
    DOCS.write_text(updated, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help="write the results into docs/benchmarks.md")
    parser.add_argument("--split", choices=("dev", "test", "both"), default="both", help="PolNeAR split(s)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    parts = [demo_section()]
    if (POLNEAR / "dev").is_dir():
        for split in ("dev", "test") if args.split == "both" else (args.split,):
            parts.append(polnear_section(split))
    else:
        parts.append(f"### PolNeAR\n\nSkipped: {POLNEAR} is absent.\n")
    parts.append(notes())
    body = "\n".join(parts)
    print(body)
    if args.record:
        record(body, "python bench/quotes.py" + (f" --split {args.split}" if args.split != "both" else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
