"""Shared fixtures: a fresh store per test, the demo corpus run once, fake models, and helpers to write input
files. Also which tests are slow: ``make test-fast`` (``pytest -m "not slow"``) leaves them out, ``make test``
runs them all."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import storyline

if TYPE_CHECKING:
    from tests.fakes import FakeModels

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo"
SHARED = ROOT.parent / "shared"

# Slow whatever they test: a wheel built and installed, Ray, killed subprocesses, Chromium, threads hammering a
# server, property-based fuzzing. A test module's own ``pytest.mark.slow`` marks work too.
SLOW_MODULES = frozenset(
    {"test_install", "test_ray", "test_crash", "test_web_browser", "test_web_concurrency", "test_fuzz"}
)
# Fixtures that run the real spaCy pipeline and embedder over a corpus: every test using one is slow.
REAL_MODEL_FIXTURES = frozenset({"demo_ws"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        module = item.nodeid.split("::", 1)[0].rsplit("/", 1)[-1].removesuffix(".py")
        if module in SLOW_MODULES or REAL_MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[storyline.Workspace]:
    with storyline.open(tmp_path / "test.duckdb") as workspace:
        yield workspace


@pytest.fixture(scope="session")
def demo_ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[storyline.Workspace]:
    """The whole demo corpus run through every stage once, shared by the tests that only read it."""
    with storyline.open(tmp_path_factory.mktemp("demo") / "demo.duckdb") as workspace:
        workspace.run(DEMO / "articles")
        yield workspace


@pytest.fixture
def fake_models(monkeypatch: pytest.MonkeyPatch) -> FakeModels:
    """The spaCy pipeline and the embedder replaced by fakes (tests/fakes.py) for this test."""
    from tests.fakes import use_fakes  # imports spaCy: only for the tests that ask

    return use_fakes(monkeypatch)


def demo_article(ws: storyline.Workspace, doc: str) -> storyline.Article:
    """The stored article of a gold ``doc``: files by their origin path, JSON Lines records by their id."""
    for article in ws.articles(limit=None):
        if article.id == doc or Path(article.origin).as_posix().endswith("/" + doc):
            return article
    raise LookupError(doc)


def story(n: int = 0) -> str:
    """A short English news body, distinct per ``n``."""
    return (
        f"GENEVA — Negotiators from {n + 3} countries met on Tuesday to discuss a ceasefire plan, "
        f"officials said, in talks that ran late into the evening for the {n + 1}th time.\n\n"
        "The delegations agreed to meet again next week, according to a statement released after the talks.\n"
    )
