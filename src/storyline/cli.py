"""The ``storyline`` command: thin commands that parse flags, call the library, and render.

Exit codes: 0 success; 1 an error stopped the command (message on stderr); 2 wrong usage;
3 ingest finished but skipped some inputs, or watch --once finished but some feeds or items failed (each
listed with its reason).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

import storyline
from storyline.errors import ConfigError, StorylineError
from storyline.export import (
    EXPORT_FORMATS,
    article_to_dict,
    entity_to_dict,
    quote_to_dict,
    story_to_dict,
)
from storyline.ingest.feeds import parse_opml
from storyline.model import AnalyzeReport, ClusterReport, Entity, FeedPoll, IngestReport, Quote
from storyline.report import REPORT_FORMATS, render
from storyline.report import build as build_report
from storyline.settings import DEFAULT_DB, Settings

EXIT_ERROR, EXIT_USAGE, EXIT_SKIPPED = 1, 2, 3

app = typer.Typer(
    name="storyline",
    help="Turn a pile of news articles into stories: clean articles, events, entities, quotes, timelines.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True, soft_wrap=True)


class _State:
    db: Path | None = None
    config: Path | None = None


state = _State()


def _version(value: bool) -> None:
    if value:
        out.print(f"storyline {storyline.__version__}")
        raise typer.Exit()


@app.callback()
def main(
    db: Annotated[
        Path | None,
        typer.Option("--db", envvar="STORYLINE_DB", help=f"The store (a DuckDB file). [default: ./{DEFAULT_DB}]"),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="A storyline.toml settings file.", exists=True, dir_okay=False)
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """storyline: news articles in, stories out. Everything lives in one DuckDB file (--db)."""
    state.db, state.config = db, config


def _open(read_only: bool = False, **overrides: Any) -> storyline.Workspace:
    settings = Settings.load(state.config, db=state.db, **overrides)
    return storyline.Workspace(settings, read_only=read_only)


def _print_json(record: Any, indent: int | None = None) -> None:
    """One JSON value on stdout (a JSON Lines line without ``indent``), non-ASCII text kept as is."""
    sys.stdout.write(json.dumps(record, ensure_ascii=False, indent=indent) + "\n")


def _table(*columns: tuple[str, dict[str, Any]], show_lines: bool = False) -> Table:
    """A plain Rich table with these (header, column options) columns."""
    table = Table(header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False, show_lines=show_lines)
    for name, options in columns:
        table.add_column(name, **options)
    return table


def _fail(exc: StorylineError) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(str(exc))}")
    return typer.Exit(EXIT_ERROR)


class _Bar:
    """Adapts the library's progress protocol to a Rich progress bar on stderr."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task: Any = None

    def start(self, total: int | None, description: str) -> None:
        self._task = self._progress.add_task(description, total=total)

    def advance(self, amount: int) -> None:
        if self._task is not None:
            self._progress.advance(self._task, amount)


def _progress(quiet: bool = False) -> Progress:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    return Progress(*columns, console=err, transient=True, disable=quiet or not err.is_terminal)


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, directories (recursive), globs, or - for stdin.")],
    source: Annotated[str | None, typer.Option(help="Outlet name for inputs that do not name one.")] = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date for inputs that give none (e.g. 2024-03-14T09:00+01:00).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the summary line.")] = False,
) -> None:
    """Ingest articles: .txt/.md, .html, .jsonl/.json (see docs/schema.md). Reruns store nothing twice."""
    try:
        with _open() as ws:
            with _progress(quiet) as bar:
                report = ws.ingest(*paths, source=source, published=published, progress=_Bar(bar))
            total = ws.count()
    except StorylineError as exc:
        raise _fail(exc) from exc
    _print_report(report, total, quiet)
    if report.skipped:
        raise typer.Exit(EXIT_SKIPPED)


