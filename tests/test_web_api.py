"""The HTTP API and pages through FastAPI's TestClient: every endpoint, pagination, errors, tokens, limits."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import storyline
from storyline.search import snippet
from storyline.settings import Settings
from storyline.web import create_app
from storyline.web.pages import safe_url
from storyline.web.service import Writer
from storyline.web.views import highlight

TOKEN = "t0ken-for-the-tests-0123456789"


@pytest.fixture(scope="module")
def client(demo_ws: storyline.Workspace) -> Iterator[TestClient]:
    with TestClient(create_app(demo_ws.settings, workspace=demo_ws)) as c:
        yield c


@pytest.fixture(scope="module")
def ids(client: TestClient) -> dict[str, str]:
    story = client.get("/api/stories").json()["items"][0]
    quote = client.get("/api/quotes", params={"limit": 1}).json()["items"][0]
    entity = client.get("/api/entities", params={"type": "PERSON", "limit": 1}).json()["items"][0]
    return {
        "story": story["id"],
        "event": client.get("/api/events").json()["items"][0]["id"],
        "article": story["id"] and client.get(f"/api/stories/{story['id']}").json()["article_ids"][0],
        "entity": entity["id"],
        "entity_name": entity["name"],
        "quote_article": quote["article_id"],
    }


def writable(tmp_path: Path, **settings: object) -> TestClient:
    return TestClient(create_app(Settings.load(db=tmp_path / "w.duckdb", token=TOKEN, **settings)))


def writer(c: TestClient) -> Writer:
    found = c.app.state.service.writer  # type: ignore[attr-defined]
    assert found is not None
    found.pause = 0  # no batching in the tests: each POST gets its own round
    return found


GETS = [
    "/api/stories",
    "/api/stories/{story}",
    "/api/events",
    "/api/events?story_id={story}",
    "/api/events/{event}",
    "/api/timelines/{story}",
    "/api/timelines/{entity}",
    "/api/articles",
    "/api/articles/{article}",
    "/api/entities",
    "/api/entities/{entity}",
    "/api/quotes",
    "/api/actions",
    "/api/actions?merged=true&type=CONSULT",
    "/api/sources",
    "/api/search?q=summit",
    "/api/openapi.json",
]


@pytest.mark.parametrize("template", GETS)
def test_every_read_endpoint_answers_json(client: TestClient, ids: dict[str, str], template: str) -> None:
    response = client.get(template.format(**ids))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_every_api_route_is_in_openapi(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    routes = {getattr(r, "path", "") for r in client.app.routes}  # type: ignore[attr-defined]
    api_routes = {p for p in routes if p.startswith("/api/") and "openapi" not in p and "docs" not in p}
    api_routes -= {"/api/redoc", "/api/docs/oauth2-redirect"}
    assert api_routes <= set(spec["paths"]), api_routes - set(spec["paths"])
    assert "post" in spec["paths"]["/api/articles"]
    assert {"application/json", "text/html"} <= set(spec["paths"]["/api/articles"]["post"]["requestBody"]["content"])
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            assert operation.get("summary"), f"{method.upper()} {path} has no summary"


@pytest.mark.parametrize("path", ["/api/stories", "/api/articles", "/api/entities", "/api/quotes", "/api/events"])
def test_pagination_is_enforced_and_consistent(client: TestClient, path: str) -> None:
    for bad in ("0", "101", "-1", "many"):
        response = client.get(path, params={"limit": bad})
        assert response.status_code == 422
        assert response.json()["detail"][0]["where"] == "query.limit"
    assert client.get(path, params={"offset": -1}).status_code == 422
    first = client.get(path, params={"limit": 2}).json()
    assert len(first["items"]) == 2 and first["limit"] == 2 and first["next_offset"] == 2
    second = client.get(path, params={"limit": 2, "offset": 2}).json()
    assert not {str(i) for i in first["items"]} & {str(i) for i in second["items"]}
    beyond = client.get(path, params={"limit": 100, "offset": 100_000}).json()
    assert beyond["items"] == [] and beyond["next_offset"] is None


def test_filters(client: TestClient, demo_ws: storyline.Workspace, ids: dict[str, str]) -> None:
    source = demo_ws.articles()[0].source
    found = client.get("/api/articles", params={"source": source, "limit": 100}).json()["items"]
    assert found and all(a["source"] == source for a in found)
    dated = client.get("/api/articles", params={"since": "2023-01-01", "until": "2023-12-31", "limit": 100}).json()
    assert dated["items"] and all(a["published"].startswith("2023") for a in dated["items"])
    mentioning = client.get("/api/articles", params={"entity": ids["entity_name"], "limit": 100}).json()["items"]
    assert {a["id"] for a in mentioning} == set(demo_ws.entity(ids["entity"]).article_ids)
    stories = client.get("/api/stories", params={"entity": ids["entity_name"]}).json()["items"]
    assert stories and all(ids["entity"] in [e["id"] for e in s["entities"]] or s for s in stories)
    by_source = client.get("/api/stories", params={"source": source}).json()["items"]
    assert by_source and all(source in s["sources"] for s in by_source)
    quotes = client.get("/api/quotes", params={"speaker": "Xi Jinping", "limit": 100}).json()["items"]
    assert quotes and all(q["speaker_entity_id"] == demo_ws.entity("Xi Jinping").id for q in quotes)
    in_source = client.get("/api/quotes", params={"source": source, "limit": 100}).json()["items"]
    assert in_source and {q["article_id"] for q in in_source} <= {a["id"] for a in found}
    ordered = client.get("/api/stories", params={"sort": "articles"}).json()["items"]
    assert [s["articles"] for s in ordered] == sorted((s["articles"] for s in ordered), reverse=True)
    assert client.get("/api/stories", params={"sort": "nonsense"}).status_code == 422


def test_story_detail_carries_cited_sentences(client: TestClient, ids: dict[str, str]) -> None:
    story = client.get(f"/api/stories/{ids['story']}").json()
    cited = {(c["article_id"], c["sentence"]) for s in story["summary"] for c in s["citations"]}
    assert cited and cited <= {(s["article_id"], s["sentence"]) for s in story["sentences"]}
    assert {a["id"] for a in story["articles"]} == set(story["article_ids"])


def test_missing_things_are_404_json_under_api_and_html_pages(client: TestClient) -> None:
    for path in ("/api/stories/nope", "/api/events/nope", "/api/articles/nope", "/api/entities/nobody-at-all",
                 "/api/timelines/nothing-here", "/api/no-such-route"):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["status"] == 404 and response.json()["detail"]
    page = client.get("/stories/nope")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert client.get("/api/articles", params={"since": "not a date"}).status_code == 400


def test_post_is_refused_when_no_token_is_configured(client: TestClient) -> None:
    response = client.post("/api/articles", json={"text": "Something happened."})
    assert response.status_code == 403
    assert "STORYLINE_TOKEN" in response.json()["detail"]
    response = client.post("/api/articles", json={"text": "x"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 403


def test_post_needs_the_token_and_ingests_incrementally(tmp_path: Path) -> None:
    record = {
        "id": "talks-1",
        "title": "Ceasefire talks resume in Geneva",
        "source": "Meridian Post",
        "published": "2024-03-12T09:00:00Z",
        "text": "GENEVA — Negotiators from five countries met on Tuesday to discuss a ceasefire plan, officials "
        "said.\n\n“We are closer than we have ever been,” said Maria Lopez, the chief negotiator.",
    }
    with writable(tmp_path) as c:
        missing = c.post("/api/articles", json=record)
        assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
        wrong = c.post("/api/articles", json=record, headers={"Authorization": "Bearer wrong-token"})
        assert wrong.status_code == 403
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert c.get("/api/stories").json()["items"] == []
        done = c.post("/api/articles", json=record, headers=auth)
        assert done.status_code == 202, done.text
        assert done.json()["ingested"] == ["talks-1"] and done.json()["analysis"] == "queued"
        assert c.get("/api/articles/talks-1").status_code == 200  # stored before the answer
        assert writer(c).wait(120)
        assert c.get("/api/articles/talks-1").json()["story_id"]
        again = c.post("/api/articles", json={"articles": [record]}, headers=auth)
        assert again.status_code == 200 and again.json()["duplicates"] == ["talks-1"]
        page = (
            "<html><head><title>Rail strike ends</title></head><body><article><h1>Rail strike ends</h1>"
            + (
                "<p>Train drivers returned to work on Monday after the union accepted a new pay offer, the company "
                "said in a statement released in London.</p>" * 3
            )
            + "</article></body></html>"
        )
        html = c.post(
            "/api/articles?source=Harbor%20Ledger&url=https://example.org/rail",
            content=page.encode(),
            headers=auth | {"Content-Type": "text/html"},
        )
        assert html.status_code == 202, html.text
        assert writer(c).wait(120)
        stories = c.get("/api/stories").json()["items"]
        assert stories, "the story stage ran after the ingest"
        assert c.get("/api/articles/talks-1").json()["quotes"]
        assert c.get("/").status_code == 200
        assert "Ceasefire talks resume" in c.get("/").text  # cached pages were dropped by the ingest
        assert (
            c.post("/api/articles", content=b"{", headers=auth | {"Content-Type": "application/json"}).status_code
            == 400
        )
        assert c.post("/api/articles", content=b"x", headers=auth | {"Content-Type": "text/plain"}).status_code == 415
        skipped = c.post("/api/articles", json={"title": "no text"}, headers=auth)
        assert skipped.status_code == 200 and skipped.json()["skipped"]


def test_too_large_bodies_are_413(tmp_path: Path) -> None:
    with writable(tmp_path, max_body_bytes=2000) as c:
        big = {"text": "word " * 1000}
        response = c.post("/api/articles", json=big, headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 413
        assert "max_body_bytes" in response.json()["detail"]
        assert c.post("/api/articles", json=big).status_code == 413  # before any token check: nothing is read


def test_cors_is_off_unless_configured(client: TestClient, tmp_path: Path) -> None:
    asked = client.get("/api/stories", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in asked.headers
    with TestClient(create_app(Settings.load(db=tmp_path / "c.duckdb", cors_origins="https://news.example"))) as c:
        allowed = c.get("/api/stories", headers={"Origin": "https://news.example"})
        assert allowed.headers["access-control-allow-origin"] == "https://news.example"
        other = c.get("/api/stories", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_search_finds_articles_and_quotes(client: TestClient, demo_ws: storyline.Workspace) -> None:
    quote = max(demo_ws.quotes(speaker="Xi Jinping"), key=lambda q: len(q.text))
    found = client.get("/api/search", params={"q": quote.text[:60]}).json()
    assert quote.id in [q["id"] for q in found["quotes"]]
    assert found["articles"] and quote.article_id in [a["id"] for a in found["articles"]]
    meaning = client.get("/api/search", params={"q": "climate negotiations about fossil fuels"}).json()
    assert any("meaning" in a["matched_by"] for a in meaning["articles"])
    assert client.get("/api/search").status_code == 422
    assert client.get("/api/search", params={"q": "x" * 501}).status_code == 422


PAGES = ["/", "/?sort=sources&source=Meridian+Post", "/stories/{story}", "/articles/{article}", "/entities/{entity}",
         "/search?q=summit", "/search"]  # fmt: skip


@pytest.mark.parametrize("template", PAGES)
def test_pages_render(client: TestClient, ids: dict[str, str], template: str) -> None:
    response = client.get(template.format(**ids))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "<script>" not in response.text  # the only script is the static file
    assert '<script src="/static/storyline.js" defer></script>' in response.text


def test_static_files_and_docs(client: TestClient) -> None:
    assert client.get("/static/storyline.css").status_code == 200
    assert client.get("/static/storyline.js").status_code == 200
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "unsafe-inline" in docs.headers["content-security-policy"]


@pytest.mark.parametrize("path", ["/api/docs", "/api/redoc"])
def test_api_docs_load_only_local_assets(client: TestClient, path: str) -> None:
    """Swagger UI and ReDoc work offline: every script, style and icon comes from this server."""
    page = client.get(path)
    assert page.status_code == 200
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\s*:\s*["']([^"']+)["']""", page.text)
    assets = {u for pair in urls for u in pair if u}
    assert assets and all(u.startswith("/") and not u.startswith("//") for u in assets), assets
    assert "cdn." not in page.text and "googleapis" not in page.text
    for url in assets:
        assert client.get(url).status_code == 200, url
    csp = page.headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-inline';" in csp and "style-src 'self' 'unsafe-inline';" in csp


