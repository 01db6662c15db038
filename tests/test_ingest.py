"""Ingest through the public API: formats, identity, idempotence, bad input, metadata fallbacks."""

import json
from pathlib import Path

import pytest

import storyline
from storyline import SkipReason
from tests.conftest import story

PAGE = """<!doctype html><html><head><title>Talks Resume | Meridian Post</title>
<meta property="og:title" content="Talks Resume in Geneva">
<meta property="og:site_name" content="Meridian Post">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2024-03-14T09:30:00+01:00">
<link rel="canonical" href="https://meridianpost.example/2024/03/14/talks?utm_source=x">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Talks Resume in Geneva</h1>
<p>GENEVA — Negotiators from five countries met on Thursday to discuss a ceasefire plan, officials said,
in talks that ran late into the evening.</p>
<p>Share this article</p>
<p>The delegations agreed to meet again next week, according to a statement released after the talks,
which were hosted by the Swiss government.</p>
</article><footer>© 2024 Meridian Post</footer></body></html>"""


def test_html_page_metadata_and_clean_text(ws: storyline.Workspace, tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(PAGE)
    report = ws.ingest(tmp_path / "page.html")
    assert len(report.ingested) == 1 and not report.skipped
    a = ws.get(report.ingested[0])
    assert a.title == "Talks Resume in Geneva"
    assert a.source == "Meridian Post"
    assert a.author == "Jane Doe"
    assert a.published is not None and a.published.isoformat() == "2024-03-14T09:30:00+01:00"
    assert a.url == "https://meridianpost.example/2024/03/14/talks"  # tracking parameter dropped
    assert a.language == "en"
    assert "Share this article" not in a.text
    assert a.text.startswith("GENEVA — Negotiators") and "hosted by the Swiss government." in a.text
    assert any(r.text == "Share this article" for r in ws.removed(a.id))


def test_same_article_twice_is_stored_once(ws: storyline.Workspace, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A Headline\n\n" + story(1))
    (tmp_path / "copy.txt").write_text("A Headline\n\n" + story(1))
    first = ws.ingest(tmp_path / "a.txt")
    second = ws.ingest(tmp_path)
    assert len(first.ingested) == 1
    assert second.ingested == [] and second.duplicates == first.ingested * 2
    assert ws.count() == 1


def test_caller_id_is_kept_and_url_identifies(ws: storyline.Workspace, tmp_path: Path) -> None:
    records = [
        {"id": "bench-7", "text": story(1), "title": "T1", "source": "S", "published": "2024-01-02"},
        {"url": "https://x.example/a#frag", "text": story(2), "title": "T2"},
        {"url": "https://X.example/a/?utm_medium=rss", "text": story(3), "title": "T2 edited"},
    ]
    (tmp_path / "r.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    report = ws.ingest(tmp_path / "r.jsonl")
    assert report.ingested[0] == "bench-7"
    assert len(report.ingested) == 2 and len(report.duplicates) == 1
    assert ws.get("bench-7").published.isoformat() == "2024-01-02T00:00:00+00:00"


def test_source_and_published_fill_gaps_only(ws: storyline.Workspace, tmp_path: Path) -> None:
    (tmp_path / "plain.txt").write_text("Headline Without Metadata\n\n" + story(4))
    (tmp_path / "own.txt").write_text("Source: Own Outlet\nPublished: 2020-05-01\n\nOwn Headline\n\n" + story(5))
    report = ws.ingest(tmp_path, source="Given Outlet", published="2024-03-14T10:00:00-05:00")
    by_title = {ws.get(i).title: ws.get(i) for i in report.ingested}
    plain, own = by_title["Headline Without Metadata"], by_title["Own Headline"]
    assert plain.source == "Given Outlet" and plain.published.isoformat() == "2024-03-14T10:00:00-05:00"
    assert own.source == "Own Outlet" and own.published.isoformat() == "2020-05-01T00:00:00+00:00"


def test_bad_published_is_a_warning_not_a_skip(ws: storyline.Workspace, tmp_path: Path) -> None:
    (tmp_path / "r.jsonl").write_text(json.dumps({"id": "x", "text": story(), "published": "someday"}))
    report = ws.ingest(tmp_path / "r.jsonl")
    assert report.ingested == ["x"] and ws.get("x").published is None
    assert "someday" in report.warnings[0]


def test_bad_published_flag_fails_before_reading(ws: storyline.Workspace, tmp_path: Path) -> None:
    with pytest.raises(storyline.InputError, match="not in a format"):
        ws.ingest(tmp_path, published="the day after tomorrow-ish")


def test_non_english_is_stored_and_marked(ws: storyline.Workspace, tmp_path: Path) -> None:
    (tmp_path / "es.txt").write_text(
        "Cumbre en Singapur\n\nLos dos líderes se reunieron el martes en Singapur y firmaron una declaración "
        "conjunta en la que se comprometen a trabajar por la desnuclearización completa de la península.\n"
    )
    report = ws.ingest(tmp_path / "es.txt")
    article = ws.get(report.ingested[0])
    assert article.language == "es" and not article.is_english
    assert [a.id for a in ws.articles(language="es")] == [article.id]


def test_stdin(ws: storyline.Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    payload = json.dumps({"id": "from-stdin", "text": story(9)}).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(payload)))
    assert ws.ingest("-").ingested == ["from-stdin"]


def test_ingest_records_api(ws: storyline.Workspace) -> None:
    report = ws.ingest_records([{"id": "r1", "text": story(1)}, {"id": "r2"}, "nope"])  # type: ignore[list-item]
    assert report.ingested == ["r1"]
    assert [s.reason for s in report.skipped] == [SkipReason.NO_TEXT, SkipReason.MALFORMED]


def test_mixed_directory_ingests_good_files_and_reports_each_bad_one(ws: storyline.Workspace, tmp_path: Path) -> None:
    good = tmp_path / "in"
    good.mkdir()
    (good / "good1.txt").write_text("Good One\n\n" + story(1))
    (good / "good2.html").write_text(PAGE)
    (good / "good3.jsonl").write_text(json.dumps({"id": "g3", "text": story(3)}) + "\n{broken\n")
    (good / "latin1.txt").write_bytes(("Titre\n\n" + "Le président a parlé à Genève. " * 5).encode("latin-1"))
    (good / "empty.txt").write_text("")
    (good / "binary.html").write_bytes(bytes(range(256)) * 10)
    (good / "malformed.html").write_text("<html><body><div><p>" + story(5).replace("\n\n", "<p>") + "<b>unclosed &&")
    (good / "nav-only.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    (good / "huge.txt").write_text("word " * 3_000_000)
    (good / "bad.json").write_text("[{]")
    (good / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    before = ws.ingest_records([{"id": "already", "text": story(0)}])
    assert before.ingested == ["already"]
    report = ws.ingest(good, tmp_path / "does-not-exist.txt")
    reasons = {Path(s.origin.split(":")[0]).name: s.reason for s in report.skipped}
    assert reasons == {
        "good3.jsonl": SkipReason.MALFORMED,
        "empty.txt": SkipReason.EMPTY,
        "binary.html": SkipReason.BINARY,
        "nav-only.html": SkipReason.NO_TEXT,
        "huge.txt": SkipReason.TOO_LARGE,
        "bad.json": SkipReason.MALFORMED,
        "photo.jpg": SkipReason.UNSUPPORTED,
        "does-not-exist.txt": SkipReason.UNREADABLE,
    }
    assert len(report.ingested) == 5  # good1, good2, g3, latin1, malformed (parsed leniently)
    assert ws.count() == 6 and ws.get("already").text.startswith("GENEVA")


def test_inputs_seen_before_are_not_built_again(
    ws: storyline.Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.txt").write_text("A Headline\n\n" + story(1))
    first = ws.ingest(tmp_path)
    import storyline.pipeline

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("an input seen before was built again")

    monkeypatch.setattr(storyline.pipeline, "build_article", fail)
    assert ws.ingest(tmp_path).duplicates == first.ingested
