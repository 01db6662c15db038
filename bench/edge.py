"""Edge-validation benchmark: hostile inputs through every way in, the fetcher's limits, placeholder dates.

    .venv/bin/python bench/edge.py [--record]

1. Each hostile input of issue 11, beside 20 good records, through a JSON Lines file (`storyline ingest`),
   `Workspace.ingest_records`, `POST /api/articles` (TestClient) and a JSON Feed item polled on loopback:
   the exit code or status, and how many of the 20 good records were stored; then the store is read and
   exported.
2. The fetcher against a server trickling headers one byte a second, and a 1 GiB gzip bomb.
3. The address check on IPv6 forms embedding non-public IPv4 addresses.
4. The pages of the HTML extraction benchmark carrying 0001-01-01 placeholders (read at run time from
   ../shared/bench/html-extraction, never copied): the date stored beside the date in their URL.

``--record`` writes the results into docs/benchmarks.md, between this script's markers.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import tempfile
import threading
import time
import tracemalloc
import zlib
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from common import ROOT, Section, Table, fmt, machine, print_sections, record

HTML_BENCH = ROOT.parent / "shared" / "bench" / "html-extraction"
TOKEN = "bench-edge-token-0123456789"
BODY = "The regional board met on Thursday and agreed a new budget for the coastal ferry service."
HOSTILE: list[tuple[str, dict[str, Any] | str]] = [
    ("published 0001-01-01T00:00:00+14:00", {"published": "0001-01-01T00:00:00+14:00"}),
    ("published 9999-12-31T23:59:59-12:00", {"published": "9999-12-31T23:59:59-12:00"}),
    ("published: a 400-digit number", {"published": int("9" * 400)}),
    ("published +9999 offset", {"published": "2020-01-01T00:00:00+9999"}),
    ("url http://[bad-ipv6/path", {"url": "http://[bad-ipv6/path"}),
    ("url http://127.0.0.1:99999/x", {"url": "http://127.0.0.1:99999/x"}),
    ("lone surrogate in title", {"title": "\ud800"}),
    ("lone surrogate in text", {"text": BODY + " \udfff"}),
    ("lone surrogate in url", {"url": "http://example.org/\ud800"}),
    ("NaN in metadata", {"score": float("nan")}),
    ("100,000 nested [", "[" * 100_000),
]


def good(n: int) -> dict[str, Any]:
    return {"id": f"good-{n}", "title": f"Council approves plan {n}", "published": "2021-03-04T10:00:00Z",
            "text": f"The town council approved harbour plan number {n} on Monday after a long debate."}  # fmt: skip


def bad(fields: dict[str, Any]) -> dict[str, Any]:
    return {"id": "bad", "text": BODY, "source": "Coast Post", **fields}


def line(value: dict[str, Any] | str) -> str:
    return value if isinstance(value, str) else json.dumps(bad(value), allow_nan=True)


def readable(db: Path) -> bool:
    from typer.testing import CliRunner

    from storyline.cli import app

    runner = CliRunner()
    commands = (["articles"], ["export", str(db.parent / "x.json")], ["export", str(db.parent / "x.csv")])
    return all(runner.invoke(app, ["--db", str(db), *c]).exit_code == 0 for c in commands)


def good_stored(db: Path) -> int:
    import storyline

    with storyline.open(db, read_only=True) as ws:
        return sum(1 for a in ws.articles(limit=None) if a.id.startswith("good-"))


def via_file(folder: Path, value: dict[str, Any] | str) -> str:
    from typer.testing import CliRunner

    from storyline.cli import app

    path = folder / "in.jsonl"
    lines = [json.dumps(good(n)) for n in range(20)]
    lines.insert(10, line(value))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    result = CliRunner().invoke(app, ["--db", str(folder / "f.duckdb"), "ingest", str(path)])
    crash = "" if result.exception is None or isinstance(result.exception, SystemExit) else " traceback"
    ok = readable(folder / "f.duckdb")
    return f"exit {result.exit_code}{crash}, {good_stored(folder / 'f.duckdb')}/20{'' if ok else ', unreadable'}"


def via_records(folder: Path, value: dict[str, Any] | str) -> str:
    import storyline

    records: list[Any] = [good(n) for n in range(20)]
    records.insert(10, bad(value) if isinstance(value, dict) else value)
    db = folder / "r.duckdb"
    try:
        with storyline.open(db) as ws:
            ws.ingest_records(records)
    except Exception as exc:  # the benchmark reports a failure rather than stopping
        return f"{type(exc).__name__}"
    return f"{good_stored(db)}/20{'' if readable(db) else ', unreadable'}"


def via_post(folder: Path, value: dict[str, Any] | str) -> str:
    from fastapi.testclient import TestClient

    from storyline.settings import Settings
    from storyline.web import create_app

    lines = [json.dumps(good(n)) for n in range(20)]
    lines.insert(10, line(value))
    db = folder / "p.duckdb"
    with TestClient(create_app(Settings.load(db=db, token=TOKEN)), raise_server_exceptions=False) as client:
        response = client.post(
            "/api/articles",
            content=("[" + ",".join(lines) + "]").encode("utf-8", "surrogatepass"),
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
        )
        status = response.status_code
        stored = sum(1 for i in (response.json().get("ingested", []) if status < 300 else []) if i.startswith("good-"))
    return f"{status}, {stored}/20{'' if readable(db) else ', unreadable'}"


def via_feed(folder: Path, value: dict[str, Any] | str) -> str:
    import storyline
    from tests.feedserver import FeedServer, Route, page

    with FeedServer() as server:
        items: list[Any] = []
        for n in range(20):
            server.routes[f"/a/{n}"] = Route(page(n))
            items.append({"id": f"i{n}", "url": server.url(f"/a/{n}")})
        if isinstance(value, dict):
            item = {"id": "bad", "content_text": BODY, "url": value.get("url", server.url("/a/0") + "?bad"),
                    "title": value.get("title"), "date_published": value.get("published")}  # fmt: skip
            items.insert(10, item)
            document = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}, allow_nan=True)
        else:
            document = '{"version": "https://jsonfeed.org/version/1.1", "items": [' + value + "]}"
        server.routes["/feed"] = Route(document.encode("utf-8", "surrogatepass"), content_type="application/json")
        server.routes["/next"] = Route(json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": []}))
        db = folder / "w.duckdb"
        fast = {"allow_private": True, "fetch_timeout": 2.0, "fetch_retries": 0, "host_delay": 0.0}
        try:
            with storyline.open(db, **fast) as ws:
                cycle = ws.watch(server.url("/feed"), server.url("/next"), once=True, analyze=False)
        except Exception as exc:
            return f"{type(exc).__name__}"
        assert cycle is not None
        first, after = cycle.polls
        stored = sum(1 for a in after.ingest.ingested + first.ingest.ingested)
        state = "feed error recorded" if first.error else f"{stored}/20 stored"
        return f"{state}; next feed polled: {'yes' if after.error is None else 'no'}"


def hostile_inputs() -> Section:
    table = Table("hostile input beside 20 good records", ["input", "JSONL file", "ingest_records", "POST", "feed"])
    for name, value in HOSTILE:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            row = [via_file(folder, value), via_records(folder, value), via_post(folder, value)]
            row.append(via_feed(folder, value))
        table.rows.append([name, *row])
    notes = [
        "JSONL file: `storyline ingest` exit code (3: some input skipped or repaired with a warning) and good "
        "records stored; the store is then read (`articles`) and exported (JSON and CSV).",
        "POST: HTTP status of one body holding the 21 records, and good records it reports stored.",
        "feed: a JSON Feed of 20 good items and the hostile one (its date, URL or title), polled once on "
        "loopback, then a second feed; 100,000 nested [ makes the feed document itself unreadable.",
    ]
    return Section("Hostile inputs through every way in", [table], notes)


def _trickle(body: bytes, interval: float) -> socket.socket:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)

    def serve() -> None:
        conn, _ = listener.accept()
        conn.recv(65536)
        for byte in body:
            try:
                conn.sendall(bytes([byte]))
            except OSError:
                return
            time.sleep(interval)

    threading.Thread(target=serve, daemon=True).start()
    return listener


def fetcher_limits() -> Section:
    from storyline.fetch import Fetcher, FetchError
    from storyline.settings import Settings
    from tests.feedserver import FeedServer, Route

    table = Table("fetcher limits", ["case", "limit", "outcome", "seconds"], left=3)
    settings = Settings(allow_private=True, fetch_timeout=2.0, fetch_retries=0, host_delay=0.0)
    listener = _trickle(b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 600 + b"\r\n\r\n", 1.0)
    start = time.monotonic()
    with Fetcher(settings) as fetcher:
        try:
            fetcher.get(f"http://127.0.0.1:{listener.getsockname()[1]}/", robots=False)
            outcome = "answered"
        except FetchError as exc:
            outcome = str(exc)
    table.rows.append(["headers trickled 1 byte/s (600 s of them)", "4 x fetch_timeout 2 s = 8 s", outcome,
                       fmt(time.monotonic() - start)])  # fmt: skip
    listener.close()
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = comp.compress(b"\0" * (1 << 30)) + comp.flush()
    with FeedServer() as server:
        server.routes["/bomb"] = Route(bomb, headers={"Content-Encoding": "gzip"})
        tracemalloc.start()
        start = time.monotonic()
        with Fetcher(Settings(allow_private=True, fetch_retries=0, host_delay=0.0)) as fetcher:
            try:
                fetcher.get(server.url("/bomb"), robots=False)
                outcome = "answered"
            except FetchError as exc:
                outcome = str(exc)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    table.rows.append([f"gzip bomb: {len(bomb):,} bytes -> 1 GiB", "max_response_bytes 5 MiB",
                       f"{outcome}; peak traced memory {peak:.1f} MiB", fmt(time.monotonic() - start, 2)])  # fmt: skip
    return Section("The fetcher", [table])


def address_check() -> Section:
    from storyline.fetch import is_public

    forms = ["::ffff:127.0.0.1", "::127.0.0.1", "::ffff:0:7f00:1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe",
             "64:ff9b:1::a00:1", "2002:7f00:1::1", "2002:a9fe:a9fe::1", "2001:0:4136:e378:8000:63bf:80ff:fffe",
             "fec0::1", "fc00::1", "fe80::1", "::1"]  # fmt: skip
    public = ["8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"]
    table = Table("address check", ["address", "refused"])
    table.rows += [[a, "yes" if not is_public(a) else "NO"] for a in forms]
    table.rows += [[a + " (public)", "no" if is_public(a) else "YES (wrong)"] for a in public]
    return Section("SSRF guard", [table])


def placeholder_pages() -> Section:
    section = Section("Pages with placeholder dates (HTML extraction benchmark)")
    pages = HTML_BENCH / "html"
    if not pages.is_dir():
        section.skipped = f"{pages} not found"
        return section
    import storyline
    from storyline.ingest.dates import date_from_url

    table = Table("pages holding 0001-01-01", ["url", "stored date", "date in the URL"], left=3)
    chosen = sorted(p for p in pages.glob("*.html") if "0001-01-01" in p.read_text(errors="replace"))
    with tempfile.TemporaryDirectory() as tmp, storyline.open(Path(tmp) / "h.duckdb") as ws:
        ws.ingest(*chosen)
        for article in sorted(ws.articles(limit=None), key=lambda a: a.url or ""):
            in_url = date_from_url(article.url)
            table.rows.append([article.url or article.id, article.published.isoformat() if article.published else
                               "none", in_url.date().isoformat() if in_url else "none"])  # fmt: skip
    section.tables.append(table)
    return section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help="write the results into docs/benchmarks.md")
    args = parser.parse_args()
    header = f"Run {time.strftime('%Y-%m-%d')} on {machine()} (a shared machine: timings are noisy)."
    sections = [hostile_inputs(), fetcher_limits(), address_check(), placeholder_pages()]
    print_sections(sections, header)
    if args.record:
        record(sections, header, "bench/edge.py", "Edge validation")


if __name__ == "__main__":
    main()
