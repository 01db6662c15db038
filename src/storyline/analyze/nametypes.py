"""One type per name in an article, decided on the evidence of all its mentions.

The small tagger types each mention on its own and often differently ("Lebed" a person, then an
organization; "Sri Lanka" a person because it "said"). Here every name of an article gets scores for
person, organization and place, and all its mentions take the winner:

- each mention's tagger label (one vote; half a vote in an all-capitals line, where the tagger guesses);
- a title or honorific before it ("President", "Mr.") and being a short form of a person's full name in the
  article ("Lebed" after "Alexander Lebed"): person;
- an organization word in the name ("Inc", "Corp", "FC", "Center", "Bank") or a descriptor after it
  ("Interfax news agency", "Surrey captain"); a known international organization: organization;
- a country, city or US state (``gazetteer``), a place word after it ("Jiangsu province"), a dateline
  ("BONN 1996-08-22", "SUVA, Dec 6"): place;
- a line of a results table ("Chicago 5 Houston 3", "CHICAGO 71 64 .526"): the club, an organization,
  unless the name is a country (national teams are filed under their country, where readers look for them);
- the subject of "said" leans person, but never for an acronym or a known place;
- what the sentence says the name is: "the pain pill Vioxx", "Prozac, a drug that", "Prozac is a medicine",
  "drugs such as Prozac", "an overdose of Prozac", "a medicine called Adderall", "Celebrex and Vioxx": a
  product (stored as PRODUCT, never a person; ``canonical`` adds the evidence up across the corpus). A credit
  line's label ("Story Filed By") is dropped.

Names the tagger missed are added where the evidence is plain: datelines, countries and cities in
capitalized runs, and later bare occurrences of a name (or a person's surname) the article already has.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import numpy as np
from spacy.attrs import IDX, SENT_START
from spacy.tokens import Doc, Span, Token

from storyline.analyze.gazetteer import HONORIFICS, ROLE_WORDS, fold, is_international_org, place_kind

Raw = tuple[Span, str, list[Token]]  # a mention: its span, spaCy label and the title tokens before it

_CLASS = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}
_SPEECH_VERBS = frozenset({"say", "tell", "add", "warn", "insist", "argue", "claim", "note", "write", "ask", "reply"})
ORG_WORDS = frozenset(
    """inc inc. corp corp. corporation co co. ltd ltd. plc llc sa s.a. ag nv n.v. bv gmbh spa s.p.a. ab asa oy
    fc afc cf sc group holdings holding bank airlines airways party union council committee commission agency
    ministry department center centre institute university college association federation league club
    foundation fund trust board court police army navy times post news press journal tribune motors
    industries systems technologies pharmaceuticals securities exchange organization organisation church
    school hospital team brothers bros partners capital financial energy telecom petroleum oil railways
    assembly parliament congress senate cabinet government authority service services republicans democrats
    bureau automotive""".split()
)
# Words that make an organization's name when they open it ("Bank of England", "University of Chicago").
ORG_OPENERS = frozenset(
    """bank university college institute ministry department council committee commission league association
    federation bureau agency parti partido partito partei banco banque banca universidad universite
    universita universidade""".split()
)
# Lower-case words right after a name that say what kind of thing it is.
_ORG_AFTER = frozenset(
    """agency newspaper daily weekly magazine group company firm club airline carrier shares stock chairman
    spokesman spokeswoman captain coach manager officials subsidiary unit""".split()
)
# Nouns that make the name beside them a product ("the pain pill Vioxx", "Vioxx pills"): no person, no firm.
_PRODUCT_NOUNS = frozenset(
    """drug drugs pill pills painkiller antidepressant medicine medication vaccine tablet tablets capsule
    capsules treatment brand prescription prescriptions dose doses generic painkillers antidepressants
    anti-depressant depressant inhibitor inhibitors remedy therapy""".split()
)
_DOSE_NOUNS = frozenset("dose doses overdose dosage supply prescription prescriptions".split())
_PRODUCT_VERBS = frozenset({"prescribe"})
_PRODUCT_CUE = re.compile(
    r"\b(?:" + "|".join(sorted(_PRODUCT_NOUNS, key=len, reverse=True)) + r") (?:called|named|known as) "
    r"([A-Z][\w-]+)(?![\w'’-]| [A-Z])"
)
_DAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_PLACE_AFTER = frozenset("province region district county city state island islands valley river".split())
_SIDES = frozenset("west east north south left right".split())
_PLACE_BEFORE = frozenset({"in", "near"})
_MONTHS = frozenset(
    "jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july august "
    "september october november december".split()
)
_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d\b")
_SCORE = re.compile(r"^\d+(?:[-/]\d+)?$|^\.\d+$")
_ROW_NUMBER = re.compile(r"(?<!\S)(?:\d+(?:[-/]\d+)?|\.\d+)(?!\S)")
_LOWER_WORD = re.compile(r"(?<![\w.'’-])[a-z]+(?![\w'’-])")
_VERSUS = re.compile(r" (?:V|VS|Vs|v|vs)\.? ")
_CAPITALIZED_RUN = re.compile(r"(?<![\w.'’-])[A-Z][\w'’.-]*(?:[ -][A-Z][\w'’.-]*)*")
# Time zones, month abbreviations and the field labels of results tables, which the tagger takes for names.
_NOT_NAMES = frozenset(
    """gmt utc est edt cst cdt pst pdt cet bst jan feb mar apr jun jul aug sep sept oct nov dec attendance
    halftime half-time extras qualifier men women names total totals result results standings pct""".split()
)
_GAZETTEER_WEIGHT = {"country": 4.0, "city": 2.0}


class _Lines:
    """Token offsets and line (sentence) bounds of a parse, read once with ``to_array`` (no Python pass)."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc.text  # Doc.text joins every token: read it once
        arrays = doc.to_array([IDX, SENT_START]) if len(doc) else np.zeros((0, 2), dtype=np.int64)
        self.idx = arrays[:, 0]
        starts = np.flatnonzero(arrays[:, 1] == 1)
        self._rows: dict[int, bool] = {}
        self.starts = starts if len(starts) and starts[0] == 0 else np.concatenate(([0], starts)).astype(np.int64)

    def line(self, i: int) -> tuple[int, int]:
        """Token range of the line (sentence) holding token ``i``."""
        k = int(np.searchsorted(self.starts, i, side="right")) - 1
        end = int(self.starts[k + 1]) if k + 1 < len(self.starts) else len(self.doc)
        return int(self.starts[k]), end

    def is_table_row(self, first: int) -> bool:
        """Whether the line starting at token ``first`` is a row of names and numbers (a results table)."""
        if first not in self._rows:
            start, end = self.line(first)
            tokens = self.doc[start:end]
            begin = int(self.idx[start])
            text = self.text[begin : begin + len(tokens.text)]
            self._rows[first] = len(_ROW_NUMBER.findall(text)) >= 2 and len(_LOWER_WORD.findall(text)) <= 2
        return self._rows[first]

    def char_span(self, start: int, end: int) -> Span | None:
        """The tokens covering exactly characters [start, end), else None (``Doc.char_span`` walks the doc)."""
        i = int(np.searchsorted(self.idx, start))
        j = int(np.searchsorted(self.idx, end)) - 1
        if i >= len(self.idx) or self.idx[i] != start or j < i:
            return None
        if self.idx[j] + len(self.doc[j].text) != end:
            return None
        return self.doc[i : j + 1]


