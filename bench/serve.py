"""Load benchmark of ``storyline serve``: right answers and latency under concurrent reads, with and without a
writer. Run from the project root:

    .venv/bin/python bench/serve.py [--db STORE] [--clients 20] [--seconds 60] [--record]

1. The store: the demo corpus (data/demo/articles) run through the whole pipeline once and cached as
   bench/out/serve-demo.duckdb, or ``--db`` (any store; it is not modified: the server runs on a copy).
2. ``storyline serve`` (with an API token) runs in its own process on a free loopback port. The URLs: every
   API route (lists with and without filters, each kind of detail for sampled ids, timelines, search,
   sources) and the HTML pages. Each URL is fetched once, alone: the serial answer.
3. Phase "readers": C concurrent clients (asyncio + httpx, in this process) request random URLs for S
   seconds; every answer is compared with the serial one, byte for byte.
4. Phase "readers + writer": the same, while one more client POSTs one new article a second (generated
   text about happenings unrelated to the store's). Answers that legitimately change with writes (lists,
   stories, timelines, search) must still be the right kind of answer for the request: the same id, the
   same fields; an existing article's text, cleaning and dates must match exactly. A 404 counts as false
   unless the thing is also gone at the end (a story merged into another).
5. Then it waits for the writer to place every posted article (their ``story_id`` is set).

Counts: right, wrong (another request's data, wrong shape), 5xx, false 404, resets (connection errors);
reader p50/p99 and POST p50/p99. ``--record`` writes the results into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from common import Section, Table, fmt, machine, print_sections, record  # noqa: E402
from ingest import FIRST_NAMES, HEADLINES, SENTENCES, SOURCES, WORDS  # noqa: E402

OUT = ROOT / "bench" / "out"
SEED = 20240612
MAX_SECONDS = 300
DEMO = ROOT / "data" / "demo" / "articles"
TOKEN = "bench-serve-token-0123456789"
# What may change in an article's answer while others are added: its story, its reprint group and the entity
# ids of its names (entities are relinked over the corpus).
STABLE = ("id", "title", "source", "url", "published", "text", "removed", "times")


# -- the corpus ---------------------------------------------------------------------------------------


SYLLABLES = ("bar", "vel", "dor", "kim", "sal", "ton", "ric", "mar", "lin", "zan", "pol", "fer", "gal", "nor",
             "bre", "tis", "cor", "han", "mel", "vik", "ros", "dal", "quin", "ter")  # fmt: skip
KINDS = ("Group", "Holdings", "Industries", "Foundation", "Institute", "Partners", "Council", "Union")


def _name(rng: random.Random) -> str:
    """An invented surname: distinct happenings name distinct people and organizations, as real news does."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).title()


def _values(rng: random.Random) -> dict[str, str]:
    """One happening's facts: every article about it names the same people, places and figures."""
    values = {key: rng.choice(options) for key, options in WORDS.items()}
    values |= {
        "org": f"{_name(rng)} {rng.choice(KINDS)}",
        "org2": f"{_name(rng)} {rng.choice(KINDS)}",
        "person": f"{rng.choice(FIRST_NAMES)} {_name(rng)}",
        "pct": f"{rng.uniform(0.5, 40):.1f}",
        "number": f"{rng.randint(120, 98000):,}",
        "count": str(rng.randint(2, 12)),
        "n1": str(rng.randint(50, 90)),
        "n2": str(rng.randint(20, 49)),
        "year": str(rng.randint(1995, 2017)),
    }
    return values


def _fill(template: str, values: dict[str, str]) -> str:
    text = template
    for key, value in values.items():
        text = text.replace("{" + key + "}", value).replace("{" + key.title() + "}", value.title())
    return text[0].upper() + text[1:]


