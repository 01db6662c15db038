"""A local HTTP server on 127.0.0.1 for the feed tests, and fixture feeds and pages written for them.

Routes map a path to a Route, or to a list of Routes served in turn (the last one repeats), so a feed can
change between polls or fail and then recover. Every request is logged with its headers.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    body: bytes | str = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (a slow server)
    etag: str | None = None  # sent, and answered with 304 when the client sends it back
    last_modified: str | None = None
    length: bool = True  # send Content-Length (False: the body ends when the connection closes)


@dataclass
class Request:
    path: str
    headers: dict[str, str]


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route | list[Route]] = {}
        self.log: list[Request] = []
        self._served: dict[str, int] = {}
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None  # type: ignore[method-assign]
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def hits(self, path: str) -> int:
        return sum(1 for r in self.log if r.path == path)

    def route(self, path: str) -> Route | None:
        with self._lock:
            found = self.routes.get(path)
            if isinstance(found, list):
                index = self._served.get(path, 0)
                self._served[path] = index + 1
                return found[min(index, len(found) - 1)]
            return found

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.log.append(Request(handler.path, {k.lower(): v for k, v in handler.headers.items()}))
        route = self.route(handler.path)
        if route is None:
            route = Route(b"not here", status=404, content_type="text/plain")
        if route.delay:
            time.sleep(route.delay)
        if route.etag and handler.headers.get("If-None-Match") == route.etag:
            route = Route(status=304, etag=route.etag, last_modified=route.last_modified)
        elif route.last_modified and handler.headers.get("If-Modified-Since") == route.last_modified:
            route = Route(status=304, last_modified=route.last_modified)
        body = route.body.encode("utf-8") if isinstance(route.body, str) else route.body
        handler.send_response(route.status)
        if route.status != 304:
            handler.send_header("Content-Type", route.content_type)
            if route.length:
                handler.send_header("Content-Length", str(len(body)))
        for key, value in (("ETag", route.etag), ("Last-Modified", route.last_modified), *route.headers.items()):
            if value:
                handler.send_header(key, value)
        handler.end_headers()
        if route.status != 304:
            handler.wfile.write(body)

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# -- fixture content, written for these tests ------------------------------------------------------

TOWNS = ("Port Elden", "Marrowby", "Kestrel Bay", "Hollin Vale", "Ashford Reach", "Tarrow", "Lindqvist Sound")
WORKS = ("ferry terminal", "flood barrier", "tram depot", "public library", "water treatment plant", "bridge")


def body(n: int) -> list[str]:
    """Three paragraphs of a made-up local news report, distinct per ``n``."""
    town, work = TOWNS[n % len(TOWNS)], WORKS[n % len(WORKS)]
    return [
        f"{town.upper()} — Council engineers opened the new {work} on Monday after {n + 2} years of delays, "
        f"the mayor Odile Ferrand said at a ceremony attended by {n + 40} residents.",
        f"The project cost {n + 11} million crowns, more than twice the first estimate, and the regional "
        "auditor has asked the council to explain why the contract was changed four times.",
        f"Ferrand said the {work} would serve the whole district by the end of the year and promised that "
        "the remaining works on the harbour road would be finished before the winter storms.",
    ]


def page(n: int, *, title: str | None = None, meta: bool = True) -> str:
    """An article page; ``meta=False`` leaves out the date and author so the feed has to supply them."""
    title = title or f"{WORKS[n % len(WORKS)].capitalize()} opens in {TOWNS[n % len(TOWNS)]} ({n})"
    head = f"<title>{escape(title)}</title><meta property='og:title' content='{escape(title)}'>"
    if meta:
        head += (
            "<meta property='og:site_name' content='Harbour Gazette'><meta name='author' content='Mira Okafor'>"
            f"<meta property='article:published_time' content='2025-02-{n % 27 + 1:02d}T08:15:00+01:00'>"
        )
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in body(n))
    return (
        f"<!doctype html><html><head>{head}</head><body><nav><a href='/'>Home</a> <a href='/local'>Local</a></nav>"
        f"<article><h1>{escape(title)}</h1>{paragraphs}</article><footer>Harbour Gazette</footer></body></html>"
    )


def rss(items: list[tuple[str, str]], title: str = "Harbour Gazette — Local") -> str:
    """RSS 2.0 with (guid, link) items."""
    entries = "".join(
        f"<item><title>Item {escape(guid)}</title><link>{escape(link)}</link><guid>{escape(guid)}</guid>"
        f"<pubDate>{format_datetime_n(i)}</pubDate><author>desk@harbour.example (Jonas Vell)</author>"
        "<description>A short summary of the item.</description></item>"
        for i, (guid, link) in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://harbour.example/</link>"
        f"<description>Local news</description>{entries}</channel></rss>"
    )


def atom(items: list[tuple[str, str]], title: str = "Valley Courier") -> str:
    entries = "".join(
        f"<entry><title>Entry {escape(key)}</title><link href='{escape(link)}'/><id>{escape(key)}</id>"
        f"<updated>2025-03-0{i + 1}T10:00:00Z</updated><author><name>Aino Rask</name></author>"
        "<summary>What happened, in one line.</summary></entry>"
        for i, (key, link) in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:valley</id><updated>2025-03-01T10:00:00Z</updated>{entries}</feed>"
    )


def json_feed(items: list[tuple[str, str]], title: str = "Sound Bulletin") -> str:
    import json

    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "items": [
                {
                    "id": key,
                    "url": link,
                    "title": f"Bulletin {key}",
                    "date_published": f"2025-04-0{i + 1}T07:30:00+02:00",
                    "authors": [{"name": "Pell Harker"}],
                    "summary": "A line about the item.",
                }
                for i, (key, link) in enumerate(items)
            ],
        }
    )


def format_datetime_n(n: int) -> str:
    from datetime import datetime, timezone

    return format_datetime(datetime(2025, 1, n % 27 + 1, 6, 45, tzinfo=timezone.utc))
