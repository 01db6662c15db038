"""Analysis speed: words/s of `storyline analyze` beside bare spaCy `nlp.pipe` on the same texts.

    .venv/bin/python bench/analyze.py [--docs 400] [--record]

The texts are DUC 2006 newswire articles read at run time from ../shared/bench/mds-duc2006 (never copied
into the project); without them, the demo corpus repeated. For 1 and 2 processes: bare spaCy (the stock
model alone), then storyline's whole analysis stage (read from the store, parse, names, titles, quotes,
dates, write back, link entities). Our overhead is the ratio of the two, less one.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import duc
from common import ROOT, Section, Table, fmt, machine, print_sections, record

import storyline
from storyline.analyze.nlp import load_bare, load_nlp


def corpus(docs: int) -> tuple[list[dict[str, str]], str]:
    if duc.available():
        return [d.record() for d in duc.documents(limit=docs)], f"{docs} DUC 2006 newswire articles"
    demo = [json.loads(line) for path in sorted((ROOT / "data/demo/articles/jsonl").glob("*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines()]  # fmt: skip
    copies = [dict(r, id=f"{r['id']}-{i}") for i in range(max(1, docs // len(demo))) for r in demo]
    return copies, f"{len(copies)} demo records (DUC 2006 not found)"


def bare_spacy(texts: list[str], processes: int) -> float:
    nlp = load_bare()  # the stock pipeline (same model, same components), none of storyline's changes
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32, n_process=processes):
        pass
    return time.perf_counter() - start


def storyline_analyze(records: list[dict[str, str]], processes: int) -> tuple[float, storyline.AnalyzeReport]:
    with (
        tempfile.TemporaryDirectory() as tmp,
        storyline.open(Path(tmp) / "bench.duckdb", analysis_processes=processes) as ws,
    ):
        ws.ingest_records(records)
        start = time.perf_counter()
        report = ws.analyze()
        seconds = time.perf_counter() - start
        ws.close()
        return seconds, report


def measure(records: list[dict[str, str]], texts: list[str], words: int) -> Table:
    table = Table("analysis speed", ["processes", "bare spaCy words/s", "storyline words/s", "time ratio", "overhead"])
    load_nlp()  # loading the model is not part of either measurement
    for processes in (1, 2):
        spacy_seconds = bare_spacy(texts, processes)
        ours, report = storyline_analyze(records, processes)
        ratio = ours / spacy_seconds
        table.rows.append([str(processes), fmt(words / spacy_seconds, 0), fmt(report.words / ours, 0),
                           f"{ratio:.2f}", f"{(ratio - 1) * 100:+.0f}%"])  # fmt: skip
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=400, help="articles to analyze (default 400)")
    parser.add_argument("--record", action="store_true", help="write the results into docs/benchmarks.md")
    args = parser.parse_args()
    records, what = corpus(args.docs)
    texts = [r["text"] for r in records]
    words = sum(len(t.split()) for t in texts)
    section = Section(f"{what}, {words:,} words")
    section.tables.append(measure(records, texts, words))
    section.notes.append("words are whitespace-separated tokens; the model is loaded before timing starts")
    section.notes.append("storyline's time includes reading and writing the store and linking entities")
    header = (
        f"Recorded {datetime.now().astimezone():%Y-%m-%d %H:%M %Z} with `python bench/analyze.py --docs {args.docs}`."
        f"\n\nMachine: {machine(('spacy', 'duckdb'))}."
    )
    print_sections([section], header)
    if args.record:
        record([section], header, "bench/analyze.py", "Analysis speed")


if __name__ == "__main__":
    main()
