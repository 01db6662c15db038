"""Validation at the edge: each input that once crashed an ingest, broke the store or killed the watcher."""

from __future__ import annotations

import gzip
import json
import os
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import storyline
from storyline.cli import EXIT_SKIPPED, app
from storyline.errors import InputError
from storyline.fetch import Fetcher, FetchError, is_public
from storyline.ingest import inputs
from storyline.ingest.dates import date_from_url, parse_published
from storyline.ingest.edge import normalize_text
from storyline.model import SkipReason
from storyline.report import md_escape
from storyline.settings import Settings
from storyline.store import Store
from tests.feedserver import FeedServer, Route, page
from tests.hostile import BAD_LINES, BAD_RECORDS, bad_record, good, jsonl_line

runner = CliRunner()
LIMITS = inputs.Limits(max_document_bytes=1_000_000, max_file_bytes=10_000_000)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


# -- dates ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "0001-01-01", int("1" * 400), "1" * 400,
     "2020-01-01T00:00:00+9999", "2020-01-01T00:00:00+99:99", "2020-01-01T00:00:00+05:30:15", 0, 0.0,
     "1970-01-01T00:00:00Z", "1969-12-31T19:00:00-05:00", "1900-01-01T00:00:00", "1799-12-31", "2201-01-01",
     float("nan"), float("inf"), 1e308, -5, "", "   ", [2020], {"y": 1}, True],
)  # fmt: skip
def test_impossible_and_placeholder_dates_are_refused_with_a_reason(value: object) -> None:
    with pytest.raises(InputError) as info:
        parse_published(value)
    assert "publication date" in str(info.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2019-11-05T10:00:00-05:00", "2019-11-05T15:00:00+00:00"), ("Tue, 05 Nov 2019 10:00:00 GMT", None),
     ("1850-06-01", None), ("2199-12-31T23:00:00Z", None), (1573000000, None), ("2020-01-01T00:00:00+13:45", None)],
)  # fmt: skip
def test_plausible_dates_still_parse(value: object, expected: str | None) -> None:
    parsed = parse_published(value)
    assert parsed.tzinfo is not None
    if expected:
        assert parsed.astimezone(timezone.utc).isoformat() == expected


def test_date_in_a_url() -> None:
    assert date_from_url("https://www.usatoday.com/story/news/2019/11/05/some-story/4165/") == datetime(
        2019, 11, 5, tzinfo=timezone.utc
    )
    assert date_from_url("https://example.org/news/2019/11/some-story") == datetime(2019, 11, 1, tzinfo=timezone.utc)
    assert date_from_url("https://example.org/a/20191105-story") == datetime(2019, 11, 5, tzinfo=timezone.utc)
    assert date_from_url("https://example.org/a/12345678901") is None
    assert date_from_url("http://[bad-ipv6/2019/11/05") is None
    assert date_from_url(None) is None


def test_text_is_normalized() -> None:
    assert normalize_text("a\ud800b\x00c") == "a\ufffdbc"
    assert normalize_text("\ud83d\ude00") == "\U0001f600"  # a valid pair is kept as its character
    assert normalize_text("plain") == "plain"


# -- records and files ------------------------------------------------------------------------------


def test_a_bad_record_is_skipped_or_repaired_never_its_batch(tmp_path: Path) -> None:
    records = [good(n) for n in range(20)]
    for index, (name, fields) in enumerate(BAD_RECORDS):
        records.insert(index % 20, bad_record(name, fields, index))
    db = tmp_path / "s.duckdb"
    with storyline.open(db) as ws:
        report = ws.ingest_records(records)
        assert {f"good-{n}" for n in range(20)} <= set(report.ingested)
        assert len(report.ingested) + len(report.skipped) == len(records)
        stored = {a.id: a for a in ws.articles(limit=None)}
    for article in stored.values():
        assert "\ud800" not in (article.title or "") and "\x00" not in article.text
        if article.published is not None:
            assert 1800 <= article.published.year <= 2200
    assert stored["bad-2"].published is None  # the 400-digit number
    assert stored["bad-12"].url is None  # port out of range: kept without its URL
    _store_is_readable(db)


