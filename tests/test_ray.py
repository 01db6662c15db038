"""The Ray engine (issue 7) in Ray local mode with 2 CPUs: the same answers as the embedded path on the demo
corpus, bad records skipped and reported, a worker killed mid-batch retried, reruns resumed, load + CLI."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import storyline
from storyline import distributed
from storyline.cli import app
from storyline.settings import Settings
from storyline.store import Store
from storyline.stories import cluster
from tests.conftest import DEMO, story

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.slow

# Compared exactly, every column but the clock times of a run; vectors and scores to float tolerance.
EXACT = {
    "articles": "SELECT * EXCLUDE (ingested_at) FROM articles ORDER BY id",
    "removed_lines": "SELECT * FROM removed_lines ORDER BY ALL",
    "analyses": "SELECT article_id, status, reason, version FROM analyses ORDER BY ALL",
    "sentences": "SELECT * FROM sentences ORDER BY ALL",
    "mentions": "SELECT * FROM mentions ORDER BY ALL",
    "titles": "SELECT * FROM titles ORDER BY ALL",
    "quotes": "SELECT * FROM quotes ORDER BY ALL",
    "times": "SELECT * FROM times ORDER BY ALL",
    "actions": "SELECT * FROM actions ORDER BY ALL",
    "entities": "SELECT * FROM entities ORDER BY ALL",
    "entity_names": "SELECT * FROM entity_names ORDER BY ALL",
    "features": "SELECT article_id, t, keys, weights, signature FROM article_features ORDER BY ALL",
    "reprints": "SELECT article_id, original_id FROM reprints ORDER BY ALL",
    "assignments": "SELECT article_id, t, raw_event FROM assignments ORDER BY ALL",
    "events": "SELECT * FROM events ORDER BY ALL",
    "event_articles": "SELECT * FROM event_articles ORDER BY ALL",
    "stories": "SELECT * FROM stories ORDER BY ALL",
    "summaries": "SELECT owner, position, kind, citations FROM summaries ORDER BY ALL",
    "timelines": "SELECT * FROM timelines ORDER BY ALL",
}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The demo corpus plus a JSON Lines shard with a good record and three bad ones."""
    extra = tmp_path_factory.mktemp("extra") / "extra.jsonl"
    good = {"id": "extra-1", "title": "Talks resume", "text": story(1), "published": "2024-03-12", "source": "X"}
    lines = [json.dumps(good), "{not json", json.dumps({"id": "extra-2", "title": "empty"}), json.dumps([1, 2])]
    extra.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [str(DEMO / "articles"), str(extra)]


@pytest.fixture(scope="module")
def ray_local() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def ray_run(
    ray_local: None, inputs: list[str], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, distributed.RayReport]:
    """One Ray run whose first worker dies on its first shard (Ray must restart it and retry the shard)."""
    tmp = tmp_path_factory.mktemp("ray")
    crashed = tmp / "crashed"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(distributed, "ShardWorker", crashing_worker(crashed))
        report = distributed.run(inputs, tmp / "out", Settings(), workers=2)
    assert crashed.exists(), "the fault injection did not fire"
    return tmp / "out", report


def crashing_worker(marker: Path) -> type[distributed.ShardWorker]:
    """The engine's actor, but the first one to get a batch dies before doing it, as a killed node would.

    Defined in a function, so Ray pickles the class by value: its workers need not import this module."""

    class CrashOnce(distributed.ShardWorker):
        def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
            if not marker.exists():
                marker.touch()
                os._exit(1)
            return super().__call__(batch)

    return CrashOnce


