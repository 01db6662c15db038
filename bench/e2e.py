"""The whole job on real articles: `storyline run` from an empty store, then an incremental run, beside bare spaCy.

    .venv/bin/python bench/e2e.py [--docs 1250] [--scale 10000 --scale 100000] [--record]

What a user does, measured as a user pays for it: the DUC 2006 newswire articles (read at run time from
../shared/bench/mds-duc2006, never copied) are stored, analyzed and clustered into events and stories with
summaries and timelines, in a child process whose whole process tree (spaCy workers included) is sampled for
resident memory. The oldest 90% by publication date go in first; the newest 10% are then added to the same
store, as a newsroom's next batch would be. The reference is bare spaCy ``nlp.pipe`` (the same model and
components, 2 processes) over the same texts, timed in the same run.

``--scale N`` repeats the first run on N articles built from the DUC and HTML-benchmark texts: each synthetic
article takes a DUC headline and date and 3 to 12 paragraphs drawn, with a fixed seed, from the articles of
the same DUC document set, so topics stay coherent and stories can form; the texts are rebuilt in memory at
run time, never written into the project.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import duc
from common import Section, Table, fmt, machine, print_sections, record

CHILD = r"""
import json, sys, time
import storyline

class Clock:
    '''A Progress that notes when each labelled step starts.'''
    def __init__(self):
        self.marks = []
        self.walls = []
    def start(self, total, description):
        self.marks.append((description, time.perf_counter()))
        self.walls.append((description, time.time()))
    def advance(self, amount):
        pass

db, path = sys.argv[1], sys.argv[2]
records = [json.loads(line) for line in open(path, encoding="utf-8")]
with storyline.open(db) as ws:
    walls = [("ingest", time.time())]
    t0 = time.perf_counter()
    report = ws.ingest_records(records)
    t1 = time.perf_counter()
    walls.append(("analyze", time.time()))
    analysis = ws.analyze()
    t2 = time.perf_counter()
    clock = Clock()
    ws.cluster(clock)
    t3 = time.perf_counter()
    walls += clock.walls + [("end", time.time())]
    steps = {}
    marks = clock.marks + [("end", t3)]
    for (label, begin), (_, end) in zip(marks, marks[1:]):
        steps[label] = steps.get(label, 0.0) + end - begin
    print(json.dumps({
        "ingest": t1 - t0, "analyze": t2 - t1, "stories": t3 - t2, "steps": steps, "walls": walls,
        "ingested": len(report.ingested), "words": analysis.words, "articles": ws.count(),
    }))
"""

BARE = r"""
import sys, time
from storyline.analyze.nlp import load_bare
texts = open(sys.argv[1], encoding="utf-8").read().split("\x1e")
nlp = load_bare()
start = time.perf_counter()
for _ in nlp.pipe(texts, batch_size=32, n_process=2):
    pass
