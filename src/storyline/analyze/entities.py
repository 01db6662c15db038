"""Names in one article: mentions of people, organizations and places, the fullest form of each name
in the article ("Putin" -> "Vladimir Putin", "CMA" -> "Competition and Markets Authority"), and the
titles and roles the text gives people ("Russian Foreign Minister Sergei Lavrov", "Lavrov, Russia's
foreign minister"). Linking names across articles is ``canonical.py``'s job.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from storyline.analyze import nametypes
from storyline.analyze.gazetteer import HONORIFICS, ROLE_WORDS, fold
from storyline.model import Mention, Title

__all__ = ["HONORIFICS", "ROLE_WORDS", "DocEntities", "find_entities", "fold", "initials"]

ENTITY_TYPES = ("PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT")
_TITLE_POS = ("NOUN", "PROPN", "ADJ", "NUM", "PART")
_TITLE_DEPS = {"compound", "amod", "nmod", "poss", "case", "npadvmod", "nummod"}
_ORG_STOP = {"and", "of", "the", "for", "&", "on", "in"}
_ACRONYM_IN_PARENS = re.compile(r"\(([A-Z][A-Z.&]{1,9})\)")
_OPENING_TAGS = frozenset({"VBG", "VB", "VBD", "VBN", "VBP", "VBZ", "MD", "RB"})
_DATE_WORDS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow tonight january
    february march april june july august september october november december jan feb mar apr jun jul aug
    sep sept oct nov dec""".split()
)


@dataclass(frozen=True)
class DocEntities:
    """Mentions (with their in-article full names) and people's titles in one article."""

    mentions: list[Mention]
    titles: list[tuple[str, Title]]  # (the person's in-article name, the title)


def initials(name: str) -> str:
    """'Competition and Markets Authority' -> 'CMA', 'Asia-Pacific Economic Cooperation' -> 'APEC'."""
    words = [w for w in re.split(r"[\s-]+", name) if w.lower() not in _ORG_STOP and w[:1].isalpha()]
    return "".join(w[0] for w in words).upper() if len(words) > 1 else ""


def find_entities(doc: Doc, article_id: str = "") -> DocEntities:
    """Mentions of names in a parsed article, each with the fullest form of its name there."""
    sentence_of = {sent.start: i for i, sent in enumerate(doc.sents)}
    raw: list[tuple[Span, str, list[Token]]] = []
    for ent in doc.ents:
        if ent.label_ not in ENTITY_TYPES:
            continue
        span, title_tokens = _trim(ent)
        if span is not None and _plausible(span):
            raw.append((span, ent.label_, title_tokens))
    raw = nametypes.decide(doc, raw)
    names = _full_names(doc, [(span.text, label) for span, label, _ in raw])
    people = _people_names(raw)
    mentions = []
    titles: list[tuple[str, Title]] = []
    for index, (span, label, title_tokens) in enumerate(raw):
        name = people.get(index) or names.get((span.text, label), _clean_name(span.text))
        sentence = sentence_of.get(span.sent.start, 0)
        mentions.append(Mention(article_id, span.start_char, span.end_char, span.text, label, sentence, name))
        if label == "PERSON":
            titles.extend((name, t) for t in _titles(doc, span, title_tokens, article_id))
    return DocEntities(mentions, titles)


def _trim(ent: Span) -> tuple[Span | None, list[Token]]:
    """Drop leading articles and honorifics/titles that spaCy folds into a name (keeping the titles), a
    descriptor after it ("Interfax news agency"), and whatever follows a line break inside it."""
    start, end = ent.start, ent.end
    doc = ent.doc
    for i in range(start, end):  # a name never runs across a line break
        if doc[i].is_space or (i + 1 < end and "\n" in doc[i].whitespace_):
            end = i if doc[i].is_space else i + 1
            break
    while start < end and (doc[start].lower_ in ("the", "a", "an") or doc[start].is_space):
        start += 1
    # "Surrounding Europa are ...", "Turning Elian over ...", "Will La Nina ...": a verb or adverb that opens
    # the sentence is capitalized for that reason only
    if end - start > 1 and doc[start].tag_ in _OPENING_TAGS and (doc[start].is_sent_start or _after_colon(doc, start)):
        start += 1
    title_tokens: list[Token] = []
    if ent.label_ == "PERSON":
        while start < end - 1 and (doc[start].lower_ in ROLE_WORDS or doc[start].lower_.rstrip(".") in HONORIFICS):
            title_tokens.append(doc[start])
            start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].lower_ in ("'s", "’s", "'")):
        end -= 1
    # "Interfax news agency", "Pirelli group": lower-case nouns after a name describe it (an event's keep theirs)
    if ent.label_ != "EVENT":
        while end - 1 > start and doc[end - 1].is_lower and doc[end - 1].pos_ == "NOUN":
            end -= 1
    # "J. Crawley 106": a score after a name in a results table
    while end - 1 > start and (doc[end - 1].is_punct or doc[end - 1].is_digit):
        end -= 1
    # spaCy sometimes stops inside a hyphenated name ("Moon Jae" of "Moon Jae-in"): finish the word.
    while end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_ and not doc[end].whitespace_:
        if not doc[end + 1].is_alpha:
            break
        end += 2
    return (doc[start:end] if end > start else None), title_tokens


