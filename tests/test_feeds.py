"""Live sources against a local server: feed kinds, conditional GET, changes, failures, politeness, state."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import storyline
from storyline import SkipReason
from storyline.errors import InputError
from storyline.fetch import Fetcher, FetchError, _GuardedBackend, is_public, vet_address
from storyline.ingest.feeds import parse_feed, parse_opml
from storyline.settings import Settings
from storyline.store import Store
from storyline.watch import WatchCycle
from tests.feedserver import FeedServer, Route, atom, json_feed, page, rss

FAST = {
    "allow_private": True,  # the server is on 127.0.0.1
    "fetch_timeout": 0.3,
    "fetch_retries": 1,
    "retry_backoff": 0.01,
    "host_delay": 0.0,
    "max_response_bytes": 200_000,
    "poll_interval": 60.0,
}


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


@pytest.fixture
def fws(tmp_path: Path) -> Iterator[storyline.Workspace]:
    with storyline.open(tmp_path / "feeds.duckdb", **FAST) as workspace:
        yield workspace


def poll(ws: storyline.Workspace, *urls: str) -> WatchCycle:
    cycle = ws.watch(*urls, once=True, analyze=False)
    assert cycle is not None
    return cycle


def add_pages(server: FeedServer, numbers: range | list[int], **kwargs: Any) -> list[tuple[str, str]]:
    items = []
    for n in numbers:
        server.routes[f"/a/{n}"] = Route(page(n, **kwargs))
        items.append((f"item-{n}", server.url(f"/a/{n}")))
    return items


# -- parsing ----------------------------------------------------------------------------------------


def test_parse_each_kind_of_feed() -> None:
    items = [("k1", "http://x.example/1"), ("k2", "http://x.example/2")]
    r = parse_feed(rss(items).encode(), "http://x.example/rss")
    assert (r.kind, r.title) == ("rss", "Harbour Gazette — Local")
    assert [e.key for e in r.entries] == ["http://x.example/k1", "http://x.example/k2"]  # guids resolved as URIs
    assert r.entries[0].url == "http://x.example/1" and r.entries[0].published
    a = parse_feed(atom(items).encode(), "http://x.example/atom")
    assert (a.kind, a.entries[1].author, a.entries[1].published) == ("atom", "Aino Rask", "2025-03-02T10:00:00Z")
    j = parse_feed(json_feed(items).encode(), "http://x.example/feed.json")
    assert (j.kind, j.title, j.entries[0].author) == ("json", "Sound Bulletin", "Pell Harker")
    assert j.entries[0].published == "2025-04-01T07:30:00+02:00"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary\x00" * 20, "binary"),
        (b"<?xml version='1.0'?><rss version='2.0'><channel><title>cut off", "malformed feed"),
        (b"<html><body><p>just a page</p></body></html>", "not an RSS, Atom or JSON feed"),
        (b'{"items": []}', "not a JSON Feed"),
        (b"{broken json", "not valid JSON"),
        (b"/etc/passwd", "not an RSS, Atom or JSON feed"),  # content, never opened as a path
    ],
)
def test_bad_feed_documents_are_refused_with_a_reason(content: bytes, expected: str) -> None:
    with pytest.raises(InputError, match=expected):
        parse_feed(content, "http://x.example/feed")


def test_opml(tmp_path: Path) -> None:
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>subs</title></head><body>'
        '<outline text="news"><outline type="rss" text="A" xmlUrl="http://a.example/rss"/>'
        '<outline type="rss" text="B" xmlUrl="http://b.example/atom"/></outline>'
        '<outline type="rss" text="A again" xmlUrl="http://a.example/rss"/></body></opml>'
    )
    assert parse_opml(opml) == ["http://a.example/rss", "http://b.example/atom"]
    (tmp_path / "bad.opml").write_text("<opml><body><outline")
    with pytest.raises(InputError, match="not valid OPML"):
        parse_opml(tmp_path / "bad.opml")


def test_settings_for_feeds_are_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYLINE_ALLOW_PRIVATE", "yes")
    monkeypatch.setenv("STORYLINE_FETCH_TIMEOUT", "2.5")
    settings = Settings.load()
    assert settings.allow_private is True and settings.fetch_timeout == 2.5
    monkeypatch.setenv("STORYLINE_ALLOW_PRIVATE", "perhaps")
    with pytest.raises(storyline.ConfigError, match="true or false"):
        Settings.load()


# -- polling ----------------------------------------------------------------------------------------


def test_rss_atom_and_json_feeds_are_ingested_with_feed_metadata_filling_gaps(
    fws: storyline.Workspace, server: FeedServer
) -> None:
    server.routes["/rss"] = Route(rss(add_pages(server, [0, 1])), content_type="application/rss+xml")
    server.routes["/atom"] = Route(atom(add_pages(server, [2, 3], meta=False)), content_type="application/atom+xml")
    server.routes["/feed.json"] = Route(json_feed(add_pages(server, [4, 5])), content_type="application/feed+json")
    cycle = poll(fws, server.url("/rss"), server.url("/atom"), server.url("/feed.json"))
    assert [p.error for p in cycle.polls] == [None, None, None]
    assert [len(p.ingest.ingested) for p in cycle.polls] == [2, 2, 2]
    assert fws.count() == 6
    by_url = {a.url: a for a in fws.articles()}
    from_page = by_url[server.url("/a/0")]
    assert (from_page.author, from_page.source) == ("Mira Okafor", "Harbour Gazette")  # the page's own metadata
    assert from_page.published is not None and from_page.published.isoformat() == "2025-02-01T08:15:00+01:00"
    assert from_page.text.startswith("PORT ELDEN — Council engineers") and "Home" not in from_page.text
    gaps = by_url[server.url("/a/3")]  # the page has no date, author or site name: the Atom feed's fill them
    assert (gaps.author, gaps.source) == ("Aino Rask", "Valley Courier")
    assert gaps.published is not None and gaps.published.isoformat() == "2025-03-02T10:00:00+00:00"
    assert gaps.metadata["feed"] == server.url("/atom") and gaps.metadata["feed_item"].endswith("item-3")
    statuses = {f.url: f for f in fws.feeds()}
    assert statuses[server.url("/atom")].title == "Valley Courier"
    assert all(f.items_seen == 2 and f.last_success is not None and f.failures == 0 for f in statuses.values())


def test_second_poll_with_etag_or_last_modified_transfers_nothing(fws: storyline.Workspace, server: FeedServer) -> None:
    server.routes["/etag"] = Route(rss(add_pages(server, [0, 1])), etag='"v1"')
    server.routes["/lm"] = Route(atom(add_pages(server, [2])), last_modified="Sat, 01 Mar 2025 10:00:00 GMT")
    first = poll(fws, server.url("/etag"), server.url("/lm"))
    assert [p.not_modified for p in first.polls] == [False, False] and fws.count() == 3
    pages_before = sum(server.hits(f"/a/{n}") for n in range(3))
    second = poll(fws, server.url("/etag"), server.url("/lm"))
    assert [p.not_modified for p in second.polls] == [True, True]
    assert [p.ingest.ingested + p.ingest.duplicates for p in second.polls] == [[], []]
    etag_requests = [r for r in server.log if r.path == "/etag"]
    assert etag_requests[-1].headers.get("if-none-match") == '"v1"'
    lm_requests = [r for r in server.log if r.path == "/lm"]
    assert lm_requests[-1].headers.get("if-modified-since") == "Sat, 01 Mar 2025 10:00:00 GMT"
    assert sum(server.hits(f"/a/{n}") for n in range(3)) == pages_before  # no page fetched again
    assert fws.count() == 3


def test_feed_that_changes_between_polls(fws: storyline.Workspace, server: FeedServer) -> None:
    first_items = add_pages(server, [0, 1])
    more = add_pages(server, [2])
    server.routes["/rss"] = [Route(rss(first_items)), Route(rss(more + first_items))]
    one = poll(fws, server.url("/rss"))
    assert (one.polls[0].entries, one.polls[0].new, len(one.polls[0].ingest.ingested)) == (2, 2, 2)
    two = poll(fws, server.url("/rss"))
    assert (two.polls[0].entries, two.polls[0].new, len(two.polls[0].ingest.ingested)) == (3, 1, 1)
    assert [server.hits(f"/a/{n}") for n in range(3)] == [1, 1, 1]
    assert fws.count() == 3 and fws.feeds()[0].items_seen == 3


def test_broken_feeds_are_reported_and_the_others_go_on(fws: storyline.Workspace, server: FeedServer) -> None:
    server.routes["/good"] = Route(rss(add_pages(server, [0])))
    server.routes["/malformed"] = Route("<?xml version='1.0'?><rss version='2.0'><channel><title>cut off")
    server.routes["/sloppy"] = Route(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>T</title><item><title>x</title>"
        "<description>Too short.</description></item><item><title>cut off"
    )
    server.routes["/binary"] = Route(b"\x89PNG\r\n\x1a\n\x00\x00\x00" * 50, content_type="image/png")
    server.routes["/empty"] = Route("", content_type="application/rss+xml")
    server.routes["/loop"] = Route(status=302, headers={"Location": "/loop"})
    server.routes["/slow"] = Route(rss([]), delay=1.0)
    server.routes["/huge"] = Route("<rss>" + "x" * 300_000 + "</rss>", length=False)
    names = ["/malformed", "/binary", "/empty", "/loop", "/slow", "/huge", "/missing", "/sloppy", "/good"]
    cycle = poll(fws, *(server.url(n) for n in names))
    errors = {p.url.rsplit("/", 1)[1]: p.error or "" for p in cycle.polls}
    assert "malformed feed" in errors["malformed"]
    assert "binary" in errors["binary"]
    assert "empty" in errors["empty"]
    assert "redirects" in errors["loop"] and server.hits("/loop") == 6  # max_redirects 5, then stop
    assert "timed out" in errors["slow"]
    assert "max_response_bytes" in errors["huge"]
    assert "HTTP 404" in errors["missing"]
    assert errors["good"] == "" and fws.count() == 1
    statuses = {f.url.rsplit("/", 1)[1]: f for f in fws.feeds()}
    for name in names[:-2]:
        state = statuses[name[1:]]
        assert state.last_error and state.failures == 1 and state.items_seen == 0 and state.last_success is None
    # A cut-off feed that still holds an item is read leniently, as feed readers do, with a warning; its
    # item, with neither a link nor content, is skipped with the reason.
    sloppy = next(p for p in cycle.polls if p.url.endswith("/sloppy"))
    assert sloppy.error is None and "not well-formed" in sloppy.ingest.warnings[0]
    assert [s.reason for s in sloppy.ingest.skipped] == [SkipReason.NO_TEXT]


def test_item_failures_are_skipped_with_reasons(fws: storyline.Workspace, server: FeedServer) -> None:
    items = add_pages(server, [0])
    server.routes["/robots.txt"] = Route("User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    server.routes["/private/1"] = Route(page(1))
    server.routes["/doc.pdf"] = Route(b"%PDF-1.7 not a page", content_type="application/pdf")
    server.routes["/big"] = Route(page(2) + "<!--" + "y" * 300_000 + "-->")
    server.routes["/slow"] = [Route(page(3), delay=1.0), Route(page(3), delay=1.0), Route(page(3))]
    server.routes["/empty-page"] = Route("<html><body><nav>Home</nav></body></html>")
    server.routes["/moved"] = Route(status=301, headers={"Location": "/a/4"})
    server.routes["/a/4"] = Route(page(4))
    server.routes["/flaky"] = [Route("down", status=500), Route(page(5))]  # recovers on the retry
    paths = ["/private/1", "/doc.pdf", "/big", "/slow", "/empty-page", "/gone", "/moved", "/flaky"]
    items += [(f"item{p}", server.url(p)) for p in paths]
    server.routes["/rss"] = Route(rss(items))
    first = poll(fws, server.url("/rss")).polls[0]
    assert first.error is None
    reasons = {s.origin.split(str(server.port))[1]: (s.reason, s.detail) for s in first.ingest.skipped}
    assert reasons["/private/1"] == (SkipReason.DISALLOWED, "robots.txt disallows it")
    assert reasons["/doc.pdf"] == (SkipReason.NOT_HTML, "content type application/pdf, not HTML")
    assert reasons["/big"][0] == SkipReason.TOO_LARGE
    assert reasons["/slow"][0] == SkipReason.FETCH_FAILED and "timed out" in reasons["/slow"][1]
    assert reasons["/empty-page"][0] == SkipReason.NO_TEXT
    assert reasons["/gone"] == (SkipReason.FETCH_FAILED, "HTTP 404 Not Found")
    assert len(reasons) == 6
    assert server.hits("/private/1") == 0 and server.hits("/robots.txt") == 1
    stored = {a.url: a for a in fws.articles()}
    assert set(stored) == {server.url(p) for p in ("/a/0", "/moved", "/flaky")}
    assert stored[server.url("/moved")].metadata["fetched_url"] == server.url("/a/4")
    # The next poll tries again only what failed for a passing reason (the timeout), and stores it.
    second = poll(fws, server.url("/rss")).polls[0]
    assert second.new == 0 and len(second.ingest.ingested) == 1 and not second.ingest.skipped
    assert server.hits("/doc.pdf") == 1 and server.hits("/gone") == 1 and server.hits("/slow") == 3
    assert fws.count() == 4


def test_a_failing_feed_backs_off_then_recovers(fws: storyline.Workspace, server: FeedServer) -> None:
    broken = Route("oops", status=500, content_type="text/plain")
    server.routes["/rss"] = [broken, broken, broken, broken, Route(rss(add_pages(server, [0])))]
    server.routes["/other"] = Route(atom(add_pages(server, [1])))
    for failures in (1, 2):
        cycle = poll(fws, server.url("/rss"), server.url("/other"))
        assert "HTTP 500" in (cycle.polls[0].error or "") and cycle.polls[1].error is None
        (state,) = [f for f in fws.feeds() if f.url.endswith("/rss")]
        assert (
            state.failures == failures
            and state.last_success is None
            and state.last_error == "HTTP 500 Internal Server Error"
        )
        assert state.next_poll is not None and state.last_polled is not None
        assert (state.next_poll - state.last_polled).total_seconds() == 60.0 * 2**failures  # doubled per failure
        assert server.url("/rss") not in fws.store.due_feeds(state.last_polled)
    assert server.hits("/rss") == 4  # each poll: the first try and one retry
    recovered = poll(fws, server.url("/rss"))
    assert recovered.polls[0].error is None and len(recovered.polls[0].ingest.ingested) == 1
    (state,) = [f for f in fws.feeds() if f.url.endswith("/rss")]
    assert state.failures == 0 and state.last_success is not None and state.items_seen == 1
    assert (state.next_poll - state.last_polled).total_seconds() == 60.0  # type: ignore[operator]


def test_ssrf_guard_refuses_private_addresses_unless_allowed(tmp_path: Path, server: FeedServer) -> None:
    server.routes["/rss"] = Route(rss(add_pages(server, [0])))
    with storyline.open(tmp_path / "guarded.duckdb", **(FAST | {"allow_private": False})) as ws:
        cycle = poll(ws, server.url("/rss"), "file:///etc/passwd")
        assert "private, loopback or link-local address (127.0.0.1)" in (cycle.polls[0].error or "")
        assert "not an http(s) URL" in (cycle.polls[1].error or "")
        assert ws.count() == 0
    assert server.log == []  # refused before any connection
    for address in ("127.0.0.1", "10.1.2.3", "192.168.0.10", "172.16.5.4", "169.254.169.254", "100.64.0.1",
                    "0.0.0.0", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "224.0.0.1"):  # fmt: skip
        assert not is_public(address), address
    assert is_public("93.184.215.14") and is_public("2606:4700::1111")
    with pytest.raises(Exception, match="private, loopback"):
        vet_address("localhost", 80, allow_private=False)


def test_a_crash_after_storing_never_refetches_or_duplicates(
    tmp_path: Path, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.routes["/rss"] = Route(rss(add_pages(server, [0, 1, 2])))
    db = tmp_path / "crash.duckdb"

    def killed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # the process dies after the articles' commit, before the items are recorded

    with storyline.open(db, **FAST) as ws:
        monkeypatch.setattr(Store, "save_poll", killed)
        with pytest.raises(KeyboardInterrupt):
            poll(ws, server.url("/rss"))
        monkeypatch.undo()
        assert ws.count() == 3 and ws.feeds()[0].items_seen == 0
    with storyline.open(db, **FAST) as ws:  # restarted
        again = poll(ws, server.url("/rss")).polls[0]
        assert (again.new, len(again.ingest.ingested), len(again.ingest.duplicates)) == (3, 0, 3)
        assert [server.hits(f"/a/{n}") for n in range(3)] == [1, 1, 1]  # known by URL: not fetched again
        assert ws.count() == 3 and ws.feeds()[0].items_seen == 3


def test_the_same_article_in_two_feeds_is_fetched_and_stored_once(fws: storyline.Workspace, server: FeedServer) -> None:
    items = add_pages(server, [0, 1])
    server.routes["/rss"] = Route(rss(items))
    server.routes["/atom"] = Route(atom([("other-key", items[1][1])]))
    cycle = poll(fws, server.url("/rss"), server.url("/atom"))
    assert len(cycle.polls[1].ingest.duplicates) == 1 and server.hits("/a/1") == 1 and fws.count() == 2


@pytest.mark.slow
def test_a_new_article_is_ingested_and_analyzed_after_one_poll(fws: storyline.Workspace, server: FeedServer) -> None:
    first = add_pages(server, [0])
    server.routes["/a/7"] = Route(page(7, title="Port Elden flood barrier opens"))
    server.routes["/rss"] = [Route(rss(first)), Route(rss([("item-7", server.url("/a/7")), *first]))]
    cycle = fws.watch(server.url("/rss"), once=True)
    assert cycle is not None and cycle.analysis is not None and cycle.analysis.analyzed == 1
    cycle = fws.watch(server.url("/rss"), once=True)  # the feed now carries a new article
    assert cycle is not None and cycle.analysis is not None and cycle.analysis.analyzed == 1
    (new_id,) = cycle.polls[0].ingest.ingested
    assert fws.get(new_id).title == "Port Elden flood barrier opens"
    assert fws.store.pending_analysis() == []
    ferrand = fws.entity("Odile Ferrand")
    assert new_id in ferrand.article_ids and len(ferrand.article_ids) == 2
    (first_id,) = [a.id for a in fws.articles() if a.id != new_id]
    (story,) = [s for s in fws.stories(limit=None) if new_id in s.article_ids]
    assert first_id in story.article_ids  # both report Odile Ferrand opening the council works


def test_an_unreachable_robots_txt_means_nothing_is_fetched(fws: storyline.Workspace, server: FeedServer) -> None:
    server.routes["/robots.txt"] = Route("busy", status=503, content_type="text/plain")
    server.routes["/rss"] = Route(rss(add_pages(server, [0])))
    (result,) = poll(fws, server.url("/rss")).polls
    assert "robots.txt" in (result.error or "") and "unreachable" in (result.error or "")
    assert server.hits("/rss") == 0 and fws.count() == 0


def test_connections_are_pinned_to_vetted_addresses(server: FeedServer) -> None:
    """The guard also sits under httpx, so a host whose DNS answer changes after the check is still refused."""
    with Fetcher(Settings()) as fetcher:
        backend = fetcher._client._transport._pool._network_backend  # type: ignore[attr-defined]
        assert isinstance(backend, _GuardedBackend)
        with pytest.raises(FetchError, match="private, loopback"):
            backend.connect_tcp("127.0.0.1", server.port)
    assert server.log == []
