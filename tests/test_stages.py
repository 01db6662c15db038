"""Stages declared once (issue 13): the table, stage keys in stored results and in runs, and a store that
knows no stage (it imports nothing from analyze/ or stories/, and no SQL is written outside it)."""

from __future__ import annotations

import ast
import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import pytest

import storyline
from storyline import stages
from storyline.analyze.document import ANALYSIS_VERSION
from storyline.store.stories import EntityCount
from storyline.stories.stage import main_entities
from tests.conftest import ROOT, story

SRC = ROOT / "src" / "storyline"
SQL = re.compile(r"\b(?:SELECT|INSERT INTO|DELETE FROM|UPDATE \w+ SET|CREATE TABLE|ALTER TABLE)\b")


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def test_the_store_imports_nothing_from_analysis_or_the_story_stage() -> None:
    for path in sorted((SRC / "store").glob("*.py")):
        bad = {
            m for m in _imports(path) if m.startswith(("storyline.analyze", "storyline.stories", "storyline.stages"))
        }
        assert not bad, f"{path.name} imports {sorted(bad)}"


def test_no_sql_outside_the_store() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if (SRC / "store") in path.parents:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SQL.search(line):
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_importing_the_store_loads_no_model() -> None:
    code = "import sys, storyline.store; print(sorted(m for m in ('spacy', 'onnxruntime') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_the_table_is_in_order_and_every_stage_runs() -> None:
    names = [s.name for s in stages.STAGES]
    assert len(set(names)) == len(names)
    for position, s in enumerate(stages.STAGES):
        assert set(s.needs) <= set(names[:position]), f"{s.name} needs a later stage"
        assert s.scope in ("input", "article", "corpus")
        assert s.name in stages.STEPS or s.scope == "input"
        for setting in s.settings:
            assert hasattr(storyline.Settings(), setting), setting
    assert set(stages.ANALYSIS + stages.STORY) == set(stages.STEPS)


def test_a_key_changes_with_its_version_its_settings_and_what_it_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    base = storyline.Settings()
    summary, place = stages.key("summarize", base), stages.key("place", base)
    assert stages.key("summarize", dataclasses.replace(base, summary_words=80)) != summary
    assert stages.key("summarize", dataclasses.replace(base, event_threshold=0.7)) == summary
    assert stages.key("place", dataclasses.replace(base, event_threshold=0.7)) != place
    _bump(monkeypatch, "features")
    assert stages.key("place", base) != place  # placements made on other features are stale
    assert stages.key("summarize", base) == summary


def test_main_entities_rank_by_articles_then_actors_then_mentions() -> None:
    counts = [
        EntityCount("s1", "e-place", 3, 9, ("GPE",)),
        EntityCount("s1", "e-person", 3, 4, ("PERSON",)),
        EntityCount("s1", "e-org", 5, 5, ("ORG",)),
        EntityCount("s1", "e-b", 1, 1, ("GPE",)),
        EntityCount("s1", "e-a", 1, 1, ("GPE",)),
        EntityCount("s2", "e-x", 1, 1, ("NORP",)),
    ]
    ranked = main_entities(counts, limit=4)
    assert ranked == {"s1": ("e-org", "e-person", "e-place", "e-a"), "s2": ("e-x",)}


