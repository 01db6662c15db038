"""The JSON API under /api/: paginated reads of everything storyline knows, and ingest by POST."""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from storyline.api import Workspace
from storyline.model import Event
from storyline.views import SORTS
from storyline.web.service import Read, Service

MAX_LIMIT = 100
MAX_RECORDS = 100  # articles per POST
router = APIRouter(prefix="/api", tags=["api"])

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page, 1 to {MAX_LIMIT}.")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")]
Since = Annotated[str | None, Query(description="Published at or after (ISO date or date-time).", max_length=40)]
Until = Annotated[str | None, Query(description="Published at or before (ISO date or date-time).", max_length=40)]
Source = Annotated[str | None, Query(description="Outlet name, exactly as stored.", max_length=200)]
EntityName = Annotated[str | None, Query(description="Entity name, alias or id.", max_length=200)]


def service(request: Request) -> Service:
    found: Service = request.app.state.service
    return found


def snapshot(request: Request) -> Iterator[Read]:
    """The request's own cursor and snapshot of the store, for its whole life (FastAPI caches it per request)."""
    with service(request).reading() as read:
        yield read


def reader(read: Annotated[Read, Depends(snapshot)]) -> Workspace:
    return read.ws


Snap = Annotated[Read, Depends(snapshot)]
Reader = Annotated[Workspace, Depends(reader)]
Svc = Annotated[Service, Depends(service)]


def page(items: list[Any], limit: int, offset: int, total: int | None = None) -> dict[str, Any]:
    """One page of a list; ``items`` may hold one more than ``limit`` to say whether more follow."""
    more = len(items) > limit if total is None else offset + limit < total
    body: dict[str, Any] = {"items": items[:limit], "limit": limit, "offset": offset}
    body["next_offset"] = offset + limit if more else None
    if total is not None:
        body["total"] = total
    return body


# -- stories and events -----------------------------------------------------------------------------


@router.get("/stories", summary="Stories, most recently updated first")
def list_stories(
    ws: Reader,
    limit: Limit = 20,
    offset: Offset = 0,
    entity: EntityName = None,
    source: Source = None,
    since: Since = None,
    until: Until = None,
    sort: Annotated[str, Query(description=f"One of: {', '.join(SORTS)}.", pattern="^(" + "|".join(SORTS) + ")$")] = (
        "updated"
    ),
) -> dict[str, Any]:
    """Stories with their counts of articles, events and independent sources, date span and top entities.
    ``entity`` keeps stories it is central to; a date range keeps stories that overlap it."""
    found = ws.story_cards(entity=entity, source=source, since=since, until=until, sort=sort)
    return page([c.to_dict() for c in found[offset : offset + limit]], limit, offset, len(found))


@router.get("/stories/{story_id}", summary="One story: cited summary, timeline, articles, entities")
def get_story(story_id: str, ws: Reader) -> dict[str, Any]:
    """The story with its summary (each sentence with its citations), timeline, articles (in citation order,
    with reprints), entities with their titles, quotes, the text of every cited sentence, and its merged
    action records (who did what to whom)."""
    return ws.story_view(story_id).to_dict()


def _events(read: Read) -> list[Event]:
    return read.cached("events", read.ws.events)


@router.get("/events", summary="Events in time order")
def list_events(
    ws: Reader,
    read: Snap,
    limit: Limit = 20,
    offset: Offset = 0,
    story_id: Annotated[str | None, Query(description="Only the events of this story.", max_length=100)] = None,
) -> dict[str, Any]:
    """Events (articles about one happening), each with its summary and timeline."""
    found = ws.events(story_id=story_id) if story_id else _events(read)
    return page([e.to_dict() for e in found[offset : offset + limit]], limit, offset, len(found))


@router.get("/events/{event_id}", summary="One event")
def get_event(event_id: str, ws: Reader) -> dict[str, Any]:
    """The event with its summary and timeline, its articles, the text of every cited sentence and its merged
    action records."""
    return ws.event_view(event_id).to_dict()


@router.get("/timelines/{owner_id}", summary="The timeline of a story or an entity")
def get_timeline(owner_id: str, ws: Reader) -> dict[str, Any]:
    """Dated entries with their citations, and how many articles appeared each day. ``owner_id`` is a story id,
    or an entity id, name or alias."""
    return ws.timeline(owner_id).to_dict()


# -- articles ---------------------------------------------------------------------------------------


