"""storyline: turn a pile of news articles into stories.

>>> import storyline
>>> with storyline.open("news.duckdb") as ws:
...     report = ws.ingest("articles/")
...     print(len(report.ingested), ws.articles(source="Meridian Post")[:1])
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

from storyline.errors import (
    ConfigError,
    InputError,
    NotFoundError,
    StoreError,
    StorylineError,
)
from storyline.model import (
    Action,
    Actor,
    AnalyzeReport,
    Article,
    Entity,
    IngestReport,
    MergedAction,
    Quote,
    RemovedLine,
    Skip,
    SkipReason,
    TimeExpression,
    TimexType,
)
from storyline.settings import Settings

if TYPE_CHECKING:
    from storyline.api import Workspace, open


def __getattr__(name: str) -> Any:
    """``Workspace`` and ``open`` load the library (and its models' code) when first used, so that importing
    a light part of it (``storyline.store``, ``storyline.model``) does not."""
    if name in ("Workspace", "open"):
        from storyline import api

        return getattr(api, name)
    raise AttributeError(f"module 'storyline' has no attribute {name!r}")


__all__ = [
    "Action",
    "Actor",
    "AnalyzeReport",
    "Article",
    "ConfigError",
    "Entity",
    "IngestReport",
    "InputError",
    "MergedAction",
    "NotFoundError",
    "Quote",
    "RemovedLine",
    "Settings",
    "Skip",
    "SkipReason",
    "StoreError",
    "StorylineError",
    "TimeExpression",
    "TimexType",
    "Workspace",
    "__version__",
    "open",
]
