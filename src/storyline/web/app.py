"""The web app: ``create_app(settings)`` builds the FastAPI application behind ``storyline serve``.

Security: every piece of article content is untrusted. Templates autoescape; links to articles are shown
only for http(s) URLs; a strict Content-Security-Policy allows scripts and styles from this server's
static files only; request bodies are capped (413); write endpoints need the operator's bearer token;
CORS is off unless ``cors_origins`` names origins. Errors under /api/ are JSON ``{status, detail}``, an
unexpected one too (500, with the security headers); HEAD is answered wherever GET is.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storyline import __version__
from storyline.api import Workspace
from storyline.errors import InputError, NotFoundError, StorylineError
from storyline.settings import Settings
from storyline.web import api, pages
from storyline.web.service import Service

STATIC = Path(__file__).parent / "static"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# The interactive API docs (Swagger UI, ReDoc) come from the files the fastapi-offline package ships, served
# under DOCS_STATIC, so they work offline; FastAPI starts them with an inline script. These pages show no
# article content. ReDoc's "by Redocly" logo still comes from its CDN (decoration only; offline it is missing).
DOCS_STATIC = "/api/docs-static"
DOCS_FILES = Path(fastapi_offline.__file__).parent / "static"  # swagger-ui-bundle.js, swagger-ui.css, redoc...
DOCS_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: https://cdn.redoc.ly; connect-src 'self'; worker-src blob:; "
    "frame-ancestors 'none'; base-uri 'none'"
)
DOCS_PATHS = ("/api/docs", "/api/redoc")
# The writer thread analyzes in this process; Python passes its lock between threads every 5 ms by default,
# so a request can wait several such slices behind it. 1 ms measured better reader p99 (bench/serve.py).
SWITCH_INTERVAL = 0.001


def create_app(settings: Settings, workspace: Workspace | None = None) -> FastAPI:
    """The application over ``settings.db`` (or over ``workspace``, which the caller keeps and closes).

    Without a token the store is opened read-only (other storyline commands may read it meanwhile).
    """
    if workspace is None:
        read_only = not settings.token and Path(settings.db).exists()
        workspace = Workspace(settings, read_only=read_only)
        service = Service(workspace, owned=True)
    else:
        service = Service(workspace, owned=False)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        warming = service.warm(api.warm)
        service.start()
        switch = sys.getswitchinterval()
        if service.writer is not None:  # hand the interpreter to waiting requests more often while analysis runs
            sys.setswitchinterval(SWITCH_INTERVAL)
        yield
        sys.setswitchinterval(switch)
        warming.join(timeout=60)
        service.close()

    app = FastAPI(
        title="storyline",
        version=__version__,
        summary="News articles in, stories out: articles, events, stories, entities, quotes, timelines, search.",
        description=(
            "Read endpoints are open; `POST /api/articles` needs `Authorization: Bearer <token>` with the token "
            "the operator set (`STORYLINE_TOKEN` or `storyline serve --token`). Lists take `limit` (1 to "
            f"{api.MAX_LIMIT}) and `offset`, and answer `{{items, limit, offset, next_offset}}`. Errors are "
            "`{status, detail}`."
        ),
        docs_url=None,  # served by _docs, from local files
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.service = service
    _docs(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _handle_errors(app)
    app.add_middleware(Cache, service=service)  # inside CORS, whose headers depend on the request
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(Guard, max_body=settings.max_body_bytes)
    return app


def _docs(app: FastAPI) -> None:
    """Swagger UI at /api/docs and ReDoc at /api/redoc, their scripts and styles from this server."""
    app.mount(DOCS_STATIC, StaticFiles(directory=DOCS_FILES), name="docs-static")

    @app.get("/api/docs", include_in_schema=False)
    async def swagger(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{DOCS_STATIC}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{DOCS_STATIC}/swagger-ui.css",
            swagger_favicon_url=f"{root}{DOCS_STATIC}/favicon.png",
            swagger_ui_parameters=app.swagger_ui_parameters,
        )

    @app.get("/api/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{DOCS_STATIC}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{DOCS_STATIC}/favicon.png",
            with_google_fonts=False,
        )


def _error(request: Request, status: int, detail: Any, headers: dict[str, str] | None = None) -> Response:
    if request.url.path.startswith("/api/") or request.url.path == "/api":
        return JSONResponse({"status": status, "detail": detail}, status, headers=headers)
    return pages.error_page(request, status, detail if isinstance(detail, str) else "bad request")


def _handle_errors(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return _error(request, exc.status_code, exc.detail, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")} for e in exc.errors()
        ]
        if request.url.path.startswith("/api/"):
            return JSONResponse({"status": 422, "detail": problems}, 422)
        return pages.error_page(request, 400, "; ".join(f"{p['where']}: {p['problem']}" for p in problems))

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> Response:
        return _error(request, 404, str(exc))

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError) -> Response:
        return _error(request, 400, str(exc))

    @app.exception_handler(StorylineError)
    async def failed(request: Request, exc: StorylineError) -> Response:
        return _error(request, 500, str(exc))


log = logging.getLogger("storyline.web")


class Cache:
    """ASGI middleware: successful GET answers (pages and the JSON API) are kept per store generation.

    The generation is read before the request opens its snapshot, so an answer is never older than the
    generation it is kept under. When the writer commits a round it asks this cache to recompute every kept
    answer (``refresh``, a few at a time) before the round counts as done; meanwhile readers get the
    previous answer at once instead of queueing behind the recomputation of every page. An answer that is
    no longer a 200 (a story merged into another) is dropped, so its next reader gets the new answer.
    """

    REFRESHING = 2  # URLs recomputed at once

    def __init__(self, app: ASGIApp, service: Service) -> None:
        self.app = app
        self.service = service
        self._refreshing: dict[tuple[str, bytes], asyncio.Task[None]] = {}
        self._slots: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        service.refresher = self

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] != "GET" or path.startswith(("/static/", DOCS_STATIC)):
            await self.app(scope, receive, send)
            return
        self._loop = asyncio.get_running_loop()
        url = (path, scope.get("query_string", b""))
        generation = self.service.generation
        found = self.service.responses.get(url)
        if found is not None:
            kept, request, messages = found
            if kept < generation:
                self._refresh_task(url, request)
            for message in messages:
                await send(_copy(message))
            return
        request = dict(scope)  # as it came: the app adds routing details to the scope it is given
        messages = await self._answer(scope, send)
        if _ok(messages):
            self.service.responses.put(url, (generation, request, messages))

    def refresh(self, timeout: float = 120.0) -> None:
        """Recompute every kept answer older than the current generation (called by the writer's thread)."""
        if self._loop is None or self._loop.is_closed():
            return
        try:
            if asyncio.get_running_loop() is self._loop:
                return  # on the server's own loop: waiting here would block the refresh it waits for
        except RuntimeError:
            pass  # no loop in this thread, as expected
        try:
            asyncio.run_coroutine_threadsafe(self._refresh_all(), self._loop).result(timeout)
        except Exception:  # stale answers stay until their next reader refreshes them
            log.exception("refreshing the kept answers failed")

    async def _refresh_all(self) -> None:
        stale = [(url, found[1]) for url, found in self.service.responses.items() if found[0] < self.service.generation]
        await asyncio.gather(*(self._refresh_task(url, request) for url, request in stale))

    def _refresh_task(self, url: tuple[str, bytes], request: Scope) -> asyncio.Task[None]:
        """The one refresh of ``url`` under way (started if none is), which a reader and the writer share."""
        task = self._refreshing.get(url)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._refresh(url, request))
            self._refreshing[url] = task
            task.add_done_callback(lambda _: self._refreshing.pop(url, None))
        return task

    async def _answer(self, scope: Scope, send: Send | None = None) -> list[Message]:
        messages: list[Message] = []

        async def receive() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def keep(message: Message) -> None:
            messages.append(_copy(message))  # outer layers (CORS) edit the headers of what they are sent
            if send is not None:
                await send(message)

        await self.app(scope, receive, keep)
        return messages

    async def _refresh(self, url: tuple[str, bytes], request: Scope) -> None:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.REFRESHING)
        try:
            async with self._slots:
                generation = self.service.generation
                messages = await self._answer(dict(request))
            if _ok(messages):
                self.service.responses.put(url, (generation, request, messages))
            else:
                self.service.responses.drop(url)
        except Exception:  # the next reader of this URL computes it in its own request
            log.exception("refreshing %s failed", url[0])
            self.service.responses.drop(url)


