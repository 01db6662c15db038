"""The JSON API under /api/: paginated reads of everything storyline knows, and ingest by POST."""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from storyline.api import Workspace
from storyline.export import (
    article_to_dict,
    entity_to_dict,
    event_to_dict,
    quote_to_dict,
    story_to_dict,
    time_to_dict,
    timeline_to_list,
)
from storyline.ingest.dates import parse_published, resolve_timezone
from storyline.model import Article, Event, Quote
from storyline.web.search import Results, SearchIndex
from storyline.web.service import Read, Service
from storyline.web.views import SORTS, Card, filter_cards, story_cards

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


def moment(value: str | None, ws: Workspace) -> datetime | None:
    return parse_published(value, resolve_timezone(ws.settings.default_timezone)) if value else None


def card_to_dict(card: Card) -> dict[str, Any]:
    s = card.story
    return {
        "id": s.id,
        "title": s.title,
        "articles": s.articles,
        "events": s.events,
        "sources": list(s.sources),
        "independent_sources": s.independent,
        "first": s.first.isoformat() if s.first else None,
        "last": s.last.isoformat() if s.last else None,
        "updated": s.updated.isoformat() if s.updated else None,
        "entities": [{"id": i, "name": n, "type": t} for i, n, t in card.entities],
    }


def brief(article: Article) -> dict[str, Any]:
    """An article without its text, for lists."""
    found = article_to_dict(article)
    for key in ("text", "metadata", "origin", "format"):
        found.pop(key)
    found["words"] = len(article.text.split())
    return found


def cards(read: Read) -> list[Card]:
    return read.cached("cards", lambda: story_cards(read.ws))


# -- stories and events -----------------------------------------------------------------------------


@router.get("/stories", summary="Stories, most recently updated first")
def list_stories(
    ws: Reader,
    read: Snap,
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
    entity_id = ws.entity(entity).id if entity else None
    found = filter_cards(
        cards(read), source=source, entity_id=entity_id, since=moment(since, ws), until=moment(until, ws), sort=sort
    )
    return page([card_to_dict(c) for c in found[offset : offset + limit]], limit, offset, len(found))


@router.get("/stories/{story_id}", summary="One story: cited summary, timeline, articles, entities")
def get_story(story_id: str, ws: Reader) -> dict[str, Any]:
    """The story with its summary (each sentence with its citations), timeline, articles (in citation order,
    with reprints), entities, and the text of every cited sentence."""
    story = ws.story(story_id)
    articles = ws.store.articles_by_ids(list(story.article_ids))
    copies = ws.reprints()
    labels = ws.store.entity_labels(list(story.entities))
    cited = {(c.article_id, c.sentence) for s in story.summary for c in s.citations}
    cited |= {(c.article_id, c.sentence) for t in story.timeline for c in t.citations}
    sentences = ws.store.sentences_of(list(story.article_ids))
    return story_to_dict(story) | {
        "articles": [brief(a) | {"reprint_of": copies.get(a.id)} for a in articles],
        "entities": [{"id": i, "name": labels[i][0], "type": labels[i][1]} for i in story.entities if i in labels],
        "sentences": [
            {"article_id": a, "sentence": i, "text": sentences[(a, i)].text}
            for a, i in sorted(cited)
            if (a, i) in sentences
        ],
    }


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
    return page([event_to_dict(e) for e in found[offset : offset + limit]], limit, offset, len(found))


@router.get("/events/{event_id}", summary="One event")
def get_event(event_id: str, ws: Reader) -> dict[str, Any]:
    return event_to_dict(ws.event(event_id))


@router.get("/timelines/{owner_id}", summary="The timeline of a story or an entity")
def get_timeline(owner_id: str, ws: Reader) -> dict[str, Any]:
    """Dated entries with their citations, and how many articles appeared each day. ``owner_id`` is a story id,
    or an entity id, name or alias."""
    found = ws.timeline(owner_id)
    return {
        "owner": found.owner,
        "title": found.title,
        "entries": timeline_to_list(found.entries),
        "volume": [{"day": d, "articles": n} for d, n in found.volume],
    }


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
        return page([brief(a) for a in found], limit, offset)
    ids = list(ws.entity(entity).article_ids)
    low, high = moment(since, ws), moment(until, ws)
    kept = [
        a
        for a in ws.store.articles_by_ids(ids)
        if (source is None or a.source == source)
        and (language is None or a.language == language)
        and (low is None or (a.published is not None and a.published >= low))
        and (high is None or (a.published is not None and a.published <= high))
    ]
    kept.sort(key=lambda a: (a.published is None, a.published or datetime.max, a.id))
    return page([brief(a) for a in kept[offset : offset + limit]], limit, offset, len(kept))


@router.get("/articles/{article_id:path}", summary="One article with its analysis")
def get_article(article_id: str, ws: Reader) -> dict[str, Any]:
    """The clean text, what cleaning removed (line and rule), names with their entities, quotes, dates, and
    the story it belongs to."""
    article = ws.get(article_id)
    return article_to_dict(article) | {
        "removed": [{"line": r.line_no, "text": r.text, "rule": r.rule} for r in ws.removed(article.id)],
        "mentions": [vars(m) for m in ws.store.mention_spans(article.id)],
        "quotes": [quote_to_dict(q) for q in ws.quotes(article_id=article.id)],
        "times": [time_to_dict(t) for t in ws.times(article.id)],
        "story_id": ws.store.stories_of_articles([article.id]).get(article.id),
        "reprint_of": ws.reprints().get(article.id),
    }


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
    type: Annotated[str | None, Query(description="PERSON, ORG, GPE, LOC, NORP, ...", max_length=20)] = None,
    name: Annotated[str | None, Query(description="A name or alias.", max_length=200)] = None,
) -> dict[str, Any]:
    """Canonical people, organizations and places with their aliases and titles."""
    found = ws.entities(type=type, name=name, limit=limit + 1, offset=offset)
    return page([entity_to_dict(e) for e in found], limit, offset)