@router.get("/articles", summary="Articles, oldest first")
def list_articles(
    ws: Reader,
    limit: Limit = 20,
    offset: Offset = 0,
    source: Source = None,
    since: Since = None,
    until: Until = None,
    language: Annotated[str | None, Query(description="ISO 639-1 code.", max_length=8)] = None,
    entity: EntityName = None,
) -> dict[str, Any]:
    """Articles without their text (get one for it), filtered by outlet, publication dates, language and
    an entity they mention."""
    if entity is None:
        found = ws.articles(source=source, since=since, until=until, language=language, limit=limit + 1, offset=offset)
        return page([a.brief() for a in found], limit, offset)
    every = ws.articles(source=source, since=since, until=until, language=language, entity=entity)
    return page([a.brief() for a in every[offset : offset + limit]], limit, offset, len(every))


@router.get("/articles/{article_id:path}", summary="One article with its analysis")
def get_article(article_id: str, ws: Reader) -> dict[str, Any]:
    """The clean text, what cleaning removed (line and rule), names with their entities, quotes, dates,
    action records, and the story it belongs to."""
    return ws.article_view(article_id).to_dict()


def _token(request: Request, svc: Svc) -> None:
    expected = svc.settings.token
    if not expected:
        raise HTTPException(403, "writes are disabled: the operator has set no API token (STORYLINE_TOKEN)")
    given = request.headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    if scheme.lower() != "bearer" or not value:
        raise HTTPException(401, "send the API token: Authorization: Bearer <token>", {"WWW-Authenticate": "Bearer"})
    if not hmac.compare_digest(value.strip().encode(), expected.encode()):
        raise HTTPException(403, "wrong API token")


INGEST_BODY = {
    "requestBody": {
        "required": True,
        "description": (
            'JSON: one article object, a list of them, or {"articles": [...]}, with the JSON Lines fields '
            "(id, text or html, title, source, url, published, author, ...). Or an HTML page (text/html); "
            "its metadata may come in the query (url, source, title, published, id)."
        ),
        "content": {
            "application/json": {
                "schema": {"oneOf": [{"type": "object"}, {"type": "array", "items": {"type": "object"}}]},
                "example": {"id": "x1", "title": "Talks resume", "source": "Meridian Post", "text": "GENEVA — ..."},
            },
            "text/html": {"schema": {"type": "string"}},
        },
    }
}


@router.post(
    "/articles",
    summary="Ingest new articles (needs the API token)",
    status_code=202,
    dependencies=[Depends(_token)],
    openapi_extra=INGEST_BODY,
    responses={
        200: {"description": "Nothing new: every article was already stored or skipped (pending work is queued)"},
        401: {"description": "No token sent"},
        403: {"description": "Wrong token, or writes disabled"},
        413: {"description": "Body too large"},
        415: {"description": "Neither JSON nor HTML"},
    },
)
async def post_articles(
    request: Request,
    svc: Svc,
    url: Annotated[str | None, Query(max_length=2000)] = None,
    source: Source = None,
    title: Annotated[str | None, Query(max_length=1000)] = None,
    published: Annotated[str | None, Query(max_length=40)] = None,
    id: Annotated[str | None, Query(max_length=200)] = None,
) -> JSONResponse:
    """Store new articles now (one transaction) and answer 202 with the ingest report; their analysis and
    placement into events and stories is queued for the server's writer, which works in the background
    (readers keep reading meanwhile). An article's `story_id` (GET /api/articles/{id}) is set once it is
    placed. Every POST also queues any work an interrupted earlier server left pending."""
    body = await request.body()
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    records: list[Any]
    if kind in ("application/json", ""):
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise HTTPException(400, f"body is not valid JSON: {exc}") from exc
        data = data.get("articles", data) if isinstance(data, dict) and "articles" in data else data
        records = data if isinstance(data, list) else [data]
    elif kind in ("text/html", "application/xhtml+xml"):
        page_fields = {"url": url, "source": source, "title": title, "published": published, "id": id}
        records = [{"html": body.decode("utf-8", "replace")} | {k: v for k, v in page_fields.items() if v}]
    else:
        raise HTTPException(415, "send application/json or text/html")
    if not records:
        raise HTTPException(400, "no articles in the body")
    if len(records) > MAX_RECORDS:
        raise HTTPException(413, f"at most {MAX_RECORDS} articles per request")
    report = await run_in_threadpool(svc.ingest, records)
    result = {
        "ingested": report.ingested,
        "duplicates": report.duplicates,
        "skipped": [{"origin": s.origin, "reason": s.reason.value, "detail": s.detail} for s in report.skipped],
        "warnings": report.warnings,
        "analysis": "queued",
    }
    return JSONResponse(result, 202 if report.ingested else 200)