def _ok(messages: list[Message]) -> bool:
    return bool(messages) and messages[0]["type"] == "http.response.start" and messages[0]["status"] == 200


def _copy(message: Message) -> Message:
    return {**message, "headers": list(message["headers"])} if "headers" in message else message


class Guard:
    """ASGI middleware: caps request bodies (413), adds security headers to every response, answers HEAD
    as GET without the body, and turns an unexpected error into a 500 (JSON under /api/) with those headers."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        csp = DOCS_CSP if path.startswith(DOCS_PATHS) else CSP
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.body" and head:
                message = {**message, "body": b""}
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", csp.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                message = {**message, "headers": headers}
            await send(message)

        if scope["method"] in ("POST", "PUT", "PATCH", "DELETE"):
            declared = dict(scope.get("headers", [])).get(b"content-length")
            if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
                await self._too_large(send_with_headers)
                return
            chunks: list[bytes] = []
            size = 0
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > self.max_body:
                    await self._too_large(send_with_headers)
                    return
                chunks.append(chunk)
                if not message.get("more_body", False):
                    break
            body = b"".join(chunks)
            sent = False

            async def replay() -> Message:
                nonlocal sent
                if not sent:
                    sent = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            await self._call(scope, replay, send_with_headers, lambda: started)
            return
        await self._call(scope, receive, send_with_headers, lambda: started)

    async def _call(self, scope: Scope, receive: Receive, send: Send, started: Callable[[], bool]) -> None:
        try:
            await self.app(scope, receive, send)
        except Exception:
            log.exception("%s %s failed", scope["method"], scope.get("path", ""))
            if started():
                raise  # part of the answer is out: the server can only cut the connection
            path: str = scope.get("path", "")
            detail = "internal error: the server log has the details"
            if path == "/api" or path.startswith("/api/"):
                response: Response = JSONResponse({"status": 500, "detail": detail}, 500)
            else:
                response = pages.render("error.html", 500, title="Error", status=500, detail=detail, q="")
            await response(scope, receive, send)

    async def _too_large(self, send: Send) -> None:
        body = json.dumps(
            {"status": 413, "detail": f"request body larger than {self.max_body} bytes (setting max_body_bytes)"}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})
