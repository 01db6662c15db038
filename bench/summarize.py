"""Multi-document summary benchmark on DUC 2006. Run from the project root:

    .venv/bin/python bench/summarize.py [--record] [--sets N]

For each of the 50 DUC 2006 document sets, 250-word summaries from the same sentences (storyline's spaCy
sentence splitter over every document) by: storyline generic and query-focused (the topic's title and
narrative as the query), LexRank and TextRank from ``sumy``, and a lead baseline (the first sentences of
the most recent document, as NIST's baseline 1). Each is scored with bench/rouge.py (ROUGE-1, ROUGE-2,
ROUGE-SU4 recall and F, jackknifed over the 4 references, DUC's settings) against NISTeval/ROUGE/models,
read at run time from ../shared/bench/mds-duc2006 (research use only: never copied into the project).

The same ROUGE code scores NIST's own peer summaries of the baseline (id 1) and the best system (id 24)
beside the official ROUGE-1.5.5 figures, to calibrate it. Sentences and their vectors are cached under
bench/out/. ``--record`` writes the results into docs/benchmarks.md, between this script's markers.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import rouge  # noqa: E402
from common import Section, Table, fmt, machine, print_sections, record  # noqa: E402
from duc import DUC, documents  # noqa: E402

from storyline.stories.summarize import Unit, summarize  # noqa: E402

NIST = DUC / "NISTeval" / "ROUGE"
OUT = ROOT / "bench" / "out"
WORDS = 250
# Official ROUGE-1.5.5 recall from NISTeval/ROUGE/*.jk.m.avg and rougejk.m.out (see SOURCE.md).
OFFICIAL = {"1": {"ROUGE-1": 0.30217, "ROUGE-2": 0.04947, "ROUGE-SU4": 0.09788},
            "24": {"ROUGE-1": 0.40980, "ROUGE-2": 0.09505, "ROUGE-SU4": 0.15464}}  # fmt: skip


@dataclass
class Docset:
    name: str  # D0601A
    query: str
    units: list[Unit]
    vectors: np.ndarray
    models: list[str]


def topics() -> dict[str, str]:
    """Topic id -> its title and narrative, the query."""
    raw = (DUC / "duc2006_topics.sgml").read_text(encoding="utf-8", errors="replace")
    found = {}
    for block in re.findall(r"<topic>(.*?)</topic>", raw, re.DOTALL):
        num = re.search(r"<num>(.*?)</num>", block, re.DOTALL)[1].strip()  # type: ignore[index]
        title = re.search(r"<title>(.*?)</title>", block, re.DOTALL)[1]  # type: ignore[index]
        narr = re.search(r"<narr>(.*?)</narr>", block, re.DOTALL)[1]  # type: ignore[index]
        found[num] = " ".join(f"{title.strip()}. {narr.strip()}".split())
    return found


def sentences() -> list[dict]:
    """Every document's sentences (spaCy, per paragraph), cached in bench/out/duc2006_sentences.json."""
    cache = OUT / "duc2006_sentences.json"
    if cache.is_file():
        return json.loads(cache.read_text())
    from storyline.analyze.nlp import load_nlp

    nlp = load_nlp()
    rows = []
    for doc in documents():
        index = 0
        for paragraph in doc.text.split("\n\n"):
            for sent in nlp(paragraph).sents:
                text = " ".join(sent.text.split())
                if text:
                    rows.append({"docset": doc.docset, "doc": doc.id, "published": doc.published, "index": index,
                                 "text": text})  # fmt: skip
                    index += 1
    OUT.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(rows))
    return rows


def vectors(texts: Sequence[str], name: str) -> np.ndarray:
    """Embeddings of ``texts`` (cached by name and count)."""
    cache = OUT / f"{name}.{len(texts)}.npy"
    if cache.is_file():
        return np.load(cache)
    from storyline.analyze.embed import embedder

    found = embedder().encode(list(texts))
    OUT.mkdir(parents=True, exist_ok=True)
    np.save(cache, found)
    return found


def docsets(limit: int | None = None) -> list[Docset]:
    rows = sentences()
    matrix = vectors([r["text"] for r in rows], "duc2006_vectors")
    queries = topics()
    query_vectors = dict(zip(queries, vectors(list(queries.values()), "duc2006_queries"), strict=True))
    models: dict[str, list[str]] = {}
    for path in sorted(NIST.glob("models/*")):
        models.setdefault(path.name[:5], []).append(path.read_text(encoding="utf-8", errors="replace"))
    by_set: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_set.setdefault(row["docset"], []).append(i)
    found = []
    for name in sorted(by_set)[:limit]:
        units = []
        for i in by_set[name]:
            r = rows[i]
            published = datetime.fromisoformat(r["published"]) if r["published"] else None
            units.append(Unit(r["doc"], r["index"], r["text"], published, r["index"], r["doc"][:3], r["doc"]))
        docset = Docset(name, queries[name], units, matrix[by_set[name]], models[name[:5]])
        docset.query_vector = query_vectors[name]  # type: ignore[attr-defined]
        found.append(docset)
    return found


