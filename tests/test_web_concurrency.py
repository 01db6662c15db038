"""The web app under concurrent load (a real uvicorn on loopback), its writer, and pending work left behind."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

import storyline
from storyline.errors import ConfigError
from storyline.settings import Settings
from storyline.web import create_app
from tests.conftest import story

TOKEN = "t0ken-for-the-tests-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """``app`` on a real uvicorn on 127.0.0.1 (a free port), in a thread; yields its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=120)


def urls(base: str) -> list[str]:
    """One URL per API route (and the pages), with ids read from the API."""
    with httpx.Client(base_url=base, timeout=60) as c:
        story_id = c.get("/api/stories").json()["items"][0]["id"]
        detail = c.get(f"/api/stories/{story_id}").json()
        article_ids = detail["article_ids"][:3]
        event_id = c.get("/api/events").json()["items"][0]["id"]
        entity = c.get("/api/entities", params={"type": "PERSON", "limit": 1}).json()["items"][0]["id"]
    return [
        "/api/stories",
        "/api/stories?sort=articles&limit=3",
        f"/api/stories/{story_id}",
        "/api/events",
        f"/api/events?story_id={story_id}",
        f"/api/events/{event_id}",
        "/api/articles?limit=50",
        *[f"/api/articles/{a}" for a in article_ids],
        "/api/entities?limit=50",
        f"/api/entities/{entity}",
        "/api/quotes?limit=50",
        f"/api/quotes?article_id={article_ids[0]}",
        f"/api/timelines/{story_id}",
        f"/api/timelines/{entity}",
        "/api/search?q=summit",
        "/api/sources",
        "/",
        f"/stories/{story_id}",
        f"/articles/{article_ids[0]}",
        f"/entities/{entity}",
        "/search?q=climate",
    ]


