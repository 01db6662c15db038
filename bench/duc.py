"""The DUC 2006 document sets (1,250 dated newswire articles in 50 sets), read at run time from
../shared/bench/mds-duc2006 (research use only: never copied into the project)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from common import SHARED

DUC = SHARED / "mds-duc2006"
_TAG = re.compile(r"<(DOCNO|DATE_TIME|HEADLINE)>(.*?)</\1>", re.DOTALL)
_PARAGRAPH = re.compile(r"<P>(.*?)</P>", re.DOTALL)


@dataclass(frozen=True)
class DucDocument:
    id: str
    docset: str
    published: str
    title: str
    text: str  # paragraphs separated by blank lines

    def record(self) -> dict[str, str]:
        """The document as a storyline JSON record."""
        return {"id": self.id, "title": self.title, "text": self.text, "published": self.published, "source": "DUC"}


def available() -> bool:
    return (DUC / "duc2006_docs").is_dir()


def documents(limit: int | None = None) -> list[DucDocument]:
    """Every document, sorted by docset then id; ``limit`` keeps the first documents of every set in turn."""
    found = []
    for path in sorted((DUC / "duc2006_docs").glob("*/*")):
        raw = path.read_text(encoding="utf-8", errors="replace")
        tags = {m.group(1): " ".join(m.group(2).split()) for m in _TAG.finditer(raw)}
        paragraphs = [" ".join(html.unescape(p).split()) for p in _PARAGRAPH.findall(raw)]
        if not paragraphs:  # some sources put the text straight in <TEXT>
            body = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.DOTALL)
            paragraphs = [" ".join(html.unescape(body.group(1)).split())] if body else []
        published = tags.get("DATE_TIME", "").replace(" ", "T", 1)
        found.append(
            DucDocument(tags.get("DOCNO", path.name), path.parent.name, published, tags.get("HEADLINE", ""),
                        "\n\n".join(p for p in paragraphs if p))
        )  # fmt: skip
    if limit is not None:  # round robin over the sets, so a sample keeps every topic
        by_set: dict[str, list[DucDocument]] = {}
        for doc in found:
            by_set.setdefault(doc.docset, []).append(doc)
        rounds = [doc for i in range(max(map(len, by_set.values()))) for docs in by_set.values() if i < len(docs)
                  for doc in [docs[i]]]  # fmt: skip
        found = sorted(rounds[:limit], key=lambda d: (d.docset, d.id))
    return found


def docsets() -> dict[str, list[str]]:
    """Docset -> the ids of its documents (the clustering gold)."""
    sets: dict[str, list[str]] = {}
    for doc in documents():
        sets.setdefault(doc.docset, []).append(doc.id)
    return sets
