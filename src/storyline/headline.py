"""Headlines a reader can show: one line, no wire markup, no shouting, at most ``LIMIT`` characters.

Wire copy carries markup in its headline fields: SGML codes (``&HT;``), advisory slugs (``$ADV21``,
``BC-CLINTON-IMPEACH``), and headlines in capitals. Inputs without a title leave only their text, whose
first line may run into photo credits. ``headline`` turns either into one clean line; ``title_of`` picks the
title when there is one and the text's opening sentence otherwise.
"""

from __future__ import annotations

import html
import re

from storyline.stories.summarize import DATELINE

LIMIT = 150

_CODE = re.compile(r"&[A-Za-z]{2,8};|\$[A-Z]+\d*\b|<[^>]{0,200}>")
_SLUG = re.compile(r"^(?:(?:BC|AM|PM)-[A-Z0-9&;-]+|ADV\d+)\s+")  # BC-CLINTON-IMPEACH, ADV21
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]?\s+(?=[\"'“‘(]?[A-Z0-9])")
_ACRONYMS = frozenset(
    "US USA UK UN EU NATO AIDS HIV FBI CIA NSA IMF OPEC NASA WHO WTO IRA PLO GOP CEO TV AP AFP UPI BBC CNN NBC "
    "CBS ABC ICC ICJ IAEA UAE DNA".split()
)
_SMALL = frozenset(
    "a an and as at but by for from in into of on or the to with is are was be its it how why who what when "
    "over after vs via than up out off".split()
)


def _capital(word: str) -> str:
    """'`IMAGINED' -> '`Imagined': the first letter stays a capital, the rest go small."""
    first = next((i for i, c in enumerate(word) if c.isalpha()), len(word))
    return word[: first + 1] + word[first + 1 :].lower()


def _decapitalize(text: str) -> str:
    """'BEAT ARTHRITIS NATURALLY' -> 'Beat Arthritis Naturally'; acronyms (NATO, U.S., F-16, CNN) stay."""
    words = []
    for k, word in enumerate(text.split(" ")):
        core = word.strip("\"'`‘’“”()[]:;,.!?")
        if core.lower() in _SMALL and k:
            words.append(word.lower())
        elif core in _ACRONYMS or not re.search(r"[AEIOUY]", core) or re.search(r"[\d.]", core):
            words.append(word)
        else:
            words.append("-".join(_capital(part) for part in word.split("-")))
    return " ".join(words)


def headline(text: str | None, limit: int = LIMIT) -> str:
    """``text`` as one clean headline line ("" when nothing readable is left)."""
    if not text:
        return ""
    line = html.unescape(text)
    line = _CODE.sub(" ", line)
    line = next((ln for ln in line.splitlines() if ln.strip()), "")  # a headline is its first line
    line = " ".join(line.split())  # one line: breaks, tabs and runs of spaces become one space
    while (stripped := _SLUG.sub("", line)) != line:
        line = stripped
    line = line.strip(" -–—:|;,")
    letters = [c for c in line if c.isalpha()]
    if len(letters) >= 8 and sum(c.isupper() for c in letters) > 0.8 * len(letters):
        line = _decapitalize(line)
    if len(line) > limit:
        cut = line[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-–—")
        line = cut + "…"
    return line


def opening(text: str | None, limit: int = LIMIT) -> str:
    """The first sentence of a text as a headline (of its first paragraph with words: a rule of dashes or
    stars is no headline; cut at a word if long)."""
    if not text:
        return ""
    for paragraph in re.split(r"\n\s*\n|\n", text):
        sentence = _SENTENCE_END.split(DATELINE.sub("", paragraph.strip()), maxsplit=1)[0]
        found = headline(sentence, limit)
        if any(c.isalpha() for c in found):
            return found
    return ""


def title_of(title: str | None, text: str | None, limit: int = LIMIT) -> str:
    """The cleaned title, else the opening sentence of the text."""
    return headline(title, limit) or opening(text, limit)
