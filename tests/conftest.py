"""Shared fixtures: a fresh store per test, and helpers to write input files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import storyline

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo"
SHARED = ROOT.parent / "shared"


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