def _print_report(report: IngestReport, total: int, quiet: bool) -> None:
    if not quiet:
        for skip in report.skipped:
            err.print(f"[yellow]skipped[/] {escape(str(skip))}")
        for warning in report.warnings:
            err.print(f"[yellow]warning[/] {escape(warning)}")
    out.print(
        f"ingested [bold]{len(report.ingested)}[/], duplicates {len(report.duplicates)}, "
        f"skipped {len(report.skipped)}, warnings {len(report.warnings)}; the store holds {total} articles"
    )


@app.command()
def articles(
    source: Annotated[str | None, typer.Option(help="Only this outlet.")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after this date.")] = None,
    until: Annotated[str | None, typer.Option(help="Published before this date.")] = None,
    language: Annotated[str | None, typer.Option(help="Only this language (ISO 639-1, e.g. en).")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many first.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines, one article per line.")] = False,
) -> None:
    """List stored articles, oldest first."""
    try:
        with _open(read_only=True) as ws:
            found = ws.articles(source=source, since=since, until=until, language=language, limit=limit, offset=offset)
    except StorylineError as exc:
        raise _fail(exc) from exc
    if as_json:
        for article in found:
            _print_json(article_to_dict(article))
        return
    table = Table(header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("id", no_wrap=True, min_width=max((len(a.id) for a in found), default=2))
    table.add_column("published", no_wrap=True)
    table.add_column("source", max_width=22)
    table.add_column("lang", no_wrap=True)
    table.add_column("title", ratio=1)
    for a in found:
        date = a.published.strftime("%Y-%m-%d") if a.published else ""
        table.add_row(escape(a.id), date, escape(a.source or ""), a.language or "", escape(a.title or ""))
    out.print(table)
    if len(found) == limit:
        out.print(f"[dim]first {limit} shown; use --limit and --offset for more[/]")


@app.command()
def show(
    article_id: Annotated[str, typer.Argument(help="An article id (see: storyline articles).")],
    removed: Annotated[bool, typer.Option("--removed", help="Also list what cleaning removed, by rule.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the article as JSON.")] = False,
) -> None:
    """Show one article: metadata and clean text."""
    try:
        with _open(read_only=True) as ws:
            article = ws.get(article_id)
            removed_lines = ws.removed(article_id) if removed else []
    except StorylineError as exc:
        raise _fail(exc) from exc
    if as_json:
        record = article_to_dict(article)
        if removed:
            record["removed"] = [{"line": r.line_no, "rule": r.rule, "text": r.text} for r in removed_lines]
        _print_json(record, indent=2)
        return
    out.print(f"[bold]{escape(article.title or '(no title)')}[/]")
    if article.dek:
        out.print(f"[italic]{escape(article.dek)}[/]")
    meta = [article.source, article.author, article.published.isoformat() if article.published else None]
    out.print("[dim]" + escape(" · ".join(m for m in meta if m)) + "[/]")
    out.print(
        f"[dim]id {escape(article.id)} · language {article.language} · {escape(article.url or article.origin)}[/]\n"
    )
    for paragraph in article.paragraphs:
        out.print(escape(paragraph) + "\n")
    if removed:
        table = Table("line", "rule", "removed text", title="Removed by cleaning", header_style="bold")
        for r in removed_lines:
            table.add_row(str(r.line_no + 1), r.rule, escape(r.text))
        out.print(table if removed_lines else "[dim]cleaning removed nothing[/]")


@app.command("export")
def export_cmd(
    path: Annotated[Path, typer.Argument(help="Output file.", dir_okay=False)],
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help=f"One of {', '.join(EXPORT_FORMATS)}; default from the suffix.")
    ] = None,
    source: Annotated[str | None, typer.Option(help="Only this outlet.")] = None,
    language: Annotated[str | None, typer.Option(help="Only this language.")] = None,
) -> None:
    """Export the store to a file: articles; the JSON document also holds entities, quotes, times, events, stories."""
    chosen = fmt or path.suffix.lstrip(".").lower()
    if chosen not in EXPORT_FORMATS:
        err.print(f"[bold red]error:[/] choose --format, one of {', '.join(EXPORT_FORMATS)} (got {chosen!r})")
        raise typer.Exit(EXIT_USAGE)
    try:
        with _open(read_only=True) as ws:
            count = ws.export(path, chosen, source=source, language=language)
    except StorylineError as exc:
        raise _fail(exc) from exc
    out.print(f"wrote {count} articles to {escape(str(path))} ({chosen})")


@app.command()
def analyze(quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the summary line.")] = False) -> None:
    """Find entities and their titles, quotes and speakers, and dates in every article not analyzed yet."""
    try:
        with _open() as ws, _progress(quiet) as bar:
            report = ws.analyze(progress=_Bar(bar))
    except StorylineError as exc:
        raise _fail(exc) from exc
    _print_analysis(report)


def _print_analysis(report: AnalyzeReport) -> None:
    for article_id, error in report.failed:
        err.print(f"[yellow]warning[/] {escape(article_id)}: {escape(error)} (please report this)")
    rate = f" ({report.words / report.seconds:,.0f} words/s)" if report.seconds and report.words else ""
    out.print(
        f"analyzed [bold]{report.analyzed}[/] articles, {report.words:,} words{rate}; "
        f"skipped {len(report.skipped)} (not English); {report.entities} entities"
    )


@app.command("run")
def run_cmd(
    paths: Annotated[list[str], typer.Argument(help="Files, directories (recursive), globs, or - for stdin.")],
    source: Annotated[str | None, typer.Option(help="Outlet name for inputs that do not name one.")] = None,
    published: Annotated[str | None, typer.Option(help="Publication date for inputs that give none.")] = None,
    engine: Annotated[
        str, typer.Option(help="local: the store (--db), in this process. ray: sharded on Ray, Parquet in --out.")
    ] = "local",
    address: Annotated[
        str | None, typer.Option(help="--engine ray: the Ray cluster (e.g. ray://head:10001); default: local Ray.")
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="--engine ray: the output directory (Parquet); reruns resume it.")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="--engine ray: analysis actors; default: the cluster's CPUs.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the summary lines.")] = False,
) -> None:
    """The main job: ingest PATH..., analyze everything new, and update events and stories, in one go."""
    if engine not in ("local", "ray"):
        raise typer.BadParameter(f"--engine must be local or ray, not {engine!r}", param_hint="--engine")
    if engine == "ray":
        if out_dir is None:
            raise typer.BadParameter("--engine ray writes Parquet and needs --out DIR", param_hint="--out")
        _run_ray(paths, out_dir, address, workers, source, published, quiet)
        return
    try:
        with _open() as ws:
            with _progress(quiet) as bar:
                ingested = ws.ingest(*paths, source=source, published=published, progress=_Bar(bar))
            _print_report(ingested, ws.count(), quiet)
            with _progress(quiet) as bar:
                analyzed = ws.analyze(progress=_Bar(bar))
            _print_analysis(analyzed)
            with _progress(quiet) as bar:
                clustered = ws.cluster(progress=_Bar(bar))
    except StorylineError as exc:
        raise _fail(exc) from exc
    _print_clustering(clustered)
    if ingested.skipped:
        raise typer.Exit(EXIT_SKIPPED)


