"""Settings in one typed object: defaults < config file < environment < explicit overrides (flags)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from storyline.errors import ConfigError

DEFAULT_DB = "storyline.duckdb"
CONFIG_FILE = "storyline.toml"
ENV_PREFIX = "STORYLINE_"


@dataclass(frozen=True)
class Settings:
    """Every knob storyline has. Validated when built."""

    db: Path = Path(DEFAULT_DB)
    max_document_bytes: int = 10 * 1024 * 1024  # one article (a .txt/.html file or one JSON line)
    max_file_bytes: int = 512 * 1024 * 1024  # a whole .json file, which is parsed at once
    batch_size: int = 200  # articles written per transaction
    cleaning_rules: Path | None = None  # a TOML rules file replacing the bundled one
    default_timezone: str = "UTC"  # applied to publication dates given without an offset
    min_language_chars: int = 40  # shorter texts get language "und"
    analysis_processes: int = 0  # spaCy worker processes; 0 = 2 for large runs, else 1
    embed_threads: int = 0  # ONNX Runtime threads of the sentence embedder; 0 = 2, or 1 in each Ray actor
    reprint_threshold: float = 0.5  # estimated Jaccard of word 5-shingles for two articles to be copies
    event_threshold: float = 0.62  # score (cosine + entity overlap) an article needs to join an event
    event_gap_days: float = 4.0  # an event takes articles up to this long after its latest one
    story_threshold: float = 0.5  # average score (lead cosine, actors, topic words, neighbours) a story's events share
    summary_words: int = 120  # length of event and story summaries
    # -- feeds (storyline watch) --
    user_agent: str = "storyline/0.1 (news feed reader)"  # sent with every request and matched in robots.txt
    fetch_timeout: float = 20.0  # seconds to connect, and between bytes received
    fetch_retries: int = 2  # further attempts after a network error, 429 or 5xx
    retry_backoff: float = 1.0  # seconds before the first retry; doubles each time
    max_response_bytes: int = 5 * 1024 * 1024  # a feed or page larger than this is skipped
    max_redirects: int = 5
    host_delay: float = 1.0  # seconds between two requests to the same host (robots.txt Crawl-delay if longer)
    host_connections: int = 2  # requests in flight to one host at a time
    fetch_workers: int = 8  # requests in flight in total
    poll_interval: float = 600.0  # seconds between two polls of a feed (storyline watch --every)
    max_backoff: float = 6 * 3600.0  # the longest wait before polling a failing feed again
    allow_private: bool = False  # fetch private, loopback and link-local addresses (the SSRF guard off)
    # -- web reader and HTTP API (storyline serve) --
    token: str = field(default="", repr=False)  # bearer token for write endpoints; empty = writes refused
    cors_origins: str = ""  # comma-separated origins allowed to call the API from a browser; empty = no CORS
    max_body_bytes: int = 2 * 1024 * 1024  # the largest request body accepted (413 above)

    def __post_init__(self) -> None:
        for name in ("analysis_processes", "embed_threads"):
            if getattr(self, name) < 0:
                raise ConfigError(f"setting {name} must be 0 (automatic) or more, got {getattr(self, name)!r}")
        for name in ("reprint_threshold", "event_threshold", "story_threshold"):
            if not 0.0 < getattr(self, name) <= 2.0:
                raise ConfigError(f"setting {name} must be in (0, 2], got {getattr(self, name)!r}")
        for name in (
            "max_document_bytes",
            "max_file_bytes",
            "batch_size",
            "min_language_chars",
            "event_gap_days",
            "summary_words",
            "fetch_timeout",
            "max_response_bytes",
            "host_connections",
            "fetch_workers",
            "poll_interval",
            "max_backoff",
            "max_body_bytes",
        ):
            if getattr(self, name) <= 0:
                raise ConfigError(f"setting {name} must be a positive number, got {getattr(self, name)!r}")
        for name in ("fetch_retries", "retry_backoff", "max_redirects", "host_delay"):
            if getattr(self, name) < 0:
                raise ConfigError(f"setting {name} must be 0 or more, got {getattr(self, name)!r}")
        if self.token and (not self.token.strip() or self.token != self.token.strip()):
            raise ConfigError(
                "setting token (STORYLINE_TOKEN) must not be blank nor begin or end with white space; "
                "leave it empty to refuse writes"
            )
        if self.cleaning_rules is not None and not Path(self.cleaning_rules).is_file():
            raise ConfigError(f"setting cleaning_rules: {self.cleaning_rules} is not a file")

    @classmethod
    def load(cls, config: Path | None = None, **overrides: Any) -> Settings:
        """Build settings from ./storyline.toml (or ``config``), STORYLINE_* variables and overrides."""
        values: dict[str, Any] = {}
        path = config or (Path(os.environ[f"{ENV_PREFIX}CONFIG"]) if f"{ENV_PREFIX}CONFIG" in os.environ else None)
        if path is None and Path(CONFIG_FILE).is_file():
            path = Path(CONFIG_FILE)
        if path is not None:
            values.update(_read_config(path))
        for f in fields(cls):
            env = os.environ.get(ENV_PREFIX + f.name.upper())
            if env is not None and env != "":
                values[f.name] = env
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **{k: _coerce(k, v) for k, v in values.items()})


def _read_config(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    table = data.get("storyline", data)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: expected a [storyline] table")
    return table


def _coerce(name: str, value: Any) -> Any:
    known = {f.name: f for f in fields(Settings)}
    if name not in known:
        raise ConfigError(f"unknown setting {name!r}; known settings: {', '.join(sorted(known))}")
    default = getattr(Settings(), name)
    if name in ("db", "cleaning_rules"):
        return Path(value)
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"setting {name} must be true or false, got {value!r}")
    if isinstance(default, float):
        try:
            return float(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"setting {name} must be a number, got {value!r}") from exc
    if isinstance(default, int):
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"setting {name} must be a whole number, got {value!r}") from exc
    return str(value)
