"""Names on real newswire: the most mentioned people (with their titles), organizations and places of DUC 2006.

    .venv/bin/python bench/names_duc.py [--sets D0605E,D0646A,...] [--people 45] [--others 20] [--record]

No gold exists for this: the tables are for reading by hand (is each "person" a person, each title a title,
one entity per person?). The DUC 2006 articles (``../shared/bench/mds-duc2006``, research use only) are
ingested into a store in bench/out (storyline's own cleaning) and parsed once with analysis's spaCy pipeline;
the parses are kept in bench/out, so a rerun measures only what names work does: ``find_entities`` on every
article and ``canonical.link`` over them all, as ``storyline analyze`` does. Titles are joined to entities
the way the store joins them (a title belongs to the person mention of its article with that name).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import duc
from common import ROOT, Section, Table, fmt, machine, print_sections, record

from storyline.analyze.canonical import link
from storyline.analyze.entities import DocEntities, find_entities
from storyline.analyze.nlp import load_nlp
from storyline.model import NameCount

OUT = ROOT / "bench" / "out"
PLACES = ("GPE", "LOC", "FAC")


def articles(sets: list[str]) -> list[tuple[str, str]]:
    """(id, text) of the DUC articles of ``sets`` (all when empty) as storyline stores them after ingest."""
    import duckdb

    import storyline

    records = [d.record() for d in duc.documents() if not sets or d.docset in sets]
    tag = hashlib.sha1(",".join(sorted(r["id"] for r in records)).encode()).hexdigest()[:10]
    OUT.mkdir(exist_ok=True)
    path = OUT / f"names_duc.{tag}.duckdb"
    done = path.with_suffix(".ingested")
    if not done.exists():
        path.unlink(missing_ok=True)
        with storyline.open(path) as ws:
            ws.ingest_records(records)
        done.touch()
    with duckdb.connect(str(path), read_only=True) as con:
        return [(str(i), str(t)) for i, t in con.execute("SELECT id, text FROM articles ORDER BY id").fetchall()]


def parses(texts: list[tuple[str, str]]) -> list:  # type: ignore[type-arg]
    """The spaCy parses of ``texts``, read from bench/out when this exact input was parsed before."""
    from spacy.tokens import DocBin

    nlp = load_nlp()
    digest = hashlib.sha1()
    for article_id, text in texts:
        digest.update(f"{article_id}\0{text}\0".encode())
    path = OUT / f"names_duc.{digest.hexdigest()[:10]}.spacy"
    if path.exists():
        return list(DocBin().from_disk(path).get_docs(nlp.vocab))
    start = time.perf_counter()
    docs = list(nlp.pipe((t for _, t in texts), batch_size=32))
    print(f"parsed {len(docs)} articles in {time.perf_counter() - start:.0f} s (kept in {path.name})")
    bin_ = DocBin(store_user_data=False)
    for doc in docs:
        bin_.add(doc)
    bin_.to_disk(path)
    return docs


def tables(ids: list[str], found: list[DocEntities], people: int, others: int) -> list[Table]:
    """The most mentioned people with their titles, and organizations and places, after linking."""
    counts: Counter[tuple[str, str]] = Counter()
    in_articles: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
    person_names: set[tuple[str, str]] = set()  # (article, name) of PERSON mentions
    for article_id, entities in zip(ids, found, strict=True):
        for m in entities.mentions:
            counts[(m.type, m.name)] += 1
            in_articles[(m.type, m.name)].add(article_id)
            if m.type == "PERSON":
                person_names.add((article_id, m.name))
    groups = link(NameCount(t, n, c, len(in_articles[(t, n)])) for (t, n), c in counts.items())
    group_of = {(n.type, n.name): g for g in groups for n in g.names}
    titles: defaultdict[int, Counter[str]] = defaultdict(Counter)
    for article_id, entities in zip(ids, found, strict=True):
        for name, title in entities.titles:
            if (article_id, name) in person_names:
                titles[id(group_of[("PERSON", name)])][title.title] += 1

    def rows(selected: list) -> list[list[str]]:  # type: ignore[type-arg]
        """One row per entity: rank, name, type, its other names, titles, mentions and articles."""
        out = []
        for rank, g in enumerate(selected, 1):
            aliases = ", ".join(n.name for n in sorted(g.names, key=lambda n: -n.mentions) if n.name != g.canonical)
            articles = set().union(*(in_articles[(n.type, n.name)] for n in g.names))
            given = "; ".join(f"{t} ({k})" for t, k in titles[id(g)].most_common(3))[:120]
            out.append([str(rank), g.canonical, g.type, aliases[:80], given, str(g.mentions), str(len(articles))])
        return out

    by_type = {
        "PERSON": [g for g in groups if g.type == "PERSON"][:people],
        "ORG": [g for g in groups if g.type == "ORG"][:others],
        "places": [g for g in groups if g.type in PLACES][:others],
        "products": [g for g in groups if g.type == "PRODUCT"][:others],
    }
    columns = ["#", "entity", "type", "other names", "titles (count)", "mentions", "articles"]
    return [
        Table(f"The {people} most mentioned people", columns, rows(by_type["PERSON"]), 5),
        Table(f"The {others} most mentioned organizations", columns, rows(by_type["ORG"]), 5),
        Table(f"The {others} most mentioned places", columns, rows(by_type["places"]), 5),
        Table(f"The {others} most mentioned products", columns, rows(by_type["products"]), 5),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default="", help="comma-separated DUC document sets (default: all 50)")
    parser.add_argument("--people", type=int, default=45, help="people to list (default 45)")
    parser.add_argument("--others", type=int, default=20, help="organizations and places to list (default 20)")
    parser.add_argument("--record", action="store_true", help="write the tables into docs/benchmarks.md")
    args = parser.parse_args()
    if not duc.available():
        print("skipped: ../shared/bench/mds-duc2006 not found")
        return
    sets = [s for s in args.sets.split(",") if s]
    texts = articles(sets)
    docs = parses(texts)
    ids = [i for i, _ in texts]
    start = time.perf_counter()
    found = [find_entities(doc, article_id) for doc, article_id in zip(docs, ids, strict=True)]
    seconds = time.perf_counter() - start
    words = sum(len(doc) for doc in docs)
    section = Section(
        f"DUC 2006: {len(ids)} articles ({'sets ' + ','.join(sets) if sets else 'all 50 sets'}), {words:,} tokens"
    )
    section.tables.extend(tables(ids, found, args.people, args.others))
    section.notes.append(
        f"names (find_entities) {fmt(words / seconds, 0)} tokens/s after the parse (wall clock); "
        "titles: the three most given, each with the number of times an article gives it"
    )
    header = f"Recorded {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}. Machine: {machine(('spacy',))}."
    print_sections([section], header)
    if args.record:
        command = "python bench/names_duc.py" + (f" --sets {args.sets}" if sets else "")
        record([section], f"{header}\n\nCommand: `{command}`.", "bench/names_duc.py", "Names on DUC 2006")


if __name__ == "__main__":
    main()