def _run_ray(
    paths: list[str],
    out_dir: Path,
    address: str | None,
    workers: int | None,
    source: str | None,
    published: str | None,
    quiet: bool,
) -> None:
    from storyline import distributed

    try:
        settings = Settings.load(state.config, db=state.db)
        with _progress(quiet) as bar:
            report = distributed.run(
                paths, out_dir, settings, address=address, workers=workers, source=source, published=published,
                progress=_Bar(bar),
            )  # fmt: skip
    except StorylineError as exc:
        raise _fail(exc) from exc
    if not quiet:
        for skip in report.skipped:
            err.print(f"[yellow]skipped[/] {escape(str(skip))}")
    for article_id, error in report.failed:
        err.print(f"[yellow]warning[/] {escape(article_id)}: {escape(error)} (please report this)")
    rate = f" ({report.words / report.analysis_seconds:,.0f} words/s)" if report.analysis_seconds else ""
    out.print(
        f"ray: {report.shards} shards ({report.resumed} done before), {report.articles} articles, "
        f"{report.duplicates} duplicates, skipped {len(report.skipped)}; {report.words:,} words{rate}"
    )
    out.print(
        f"stories: [bold]{report.stories}[/] from {report.events} events, {report.entities} entities, "
        f"{report.summarized} summaries; Parquet in {escape(str(out_dir))} (storyline load {escape(str(out_dir))})"
    )
    if report.skipped:
        raise typer.Exit(EXIT_SKIPPED)