def decide(doc: Doc, raw: list[Raw]) -> list[Raw]:
    """The article's mentions with one type per name, and the mentions the tagger missed, in text order."""
    if not len(doc):
        return []  # an empty text has no lines to read
    lines = _Lines(doc)
    raw = [m for m in raw if _may_be_name(m[0])]
    raw = _with_datelines(lines, raw)
    raw = _with_gazetteer_names(lines, raw)
    raw = _with_results_rows(lines, raw)
    keys = [fold(span.text) for span, _, _ in raw]
    fixed = [_fixed_class(lines, span) for span, _, _ in raw]  # datelines and table rows type the mention
    scores: dict[str, defaultdict[str, float]] = defaultdict(lambda: defaultdict(float))
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for key, (span, label, titles) in zip(keys, raw, strict=True):
        _mention_evidence(scores[key], lines, span, label, titles)
        labels[key][label] += 1
    called = _called_products(lines.text) if "PERSON" in {label for _, label, _ in raw} else set()
    for key in scores:
        _name_evidence(scores[key], key, sum(labels[key].values()))
        if key in called and labels[key]["ORG"] * 2 <= sum(labels[key].values()):
            scores[key]["PRODUCT"] += 100.0  # "a medicine called Adderall" where the tagger saw no name
    winners = {key: _winner(score) for key, score in scores.items()}
    # short forms of people's full names ("Lebed" of "Alexander Lebed") are those people
    people = [k.split() for k, w in winners.items() if w == "PER" and len(k.split()) > 1]
    parts = {p[0] for p in people} | {p[-1] for p in people}
    surnames = {p[-1] for p in people}
    for key in scores:
        tokens = key.split()
        if (len(tokens) == 1 and tokens[0] in parts) or (len(tokens) == 2 and tokens[-1] in surnames):
            scores[key]["PER"] += 6.0 * sum(labels[key].values())
            winners[key] = _winner(scores[key])
    # "Pfizer" beside "Pfizer Inc": the short form of an organization's name in the article
    org_firsts = {k.split()[0] for k, w in winners.items() if w == "ORG" and len(k.split()) > 1 and org_named(k)}
    for key in scores:
        if key in org_firsts and winners[key] == "PER":
            scores[key]["ORG"] += 3.0 * sum(labels[key].values())
            winners[key] = _winner(scores[key])
    _products_in_lists(raw, keys, fixed, scores, winners)
    typed = [
        (span, _label(fix or winners[key], labels[key], key), titles)
        for key, fix, (span, _, titles) in zip(keys, fixed, raw, strict=True)
    ]
    typed = [m for m in typed if m[1]]
    typed.extend(_repeats(lines, typed))
    typed.sort(key=lambda m: m[0].start)
    return typed


