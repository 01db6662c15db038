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


def story(n: int = 0) -> str:
    """A short English news body, distinct per ``n``."""
    return (
        f"GENEVA — Negotiators from {n + 3} countries met on Tuesday to discuss a ceasefire plan, "
        f"officials said, in talks that ran late into the evening for the {n + 1}th time.\n\n"
        "The delegations agreed to meet again next week, according to a statement released after the talks.\n"
    )
