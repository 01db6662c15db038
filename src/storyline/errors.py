"""The one exception tree of storyline. Messages name the input and say how to fix the problem."""

from __future__ import annotations


class StorylineError(Exception):
    """Base class of every error storyline raises on purpose."""


class ConfigError(StorylineError):
    """A setting, flag or rules file is invalid."""


class InputError(StorylineError):
    """An input cannot be read or parsed (the ingest reports these as skips, not crashes).

    ``reason`` is a ``storyline.model.SkipReason`` value ("malformed", "binary", ...).
    """

    def __init__(self, message: str, reason: str = "malformed") -> None:
        super().__init__(message)
        self.reason = reason


class StoreError(StorylineError):
    """The store cannot be opened, migrated or written."""


class NotFoundError(StorylineError):
    """A requested article (or other record) is not in the store."""