def _products_in_lists(
    raw: list[Raw],
    keys: list[str],
    fixed: list[str | None],
    scores: dict[str, defaultdict[str, float]],
    winners: dict[str, str],
) -> None:
    """A name joined by "and"/"or" or listed with a product is one ("Celebrex and Vioxx are both ...",
    "Prozac, Zoloft and Paxil") unless its own evidence is stronger (a title, an organization's word)."""
    for _ in range(2):  # "A, B and C": C hangs on A, A on nothing; two passes reach every member
        product_tokens = {
            i for key, (span, _, _) in zip(keys, raw, strict=True) if winners[key] == "PRODUCT"
            for i in range(span.start, span.end)
        }  # fmt: skip
        if not product_tokens:
            return
        changed = False
        for key, fix, (span, _, _) in zip(keys, fixed, raw, strict=True):
            if fix or winners[key] in ("PRODUCT", "CREDIT"):
                continue
            root = span.root
            partners = [root.head] if root.dep_ == "conj" else []
            partners += [c for c in root.children if c.dep_ == "conj"]
            if any(p.i in product_tokens for p in partners):
                scores[key]["PRODUCT"] += 4.0
                winners[key] = _winner(scores[key])
                changed = True
        if not changed:
            return


def _may_be_name(span: Span) -> bool:
    """Not a time zone or table label, not a table header ("W L PCT GB"), not a headline cut across its
    dashes ("BASEBALL - MAJOR LEAGUE RESULTS")."""
    if fold(span.text) in _NOT_NAMES or fold(span.text).rstrip(".") in _MONTHS:
        return False
    if any(t.text in ("-", "--", "–", "—") and t.whitespace_ for t in span):
        return False
    return not (len(span) > 1 and all(t.is_upper and len(t.text) <= 3 for t in span))