def test_a_placeholder_date_loses_to_the_urls(ws: storyline.Workspace) -> None:
    record = bad_record("x", {"published": "0001-01-01T00:00:00+00:00", "url": "https://example.org/2019/11/05/a"})
    report = ws.ingest_records([record])
    assert report.ingested and any("date in its URL" in w for w in report.warnings)
    (article,) = ws.articles(limit=None)
    assert article.published is not None and article.published.date().isoformat() == "2019-11-05"


def test_a_page_with_a_placeholder_meta_date_gets_a_real_one(ws: storyline.Workspace) -> None:
    html = page(3).replace("<head>", '<head><meta property="article:published_time" content="0001-01-01T00:00:00Z">')
    report = ws.ingest_records([{"html": html, "url": "https://example.org/news/2019/11/05/harbour"}])
    assert report.ingested, report.skipped
    (article,) = ws.articles(limit=None)
    assert article.published is not None and 2000 < article.published.year < 2100


def test_jsonl_with_bad_lines_stores_every_good_record(tmp_path: Path) -> None:
    lines = [jsonl_line(good(n)) for n in range(20)]
    for index, line in enumerate(BAD_LINES):
        lines.insert(index * 3, line)
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    db = tmp_path / "s.duckdb"
    result = runner.invoke(app, ["--db", str(db), "ingest", str(path)])
    assert result.exit_code == EXIT_SKIPPED, result.output
    assert "ingested 20," in result.output
    _store_is_readable(db)


def test_a_truncated_gzip_keeps_the_records_before_the_damage(tmp_path: Path) -> None:
    data = gzip.compress(("\n".join(jsonl_line(good(n)) for n in range(200)) + "\n").encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    items = [r.item for r in inputs.read(str(path), LIMITS)]
    docs = [i for i in items if not hasattr(i, "reason")]
    skips = [i for i in items if hasattr(i, "reason")]
    assert 0 < len(docs) < 200 and len(skips) >= 1
    assert "damaged" in skips[-1].detail
    path.write_bytes(data[:5] + b"garbage" + data[12:])
    assert all(hasattr(i, "reason") for i in (r.item for r in inputs.read(str(path), LIMITS)))


def test_utf16_json_lines_are_decoded(tmp_path: Path) -> None:
    for codec in ("utf-16", "utf-16-be"):
        path = tmp_path / f"{codec}.jsonl"
        text = "\n".join(jsonl_line(good(n)) for n in range(3)) + "\n"
        path.write_bytes(("\ufeff" + text).encode(codec) if codec == "utf-16-be" else text.encode(codec))
        items = [r.item for r in inputs.read(str(path), LIMITS)]
        assert [getattr(i, "id", None) for i in items] == ["good-0", "good-1", "good-2"], items


def test_deeply_nested_json_is_skipped_with_a_reason(tmp_path: Path) -> None:
    for name, content in (("deep.json", "[" * 100_000), ("deep.jsonl", "[" * 100_000 + "\n"),
                          ("objects.json", '{"a":' * 50_000)):  # fmt: skip
        path = tmp_path / name
        path.write_text(content)
        (item,) = [r.item for r in inputs.read(str(path), LIMITS)]
        assert item.reason == SkipReason.MALFORMED, item  # type: ignore[union-attr]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifos_and_devices_are_refused_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    paths = [str(fifo)] + [d for d in ("/dev/zero", "/dev/urandom") if Path(d).exists()]
    done: list[list[object]] = []
    reader = threading.Thread(target=lambda: done.append([r.item for p in paths for r in inputs.read(p, LIMITS)]))
    reader.start()
    reader.join(30)
    if reader.is_alive():  # unblock the test before failing it
        with open(fifo, "w"):
            pass
        pytest.fail("reading a FIFO blocked")
    assert [getattr(i, "reason", None) for i in done[0]] == [SkipReason.UNREADABLE] * len(paths)
    assert "not a regular file" in done[0][0].detail  # type: ignore[attr-defined]


# -- the store --------------------------------------------------------------------------------------


def _insert_raw(db: Path, article_id: str, published: datetime, offset: int) -> None:
    con = duckdb.connect(str(db))
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        "INSERT INTO articles (id, url, title, published, published_offset, language, text, content_hash, "
        "origin, format, ingested_at, metadata) VALUES (?, NULL, 'Broken', ?, ?, 'en', ?, ?, 'old', 'json', now(), "
        "'{}')",
        [article_id, published, offset, "An article stored by an older version with an impossible date.", article_id],
    )
    con.close()