# ---- systems -------------------------------------------------------------------------------------------


def _fill(order: Sequence[int], units: Sequence[Unit], words: int = WORDS) -> str:
    """Sentences in ``order`` until the next would pass ``words`` (then that one, cut; ROUGE truncates)."""
    chosen, total = [], 0
    for i in order:
        chosen.append(units[i].text)
        total += len(units[i].text.split())
        if total >= words:
            break
    return "\n".join(chosen)


def lead(d: Docset) -> str:
    """NIST's baseline: the leading sentences of the most recent document."""
    latest = max(d.units, key=lambda u: (u.published or datetime.min, u.article_id)).article_id
    return _fill([i for i, u in enumerate(d.units) if u.article_id == latest], d.units)


def _sumy(d: Docset, algorithm: str) -> str:
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    class Tokenizer:  # offline: sumy's own tokenizer needs nltk's punkt data
        language = "english"

        @staticmethod
        def to_words(text: str) -> tuple[str, ...]:
            return tuple(re.findall(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?", text))

        def to_sentences(self, text: str) -> tuple[str, ...]:
            return (text,)

    tokenizer = Tokenizer()
    paragraphs = {}
    for u in d.units:
        paragraphs.setdefault(u.article_id, []).append(Sentence(u.text, tokenizer))
    document = ObjectDocumentModel(tuple(Paragraph(s) for s in paragraphs.values()))
    cls = LexRankSummarizer if algorithm == "lexrank" else TextRankSummarizer
    summarizer = cls(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    ranked = summarizer(document, len(d.units))  # every sentence, in document order; rank them ourselves
    rating = summarizer.rate_sentences(document) if hasattr(summarizer, "rate_sentences") else None
    texts = [u.text for u in d.units]
    if rating is None:
        order = [texts.index(str(s)) for s in ranked]
    else:
        by_text = {str(s): score for s, score in rating.items()}
        order = sorted(range(len(texts)), key=lambda i: -by_text.get(texts[i], 0.0))
    return _fill(order, d.units)


def lexrank(d: Docset) -> str:
    return _sumy(d, "lexrank")


def textrank(d: Docset) -> str:
    return _sumy(d, "textrank")


def ours(d: Docset) -> str:
    summary = summarize(d.units, d.vectors, max_words=WORDS)
    return "\n".join(s.text for s in summary if s.kind == "statement")


def ours_query(d: Docset) -> str:
    summary = summarize(d.units, d.vectors, max_words=WORDS, query=d.query,
                        query_vector=d.query_vector)  # type: ignore[attr-defined]  # fmt: skip
    return "\n".join(s.text for s in summary if s.kind == "statement")


SYSTEMS: dict[str, Callable[[Docset], str]] = {
    "storyline, query-focused": ours_query,
    "storyline, generic": ours,
    "LexRank (sumy)": lexrank,
    "TextRank (sumy)": textrank,
    "lead (most recent document)": lead,
}


def run(sets: list[Docset], systems: dict[str, Callable[[Docset], str]]) -> dict[str, dict]:
    """Per system: mean scores over ``sets`` (and per half: even / odd docsets), seconds per docset."""
    results = {}
    for name, system in systems.items():
        per_set, seconds = {}, []
        for d in sets:
            start = time.perf_counter()
            text = system(d)
            seconds.append(time.perf_counter() - start)
            per_set[d.name] = rouge.score(text, d.models, words=WORDS)
        results[name] = {"per_set": per_set, "seconds": statistics.mean(seconds)}
    return results


def mean(per_set: dict[str, dict[str, rouge.Score]], metric: str, field: str, names: Sequence[str]) -> float:
    return statistics.mean(getattr(per_set[n][metric], field) for n in names)


def calibration(names: Sequence[str]) -> Table:
    table = Table("Calibration: bench/rouge.py on NIST's own peer summaries vs official ROUGE-1.5.5 (recall)",
                  ["peer", "metric", "official", "ours (as submitted)", "ours (-l 250)", "difference"])  # fmt: skip
    for peer in ("1", "24"):
        for metric in rouge.METRICS:
            scores = {}
            for words in (None, WORDS):
                values = []
                for name in names:
                    topic = next(NIST.glob(f"peers/{name[:5]}.M.250.*.{peer}"))
                    models = [p.read_text(errors="replace") for p in sorted(NIST.glob(f"models/{name[:5]}.*"))]
                    values.append(rouge.score(topic.read_text(errors="replace"), models, words=words)[metric].recall)
                scores[words] = statistics.mean(values)
            label = "NIST baseline (1)" if peer == "1" else "best system (24)"
            official = OFFICIAL[peer][metric]
            table.rows.append([label, metric, f"{official:.4f}", f"{scores[None]:.4f}", f"{scores[WORDS]:.4f}",
                               f"{scores[None] - official:+.4f}"])  # fmt: skip
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help="write the results into docs/benchmarks.md")
    parser.add_argument("--sets", type=int, default=None, help="only the first N docsets (a quick look)")
    parser.add_argument("--systems", default=None, help="comma-separated subset of system names (prefixes)")
    args = parser.parse_args(argv)
    header = f"Machine: {machine(('numpy', 'onnxruntime', 'sumy', 'nltk'))}."
    if not (DUC / "duc2006_docs").is_dir():
        section = Section("DUC 2006", skipped=f"{DUC} is absent")
        print_sections([section], header)
        return 0
    sets = docsets(args.sets)
    names = [d.name for d in sets]
    tune, held = names[0::2], names[1::2]
    systems = SYSTEMS
    if args.systems:
        wanted = [w.strip().lower() for w in args.systems.split(",")]
        systems = {k: v for k, v in SYSTEMS.items() if any(k.lower().startswith(w) for w in wanted)}
    results = run(sets, systems)
    columns = ["system", "R-1 R", "R-2 R", "R-SU4 R", "R-1 F", "R-2 F", "R-SU4 F", "R-2 R (tune half)",
               "R-2 R (held-out half)", "s / docset"]  # fmt: skip
    table = Table(f"DUC 2006, {len(sets)} docsets, 250 words, jackknifed recall (R) and F", columns)
    for name, result in results.items():
        per = result["per_set"]
        row = [name] + [f"{mean(per, m, 'recall', names):.4f}" for m in rouge.METRICS]
        row += [f"{mean(per, m, 'f', names):.4f}" for m in rouge.METRICS]
        row += [f"{mean(per, 'ROUGE-2', 'recall', tune):.4f}", f"{mean(per, 'ROUGE-2', 'recall', held):.4f}"]
        table.rows.append([*row, fmt(result["seconds"], 3)])
    table.rows.append(["anchor: best DUC 2006 system (24), official", "0.4098", "0.0951", "0.1546", "", "", "", "",
                       "", ""])  # fmt: skip
    table.rows.append(["anchor: NIST baseline (1), official", "0.3022", "0.0495", "0.0979", "", "", "", "", "", ""])
    sections = [Section("DUC 2006 multi-document summaries", [table, calibration(names)], notes=NOTES)]
    print_sections(sections, header)
    if args.record:
        record(sections, header, "bench/summarize.py", "Multi-document summaries")
    return 0


NOTES = [
    "Every system summarizes the same sentences: storyline's spaCy splitter over each document's paragraphs. "
    "Summaries are filled sentence by sentence up to 250 words (baselines may pass 250; ROUGE cuts at 250 "
    "words, -l 250). storyline's own summaries stay within 250 words and are scored without their "
    "'sources differ' notes (a storyline addition that is not part of a DUC summary).",
    "Query-focused = the topic's title and narrative as the query (text and MiniLM vector). Generic = no query. "
    "DUC 2006 is a query-focused task: the anchors are query-focused systems.",
    "Tuning: storyline's few weights were set on the even-numbered docsets (tune half) and are reported on the "
    "odd ones too (held-out half); LexRank/TextRank run with sumy's defaults (English stop words, Snowball "
    "stemmer), ranked by sumy's sentence scores.",
    "ROUGE: bench/rouge.py, written for this benchmark (nltk's Porter stemmer in original-algorithm mode, "
    "words of more than 3 letters; no stopword removal; ROUGE-2 and SU4 with skip gap 4 plus unigrams; "
    "pooled counts over references, -f A; jackknifed over the 4 references). The calibration table scores "
    "NIST's own peer files: 'as submitted' matches how NIST ran ROUGE-1.5.5 in 2006 (no -l: the summaries "
    "had been cut beforehand), '-l 250' is how this benchmark scores every system.",
    "Timing: seconds per docset for the summarizer alone (sentence splitting and embedding are done once "
    "beforehand and cached; about 1,000 sentences per docset).",
]


if __name__ == "__main__":
    raise SystemExit(main())
