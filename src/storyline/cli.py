"""The ``storyline`` command: thin commands that parse flags, call the Workspace, and render (cli_render).

Exit codes: 0 success; 1 an error stopped the command (message on stderr); 2 wrong usage;
3 ingest finished but skipped some inputs, or watch --once finished but some feeds or items failed (each
listed with its reason).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

import storyline
from storyline import cli_render, distributed, report
from storyline.api import Workspace
from storyline.cli_render import err, out
from storyline.errors import ConfigError, StorylineError
from storyline.export import EXPORT_FORMATS
from storyline.ingest.feeds import parse_opml
from storyline.model import FeedPoll
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

state: dict[str, Path | None] = {}  # the global options --db and --config


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
    state.update(db=db, config=config)


def _settings(**overrides: Any) -> Settings:
    return Settings.load(state.get("config"), **({"db": state.get("db")} | overrides))


def _open(read_only: bool = False, **overrides: Any) -> Workspace:
    return Workspace(_settings(**overrides), read_only=read_only)


def _fail(message: str, code: int = EXIT_ERROR) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}")
    return typer.Exit(code)


Shown = tuple[Any, Callable[[Any], None]]  # what a --json command returns: the thing(s) found, and a text renderer


def command(
    name: str | None = None, *, write: bool = False, store: bool = True, json: str | None = None
) -> Callable[[Callable[..., Shown | None]], Callable[..., None]]:
    """Register a command whose first argument is the Workspace (read-only unless ``write``; none at all
    when not ``store``). A StorylineError ends it with its message and exit 1. With ``json`` (the help of its
    ``--json`` flag) the command returns a ``Shown``: --json prints a list as JSON Lines and one thing as one
    JSON object; otherwise the command's text renderer prints it."""

    def register(fn: Callable[..., Shown | None]) -> Callable[..., None]:
        signature = inspect.signature(fn, eval_str=True)
        params = list(signature.parameters.values())[1 if store else 0 :]
        if json is not None:
            flag = Annotated[bool, typer.Option("--json", help=json)]
            params.append(inspect.Parameter("as_json", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=flag))

        @functools.wraps(fn)
        def run(**kwargs: Any) -> None:
            as_json = kwargs.pop("as_json", False)
            try:
                with contextlib.ExitStack() as stack:
                    args = [stack.enter_context(_open(read_only=not write))] if store else []
                    shown = fn(*args, **kwargs)
                    if shown is not None:
                        thing, text = shown
                        (cli_render.as_json if as_json else text)(thing)
            except StorylineError as exc:
                raise _fail(str(exc)) from exc

        run.__signature__ = signature.replace(parameters=params, return_annotation=None)  # type: ignore[attr-defined]
        return app.command(name)(run)

    return register


Paths = Annotated[list[str], typer.Argument(help="Files, directories (recursive), globs, or - for stdin.")]
Source = Annotated[str | None, typer.Option(help="Outlet name for inputs that do not name one.")]
Only = Annotated[str | None, typer.Option(help="Only this outlet.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print only the summary line.")]
Limit = Annotated[int, typer.Option(min=1, help="At most this many.")]