@router.get("/entities/{entity_id}", summary="One entity, by id, name or alias")
def get_entity(entity_id: str, ws: Reader) -> dict[str, Any]:
    """The entity with its aliases, titles (with the article giving each), articles, the stories it appears
    in and the entities most often named beside it."""
    entity = ws.entity(entity_id)
    return entity_to_dict(entity) | {
        "stories": sorted(set(ws.store.stories_of_articles(list(entity.article_ids)).values())),
        "cooccurring": [
            {"id": i, "name": n, "type": t, "articles": k} for i, n, t, k in ws.store.cooccurring(entity.id)
        ],
    }


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
        return page([quote_to_dict(q) for q in found], limit, offset)
    every = ws.quotes(speaker=speaker, article_id=article_id, kind=kind)
    meta = ws.store.article_meta(list({q.article_id for q in every}))
    low, high = moment(since, ws), moment(until, ws)

    def keep(q: Quote) -> bool:
        m = meta.get(q.article_id)
        return m is not None and (
            (source is None or m.source == source)
            and (low is None or (m.published is not None and m.published >= low))
            and (high is None or (m.published is not None and m.published <= high))
        )

    kept = [q for q in every if keep(q)]
    return page([quote_to_dict(q) for q in kept[offset : offset + limit]], limit, offset, len(kept))


@router.get("/sources", summary="Every outlet in the store")
def list_sources(read: Snap) -> dict[str, Any]:
    return {"items": read.cached("sources", read.ws.store.sources)}


# -- search -----------------------------------------------------------------------------------------


def search_index(read: Read) -> SearchIndex:
    return read.cached("search", lambda: SearchIndex(read.ws))


def run_search(read: Read, q: str, limit: int) -> Results:
    return search_index(read).search(read.ws, q, limit)


def warm(read: Read) -> None:
    """What the first readers would otherwise wait for: story cards, the search index, the embedding model."""
    from storyline.analyze.embed import embedder

    cards(read)
    search_index(read)
    embedder(read.ws.settings.embed_threads)


@router.get("/search", summary="Full-text and semantic search over articles and quotes")
def search(
    read: Snap,
    q: Annotated[str, Query(min_length=1, max_length=500, description="Words or a question.")],
    limit: Limit = 20,
) -> dict[str, Any]:
    """Articles ranked by BM25 and by meaning (MiniLM vectors), fused by reciprocal rank; quotes by BM25."""
    found = run_search(read, q, limit)
    return {
        "query": found.query,
        "articles": [
            {
                "id": h.id,
                "title": h.title,
                "source": h.source,
                "published": h.published.isoformat() if h.published else None,
                "snippet": "".join(t for t, _ in h.snippet),
                "score": round(h.score, 6),
                "matched_by": h.how,
            }
            for h in found.articles
        ],
        "quotes": [
            {
                "id": h.id,
                "article_id": h.article_id,
                "text": h.text,
                "speaker": h.speaker,
                "kind": h.kind,
                "article_title": h.title,
                "source": h.source,
            }
            for h in found.quotes
        ],
    }
