"""The store: one DuckDB file; connection, migrations, transactions and the articles tables.

Every write of a batch is one transaction, so a process killed mid-ingest leaves the store as it was
after the last committed batch.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import duckdb

from storyline.errors import StoreError
from storyline.model import Article, RemovedLine
from storyline.store.actions import ActionTables
from storyline.store.analysis import AnalysisTables
from storyline.store.feeds import FeedTables
from storyline.store.schema import MIGRATIONS
from storyline.store.search import SearchReads
from storyline.store.stories import StoryReads, StoryTables

SCHEMA_VERSION = MIGRATIONS[-1].version

_ARTICLE_COLUMNS = (
    "id", "url", "source", "title", "dek", "author", "published", "published_offset", "language",
    "language_score", "text", "content_hash", "origin", "format", "ingested_at", "metadata",
)  # fmt: skip
EXPORT_COLUMNS = (
    "id", "source", "title", "dek", "author", "published", "url", "language", "text", "origin",
    "format", "ingested_at", "metadata",
)  # fmt: skip


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles to read; every field is optional."""

    source: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    language: str | None = None
    limit: int | None = None
    offset: int = 0


class Store(ActionTables, AnalysisTables, StoryTables, StoryReads, FeedTables, SearchReads):
    """A DuckDB file holding everything storyline knows."""

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        if read_only and not self.path.exists():
            raise StoreError(f"{self.path}: no such store; ingest something first (storyline ingest PATH)")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._con = duckdb.connect(str(self.path), read_only=read_only)
        except (duckdb.Error, OSError) as exc:
            raise StoreError(_explain_open_error(self.path, exc)) from exc
        self._con.execute("SET TimeZone = 'UTC'")
        if not read_only:
            self.migrate()
        elif self.schema_version() < SCHEMA_VERSION:
            self._upgrade_then_reopen()

    def _upgrade_then_reopen(self) -> None:
        """A store of an older schema opened for reading: migrate it (briefly writable), then read it.

        So a store an older version wrote (even one it broke, see schema 6) reads with this one at once.
        """
        version = self.schema_version()
        self._con.close()
        try:
            with Store(self.path) as writable:
                writable.migrate()
            self._con = duckdb.connect(str(self.path), read_only=True)
        except (duckdb.Error, OSError, StoreError) as exc:
            raise StoreError(
                f"{self.path}: store is at schema {version} and could not be upgraded to {SCHEMA_VERSION} "
                f"for reading ({exc}); open it for writing (e.g. storyline analyze) to migrate"
            ) from exc
        self._con.execute("SET TimeZone = 'UTC'")

    # -- lifecycle -------------------------------------------------------------------------------

    def close(self) -> None:
        self._con.close()

    def cursor(self) -> Store:
        """This store on its own DuckDB cursor, for another thread (a connection is not thread-safe)."""
        view = object.__new__(type(self))
        view.path, view._con = self.path, self._con.cursor()
        view._con.execute("SET TimeZone = 'UTC'")  # a cursor does not inherit its connection's settings
        return view

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Read in one transaction: every statement inside sees the same committed state."""
        self._con.execute("BEGIN TRANSACTION")
        try:
            yield
        finally:
            self._con.execute("ROLLBACK")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        exists = self._con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
        ).fetchone()
        if not exists or not exists[0]:
            return 0
        row = self._con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
        return int(row[0]) if row else 0

    def migrate(self) -> list[str]:
        """Apply every migration not yet applied, each in its own transaction; return their names."""
        self._con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
        )
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: store schema {current} is newer than this storyline ({SCHEMA_VERSION}); "
                "upgrade storyline"
            )
        applied = []
        for migration in MIGRATIONS:
            if migration.version <= current:
                continue
            with self._transaction():
                self._con.execute(migration.sql)
                self._con.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)", [migration.version, migration.name, _now()]
                )
            applied.append(migration.name)
        return applied

    def _transaction(self) -> _Transaction:
        return _Transaction(self._con)

    # -- articles --------------------------------------------------------------------------------

    def ids_for_urls(self, urls: Sequence[str]) -> dict[str, str]:
        """Map each given URL already stored to its article id."""
        if not urls:
            return {}
        rows = self._con.execute(
            "SELECT url, min(id) FROM articles WHERE url IN (SELECT unnest(?)) GROUP BY url", [list(urls)]
        ).fetchall()
        return {url: id_ for url, id_ in rows}

    def known_inputs(self, fingerprints: Sequence[str]) -> dict[str, str]:
        """Map each input fingerprint already seen to the article it gave."""
        if not fingerprints:
            return {}
        rows = self._con.execute(
            "SELECT raw_hash, article_id FROM inputs WHERE raw_hash IN (SELECT unnest(?))", [list(fingerprints)]
        ).fetchall()
        return {r[0]: r[1] for r in rows}

    def add_articles(self, articles: Sequence[Article], inputs: Sequence[tuple[str, str]] = ()) -> list[str]:
        """Insert articles not stored yet, and the fingerprints of the inputs that gave them (and any
        duplicates), in one transaction; return the ids that were new."""
        if not articles and not inputs:
            return []
        if not articles:
            with self._transaction():
                self._insert("inputs", list(inputs))
            return []
        columns = [list(col) for col in zip(*(_article_row(a) for a in articles), strict=True)]
        placeholders = ", ".join("unnest(?)::JSON" if name == "metadata" else "unnest(?)" for name in _ARTICLE_COLUMNS)
        removed = [(a.id, r.line_no, r.rule, r.text) for a in articles for r in a.removed]
        with self._transaction():
            new = self._con.execute(
                f"INSERT INTO articles ({', '.join(_ARTICLE_COLUMNS)}) SELECT {placeholders} "
                "ON CONFLICT DO NOTHING RETURNING id",
                columns,
            ).fetchall()
            new_ids = {r[0] for r in new}
            self._insert("inputs", list(inputs))
            rows = [r for r in removed if r[0] in new_ids]
            if rows:
                self._con.execute(
                    "INSERT INTO removed_lines SELECT unnest(?), unnest(?), unnest(?), unnest(?) "
                    "ON CONFLICT DO NOTHING",
                    [list(col) for col in zip(*rows, strict=True)],
                )
        return [a.id for a in articles if a.id in new_ids]

    def count_articles(self, flt: ArticleFilter | None = None) -> int:
        where, params = _filter_sql(flt or ArticleFilter(), order=False)
        row = self._con.execute(f"SELECT count(*) FROM articles {where}", params).fetchone()
        return int(row[0]) if row else 0

    def get_article(self, article_id: str) -> Article | None:
        rows = self._select_articles("WHERE id = ?", [article_id])
        return rows[0] if rows else None

    def articles_by_ids(self, ids: Sequence[str]) -> list[Article]:
        """Articles in the order of ``ids`` (missing ids are left out)."""
        found = {a.id: a for a in self._select_articles("WHERE id IN (SELECT unnest(?))", [list(ids)])}
        return [found[i] for i in ids if i in found]

    def articles(self, flt: ArticleFilter | None = None) -> list[Article]:
        where, params = _filter_sql(flt or ArticleFilter())
        return self._select_articles(where, params)

    def removed_lines(self, article_id: str) -> list[RemovedLine]:
        rows = self._con.execute(
            "SELECT line_no, text, rule FROM removed_lines WHERE article_id = ? ORDER BY line_no", [article_id]
        ).fetchall()
        return [RemovedLine(line_no=r[0], text=r[1], rule=r[2]) for r in rows]

    def _select_articles(self, where: str, params: list[Any]) -> list[Article]:
        cols = ", ".join(_ARTICLE_COLUMNS)
        rows = self._con.execute(f"SELECT {cols} FROM articles {where}", params).fetchall()
        return [_row_article(dict(zip(_ARTICLE_COLUMNS, row, strict=True))) for row in rows]

    # -- runs and export -------------------------------------------------------------------------

    def record_run(
        self, stage: str, started_at: datetime, stats: dict[str, Any], config: dict[str, Any] | None = None
    ) -> None:
        """Record one run: its counts, and ``config``: the stage versions and settings it ran with."""
        self._con.execute(
            "INSERT INTO runs (stage, started_at, finished_at, stats, config) VALUES (?, ?, ?, ?, ?)",
            [stage, started_at, _now(), json.dumps(stats), json.dumps(config) if config is not None else None],
        )

    def last_run_config(self, stage: str) -> dict[str, Any] | None:
        """The ``config`` the latest run of ``stage`` recorded (None: no run recorded one)."""
        row = self._con.execute(
            "SELECT config FROM runs WHERE stage = ? AND config IS NOT NULL ORDER BY id DESC LIMIT 1", [stage]
        ).fetchone()
        return json.loads(row[0]) if row else None

    def runs(self, stage: str | None = None) -> list[dict[str, Any]]:
        """Recorded runs, oldest first (of one stage, if given): stage, started_at, finished_at, stats, config."""
        rows = self._con.execute(
            "SELECT stage, started_at, finished_at, stats, config FROM runs WHERE ? IS NULL OR stage = ? ORDER BY id",
            [stage, stage],
        ).fetchall()
        return [
            {"stage": r[0], "started_at": r[1], "finished_at": r[2], "stats": json.loads(r[3]) if r[3] else None,
             "config": json.loads(r[4]) if r[4] else None}
            for r in rows
        ]  # fmt: skip

    def copy_articles(self, path: Path, fmt: str, flt: ArticleFilter | None = None) -> None:
        """Write articles to a Parquet or CSV file with DuckDB's own writer."""
        where, params = _filter_sql(flt or ArticleFilter())
        options = {"parquet": "FORMAT parquet", "csv": "FORMAT csv, HEADER true"}[fmt]
        select = ", ".join(
            "strftime(published, '%Y-%m-%dT%H:%M:%SZ') AS published" if c == "published" else c for c in EXPORT_COLUMNS
        )
        query = f"SELECT {select} FROM articles {where}"
        # COPY does not take prepared parameters: materialise the selection in a temporary view.
        self._con.execute("CREATE OR REPLACE TEMP TABLE _export AS " + query, params)
        try:
            self._con.execute(f"COPY _export TO '{_sql_path(path)}' ({options})")
        finally:
            self._con.execute("DROP TABLE IF EXISTS _export")