@app.command()
def load(
    directory: Annotated[Path, typer.Argument(help="The --out directory of a `storyline run --engine ray`.")],
) -> None:
    """Load the Parquet output of a Ray run into the store (--db); loading twice adds nothing."""
    from storyline import distributed

    try:
        with _open() as ws:
            counts = distributed.load(ws.store, directory, ws.settings)
    except StorylineError as exc:
        raise _fail(exc) from exc
    out.print(f"loaded {counts['articles']} new articles; the store holds {counts['stories']} stories")


def _print_clustering(report: ClusterReport) -> None:
    out.print(
        f"stories: [bold]{report.stories}[/] from {report.events} events; placed {report.clustered} articles, "
        f"{report.reprints} reprints found, {report.summarized} summaries written"
    )


@app.command()
def cluster(quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the summary line.")] = False) -> None:
    """Group analyzed articles into reprints, events and stories; write summaries and timelines."""
    try:
        with _open() as ws, _progress(quiet) as bar:
            report = ws.cluster(progress=_Bar(bar))
    except StorylineError as exc:
        raise _fail(exc) from exc
    _print_clustering(report)


@app.command()
def stories(
    entity: Annotated[
        str | None, typer.Option(help="Only stories this entity (name, alias or id) is central to.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 30,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines, one story per line.")] = False,
) -> None:
    """List stories, most recent first, with their size, sources and dates."""
    try:
        with _open(read_only=True) as ws:
            found = ws.stories(limit=limit, entity=entity)
    except StorylineError as exc:
        raise _fail(exc) from exc
    if as_json:
        for s in found:
            _print_json(story_to_dict(s))
        return
    table = _table(
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
        table.add_row(
            s.id,
            escape(s.title),
            str(len(s.event_ids)),
            str(len(s.article_ids)),
            f"{s.independent}",
            first if last == first else f"{first}\n{last}",
        )
    out.print(table)
    if not found:
        err.print("no stories yet: run `storyline run PATH...` (or `storyline cluster` after analyze)")


@app.command()
def story(
    story_id: Annotated[str, typer.Argument(help="A story id, as `storyline stories` lists them.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="md, html or json.")] = "md",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")] = None,
) -> None:
    """A readable report of one story: cited summary, timeline, entities, quotes and sources."""
    if fmt not in REPORT_FORMATS:
        raise _fail(ConfigError(f"unknown format {fmt!r}; choose from {', '.join(REPORT_FORMATS)}"))
    try:
        with _open(read_only=True) as ws:
            text = render(build_report(ws, story_id), fmt)
    except StorylineError as exc:
        raise _fail(exc) from exc
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        out.print(f"wrote {escape(str(output))}")


@app.command()
def timeline(
    target: Annotated[str, typer.Argument(help="A story id, or an entity name, alias or id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the timeline as JSON.")] = False,
) -> None:
    """The dated timeline of a story or an entity, each entry with its sources, and articles per day."""
    try:
        with _open(read_only=True) as ws:
            found = ws.timeline(target)
    except StorylineError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json(found.to_dict(), indent=2)
        return
    out.print(f"[bold]{escape(found.title)}[/] [dim]{found.owner}[/]")
    for entry in found.entries:
        sources = ", ".join(dict.fromkeys(c.article_id for c in entry.citations))
        out.print(f"[bold]{entry.date}[/]  {escape(entry.text)} [dim]({escape(sources)})[/]")
    if found.volume:
        out.print("\n[bold]articles per day[/]")
        for day, n in found.volume:
            out.print(f"  {day}  {'█' * min(n, 60)} {n}")


@app.command()
def entities(
    type_: Annotated[str | None, typer.Option("--type", help="PERSON, ORG, GPE, LOC, FAC or EVENT.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 30,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines, one entity per line.")] = False,
) -> None:
    """List canonical entities, most mentioned first."""
    try:
        with _open(read_only=True) as ws:
            found = ws.entities(type=type_, limit=limit)
    except StorylineError as exc:
        raise _fail(exc) from exc
    if as_json:
        for entity in found:
            _print_json(entity_to_dict(entity))
        return
    table = _table(
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
        table.add_row(escape(e.name), e.type, str(e.mentions), str(len(e.article_ids)), escape(aliases), escape(titles))
    out.print(table)


@app.command()
def entity(
    name: Annotated[str, typer.Argument(help="A name, alias or entity id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the entity and its quotes as JSON.")] = False,
) -> None:
    """One entity: its aliases, titles (with their sources), articles and quotes."""
    try:
        with _open(read_only=True) as ws:
            view = ws.entity_view(name)
            quotes = ws.quotes(speaker=view.entity.id)
            titles = {a.id: a.title for a in ws.articles(entity=view.entity.id)}
    except StorylineError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json(view.to_dict(), indent=2)
        return
    _print_entity(view.entity, quotes, titles)


def _print_entity(found: Entity, quotes: list[Quote], titles: dict[str, str | None]) -> None:
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


@app.command()
def quotes(
    speaker: Annotated[str | None, typer.Option(help="Only quotes of this entity (name, alias or id).")] = None,
    article: Annotated[str | None, typer.Option(help="Only quotes in this article.")] = None,
    kind: Annotated[str | None, typer.Option(help="direct, indirect or partial.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines, one quote per line.")] = False,
) -> None:
    """List quotes with their speakers."""
    try:
        with _open(read_only=True) as ws:
            found = ws.quotes(speaker=speaker, article_id=article, kind=kind, limit=limit)
            names = {e.id: e.name for e in ws.entities(limit=None)} if not as_json else {}
    except StorylineError as exc:
        raise _fail(exc) from exc
    if as_json:
        for q in found:
            _print_json(quote_to_dict(q))
        return
    table = _table(
        ("speaker", {"ratio": 1}),
        ("kind", {"no_wrap": True}),
        ("quote", {"ratio": 4}),
        ("article", {"no_wrap": True}),
        show_lines=True,
    )
    for q in found:
        who = names.get(q.speaker_entity_id or "") or (q.speaker or "[dim]unknown[/]")
        table.add_row(
            escape(who) if q.speaker or q.speaker_entity_id else who, str(q.kind), escape(q.text), escape(q.article_id)
        )
    out.print(table)


@app.command()
def actions(
    actor: Annotated[
        str | None, typer.Option(help="Only actions by this actor (entity name, alias or id; a group or country).")
    ] = None,
    target: Annotated[str | None, typer.Option(help="Only actions on this actor.")] = None,
    type_: Annotated[str | None, typer.Option("--type", help="A PLOVER type: AGREE, CONSULT, ... ASSAULT.")] = None,
    since: Annotated[str | None, typer.Option(help="Actions dated on or after this date.")] = None,
    until: Annotated[str | None, typer.Option(help="Actions dated on or before this date.")] = None,
    story: Annotated[str | None, typer.Option(help="Only actions in this story's articles.")] = None,
    merged: Annotated[
        bool, typer.Option("--merged", help="One row per happening, merged across an event's articles.")
    ] = False,
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines, one record per line.")] = False,
    out_path: Annotated[
        Path | None, typer.Option("--out", help="Write every matching record to this file instead.", dir_okay=False)
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="Format of --out: jsonl or parquet.")] = "jsonl",
) -> None:
    """Who did what to whom: action records (PLOVER types) with their sentences."""
    filters: dict[str, Any] = {
        "actor": actor,
        "target": target,
        "type": type_,
        "since": since,
        "until": until,
        "story": story,
    }
    try:
        with _open(read_only=True) as ws:
            if out_path is not None:
                count = ws.export_actions(out_path, fmt, **filters)
                out.print(f"wrote {count:,} action records to {escape(str(out_path))}")
                return
            rows: list[Any] = ws.merged_actions(**filters)[:limit] if merged else ws.actions(**filters, limit=limit)
    except StorylineError as exc:
        raise _fail(exc) from exc
    if as_json:
        for row in rows:
            _print_json(row.to_dict())
        return
    table = _table(
        ("date", {"no_wrap": True}),
        ("source", {"ratio": 1}),
        ("action", {"no_wrap": True}),
        ("target", {"ratio": 1}),
        ("as written", {"ratio": 1}),
        ("sources" if merged else "article", {"no_wrap": True}),
        show_lines=False,
    )
    for row in rows:
        flags = ("not " if row.negated else "") + ("" if row.mode == "did" else f"({row.mode}) ")
        if merged:
            where = f"{row.sources} ({len(row.sentences)} sentences)"
            written = row.sentences[0].text[:80] if row.sentences else ""
        else:
            where = f"{row.article_id}:{row.sentence}"
            written = row.verb + (f" [claimed by {row.claimed_by}]" if row.claimed_by else "")
        table.add_row(escape(row.date or ""), escape(row.source.display), flags + row.type,
                      escape(row.target.display), escape(written), escape(where))  # fmt: skip
    out.print(table)


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$", re.IGNORECASE)
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """'90', '90s', '10m', '2h', '1d' -> seconds."""
    match = _DURATION.match(text)
    if not match or float(match.group(1)) <= 0:
        raise typer.BadParameter(f"{text!r} is not a duration such as 30s, 10m, 2h or 1d")
    return float(match.group(1)) * _SECONDS[(match.group(2) or "s").lower()]


@app.command()
def watch(
    urls: Annotated[list[str] | None, typer.Argument(help="Feed URLs (RSS, Atom or JSON Feed).")] = None,
    opml: Annotated[
        Path | None, typer.Option("--opml", help="Also watch the feeds of an OPML file.", exists=True, dir_okay=False)
    ] = None,
    every: Annotated[
        str | None, typer.Option("--every", help="Poll interval: 30s, 10m, 2h... [default: 10m, or poll_interval]")
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="Poll each feed once, then exit.")] = False,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="Allow private, loopback and link-local addresses.")
    ] = False,
    analyze: Annotated[bool, typer.Option(help="Analyze new articles after each round of polls.")] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only failures and summaries.")] = False,
) -> None:
    """Watch feeds: fetch each new item's page, store it, update analysis and stories (no URLs: every known feed)."""
    interval = parse_duration(every) if every is not None else None
    feed_urls = list(urls or [])
    failed = False
    try:
        if opml is not None:
            feed_urls += parse_opml(opml)
        overrides: dict[str, Any] = {"poll_interval": interval, "allow_private": True if allow_private else None}
        with _open(**overrides) as ws:
            if not feed_urls and not ws.feeds():
                err.print("[bold red]error:[/] no feeds: give FEED_URL... or --opml FILE")
                raise typer.Exit(EXIT_USAGE)

            def on_poll(poll: FeedPoll) -> None:
                nonlocal failed
                failed = failed or not poll.ok
                _print_poll(poll, quiet)

            def on_cycle(cycle: Any) -> None:
                if cycle.analysis is not None:
                    _print_analysis(cycle.analysis)

            if not once and not quiet:
                err.print(f"[dim]watching; polls every {ws.settings.poll_interval:g}s; Ctrl-C to stop[/]")
            try:
                ws.watch(*feed_urls, once=once, analyze=analyze, on_poll=on_poll, on_cycle=on_cycle)
            except KeyboardInterrupt:
                err.print("stopped")
    except StorylineError as exc:
        raise _fail(exc) from exc
    if failed and once:
        raise typer.Exit(EXIT_SKIPPED)