def _store_is_readable(db: Path) -> None:
    for args in (
        ["articles", "--json"],
        ["export", str(db.parent / "out.json")],
        ["export", str(db.parent / "out.csv")],
    ):
        result = runner.invoke(app, ["--db", str(db), *args])
        assert result.exit_code == 0, (args, result.output)
    with Store(db, read_only=True) as store:
        for article in store.articles():
            assert store.get_article(article.id) is not None


@pytest.mark.usefixtures("fake_models")  # the repair is checked, not the analysis
def test_a_store_broken_by_an_older_version_is_repaired_and_readable(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    with storyline.open(db) as ws:
        ws.ingest_records([good(1)])
    con = duckdb.connect(str(db))  # back to schema 5, as an older storyline left it
    con.execute("DELETE FROM schema_migrations WHERE version >= 6")
    con.execute("ALTER TABLE events DROP COLUMN happened")  # what migration 11 added
    con.execute("DROP TABLE IF EXISTS actions")  # what migration 8 added
    con.execute("DROP INDEX times_type")  # what migration 7 added
    con.execute("ALTER TABLE times DROP COLUMN type")
    con.execute("DROP INDEX assignments_t")  # what migration 9 added (an indexed table's column stays otherwise)
    for table, column in (("article_features", "stage"), ("assignments", "stage"), ("runs", "config")):
        con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    con.execute("CREATE INDEX assignments_t ON assignments (t)")
    con.close()
    _insert_raw(db, "year-one", datetime.fromisoformat("0001-01-01T00:00:00+14:00"), 14 * 3600)
    _insert_raw(db, "year-9999", datetime.fromisoformat("9999-12-31T23:59:59-12:00"), -12 * 3600)
    _store_is_readable(db)  # read-only commands upgrade an older store first
    with Store(db) as store:
        articles = {a.id: a for a in store.articles()}
        assert articles["year-one"].published is None and articles["year-9999"].published is None
        assert "published_invalid" in articles["year-one"].metadata
        assert articles["good-1"].published is not None
        (stats,) = store._con.execute("SELECT stats FROM runs WHERE stage = 'repair'").fetchone()
        assert json.loads(stats)["published_cleared"] == 2
    _store_is_readable(db)
    result = runner.invoke(app, ["--db", str(db), "run", str(tmp_path / "nothing-new.jsonl")])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output


def test_reads_tolerate_an_impossible_date_already_in_the_store(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with storyline.open(db) as ws:
        ws.ingest_records([good(1)])
    _insert_raw(db, "year-one", datetime.fromisoformat("0001-01-01T00:00:00+14:00"), 14 * 3600)
    with Store(db, read_only=True) as store:
        article = store.get_article("year-one")
        assert article is not None and article.published is None
    _store_is_readable(db)


# -- the HTTP API (web layer owned elsewhere: only the answers are checked) ------------------------


def test_post_of_hostile_records_answers_json_and_stores_the_good(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from storyline.web import create_app

    token = "edge-test-token-0123456789"
    records = [good(n) for n in range(3)] + [bad_record(n, f, i) for i, (n, f) in enumerate(BAD_RECORDS)]
    body = "[" + ",".join(jsonl_line(r) for r in records) + "]"
    with TestClient(create_app(Settings.load(db=tmp_path / "w.duckdb", token=token))) as client:
        response = client.post(
            "/api/articles",
            content=body.encode("utf-8", "surrogatepass"),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        assert response.status_code < 500, response.text
        assert response.headers["content-type"].startswith("application/json")
        assert {"good-0", "good-1", "good-2"} <= set(response.json()["ingested"])
        assert client.get("/api/articles/bad-0").status_code == 200


# -- the watcher ------------------------------------------------------------------------------------

FAST = {"allow_private": True, "fetch_timeout": 0.3, "fetch_retries": 0, "retry_backoff": 0.01, "host_delay": 0.0,
        "max_response_bytes": 200_000, "poll_interval": 60.0}  # fmt: skip


def test_bad_feed_items_are_recorded_and_the_rest_polled(tmp_path: Path, server: FeedServer) -> None:
    server.routes["/a/1"] = Route(page(1))
    server.routes["/a/2"] = Route(page(2))
    items = [
        {"id": "port", "url": "http://127.0.0.1:99999/x", "title": "Bad port"},
        {"id": "ipv6", "url": "http://[bad-ipv6/path", "title": "Bad IPv6"},
        {"id": "surrogate", "url": server.url("/a/1"), "title": "\ud800", "date_published": "2020-01-01T00:00:00+9999"},
        {"id": "nested", "items": [{"items": [{"url": "x"}]}], "content_text": "Nested items carry nothing usable."},
        {"id": "zero", "url": server.url("/a/2"), "date_published": "0001-01-01T00:00:00+14:00"},
    ]
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "Hostile", "items": items}
    server.routes["/hostile.json"] = Route(json.dumps(feed), content_type="application/feed+json")
    server.routes["/deep.json"] = Route('{"version": "https://jsonfeed.org/version/1.1", "items": ' + "[" * 100_000)
    server.routes["/b/1"] = Route(page(7))
    server.routes["/after.json"] = Route(
        json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "ok", "url": server.url("/b/1")}]})
    )
    urls = [
        server.url("/hostile.json"),
        server.url("/deep.json"),
        "http://127.0.0.1:99999/feed",
        server.url("/after.json"),
    ]
    with storyline.open(tmp_path / "w.duckdb", **FAST) as ws:
        cycle = ws.watch(*urls, once=True, analyze=False)
        assert cycle is not None and [p.url for p in cycle.polls] == urls
        hostile, deep, bad_port, after = cycle.polls
        assert hostile.error is None and len(hostile.ingest.ingested) >= 2
        assert {s.origin for s in hostile.ingest.skipped} >= {"http://127.0.0.1:99999/x", "http://[bad-ipv6/path"}
        assert deep.error is not None and bad_port.error is not None
        assert after.error is None and len(after.ingest.ingested) == 1
        statuses = {f.url: f for f in ws.store.feed_statuses(urls)}
        assert statuses[urls[1]].last_error and statuses[urls[1]].failures == 1
        assert statuses[urls[2]].last_error and "not a valid URL" in statuses[urls[2]].last_error
        for article in ws.articles(limit=None):
            assert article.published is None or 1800 <= article.published.year <= 2200
        again = ws.watch(*urls, once=True, analyze=False)  # a restart polls them all again, and lives
        assert again is not None and len(again.polls) == 4