def _after_colon(doc: Doc, i: int) -> bool:
    return i > 0 and doc[i - 1].text in (":", '"', "``", "“")


def _people_names(raw: list[tuple[Span, str, list[Token]]]) -> dict[int, str]:
    """For each short person mention, the full name it stands for: the latest full name before it that
    it starts or ends ("Issachar" after "Naama Issachar"), else the most mentioned one."""
    full = [(i, fold(span.text).split(), span.text) for i, (span, label, _) in enumerate(raw) if label == "PERSON"]
    full = [f for f in full if len(f[1]) > 1]
    counts = Counter(fold(text) for _, _, text in full)
    names = {}
    for i, (span, label, _) in enumerate(raw):
        tokens = fold(span.text).split()
        if label != "PERSON":
            continue
        n = len(tokens)
        candidates = [f for f in full if len(f[1]) > n and (f[1][:n] == tokens or f[1][-n:] == tokens)]
        if not candidates:
            continue
        before = [f for f in candidates if f[0] < i]
        best = before[-1] if before else max(candidates, key=lambda f: (counts[fold(f[2])], -f[0]))
        names[i] = _clean_name(best[2])
    return names


def _plausible(span: Span) -> bool:
    text = span.text
    return len(text) >= 2 and any(ch.isupper() for ch in text) and any(ch.isalpha() for ch in text)


def _clean_name(text: str) -> str:
    return " ".join(text.split())