# -- entities and quotes ----------------------------------------------------------------------------


@router.get("/entities", summary="Entities, most mentioned first")
def list_entities(
    ws: Reader,
    limit: Limit = 20,
    offset: Offset = 0,
    type: Annotated[str | None, Query(description="PERSON, ORG, GPE, LOC, NORP, PRODUCT, ...", max_length=20)] = None,
    name: Annotated[str | None, Query(description="A name or alias.", max_length=200)] = None,
) -> dict[str, Any]:
    """Canonical people, organizations and places with their aliases and titles."""
    found = ws.entities(type=type, name=name, limit=limit + 1, offset=offset)
    return page([e.to_dict() for e in found], limit, offset)


@router.get("/entities/{entity_id}", summary="One entity, by id, name or alias")
def get_entity(entity_id: str, ws: Reader) -> dict[str, Any]:
    """The entity with its aliases, titles (with the article giving each), its first articles and quotes, its
    timeline, the stories it appears in, the entities most often named beside it, and its merged action
    records as source and as target."""
    return ws.entity_view(entity_id).to_dict()


Name = Annotated[str | None, Query(max_length=200, description="An entity id or name, a group's noun or a country.")]


@router.get("/actions", summary="Who did what to whom: action records with their sentences")
def list_actions(
    ws: Reader,
    limit: Limit = 20,
    offset: Offset = 0,
    actor: Name = None,
    target: Name = None,
    type: Annotated[str | None, Query(max_length=20, description="A PLOVER type: AGREE, CONSULT, ACCUSE, ...")] = None,
    since: Since = None,
    until: Until = None,
    story: Annotated[str | None, Query(max_length=200, description="A story id.")] = None,
    merged: Annotated[
        bool, Query(description="Records of one happening merged per event, with their sources.")
    ] = False,
) -> dict[str, Any]:
    """Action records (``Workspace.actions``), or merged records (``Workspace.merged_actions``); ``since`` and
    ``until`` bound the action's date."""
    if merged:
        every = ws.merged_actions(actor=actor, target=target, type=type, since=since, until=until, story=story)
        return page([m.to_dict() for m in every[offset : offset + limit]], limit, offset, len(every))
    found = ws.actions(actor=actor, target=target, type=type, since=since, until=until, story=story,
                       limit=limit + 1, offset=offset)  # fmt: skip
    return page([a.to_dict() for a in found], limit, offset)


@router.get("/quotes", summary="Quotes with their speakers")
def list_quotes(
    ws: Reader,
    limit: Limit = 20,
    offset: Offset = 0,
    speaker: EntityName = None,
    article_id: Annotated[str | None, Query(max_length=200)] = None,
    kind: Annotated[str | None, Query(pattern="^(direct|indirect|partial)$")] = None,
    source: Source = None,
    since: Since = None,
    until: Until = None,
) -> dict[str, Any]:
    """Quotes by article; ``speaker`` is an entity name, alias or id; outlet and dates filter their articles."""
    if source is None and since is None and until is None:
        found = ws.quotes(speaker=speaker, article_id=article_id, kind=kind, limit=limit + 1, offset=offset)
        return page([q.to_dict() for q in found], limit, offset)
    every = ws.quotes(speaker=speaker, article_id=article_id, kind=kind, source=source, since=since, until=until)
    return page([q.to_dict() for q in every[offset : offset + limit]], limit, offset, len(every))


@router.get("/sources", summary="Every outlet in the store")
def list_sources(ws: Reader) -> dict[str, Any]:
    return {"items": ws.sources()}


# -- search -----------------------------------------------------------------------------------------


def warm(read: Read) -> None:
    """What the first readers would otherwise wait for: story cards, the search index, the embedding model."""
    from storyline.analyze.embed import embedder

    read.ws.story_cards()
    read.ws.search("")
    embedder(read.ws.settings.embed_threads)


@router.get("/search", summary="Full-text and semantic search over articles and quotes")
def search(
    ws: Reader,
    q: Annotated[str, Query(min_length=1, max_length=500, description="Words or a question.")],
    limit: Limit = 20,
) -> dict[str, Any]:
    """Articles ranked by BM25 and by meaning (MiniLM vectors), fused by reciprocal rank; quotes by BM25."""
    return ws.search(q, limit).to_dict()
