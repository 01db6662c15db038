"""Scale-out benchmark for the Ray engine (issue 7). Run from the project root:

    .venv/bin/python bench/scale.py [--n 20000] [--shards 40] [--quick] [--record]

Generates a corpus of short articles (sentences from bench/ingest.py's templates) as JSON Lines shards,
then runs the analysis phase of ``storyline run --engine ray`` (read, clean, parse, entities, quotes, dates,
article vectors; Parquet out) on a local Ray instance with 1 and then 2 worker actors, each from scratch.
Wall time includes starting the actors and loading the models in each (a few seconds). Prints articles/s,
words/s and the ratio of 2 workers to 1. ``--record`` writes docs/benchmarks.md between this script's markers.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from common import DOCS, ROOT, Section, Table, fmt, machine, print_sections, record
from ingest import HEADLINES, SENTENCES, SOURCES, fill

SEED = 20261123
QUICK_ARTICLES = 1_000
LEADS = (
    "{City} officials said on {day} that talks with {Person} would resume next week.",
    "{Person}, a spokesman for the ministry, said the plan had been approved on {day}.",
    "The agreement, announced in {City} on {day}, ends a dispute that began in March.",
    '"We are ready to move forward," {Person} told reporters in {City} on {day}.',
    "Prices rose {pct} percent in {City} last month, according to figures released on {day}.",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
CITIES = ("Geneva", "Nairobi", "Lima", "Osaka", "Lyon", "Tallinn", "Accra", "Brisbane")
PEOPLE = ("Maria Okafor", "Jonas Berg", "Ana Lima", "Kenji Sato", "Paul Mercer", "Leila Haddad")


def short_article(index: int, rng: random.Random) -> dict[str, Any]:
    """About 60-120 words: a lead in one of a few shapes, then two or three template sentences."""
    source, domain = rng.choice(SOURCES)
    lead = rng.choice(LEADS)
    for slot, choices in (("{City}", CITIES), ("{Person}", PEOPLE), ("{day}", DAYS)):
        lead = lead.replace(slot, rng.choice(choices))
    lead = lead.replace("{pct}", f"{rng.uniform(0.5, 9):.1f}")
    body = [lead] + [fill(s, rng) for s in rng.sample(SENTENCES, rng.randint(2, 3))]
    when = datetime(2024, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=rng.randint(0, 365 * 24 * 60))
    title = fill(rng.choice(HEADLINES), rng)
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return {
        "id": f"scale-{index:08d}",
        "url": f"https://{domain}/news/{slug}-{index}",
        "title": title,
        "source": source,
        "published": when.isoformat(),
        "text": "\n\n".join(body),
    }


def write_corpus(directory: Path, count: int, shards: int) -> tuple[list[str], int]:
    """``count`` articles in ``shards`` JSON Lines files; returns the paths and the words written."""
    rng = random.Random(SEED)
    paths, words = [], 0
    per = -(-count // shards)
    for shard in range(shards):
        path = directory / f"part-{shard:04d}.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for index in range(shard * per, min(count, (shard + 1) * per)):
                article = short_article(index, rng)
                words += len(article["text"].split())
                handle.write(json.dumps(article) + "\n")
        paths.append(str(path))
    return paths, words


def analysis_phase(paths: list[str], out: Path, workers: int) -> dict[str, Any]:
    """Phase 1 of the Ray engine with ``workers`` actors; wall time, articles and words from the markers."""
    from storyline import distributed
    from storyline.progress import NoProgress
    from storyline.settings import Settings

    shards, _ = distributed.plan(paths)
    started = time.perf_counter()
    distributed.run_shards(shards, out, Settings(), None, workers, None, None, NoProgress(), None)
    seconds = time.perf_counter() - started
    markers = [json.loads((out / distributed.DONE / f"{s.id}.json").read_text()) for s in shards]
    return {
        "seconds": seconds,
        "articles": sum(m["articles"] for m in markers),
        "words": sum(m["words"] for m in markers),
        "busy": sum(m["seconds"] for m in markers),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20_000, help="generated articles (default 20,000)")
    parser.add_argument("--shards", type=int, default=40, help="JSON Lines shards (default 40)")
    parser.add_argument("--quick", action="store_true", help=f"smoke run: {QUICK_ARTICLES} articles")
    parser.add_argument("--record", action="store_true", help="write the results into docs/benchmarks.md")
    args = parser.parse_args()
    count = min(args.n, QUICK_ARTICLES) if args.quick else args.n
    command = "python bench/scale.py" + (" --quick" if args.quick else "") + (f" --n {args.n}" * (args.n != 20_000))
    import ray

    host, clock = machine(("duckdb", "ray", "spacy")), time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    results: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        paths, _ = write_corpus(Path(tmp), count, args.shards)
        for workers in (1, 2):
            results[workers] = analysis_phase(paths, Path(tmp) / f"out-{workers}", workers)
    ray.shutdown()
    base = results[1]["articles"] / results[1]["seconds"]
    table = Table(
        "Analysis phase (read, clean, parse, entities, quotes, dates, vectors; Parquet out)",
        ["workers", "articles", "words", "wall s", "articles/s", "words/s", "vs 1 worker", "busy s per worker"],
    )
    for workers, r in results.items():
        rate = r["articles"] / r["seconds"]
        table.rows.append(
            [
                str(workers),
                f"{r['articles']:,}",
                f"{r['words']:,}",
                fmt(r["seconds"]),
                fmt(rate),
                f"{r['words'] / r['seconds']:,.0f}",
                f"{rate / base:.2f}x",
                fmt(r["busy"] / workers),
            ]
        )
    section = Section(
        "Ray engine: 1 and 2 workers",
        [table],
        [
            f"{count:,} generated short articles in {args.shards} JSON Lines shards; one actor per worker, "
            "each loading spaCy and the embedding model once; a local Ray instance with 2 CPUs.",
            "Busy s per worker: the time the shards took inside the actors, divided by the workers; the rest of "
            "the wall time is starting actors, loading models and the tail of the last shards.",
            "The machine has 2 cores (shared with other work while measuring), so 2 workers is the most it can "
            "gain; see docs/scale.md for the projection to more nodes.",
        ],
    )
    header = (
        f"Recorded {datetime.now().astimezone():%Y-%m-%d %H:%M %Z} with `{command}` "
        f"({time.perf_counter() - clock:.0f} s in all).\n\nMachine: {host}."
    )
    print_sections([section], header)
    if args.record:
        record([section], header, "bench/scale.py", "Scale-out")
        print(f"recorded in {DOCS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