def soak(
    base: str, paths: list[str], check: Callable[[str, httpx.Response], str], readers: int, seconds: float
) -> Counter[str]:
    """``readers`` threads request ``paths`` round robin for ``seconds``; counts each verdict of ``check``."""
    verdicts: Counter[str] = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def read(start: int) -> None:
        i = start
        with httpx.Client(base_url=base, timeout=60) as c:
            while time.monotonic() < deadline:
                path = paths[i % len(paths)]
                i += 1
                try:
                    verdict = check(path, c.get(path))
                except httpx.HTTPError as exc:
                    verdict = f"connection error: {type(exc).__name__}"
                with lock:
                    verdicts[verdict] += 1

    threads = [threading.Thread(target=read, args=(n * 7,)) for n in range(readers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return verdicts


def test_concurrent_readers_get_exactly_the_serial_answers(demo_ws: storyline.Workspace) -> None:
    with serving(create_app(demo_ws.settings, workspace=demo_ws)) as base:
        paths = urls(base)
        with httpx.Client(base_url=base, timeout=60) as c:
            serial = {p: c.get(p) for p in paths}
        assert all(r.status_code == 200 for r in serial.values()), {p: r.status_code for p, r in serial.items()}

        def check(path: str, response: httpx.Response) -> str:
            if response.status_code >= 500:
                return "5xx"
            if response.status_code == 404:
                return "false 404"
            return "right" if response.content == serial[path].content else "wrong"

        verdicts = soak(base, paths, check, readers=12, seconds=4)
    assert set(verdicts) == {"right"}, verdicts
    assert verdicts["right"] > len(paths)


def _checkpointed_copy(ws: storyline.Workspace, to: Path) -> Path:
    ws.store._con.execute("CHECKPOINT")
    to.write_bytes(Path(ws.settings.db).read_bytes())
    return to


# What may change while articles are added: an article's story and reprint group, and the entity ids in its
# names (entities are relinked over the corpus). Its text, cleaning, quotes and dates may not.
STABLE = ("id", "title", "source", "url", "published", "text", "removed", "times")


@pytest.mark.slow
def test_readers_stay_right_while_a_writer_posts(demo_ws: storyline.Workspace, tmp_path: Path) -> None:
    db = _checkpointed_copy(demo_ws, tmp_path / "copy.duckdb")
    app = create_app(Settings.load(db=db, token=TOKEN))
    with serving(app) as base:
        service = app.state.service
        assert service.writer.wait(120)  # the catch-up at start found nothing to do
        paths = urls(base)
        with httpx.Client(base_url=base, timeout=60) as c:
            serial = {p: c.get(p) for p in paths}
        posted: list[float] = []

        def write() -> None:
            with httpx.Client(base_url=base, timeout=120) as c:
                for n in range(6):
                    record = {"id": f"soak-{n}", "title": f"Talks, round {n + 1}", "source": "Harbor Ledger",
                              "published": f"2024-03-{n + 10}T09:00:00Z", "text": story(n)}  # fmt: skip
                    clock = time.monotonic()
                    answer = c.post("/api/articles", json=record, headers=AUTH)
                    posted.append(time.monotonic() - clock)
                    assert answer.status_code == 202, answer.text
                    time.sleep(0.4)

        def check(path: str, response: httpx.Response) -> str:
            if response.status_code >= 500:
                return "5xx"
            before = serial[path]
            if response.status_code != 200:
                return f"status {response.status_code}"
            if path.startswith("/api/articles/"):
                now, then = response.json(), before.json()
                return "right" if all(now[k] == then[k] for k in STABLE) else "wrong"
            if path.startswith(("/api/stories/", "/api/events/", "/api/entities/")):
                return "right" if response.json()["id"] == before.json()["id"] else "wrong"
            if path.startswith("/api/") and "items" in before.json():
                return "right" if isinstance(response.json()["items"], list) else "wrong"
            return "right"

        writer = threading.Thread(target=write)
        writer.start()
        verdicts = soak(base, paths, check, readers=8, seconds=5)
        writer.join()
        assert service.writer.wait(300)
        with httpx.Client(base_url=base, timeout=60) as c:
            for n in range(6):
                assert c.get(f"/api/articles/soak-{n}").json()["story_id"], "every posted article was placed"
    # a story of the demo store may legitimately merge into another as articles arrive: 404 only for those
    gone = {k for k in verdicts if k == "status 404"}
    assert set(verdicts) - gone == {"right"}, verdicts
    assert len(posted) == 6
    with storyline.open(db, read_only=True) as ws:
        assert not ws.pending() and ws.count() == demo_ws.count() + 6


def test_pending_work_is_done_at_start_by_any_post_and_by_run(tmp_path: Path) -> None:
    db = tmp_path / "p.duckdb"
    with storyline.open(db) as ws:  # stored, never analyzed: as a server killed after the ingest leaves them
        ws.ingest_records([{"id": f"p{n}", "title": f"Talks {n}", "text": story(n)} for n in range(3)])
        assert ws.pending()
    app = create_app(Settings.load(db=db, token=TOKEN))
    service = app.state.service
    service.writer.pause = 0
    with TestClient(app) as c:
        assert service.writer.wait(300)  # the catch-up at start
        assert all(c.get(f"/api/articles/p{n}").json()["story_id"] for n in range(3))
        # another process stores an article and dies before analyzing it (here: straight into the store) ...
        service.ws.ingest_records([{"id": "q1", "title": "Talks again", "text": story(7)}])
        assert service.ws.pending()
        # ... and the next POST, even one that stores nothing new, gets it done
        again = c.post("/api/articles", json={"id": "p0", "title": "Talks 0", "text": story(0)}, headers=AUTH)
        assert again.status_code == 200 and again.json()["duplicates"] == ["p0"]
        assert again.json()["analysis"] == "queued"
        assert service.writer.wait(300)
        assert c.get("/api/articles/q1").json()["story_id"]
    with storyline.open(db) as ws:
        assert not ws.pending()
        ws.ingest_records([{"id": "r1", "title": "Talks once more", "text": story(9)}])
        assert ws.pending()
        ws.analyze()
        ws.cluster()  # what `storyline run` does after its ingest, whatever left the work pending
        assert not ws.pending()
        assert ws.store.stories_of_articles(["r1"]).get("r1")


def test_unexpected_errors_are_json_with_security_headers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise IndexError("simulated bug")

    with storyline.open(tmp_path / "e.duckdb") as ws:
        ws.ingest_records([{"id": "e1", "title": "Talks", "text": story(1)}])
        monkeypatch.setattr(storyline.Workspace, "get", broken)
        with TestClient(create_app(ws.settings, workspace=ws), raise_server_exceptions=False) as c:
            response = c.get("/api/articles/e1")
            assert response.status_code == 500
            assert response.json() == {"status": 500, "detail": "internal error: the server log has the details"}
            assert "default-src 'none'" in response.headers["content-security-policy"]
            assert response.headers["x-content-type-options"] == "nosniff"
            page = c.get("/articles/e1")
            assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
            assert "default-src 'none'" in page.headers["content-security-policy"]
            assert c.get("/api/sources").status_code == 200  # the server goes on


def test_head_is_answered_like_get(demo_ws: storyline.Workspace) -> None:
    with TestClient(create_app(demo_ws.settings, workspace=demo_ws)) as c:
        story_id = c.get("/api/stories").json()["items"][0]["id"]
        for path in ("/", f"/stories/{story_id}", "/api/stories", "/static/storyline.css"):
            response = c.head(path)
            assert response.status_code == 200, path
            assert response.content == b"" and "content-security-policy" in response.headers
        assert c.head("/stories/nope").status_code == 404


@pytest.mark.parametrize("token", [" " * 20, "\t\n", " a-token-with-a-space-before-it"])
def test_blank_tokens_are_refused(token: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="token"):
        Settings.load(db=tmp_path / "t.duckdb", token=token)