def _mention_evidence(
    score: defaultdict[str, float], lines: _Lines, span: Span, label: str, titles: list[Token]
) -> None:
    doc = span.doc
    caps_line = _in_caps_line(lines, span)
    compact = span.text.replace(".", "").replace("&", "")
    acronym = not caps_line and compact.isupper() and compact.isalpha() and 2 <= len(compact) <= 5
    kind = _CLASS.get(label, label)
    score["ORG" if acronym and kind == "PER" else kind] += 0.5 if caps_line else 1.0  # agencies are not people
    before = doc[span.start - 1] if span.start > 0 else None
    after = doc[span.end] if span.end < len(doc) else None
    if _said_to_be_product(span, label, before, after):
        score["PRODUCT"] += 100.0  # a name seen once as a product is one everywhere in the article
    if after is not None and after.text == "By" and label == "PERSON":
        score["CREDIT"] += 100.0  # a credit line's label ("Story Filed By Cox Newspapers"), not a person
    if titles or (before is not None and (before.lower_ in ROLE_WORDS or before.lower_.rstrip(".") in HONORIFICS)):
        score["PER"] += 3.0
    if after is not None and after.is_lower:
        if after.lower_ in _ORG_AFTER:
            score["ORG"] += 2.0
        elif after.lower_ in _PLACE_AFTER:
            score["LOC"] += 2.0
    if before is not None and before.lower_ in _PLACE_BEFORE:
        score["LOC"] += 0.5
    if not acronym and len(span) == 1 and span.root.dep_ == "nsubj" and span.root.head.lemma_ in _SPEECH_VERBS:
        score["PER"] += 1.5
    if not _is_dateline(lines, span) and _results_row(lines, span):
        score["ORG"] += 5.0  # the club's name in the text is the club too ("Chicago beat Houston")


def _said_to_be_product(span: Span, label: str, before: Token | None, after: Token | None) -> bool:
    """What the sentence says the name is: "the pain pill Vioxx", "Vioxx pills", "Prozac, a drug that ...",
    "Prozac is a medicine", "inhibitors, including Prozac", "an overdose of Prozac", "prescribe Vioxx"."""
    root = span.root
    # the noun and the name modify one another, not some third word; "the Merck drug", "the Alza pill"
    # name a maker, which the tagger calls an organization
    for noun in (before, after) if label != "ORG" else (before,):
        if noun is not None and noun.lower_ in _PRODUCT_NOUNS and (noun.head.i == root.i or root.head.i == noun.i):
            return True
    if any(c.dep_ == "appos" and c.lower_ in _PRODUCT_NOUNS for c in root.children):
        return True
    head = root.head
    if root.dep_ == "appos" and head.lower_ in _PRODUCT_NOUNS and head.i < span.start:
        return True  # "a new painkiller, Vioxx,"
    if root.dep_ == "nsubj" and head.lemma_ == "be":
        return any(c.dep_ == "attr" and c.lower_ in _PRODUCT_NOUNS for c in head.children)
    if root.dep_ == "pobj" and head.head.i != head.i:
        owner = head.head  # "inhibitors, including Prozac", "an overdose of Prozac", "drugs such as Prozac"
        if head.lower_ in ("including", "like", "as") and owner.lower_ in _PRODUCT_NOUNS:
            return True
        if head.lower_ == "as" and owner.lower_ == "such" and owner.head.lower_ in _PRODUCT_NOUNS:
            return True
        return head.lower_ == "of" and owner.lower_ in _DOSE_NOUNS
    if root.dep_ == "dobj" and head.lemma_ in _PRODUCT_VERBS:
        return True  # "prescribe Vioxx"
    # "a painkiller named Vioxx", "a drug called Prozac"
    return head.lemma_ in ("name", "call") and head.dep_ == "acl" and head.head.lower_ in _PRODUCT_NOUNS


def _called_products(text: str) -> set[str]:
    """Names the text calls a product in so many words ("a medicine called Adderall", "a painkiller named
    Vioxx"), read from the text: the tagger often sees no name there."""
    found = set()
    for match in _PRODUCT_CUE.finditer(text):
        name = match.group(1)
        if fold(name).rstrip(".") not in _MONTHS and name.lower() not in _DAYS:
            found.add(fold(name))
    return found


