"""Reads and writes of the feed tables: watched feeds, their validators and schedule, and the items seen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import duckdb

from storyline.model import FeedStatus

_FEED_COLUMNS = (
    "f.url, f.title, f.last_polled, f.last_success, f.last_error, f.last_error_at, f.failures, "
    "(SELECT count(*) FROM feed_items i WHERE i.feed_url = f.url), f.next_poll, f.etag, f.last_modified"
)


@dataclass(frozen=True)
class ItemOutcome:
    """What became of one feed item in one poll."""

    key: str
    url: str | None
    status: str  # 'stored', 'skipped' (for good) or 'failed' (tried again at the next poll)
    article_id: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class PollResult:
    """What one poll changes in a feed's row: validators and title on success, the error on failure."""

    polled_at: datetime
    next_poll: datetime
    error: str | None = None
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None


class FeedTables:
    """Mixed into Store: ``self._con`` is the DuckDB connection, ``self._transaction()`` a transaction."""

    _con: duckdb.DuckDBPyConnection

    def _transaction(self) -> Any: ...

    def add_feeds(self, urls: Sequence[str]) -> list[str]:
        """Start watching these feeds (known ones are left as they are); return the ones that were new."""
        if not urls:
            return []
        now = datetime.now(timezone.utc)
        rows = self._con.execute(
            "INSERT INTO feeds (url, added_at, next_poll) SELECT unnest(?), ?, ? ON CONFLICT DO NOTHING RETURNING url",
            [list(dict.fromkeys(urls)), now, now],
        ).fetchall()
        return [r[0] for r in rows]

    def feed_statuses(self, urls: Sequence[str] | None = None) -> list[FeedStatus]:
        """Every watched feed (or these ones), in the order they were added."""
        where, params = ("WHERE f.url IN (SELECT unnest(?))", [list(urls)]) if urls is not None else ("", [])
        rows = self._con.execute(
            f"SELECT {_FEED_COLUMNS} FROM feeds f {where} ORDER BY f.added_at, f.url", params
        ).fetchall()
        return [FeedStatus(*row) for row in rows]

    def due_feeds(self, now: datetime) -> list[str]:
        """Feeds whose next poll is due at ``now``, most overdue first."""
        rows = self._con.execute(
            "SELECT url FROM feeds WHERE next_poll IS NULL OR next_poll <= ? ORDER BY next_poll NULLS FIRST, url",
            [now],
        ).fetchall()
        return [r[0] for r in rows]

    def feed_items(self, feed_url: str, keys: Sequence[str]) -> dict[str, tuple[str, int]]:
        """(status, attempts) of each of these items already seen in this feed."""
        if not keys:
            return {}
        rows = self._con.execute(
            "SELECT item_key, status, attempts FROM feed_items WHERE feed_url = ? AND item_key IN (SELECT unnest(?))",
            [feed_url, list(keys)],
        ).fetchall()
        return {r[0]: (r[1], int(r[2])) for r in rows}

    def save_poll(self, feed_url: str, result: PollResult, items: Sequence[ItemOutcome] = ()) -> None:
        """Record one poll of a feed and what became of its items, in one transaction."""
        with self._transaction():
            if items:
                columns = [
                    [i.key for i in items],
                    [i.url for i in items],
                    [i.status for i in items],
                    [i.article_id for i in items],
                    [i.reason for i in items],
                ]
                self._con.execute(
                    "INSERT INTO feed_items SELECT ?, unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), 1, ?, ? "
                    "ON CONFLICT (feed_url, item_key) DO UPDATE SET url = excluded.url, status = excluded.status, "
                    "article_id = excluded.article_id, reason = excluded.reason, "
                    "attempts = feed_items.attempts + 1, updated_at = excluded.updated_at",
                    [feed_url, *columns, result.polled_at, result.polled_at],
                )
            if result.error is None:
                self._con.execute(
                    "UPDATE feeds SET title = coalesce(?, title), etag = ?, last_modified = ?, last_polled = ?, "
                    "last_success = ?, failures = 0, next_poll = ? WHERE url = ?",
                    [
                        result.title,
                        result.etag,
                        result.last_modified,
                        result.polled_at,
                        result.polled_at,
                        result.next_poll,
                        feed_url,
                    ],
                )
            else:
                self._con.execute(
                    "UPDATE feeds SET last_polled = ?, last_error = ?, last_error_at = ?, failures = failures + 1, "
                    "next_poll = ? WHERE url = ?",
                    [result.polled_at, result.error, result.polled_at, result.next_poll, feed_url],
                )