def _full_names(doc: Doc, mentions: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Map each (text, type) to the fullest form of that name in the article."""
    counts = Counter(mentions)
    names: dict[tuple[str, str], str] = {}
    for text, label in counts:
        if label == "ORG":
            names[(text, label)] = _org_name(doc, text, [m for m in counts if m[1] == "ORG"])
        else:
            names[(text, label)] = _clean_name(text)
    return names


def _org_name(doc: Doc, text: str, orgs: list[tuple[str, str]]) -> str:
    """An acronym takes the long name it abbreviates in this article ("CMA")."""
    compact = text.replace(".", "")
    if not (compact.isupper() and 2 <= len(compact) <= 8):
        return _clean_name(text)
    full_text = doc.text
    for match in _ACRONYM_IN_PARENS.finditer(full_text):
        if match.group(1).replace(".", "") == compact:
            before = full_text[: match.start()].rstrip()
            for other, _ in orgs:
                if before.endswith(other):
                    return _clean_name(other)
    for other, _ in orgs:
        if initials(other) == compact:
            return _clean_name(other)
    return _clean_name(text)


def _titles(doc: Doc, span: Span, folded: list[Token], article_id: str) -> list[Title]:
    """Titles before the name ("Kremlin spokesman Dmitry Peskov") and in apposition ("Lavrov, Russia's
    foreign minister," or "Russia's foreign minister, Sergei Lavrov")."""
    found = []
    pre = _premodifier_title(doc, span, folded)
    if pre is not None:
        found.append(pre)
    found.extend(_appositive_titles(doc, span))
    text = doc.text if found else ""  # Doc.text joins every token: read it once
    return [Title(_strip_article(text[s:e]), article_id, s, e) for s, e in found if _strip_article(text[s:e])]


def _premodifier_title(doc: Doc, span: Span, folded: list[Token]) -> tuple[int, int] | None:
    tokens = list(folded)
    i = (folded[0].i if folded else span.start) - 1
    names_and_title = {t.i for t in span} | {t.i for t in tokens}
    while i >= span.sent.start:
        tok = doc[i]
        attached = tok.head.i in names_and_title or (tok.dep_ in _TITLE_DEPS and tok.head.i > tok.i)
        inner_of = tok.lower_ in ("of", "for") and i > span.sent.start and doc[i - 1].lower_ in ROLE_WORDS
        # "secretary-general": a hyphen inside one word of the title
        if tok.text == "-" and not tok.whitespace_ and i > span.sent.start and not doc[i - 1].whitespace_:
            tokens.insert(0, tok)
            names_and_title.add(tok.i)
            i -= 1
            continue
        if not inner_of and (
            (tok.is_punct and tok.text not in ("-", "'s", "’s")) or tok.pos_ in ("VERB", "AUX", "ADP", "DET", "PRON")
        ):
            break
        # "on Monday President Clinton", "will debate Thursday charge President Clinton": a date is no part
        # of a title, and a lower-case noun does not modify a capitalized title ("Defense Secretary" is
        # written in capitals; "party spokesman" has its title word in lower case too)
        if tok.ent_type_ in ("DATE", "TIME") or tok.lower_.rstrip(".") in _DATE_WORDS:
            break
        right = tokens[0] if tokens else None
        if (
            tok.is_lower
            and tok.pos_ == "NOUN"
            and tok.lower_ not in ROLE_WORDS
            and right is not None
            and (right.is_title or right.is_upper)
        ):
            break
        # "Secretary of State Mike Pompeo": "of" inside a title; "Russia's": a possessive inside one
        capitalised = tok.is_title or tok.is_upper
        if inner_of or tok.lower_ in ("'s", "’s") or ((attached or capitalised) and tok.pos_ in _TITLE_POS):
            tokens.insert(0, tok)
            names_and_title.add(tok.i)
            i -= 1
            continue
        break
    tokens.sort(key=lambda t: t.i)
    if not tokens or not any(t.lower_ in ROLE_WORDS for t in tokens):
        return None
    while tokens and tokens[0].lower_ in ("'s", "’s", "of", "for"):
        tokens.pop(0)
    while len(tokens) > 1 and tokens[-1].lower_.rstrip(".") in HONORIFICS:
        tokens.pop()  # "retired judge Sir William Macpherson": the title is "retired judge"
    return (tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)) if tokens else None


def _appositive_titles(doc: Doc, span: Span) -> list[tuple[int, int]]:
    found = []
    root = span.root
    for child in root.children:
        if child.dep_ == "appos" and child.i >= span.end:
            tokens = [t for t in child.subtree if not (t.i == child.right_edge.i and t.is_punct)]
            cut = next(
                (t.i for t in tokens if t.i > child.i and t.lower_ in (",", ";", "(", "who", "which", "that")), None
            )
            tokens = [t for t in tokens if cut is None or t.i < cut]  # "..., the secretary-general, in New York"
            # "Benjamin Netanyahu, U.S. Assistant Secretary of State ... Martin Indyk": the next person's title
            if any(t.ent_type_ == "PERSON" for t in tokens) or _person_next(doc, child.right_edge.i + 1):
                continue
            if tokens and any(t.lower_ in ROLE_WORDS for t in tokens) and len(tokens) <= 12:
                found.append((tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)))
    head = root.head
    if root.dep_ == "appos" and head.i < span.start and head.lower_ in ROLE_WORDS:
        tokens = [t for t in head.subtree if t.i < span.start and not t.is_punct]
        if tokens and len(tokens) <= 12 and tokens[-1].i == span.start - 2:
            found.append((tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)))
    return found


def _person_next(doc: Doc, i: int) -> bool:
    """Whether a person's name starts at token ``i``, or after a run of capitalized words there (the rest
    of a title the parser cut: "Assistant Secretary of State for | Near Eastern Affairs Martin Indyk")."""
    if i > 0 and doc[i - 1].pos_ == "ADP":
        return True  # a title never ends on "for" or "of"
    while i < len(doc) and doc[i].ent_type_ != "PERSON" and doc[i].pos_ == "PROPN" and doc[i].is_title:
        i += 1
    return i < len(doc) and doc[i].ent_type_ == "PERSON"


def _strip_article(text: str) -> str:
    text = text.strip().strip(",")
    for article in ("the ", "The ", "a ", "A ", "an ", "An "):
        if text.startswith(article):
            return text[len(article) :].strip()
    return text