@pytest.fixture(scope="module")
def local_db(inputs: list[str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("local") / "local.duckdb"
    with storyline.open(path) as ws:
        ws.run(*inputs)
    return path


@pytest.fixture(scope="module")
def loaded_db(ray_run: tuple[Path, distributed.RayReport], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("loaded") / "loaded.duckdb"
    result = CliRunner().invoke(app, ["--db", str(path), "load", str(ray_run[0])])
    assert result.exit_code == 0, result.output
    return path


def rows(db: Path, sql: str) -> list[Any]:
    with Store(db, read_only=True) as store:
        return store._con.execute(sql).fetchall()


def test_bad_records_are_reported_and_skipped(ray_run: tuple[Path, distributed.RayReport]) -> None:
    _, report = ray_run
    bad = sorted(s.origin.rsplit("/", 1)[-1] for s in report.skipped)
    assert bad == ["extra.jsonl:2", "extra.jsonl:3", "extra.jsonl:4"], [str(s) for s in report.skipped]
    assert report.articles == 44 and report.duplicates == 0 and report.resumed == 0
    assert report.events >= 8 and report.stories >= 4


@pytest.mark.parametrize("table", sorted(EXACT))
def test_same_answers_as_the_embedded_path(local_db: Path, loaded_db: Path, table: str) -> None:
    assert rows(loaded_db, EXACT[table]) == rows(local_db, EXACT[table])


def test_same_vectors_and_scores(local_db: Path, loaded_db: Path) -> None:
    for sql in (
        "SELECT article_id, vector FROM article_features ORDER BY article_id",
        "SELECT article_id, score FROM assignments ORDER BY article_id",
    ):
        local, loaded = rows(local_db, sql), rows(loaded_db, sql)
        assert [r[0] for r in local] == [r[0] for r in loaded]
        assert np.allclose(np.array([r[1] for r in local]), np.array([r[1] for r in loaded]), atol=1e-5)


def test_parquet_output_is_queryable(ray_run: tuple[Path, distributed.RayReport]) -> None:
    import duckdb

    out, _ = ray_run
    con = duckdb.connect()
    count = con.execute(f"SELECT count(*) FROM read_parquet('{out}/articles/*.parquet')").fetchone()
    events = con.execute(f"SELECT count(*) FROM read_parquet('{out}/events/*.parquet')").fetchone()
    assert count == (44,) and events is not None and events[0] >= 8


def test_rerun_resumes_without_duplicates(ray_run: tuple[Path, distributed.RayReport], inputs: list[str]) -> None:
    out, first = ray_run
    again = distributed.run(inputs, out, Settings(), workers=2)
    assert again.resumed == again.shards == first.shards
    assert (again.articles, again.events, again.stories) == (first.articles, first.events, first.stories)


def test_a_shard_without_its_marker_is_redone(
    ray_run: tuple[Path, distributed.RayReport], inputs: list[str], tmp_path: Path
) -> None:
    """A run killed after writing some of a shard's files but before its marker: the rerun redoes that shard."""
    out = tmp_path / "out"
    shutil.copytree(ray_run[0], out)
    marker = next(p for p in (out / distributed.DONE).glob("*.json") if p.stem != distributed.STORIES_PART)
    marker.unlink()
    (out / "quotes" / f"{marker.stem}.parquet").unlink()
    report = distributed.run(inputs, out, Settings(), workers=2)
    assert report.resumed == report.shards - 1
    assert marker.exists()
    with Store(tmp_path / "s.duckdb") as store:
        distributed.load(store, out, Settings())
        assert store._con.execute("SELECT count(*), count(DISTINCT id) FROM articles").fetchone() == (44, 44)


def test_loaded_store_serves_the_commands(loaded_db: Path) -> None:
    result = CliRunner().invoke(app, ["--db", str(loaded_db), "stories", "--json"])
    assert result.exit_code == 0, result.output
    first = json.loads(result.output.splitlines()[0])
    shown = CliRunner().invoke(app, ["--db", str(loaded_db), "story", first["id"], "--format", "md"])
    assert shown.exit_code == 0 and first["title"] in shown.output


def test_loading_twice_adds_nothing(ray_run: tuple[Path, distributed.RayReport], tmp_path: Path) -> None:
    with Store(tmp_path / "twice.duckdb") as store:
        assert distributed.load(store, ray_run[0], Settings())["articles"] == 44
        assert distributed.load(store, ray_run[0], Settings())["articles"] == 0
        assert store._con.execute("SELECT count(*) FROM articles").fetchone() == (44,)


def test_ann_blocking_places_like_the_exact_pass(local_db: Path) -> None:
    """The tolerance for the ANN pass, measured: with blocking forced on for every article, the demo's
    placements equal the exact online pass's."""
    with Store(local_db, read_only=True) as store:
        feats = store.features()
    params = cluster.Params()
    exact = cluster.OnlinePass(params)
    expected = [exact.place(f)[0] for f in feats]
    from storyline.stories.blocking import BlockedPass

    blocked = BlockedPass(params, k=4, exact_below=1)
    got = [blocked.place(f)[0] for f in feats]
    assert got == expected
    assert blocked.blocked > len(feats) // 2


def test_cli_run_with_the_ray_engine(ray_run: tuple[Path, distributed.RayReport], inputs: list[str]) -> None:
    """The command on a finished output directory: everything resumed, the bad records listed, exit 3."""
    result = CliRunner().invoke(app, ["run", "--engine", "ray", *inputs, "--out", str(ray_run[0])])
    assert result.exit_code == 3, result.output
    shards = ray_run[1].shards
    assert f"{shards} shards ({shards} done before), 44 articles" in result.output
    assert "extra.jsonl:2" in result.output


def test_cli_ray_engine_needs_out(inputs: list[str]) -> None:
    result = CliRunner().invoke(app, ["run", "--engine", "ray", *inputs])
    assert result.exit_code == 2 and "--out" in result.output
