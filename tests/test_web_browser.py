"""The web reader in a real browser: Playwright driving Debian's Chromium against a live server on loopback.

Where Chromium or Playwright is missing the tests skip with the reason, except under CI (CI=true), where they
must run.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import storyline
from storyline.web import create_app

CHROMIUM = os.environ.get("STORYLINE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


if (reason := _missing()) is not None:
    if IN_CI:
        raise RuntimeError(f"browser tests must run under CI: {reason}")
    pytest.skip(reason, allow_module_level=True)

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402


class LiveServer:
    """uvicorn serving the app on a free loopback port, in a background thread."""

    def __init__(self, ws: storyline.Workspace) -> None:
        import uvicorn

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(create_app(ws.settings, workspace=ws), host="127.0.0.1", port=port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        found = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield found
        found.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    found = context.new_page()
    dialogs: list[str] = []
    found.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    found.dialogs = dialogs  # type: ignore[attr-defined]
    yield found
    context.close()


@pytest.fixture(scope="module")
def demo_server(demo_ws: storyline.Workspace) -> Iterator[LiveServer]:
    server = LiveServer(demo_ws)
    yield server
    server.stop()


def test_read_a_story_and_follow_a_citation(demo_server: LiveServer, page: Page, tmp_path: Path) -> None:
    page.goto(demo_server.url + "/")
    cards = page.locator(".card")
    assert cards.count() >= 5
    assert "independent source" in cards.first.inner_text()
    page.screenshot(path=str(tmp_path / "stories.png"), full_page=True)

    biggest = page.locator(".card-title a").filter(has_text="Biden and Xi")
    biggest.first.click()
    page.wait_for_selector("h1")
    assert "Biden and Xi" in page.inner_text("h1")
    for heading in ("Summary", "Timeline", "Who said what", "People and organizations", "Sources side by side"):
        assert page.get_by_role("heading", name=heading).count() == 1, heading
    page.screenshot(path=str(tmp_path / "story.png"))

    citation = page.locator(".summary a.cite").first
    target = citation.get_attribute("data-cite")
    sentence = page.locator(f"#{target} .cited-text").inner_text()
    citation.click()
    popover = page.locator(".popover")
    popover.wait_for(state="visible")
    assert sentence in popover.inner_text()
    page.screenshot(path=str(tmp_path / "citation.png"))
    page.keyboard.press("Escape")
    assert page.locator(".popover").count() == 0

    popover_link = page.locator(f"#{target} a").first
    popover_link.click()
    page.wait_for_selector(".article-body")
    assert sentence[:40] in page.inner_text(".article-body")
    page.screenshot(path=str(tmp_path / "article.png"), full_page=True)
    print(f"screenshots in {tmp_path}")


def test_citations_work_without_javascript(demo_server: LiveServer, browser: Browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(demo_server.url + "/")
    page.locator(".card-title a").first.click()
    citation = page.locator(".summary a.cite").first
    target = citation.get_attribute("data-cite")
    citation.click()
    assert page.url.endswith(f"#{target}")
    assert page.locator(f"#{target}").is_visible()
    context.close()


def test_search_for_a_quote(demo_server: LiveServer, demo_ws: storyline.Workspace, page: Page, tmp_path: Path) -> None:
    quote = max(demo_ws.quotes(speaker="Xi Jinping"), key=lambda q: len(q.text))
    page.goto(demo_server.url + "/")
    page.fill(".search-box input[name=q]", quote.text[:50])
    page.press(".search-box input[name=q]", "Enter")
    page.wait_for_selector(".results")
    assert quote.text in page.locator(".results-quotes").inner_text()
    assert page.locator(".result").count() >= 1
    page.screenshot(path=str(tmp_path / "search.png"), full_page=True)


def test_filter_and_sort_the_stories(demo_server: LiveServer, page: Page) -> None:
    page.goto(demo_server.url + "/")
    page.select_option("select[name=sort]", "articles")  # applied at once by storyline.js
    page.wait_for_url("**sort=articles**")
    counts = [int(t.split()[0]) for t in page.locator(".card .meta span:first-child").all_inner_texts()]
    assert counts == sorted(counts, reverse=True)
    page.fill("input[name=entity]", "Xi Jinping")
    page.click(".filters button")
    page.wait_for_url("**entity=Xi**")
    assert 1 <= page.locator(".card").count() < 8


XSS = "<script>window.__xss = 1; alert('xss')</script><img src=x onerror=\"window.__xss = 2; alert('img')\">"


def _xss_records() -> list[dict[str, Any]]:
    body = (
        "GENEVA — Negotiators from five countries met on Tuesday {payload} to discuss a ceasefire plan, officials "
        "said.\n\n“<svg onload=alert('quote')>We are closer than ever <script>alert('q')</script>,” said Maria "
        "Lopez, the chief negotiator.\n\nThe talks will resume on Friday in Geneva, according to a statement "
        "from the mediators <a href=\"javascript:alert('link')\">here</a>."
    )
    return [
        {
            "id": f"xss-{i}",
            "title": f"Ceasefire talks {XSS} resume",
            "author": f"Ann <b onmouseover=alert('author')>Writer</b> {i}",
            "source": f"Evil <script>alert('source')</script> Wire {i}",
            "url": "javascript:alert('url')" if i == 0 else "https://example.org/\"><script>alert('attr')</script>",
            "published": f"2024-03-1{i + 2}T09:00:00Z",
            "text": body.format(payload=XSS),
        }
        for i in range(2)
    ]


@pytest.fixture(scope="module")
def xss_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with storyline.open(tmp_path_factory.mktemp("xss") / "xss.duckdb") as ws:
        report = ws.ingest_records(_xss_records())
        assert len(report.ingested) == 2, report
        ws.analyze()
        ws.cluster()
        assert ws.stories(), "the payload articles make a story"
        server = LiveServer(ws)
        yield server
        server.stop()


@pytest.mark.parametrize(("path", "shown"), [("/api/docs", ".swagger-ui .info .title"), ("/api/redoc", "h1")])
def test_api_docs_render_offline_under_the_csp(demo_server: LiveServer, page: Page, path: str, shown: str) -> None:
    """The docs pages render from this server's files alone, with no Content-Security-Policy violation (but for
    ReDoc's decorative logo, which its script fetches from cdn.redoc.ly and the policy allows)."""
    logo = "https://cdn.redoc.ly/"
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("requestfailed", lambda r: None if r.url.startswith(logo) else problems.append(f"failed: {r.url}"))
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((demo_server.url, "blob:", logo)) else outside.append(r.url))
    page.goto(demo_server.url + path)
    page.wait_for_selector(shown, timeout=20_000)
    assert "storyline" in page.inner_text(shown)
    assert not problems and not outside, problems + outside