def _fixed_class(lines: _Lines, span: Span) -> str | None:
    """A dateline is a place and a name in a results-table row a club, whatever the rest of the article says."""
    if _is_dateline(lines, span):
        return "LOC"
    if _results_row(lines, span):
        return "ORG"
    return None


def _name_evidence(score: defaultdict[str, float], key: str, mentions: int) -> None:
    """What the name itself says, once for each of its ``mentions``."""
    kind = place_kind(key)
    if kind:
        score["LOC"] += _GAZETTEER_WEIGHT[kind] * mentions
        score["PER"] = min(score["PER"], 0.0) if kind == "country" else score["PER"]
    if is_international_org(key):
        score["ORG"] += 4.0 * mentions
    if org_named(key):
        score["ORG"] += 3.0 * mentions


def org_named(key: str) -> bool:
    """Whether a folded name has an organization's word ("carter center", "bank of england")."""
    words = key.split()
    if len(words) == 2 and words[1] == "bank" and words[0] in _SIDES:
        return False  # a river's bank ("West Bank", "Left Bank") is a place
    return len(words) > 1 and (words[-1] in ORG_WORDS or words[0] in ORG_OPENERS)


def _winner(score: defaultdict[str, float]) -> str:
    return max(("PER", "ORG", "LOC", "PRODUCT", "CREDIT"), key=lambda c: (score[c], c == "LOC", c == "ORG"))


def _label(winner: str, labels: Counter[str], key: str) -> str:
    """The spaCy label for a class: a place keeps the tagger's kind (GPE, LOC, FAC) when it gave one."""
    if winner == "PER":
        return "PERSON"
    if winner == "ORG":
        return "ORG"
    if winner == "PRODUCT":
        return "PRODUCT"  # a drug or other product: never a person; the corpus's evidence adds up in linking
    if winner == "CREDIT":
        return ""  # a credit line's label is no name at all
    places = [(n, label) for label, n in labels.items() if label in ("GPE", "LOC", "FAC")]
    if places:
        return max(places)[1]
    if labels.get("EVENT") and not place_kind(key):
        return "EVENT"
    return "GPE" if place_kind(key) else "LOC"


def _in_caps_line(lines: _Lines, span: Span) -> bool:
    start, end = lines.line(span.start)
    text = span.doc[start:end].text
    return text.upper() == text and text.lower() != text


def _is_number(token: Token) -> bool:
    return bool(_SCORE.match(token.text))


def _results_row(lines: _Lines, span: Span) -> bool:
    """A name followed by a score in a line of names and numbers ("CHICAGO 71 64 .526 10", "Ajax 3 PSV 1")."""
    doc = span.doc
    if span.end >= len(doc) or not _is_number(doc[span.end]) or place_kind(span.text) == "country":
        return False
    if span[0].text[:1].isupper() and len(span[0].text) <= 2 and span[0].text.endswith("."):
        return False  # "C. Lewis 80": a player's initial
    return lines.is_table_row(lines.line(span.start)[0])


def _is_dateline(lines: _Lines, span: Span) -> bool:
    """'BONN 1996-08-22', 'SUVA, Dec 6 (Reuters) -', 'WASHINGTON (AP) -', 'TEL AVIV —': a place opening a
    paragraph, in capitals."""
    doc = span.doc
    if span.start != lines.line(span.start)[0] or not span.text.isupper() or span.end >= len(doc):
        return False
    nxt = doc[span.end]
    if _ISO_DATE.match(lines.text, nxt.idx) or nxt.text in ("(", "—", "–", "--"):
        return True
    if nxt.text == "," and span.end + 1 < len(doc):
        after = doc[span.end + 1]
        return after.lower_.rstrip(".") in _MONTHS or after.text[:1].isupper()
    return False


