"""How long work reports how far it got."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Where long work reports how far it got; the CLI shows it as a bar, the library ignores it."""

    def start(self, total: int | None, description: str) -> None: ...

    def advance(self, amount: int) -> None: ...


class NoProgress:
    def start(self, total: int | None, description: str) -> None:
        pass

    def advance(self, amount: int) -> None:
        pass