def generate(
    n: int, seed: int = SEED, start: datetime = datetime(2020, 1, 1, tzinfo=timezone.utc)
) -> list[dict[str, Any]]:
    """``n`` short articles: happenings of 3 to 12 articles from different outlets within a few days; about one
    article in ten is a wire copy of another."""
    rng = random.Random(seed)
    records: list[dict[str, Any]] = []
    happening = 0
    while len(records) < n:
        values = _values(rng)
        facts = rng.sample(SENTENCES, 6)
        when = start + timedelta(hours=happening * 5 + rng.randint(0, 4))
        title = _fill(rng.choice(HEADLINES), values)
        members: list[dict[str, Any]] = []
        for j in range(min(rng.randint(3, 12), n - len(records))):
            source, domain = rng.choice(SOURCES)
            if members and rng.random() < 0.1:
                text = rng.choice(members)["text"]  # a wire copy
            else:
                text = "\n\n".join(_fill(s, values) for s in [facts[0], *rng.sample(facts[1:], 3)])
            members.append(
                {
                    "id": f"srv-{happening:05d}-{j:02d}",
                    "url": f"https://{domain}/news/{happening}-{j}",
                    "title": title if j == 0 else f"{title}: {rng.choice(('update', 'reaction', 'what we know'))}",
                    "source": source,
                    "published": (when + timedelta(hours=rng.randint(0, 60))).isoformat(),
                    "text": text,
                }
            )
        records += members
        happening += 1
    return records


def demo_store() -> tuple[Path, str]:
    """The demo corpus run through every stage, built on first use."""
    import storyline

    path = OUT / "serve-demo.duckdb"
    if path.exists():
        return path, f"the demo corpus ({path.relative_to(ROOT)}, built earlier by this script)"
    OUT.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    with storyline.open(partial) as ws:
        ws.run(DEMO)
    os.replace(partial, path)
    return path, f"the demo corpus (data/demo/articles, built into {path.relative_to(ROOT)})"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "STORYLINE_TOKEN": TOKEN}
    command = [sys.executable, "-m", "storyline", "--db", str(db), "serve", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=out)
    deadline = time.monotonic() + 180  # imports alone take seconds on a busy machine
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/sources", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("storyline serve did not start: " + log.read_text(errors="replace"))


# -- the URLs and their serial answers ----------------------------------------------------------------