@command(write=True)
def ingest(
    ws: Workspace,
    paths: Paths,
    source: Source = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date for inputs that give none (e.g. 2024-03-14T09:00+01:00).")
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Ingest articles: .txt/.md, .html, .jsonl/.json (see docs/schema.md). Reruns store nothing twice."""
    with cli_render.progress(quiet) as bar:
        ingested = ws.ingest(*paths, source=source, published=published, progress=bar)
    cli_render.ingest_report(ingested, ws.count(), quiet)
    if ingested.skipped:
        raise typer.Exit(EXIT_SKIPPED)


@command(json="JSON Lines, one article per line.")
def articles(
    ws: Workspace,
    source: Only = None,
    since: Annotated[str | None, typer.Option(help="Published on or after this date.")] = None,
    until: Annotated[str | None, typer.Option(help="Published before this date.")] = None,
    language: Annotated[str | None, typer.Option(help="Only this language (ISO 639-1, e.g. en).")] = None,
    limit: Limit = 50,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many first.")] = 0,
) -> Shown:
    """List stored articles, oldest first."""
    found = ws.articles(source=source, since=since, until=until, language=language, limit=limit, offset=offset)
    return found, functools.partial(cli_render.articles, limit=limit)


@command(json="Print the article as JSON.")
def show(
    ws: Workspace,
    article_id: Annotated[str, typer.Argument(help="An article id (see: storyline articles).")],
    removed: Annotated[bool, typer.Option("--removed", help="Also list what cleaning removed, by rule.")] = False,
) -> Shown:
    """Show one article: metadata and clean text."""
    article = ws.get(article_id)
    lines = ws.removed(article_id) if removed else None
    record = cli_render.to_dict(article)
    if lines is not None:
        record["removed"] = [{"line": r.line_no, "rule": r.rule, "text": r.text} for r in lines]
    return record, lambda _: cli_render.article(article, lines)


@command("export", store=False)
def export_cmd(
    path: Annotated[Path, typer.Argument(help="Output file.", dir_okay=False)],
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help=f"One of {', '.join(EXPORT_FORMATS)}; default from the suffix.")
    ] = None,
    source: Only = None,
    language: Annotated[str | None, typer.Option(help="Only this language.")] = None,
) -> None:
    """Export the store to a file: articles; the JSON document also holds entities, quotes, times, events, stories."""
    chosen = fmt or path.suffix.lstrip(".").lower()
    if chosen not in EXPORT_FORMATS:
        raise _fail(f"choose --format, one of {', '.join(EXPORT_FORMATS)} (got {chosen!r})", EXIT_USAGE)
    with _open(read_only=True) as ws:
        count = ws.export(path, chosen, source=source, language=language)
    out.print(f"wrote {count} articles to {escape(str(path))} ({chosen})")


@command(write=True)
def analyze(ws: Workspace, quiet: Quiet = False) -> None:
    """Find entities and their titles, quotes and speakers, and dates in every article not analyzed yet."""
    with cli_render.progress(quiet) as bar:
        analyzed = ws.analyze(progress=bar)
    cli_render.analysis(analyzed)


@command("run", store=False)
def run_cmd(
    paths: Paths,
    source: Source = None,
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
        with cli_render.progress(quiet) as bar:
            ray = distributed.run(paths, out_dir, _settings(), address=address, workers=workers, source=source,
                                  published=published, progress=bar)  # fmt: skip
        cli_render.ray_report(ray, out_dir, quiet)
        skipped = ray.skipped
    else:
        with _open() as ws, cli_render.progress(quiet) as bar:
            ingested, analyzed, clustered = ws.run(*paths, source=source, published=published, progress=bar)
            total = ws.count()
        cli_render.ingest_report(ingested, total, quiet)
        cli_render.analysis(analyzed)
        cli_render.clustering(clustered)
        skipped = ingested.skipped
    if skipped:
        raise typer.Exit(EXIT_SKIPPED)


@command(write=True)
def load(
    ws: Workspace,
    directory: Annotated[Path, typer.Argument(help="The --out directory of a `storyline run --engine ray`.")],
) -> None:
    """Load the Parquet output of a Ray run into the store (--db); loading twice adds nothing."""
    counts = ws.load_ray(directory)
    out.print(f"loaded {counts['articles']} new articles; the store holds {counts['stories']} stories")


@command(write=True)
def cluster(ws: Workspace, quiet: Quiet = False) -> None:
    """Group analyzed articles into reprints, events and stories; write summaries and timelines."""
    with cli_render.progress(quiet) as bar:
        clustered = ws.cluster(progress=bar)
    cli_render.clustering(clustered)


@command(json="JSON Lines, one story per line.")
def stories(
    ws: Workspace,
    entity: Annotated[
        str | None, typer.Option(help="Only stories this entity (name, alias or id) is central to.")
    ] = None,
    limit: Limit = 30,
) -> Shown:
    """List stories, most recent first, with their size, sources and dates."""
    return ws.stories(limit=limit, entity=entity), cli_render.stories


@command(store=False)
def story(
    story_id: Annotated[str, typer.Argument(help="A story id, as `storyline stories` lists them.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="md, html or json.")] = "md",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")] = None,
) -> None:
    """A readable report of one story: cited summary, timeline, entities, quotes and sources."""
    if fmt not in report.REPORT_FORMATS:
        raise ConfigError(f"unknown format {fmt!r}; choose from {', '.join(report.REPORT_FORMATS)}")
    with _open(read_only=True) as ws:
        text = report.render(report.build(ws, story_id), fmt)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        out.print(f"wrote {escape(str(output))}")


@command(json="Print the timeline as JSON.")
def timeline(
    ws: Workspace, target: Annotated[str, typer.Argument(help="A story id, or an entity name, alias or id.")]
) -> Shown:
    """The dated timeline of a story or an entity, each entry with its sources, and articles per day."""
    return ws.timeline(target), cli_render.timeline


@command(json="JSON Lines, one entity per line.")
def entities(
    ws: Workspace,
    type_: Annotated[str | None, typer.Option("--type", help="PERSON, ORG, GPE, LOC, FAC, EVENT or PRODUCT.")] = None,
    limit: Limit = 30,
) -> Shown:
    """List canonical entities, most mentioned first."""
    return ws.entities(type=type_, limit=limit), cli_render.entities


@command(json="Print the entity and its quotes as JSON.")
def entity(ws: Workspace, name: Annotated[str, typer.Argument(help="A name, alias or entity id.")]) -> Shown:
    """One entity: its aliases, titles (with their sources), articles and quotes."""
    view = ws.entity_view(name)
    quotes = ws.quotes(speaker=view.entity.id)
    titles = ws.article_titles(view.entity.article_ids)
    return view, lambda _: cli_render.entity(view.entity, quotes, titles)


@command(json="JSON Lines, one quote per line.")
def quotes(
    ws: Workspace,
    speaker: Annotated[str | None, typer.Option(help="Only quotes of this entity (name, alias or id).")] = None,
    article: Annotated[str | None, typer.Option(help="Only quotes in this article.")] = None,
    kind: Annotated[str | None, typer.Option(help="direct, indirect or partial.")] = None,
    limit: Limit = 50,
) -> Shown:
    """List quotes with their speakers."""
    found = ws.quotes(speaker=speaker, article_id=article, kind=kind, limit=limit)
    return found, lambda _: cli_render.quotes(found, {e.id: e.name for e in ws.entities(limit=None)})


@command(json="JSON Lines, one record per line.")
def actions(
    ws: Workspace,
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
    limit: Limit = 100,
    out_path: Annotated[
        Path | None, typer.Option("--out", help="Write every matching record to this file instead.", dir_okay=False)
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="Format of --out: jsonl or parquet.")] = "jsonl",
) -> Shown | None:
    """Who did what to whom: action records (PLOVER types) with their sentences."""
    filters: dict[str, Any] = dict(actor=actor, target=target, type=type_, since=since, until=until, story=story)
    if out_path is not None:
        count = ws.export_actions(out_path, fmt, **filters)
        out.print(f"wrote {count:,} action records to {escape(str(out_path))}")
        return None
    rows: list[Any] = ws.merged_actions(**filters)[:limit] if merged else ws.actions(**filters, limit=limit)
    return rows, functools.partial(cli_render.actions, merged=merged)


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$", re.IGNORECASE)
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """'90', '90s', '10m', '2h', '1d' -> seconds."""
    match = _DURATION.match(text)
    if not match or float(match.group(1)) <= 0:
        raise typer.BadParameter(f"{text!r} is not a duration such as 30s, 10m, 2h or 1d")
    return float(match.group(1)) * _SECONDS[(match.group(2) or "s").lower()]


@command(store=False)
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
    feed_urls = list(urls or []) + (parse_opml(opml) if opml is not None else [])
    polls: list[FeedPoll] = []
    with _open(poll_interval=interval, allow_private=True if allow_private else None) as ws:
        if not feed_urls and not ws.feeds():
            raise _fail("no feeds: give FEED_URL... or --opml FILE", EXIT_USAGE)

        def on_poll(poll: FeedPoll) -> None:
            polls.append(poll)
            cli_render.poll(poll, quiet)

        if not once and not quiet:
            err.print(f"[dim]watching; polls every {ws.settings.poll_interval:g}s; Ctrl-C to stop[/]")
        try:
            ws.watch(*feed_urls, once=once, analyze=analyze, on_poll=on_poll, on_cycle=cli_render.cycle)
        except KeyboardInterrupt:
            err.print("stopped")
    if once and not all(poll.ok for poll in polls):
        raise typer.Exit(EXIT_SKIPPED)


@command(json="JSON Lines, one feed per line.")
def feeds(ws: Workspace) -> Shown:
    """List watched feeds: last success, last error, items seen, next poll."""
    return ws.feeds(), cli_render.feeds


@command(store=False)
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

    settings = _settings(db=db or state.get("db"), token=token)
    if settings.token and len(settings.token) < 16:
        raise _fail("the API token must be at least 16 characters", EXIT_USAGE)
    web = create_app(settings)
    if host not in ("127.0.0.1", "::1", "localhost"):
        err.print(f"[yellow]warning:[/] listening on {escape(host)}: anyone who can reach it can read the store")
    writes = "on (token set)" if settings.token else "off (no STORYLINE_TOKEN)"
    err.print(f"storyline: http://{escape(host)}:{port}/  API docs: /api/docs  writes: {writes}")
    uvicorn.run(web, host=host, port=port, log_level="warning", server_header=False)


def run() -> None:
    """Console-script entry point."""
    app()