def test_no_script_from_content_runs(xss_server: LiveServer, page: Page, tmp_path: Path) -> None:
    import httpx

    story = httpx.get(xss_server.url + "/api/stories").json()["items"][0]["id"]
    quote = httpx.get(xss_server.url + "/api/quotes").json()["items"]
    assert any("<svg" in q["text"] or "<script>" in q["text"] for q in quote), "a payload sits in a quote"
    urls = ["/", f"/stories/{story}", "/articles/xss-0", "/articles/xss-1", "/search?q=ceasefire",
            f"/search?q={XSS}", "/?entity=" + XSS]  # fmt: skip
    urls += [f"/entities/{e['id']}" for e in httpx.get(xss_server.url + "/api/entities").json()["items"][:3]]
    for n, url in enumerate(urls):
        page.goto(xss_server.url + url)
        page.wait_for_load_state("load")
        for link in page.locator(".cite").all()[:3]:
            link.click()  # popovers clone content: still nothing may run
            page.keyboard.press("Escape")
        page.locator("body").hover()
        assert page.evaluate("window.__xss") is None, url
        assert page.dialogs == [], (url, page.dialogs)  # type: ignore[attr-defined]
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:"))], url
        page.screenshot(path=str(tmp_path / f"xss-{n}.png"), full_page=True)
    page.goto(xss_server.url + f"/stories/{story}")
    heading = page.inner_text("h1")  # a story title drops markup (storyline.headline); its words stay inert text
    assert "alert('xss')" in heading and "<script>" not in heading, heading
    page.goto(xss_server.url + "/articles/xss-0")
    assert "<script>" in page.inner_text("h1")
    assert "onmouseover" in page.inner_text(".article-head")
