"""The story stage: reprints, events and stories on the demo gold, order independence, citations, reports."""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

import storyline
from storyline.cli import app
from storyline.report import build, render
from storyline.stories.timeline import date_key
from tests.conftest import DEMO, demo_article

GOLD = json.loads((DEMO / "gold.json").read_text(encoding="utf-8"))


def pairwise_f1(pred: dict[str, str], gold: dict[str, str]) -> float:
    ids = sorted(set(pred) & set(gold))
    tp = fp = fn = 0
    for a, b in itertools.combinations(ids, 2):
        same_pred, same_gold = pred[a] == pred[b], gold[a] == gold[b]
        tp += same_pred and same_gold
        fp += same_pred and not same_gold
        fn += same_gold and not same_pred
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def partition(groups: Iterable[Iterable[str]]) -> set[frozenset[str]]:
    return {frozenset(g) for g in groups}


@pytest.fixture(scope="module")
def doc_ids(demo_ws: storyline.Workspace) -> dict[str, str]:
    """Stored article id -> gold doc."""
    return {demo_article(demo_ws, a["doc"]).id: a["doc"] for a in GOLD["articles"]}


@pytest.mark.slow
def test_demo_events_match_the_gold(demo_ws: storyline.Workspace, doc_ids: dict[str, str]) -> None:
    gold = {a["doc"]: a["event"] for a in GOLD["articles"] if a.get("event")}
    ours = {doc_ids[a]: e.id for e in demo_ws.events() for a in e.article_ids}
    assert pairwise_f1(ours, gold) >= 0.95


@pytest.mark.slow
def test_demo_stories_join_events_years_apart(demo_ws: storyline.Workspace, doc_ids: dict[str, str]) -> None:
    """Every gold story is recovered: the two Trump-Kim summits, the two Netanyahu-Putin meetings, the two
    Biden-Xi meetings, the two climate conferences (no delegate in common: linked by topic), both stages
    of the takeover review; and no two gold stories share one of ours."""
    story_of = {doc_ids[a]: s.id for s in demo_ws.stories(limit=None) for a in s.article_ids}
    events = {e["id"]: e for e in GOLD["events"]}
    for first, second in (("E1", "E2"), ("E3", "E4"), ("E5", "E6"), ("E7", "E8"), ("E9", "E10")):
        assert story_of[events[first]["docs"][0]] == story_of[events[second]["docs"][0]], (first, second)
    assert story_of[events["E5"]["docs"][0]] != story_of[events["E11"]["docs"][0]]  # same week, other story
    gold = {a["doc"]: a["story"] for a in GOLD["articles"] if a.get("story")}
    assert partition(_groups(story_of)) == partition(_groups(gold))


def _groups(label_of: dict[str, str]) -> list[list[str]]:
    found: dict[str, list[str]] = {}
    for item, label in label_of.items():
        found.setdefault(label, []).append(item)
    return list(found.values())


@pytest.mark.slow
def test_a_story_is_named_after_its_most_covered_event(demo_ws: storyline.Workspace) -> None:
    events = {e.id: e for e in demo_ws.events()}
    for story in demo_ws.stories(limit=None):
        mine = [events[e] for e in story.event_ids]
        best = max(mine, key=lambda e: (e.independent, len(e.article_ids), -mine.index(e)))
        assert story.title == best.title, story.id
    singapore = next(s for s in demo_ws.stories(limit=None) if "Singapore" in s.title)
    assert len(singapore.event_ids) == 2  # the Trump-Kim story, named after its first summit (most sources)


@pytest.mark.slow
def test_demo_reprint_groups_are_exact(demo_ws: storyline.Workspace, doc_ids: dict[str, str]) -> None:
    groups: dict[str, set[str]] = {}
    for copy, original in demo_ws.reprints().items():
        groups.setdefault(doc_ids[original], {doc_ids[original]}).add(doc_ids[copy])
    assert partition(groups.values()) == partition(GOLD["reprint_groups"])
    for group in GOLD["reprint_groups"]:  # the original is the earliest member
        when = {a["doc"]: datetime.fromisoformat(a["published"]) for a in GOLD["articles"]}
        published = {d: when[d] for d in group}
        assert min(group, key=lambda d: published[d]) in groups


@pytest.mark.slow
def test_reprints_count_as_one_independent_source(demo_ws: storyline.Workspace) -> None:
    for story in demo_ws.stories(limit=None):
        copies = sum(1 for a in story.article_ids if a in demo_ws.reprints())
        assert story.independent <= len(story.article_ids) - copies


