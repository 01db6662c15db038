"""storyline: turn a pile of news articles into stories.

>>> import storyline
>>> with storyline.open("news.duckdb") as ws:
...     report = ws.ingest("articles/")
...     print(len(report.ingested), ws.articles(source="Meridian Post")[:1])
"""

from __future__ import annotations

__version__ = "0.1.0"

from storyline.api import Workspace, open
from storyline.errors import (
    ConfigError,
    InputError,
    NotFoundError,
    StoreError,
    StorylineError,
)
from storyline.model import (
    AnalyzeReport,
    Article,
    Entity,
    IngestReport,
    Quote,
    RemovedLine,
    Skip,
    SkipReason,
    TimeExpression,
    TimexType,
)
from storyline.settings import Settings

__all__ = [
    "AnalyzeReport",
    "Article",
    "ConfigError",
    "Entity",
    "IngestReport",
    "InputError",
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
