"""The bundled demo corpus against its gold file: metadata, idempotence, and cleaning quality.

Floors (issue 2): boilerplate recall >= 0.95 and zero story sentences removed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest

import storyline
from storyline.ingest.dates import parse_published
from tests.conftest import DEMO

ARTICLES = DEMO / "articles"
GOLD = json.loads((DEMO / "gold.json").read_text(encoding="utf-8"))


def norm(text: str) -> str:
    return " ".join(text.split()).strip()


def names(author: str | None) -> set[str]:
    """Author names regardless of how they are joined ("A and B", "A, B")."""
    return {n.strip() for n in re.split(r",|\band\b|&", author or "") if n.strip()}


Demo = tuple[storyline.Workspace, dict[str, storyline.Article]]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo corpus ingested once; gold ``doc`` keys mapped to stored articles."""
    with storyline.open(tmp_path_factory.mktemp("demo") / "demo.duckdb") as ws:
        first = ws.ingest(ARTICLES)
        assert not first.skipped, [str(s) for s in first.skipped]
        stored = ws.articles()
        yield ws, {doc["doc"]: _find(stored, doc["doc"]) for doc in GOLD["articles"]}


def _find(stored: list[storyline.Article], doc: str) -> storyline.Article:
    """Files are found by their origin path, JSON Lines records by their id."""
    for article in stored:
        if article.id == doc or Path(article.origin).as_posix().endswith("/" + doc):
            return article
    raise AssertionError(f"gold document {doc} was not ingested")


def test_corpus_shape() -> None:
    assert len(GOLD["articles"]) >= 40
    assert len({a["source"] for a in GOLD["articles"]}) >= 6
    assert len(GOLD["events"]) >= 8 and len(GOLD["stories"]) >= 4
    assert {a["format"] for a in GOLD["articles"]} >= {"text", "html", "json"}


def test_ingesting_twice_stores_one_copy(demo: Demo) -> None:
    ws, _ = demo
    count = ws.count()
    assert count == len(GOLD["articles"])
    again = ws.ingest(ARTICLES)
    assert again.ingested == [] and len(again.duplicates) == count and ws.count() == count


def test_metadata_matches_gold(demo: Demo) -> None:
    _, articles = demo
    for gold in GOLD["articles"]:
        article = articles[gold["doc"]]
        assert article.source == gold["source"], gold["doc"]
        assert article.title == gold["title"], gold["doc"]
        assert names(article.author) == names(gold["author"]), gold["doc"]
        assert article.published == parse_published(gold["published"]), gold["doc"]
        assert article.language == gold["language"], gold["doc"]
        if gold.get("url"):
            assert article.url == gold["url"], gold["doc"]


def test_boilerplate_recall_at_least_95_percent(demo: Demo) -> None:
    _, articles = demo
    missed = [b for b in GOLD["boilerplate"] if norm(b["line"]) in norm(articles[b["doc"]].text)]
    recall = 1 - len(missed) / len(GOLD["boilerplate"])
    assert recall >= 0.95, f"recall {recall:.3f}; still in the text: {[m['line'] for m in missed]}"


def test_no_story_sentence_is_removed(demo: Demo) -> None:
    ws, articles = demo
    boilerplate: dict[str, set[str]] = {}
    for b in GOLD["boilerplate"]:
        boilerplate.setdefault(b["doc"], set()).add(norm(b["line"]))
    lost = []
    for doc, article in articles.items():
        kept = norm(" ".join(filter(None, [article.title, article.dek, article.text])))
        for raw, line in _source_lines(doc):
            if not {raw, line} & boilerplate.get(doc, set()) and line not in kept:
                lost.append((doc, line))
        for removed in ws.removed(article.id):
            if removed.rule != "headline" and norm(removed.text) not in boilerplate.get(doc, set()):
                lost.append((doc, removed.text))
    assert lost == []


def _source_lines(doc: str) -> list[tuple[str, str]]:
    """The human-visible lines of a gold document as written (story and boilerplate): (as is, unmarked)."""
    if doc.endswith((".txt", ".md")):
        text = (ARTICLES / doc).read_text(encoding="utf-8")
        body = text.split("\n\n", 1)[1] if re.match(r"^[A-Z][a-z]+: ", text) else text
        return [(norm(line), norm(line.lstrip("#*_ ").rstrip("*_ "))) for line in body.splitlines() if line.strip()]
    if doc.endswith(".html"):
        return [(p, p) for p in _html_paragraphs((ARTICLES / doc).read_text(encoding="utf-8"))]
    for path in sorted((ARTICLES / "jsonl").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record["id"] == doc:
                if record.get("text"):
                    return [(norm(x), norm(x)) for x in record["text"].splitlines() if x.strip()]
                return [(p, p) for p in _html_paragraphs(record["html"])]
    raise AssertionError(f"no source for {doc}")


def _html_paragraphs(html: str) -> list[str]:
    tree = lxml.html.document_fromstring(html)
    roots = tree.xpath("//article") or [tree.body]
    return [norm(p.text_content()) for root in roots for p in root.iter("p") if norm(p.text_content())]
