"""The command line's renderers: each thing a command shows, as terminal text (Rich) or as JSON.

cli.py parses flags and calls the Workspace; these turn what it returns (models and views) into text
(tables on stdout; warnings and progress bars on stderr) or JSON (each thing's ``to_dict()``).
Markdown and HTML reports come from report.py.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from storyline.model import (
    Action,
    AnalyzeReport,
    Article,
    ClusterReport,
    Entity,
    FeedPoll,
    FeedStatus,
    IngestReport,
    MergedAction,
    Quote,
    RemovedLine,
    Skip,
    Story,
    Timeline,
)

if TYPE_CHECKING:
    from storyline.distributed import RayReport
    from storyline.watch import WatchCycle

out = Console()
err = Console(stderr=True, soft_wrap=True)


class Bar:
    """Adapts the library's progress protocol to a Rich progress bar on stderr."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task: Any = None

    def start(self, total: int | None, description: str) -> None:
        self._task = self._progress.add_task(description, total=total)

    def advance(self, amount: int) -> None:
        if self._task is not None:
            self._progress.advance(self._task, amount)


@contextmanager
def progress(quiet: bool = False) -> Iterator[Bar]:
    """A transient progress bar on stderr (off when quiet or not a terminal), given to the library."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True, disable=quiet or not err.is_terminal) as bar:
        yield Bar(bar)


def table(*columns: tuple[str, dict[str, Any]], show_lines: bool = False) -> Table:
    """A plain Rich table with these (header, column options) columns."""
    found = Table(header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False, show_lines=show_lines)
    for name, options in columns:
        found.add_column(name, **options)
    return found


def to_dict(thing: Any) -> Any:
    """The JSON form of a view or model: its ``to_dict()`` (docs/schema.md); plain data as it is."""
    return thing.to_dict() if hasattr(thing, "to_dict") else thing


def as_json(found: Any) -> None:
    """A list as JSON Lines, one thing as one indented JSON object; non-ASCII text kept as is."""
    for thing in found if isinstance(found, list) else [found]:
        indent = None if isinstance(found, list) else 2
        sys.stdout.write(json.dumps(to_dict(thing), ensure_ascii=False, indent=indent) + "\n")


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment is not None else "never"


def skips(skipped: Sequence[Skip], warnings: Sequence[str] = ()) -> None:
    for skip in skipped:
        err.print(f"[yellow]skipped[/] {escape(str(skip))}")
    for warning in warnings:
        err.print(f"[yellow]warning[/] {escape(warning)}")


def failures(failed: Sequence[tuple[str, str]]) -> None:
    for article_id, error in failed:
        err.print(f"[yellow]warning[/] {escape(article_id)}: {escape(error)} (please report this)")


def ingest_report(report: IngestReport, total: int, quiet: bool) -> None:
    if not quiet:
        skips(report.skipped, report.warnings)
    out.print(
        f"ingested [bold]{len(report.ingested)}[/], duplicates {len(report.duplicates)}, "
        f"skipped {len(report.skipped)}, warnings {len(report.warnings)}; the store holds {total} articles"
    )


def analysis(report: AnalyzeReport) -> None:
    failures(report.failed)
    rate = f" ({report.words / report.seconds:,.0f} words/s)" if report.seconds and report.words else ""
    out.print(
        f"analyzed [bold]{report.analyzed}[/] articles, {report.words:,} words{rate}; "
        f"skipped {len(report.skipped)} (not English); {report.entities} entities"
    )


def clustering(report: ClusterReport) -> None:
    out.print(
        f"stories: [bold]{report.stories}[/] from {report.events} events; placed {report.clustered} articles, "
        f"{report.reprints} reprints found, {report.summarized} summaries written"
    )


def ray_report(report: RayReport, out_dir: Path, quiet: bool) -> None:
    if not quiet:
        skips(report.skipped)
    failures(report.failed)
    rate = f" ({report.words / report.analysis_seconds:,.0f} words/s)" if report.analysis_seconds else ""
    out.print(
        f"ray: {report.shards} shards ({report.resumed} done before), {report.articles} articles, "
        f"{report.duplicates} duplicates, skipped {len(report.skipped)}; {report.words:,} words{rate}"
    )
    out.print(
        f"stories: [bold]{report.stories}[/] from {report.events} events, {report.entities} entities, "
        f"{report.summarized} summaries; Parquet in {escape(str(out_dir))} (storyline load {escape(str(out_dir))})"
    )


def cycle(found: WatchCycle) -> None:
    """After a round of polls: the analysis of what it stored."""
    if found.analysis is not None:
        analysis(found.analysis)


def poll(found: FeedPoll, quiet: bool) -> None:
    if found.error is not None:
        err.print(f"[red]failed[/] {escape(found.url)}: {escape(found.error)}")
        return
    if not quiet:
        skips(found.ingest.skipped, found.ingest.warnings)
    if found.not_modified:
        out.print(f"{escape(found.url)}: not modified")
        return
    ingest = found.ingest
    out.print(
        f"{escape(found.url)}: {found.entries} items, {found.new} new; ingested [bold]{len(ingest.ingested)}[/], "
        f"duplicates {len(ingest.duplicates)}, skipped {len(ingest.skipped)}"
    )


def articles(found: Sequence[Article], limit: int) -> None:
    rows = table(
        ("id", {"no_wrap": True, "min_width": max((len(a.id) for a in found), default=2)}),
        ("published", {"no_wrap": True}),
        ("source", {"max_width": 22}),
        ("lang", {"no_wrap": True}),
        ("title", {"ratio": 1}),
    )
    for a in found:
        date = a.published.strftime("%Y-%m-%d") if a.published else ""
        rows.add_row(escape(a.id), date, escape(a.source or ""), a.language or "", escape(a.title or ""))
    out.print(rows)
    if len(found) == limit:
        out.print(f"[dim]first {limit} shown; use --limit and --offset for more[/]")


def article(found: Article, removed: Sequence[RemovedLine] | None) -> None:
    """Metadata and clean text; with ``removed`` (not None), what cleaning removed, by rule."""
    out.print(f"[bold]{escape(found.title or '(no title)')}[/]")
    if found.dek:
        out.print(f"[italic]{escape(found.dek)}[/]")
    meta = [found.source, found.author, found.published.isoformat() if found.published else None]
    out.print("[dim]" + escape(" · ".join(m for m in meta if m)) + "[/]")
    out.print(f"[dim]id {escape(found.id)} · language {found.language} · {escape(found.url or found.origin)}[/]\n")
    for paragraph in found.paragraphs:
        out.print(escape(paragraph) + "\n")
    if removed is not None:
        rows = Table("line", "rule", "removed text", title="Removed by cleaning", header_style="bold")
        for r in removed:
            rows.add_row(str(r.line_no + 1), r.rule, escape(r.text))
        out.print(rows if removed else "[dim]cleaning removed nothing[/]")


def stories(found: Sequence[Story]) -> None:
    rows = table(
        ("id", {"no_wrap": True}),
        ("title", {"ratio": 1, "min_width": 20}),
        ("events", {"justify": "right"}),
        ("articles", {"justify": "right", "no_wrap": True}),
        ("sources", {"justify": "right", "no_wrap": True}),
        ("dates", {"no_wrap": True}),
    )
    for s in found:
        first = s.first.date().isoformat() if s.first else "undated"
        last = s.last.date().isoformat() if s.last else first
        dates = first if last == first else f"{first}\n{last}"
        rows.add_row(s.id, escape(s.title), str(len(s.event_ids)), str(len(s.article_ids)), f"{s.independent}", dates)
    out.print(rows)
    if not found:
        err.print("no stories yet: run `storyline run PATH...` (or `storyline cluster` after analyze)")


def entities(found: Sequence[Entity]) -> None:
    rows = table(
        ("name", {"ratio": 2}),
        ("type", {"no_wrap": True}),
        ("mentions", {"justify": "right"}),
        ("articles", {"justify": "right"}),
        ("also called", {"ratio": 2}),
        ("titles", {"ratio": 3}),
    )
    for e in found:
        aliases = ", ".join(a for a in e.aliases if a.casefold() != e.name.casefold())
        titles = "; ".join(dict.fromkeys(t.title for t in e.titles))
        rows.add_row(escape(e.name), e.type, str(e.mentions), str(len(e.article_ids)), escape(aliases), escape(titles))
    out.print(rows)


def quotes(found: Sequence[Quote], names: dict[str, str]) -> None:
    """Quotes with their speakers (``names``: entity id -> canonical name)."""
    rows = table(
        ("speaker", {"ratio": 1}),
        ("kind", {"no_wrap": True}),
        ("quote", {"ratio": 4}),
        ("article", {"no_wrap": True}),
        show_lines=True,
    )
    for q in found:
        who = names.get(q.speaker_entity_id or "") or (q.speaker or "[dim]unknown[/]")
        who = escape(who) if q.speaker or q.speaker_entity_id else who
        rows.add_row(who, str(q.kind), escape(q.text), escape(q.article_id))
    out.print(rows)


def actions(found: Sequence[Action | MergedAction], merged: bool) -> None:
    """Action records, or (``merged``) records merged per happening with their number of sources."""
    rows = table(
        ("date", {"no_wrap": True}),
        ("source", {"ratio": 1}),
        ("action", {"no_wrap": True}),
        ("target", {"ratio": 1}),
        ("as written", {"ratio": 1}),
        ("sources" if merged else "article", {"no_wrap": True}),
    )
    for row in found:
        flags = ("not " if row.negated else "") + ("" if row.mode == "did" else f"({row.mode}) ")
        if isinstance(row, MergedAction):
            where = f"{row.sources} ({len(row.sentences)} sentences)"
            written = row.sentences[0].text[:80] if row.sentences else ""
        else:
            where = f"{row.article_id}:{row.sentence}"
            written = row.verb + (f" [claimed by {row.claimed_by}]" if row.claimed_by else "")
        rows.add_row(escape(row.date or ""), escape(row.source.display), flags + row.type,
                     escape(row.target.display), escape(written), escape(where))  # fmt: skip
    out.print(rows)


def timeline(found: Timeline) -> None:
    out.print(f"[bold]{escape(found.title)}[/] [dim]{found.owner}[/]")
    for entry in found.entries:
        sources = ", ".join(dict.fromkeys(c.article_id for c in entry.citations))
        out.print(f"[bold]{entry.date}[/]  {escape(entry.text)} [dim]({escape(sources)})[/]")
    if found.volume:
        out.print("\n[bold]articles per day[/]")
        for day, n in found.volume:
            out.print(f"  {day}  {'█' * min(n, 60)} {n}")


def entity(found: Entity, quotes: Sequence[Quote], titles: dict[str, str | None]) -> None:
    """One entity with its titles' sources, its articles (``titles``: article id -> title) and quotes."""
    out.print(f"[bold]{escape(found.name)}[/] [dim]{found.type} · {found.id} · {found.mentions} mentions[/]")
    if found.aliases:
        out.print("also called: " + escape(", ".join(found.aliases)))
    for title in dict.fromkeys(t.title for t in found.titles):
        sources = sorted({t.article_id for t in found.titles if t.title == title})
        out.print(f"title: [italic]{escape(title)}[/] [dim]({escape(', '.join(sources))})[/]")
    out.print(f"\n[bold]{len(found.article_ids)} articles[/]")
    for article_id in found.article_ids:
        out.print(f"  {escape(article_id)}  {escape(titles.get(article_id) or '')}")
    out.print(f"\n[bold]{len(quotes)} quotes[/]")
    for q in quotes:
        out.print(f"  [dim]{q.kind} · {escape(q.article_id)}[/] “{escape(q.text)}”")


def feeds(found: Sequence[FeedStatus]) -> None:
    if not found:
        out.print("no feeds yet; add some with: storyline watch FEED_URL...")
        return
    rows = table(
        ("feed", {"ratio": 2}),
        ("last success", {"no_wrap": True}),
        ("last error", {"ratio": 2}),
        ("items", {"justify": "right"}),
        ("next poll", {"no_wrap": True}),
    )
    for f in found:
        name = f"{escape(f.title)}\n[dim]{escape(f.url)}[/]" if f.title else escape(f.url)
        error = ""
        if f.last_error and f.last_error_at and (f.last_success is None or f.last_error_at > f.last_success):
            error = f"[red]{escape(f.last_error)}[/] [dim]({when(f.last_error_at)}, {f.failures} in a row)[/]"
        elif f.last_error and f.last_error_at:
            error = f"[dim]{escape(f.last_error)} ({when(f.last_error_at)})[/]"
        rows.add_row(name, when(f.last_success), error, str(f.items_seen), when(f.next_poll))
    out.print(rows)
