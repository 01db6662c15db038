"""``storyline watch`` and ``storyline feeds`` as users run them, the poll loop, and a SIGKILL mid-watch."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import storyline
from storyline.cli import EXIT_SKIPPED, EXIT_USAGE, app, parse_duration
from storyline.store import Store
from tests.feedserver import FeedServer, Route, atom, page, rss

ROOT = Path(__file__).resolve().parent.parent
ENV = {
    "STORYLINE_FETCH_TIMEOUT": "0.5",
    "STORYLINE_FETCH_RETRIES": "0",
    "STORYLINE_HOST_DELAY": "0",
    "STORYLINE_MAX_RESPONSE_BYTES": "200000",
    "COLUMNS": "400",  # one line per feed
}
runner = CliRunner()


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


def invoke(db: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", str(db), *args], env=ENV)
    return result.exit_code, result.output


def feed(server: FeedServer, path: str, numbers: range) -> str:
    for n in numbers:
        server.routes[f"/a/{n}"] = Route(page(n))
    server.routes[path] = Route(rss([(f"item-{n}", server.url(f"/a/{n}")) for n in numbers]), etag=f'"{path}"')
    return server.url(path)


def test_watch_once_then_feeds(tmp_path: Path, server: FeedServer) -> None:
    db = tmp_path / "w.duckdb"
    good = feed(server, "/good", range(3))
    server.routes["/opml-feed"] = Route(atom([("x1", server.url("/a/0"))]))
    opml = tmp_path / "subs.opml"
    opml.write_text(f'<opml version="2.0"><body><outline xmlUrl="{server.url("/opml-feed")}"/></body></opml>')
    code, output = invoke(db, "watch", good, "--opml", str(opml), "--once", "--no-analyze", "--allow-private")
    assert code == 0, output
    assert f"{good}: 3 items, 3 new; ingested 3, duplicates 0, skipped 0" in output
    assert f"{server.url('/opml-feed')}: 1 items, 1 new; ingested 0, duplicates 1, skipped 0" in output
    code, output = invoke(db, "watch", "--once", "--no-analyze", "--allow-private")  # every known feed
    assert code == 0 and f"{good}: not modified" in output

    server.routes["/broken"] = Route("down", status=500)
    code, output = invoke(db, "watch", good, server.url("/broken"), "--once", "--no-analyze", "--allow-private")
    assert code == EXIT_SKIPPED, output
    assert f"failed {server.url('/broken')}: HTTP 500" in output and f"{good}: not modified" in output

    code, output = invoke(db, "feeds", "--json")
    assert code == 0, output
    rows = {r["url"]: r for r in map(json.loads, output.splitlines())}
    assert rows[good]["items_seen"] == 3 and rows[good]["last_error"] is None and rows[good]["last_success"]
    broken = rows[server.url("/broken")]
    assert broken["last_success"] is None and broken["last_error"] == "HTTP 500 Internal Server Error"
    assert broken["failures"] == 1 and broken["next_poll"] > broken["last_polled"]
    code, output = invoke(db, "feeds")
    assert code == 0 and "Harbour Gazette" in output and "HTTP 500" in output


def test_watch_usage_errors(tmp_path: Path, server: FeedServer) -> None:
    db = tmp_path / "w.duckdb"
    code, output = invoke(db, "watch", "--once")
    assert code == EXIT_USAGE and "no feeds" in output
    code, output = invoke(db, "watch", server.url("/x"), "--every", "soon")
    assert code == EXIT_USAGE and "duration" in output
    code, output = invoke(db, "watch", server.url("/x"), "--once", "--no-analyze")  # no --allow-private
    assert code == EXIT_SKIPPED and "--allow-private" in output
    assert server.log == []
    assert [parse_duration(t) for t in ("45", "30s", "10m", "2h", "1d")] == [45, 30, 600, 7200, 86400]


def test_the_loop_polls_what_is_due_until_stopped(tmp_path: Path, server: FeedServer) -> None:
    url = feed(server, "/rss", range(2))
    stop = threading.Event()
    cycles = []

    def on_cycle(cycle: object) -> None:
        cycles.append(cycle)
        stop.set()

    settings = {k.removeprefix("STORYLINE_").lower(): v for k, v in ENV.items() if k.startswith("STORYLINE_")}
    with storyline.open(tmp_path / "loop.duckdb", allow_private=True, **settings) as ws:
        last = ws.watch(url, analyze=False, on_cycle=on_cycle, stop=stop)
        assert cycles == [last] and ws.count() == 2
        (state,) = ws.feeds()
        assert state.next_poll is not None and state.last_success is not None and state.next_poll > state.last_success
        assert ws.store.due_feeds(state.last_success) == []  # polled: not due again for poll_interval


CHILD_ENV = ENV | {"STORYLINE_FETCH_TIMEOUT": "5", "PYTHONUNBUFFERED": "1"}
FEEDS, ITEMS = 6, 5


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="needs SIGKILL")
def test_sigkill_mid_watch_then_restart_loses_and_duplicates_nothing(tmp_path: Path, server: FeedServer) -> None:
    urls = [feed(server, f"/feed{f}", range(f * ITEMS, (f + 1) * ITEMS)) for f in range(FEEDS)]
    for n in range(FEEDS * ITEMS):
        server.routes[f"/a/{n}"] = Route(page(n), delay=0.1)  # slow enough to be killed mid-run
    db = tmp_path / "k.duckdb"
    command = [sys.executable, "-m", "storyline", "--db", str(db), "watch", *urls, "--once", "--no-analyze"]
    env = os.environ | CHILD_ENV | {"PYTHONPATH": str(ROOT / "src")}
    child = subprocess.Popen([*command, "--allow-private"], stdout=subprocess.PIPE, text=True, env=env)
    assert child.stdout is not None
    polled = 0
    for line in child.stdout:
        polled += "items," in line
        if polled == 2:  # two feeds stored and recorded, a third one under way
            break
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    with Store(db) as store:
        stored_urls = {a.url for a in store.articles()}
        assert ITEMS * 2 <= len(stored_urls) < FEEDS * ITEMS
    hits_at_kill = {n: server.hits(f"/a/{n}") for n in range(FEEDS * ITEMS)}

    rerun = subprocess.run([*command, "--allow-private"], capture_output=True, text=True, env=env, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    with Store(db, read_only=True) as store:
        articles = store.articles()
        assert len(articles) == FEEDS * ITEMS and len({a.id for a in articles}) == FEEDS * ITEMS
        assert {a.url for a in articles} == {server.url(f"/a/{n}") for n in range(FEEDS * ITEMS)}
        assert [f.items_seen for f in store.feed_statuses()] == [ITEMS] * FEEDS
    for n in range(FEEDS * ITEMS):  # what was stored before the kill was not fetched again
        if server.url(f"/a/{n}") in stored_urls:
            assert server.hits(f"/a/{n}") == hits_at_kill[n], n
        else:
            assert server.hits(f"/a/{n}") >= 1