def _print_poll(poll: FeedPoll, quiet: bool) -> None:
    if poll.error is not None:
        err.print(f"[red]failed[/] {escape(poll.url)}: {escape(poll.error)}")
        return
    if not quiet:
        for skip in poll.ingest.skipped:
            err.print(f"[yellow]skipped[/] {escape(str(skip))}")
        for warning in poll.ingest.warnings:
            err.print(f"[yellow]warning[/] {escape(warning)}")
    if poll.not_modified:
        out.print(f"{escape(poll.url)}: not modified")
        return
    out.print(
        f"{escape(poll.url)}: {poll.entries} items, {poll.new} new; ingested [bold]{len(poll.ingest.ingested)}[/], "
        f"duplicates {len(poll.ingest.duplicates)}, skipped {len(poll.ingest.skipped)}"
    )


@app.command()
def feeds(as_json: Annotated[bool, typer.Option("--json", help="JSON Lines, one feed per line.")] = False) -> None:
    """List watched feeds: last success, last error, items seen, next poll."""
    try:
        with _open(read_only=True) as ws:
            found = ws.feeds()
    except StorylineError as exc:
        raise _fail(exc) from exc
    if as_json:
        for f in found:
            record = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in vars(f).items()}
            _print_json(record)
        return
    if not found:
        out.print("no feeds yet; add some with: storyline watch FEED_URL...")
        return
    table = _table(
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
            error = f"[red]{escape(f.last_error)}[/] [dim]({_when(f.last_error_at)}, {f.failures} in a row)[/]"
        elif f.last_error and f.last_error_at:
            error = f"[dim]{escape(f.last_error)} ({_when(f.last_error_at)})[/]"
        table.add_row(name, _when(f.last_success), error, str(f.items_seen), _when(f.next_poll))
    out.print(table)


@app.command()
def serve(
    db: Annotated[Path | None, typer.Option("--db", help="The store (same as the global --db).")] = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on; loopback by default.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            help="API token that allows POST /api/articles (prefer the STORYLINE_TOKEN variable: flags show in ps).",
        ),
    ] = None,
) -> None:
    """Serve the web reader and the JSON API (OpenAPI docs at /api/docs). Ingest by POST needs a token."""
    import uvicorn

    from storyline.web import create_app

    try:
        settings = Settings.load(state.config, db=db or state.db, token=token)
        if settings.token and len(settings.token) < 16:
            err.print("[bold red]error:[/] the API token must be at least 16 characters")
            raise typer.Exit(EXIT_USAGE)
        web = create_app(settings)
    except StorylineError as exc:
        raise _fail(exc) from exc
    if host not in ("127.0.0.1", "::1", "localhost"):
        err.print(f"[yellow]warning:[/] listening on {escape(host)}: anyone who can reach it can read the store")
    writes = "on (token set)" if settings.token else "off (no STORYLINE_TOKEN)"
    err.print(f"storyline: http://{escape(host)}:{port}/  API docs: /api/docs  writes: {writes}")
    uvicorn.run(web, host=host, port=port, log_level="warning", server_header=False)


def _when(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment is not None else "never"


def run() -> None:
    """Console-script entry point."""
    app()