async def sample(client: httpx.AsyncClient, n: int) -> list[str]:
    """Every API route and page, for up to ``n`` ids of each kind read from the API."""

    async def items(path: str, **params: Any) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = (await client.get(path, params={"limit": 100, **params})).json()["items"]
        return found

    stories = [s["id"] for s in await items("/api/stories")][:n]
    events = [e["id"] for e in await items("/api/events")][:n]
    articles = [a["id"] for a in await items("/api/articles")]
    articles = articles[:: max(1, len(articles) // n)][:n]
    entities = await items("/api/entities")
    people = [e["id"] for e in entities if e["type"] == "PERSON"][: n // 2]
    others = [e["id"] for e in entities if e["type"] != "PERSON"][: n // 2]
    sources = (await client.get("/api/sources")).json()["items"]
    source = sources[0] if sources else "none"
    speaker = people[0] if people else "nobody"
    words = ("summit", "climate talks", "election results", "interest rates", "ceasefire", "border")
    quoted = [q["article_id"] for q in await items("/api/quotes")][:3]
    api = [
        "/api/stories", "/api/stories?sort=articles&limit=5", f"/api/stories?source={source}",
        f"/api/stories?entity={speaker}", "/api/events", "/api/events?limit=5&offset=5",
        "/api/articles", "/api/articles?limit=100", f"/api/articles?source={source}",
        "/api/articles?since=2023-01-01&until=2023-12-31", f"/api/articles?entity={speaker}",
        "/api/entities", "/api/entities?type=PERSON", "/api/entities?type=ORG&limit=5",
        "/api/quotes", f"/api/quotes?speaker={speaker}", f"/api/quotes?source={source}",
        *[f"/api/quotes?article_id={a}" for a in quoted], "/api/sources", "/api/actions",
        "/api/actions?type=CONSULT", f"/api/actions?actor={speaker}", "/api/actions?merged=true",
        *[f"/api/search?q={w.replace(' ', '+')}" for w in words],
        *[f"/api/stories/{i}" for i in stories], *[f"/api/events/{i}" for i in events],
        *[f"/api/events?story_id={i}" for i in stories[:3]], *[f"/api/articles/{i}" for i in articles],
        *[f"/api/entities/{i}" for i in people + others], *[f"/api/timelines/{i}" for i in stories],
        *[f"/api/timelines/{i}" for i in people[:3]],
    ]  # fmt: skip
    pages = [
        "/", "/?sort=articles", f"/?entity={speaker}", *[f"/stories/{i}" for i in stories],
        *[f"/articles/{i}" for i in articles], *[f"/entities/{i}" for i in people + others],
        *[f"/search?q={w.replace(' ', '+')}" for w in words[:3]],
    ]  # fmt: skip
    return api + pages


def route(url: str) -> str:
    """The route a URL belongs to, for the table: /api/stories/{id}, /api/search, page /stories/{id}, ..."""
    path = url.split("?")[0]
    parts = path.strip("/").split("/")
    if parts[0] != "api":
        return "page /" + (f"{parts[0]}/{{id}}" if len(parts) > 1 else parts[0])
    return "/" + "/".join(parts[:2]) + ("/{id}" if len(parts) > 2 else "")


# -- the load -----------------------------------------------------------------------------------------


@dataclass
class Tally:
    verdicts: Counter[str] = field(default_factory=Counter)
    by_route: dict[str, Counter[str]] = field(default_factory=dict)
    reads: list[float] = field(default_factory=list)
    posts: list[float] = field(default_factory=list)
    post_errors: Counter[str] = field(default_factory=Counter)
    posted: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    samples: list[str] = field(default_factory=list)

    def count(self, url: str, verdict: str, detail: str = "") -> None:
        self.verdicts[verdict] += 1
        self.by_route.setdefault(route(url), Counter())[verdict] += 1
        if verdict not in ("right", "gone") and len(self.samples) < 10:
            self.samples.append(f"{verdict}: {url} {detail}".strip())


_TITLE = re.compile(rb"<title>(.*?)</title>", re.S)


def _title(page: bytes) -> bytes | None:
    found = _TITLE.search(page)
    return found.group(1) if found else None


def same_kind(url: str, now: httpx.Response, then: httpx.Response) -> bool:
    """While a writer adds articles: is ``now`` the right kind of answer for ``url`` (``then``: alone, before)?"""
    if not url.startswith("/api/"):
        if url.startswith("/articles/"):  # an article's page shows its own title
            return _title(now.content) == _title(then.content)
        return now.headers.get("content-type", "").startswith("text/html")
    new, old = now.json(), then.json()
    if url.startswith("/api/articles/"):
        return all(new.get(k) == old.get(k) for k in STABLE)
    if isinstance(old, dict) and "items" in old:
        kinds = {tuple(sorted(i)) if isinstance(i, dict) else type(i).__name__ for i in old["items"]}
        return all((tuple(sorted(i)) if isinstance(i, dict) else type(i).__name__) in kinds for i in new["items"]) or (
            not old["items"]
        )
    if "id" in old:
        return bool(new.get("id") == old["id"] and set(new) == set(old))
    if "owner" in old:
        return bool(new.get("owner") == old["owner"])
    return set(new) == set(old)


async def load(
    base: str, serial: dict[str, httpx.Response], clients: int, seconds: float, latest: datetime | None = None
) -> Tally:
    """``clients`` readers for ``seconds``, and a writer POSTing articles dated after ``latest`` if given."""
    writer = latest is not None
    tally = Tally()
    urls = sorted(serial)
    # connections idle for 3 s are not reused: uvicorn closes them after 5 s, and a request sent on a
    # connection as the server closes it fails as a client-side race, not as a server error
    limits = httpx.Limits(max_connections=clients + 1, max_keepalive_connections=clients + 1, keepalive_expiry=3)
    deadline = time.perf_counter() + seconds
    maybe_gone: list[str] = []
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:

        async def reader(n: int) -> None:
            rng = random.Random(SEED + n)
            while time.perf_counter() < deadline:
                url = rng.choice(urls)
                clock = time.perf_counter()
                try:
                    response = await client.get(url)
                except httpx.HTTPError as exc:
                    tally.count(url, "reset", f"{type(exc).__name__} {exc}")
                    continue
                tally.reads.append(time.perf_counter() - clock)
                then = serial[url]
                if response.status_code >= 500:
                    verdict = "5xx"
                elif response.status_code == 404 and then.status_code == 200:
                    if writer:  # decided at the end: gone for good (merged into another story), or false
                        maybe_gone.append(url)
                        continue
                    verdict = "false 404"
                elif response.status_code != then.status_code:
                    verdict = "wrong"
                elif not writer:
                    verdict = "right" if response.content == then.content else "wrong"
                else:
                    verdict = "right" if same_kind(url, response, then) else "wrong"
                tally.count(url, verdict)

        async def post() -> None:
            # dated after everything in the store: their events may join its stories, never rename them
            records = generate(int(seconds) + 5, seed=int(time.time()), start=latest + timedelta(days=30))
            stamp = int(time.time())
            for i, record in enumerate(records):
                if time.perf_counter() >= deadline:
                    break
                record = {**record, "id": f"bench-{stamp}-{i}"}
                clock = time.perf_counter()
                try:
                    response = await client.post(
                        "/api/articles", json=record, headers={"Authorization": f"Bearer {TOKEN}"}
                    )
                    tally.posts.append(time.perf_counter() - clock)
                    if response.status_code == 202:
                        tally.posted.append(record["id"])
                    else:
                        tally.post_errors[str(response.status_code)] += 1
                except httpx.HTTPError as exc:
                    tally.post_errors[type(exc).__name__] += 1
                await asyncio.sleep(max(0.0, 1.0 - (time.perf_counter() - clock)))

        clock = time.perf_counter()
        await asyncio.gather(*(reader(n) for n in range(clients)), *([post()] if writer else []))
        tally.elapsed = time.perf_counter() - clock
        for url in sorted(set(maybe_gone)):
            gone = (await client.get(url)).status_code == 404
            for _ in range(maybe_gone.count(url)):
                tally.count(url, "gone" if gone else "false 404")
    return tally


async def placed(base: str, ids: list[str], limit: float = 300) -> float | None:
    """Seconds until every posted article has its story (None if not within ``limit``)."""
    clock = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        while time.perf_counter() - clock < limit:
            answers = [(await client.get(f"/api/articles/{i}")).json() for i in ids]
            if all(a.get("story_id") for a in answers):
                return time.perf_counter() - clock
            await asyncio.sleep(1)
    return None


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


VERDICTS = ("right", "wrong", "5xx", "false 404", "reset", "gone")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="the store to serve (a copy); default: the demo corpus")
    parser.add_argument("--clients", type=int, default=20, help="concurrent readers")
    parser.add_argument("--seconds", type=float, default=60.0, help=f"length of each phase (at most {MAX_SECONDS})")
    parser.add_argument("--ids", type=int, default=12, help="ids sampled of each kind (stories, articles, ...)")
    parser.add_argument("--record", action="store_true", help="write the results into docs/benchmarks.md")
    args = parser.parse_args()
    seconds = min(args.seconds, MAX_SECONDS)
    header = f"Machine: {machine(('duckdb', 'fastapi', 'uvicorn'))}. Date: {time.strftime('%Y-%m-%d')}."
    db, described = (args.db, str(args.db)) if args.db else demo_store()
    phases: dict[str, Tally] = {}
    with tempfile.TemporaryDirectory() as tmp:  # serve a copy: the store stays as it was
        copy = Path(tmp) / "served.duckdb"
        copy.write_bytes(db.read_bytes())
        wal = db.with_name(db.name + ".wal")
        if wal.exists():
            copy.with_name(copy.name + ".wal").write_bytes(wal.read_bytes())
        port = free_port()
        log = Path(tmp) / "server.log"
        server = start_server(copy, port, log)
        try:
            base = f"http://127.0.0.1:{port}"

            async def serially() -> dict[str, httpx.Response]:
                async with httpx.AsyncClient(base_url=base, timeout=120) as client:
                    urls = await sample(client, args.ids)
                    return {u: await client.get(u) for u in urls}

            serial = asyncio.run(serially())
            bad = {u: r.status_code for u, r in serial.items() if r.status_code != 200}
            if bad:
                raise SystemExit(f"the serial answers are not all 200: {bad}")
            stories = httpx.get(f"{base}/api/stories", params={"limit": 100}, timeout=60).json()["items"]
            latest = max(datetime.fromisoformat(s["last"]) for s in stories if s["last"])
            phases["readers"] = asyncio.run(load(base, serial, args.clients, seconds))
            phases["readers + writer"] = asyncio.run(load(base, serial, args.clients, seconds, latest))
            settled = asyncio.run(placed(base, phases["readers + writer"].posted))
        finally:
            server.terminate()
            server.wait(timeout=120)
        errors = [
            line for line in log.read_text(errors="replace").splitlines() if "Error" in line or "Traceback" in line
        ]
    table = Table(
        f"{args.clients} concurrent readers for {seconds:g} s per phase on loopback, {len(serial)} URLs",
        ["phase", "reads", "reads/s", *VERDICTS, "reader p50 ms", "reader p99 ms", "POSTs", "POST p50 ms",
         "POST p99 ms", "POST errors"],
    )  # fmt: skip
    for name, t in phases.items():
        table.rows.append([
            name, f"{sum(t.verdicts.values()):,}", fmt(len(t.reads) / t.elapsed),
            *(f"{t.verdicts[v]:,}" for v in VERDICTS),
            fmt(pct(t.reads, 0.5)), fmt(pct(t.reads, 0.99)), str(len(t.posts)),
            fmt(pct(t.posts, 0.5)) if t.posts else "-", fmt(pct(t.posts, 0.99)) if t.posts else "-",
            str(sum(t.post_errors.values())),
        ])  # fmt: skip
    routes = Table("Answers per route, both phases", ["route", "answers", *VERDICTS])
    merged: dict[str, Counter[str]] = {}
    for t in phases.values():
        for r, c in t.by_route.items():
            merged.setdefault(r, Counter()).update(c)
    for r in sorted(merged):
        c = merged[r]
        routes.rows.append([r, f"{sum(c.values()):,}", *(f"{c[v]:,}" for v in VERDICTS)])
    written = phases["readers + writer"]
    notes = [
        f"Store: {described}. The serial answer of each URL is taken alone before the run; in the readers phase "
        "every answer must equal it byte for byte; in the writer phase it must be the right kind of answer for "
        "the request (same id and fields; an existing article's text, cleaning and dates unchanged).",
        f"Writer: one article POSTed a second ({len(written.posted)} stored; answer 202 with the analysis queued); "
        + (
            f"every one was placed in a story {fmt(settled)} s after the phase ended."
            if settled is not None
            else "NOT every posted article was placed within 300 s of the phase's end."
        ),
        f"'gone': a story or event that a write merged into another, 404 at the end too "
        f"({written.verdicts['gone']} answers). Server log lines with errors: {len(errors)}.",
        "Server: one `storyline serve` process (uvicorn, one worker; its writer thread analyzes in the same "
        "process); clients: asyncio + httpx in the benchmark process, on the same cores.",
    ]
    if any(t.samples for t in phases.values()):
        notes.append("First problems: " + "; ".join(s for t in phases.values() for s in t.samples[:5]))
    section = Section("Web reader and API: right answers under load", [table, routes], notes)
    print_sections([section], header)
    if args.record:
        record([section], header, "bench/serve.py", "Serving")


if __name__ == "__main__":
    main()
