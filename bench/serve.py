"""Load benchmark of ``storyline serve``. Run from the project root:

    .venv/bin/python bench/serve.py [--articles 10000] [--clients 20] [--seconds 60] [--record]

1. A store of N generated short articles (happenings covered by several outlets over a few days, with some
   wire copies) is built once, through the whole pipeline (ingest, analysis, story stage), and cached as
   bench/out/serve-N.duckdb; building it is not what is measured.
2. ``storyline serve`` runs in its own process on a free loopback port. Each URL sampled is fetched once
   first (the first renders of story pages are reported separately: the server caches rendered pages until
   an ingest).
3. C concurrent clients (asyncio + httpx, in this process) request a mix of pages and API calls for S
   seconds: requests/s, p50/p99 latency and errors per kind of request.

``--record`` writes the results into docs/benchmarks.md, between this script's markers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
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
MIX = (  # (kind, weight)
    ("story page", 50),
    ("stories list", 15),
    ("article page", 15),
    ("API stories", 10),
    ("entity page", 5),
    ("search", 5),
)


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


def generate(n: int, seed: int = SEED) -> list[dict[str, Any]]:
    """``n`` short articles: happenings of 3 to 12 articles from different outlets within a few days; about one
    article in ten is a wire copy of another."""
    rng = random.Random(seed)
    records: list[dict[str, Any]] = []
    start = datetime(2020, 1, 1, tzinfo=timezone.utc)
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


def build_store(n: int) -> tuple[Path, str]:
    """The cached store of ``n`` generated articles, built through the whole pipeline on first use."""
    import storyline

    path = OUT / f"serve-{n}-v2.duckdb"
    if path.exists():
        return path, f"reused {path.relative_to(ROOT)} (built earlier by this script)"
    OUT.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    clock = time.perf_counter()
    with storyline.open(partial) as ws:
        ws.ingest_records(generate(n))
        analyzed = ws.analyze()
        clustered = ws.cluster()
    os.replace(partial, path)
    minutes = (time.perf_counter() - clock) / 60
    return path, (
        f"built {path.relative_to(ROOT)} in {minutes:.1f} min: {analyzed.words:,} words analyzed, "
        f"{clustered.events:,} events, {clustered.stories:,} stories"
    )


# -- the load -----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("STORYLINE_TOKEN", None)
    command = [sys.executable, "-m", "storyline", "--db", str(db), "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 180  # imports alone take seconds on a busy machine
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/sources", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("storyline serve did not start: " + (process.stderr.read() if process.stderr else b"").decode())


async def sample(base: str, stories: int) -> dict[str, list[str]]:
    """URLs of each kind to request, read from the API."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        ids: list[str] = []
        while len(ids) < stories:
            page = (await client.get("/api/stories", params={"limit": 100, "offset": len(ids)})).json()
            ids += [s["id"] for s in page["items"]]
            if page["next_offset"] is None:
                break
        articles = (await client.get("/api/articles", params={"limit": 100, "offset": 500})).json()["items"]
        entities = (await client.get("/api/entities", params={"limit": 50})).json()["items"]
    words = ("budget", "rail line", "ceasefire talks", "pension reform", "interest rates", "flood defences")
    return {
        "story page": [f"/stories/{i}" for i in ids[:stories]],
        "stories list": ["/", "/?sort=articles", "/?page=2", "/?sort=sources&page=3"],
        "article page": [f"/articles/{a['id']}" for a in articles],
        "API stories": ["/api/stories?limit=50", "/api/stories?limit=20&offset=40&sort=articles"],
        "entity page": [f"/entities/{e['id']}" for e in entities],
        "search": [f"/search?q={w.replace(' ', '+')}" for w in words],
    }


async def warm(base: str, urls: list[str], clients: int) -> list[float]:
    """Fetch each URL once (first renders), ``clients`` at a time; their latencies in seconds."""
    took: list[float] = []
    queue = list(urls)
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:

        async def worker() -> None:
            while queue:
                url = queue.pop()
                clock = time.perf_counter()
                (await client.get(url)).raise_for_status()
                took.append(time.perf_counter() - clock)

        await asyncio.gather(*(worker() for _ in range(clients)))
    return took