def _trickle_server(body: bytes, interval: float) -> tuple[socket.socket, threading.Event]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                listener.settimeout(0.2)
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                conn.recv(65536)
                for byte in body:
                    if stop.is_set():
                        break
                    try:
                        conn.sendall(bytes([byte]))
                    except OSError:
                        break
                    time.sleep(interval)

    threading.Thread(target=serve, daemon=True).start()
    return listener, stop


def test_headers_trickled_byte_by_byte_cannot_hold_a_request(tmp_path: Path) -> None:
    response = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n" + b"X-Slow: " + b"a" * 400 + b"\r\n\r\n"
    listener, stop = _trickle_server(response, 0.05)  # 20 s of headers, each byte well within fetch_timeout
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/feed"
    try:
        with Fetcher(Settings(**FAST)) as fetcher, pytest.raises(FetchError) as info:  # type: ignore[arg-type]
            fetcher.get(url, robots=False)
        assert "timed out" in str(info.value)
    finally:
        stop.set()
        listener.close()


def test_a_gzip_bomb_is_cut_at_the_limit(server: FeedServer) -> None:
    bomb = zlib.compressobj(9, zlib.DEFLATED, 31)
    payload = bomb.compress(b"\0" * (64 << 20)) + bomb.flush()
    server.routes["/bomb"] = Route(payload, content_type="text/html", headers={"Content-Encoding": "gzip"})
    server.routes["/small"] = Route(gzip.compress(b"<p>fine</p>"), headers={"Content-Encoding": "gzip"})
    server.routes["/br"] = Route(b"xx", headers={"Content-Encoding": "br"})
    with Fetcher(Settings(**FAST)) as fetcher:  # type: ignore[arg-type]
        with pytest.raises(FetchError) as info:
            fetcher.get(server.url("/bomb"), robots=False)
        assert info.value.reason == SkipReason.TOO_LARGE and info.value.permanent
        assert fetcher.get(server.url("/small"), robots=False).content == b"<p>fine</p>"
        with pytest.raises(FetchError):
            fetcher.get(server.url("/br"), robots=False)
    assert server.log[-1].headers.get("accept-encoding") == "gzip, deflate"


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "::", "fe80::1", "fe80::1%eth0",
     "fc00::1", "fd12:3456::1", "fec0::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::127.0.0.1", "::10.0.0.1",
     "::ffff:0:7f00:1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b::a00:1", "64:ff9b:1::808:808",
     "2002:7f00:1::1", "2002:a9fe:a9fe::1", "2002:c0a8:1::1", "2001:0:4136:e378:8000:63bf:80ff:fffe",
     "2001:db8::1", "ff02::1", "224.0.0.1", "not an address"],
)  # fmt: skip
def test_address_check_refuses_every_non_public_form(address: str) -> None:
    assert not is_public(address)


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"]
)
def test_address_check_lets_public_addresses_through(address: str) -> None:
    assert is_public(address)


