"""Property-based and corpus fuzzing of every way in: files, records, POST, feeds (parsed and polled), pages.

Deterministic (``derandomize``) and small enough for CI. The properties: no unexpected exception, every
good record beside a bad one stored, and the store still readable and exportable afterwards.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterator
from datetime import timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import storyline
from storyline.cli import app
from storyline.errors import InputError
from storyline.fetch import is_public
from storyline.ingest import inputs
from storyline.ingest.dates import MAX_YEAR, MIN_YEAR, parse_published
from storyline.ingest.feeds import parse_feed
from storyline.ingest.html import extract_html
from storyline.model import RawDocument, Skip
from storyline.report import md_escape
from tests.feedserver import FeedServer, Route
from tests.hostile import BAD_LINES, BAD_RECORDS, bad_record, good, jsonl_line

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
runner = CliRunner()

any_char = st.characters(blacklist_categories=())  # surrogates and control characters included
any_text = st.text(any_char, max_size=40)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | any_text
json_values = st.recursive(
    scalars, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(any_text, kids, max_size=4), max_leaves=12
)
date_like = (
    st.datetimes().map(lambda d: d.isoformat())
    | st.builds(
        lambda y, mo, d, oh, om: f"{y:04d}-{mo:02d}-{d:02d}T00:00:00{'+' if oh >= 0 else '-'}{abs(oh):02d}:{om:02d}",
        st.integers(0, 9999),
        st.integers(1, 12),
        st.integers(1, 28),
        st.integers(-99, 99),
        st.integers(0, 99),
    )
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats()
    | st.from_regex(r"\d{1,400}", fullmatch=True)
    | any_text
)
FIELDS = ("id", "text", "html", "title", "dek", "author", "source", "url", "published", "language", "date", "link")


def _readable(db: Path) -> None:
    for args in (
        ["articles", "--json"],
        ["export", str(db.parent / "fuzz.json")],
        ["export", str(db.parent / "f.csv")],
    ):
        result = runner.invoke(app, ["--db", str(db), *args])
        assert result.exit_code == 0, (args, result.output)


@pytest.fixture(scope="module")
def fuzz_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    db = tmp_path_factory.mktemp("fuzz") / "fuzz.duckdb"
    yield db
    _readable(db)  # after every record test: the store still reads and exports


# -- records (the Python API, and JSON Lines files) --------------------------------------------------


@FUZZ
@given(field=st.sampled_from(FIELDS), value=json_values | date_like, n=st.integers(0, 10**6))
def test_any_value_in_any_field_never_breaks_a_batch(fuzz_db: Path, field: str, value: Any, n: int) -> None:
    record = bad_record("fuzz", {field: value}, n)
    with storyline.open(fuzz_db) as ws:
        report = ws.ingest_records([good(n), record, good(n + 1)])
        assert {f"good-{n}", f"good-{n + 1}"} <= set(report.ingested) | set(report.duplicates)
        for article in ws.store.articles_by_ids(report.ingested):
            if article.published is not None:
                assert MIN_YEAR <= article.published.year <= MAX_YEAR
            assert "\x00" not in article.text


@FUZZ
@given(record=st.dictionaries(any_text, json_values, max_size=6))
def test_any_object_as_a_record(fuzz_db: Path, record: dict[str, Any]) -> None:
    with storyline.open(fuzz_db) as ws:
        report = ws.ingest_records([record, good(7)])
        assert "good-7" in set(report.ingested) | set(report.duplicates)


@pytest.mark.parametrize(("name", "fields"), BAD_RECORDS, ids=[n for n, _ in BAD_RECORDS])
def test_every_hostile_record_in_a_file_of_good_ones(tmp_path: Path, name: str, fields: dict[str, Any]) -> None:
    path = tmp_path / "in.jsonl"
    lines = [jsonl_line(good(n)) for n in range(20)]
    lines.insert(10, jsonl_line(bad_record(name, fields)))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    db = tmp_path / "s.duckdb"
    result = runner.invoke(app, ["--db", str(db), "ingest", str(path)])
    assert (result.exit_code in (0, 3) and result.exception is None) or isinstance(result.exception, SystemExit)
    with storyline.open(db) as ws:
        ids = {a.id for a in ws.articles(limit=None)}
    assert {f"good-{n}" for n in range(20)} <= ids
    _readable(db)


# -- files ------------------------------------------------------------------------------------------

SUFFIXES = (".txt", ".md", ".html", ".json", ".jsonl", ".jsonl.gz")
LIMITS = inputs.Limits(max_document_bytes=100_000, max_file_bytes=1_000_000)


@FUZZ
@given(
    suffix=st.sampled_from(SUFFIXES),
    data=st.binary(max_size=2000)
    | st.text(any_char, max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass"))
    | st.sampled_from(BAD_LINES).map(str.encode)
    | st.lists(json_values, max_size=5).map(lambda v: "\n".join(json.dumps(x) for x in v).encode()),
)
def test_any_bytes_in_any_kind_of_file(tmp_path: Path, suffix: str, data: bytes) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    for read in inputs.read(str(path), LIMITS):
        assert isinstance(read.item, RawDocument | Skip)


@settings(FUZZ, max_examples=15)
@given(docs=st.lists(st.text(any_char, max_size=300), min_size=1, max_size=3))
def test_any_text_files_ingest_without_traceback(tmp_path_factory: pytest.TempPathFactory, docs: list[str]) -> None:
    folder = tmp_path_factory.mktemp("files")
    for i, text in enumerate(docs):
        (folder / f"d{i}.{['txt', 'md', 'html'][i % 3]}").write_text(text, encoding="utf-8", errors="surrogatepass")
    (folder / "good.jsonl").write_text(jsonl_line(good(1)) + "\n")
    result = runner.invoke(app, ["--db", str(folder / "s.duckdb"), "ingest", str(folder)])
    assert result.exit_code in (0, 3), result.output
    assert "ingested" in result.output


# -- pages, feeds, dates, Markdown, addresses --------------------------------------------------------

tags = st.sampled_from(["p", "div", "article", "meta", "script", "time", "h1", "title", "a", "table", "td"])
html_pages = st.recursive(
    any_text.map(lambda t: t.replace("<", "&lt;")),
    lambda kids: st.builds(
        lambda tag, attrs, inner: f"<{tag} {attrs}>{''.join(inner)}</{tag}>",
        tags,
        st.sampled_from(
            [
                "",
                'property="article:published_time" content="0001-01-01"',
                'datetime="+9999" pubdate',
                'type="application/ld+json"',
                'content="\ud800"',
                'href="javascript:x"',
            ]
        ),
        st.lists(kids, max_size=3),
    ),
    max_leaves=15,
)


@FUZZ
@given(html=html_pages | st.text(any_char, max_size=500), url=st.none() | any_text)
def test_any_page_extracts_or_is_refused(html: str, url: str | None) -> None:
    try:
        page = extract_html(html, url)
    except InputError:
        return
    if page.published is not None:
        parse_published(page.published)  # only plausible dates come out


feed_items = st.dictionaries(
    st.sampled_from(["id", "url", "title", "content_html", "content_text", "date_published", "authors", "items"]),
    json_values | date_like,
    max_size=6,
)
feed_docs = (
    st.lists(feed_items, max_size=4).map(
        lambda items: json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}).encode()
    )
    | st.builds(
        lambda title, link, date: (
            f"<rss version='2.0'><channel><title>{title}</title><item><title>{title}</title><link>{link}</link>"
            f"<pubDate>{date}</pubDate><description>{title}</description></item></channel></rss>"
        ).encode("utf-8", "surrogatepass"),
        any_text.map(lambda t: t.replace("<", "").replace("&", "")),
        st.sampled_from(["http://127.0.0.1:99999/x", "http://[bad", "javascript:alert(1)", "http://example.org/a"]),
        date_like.map(str).map(lambda t: t.replace("<", "").replace("&", "")),
    )
    | st.binary(max_size=500)
)


@FUZZ
@given(content=feed_docs)
def test_any_feed_document_parses_or_is_refused(content: bytes) -> None:
    try:
        feed = parse_feed(content, "http://127.0.0.1/feed")
    except InputError:
        return
    for entry in feed.entries:
        for value in (entry.key, entry.url, entry.title, entry.published):
            if value is not None:
                value.encode("utf-8")  # no lone surrogates left


@settings(FUZZ, max_examples=8)
@given(content=feed_docs)
def test_any_feed_served_on_loopback_is_polled_and_recorded(
    tmp_path_factory: pytest.TempPathFactory, content: bytes
) -> None:
    folder = tmp_path_factory.mktemp("watch")
    with FeedServer() as server:
        server.routes["/fuzz"] = Route(content, content_type="application/feed+json")
        server.routes["/page"] = Route("<html><body><p>" + "Harbour council met on Monday. " * 8 + "</p></body></html>")
        server.routes["/ok"] = Route(
            json.dumps(
                {"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "url": server.url("/page")}]}
            )
        )
        urls = [server.url("/fuzz"), server.url("/ok")]
        fast = {"allow_private": True, "fetch_timeout": 0.3, "fetch_retries": 0, "host_delay": 0.0}
        with storyline.open(folder / "w.duckdb", **fast) as ws:
            cycle = ws.watch(*urls, once=True, analyze=False)
            assert cycle is not None and [p.url for p in cycle.polls] == urls
            assert cycle.polls[1].error is None and len(cycle.polls[1].ingest.ingested) == 1
            statuses = {f.url: f for f in ws.store.feed_statuses(urls)}
            assert statuses[urls[0]].last_polled is not None
    _readable(folder / "w.duckdb")


@FUZZ
@given(value=date_like | json_values)
def test_a_parsed_date_is_always_plausible(value: Any) -> None:
    try:
        parsed = parse_published(value)
    except InputError:
        return
    offset = parsed.utcoffset()
    assert offset is not None and abs(offset.total_seconds()) < 24 * 3600
    assert MIN_YEAR <= parsed.year <= MAX_YEAR and MIN_YEAR <= parsed.astimezone(timezone.utc).year <= MAX_YEAR


@FUZZ
@given(text=st.text(any_char, max_size=200) | st.sampled_from(["<script>x</script>", "[a](javascript:b)", "![i](x)"]))
def test_markdown_escape_leaves_no_markup(text: str) -> None:
    escaped = md_escape(text)
    assert "<" not in escaped and ">" not in escaped and "\n" not in escaped
    assert "](" not in escaped.replace("\\](", "") and "**" not in escaped


private_v4 = st.sampled_from(
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.1.1",
        "0.0.0.0",
        "127.255.255.254",
    ]
)


@FUZZ
@given(
    v4=private_v4,
    form=st.sampled_from(
        ["::ffff:{}", "::{}", "64:ff9b::{}", "::ffff:0:{}", "2002:{6to4}::1", "2001:0:4136:e378:8000:63bf:{teredo}"]
    ),
)
def test_every_ipv6_form_of_a_private_ipv4_is_refused(v4: str, form: str) -> None:
    packed = int(ipaddress.IPv4Address(v4))
    six = f"{packed >> 16:x}:{packed & 0xFFFF:x}"
    teredo = f"{(packed ^ 0xFFFFFFFF) >> 16:x}:{(packed ^ 0xFFFFFFFF) & 0xFFFF:x}"
    address = form.format(v4, **{"6to4": six, "teredo": teredo})
    assert not is_public(address), address


# -- POST /api/articles (the web layer is owned elsewhere: only the answers are checked) ---------------

TOKEN = "fuzz-token-0123456789abcdef"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from storyline.settings import Settings
    from storyline.web import create_app

    db = tmp_path_factory.mktemp("post") / "post.duckdb"
    with TestClient(create_app(Settings.load(db=db, token=TOKEN))) as client:
        yield client
    _readable(db)


@settings(FUZZ, max_examples=20)
@given(
    body=st.lists(st.dictionaries(st.sampled_from(FIELDS), json_values | date_like, max_size=4), max_size=3)
    | json_values,
    n=st.integers(0, 10**6),
)
def test_any_post_body_answers_json_and_stores_the_good(api: Any, body: Any, n: int) -> None:
    records = [good(n), *body] if isinstance(body, list) else [good(n), body]
    content = json.dumps(records, allow_nan=True).encode("utf-8", "surrogatepass")
    response = api.post(
        "/api/articles",
        content=content,
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    assert response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/json")
    if response.status_code in (200, 201):
        assert f"good-{n}" in set(response.json()["ingested"]) | set(response.json()["duplicates"])
