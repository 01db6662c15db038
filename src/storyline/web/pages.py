"""The web reader: server-rendered pages (Jinja2, autoescaped), usable without JavaScript."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode, urlparse

import jinja2
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from storyline.errors import NotFoundError
from storyline.report import safe_url
from storyline.views import SORTS
from storyline.web.service import Read, Service
from storyline.web.views import LINKS_SHOWN, SOURCES_SHOWN, TIMELINE_SHOWN, article_pieces, story_page

PER_PAGE = 25
router = APIRouter(include_in_schema=False)

env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,  # every template, whatever its name: all article content is untrusted
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)


def day(value: date | None) -> str:
    return value.strftime("%-d %b %Y") if value else "undated"


def span(first: datetime | None, last: datetime | None) -> str:
    if first is None or last is None:
        return "undated"
    if first.date() == last.date():
        return day(first)
    if first.year == last.year:
        return f"{first.strftime('%-d %b')} – {day(last)}"
    return f"{day(first)} – {day(last)}"


env.filters.update(
    path=lambda v: quote(str(v), safe=""),
    safe_url=safe_url,
    day=day,
    iso=lambda v: v.isoformat() if v else "",
    host=lambda v: urlparse(v).netloc if v else "",
    combine_page=lambda query, n: {**query, "page": n},
)
env.globals.update(
    span=span,
    sorts=SORTS,
    urlencode=urlencode,
    timeline_shown=TIMELINE_SHOWN,
    sources_shown=SOURCES_SHOWN,
    links_shown=LINKS_SHOWN,
)


def render(name: str, code: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(env.get_template(name).render(**context), code)


def error_page(request: Request, status: int, detail: str) -> Response:
    titles = {400: "Bad request", 404: "Not found", 413: "Too large", 422: "Bad request"}
    return render("error.html", status, title=titles.get(status, "Error"), status=status, detail=detail, q="")


async def cached_page(request: Request, build: Callable[[Read], str]) -> HTMLResponse:
    """A page built in a worker thread from a snapshot of the store on a cursor of its own (the app's
    response cache keeps it until the store changes)."""
    svc: Service = request.app.state.service

    def render_page() -> str:
        with svc.reading() as read:
            return build(read)

    return HTMLResponse(await run_in_threadpool(render_page))


@router.get("/", response_class=HTMLResponse)
async def stories_page(
    request: Request,
    source: Annotated[str | None, Query(max_length=200)] = None,
    entity: Annotated[str | None, Query(max_length=200)] = None,
    since: Annotated[str | None, Query(max_length=40)] = None,
    until: Annotated[str | None, Query(max_length=40)] = None,
    sort: Annotated[str, Query(pattern="^(" + "|".join(SORTS) + ")$")] = "updated",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    def build(read: Read) -> str:
        ws = read.ws
        problem = None
        if entity:
            try:
                ws.entity(entity)
            except NotFoundError:
                problem = f"No person, organization or place is called “{entity}”."
        found = ws.story_cards(
            entity=entity or None, source=source or None, since=since or None, until=until or None, sort=sort
        ) if problem is None else []  # fmt: skip
        shown = found[(page - 1) * PER_PAGE : page * PER_PAGE]
        query = {k: v for k, v in {"source": source, "entity": entity, "since": since, "until": until}.items() if v}
        if sort != "updated":
            query["sort"] = sort
        return env.get_template("stories.html").render(
            cards=shown, total=len(found), page=page, pages=max(1, -(-len(found) // PER_PAGE)), query=query,
            sources=ws.sources(), problem=problem, q="",
            form={"source": source or "", "entity": entity or "", "since": since or "", "until": until or "",
                  "sort": sort},
        )  # fmt: skip

    return await cached_page(request, build)


@router.get("/stories/{story_id}", response_class=HTMLResponse)
async def story(request: Request, story_id: str) -> HTMLResponse:
    return await cached_page(
        request, lambda read: env.get_template("story.html").render(p=story_page(read.ws.story_view(story_id)), q="")
    )


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
async def article(request: Request, article_id: str) -> HTMLResponse:
    def build(read: Read) -> str:
        view = read.ws.article_view(article_id)
        return env.get_template("article.html").render(p=view, paragraphs=article_pieces(view), q="")

    return await cached_page(request, build)


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
async def entity(request: Request, entity_id: str) -> HTMLResponse:
    return await cached_page(
        request, lambda read: env.get_template("entity.html").render(p=read.ws.entity_view(entity_id), q="")
    )


@router.get("/search", response_class=HTMLResponse)
async def search_page(request: Request, q: Annotated[str, Query(max_length=500)] = "") -> HTMLResponse:
    def build(read: Read) -> str:
        results = read.ws.search(q, 30) if q.strip() else None
        return env.get_template("search.html").render(results=results, q=q)

    return await cached_page(request, build)
