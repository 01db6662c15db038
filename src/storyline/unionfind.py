"""Union-find whose root is always the earliest item in the order given, so group ids are stable.

Name linking (analyze/canonical.py), reprint groups (stories/reprints.py) and events and stories
(stories/cluster.py) all group items this way and name a group after its first member.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)


class UnionFind(Generic[T]):
    """Disjoint sets over ``items``; ``find`` gives the earliest item of an item's set."""

    def __init__(self, items: Iterable[T]) -> None:
        self.parent: dict[T, T] = {}
        self._rank: dict[T, int] = {}
        for x in items:
            self._rank.setdefault(x, len(self._rank))
            self.parent.setdefault(x, x)

    def find(self, x: T) -> T:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: T, b: T) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if self._rank[rb] < self._rank[ra]:
                ra, rb = rb, ra
            self.parent[rb] = ra