print(time.perf_counter() - start)
"""


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, KiB."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


def run_measured(command: list[str], samples: list[tuple[float, int]] | None = None) -> tuple[str, float, float]:
    """(stdout, seconds, peak MiB of the process tree, sampled every 50 ms); ``samples`` gets (time, KiB)."""
    peak = 0
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=os.environ | {"PYTHONUNBUFFERED": "1"})
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            rss = _tree_rss_kib(child.pid)
            peak = max(peak, rss)
            if samples is not None:
                samples.append((time.time(), rss))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = child.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if child.returncode:
        raise SystemExit(f"{command[:3]} failed with exit code {child.returncode}")
    return out, seconds, peak / 1024


def write_jsonl(records: list[dict[str, str]], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for r in records:
            out.write(json.dumps(r) + "\n")
    return path


def synthetic(n: int, seed: int = 7) -> list[dict[str, str]]:
    """N articles recombined from DUC paragraphs of one document set each (see the module docstring)."""
    rng = random.Random(seed)
    docs = duc.documents()
    by_set: dict[str, list[duc.DucDocument]] = {}
    for doc in docs:
        by_set.setdefault(doc.docset, []).append(doc)
    paragraphs = {s: [p for d in ds for p in d.text.split("\n\n") if len(p.split()) > 8] for s, ds in by_set.items()}
    sets = sorted(by_set)
    out = []
    for i in range(n):
        docset = sets[i % len(sets)]
        base = rng.choice(by_set[docset])
        body = rng.sample(paragraphs[docset], min(len(paragraphs[docset]), rng.randint(3, 12)))
        out.append({"id": f"syn-{i}", "title": base.title, "published": base.published,
                    "source": f"Outlet {rng.randint(1, 40)}", "text": "\n\n".join(body)})  # fmt: skip
    return out


def child_run(db: Path, records: list[dict[str, str]], phase: str, tmp: Path) -> dict[str, float]:
    path = write_jsonl(records, tmp / f"{phase}.jsonl")
    samples: list[tuple[float, int]] = []
    out, seconds, peak = run_measured([sys.executable, "-c", CHILD, str(db), str(path)], samples)
    result = json.loads(out.strip().splitlines()[-1])
    result.update(wall=seconds, peak_mib=peak, peaks=phase_peaks(result.pop("walls"), samples))
    return result


def phase_peaks(walls: list[list], samples: list[tuple[float, int]]) -> dict[str, float]:
    """Peak MiB of the process tree during each phase (ingest, analyze, each story step)."""
    peaks: dict[str, float] = {}
    for (label, begin), (_, end) in itertools.pairwise(walls):
        inside = [kib for t, kib in samples if begin <= t <= end]
        peaks[label] = max(peaks.get(label, 0.0), max(inside, default=0) / 1024)
    return peaks


def bare(records: list[dict[str, str]], tmp: Path) -> tuple[float, float]:
    path = tmp / "texts.txt"
    path.write_text("\x1e".join(r["text"] for r in records), encoding="utf-8")
    out, _, peak = run_measured([sys.executable, "-c", BARE, str(path)])
    return float(out.strip().splitlines()[-1]), peak


def rows_for(label: str, result: dict[str, float], bare_seconds: float, words: int) -> list[str]:
    work = result["ingest"] + result["analyze"] + result["stories"]
    return [label, str(int(result["ingested"])), fmt(result["ingest"]), fmt(result["analyze"]),
            fmt(result["stories"]), f"{result['stories'] / work:.0%}", fmt(result["wall"]),
            fmt(words / result["wall"], 0), fmt(result["ingested"] / result["wall"], 1),
            f"{result['wall'] / bare_seconds:.2f}x", fmt(result["peak_mib"], 0)]  # fmt: skip


COLUMNS = ["run", "articles", "ingest s", "analyze s", "story stage s", "story share", "whole run s (wall)",
           "words/s", "articles/s", "vs bare spaCy", "peak MiB (tree)"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1250, help="DUC articles to use (default: all 1,250)")
    parser.add_argument("--scale", type=int, action="append", default=[], help="also run on N synthetic articles")
    parser.add_argument("--record", action="store_true", help="write the results into docs/benchmarks.md")
    args = parser.parse_args()
    if not duc.available():
        raise SystemExit("DUC 2006 not found beside the project (../shared/bench/mds-duc2006)")
    records = [d.record() for d in duc.documents(limit=args.docs)]
    records.sort(key=lambda r: (r["published"], r["id"]))
    cut = len(records) * 9 // 10
    first, later = records[:cut], records[cut:]
    words = sum(len(r["text"].split()) for r in records)
    sections = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        bare_all, bare_peak = bare(records, tmp)
        bare_first, _ = bare(first, tmp)
        bare_later, _ = bare(later, tmp)
        db = tmp / "e2e.duckdb"
        full = child_run(db, first, "first", tmp)
        more = child_run(db, later, "incremental", tmp)
        fresh = child_run(tmp / "all.duckdb", records, "all", tmp)
        words_first = sum(len(r["text"].split()) for r in first)
        words_later = words - words_first
        section = Section(f"DUC 2006: {len(records)} newswire articles, {words:,} words")
        table = Table("storyline run beside bare spaCy nlp.pipe (2 processes) on the same texts", COLUMNS)
        table.rows.append(rows_for("all articles, empty store", fresh, bare_all, words))
        table.rows.append(rows_for("oldest 90%, empty store", full, bare_first, words_first))
        table.rows.append(rows_for("newest 10% added", more, bare_later, words_later))
        table.rows.append(["bare spaCy, all articles", str(len(records)), "", "", "", "", fmt(bare_all),
                           fmt(words / bare_all, 0), fmt(len(records) / bare_all, 1), "1.00x",
                           fmt(bare_peak, 0)])  # fmt: skip
        section.tables.append(table)
        steps = Table("by step, all articles", ["step", "seconds", "peak MiB (tree)"])
        names = {"embed": "embed leads (and reprint groups)", "embed sentences": "embed the sentences a summary "
                 "can choose", "cluster": "events and stories (place, group, write)",
                 "summarize": "summaries and timelines"}  # fmt: skip
        peaks = fresh["peaks"]
        steps.rows = [[label, fmt(fresh[label]), fmt(peaks.get(label, 0.0), 0)] for label in ("ingest", "analyze")]
        steps.rows += [[names.get(label, label), fmt(seconds), fmt(peaks.get(label, 0.0), 0)]
                       for label, seconds in fresh["steps"].items()]  # fmt: skip
        section.tables.append(steps)
        section.notes.append(
            f"incremental: adding the newest 10% took {more['wall'] / full['wall']:.0%} of the first run's time"
        )
        section.notes.append("wall times include starting Python and loading the models; peak memory is the "
                             "resident set of the whole process tree, sampled every 50 ms")  # fmt: skip
        sections.append(section)
        for n in args.scale:
            made = synthetic(n)
            made_words = sum(len(r["text"].split()) for r in made)
            scaled = child_run(tmp / f"scale{n}.duckdb", made, f"scale{n}", tmp)
            section = Section(f"{n:,} synthetic articles from DUC paragraphs, {made_words:,} words")
            bare_n, bare_n_peak = bare(made, tmp)
            table = Table("storyline run beside bare spaCy", COLUMNS)
            table.rows.append(rows_for(f"{n:,} articles, empty store", scaled, bare_n, made_words))
            section.tables.append(table)
            section.notes.append(f"bare spaCy: {bare_n:,.0f} s, peak {bare_n_peak:,.0f} MiB")
            sections.append(section)
    header = (
        f"Recorded {datetime.now().astimezone():%Y-%m-%d %H:%M %Z} with "
        f"`python bench/e2e.py --docs {args.docs}{''.join(f' --scale {n}' for n in args.scale)}`."
        f"\n\nMachine: {machine(('spacy', 'duckdb'))}."
    )
    print_sections(sections, header)
    if args.record:
        record(sections, header, "bench/e2e.py", "End to end on real articles")


if __name__ == "__main__":
    main()