# -- Markdown ---------------------------------------------------------------------------------------


def test_markdown_escaping() -> None:
    hostile = "<script>alert(1)</script> [click](javascript:alert(1)) ![x](http://e/x.png) **bold** `code` AT&T"
    escaped = md_escape(hostile + "\n# heading")
    assert "<script" not in escaped and "](" not in escaped.replace("\\](", "")
    assert "**" not in escaped and "`" not in escaped.replace("\\`", "") and "\n" not in escaped


@pytest.mark.slow
def test_story_markdown_carries_no_article_supplied_markup(tmp_path: Path) -> None:
    records = tmp_path / "hostile.jsonl"
    records.write_text(
        "\n".join(
            json.dumps(
                {
                    "id": f"h{i}",
                    "title": "Port strike <script>alert(1)</script> [x](javascript:alert(1))",
                    "source": "<img src=x onerror=alert(1)>",
                    "url": "javascript:alert(1)" if i == 0 else f"https://example.org/a{i}><script>",
                    "published": f"2024-05-1{i}T08:00:00Z",
                    "text": "Dock workers in Rotterdam stayed off the job on Tuesday as the strike over pay entered "
                    "its second week, union leader Marta de Vries said. <script>alert(2)</script> Talks will "
                    "resume next week.",
                }
            )
            for i in range(3)
        ),
        encoding="utf-8",
    )
    db = str(tmp_path / "s.duckdb")
    assert runner.invoke(app, ["--db", db, "run", str(records)]).exit_code == 0
    story = json.loads(runner.invoke(app, ["--db", db, "stories", "--json"]).stdout.splitlines()[0])
    shown = runner.invoke(app, ["--db", db, "story", story["id"], "--format", "md"])
    assert shown.exit_code == 0 and "Port strike" in shown.stdout
    assert "<script" not in shown.stdout and "<img" not in shown.stdout
    assert "](" not in shown.stdout.replace("\\](", "")  # no link survives: every "](" comes escaped
    assert "<javascript" not in shown.stdout and "<https://example.org/a1><script>" not in shown.stdout


def test_standard_input_is_sniffed_and_binary_refused_early(tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    text = "\n".join(jsonl_line(good(n)) for n in range(2)) + "\n"
    read = runner.invoke(app, ["--db", db, "ingest", "-"], input=text.encode())
    assert read.exit_code == 0 and "ingested 2," in read.output, read.output
    short = runner.invoke(app, ["--db", db, "ingest", "-"], input=jsonl_line(good(5)).encode())
    assert short.exit_code == 0 and "ingested 1," in short.output, short.output
    zeros = runner.invoke(app, ["--db", db, "ingest", "-"], input=b"\0" * 100_000)
    assert zeros.exit_code == EXIT_SKIPPED and "binary" in zeros.output


def test_post_of_a_body_nested_too_deeply_answers_json(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from storyline.web import create_app

    token = "edge-test-token-0123456789"
    app_ = create_app(Settings.load(db=tmp_path / "w.duckdb", token=token))
    with TestClient(app_, raise_server_exceptions=False) as client:
        response = client.post(
            "/api/articles",
            content=b"[" * 100_000,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
    assert response.status_code < 500 and response.headers["content-type"].startswith("application/json")
