from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from storyline.errors import StoreError
from storyline.model import Article, RemovedLine
from storyline.store import MIGRATIONS, SCHEMA_VERSION, ArticleFilter, Store


def article(i: int, **kw: object) -> Article:
    base: dict[str, object] = {
        "id": f"a{i}",
        "text": f"Text {i}",
        "content_hash": f"h{i}",
        "published": datetime(2020, 1, i + 1, 12, tzinfo=timezone(timedelta(hours=-5))),
        "source": "Meridian Post" if i % 2 else "Capital Wire",
        "language": "en",
    }
    base.update(kw)
    return Article(**base)  # type: ignore[arg-type]


def test_migrations_run_once_and_are_recorded(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.migrate() == []
    con = duckdb.connect(str(path))
    names = [r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY version").fetchall()]
    con.close()
    assert names == [m.name for m in MIGRATIONS]


def test_add_is_idempotent_and_keeps_removed_lines(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        first = article(1, removed=(RemovedLine(0, "Share this article", "share"),))
        assert store.add_articles([first, article(2)]) == ["a1", "a2"]
        assert store.add_articles([article(1), article(3)]) == ["a3"]
        assert store.count_articles() == 3
        assert store.removed_lines("a1") == [RemovedLine(0, "Share this article", "share")]


def test_published_keeps_its_offset_and_filters_work(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.add_articles([article(i) for i in range(5)])
        got = store.get_article("a2")
        assert got is not None and got.published is not None
        assert got.published.utcoffset() == timedelta(hours=-5)
        assert got.published.hour == 12
        since = datetime(2020, 1, 3, tzinfo=timezone.utc)
        assert [a.id for a in store.articles(ArticleFilter(since=since))] == ["a2", "a3", "a4"]
        assert [a.id for a in store.articles(ArticleFilter(source="meridian post"))] == ["a1", "a3"]
        assert [a.id for a in store.articles(ArticleFilter(limit=2, offset=1))] == ["a1", "a2"]
        assert store.count_articles(ArticleFilter(source="Capital Wire")) == 3


def test_read_only_missing_store_and_foreign_file_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such store"):
        Store(tmp_path / "missing.duckdb", read_only=True)
    foreign = tmp_path / "foreign.duckdb"
    foreign.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match=r"foreign\.duckdb"):
        Store(foreign)