def test_only_http_links() -> None:
    assert safe_url("https://example.org/a") == "https://example.org/a"
    for bad in ("javascript:alert(1)", " JAVASCRIPT:alert(1)", "data:text/html,x", "//evil", "vbscript:x", None, ""):
        assert safe_url(bad) is None


def test_highlight_nests_annotations_and_keeps_paragraphs() -> None:
    text = "Alice Smith said “we won” on Monday.\n\nBob agreed."
    spans = [(0, 11, "ent ent-PERSON", "e1", "PERSON"), (18, 24, "quote", None, "quote"), (28, 34, "time", None, "d")]
    paragraphs = highlight(text, spans, {0: 0, 38: 1})
    assert len(paragraphs) == 2
    assert "".join(p.text for p in paragraphs[0]) + "\n\n" + "".join(p.text for p in paragraphs[1]) == text
    alice = paragraphs[0][0]
    assert alice.text == "Alice Smith" and alice.entity_id == "e1" and alice.anchor == "s0"
    assert any(p.text == "we won" and "quote" in p.classes for p in paragraphs[0])
    assert paragraphs[1][0].anchor == "s1"


def test_snippet_marks_query_words() -> None:
    pieces = snippet("The budget was approved. " * 3 + "Nothing about it later. " * 20, ["budget"])
    assert ("budget", True) in pieces
    assert "".join(t for t, _ in pieces).startswith("The budget")


def test_actions_answer_as_the_library_does(client: TestClient, demo_ws: storyline.Workspace) -> None:
    answer = client.get("/api/actions", params={"type": "CONSULT", "limit": 100}).json()
    expected = [a.to_dict() for a in demo_ws.actions(type="CONSULT", limit=100)]
    assert answer["items"] and json.loads(json.dumps(expected, default=str)) == answer["items"]
    assert client.get("/api/actions", params={"type": "NOT-A-TYPE"}).status_code == 400