async def load(base: str, urls: dict[str, list[str]], clients: int, seconds: float) -> dict[str, Any]:
    rng = random.Random(SEED)
    kinds = [k for k, w in MIX for _ in range(w)]
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    deadline = time.perf_counter() + seconds
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:

        async def worker() -> None:
            while time.perf_counter() < deadline:
                kind = rng.choice(kinds)
                clock = time.perf_counter()
                try:
                    response = await client.get(rng.choice(urls[kind]))
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies[kind].append(time.perf_counter() - clock)
                if not ok:
                    errors[kind] += 1

        clock = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - clock
    return {"latencies": latencies, "errors": errors, "elapsed": elapsed}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="generated articles in the store")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=60.0, help=f"length of the run (at most {MAX_SECONDS})")
    parser.add_argument("--stories", type=int, default=300, help="story pages sampled")
    parser.add_argument("--record", action="store_true", help="write the results into docs/benchmarks.md")
    args = parser.parse_args()
    seconds = min(args.seconds, MAX_SECONDS)
    header = f"Machine: {machine(('duckdb', 'fastapi', 'uvicorn'))}. Date: {time.strftime('%Y-%m-%d')}."
    db, built = build_store(args.articles)
    with tempfile.TemporaryDirectory() as tmp:  # serve a copy: the cached store stays as built
        copy = Path(tmp) / db.name
        copy.write_bytes(db.read_bytes())
        port = free_port()
        server = start_server(copy, port)
        try:
            base = f"http://127.0.0.1:{port}"
            urls = asyncio.run(sample(base, args.stories))
            first = asyncio.run(warm(base, urls["story page"], 4))
            asyncio.run(warm(base, [u for kind, found in urls.items() if kind != "story page" for u in found], 4))
            result = asyncio.run(load(base, urls, args.clients, seconds))
        finally:
            server.terminate()
            server.wait(timeout=30)
    table = Table(
        f"{args.clients} concurrent clients for {seconds:g} s on loopback, {args.articles:,} articles",
        ["request", "requests", "req/s", "p50 ms", "p99 ms", "errors"],
    )
    everything: list[float] = []
    for kind, _ in MIX:
        took = result["latencies"][kind]
        everything += took
        table.rows.append([kind, f"{len(took):,}", fmt(len(took) / result["elapsed"]), fmt(pct(took, 0.5)),
                           fmt(pct(took, 0.99)), str(result["errors"][kind])])  # fmt: skip
    table.rows.append(["all", f"{len(everything):,}", fmt(len(everything) / result["elapsed"]),
                       fmt(pct(everything, 0.5)), fmt(pct(everything, 0.99)),
                       str(sum(result["errors"].values()))])  # fmt: skip
    notes = [
        f"Store: {built}. {len(urls['story page'])} story pages, {len(urls['article page'])} article pages, "
        f"{len(urls['entity page'])} entity pages sampled.",
        f"First render of each sampled story page (4 at a time, before the run): p50 {fmt(pct(first, 0.5))} ms, "
        f"p99 {fmt(pct(first, 0.99))} ms, max {fmt(max(first, default=0) * 1000)} ms. Every other sampled URL is "
        "also fetched once before the run. The server keeps rendered pages until the next ingest, so the run "
        "measures cached pages, as readers see them between ingests.",
        "Server: one `storyline serve` process (uvicorn, one worker); clients: asyncio + httpx in the benchmark "
        "process, on the same 2 cores.",
    ]
    section = Section("Web reader and API under load", [table], notes)
    print_sections([section], header)
    if args.record:
        record([section], header, "bench/serve.py", "Serving")
    print(json.dumps({"p99_story_ms": pct(result["latencies"]["story page"], 0.99)}))


if __name__ == "__main__":
    main()
