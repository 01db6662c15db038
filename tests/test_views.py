"""One view per thing: the Python API, the HTTP API and the CLI give the same JSON; renderers read the views only."""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import storyline
from storyline.cli import app
from storyline.model import Citation, Story, SummarySentence
from storyline.report import render
from storyline.views import Source, StoryView
from storyline.web import create_app
from storyline.web.pages import env
from storyline.web.views import story_page

SRC = Path(__file__).resolve().parent.parent / "src" / "storyline"


def plain(value: Any) -> Any:
    """A value as JSON gives it back (tuples become lists)."""
    return json.loads(json.dumps(value, ensure_ascii=False))


@pytest.fixture(scope="module")
def client(demo_ws: storyline.Workspace) -> Iterator[TestClient]:
    with TestClient(create_app(demo_ws.settings, workspace=demo_ws)) as c:
        yield c


@pytest.fixture(scope="module")
def demo_copy(demo_ws: storyline.Workspace, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo store for the CLI, which opens it read-only (DuckDB refuses a second, read-only
    open of a file this process has open for writing)."""
    source = Path(demo_ws.settings.db)
    con = duckdb.connect(str(source))  # the same database instance as demo_ws: flush its log into the file
    con.execute("CHECKPOINT")
    con.close()
    copy = tmp_path_factory.mktemp("copy") / "demo.duckdb"
    shutil.copy(source, copy)
    return copy


def cli_json(db: Path, *args: str) -> Any:
    result = CliRunner().invoke(app, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_python_http_and_cli_agree_field_for_field(
    demo_ws: storyline.Workspace, client: TestClient, demo_copy: Path
) -> None:
    story = max(demo_ws.stories(limit=None), key=lambda s: (len(s.event_ids) > 1, len(s.article_ids)))
    entity = demo_ws.entities(type="PERSON", limit=1)[0]
    cases = [
        (demo_ws.story_view(story.id).to_dict(), f"/api/stories/{story.id}", ("story", story.id, "--format", "json")),
        (demo_ws.timeline(story.id).to_dict(), f"/api/timelines/{story.id}", ("timeline", story.id, "--json")),
        (demo_ws.timeline(entity.id).to_dict(), f"/api/timelines/{entity.id}", ("timeline", entity.name, "--json")),
        (demo_ws.entity_view(entity.id).to_dict(), f"/api/entities/{entity.id}", ("entity", entity.name, "--json")),
    ]
    for python, url, command in cases:
        expected = plain(python)
        over_http = client.get(url).json()
        on_cli = cli_json(demo_copy, *command)
        assert set(over_http) == set(expected) == set(on_cli), (url, command)
        for field in expected:
            assert over_http[field] == expected[field], (url, field)
            assert on_cli[field] == expected[field], (command, field)
    story_json = plain(demo_ws.story_view(story.id).to_dict())
    assert story_json["summary"] and story_json["sentences"] and story_json["articles"] and story_json["links"]
    assert json.loads(render(demo_ws.story_view(story.id), "json")) == story_json  # the report's JSON too


def test_views_agree_with_the_lists_they_summarize(demo_ws: storyline.Workspace, client: TestClient) -> None:
    story = demo_ws.stories(limit=1)[0]
    view = demo_ws.story_view(story.id)
    assert [a["id"] for a in view.to_dict()["articles"]] == list(story.article_ids)
    assert view.to_dict()["actions"] == [m.to_dict() for m in demo_ws.merged_actions(story=story.id)]
    event = demo_ws.event_view(story.event_ids[0])
    assert client.get(f"/api/events/{event.event.id}").json() == plain(event.to_dict())
    article = demo_ws.article_view(story.article_ids[0])
    assert client.get(f"/api/articles/{story.article_ids[0]}").json() == plain(article.to_dict())
    assert article.to_dict()["story_id"] == story.id
    cards = demo_ws.story_cards(sort="articles")
    assert [c.articles for c in cards] == sorted((c.articles for c in cards), reverse=True)
    listed = client.get("/api/stories", params={"sort": "articles", "limit": 100}).json()["items"]
    assert listed == plain([c.to_dict() for c in cards])
    assert client.get("/api/sources").json()["items"] == demo_ws.sources()
    found = demo_ws.search("summit", limit=5)
    assert found.articles and client.get("/api/search", params={"q": "summit", "limit": 5}).json() == plain(
        found.to_dict()
    )


def test_who_did_what_on_story_pages_reports_and_entity_pages(demo_ws: storyline.Workspace, client: TestClient) -> None:
    story = next(s for s in demo_ws.stories(limit=None) if demo_ws.merged_actions(story=s.id))
    view = demo_ws.story_view(story.id)
    page = client.get(f"/stories/{story.id}").text
    assert 'id="h-actions"' in page and "Who did what" in page
    first = view.actions[0]
    assert first.source.display in page or first.source.display.replace("'", "&#39;") in page
    md = render(view, "md")
    section = md.split("## Who did what", 1)[1].split("\n## ", 1)[0]
    assert first.type.lower() in section
    numbers = view.marks([Citation(x.article_id, x.sentence) for x in first.sentences])
    assert "".join(f"[{n}]" for n in numbers) in section  # cited by the sources' numbers
    assert "<h2>Who did what</h2>" in render(view, "html")
    actor = next(m.source.entity_id for m in demo_ws.merged_actions() if m.source.entity_id)
    entity = demo_ws.entity_view(actor)
    assert entity.as_source and all(m.source.entity_id == actor for m in entity.as_source)
    assert all(m.target.entity_id == actor for m in entity.as_target)
    assert "Who did what" in client.get(f"/entities/{actor}").text


def test_story_pages_and_reports_say_why_events_are_one_story(
    demo_ws: storyline.Workspace, client: TestClient, demo_copy: Path
) -> None:
    stories = demo_ws.stories(limit=None)
    linked = next(s for s in stories if len(s.event_ids) > 1)
    (link,) = demo_ws.story_view(linked.id).links
    page = client.get(f"/stories/{linked.id}").text
    section = page.split('id="h-links"', 1)[1].split("</section>", 1)[0]
    assert "Why these events are one story" in section and " joined " in section
    for shown in (link.event.title, link.joined.title, *link.actors, *link.words, f"similarity {link.similarity:.2f}"):
        assert html.escape(shown) in section, shown
    single = next(s for s in stories if len(s.event_ids) == 1)
    assert 'id="h-links"' not in client.get(f"/stories/{single.id}").text
    result = CliRunner().invoke(app, ["--db", str(demo_copy), "story", linked.id])
    assert result.exit_code == 0, result.output
    why = result.stdout.split("## Why these events are one story", 1)[1].split("\n## ", 1)[0]
    assert " joined " in why and all(actor in why for actor in link.actors)
    assert "Why these events are one story" not in render(demo_ws.story_view(single.id), "md")
    assert "Why these events are one story" in render(demo_ws.story_view(linked.id), "html")


def test_a_story_page_lists_the_first_links_and_points_to_the_rest() -> None:
    from storyline.model import Article
    from storyline.stories.explain import Link, LinkedEvent
    from storyline.web.views import LINKS_SHOWN

    events = [LinkedEvent(f"e{i}", f"Meeting <{i}>", None) for i in range(LINKS_SHOWN + 4)]
    links = tuple(Link(e, events[0], 1.0, 0.8, 0.5, 0.5, ("Putin",), ("talks",), None) for e in events[1:])
    story = Story("s1", "Talks", tuple(e.id for e in events), ("a1",))
    view = StoryView(story, (Source(1, Article("a1", "Text.", source="A"), None),), (), (), {}, links=links)
    page = env.get_template("story.html").render(p=story_page(view), q="")
    section = page.split('id="h-links"', 1)[1].split("</section>", 1)[0]
    assert section.count("<li>") == LINKS_SHOWN and "and 3 more events" in section
    assert "Meeting &lt;1&gt;" in section and "<1>" not in section  # titles escaped
    assert "(undated)" not in section and "shared actors Putin; topic words talks; similarity 0.80" in section
    assert "## Why these events are one story\n\n- **Meeting &lt;1&gt;** joined **Meeting &lt;0&gt;**:" in render(
        view, "md"
    )


def test_a_disagreement_line_gets_no_second_badge() -> None:
    from storyline.model import Article

    line = SummarySentence("Sources differ on the toll: A gives 12, B gives 14.", (Citation("a1", 0),), "disagreement")
    story = Story("s1", "Storm", ("e1",), ("a1",), summary=(line,))
    view = StoryView(story, (Source(1, Article("a1", "The storm killed 12.", source="A"), None),), (), (), {})
    page = env.get_template("story.html").render(p=story_page(view), q="")
    assert page.count("Sources differ") == 3  # the summary line, the "where sources disagree" list, the table
    assert "badge" not in page
    assert render(view, "md").count("Sources differ") == 1


def test_search_index_is_kept_until_the_store_changes(ws: storyline.Workspace) -> None:
    record = {"source": "Northgate Times", "published": "2024-03-01T10:00:00Z"}
    ws.ingest_records([record | {"id": "r1", "text": "The harbour bridge reopened on Monday after repairs."}])
    first = ws._search_index()
    assert ws._search_index() is first and [h.id for h in ws.search("bridge").articles] == ["r1"]
    assert ws.search("lighthouse").articles == ()
    ws.ingest_records([record | {"id": "r2", "text": "A new lighthouse keeper was named for the island."}])
    assert ws._search_index() is not first
    assert [h.id for h in ws.search("lighthouse").articles] == ["r2"]


# -- structure: the renderers go through the Workspace ---------------------------------------------------

RENDERERS = [
    *sorted((SRC / "web").glob("*.py")),
    *(SRC / n for n in ("cli.py", "cli_render.py", "report.py", "export.py")),
]
FORBIDDEN = re.compile(
    r"\.store\b|\bstore\.[A-Za-z_]|storyline\.(store|pipeline)\b|from storyline import .*\b(store|pipeline)\b"
)


def test_renderers_never_reach_the_store_or_the_pipeline() -> None:
    found = []
    for path in RENDERERS:
        name = path.relative_to(SRC).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0].strip()
            if FORBIDDEN.search(code):
                found.append(f"{name}:{number}: {code}")
    assert not found, "go through a Workspace method instead:\n" + "\n".join(found)


def test_the_structure_check_catches_what_it_should() -> None:
    for bad in ("ws.store.articles_by_ids(ids)", "read.ws.store.sources()", "from storyline.store import Store",
                "from storyline.pipeline import cluster_pending", "store.copy_articles(path)",
                "from storyline import pipeline"):  # fmt: skip
        assert FORBIDDEN.search(bad), bad
    for fine in ("ws.story_view(story_id)", "the store, for its whole life", "ws.sources()", "restore(x)"):
        assert not FORBIDDEN.search(fine), fine


def test_reported_quotes_are_not_shown_as_the_speakers_words() -> None:
    from storyline.model import Quote, QuoteKind
    from storyline.report import _said, md_escape

    direct = Quote("a", 0, 10, "We will go on,", QuoteKind.DIRECT, "say", "Ruiz")
    reported = Quote("a", 20, 30, "the board had failed", QuoteKind.INDIRECT, "say", "Ruiz")
    assert _said(direct, md_escape) == "“We will go on,”"
    assert _said(reported, md_escape) == "_reported:_ the board had failed"


def test_a_resolved_pronoun_speaks_under_the_name_it_resolves_to(demo_ws: storyline.Workspace) -> None:
    """ "'Words on paper do not stop the tide,' he added": the story lists the quote under Sitiveni Rabuka, whom
    "he" resolves to, though he is not one of the story's main entities; never under "he"."""
    resolved = 0
    for story in demo_ws.stories(limit=None):
        view = demo_ws.story_view(story.id)
        for name, entity_id, quotes in view.speakers:
            if entity_id is not None:
                assert name.casefold() not in {"he", "she", "they", "it", "i", "we"}, (story.title, name)
                resolved += any(q.speaker in ("he", "she") for q in quotes)
        if any(q.text.startswith("Words on paper") for q in view.quotes):
            said = next(name for name, _, qs in view.speakers if any(q.text.startswith("Words on") for q in qs))
            assert said == "Sitiveni Rabuka"
    assert resolved  # the check above was not vacuous