@pytest.mark.slow
def test_every_citation_resolves_to_a_stored_sentence(demo_ws: storyline.Workspace) -> None:
    owners = [*demo_ws.stories(limit=None), *demo_ws.events()]
    assert owners and all(o.summary for o in owners)
    for owner in owners:
        sentences = demo_ws.store.sentences_of(list(owner.article_ids))
        for line in [*owner.summary, *owner.timeline]:
            assert line.citations, line
            for c in line.citations:
                assert (c.article_id, c.sentence) in sentences, (owner.id, c)
                assert c.article_id in owner.article_ids


@pytest.mark.slow
def test_only_the_sentences_a_summary_can_choose_are_embedded(demo_ws: storyline.Workspace) -> None:
    """Each original article gets vectors for exactly the sentences ``summarize.embedded`` picks (never one
    that begins inside a quotation); each summary statement is one of them (or cites a paraphrase of one)."""
    from storyline.stories.stage import embed_sentences
    from storyline.stories.summarize import embedded, quote_interiors

    con = demo_ws.store._con
    stored = {(a, i) for a, i in con.execute("SELECT article_id, idx FROM sentence_vectors").fetchall()}
    copies = demo_ws.reprints()
    ids = [r[0] for r in con.execute("SELECT id FROM articles").fetchall() if r[0] not in copies]
    sentences = demo_ws.store.sentences_of(ids)
    for a in ids:
        keys = sorted(k for k in sentences if k[0] == a)
        texts = [sentences[key].text for key in keys]
        breaks = [k == 0 or sentences[key].start - sentences[keys[k - 1]].end >= 2 for k, key in enumerate(keys)]
        expected = {keys[k] for k in embedded(texts, quote_interiors(texts, breaks))}
        assert {k for k in stored if k[0] == a} == expected, a
        assert not any(quote_interiors(texts, breaks)[k] for k in embedded(texts, quote_interiors(texts, breaks))), a
    assert embed_sentences(demo_ws.store, ids) == 0  # each sentence is embedded once
    for owner in [*demo_ws.stories(limit=None), *demo_ws.events()]:
        for line in owner.summary:
            if line.kind == "statement":
                assert (line.citations[0].article_id, line.citations[0].sentence) in stored, (owner.id, line)


@pytest.mark.slow
def test_timelines_are_sorted_and_dated(demo_ws: storyline.Workspace) -> None:
    for story in demo_ws.stories(limit=None):
        dates = [date_key(e.date) for e in story.timeline]
        assert dates == sorted(dates)
    timeline = demo_ws.timeline("Kim Jong Un")
    assert timeline.entries and any(e.date.startswith("2018-06-1") for e in timeline.entries)
    assert sum(n for _, n in timeline.volume) == len(demo_ws.entity("Kim Jong Un").article_ids)


@pytest.mark.slow
def test_clustering_does_not_depend_on_arrival_order_or_batches(demo_ws: storyline.Workspace, tmp_path: Path) -> None:
    """Ingesting the demo in three shuffled parts, clustering after each, gives the one-go result."""
    files = sorted(p for p in (DEMO / "articles").rglob("*") if p.is_file())
    random.Random(5).shuffle(files)
    with storyline.open(tmp_path / "parts.duckdb") as ws:
        for part in (files[:9], files[9:20], files[20:]):
            ws.ingest(*part)
            ws.analyze()
            ws.cluster(summaries=False)
        again = ws.cluster(summaries=False)
        assert again.clustered == 0 and again.embedded == 0
        parted = (
            partition(e.article_ids for e in ws.events()),
            partition(s.article_ids for s in ws.stories(limit=None)),
        )
    one_go = (
        partition(e.article_ids for e in demo_ws.events()),
        partition(s.article_ids for s in demo_ws.stories(limit=None)),
    )
    assert parted == one_go


@pytest.mark.slow
def test_reports_render_and_escape_content(demo_ws: storyline.Workspace) -> None:
    story = demo_ws.stories(limit=1)[0]
    report = build(demo_ws, story.id)
    md = render(report, "md")
    assert md.startswith(f"# {story.title}") and "## Sources" in md and "[1]" in md
    page = render(report, "html")
    assert "<script" not in page.lower() and 'id="src-1"' in page
    data = json.loads(render(report, "json"))
    assert data["id"] == story.id and data["summary"] and data["sentences"]