def _with_datelines(lines: _Lines, raw: list[Raw]) -> list[Raw]:
    """Add the all-capitals datelines the tagger missed or cut wrong ("CARLSBAD 1996-08-22")."""
    doc = lines.doc
    out = list(raw)
    for first in lines.starts.tolist():
        end = first
        while end < len(doc) and end - first < 4 and doc[end].is_alpha and doc[end].is_upper:
            end += 1
        if end == first or end >= len(doc):
            continue
        span = doc[first:end]
        if not _is_dateline(lines, span):
            continue
        out = [m for m in out if m[0].end <= span.start or m[0].start >= span.end]
        out.append((span, "GPE", []))
    return out


def _with_results_rows(lines: _Lines, raw: list[Raw]) -> list[Raw]:
    """Teams in results-table rows, whole ("Heerenveen 2 Volendam 0", "ST LOUIS 70 64"), in place of what
    the tagger marked of them ("ST" and nothing of "LOUIS")."""
    doc = lines.doc
    out = list(raw)
    for k, first in enumerate(lines.starts.tolist()):
        end = int(lines.starts[k + 1]) if k + 1 < len(lines.starts) else len(doc)
        if not lines.is_table_row(first):
            continue
        i = first
        while i < end:
            j = i
            while j < end and (doc[j].is_title or doc[j].is_upper) and doc[j].is_alpha:
                j += 1
            if j == i:
                i += 1
                continue
            span = doc[i:j]
            if j < end and _may_be_name(span) and _results_row(lines, span) and not _is_dateline(lines, span):
                inside = [m for m in out if m[0].start >= i and m[0].end <= j]
                if not any(m[0].start < j and m[0].end > i for m in out if m not in inside):
                    out = [m for m in out if m not in inside]
                    out.append((span, "ORG", []))
            i = j
    return out


def _taken(raw: list[Raw], doc: Doc) -> list[bool]:
    taken = [False] * (len(doc) + 1)
    for span, _, titles in raw:
        for i in range(min([span.start, *(t.i for t in titles)]), span.end):
            taken[i] = True
    return taken


def _with_gazetteer_names(lines: _Lines, raw: list[Raw]) -> list[Raw]:
    """Countries and cities written with capitals that the tagger did not mark ("ENGLAND", "Belarus")."""
    doc = lines.doc
    taken = _taken(raw, doc)
    out = list(raw)
    for match in _CAPITALIZED_RUN.finditer(lines.text):
        # a whole run of capitalized words, or one side of "ENGLAND V PAKISTAN"; never a part of a longer
        # name ("Munich" of "Bayern Munich")
        for part in _VERSUS.split(match.group()):
            if not place_kind(part):
                continue
            start = match.start() + match.group().index(part)
            span = lines.char_span(start, start + len(part))
            if span is None or any(taken[t.i] for t in span):
                continue
            out.append((span, "GPE", []))
            for t in span:
                taken[t.i] = True
    return out


def _repeats(lines: _Lines, typed: list[Raw]) -> list[Raw]:
    """Later bare occurrences of names the article has already typed, and people's surnames."""
    doc = lines.doc
    forms: dict[str, str] = {}
    for span, label, _ in typed:
        text = span.text
        if len(text) >= 3 and text[:1].isupper() and (label in _CLASS or label == "PRODUCT"):
            forms.setdefault(text, label)
        if label == "PERSON" and len(span) > 1 and len(span[-1].text) >= 3 and span[-1].text[:1].isupper():
            forms.setdefault(span[-1].text, "PERSON")
    if not forms:
        return []
    taken = _taken(typed, doc)
    pattern = re.compile(
        r"(?<![\w.'’-])(?:" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)) + r")(?![\w'’-])"
    )
    found: list[Raw] = []
    for match in pattern.finditer(lines.text):
        found_span = lines.char_span(match.start(), match.end())
        if found_span is None or any(taken[t.i] for t in found_span):
            continue
        span = found_span
        before = doc[span.start - 1] if span.start > 0 else None
        after = doc[span.end] if span.end < len(doc) else None
        if (before is not None and before.is_title and before.i != lines.line(span.start)[0]) or (
            after is not None and after.is_title
        ):
            continue  # part of a longer name the tagger did not see
        found.append((span, forms[match.group()], []))
        for t in span:
            taken[t.i] = True
    return found
