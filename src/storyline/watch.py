"""Live sources: the poll loop that turns new feed items into stored, analyzed articles. It fetches with
``storyline.fetch.Fetcher`` (the polite, guarded HTTP client) and holds no HTTP code of its own.

State lives in the store (``feeds``, ``feed_items``): a feed's validators and schedule, and every item seen
with what became of it. An item whose article is stored is never fetched again, even when the process was
killed between storing the article and recording the item (the article is found by its URL).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from storyline import stages
from storyline.errors import InputError
from storyline.fetch import Fetched, Fetcher, FetchError
from storyline.ingest.article import BuildOptions
from storyline.ingest.edge import normalize_text
from storyline.ingest.feeds import entry_document, parse_feed
from storyline.model import AnalyzeReport, FeedEntry, FeedPoll, RawDocument, Skip, SkipReason
from storyline.settings import Settings
from storyline.store import Store
from storyline.store.feeds import ItemOutcome, PollResult

__all__ = ["WatchCycle", "poll_feed", "poll_once", "watch"]
log = logging.getLogger(__name__)
MAX_ITEM_ATTEMPTS = 3  # an item whose page failed this many polls in a row is given up (status 'failed')


# -- polling --------------------------------------------------------------------------------------


@dataclass
class WatchCycle:
    """One round of polls, and the analysis of what it stored."""

    polls: list[FeedPoll] = field(default_factory=list)
    analysis: AnalyzeReport | None = None


def poll_feed(store: Store, fetcher: Fetcher, url: str, settings: Settings, options: BuildOptions) -> FeedPoll:
    """Poll one feed: fetch it (conditionally), fetch and store each new item, record everything."""
    store.add_feeds([url])
    (state,) = store.feed_statuses([url])
    poll = FeedPoll(url)
    now = datetime.now(timezone.utc)
    try:
        fetched = fetcher.get(url, etag=state.etag, last_modified=state.last_modified)
        if fetched.status == 304:
            poll.not_modified = True
            store.save_poll(url, PollResult(now, _next_poll(now, settings, 0), None, None, state.etag,
                                            state.last_modified))  # fmt: skip
            return poll
        feed = parse_feed(fetched.content, fetched.url, fetched.content_type)
    except (FetchError, InputError) as exc:
        poll.error = str(exc)
        store.save_poll(url, PollResult(now, _next_poll(now, settings, state.failures + 1), poll.error))
        return poll
    if feed.problem:
        poll.ingest.warnings.append(f"{url}: the feed is not well-formed ({feed.problem}); read leniently")
    entries = list({e.key: e for e in reversed(feed.entries)}.values())[::-1]  # one per key, feed order
    poll.entries = len(entries)
    seen = store.feed_items(url, [e.key for e in entries])
    poll.new = sum(1 for e in entries if e.key not in seen)
    retry = {k for k, (status, attempts) in seen.items() if status == "failed" and attempts < MAX_ITEM_ATTEMPTS}
    todo = [e for e in entries if e.key not in seen or e.key in retry]
    outcomes = _fetch_and_store(store, fetcher, todo, url, feed.title, settings, options, poll)
    store.save_poll(url, PollResult(now, _next_poll(now, settings, 0), None, feed.title, fetched.etag,
                                    fetched.last_modified), outcomes)  # fmt: skip
    return poll


def _fetch_and_store(
    store: Store,
    fetcher: Fetcher,
    entries: list[FeedEntry],
    feed_url: str,
    feed_title: str | None,
    settings: Settings,
    options: BuildOptions,
    poll: FeedPoll,
) -> list[ItemOutcome]:
    outcomes: list[ItemOutcome] = []
    # Already stored (from another feed, or by a run killed before it recorded the item): never fetched again.
    stored = store.ids_for_urls([e.url for e in entries if e.url])
    for entry in entries:
        if entry.url in stored:
            outcomes.append(ItemOutcome(entry.key, entry.url, "stored", stored[entry.url]))
            poll.ingest.duplicates.append(stored[entry.url])
    todo = [e for e in entries if e.url not in stored]
    by_url: dict[str, FeedEntry] = {}
    for entry in todo:  # two items of one feed linking one page: fetched once
        if entry.url and entry.url not in by_url:
            by_url[entry.url] = entry

    def fetch(entry: FeedEntry) -> Fetched | FetchError:
        try:
            return fetcher.get(entry.url or "", html_only=True)
        except FetchError as exc:
            return exc
        except Exception as exc:  # recorded on the item (tried again at the next poll), never the feed's end
            log.exception("fetching %s failed", entry.url)
            return FetchError(_unexpected(exc))

    with ThreadPoolExecutor(max_workers=settings.fetch_workers) as pool:
        pages = dict(zip(by_url, pool.map(fetch, by_url.values()), strict=True))
    docs: list[tuple[FeedEntry, RawDocument]] = []
    for entry in todo:
        page = pages.get(entry.url) if entry.url else None
        if isinstance(page, FetchError):
            status = "skipped" if page.permanent else "failed"
            outcomes.append(ItemOutcome(entry.key, entry.url, status, None, f"{page.reason.value}: {page}"))
            poll.ingest.skipped.append(Skip(entry.url or entry.key, page.reason, str(page)))
            continue
        try:
            html = page.text() if page is not None else None
            docs.append((entry, entry_document(entry, feed_url, feed_title, html, page.url if page else None)))
        except InputError as exc:
            reason = SkipReason(exc.reason)
            outcomes.append(ItemOutcome(entry.key, entry.url, "skipped", None, f"{reason.value}: {exc}"))
            poll.ingest.skipped.append(Skip(entry.url or entry.key, reason, str(exc)))
        except Exception as exc:  # one item's unexpected failure skips it; the feed's other items go on
            log.exception("reading item %s of %s failed", entry.key, feed_url)
            detail = _unexpected(exc)
            outcomes.append(ItemOutcome(entry.key, entry.url, "skipped", None, f"malformed: {detail}"))
            poll.ingest.skipped.append(Skip(entry.url or entry.key, SkipReason.MALFORMED, detail))
    if not docs:
        return outcomes
    report = stages.ingest_documents(store, [d for _, d in docs], settings, options)
    poll.ingest.merge(report)
    skips = {s.origin: s for s in report.skipped}
    ids = store.ids_for_urls([e.url for e, _ in docs if e.url])
    for entry, doc in docs:
        skip = skips.get(doc.origin)
        if skip is not None:
            outcomes.append(ItemOutcome(entry.key, entry.url, "skipped", None, f"{skip.reason.value}: {skip.detail}"))
        else:
            outcomes.append(ItemOutcome(entry.key, entry.url, "stored", ids.get(entry.url or "")))
    return outcomes


def _next_poll(now: datetime, settings: Settings, failures: int) -> datetime:
    """The regular interval; after failures, doubled for each one in a row, up to ``max_backoff``."""
    wait = settings.poll_interval if failures == 0 else min(settings.poll_interval * 2**failures, settings.max_backoff)
    return now + timedelta(seconds=wait)


def poll_once(
    store: Store,
    fetcher: Fetcher,
    urls: Sequence[str],
    settings: Settings,
    options: BuildOptions,
    on_poll: Callable[[FeedPoll], None] | None = None,
    analyze: bool = True,
) -> WatchCycle:
    """Poll each feed once (a failing feed is reported and the others go on), then analyze what is new."""
    cycle = WatchCycle()
    for url in urls:
        try:
            poll = poll_feed(store, fetcher, url, settings, options)
        except Exception as exc:  # one feed's unexpected failure is recorded on it; the others are polled
            log.exception("polling %s failed", url)
            poll = FeedPoll(url, error=_unexpected(exc))
            _record_failure(store, url, settings, poll.error or "")
        cycle.polls.append(poll)
        if on_poll:
            on_poll(poll)
    if analyze and stages.pending(store, settings):  # also what a killed run stored but did not analyze
        cycle.analysis = stages.update(store, settings).analysis
    return cycle


def _unexpected(exc: BaseException) -> str:
    return f"unexpected error ({type(exc).__name__}: {normalize_text(str(exc))[:300]})"


def _record_failure(store: Store, url: str, settings: Settings, message: str) -> None:
    """Record a failed poll on its feed (last error, failures in a row, later next poll); never raises."""
    try:
        failures = next((f.failures for f in store.feed_statuses([url])), 0)
        now = datetime.now(timezone.utc)
        store.save_poll(url, PollResult(now, _next_poll(now, settings, failures + 1), message))
    except Exception:
        log.exception("recording the failure of %s failed too", url)


def watch(
    store: Store,
    urls: Sequence[str],
    settings: Settings,
    options: BuildOptions,
    *,
    once: bool = False,
    analyze: bool = True,
    on_poll: Callable[[FeedPoll], None] | None = None,
    on_cycle: Callable[[WatchCycle], None] | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Watch feeds: ``urls`` (added to the store), or every feed the store knows when none are given.

    ``once`` polls each feed once, due or not, and returns. Otherwise polls each feed when it is due (every
    ``poll_interval``, later after failures) until ``stop`` is set; the schedule is in the store, so a restart
    goes on where the last run left off.
    """
    store.add_feeds(list(urls))
    watched = list(dict.fromkeys(urls)) or [f.url for f in store.feed_statuses()]
    stop = stop or threading.Event()
    with Fetcher(settings) as fetcher:
        while True:
            wait = float(settings.poll_interval)
            try:
                now = datetime.now(timezone.utc)
                due = watched if once else [u for u in store.due_feeds(now) if u in set(watched)]
                if once or due or (analyze and store.pending_analysis()):
                    cycle = poll_once(store, fetcher, due, settings, options, on_poll, analyze)
                    if on_cycle:
                        on_cycle(cycle)
                if once:
                    return
                upcoming = [f.next_poll for f in store.feed_statuses(watched) if f.next_poll is not None]
                if upcoming:
                    wait = (min(upcoming) - datetime.now(timezone.utc)).total_seconds()
            except Exception:  # e.g. the analysis of a cycle failed: logged, and the watch goes on
                if once:
                    raise
                log.exception("a watch cycle failed; trying again after %.0f s", wait)
            if stop.wait(max(0.5, min(wait, settings.poll_interval))):
                return
