"""Summary and timeline defects on the demo and DUC 2006 corpora. Run from the project root:

    .venv/bin/python bench/summary_check.py [--db STORE ...] [--skip-duc] [--show N] [--record]

Reads every event and story summary and timeline of a store and counts what a reader would not sign:

- heading: a list or section heading ("Olympians dropped before arrival in Sydney:"), a line in capitals;
- fragment: no finite verb (spaCy's tags: VBD, VBZ, VBP or MD), "Ben Johnson flunking a test.";
- dateline, wire code ("&HT;", "$ADV21", "NYT-"), byline ("By Jane Doe", "Associated Press Writer"),
  photo credit ("(AP Photo/...)", "Photo: ...", "Getty Images");
- headline: the sentence repeats the headline of an article it cites;
- dangling: a sentence opening with a pronoun or "this"/"these" whose referent is not in the summary (the
  summary sentence before it is not the sentence before it in its article);
- quote interior: a sentence from inside a quoted passage (its paragraph has an open quotation before it)
  shown without its speaker (no "said"/"says"/"told"... in it);
- quote twice: one quoted passage (four words or more) in two sentences of one summary;
- timeline repeat: one sentence (or one sentence's words) under two entries of a timeline.

The demo is run through every stage in a temporary store; DUC 2006 (``../shared/bench/mds-duc2006``,
research use only, read at run time) is clustered and summarized in a copy of bench/stories.py's cached
analyzed store (built on first use). ``--db`` checks any store instead. ``--record`` writes the table into
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import duc  # noqa: E402
from common import Section, Table, fmt, machine, print_sections, record  # noqa: E402

import storyline  # noqa: E402
from storyline.model import Citation, Sentence, SummarySentence, TimelineEntry  # noqa: E402
from storyline.stories.summarize import DATELINE  # noqa: E402

DEMO = ROOT / "data" / "demo" / "articles"
KINDS = (
    "heading",
    "fragment",
    "dateline",
    "wire code",
    "byline",
    "photo credit",
    "headline",
    "dangling",
    "quote interior",
    "quote twice",
    "timeline repeat",
)
_WIRE = re.compile(
    r"&[A-Za-z]{2,};|\$ADV\d*|\bNYT\d*-|\(AP\)|\(Reuters\)|\bAP-\w+|^\W*(?:UNDATED|BC-)|\b[A-Z]{2,}-[A-Z]{2,}-"
)
_BYLINE = re.compile(
    r"^By\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,3}\s*(?:$|,|\n)|"
    r"\b(?:Associated Press|Staff|Special to|Contributing)\s+Writer\b|^\W*[A-Z][a-z]+\s+[A-Z][a-z]+\s*/\s*[A-Z]",
)
_CREDIT = re.compile(
    r"\((?:AP|Reuters|AFP|Getty)\s+Photo|\bPhoto(?:graph)?s?\s*(?:by|:|credit)|\bGetty Images\b|"
    r"^\W*Image(?:s)?\s*(?:by|:|credit)|\bfile photo\b",
    re.IGNORECASE,
)
_OPENERS = frozenset("he she it they him her his its their them this these those such".split())
_SPEECH = re.compile(
    r"\b(?:said|says|say|told|tells|added|adds|asked|asks|according to|stated|declared|wrote|writes|"
    r"insisted|argued|explained|warned|noted|recalled|acknowledged|replied)\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”|``(.+?)\'\'')


def norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


@dataclass
class Tally:
    """Defects of one corpus: counts per kind, the sentences checked, and a few examples per kind."""

    sentences: int = 0
    entries: int = 0
    summary: Counter[str] = field(default_factory=Counter)
    timeline: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def flag(self, kind: str, text: str, where: Counter[str]) -> None:
        where[kind] += 1
        self.examples.setdefault(kind, []).append(text)


class Checker:
    """The checks, over one open store."""

    def __init__(self, ws: storyline.Workspace) -> None:
        self.ws = ws
        from storyline.analyze.nlp import load_nlp

        self.nlp = load_nlp()
        self._texts: dict[str, str] = {}
        self._titles: dict[str, str] = {}

    def finite(self, texts: Sequence[str]) -> list[bool]:
        """Whether each text has a finite verb: a past or present tense or a modal, a verb with a subject (the
        small tagger reads "warplanes bombed" as a participle), or an imperative."""
        return [
            any(
                t.tag_ in ("VBD", "VBZ", "VBP", "MD")
                or (t.pos_ in ("VERB", "AUX") and any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in t.children))
                or (t.dep_ == "ROOT" and t.tag_ == "VB")
                for t in doc
            )
            for doc in self.nlp.pipe(texts, disable=["ner", "lemmatizer"])
        ]

    def _article(self, article_id: str) -> str:
        if article_id not in self._texts:
            found = self.ws.store._con.execute(
                "SELECT coalesce(title, ''), text FROM articles WHERE id = ?", [article_id]
            ).fetchone()
            self._titles[article_id], self._texts[article_id] = found if found else ("", "")
        return self._texts[article_id]

    def _sentence(self, c: Citation) -> Sentence | None:
        return self.ws.store.sentences_of([c.article_id]).get((c.article_id, c.sentence))

    def inside_quote(self, c: Citation) -> bool:
        """Whether the cited sentence starts inside a quotation opened earlier in its paragraph."""
        s = self._sentence(c)
        if s is None:
            return False
        text = self._article(c.article_id)
        start = text.rfind("\n", 0, s.start) + 1
        before = text[start : s.start]
        return before.count('"') % 2 == 1 or before.count("“") > before.count("”")

    def check_summary(self, summary: Sequence[SummarySentence], tally: Tally) -> None:
        statements = [s for s in summary if s.kind == "statement"]
        tally.sentences += len(statements)
        finite = self.finite([s.text for s in statements])
        quotes: dict[str, str] = {}
        previous: Citation | None = None
        for s, has_verb in zip(statements, finite, strict=True):
            text = s.text.strip()
            for kind in self.line_defects(text, s.citations):
                tally.flag(kind, text, tally.summary)
            if not has_verb:
                tally.flag("fragment", text, tally.summary)
            first = next(iter(re.sub(r"^\W+", "", text).split(maxsplit=1)), "").casefold().strip(",.;:")
            cited = s.citations[0] if s.citations else None
            if first in _OPENERS and not (
                previous is not None
                and cited is not None
                and any(
                    c.article_id == previous.article_id and c.sentence == previous.sentence + 1 for c in s.citations
                )
            ):
                tally.flag("dangling", text, tally.summary)
            if cited is not None and not _SPEECH.search(text) and any(self.inside_quote(c) for c in s.citations[:1]):
                tally.flag("quote interior", text, tally.summary)
            for m in _QUOTED.finditer(text):
                quoted = norm(m.group(m.lastindex or 0))
                if len(quoted.split()) < 4:
                    continue
                if any(quoted in q or q in quoted for q in quotes):
                    tally.flag("quote twice", text, tally.summary)
                    break
                quotes[quoted] = text
            previous = cited

    def line_defects(self, text: str, citations: Iterable[Citation]) -> list[str]:
        """The defects a line shows by itself (not the fragment check, which needs the parser)."""
        found = []
        words = re.findall(r"[A-Za-z]+", text)
        if text.rstrip().endswith(":") or (words and sum(w.isupper() and len(w) > 1 for w in words) > 0.6 * len(words)):
            found.append("heading")
        if DATELINE.match(text):
            found.append("dateline")
        if _WIRE.search(text):
            found.append("wire code")
        if _BYLINE.search(text):
            found.append("byline")
        if _CREDIT.search(text):
            found.append("photo credit")
        mine = norm(text)
        for c in citations:
            self._article(c.article_id)
            title = norm(self._titles.get(c.article_id, ""))
            if title and (mine == title or (len(title.split()) >= 4 and mine.startswith(title))):
                found.append("headline")
                break
        return found

    def check_timeline(self, entries: Sequence[TimelineEntry], tally: Tally) -> None:
        tally.entries += len(entries)
        seen: set[str] = set()
        cited: set[tuple[str, int]] = set()
        for e in entries:
            text = e.text.strip()
            for kind in self.line_defects(text, e.citations):
                if kind != "headline":
                    tally.flag(kind, text, tally.timeline)
            key = norm(text)
            keys = {(c.article_id, c.sentence) for c in e.citations}
            if key in seen or keys & cited:
                tally.flag("timeline repeat", text, tally.timeline)
            seen.add(key)
            cited |= keys


def check(ws: storyline.Workspace) -> Tally:
    """Every event and story summary and timeline of ``ws``."""
    checker = Checker(ws)
    tally = Tally()
    owners = [*ws.events(), *ws.stories(limit=None)]
    for owner in owners:
        checker.check_summary(owner.summary, tally)
        checker.check_timeline(owner.timeline, tally)
    return tally


def demo_tally() -> Tally:
    with tempfile.TemporaryDirectory() as tmp, storyline.open(Path(tmp) / "demo.duckdb") as ws:
        ws.run(DEMO)
        return check(ws)


def duc_tally() -> Tally:
    from stories import analyzed_store

    store = analyzed_store("duc2006", lambda: [d.record() for d in duc.documents()])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "duc.duckdb"
        shutil.copyfile(store, path)
        with storyline.open(path) as ws:
            ws.cluster()
            return check(ws)


def table(tallies: dict[str, Tally]) -> Table:
    columns = ["defect"]
    for name in tallies:
        columns += [f"{name} summary", f"{name} timeline"]
    out = Table("Defects (summary: sentences; timeline: entries)", columns)
    for kind in KINDS:
        row = [kind]
        for t in tallies.values():
            row += [str(t.summary[kind]), str(t.timeline[kind])]
        out.rows.append(row)
    total = ["all"]
    checked = ["checked"]
    share = ["share of checked"]
    for t in tallies.values():
        s, e = sum(t.summary.values()), sum(t.timeline.values())
        total += [str(s), str(e)]
        checked += [str(t.sentences), str(t.entries)]
        share += [f"{fmt(100 * s / max(t.sentences, 1), 2)}%", f"{fmt(100 * e / max(t.entries, 1), 2)}%"]
    out.rows += [total, checked, share]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db", type=Path, action="append", help="check this store instead of the demo and DUC 2006 (repeatable)"
    )
    parser.add_argument("--skip-duc", action="store_true", help="the demo only")
    parser.add_argument("--show", type=int, default=0, help="print up to N examples of each defect")
    parser.add_argument("--record", action="store_true", help="write the results into docs/benchmarks.md")
    args = parser.parse_args()
    header = f"Machine: {machine(('spacy',))}. Date: {time.strftime('%Y-%m-%d')}."
    tallies: dict[str, Tally] = {}
    clock = time.perf_counter()
    if args.db:
        for db in args.db:
            with storyline.open(db, read_only=True) as ws:
                tallies[db.stem] = check(ws)
    else:
        tallies["demo"] = demo_tally()
        if duc.available() and not args.skip_duc:
            tallies["DUC 2006"] = duc_tally()
    notes = [
        "Each summary sentence counts once per defect it shows; 'share of checked' is defects over sentences "
        "(a sentence with two defects counts twice). Summaries are every event's and story's.",
        f"Run time {time.perf_counter() - clock:.0f} s"
        + (f" (stores given: {', '.join(str(d) for d in args.db)})." if args.db else " (mostly summarizing DUC)."),
        "The fragment check uses spaCy's small model (en_core_web_sm): on 50 DUC flags read by hand about a third "
        "were whole sentences it mistagged ('Home schoolers own computers', 'bone rubs against bone').",
    ]
    section = Section("Summary and timeline defects", [table(tallies)], notes)
    print_sections([section], header)
    for name, t in tallies.items():
        for kind, texts in sorted(t.examples.items()):
            for text in texts[: args.show]:
                print(f"[{name}] {kind}: {text}")
    if args.record:
        record([section], header, "bench/summary_check.py", "Summary defects")
        print("recorded in docs/benchmarks.md")


if __name__ == "__main__":
    main()