def test_html_report_escapes_hostile_articles(ws: storyline.Workspace) -> None:
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    ws.ingest_records(
        [
            {
                "id": f"x{i}",
                "title": f"Mayor {hostile} opens the bridge",
                "url": "javascript:alert(3)",
                "source": f"Outlet {i}",
                "published": f"2024-03-0{i + 1}T10:00:00Z",
                "text": f'Mayor Ana Ruiz opened the new river bridge on Monday. {hostile} She said: "It is {hostile} '
                'a great day for the city." The bridge cost 40 million euros and took three years to build.',
            }
            for i in range(2)
        ]
    )
    ws.analyze()
    ws.cluster()
    page = render(build(ws, ws.stories(limit=1)[0].id), "html")
    assert "<script>" not in page and "onerror=alert" not in page.replace("onerror=alert(2)&gt;", "")
    assert "javascript:" not in page


def test_cli_stories_story_and_timeline(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.duckdb")
    runner = CliRunner()
    records = tmp_path / "in.jsonl"
    records.write_text(
        "\n".join(
            json.dumps(
                {
                    "id": f"b{i}",
                    "title": f"Port strike enters day {i + 2}",
                    "source": f"Outlet {i}",
                    "published": f"2024-05-1{i}T08:00:00Z",
                    "text": "Dock workers in Rotterdam stayed off the job on Tuesday as the strike over pay entered "
                    "its second week, union leader Marta de Vries said. Talks will resume next week.",
                }
            )
            for i in range(3)
        ),
        encoding="utf-8",
    )
    assert runner.invoke(app, ["--db", db, "run", str(records)]).exit_code == 0
    listed = runner.invoke(app, ["--db", db, "stories", "--json"])
    assert listed.exit_code == 0
    story = json.loads(listed.stdout.splitlines()[0])
    assert set(story["article_ids"]) == {"b0", "b1", "b2"}
    for fmt in ("md", "html", "json"):
        shown = runner.invoke(app, ["--db", db, "story", story["id"], "--format", fmt])
        assert shown.exit_code == 0 and "Port strike" in shown.stdout
    timeline = runner.invoke(app, ["--db", db, "timeline", story["id"], "--json"])
    assert timeline.exit_code == 0 and json.loads(timeline.stdout)["volume"]
    assert runner.invoke(app, ["--db", db, "story", "nope"]).exit_code != 0


@pytest.mark.parametrize(
    ("value", "first_day"),
    [("2023-W49", "2023-12-04"), ("2024-11", "2024-11-01"), ("201", "2010-01-01"), ("2018-Q2", "2018-04-01"),
     ("2010/2014", "2010-01-01"), ("2018-06-12T14:00", "2018-06-12"), ("2024", "2024-01-01")],
)  # fmt: skip
def test_timeline_dates_sort_by_the_first_day_they_cover(value: str, first_day: str) -> None:
    assert date_key(value) == first_day


def test_a_sentence_is_listed_once_in_a_timeline() -> None:
    from storyline.model import Granularity, Sentence, TimeExpression
    from storyline.stories import timeline

    text = "Morrison testified on Tuesday about the July 25 call with the Ukrainian president."
    sentence = Sentence("a1", 0, 0, len(text), text)
    july, tuesday = text.index("July"), text.index("Tuesday")
    times = [
        TimeExpression("a1", july, july + 7, "July 25", "2019-07-25", Granularity.DAY),
        TimeExpression("a1", tuesday, tuesday + 7, "Tuesday", "2019-11-19", Granularity.DAY),
    ]
    entries = timeline.build(times, {("a1", 0): sentence}, {})
    assert [(e.date, e.text) for e in entries] == [("2019-11-19", text)]


def test_a_timeline_lists_one_wording_once_and_no_lead_ins() -> None:
    from storyline.model import Granularity, Sentence, TimeExpression
    from storyline.stories import timeline

    line = "Sports stories will have an arrival time of 9:30 p.m. on Monday."
    lead_in = "The education department report released on Monday showed:"
    sentences = {("a1", 0): Sentence("a1", 0, 0, len(line), line), ("a2", 0): Sentence("a2", 0, 0, len(line), line)}
    sentences["a3", 0] = Sentence("a3", 0, 0, len(lead_in), lead_in)
    times = [
        TimeExpression("a1", line.index("Monday"), line.index("Monday") + 6, "Monday", "1999-03-01", Granularity.DAY),
        TimeExpression("a2", line.index("Monday"), line.index("Monday") + 6, "Monday", "1999-03-08", Granularity.DAY),
        TimeExpression(
            "a3", lead_in.index("Monday"), lead_in.index("Monday") + 6, "Monday", "1999-03-01", Granularity.DAY
        ),
    ]
    entries = timeline.build(times, sentences, {})
    assert [e.text for e in entries] == [line]