class _Transaction:
    """BEGIN/COMMIT around a block; ROLLBACK when it raises."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def __enter__(self) -> None:
        self._con.execute("BEGIN TRANSACTION")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self._con.execute("ROLLBACK" if exc_type else "COMMIT")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _article_row(a: Article) -> tuple[Any, ...]:
    offset = a.published.utcoffset() if a.published else None
    return (
        a.id, a.url, a.source, a.title, a.dek, a.author, a.published,
        int(offset.total_seconds()) if offset is not None else None,
        a.language, a.language_score, a.text, a.content_hash, a.origin, a.format,
        a.ingested_at or _now(), json.dumps(a.metadata, default=str, ensure_ascii=False),
    )  # fmt: skip


def _row_article(row: dict[str, Any]) -> Article:
    published = _stored_time(row["published"])
    if published is not None and row["published_offset"] is not None:
        published = _with_offset(published, row["published_offset"])
    metadata = row["metadata"]
    return Article(
        id=row["id"], url=row["url"], source=row["source"], title=row["title"], dek=row["dek"],
        author=row["author"], published=published, language=row["language"],
        language_score=row["language_score"], text=row["text"], content_hash=row["content_hash"],
        origin=row["origin"] or "", format=row["format"] or "", ingested_at=row["ingested_at"],
        metadata=json.loads(metadata) if isinstance(metadata, str) else (metadata or {}),
    )  # fmt: skip


def _stored_time(value: object) -> datetime | None:
    """A stored timestamp, or None when it is not one Python can hold.

    DuckDB hands back a TIMESTAMPTZ outside Python's years 1..9999 (stored by versions before schema 6
    from inputs such as 0001-01-01T00:00:00+14:00) as a string; such a value is read as no date.
    """
    return value if isinstance(value, datetime) else None


def _with_offset(moment: datetime, offset_seconds: object) -> datetime:
    """``moment`` in the offset the input gave, when that offset is a real one; else as stored (UTC)."""
    if not isinstance(offset_seconds, int) or abs(offset_seconds) >= 24 * 3600:
        return moment
    try:
        return moment.astimezone(timezone(timedelta(seconds=offset_seconds)))
    except (OverflowError, ValueError):
        return moment


def _filter_sql(flt: ArticleFilter, *, order: bool = True) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for clause, value in (
        ("lower(source) = lower(?)", flt.source),
        ("published >= ?", flt.since),
        ("published < ?", flt.until),
        ("language = ?", flt.language),
    ):
        if value is not None:
            clauses.append(clause)
            params.append(value)
    sql = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    if not order:
        return sql, params
    sql += " ORDER BY published NULLS LAST, id"
    if flt.limit is not None:
        sql += f" LIMIT {int(flt.limit)}"
    if flt.offset:
        sql += f" OFFSET {int(flt.offset)}"
    return sql, params


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _explain_open_error(path: Path, exc: Exception) -> str:
    text = str(exc)
    if "lock" in text.lower():
        return f"{path}: the store is in use by another storyline process; wait for it or use another --db"
    if "not a valid DuckDB" in text or "database file" in text.lower():
        return f"{path}: not a storyline store (not a DuckDB file); choose another --db path"
    return f"{path}: cannot open the store: {text}"