def _bump(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """A new version of one stage, as a changed constant of its code would bump it."""
    table = tuple(dataclasses.replace(s, version=s.version + "+next") if s.name == name else s for s in stages.STAGES)
    monkeypatch.setattr(stages, "STAGES", table)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four short articles run through every stage once (copied by each test that changes it)."""
    db = tmp_path_factory.mktemp("stages") / "small.duckdb"
    with storyline.open(db) as ws:
        records = [
            {"id": f"a{n}", "title": f"Ceasefire talks, round {n + 1}", "text": story(n), "source": f"s{n}.example",
             "published": f"2024-03-0{n + 1}T10:00:00Z"}
            for n in range(4)
        ]  # fmt: skip
        ws.ingest_records(records)
        ws.run()
        ws.store._con.execute("CHECKPOINT")
    return db


def _copy(db: Path, to: Path) -> Path:
    to.write_bytes(db.read_bytes())
    return to


def test_a_new_summarizer_version_rewrites_the_summaries_and_nothing_else(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with storyline.open(_copy(small, tmp_path / "s.duckdb")) as ws:
        owners = len(ws.events()) + len(ws.stories(limit=None))
        assert not ws.pending()
        again = ws.cluster()
        assert (again.embedded, again.clustered, again.summarized) == (0, 0, 0)  # unchanged: nothing redone
        before = dict(ws.store.fingerprints())
        _bump(monkeypatch, "summarize")
        assert ws.pending()
        report = ws.cluster()
        assert (report.embedded, report.clustered) == (0, 0)
        assert report.summarized == owners
        after = ws.store.fingerprints()
        assert after.keys() == before.keys() and all(after[o] != before[o] for o in after)
        assert not ws.pending()
        assert ws.cluster().summarized == 0
        config = ws.store.runs("cluster")[-1]["config"]
        assert config["stages"]["summarize"] == stages.stage("summarize").version
        assert config["settings"]["summary_words"] == ws.settings.summary_words


def test_a_changed_threshold_places_again_without_embedding_again(small: Path, tmp_path: Path) -> None:
    db = _copy(small, tmp_path / "t.duckdb")
    with storyline.open(db, event_threshold=0.9) as ws:
        assert ws.pending()
        articles = ws.count()
        report = ws.cluster()
        assert report.embedded == 0 and report.clustered == articles
        assert not ws.pending()
        assert ws.store.runs("cluster")[-1]["config"]["settings"]["event_threshold"] == 0.9


def test_articles_analyzed_by_an_older_analysis_are_pending(small: Path, tmp_path: Path) -> None:
    with storyline.open(_copy(small, tmp_path / "a.duckdb")) as ws:
        assert not ws.pending()
        ws.store._con.execute("UPDATE analyses SET version = ? WHERE article_id = 'a0'", [ANALYSIS_VERSION - 1])
        assert ws.pending()
        analyzed, _ = ws.update()
        assert analyzed.analyzed == 1
        assert not ws.pending()


def test_a_changed_reprint_or_story_threshold_is_pending_and_redone(small: Path, tmp_path: Path) -> None:
    db = _copy(small, tmp_path / "r.duckdb")
    with storyline.open(db) as ws:
        bands = ws.store._con.execute("SELECT count(*) FROM lsh_bands").fetchone()
        assert ws.store.runs("ingest")[-1]["config"]["stages"] == {"ingest": "1"}
    with storyline.open(db, story_threshold=0.9) as ws:
        assert ws.pending()
        assert ws.cluster().clustered == 0  # the online pass is not replayed for a story threshold
        assert not ws.pending()
    with storyline.open(db, story_threshold=0.9, reprint_threshold=0.8) as ws:
        assert ws.pending()
        ws.cluster()
        assert not ws.pending()
        rebuilt = ws.store._con.execute("SELECT count(*) FROM lsh_bands").fetchone()
        assert rebuilt != bands  # indexed again with the bands of the new threshold


def test_a_changed_summarizer_constant_rewrites_the_summaries(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.stories import summarize

    with storyline.open(_copy(small, tmp_path / "c.duckdb")) as ws:
        owners = len(ws.events()) + len(ws.stories(limit=None))
        assert ws.cluster().summarized == 0
        monkeypatch.setattr(summarize, "REDUNDANT", summarize.REDUNDANT - 0.05)  # a retuned weight, no version bump
        assert ws.pending()
        report = ws.cluster()
        assert (report.embedded, report.clustered, report.summarized) == (0, 0, owners)
        assert ws.cluster().summarized == 0
