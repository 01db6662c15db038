"""Quotes with speakers: direct, partial and indirect quotes, and who said them.

Needs a spaCy parse with tagger, parser, lemmatizer and ner (``storyline.analyze.nlp``); produces
``Quote`` spans into ``doc.text``. The rules are general rules of English news attribution:

1. Quote marks (straight, curly, mixed, or the wire's ``...'' and ''...'') are paired within a paragraph; a
   paragraph that opens a quote and does not close it continues into the next paragraph when that one
   re-opens with a mark. A line break ends a quote's lead-in and its tail.
2. A marked quote that stands as a sentence (or follows "said:" / "said,") is *direct*; its speaker is the
   subject of the reporting verb right after it ('"...," Trump said', '"...," argued Ruiz'), right before it
   ('Trump said: "'), at the end of the previous paragraph ("Netanyahu then said:"), the subject or opening
   name of a lead ending in a colon ('Howard Kurtz, Fox News: "'), a name signing it after a dash
   ('"..." ― Carla Sanchez'), or that of the quote it floats after (a quote with no cue of its own continues
   the speaker of the quote or reported clause just before it, in the same paragraph or the line after).
3. A marked quote inside a clause is *partial* when a reporting or framing verb governs it (called the
   plan a "win-win"); otherwise it is a scare quote or a name (a ship, a film) and is not reported.
4. A reporting verb's clausal complement is an *indirect* quote wherever the verb stands ("said that ...",
   "told reporters the talks would resume", "..., the ministry said.", "Police, Ruiz says, have ..."), and so
   are the complement of a stated belief or finding ("believes that", "a study found that"), the clause
   "according to X" hangs on, and the content of a speech act ("promised to cut taxes", "called for a
   ban"). A reported clause holding quoted words is kept whole, marks included (a mixed quote).
5. The speaker is the verb's subject. A name points at its fullest form in the article; "he"/"she" at the
   most recent named person that is a plausible speaker (never a victim just named: "Scott was shot. He
   told detectives"); a definite role noun ("the mayor") at the one person the article gives that title
   ("Mayor Karen Bass", "Karen Bass, the city's mayor"); "I" at the article's author when it has one;
   anything else stays unnamed. When unsure, the speaker is left unnamed: a wrong speaker is worse than
   none.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from storyline.analyze import quotes_rules as rules
from storyline.model import PARAGRAPH_SEPARATOR, Quote, QuoteKind

_MARK_RE = re.compile(
    "|".join(re.escape(m) for m in rules.PAIRED_MARKS) + "|[" + re.escape("".join(sorted(rules.QUOTE_MARKS))) + "]"
)

_PRONOUN_RE = re.compile(r"(?<![\w'’-])(?:[Hh]e|[Ss]he|HE|SHE)(?![\w'’-])")

Speaker = tuple[str | None, int | None, int | None, float]  # surface text, named mention start/end, confidence


@dataclass(frozen=True)
class Marked:
    """A span between paired quote marks: ``open_at``/``close_at`` are the marks' character offsets and
    ``width`` the opening mark's length (2 for the wire convention ``...'' and ''...'')."""

    open_at: int
    close_at: int
    width: int = 1


@dataclass
class _Draft:
    """A quote found but not yet given its speaker."""

    start: int
    end: int
    kind: QuoteKind
    cue: Token | None = None
    subject: Token | None = None
    repeats: _Draft | None = None  # an earlier quote whose speaker this one continues


@dataclass
class _Context(rules.Names):
    """The document with the indexes the rules look things up in (quoted: tokens inside marks, marks too)."""

    marked: list[Marked] = field(default_factory=list)
    author: str | None = None
    text: str = ""  # doc.text, which spaCy rebuilds from the tokens at every read
    starts: list[int] = field(default_factory=list)  # token start offsets
    paragraphs: list[int] = field(default_factory=list)  # paragraph start offsets
    _lower: set[str] | None = None

    @classmethod
    def build(cls, doc: Doc) -> _Context:
        text = doc.text
        ctx = cls(doc, marked=find_marked(text), text=text)
        ctx.starts = [token.idx for token in doc]
        ctx.paragraphs = [0] + [m.end() for m in re.finditer(PARAGRAPH_SEPARATOR, text)]
        for mark in ctx.marked:
            ctx.quoted.update(range(bisect_left(ctx.starts, mark.open_at), bisect_right(ctx.starts, mark.close_at)))
        ctx.sentence_of = [0] * len(doc)
        for index, sentence in enumerate(doc.sents):
            ctx.sentence_of[sentence.start : sentence.end] = [index] * len(sentence)
        found = (bisect_left(ctx.starts, m.start()) for m in _PRONOUN_RE.finditer(text))
        rules.learn_genders(ctx, [doc[i] for i in found if i < len(doc) and doc[i].lower_ in rules.PERSON_PRONOUNS])
        return ctx

    def lower_words(self) -> set[str]:
        """The words the article writes in lower case somewhere (built once, on first use)."""
        if self._lower is None:
            self._lower = set(re.findall(r"(?<![\w'’-])[a-z]+(?![\w'’-])", self.text))
        return self._lower

    def paragraph_bounds(self, offset: int) -> tuple[int, int]:
        """Start and end offsets of the paragraph holding ``offset``."""
        index = bisect_right(self.paragraphs, offset) - 1
        end = self.paragraphs[index + 1] - len(PARAGRAPH_SEPARATOR) if index + 1 < len(self.paragraphs) else None
        return self.paragraphs[index], len(self.text) if end is None else end


def find_quotes(doc: Doc, article_id: str = "", author: str | None = None) -> list[Quote]:
    """Direct, partial and indirect quotes in ``doc``, sorted by start, each with its speaker if clear.

    ``author`` is who wrote the article, if known: a first-person speaker ("I said") outside any quote
    is the writer; without it, "I" names no one."""
    ctx = _Context.build(doc)
    ctx.author = _single_author(author)
    indirect = _outermost(_indirect_quotes(ctx))
    taken = [(d.start, d.end) for d in indirect] + [(m.open_at, m.close_at) for m in ctx.marked]
    indirect += [d for d in _line_quotes(ctx) if not any(a < d.end and d.start < b for a, b in taken)]
    marked = _marked_quotes(ctx, indirect)
    mixed = [d for d in indirect if any(d.start <= m.open_at < d.end for m in ctx.marked)]
    marked = [d for d in marked if d.kind != QuoteKind.PARTIAL or not any(m.start < d.start < m.end for m in mixed)]
    drafts = marked + indirect
    drafts.sort(key=lambda d: (d.start, d.end))
    resolved: dict[int, Speaker] = {}
    quotes = []
    for draft in drafts:
        speaker = _resolve(ctx, draft, resolved)
        quotes.append(
            Quote(
                article_id=article_id,
                start=draft.start,
                end=draft.end,
                text=ctx.text[draft.start : draft.end],
                kind=draft.kind,
                cue=_cue_lemma(draft),
                speaker=speaker[0],
                speaker_start=speaker[1],
                speaker_end=speaker[2],
                speaker_confidence=speaker[3],
            )
        )
    return quotes


def _single_author(author: str | None) -> str | None:
    """The writer's name from an article's byline ("By Dana Lee" -> "Dana Lee"); None when there is none or
    several (then "I" could be any of them)."""
    name = re.sub(r"^\s*by\s+", "", author or "", flags=re.IGNORECASE).strip()
    if not name or re.search(r",|;|&|\band\b", name):
        return None
    return name


# ---- quote marks -------------------------------------------------------------------------------------


def find_marked(text: str) -> list[Marked]:
    """Pair the double quote marks of ``text``, paragraph by paragraph, joining newswire continuations."""
    found: list[Marked] = []
    carried: int | None = None  # an opening mark left open by the previous paragraph
    offset = 0
    for paragraph in text.split(PARAGRAPH_SEPARATOR):
        open_at: int | None = None
        width = 1
        for match in _MARK_RE.finditer(paragraph):
            at, role = offset + match.start(), _mark_role(paragraph, match.start(), match.end())
            if carried is not None and match.start() == 0 and role == "open":
                open_at, carried = carried, None  # the re-opening mark of a continued quote
            elif role == "open" or (open_at is None and role == "either"):
                open_at, width = at, match.end() - match.start()
            elif open_at is not None and role in ("close", "either"):
                if text[open_at + width : at].strip():
                    found.append(Marked(open_at, at, width))
                open_at = None
        carried = open_at
        offset += len(paragraph) + len(PARAGRAPH_SEPARATOR)
    return found


def _mark_role(paragraph: str, i: int, j: int) -> str:
    """'open', 'close', 'either' or 'none' for the quote mark at ``paragraph[i:j]``, read from its context."""
    before = paragraph[i - 1] if i > 0 else " "
    after = paragraph[j] if j < len(paragraph) else " "
    opens = before in rules.OPENING_CONTEXT and not after.isspace()
    closes = not before.isspace() and not after.isalnum()
    mark = rules.PAIRED_MARKS.get(paragraph[i:j], paragraph[i])
    if mark in rules.OPENING_MARKS:
        return "close" if closes and not opens else "open"
    if mark in rules.CLOSING_MARKS:
        return "open" if opens and not closes else "close"
    if opens and closes:
        return "either"
    return "open" if opens else "close" if closes else "none"


# ---- direct and partial quotes -------------------------------------------------------------------------


def _marked_quotes(ctx: _Context, indirect: list[_Draft]) -> list[_Draft]:
    """Drafts for the marked spans that are direct or partial quotes; scare quotes and titles are dropped."""
    drafts: list[_Draft] = []
    for index, mark in enumerate(ctx.marked):
        lead = [t for t in _before_zone(ctx, index) if not t.is_space]
        start, end = mark.open_at + mark.width, mark.close_at
        draft = _direct(ctx, index, lead, drafts + indirect) if _stands_alone(ctx, mark, lead) else _partial(ctx, mark)
        if draft is not None:
            draft.start, draft.end = start, end
            drafts.append(draft)
    return drafts


def _stands_alone(ctx: _Context, mark: Marked, lead: list[Token]) -> bool:
    """True when the quote is a statement of its own, not words inside a clause of the narrative."""
    if not lead or lead[-1].text in rules.INTRODUCERS:
        return True
    if "\n" in ctx.text[mark.open_at : mark.close_at]:
        return True
    first = ctx.text[mark.open_at + mark.width : mark.close_at].lstrip()[:1]
    cue = rules.last_cue(lead)
    return cue is not None and first.isupper() and all(t.i <= cue.i or t.head.i == cue.i for t in lead)


def _direct(ctx: _Context, index: int, lead: list[Token], earlier: list[_Draft]) -> _Draft | None:
    """A direct quote attributed from after it, before it, the previous paragraph, or the quote it continues."""
    found = (
        _after_attribution(ctx, index)
        or _lead_attribution(lead)
        or _paragraph_intro(ctx, index, lead)
        or _colon_attribution(lead)
    )
    if found is None and (signed := _dash_signature(ctx, index)) is not None:
        return _Draft(0, 0, QuoteKind.DIRECT, subject=signed)
    if found is not None:
        return _Draft(0, 0, QuoteKind.DIRECT, cue=found[0], subject=found[1])
    mark = ctx.marked[index]
    before = [d for d in earlier if d.end <= mark.open_at]
    previous = max(before, key=lambda d: d.end) if before else None
    if previous is None or not _continues(ctx, index, previous):
        return None
    return _Draft(0, 0, QuoteKind.DIRECT, cue=previous.cue, repeats=previous)


def _after_zone(ctx: _Context, index: int) -> list[Token]:
    """Tokens after the closing mark up to the sentence end, the next quote, or the paragraph end."""
    mark = ctx.marked[index]
    limit = ctx.paragraph_bounds(mark.close_at)[1]
    if index + 1 < len(ctx.marked):
        limit = min(limit, ctx.marked[index + 1].open_at)
    zone = []
    for i in range(bisect_right(ctx.starts, mark.close_at), len(ctx.doc)):
        token = ctx.doc[i]
        if token.idx >= limit:
            break
        zone.append(token)
        if token.text in rules.SENTENCE_END or "\n" in token.text_with_ws:
            break
    return zone


def _before_zone(ctx: _Context, index: int) -> list[Token]:
    """Tokens before the opening mark back to the sentence start, the previous quote, or the paragraph start."""
    mark = ctx.marked[index]
    floor = ctx.paragraph_bounds(mark.open_at)[0]
    if index > 0:
        floor = max(floor, ctx.marked[index - 1].close_at + 1)
    zone = []
    for i in range(bisect_left(ctx.starts, mark.open_at) - 1, -1, -1):
        token = ctx.doc[i]
        if token.idx < floor or token.text in rules.SENTENCE_END or "\n" in token.text_with_ws:
            break  # a line break ends a sentence (nlp.paragraph_breaks): the line before is not the lead
        zone.append(token)
    return zone[::-1]


def _after_attribution(ctx: _Context, index: int) -> tuple[Token, Token | None] | None:
    """'"...," Trump said' and '"...," said a diplomat': a reporting verb opening the words after the quote."""
    zone = _after_zone(ctx, index)
    for k, token in enumerate(zone):
        if rules.is_cue(token) or rules.is_according(token):
            subject = rules.subject(token)
            if subject is None or subject.i in ctx.quoted:  # the parser tied the verb into the quote
                subject = _name_before(zone[:k]) or _name_after(ctx, token, zone[k + 1 :])
            own = {t.i for t in subject.subtree} if subject is not None else set()

            if all(_plain(t, own) for t in zone[:k]):
                return token, subject
            if _trailing_words(ctx, index, zone, k) and all(_plain(t, own) for t in zone[_last_comma(zone, k) + 1 : k]):
                return token, subject
            return None
    return None


def _plain(token: Token, own: set[int]) -> bool:
    """A word between a quote and its reporting verb that leaves the verb the quote's: the speaker's phrase,
    punctuation, an adverb or auxiliary, or a word of the speaker's name the parser left out."""
    return (
        token.i in own
        or token.is_punct
        or token.is_space
        or token.pos_ in ("ADV", "AUX", "PART")
        or (_name_word(token, own))
    )


def _last_comma(zone: list[Token], k: int) -> int:
    return max((j for j in range(k) if zone[j].text == ","), default=-1)


def _trailing_words(ctx: _Context, index: int, zone: list[Token], k: int) -> bool:
    """'"I have admiration for the mechanics" of the proposals, Mr. Holtz-Eakin said.': a quote opening its
    sentence, a few words of the writer's finishing the phrase, then a comma and the reporting clause that
    ends the sentence. The quote is the speaker's (its span stays the marked words)."""
    comma = _last_comma(zone, k)
    if comma < 1 or comma > 12 or any(t.text in rules.QUOTE_MARKS for t in zone[:comma]):
        return False
    mark = ctx.marked[index]
    lead = _before_zone(ctx, index)
    if (
        any(not t.is_space for t in lead)
        or not ctx.text[mark.open_at + mark.width : mark.close_at].strip()[:1].isupper()
    ):
        return False
    rest = zone[k + 1 :]
    return all(t.is_punct or t.is_space or t.i in {d.i for d in zone[k].subtree} for t in rest)


def _name_before(words: list[Token]) -> Token | None:
    """The last proper noun of a short name phrase standing right before a reporting verb the parser gave
    no subject ('"...," Tulsa police Chief Chuck Jordan said')."""
    words = [t for t in words if not t.is_space]
    if not words or len(words) > 8 or words[-1].pos_ != "PROPN":
        return None
    if not all(t.pos_ in ("PROPN", "NOUN", "DET", "ADJ", "PUNCT") or t.text[:1].isupper() for t in words):
        return None
    return words[-1]


def _name_after(ctx: _Context, cue: Token, words: list[Token]) -> Token | None:
    """'"...," responded campaign chairman John Podesta, adding ...': a named person right after a reporting
    verb the parser gave no subject (it took the name for an object)."""
    words = [t for t in words if not t.is_space][:8]
    for token in words:
        if token.is_punct or token.pos_ in ("VERB", "AUX", "ADP"):
            return None
        if token.ent_type_ == "PERSON" and token.head == cue and token.i not in ctx.quoted:
            return token
    return None


def _dash_signature(ctx: _Context, index: int) -> Token | None:
    """'"...” ― Carla Sanchez': a quote signed by a name after a dash, the name ending its line."""
    zone = [t for t in _after_zone(ctx, index) if not t.is_space]
    mark = ctx.marked[index]
    after = ctx.text[mark.close_at : mark.close_at + 6].lstrip("".join(rules.QUOTE_MARKS) + "' \u00a0")
    if zone and zone[0].text not in rules.SIGNATURE_DASHES and after[:1] in rules.SIGNATURE_DASHES:
        zone = [zone[0], *zone]  # the tokenizer kept the dash with the closing mark ('workers.”― Carla Sanchez')
    if len(zone) < 2 or (zone[0].text not in rules.SIGNATURE_DASHES and after[:1] not in rules.SIGNATURE_DASHES):
        return None
    name = []
    for token in zone[1:]:
        if token.pos_ != "PROPN" and not (token.text[:1].isupper() and not token.is_punct):
            break
        name.append(token)
        if "\n" in token.whitespace_:
            break
    rest = zone[1 + len(name) :]
    if not name or len(name) > 5 or any(not t.is_punct for t in rest):
        return None
    return next((t for t in name if t.head not in name or t.head == t), name[-1])


def _colon_attribution(lead: list[Token]) -> tuple[Token, Token | None] | None:
    """'Howard Kurtz, Fox News: "...', 'Trump swiped at Ryan in a series of tweets: "...': a lead ending in
    a colon with no reporting verb names the speaker as its subject, or as the name it opens with."""
    if len(lead) < 2 or lead[-1].text != ":":
        return None
    inside = {t.i for t in lead}
    heads = [t for t in lead[:-1] if t.head.i not in inside or t.head == t]
    verb = next((t for t in heads if t.pos_ in ("VERB", "AUX")), None)
    if verb is not None:
        if verb.lemma_.lower() == "be":  # "Clinton's chief defense is to quote the testimony of Lewinsky:"
            source = [t for t in lead if t.dep_ == "pobj" and t.head.lower_ in ("of", "from", "by")]
            source = [t for t in source if t.ent_type_ == "PERSON" and t.i == t.head.i + 1 + (t.i - t.left_edge.i)]
            return (lead[-1], source[-1]) if source else None
        subject = next((c for c in verb.children if c.dep_ in rules.SUBJECT_DEPS), None)
        return (verb, subject) if subject is not None and subject.pos_ in ("PROPN", "NOUN", "PRON") else None
    name = next((t for t in heads if t.pos_ in ("PROPN", "NOUN")), None)
    if name is None or not lead[0].text[:1].isupper():
        return None
    return lead[-1], name


def _name_word(token: Token, own: set[int]) -> bool:
    """A word of a name or role just before the speaker's phrase that the parser left out of it ("Tulsa
    police Chief Chuck Jordan said", with "Tulsa" read as a verb)."""
    if not own or token.i >= min(own) or min(own) - token.i > 4:
        return False
    return token.text[:1].isupper() or token.pos_ in ("PROPN", "NOUN")


def _lead_attribution(lead: list[Token]) -> tuple[Token, Token | None] | None:
    """'Trump said: "...' and 'Trump told reporters "...': a reporting clause right before the quote."""
    cue = rules.last_cue(lead)
    if cue is None or rules.subject(cue) is None:
        return None
    return cue, rules.subject(cue)


def _paragraph_intro(ctx: _Context, index: int, lead: list[Token]) -> tuple[Token, Token | None] | None:
    """A quote opening its paragraph, introduced at the end of the previous one ("Netanyahu then said:")."""
    mark = ctx.marked[index]
    start = ctx.paragraph_bounds(mark.open_at)[0]
    if lead or start == 0 or mark.open_at != start:
        return None
    end = start - len(PARAGRAPH_SEPARATOR)
    last = bisect_left(ctx.starts, end) - 1
    if last < 0 or ctx.doc[last].text != ":":
        return None
    sentence = ctx.doc[last].sent
    cue = rules.last_cue([t for t in sentence if t.i < last and t.i not in ctx.quoted])
    return (cue, rules.subject(cue)) if cue is not None and rules.subject(cue) is not None else None


def _continues(ctx: _Context, index: int, previous: _Draft) -> bool:
    """True when quote ``index`` carries on the previous direct quote: same paragraph, or the next one
    when it is nothing but quotation, with no other reporting verb in between."""
    mark = ctx.marked[index]
    if previous.end >= mark.open_at or (previous.subject is None and previous.repeats is None):
        return False
    if previous.cue is None and previous.repeats is None:
        return False  # a quote signed with a name after a dash ends there
    if previous.kind == QuoteKind.INDIRECT and (previous.cue is None or not rules.is_cue(previous.cue)):
        return False  # only a speaker's words carry on: not "a video shows that", "according to"
    between = ctx.doc.char_span(previous.end, mark.open_at, alignment_mode="expand")
    if between is None or any(rules.is_cue(t) and t.i not in ctx.quoted and t != previous.cue for t in between):
        return False
    same = ctx.paragraph_bounds(previous.end)[0] == ctx.paragraph_bounds(mark.open_at)[0]
    gap = ctx.text[previous.end : mark.open_at]
    if same and "\n" in gap:
        # lines of one paragraph: the quote must open the line right after the previous quote's line
        line_start = ctx.text.rfind("\n", 0, mark.open_at) + 1
        line_end = ctx.text.find("\n", mark.close_at)
        line = ctx.doc.char_span(line_start, len(ctx.text) if line_end < 0 else line_end, alignment_mode="expand")
        outside = [t for t in line or () if t.i not in ctx.quoted]
        own_line = gap[gap.rfind("\n") :].strip() == "" and gap[: gap.find("\n")].strip(" .,;:!?\"'”’") == ""
        return own_line and all(t.is_punct or t.is_space for t in outside)
    if same:
        return True
    start, end = ctx.paragraph_bounds(mark.open_at)
    outside = [t for t in ctx.doc.char_span(start, end, alignment_mode="expand") or () if t.i not in ctx.quoted]
    last_para = ctx.paragraph_bounds(previous.end)
    return mark.open_at == start and all(t.is_punct or t.is_space for t in outside) and _next_para(ctx, last_para)


def _next_para(ctx: _Context, bounds: tuple[int, int]) -> bool:
    """True when the paragraph after ``bounds`` follows it directly (no paragraph in between)."""
    index = bisect_right(ctx.paragraphs, bounds[0])
    return index < len(ctx.paragraphs) and ctx.paragraphs[index] == bounds[1] + len(PARAGRAPH_SEPARATOR)


def _is_name(words: Span) -> bool:
    """True for a name in quote marks (a ship, a film, a programme: "Sea Eagle,"), not quoted words: a
    few capitalized words with no verb."""
    alpha = [t for t in words if t.is_alpha]
    if not alpha or len(alpha) > 4 or any(t.pos_ in ("VERB", "AUX", "PRON") for t in words):
        return False
    return all(t.text[:1].isupper() or (t.pos_ in ("ADP", "CCONJ", "DET") and k > 0) for k, t in enumerate(alpha))


def _partial(ctx: _Context, mark: Marked) -> _Draft | None:
    """Quoted words inside a clause that a reporting or framing verb governs; None for scare quotes."""
    inner = ctx.doc.char_span(mark.open_at + mark.width, mark.close_at, alignment_mode="expand")
    if inner is None or len(inner) == 0 or _is_name(inner):
        return None
    node: Token = inner.root
    for _ in range(12):
        if node.head == node:
            return None
        node = node.head
        if node.i in ctx.quoted:
            continue
        if node.lemma_.lower() in rules.PARTIAL_VERBS and node.pos_ == "VERB":
            subject = rules.subject(node)
            return _Draft(0, 0, QuoteKind.PARTIAL, cue=node, subject=subject) if subject is not None else None
    return None


# ---- indirect quotes ---------------------------------------------------------------------------------


def _indirect_quotes(ctx: _Context) -> list[_Draft]:
    """Reported clauses outside quote marks: a reporting verb's complement wherever the verb stands
    ("said that ...", "..., argued Ruiz.", "Police, Ruiz says, have ..."), and "according to X"."""
    drafts = []
    for token in ctx.doc:
        if token.i in ctx.quoted:
            continue
        if rules.is_according(token):
            span = _according_clause(ctx, token)
            if span is not None:
                drafts.append(_Draft(span[0], span[1], QuoteKind.INDIRECT, cue=token, subject=rules.subject(token)))
            continue
        lemma = token.lemma_.lower()
        act = token.pos_ == "VERB" and (lemma in rules.ACT_VERBS or lemma in rules.INTENT_VERBS)
        act = act and not rules.passive(token)
        if token.pos_ == "VERB" and token.lemma_.lower() in rules.STANCE_OBJECT_VERBS and not rules.passive(token):
            if token.dep_ not in rules.EMBEDDED_CUE_DEPS and (span := _object_content(ctx, token)) is not None:
                drafts.append(_Draft(span[0], span[1], QuoteKind.INDIRECT, cue=token, subject=rules.subject(token)))
            continue
        if not (rules.is_report(token) or act) or (
            token.dep_ in rules.EMBEDDED_CUE_DEPS and not _relative_speaker(token) and not _embedded_report(token)
        ):
            continue
        clauses = [c for c in token.children if c.dep_ == "ccomp" and not _inner_report(c)]
        if not rules.is_cue(token):
            clauses = [c for c in clauses if _claim(c)]  # "a video shows Biden gesturing" reports no claim
        spans = [_clause_span(ctx, token, c) for c in clauses] or [
            that := _that_clause(ctx, token),
            *_aside_clause(ctx, token),
            _as_clause(ctx, token),
            content := _act_content(ctx, token),
            _object_content(ctx, token) if that is None and content is None else None,
        ]
        for span in spans:
            if span is not None:
                drafts.append(_Draft(span[0], span[1], QuoteKind.INDIRECT, cue=token, subject=rules.subject(token)))
    return drafts


def _object_content(ctx: _Context, verb: Token) -> tuple[int, int] | None:
    """'denied the allegations', 'announced a plan', 'criticized the deal': the noun-phrase object of a
    reporting verb or a verb that takes a stand, as what the subject said (the attribution content in
    PolNeAR's and PARC's sense); not a person, group or place addressed ("told reporters", "attacked
    Clinton"), nor a pronoun."""
    if rules.subject(verb) is None or verb.lemma_.lower() in rules.OBJECT_NOT_SAID:
        return None
    obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i), None)
    if obj is None or obj.pos_ not in ("NOUN", "PROPN") or obj.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
        return None
    words = [t for t in obj.subtree if ctx.sentence_of[t.i] == ctx.sentence_of[verb.i]]
    return _trim(ctx, words)


def _outermost(drafts: list[_Draft]) -> list[_Draft]:
    """Reported clauses less those inside another ("Her spokesman said [she thinks [America is strongest]]",
    "said [she opposes [the deal]]"): the report a reader takes from the text is the outer one, which holds
    the inner claim in its own words."""
    spans = {(d.start, d.end) for d in drafts}
    return [d for d in drafts if not any(a <= d.start and d.end <= b and (a, b) != (d.start, d.end) for a, b in spans)]


def _line_quotes(ctx: _Context) -> list[_Draft]:
    """Statements given a paragraph of their own without quote marks: a paragraph introduced by a
    reporting clause ending the paragraph before ("The governor added:"), and a line opened by a speaker's
    name and a colon ("Pat Caddell: Voters Worry About ...", a transcript's "PENCE: Well, ...")."""
    drafts = []
    for k, start in enumerate(ctx.paragraphs):
        end = ctx.paragraph_bounds(start)[1]
        first = bisect_left(ctx.starts, start)
        words = [t for t in ctx.doc[first : bisect_left(ctx.starts, end)] if not t.is_space]
        if len(words) < 3:
            continue
        if words[0].text in rules.QUOTE_MARKS and not any(t.text in rules.QUOTE_MARKS for t in words[1:]):
            words = words[1:]  # a transcript's paragraph opened by a mark that the next paragraph re-opens
        elif words[0].text in rules.QUOTE_MARKS or words[0].i in ctx.quoted:
            continue
        intro = _intro_before(ctx, k)
        if intro is not None:
            span = _trim(ctx, words)
            if span is not None:
                drafts.append(_Draft(span[0], span[1], QuoteKind.INDIRECT, cue=intro[0], subject=intro[1]))
            continue
        signed = _signed_line(ctx, words)
        if signed is not None:
            drafts.append(signed)
            continue
        colon = next((j for j, t in enumerate(words[:5]) if t.text == ":"), None)
        if colon is None or colon == 0:
            continue
        name, rest = words[:colon], words[colon + 1 :]
        if not all(t.pos_ == "PROPN" or t.text[:1].isupper() for t in name) or name[-1].pos_ not in ("PROPN", "NOUN"):
            continue
        if (
            len(rest) < 3
            or not any(t.pos_ in ("VERB", "AUX") for t in rest)
            or any(t.i in ctx.quoted for t in rest[:1])
        ):
            continue
        if any(rules.is_cue(t) for t in name) or name[0].like_num:
            continue
        span = _trim(ctx, rest, quoted=True)
        if span is not None:
            drafts.append(_Draft(span[0], span[1], QuoteKind.INDIRECT, cue=words[colon], subject=name[-1]))
    return drafts


def _signed_line(ctx: _Context, words: list[Token]) -> _Draft | None:
    """A headline ending in its source: "Clinton Hid Health Problems, Former Doctor Says." (title case,
    which the parser reads poorly): the words before the last comma, said by the subject of the final verb."""
    end = len(words)
    while end and words[end - 1].is_punct:
        end -= 1
    if end < 5 or "\n" in ctx.text[words[0].idx : words[end - 1].idx]:
        return None
    cue = words[end - 1]
    if not (rules.is_cue(cue) and cue.text[:1].isupper()) or any(t.i in ctx.quoted for t in words[:end]):
        return None
    comma = next((j for j in range(end - 2, max(0, end - 8), -1) if words[j].text == ","), None)
    if comma is None or comma < 3:
        return None
    name = words[comma + 1 : end - 1]
    if not name or not all(t.text[:1].isupper() or t.is_punct for t in name):
        return None
    span = _trim(ctx, words[:comma])
    if span is None:
        return None
    return _Draft(span[0], span[1], QuoteKind.INDIRECT, cue=cue, subject=name[-1])


def _intro_before(ctx: _Context, index: int) -> tuple[Token, Token] | None:
    """The reporting verb and subject of a paragraph ending in "X said:" right before paragraph ``index``."""
    if index == 0:
        return None
    last = bisect_left(ctx.starts, ctx.paragraphs[index] - len(PARAGRAPH_SEPARATOR)) - 1
    while last >= 0 and ctx.doc[last].is_space:
        last -= 1
    if last < 0 or ctx.doc[last].text != ":" or last in ctx.quoted:
        return None
    cue = rules.last_cue([t for t in ctx.doc[last].sent if t.i < last and t.i not in ctx.quoted])
    subject = rules.subject(cue) if cue is not None else None
    if cue is None or subject is None or any(c.dep_ in ("ccomp", "dobj") for c in cue.children if c.i > cue.i):
        return None
    return cue, subject


def _act_content(ctx: _Context, verb: Token) -> tuple[int, int] | None:
    """'promised to cut taxes', 'urged Congress to act', 'called on the party to unite', 'called for a
    ban', 'plans to run again': the infinitive (with its object) or the "for" phrase of a speech act or a
    stated intention."""
    lemma = verb.lemma_.lower()
    if (lemma not in rules.ACT_VERBS and lemma not in rules.INTENT_VERBS) or rules.subject(verb) is None:
        return None
    for child in verb.children:
        if (
            child.dep_ == "xcomp"
            and child.i > verb.i
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in child.children)
        ):
            if rules.passive(child) and child.lemma_.lower() in rules.ANONYMITY_VERBS:
                return None  # "asked not to be named": a condition of the interview, not a request reported
            start = next((c for c in verb.children if c.dep_ in ("dobj", "prep") and verb.i < c.i < child.i), child)
            words = [t for t in verb.doc[start.left_edge.i : child.right_edge.i + 1] if t != start or t.dep_ != "prep"]
            while words and words[0].ent_type_ in ("DATE", "TIME") and words[0].i < child.i:
                words = words[1:]  # "agreed Wednesday to restore ...": the day is not part of what was agreed
            return _trim(ctx, [t for t in words if ctx.sentence_of[t.i] == ctx.sentence_of[verb.i]])
        if child.dep_ == "prep" and child.lower_ == "for" and verb.lemma_.lower() == "call":
            words = [t for t in child.subtree if t != child]
            return _trim(ctx, [t for t in words if ctx.sentence_of[t.i] == ctx.sentence_of[verb.i]])
    return _named_as(ctx, verb)


def _named_as(ctx: _Context, verb: Token) -> tuple[int, int] | None:
    """'called the charges unsubstantiated', 'has called climate change a hoax': a framing verb with an object
    and what it names the object (a predicate, or a second noun the parser hangs on the first)."""
    if verb.lemma_.lower() not in rules.NAMING_VERBS:
        return None
    obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i), None)
    if obj is None or obj.pos_ == "PRON":
        return None
    second = next((c for c in verb.children if c.dep_ in ("oprd", "ccomp") and c.i > obj.i), None)
    second = second or next((c for c in obj.children if c.dep_ == "dobj" and c.i > obj.i), None)
    if second is None:
        return None
    words = verb.doc[obj.left_edge.i : second.right_edge.i + 1]
    return _trim(ctx, [t for t in words if ctx.sentence_of[t.i] == ctx.sentence_of[verb.i]])


def _finite(clause: Token) -> bool:
    """True for a clause with a tensed verb ("that talks will resume"), not "Microsoft to face scrutiny"."""
    finite = ("VBD", "VBZ", "VBP", "MD")
    return clause.tag_ in finite or any(c.dep_ in ("aux", "auxpass") and c.tag_ in finite for c in clause.children)


def _claim(clause: Token) -> bool:
    """True for a clause a belief or finding reports as a claim: a tensed one, one opened by "that"
    ("demanded that the campaign stop"), or one with a subject of its own ("expects them to become less
    available", "polls show Clinton leading"); not "a video shows Biden gesturing" (a named person doing
    something is seen, not claimed) nor "Microsoft to face scrutiny"."""
    if _finite(clause) or any(c.dep_ == "mark" and c.lower_ == "that" for c in clause.children):
        return True
    subject = next((c for c in clause.children if c.dep_ in rules.CLAUSE_SUBJECT_DEPS), None)
    if subject is None or clause.tag_ not in ("VB", "VBG") or clause.i < subject.i:
        return False
    return clause.tag_ == "VB" or subject.ent_type_ != "PERSON" or clause.head.lemma_.lower() != "show"


def _embedded_report(cue: Token) -> bool:
    """'which Mr. Clarke says he is doing everything he can to keep open', 'Richmond, where experts say some
    judges are eager ...': a reporting verb in a relative clause with a subject of its own and a following
    clause that has its own subject and tense reports that clause (not 'a missile that analysts said could
    reach', whose clause has a gap for the subject)."""
    if cue.dep_ != "relcl" or not rules.is_report(cue):
        return False
    own = next((c for c in cue.children if c.dep_ in rules.SUBJECT_DEPS), None)
    if own is None or own.lower_ in rules.RELATIVE or own.lower_ in rules.NOT_SPEAKERS:
        return False
    return any(
        c.dep_ == "ccomp"
        and c.i > cue.i
        and _finite(c)
        and any(d.dep_ in rules.CLAUSE_SUBJECT_DEPS for d in c.children)
        for c in cue.children
    )


def _relative_speaker(cue: Token) -> bool:
    """'listeners who said they had misgivings': a reporting verb in a relative clause whose subject is
    the relative pronoun reports the words of the noun the clause hangs on; 'responded by saying ...'
    reports those of the verb's subject."""
    if cue.dep_ == "pcomp":
        return cue.head.lower_ == "by"
    if rules.statement_saying(cue):
        return True
    return cue.dep_ == "relcl" and any(c.dep_ == "nsubj" and c.lower_ in ("who", "which") for c in cue.children)


def _aside_clause(ctx: _Context, cue: Token) -> list[tuple[int, int] | None]:
    """'Police, Ruiz says, have no policies': a reporting clause set into the clause it reports, which the
    parser hangs on that clause's verb. The reported clause is the verb's, less the aside; when words of
    it stand on both sides of the aside ("That culture, they said, puts sales first"), it is a split quote
    of two parts, as a direct quote split by "he said" is."""
    head = cue.head
    if cue.dep_ != "parataxis" or head.pos_ not in ("VERB", "AUX") or rules.subject(cue) is None:
        return []
    if not any(c.dep_ in rules.CLAUSE_SUBJECT_DEPS for c in head.children) or head.i in ctx.quoted:
        return []
    if not rules.is_cue(cue) or any(c.dep_ in ("dobj", "ccomp", "xcomp") for c in cue.children):
        return []
    if rules.is_cue(head) and any(c.dep_ == "ccomp" for c in head.children):
        return []  # "X, Y said, told Z that ...": X's report has its own quote
    aside = {t.i for t in cue.subtree}
    for verb in head.children:  # "X urged Y, the account said, and repeated Z": Z is not the account's
        if verb.dep_ == "conj" and verb.i > cue.i:
            aside.update(t.i for t in verb.subtree)
            aside.update(t.i for t in head.children if t.dep_ == "cc" and t.i > cue.i)
    whole = _words_span(ctx, head, aside)
    if whole is None:
        return []
    words = [t for t in ctx.doc.char_span(*whole, alignment_mode="expand") or () if t.i not in aside]
    before = _trim(ctx, [t for t in words if t.i < cue.left_edge.i])
    after = _trim(ctx, [t for t in words if t.i > cue.right_edge.i])
    return [before, after] if before is not None and after is not None else [whole]


def _as_clause(ctx: _Context, cue: Token) -> tuple[int, int] | None:
    """'Hawaii, as one of the advisers pointed out, rarely gets two hurricanes', 'As experts have noted, the
    president may ...': a reporting verb in an "as" clause with no object of its own reports the clause it
    modifies, less the "as" clause."""
    head = cue.head
    if cue.dep_ != "advcl" or head.pos_ not in ("VERB", "AUX") or head.i in ctx.quoted or head == cue:
        return None
    if not any(c.dep_ == "mark" and c.lower_ == "as" for c in cue.children) or rules.subject(cue) is None:
        return None
    if any(c.dep_ in ("dobj", "ccomp", "xcomp") for c in cue.children) or not rules.is_report(cue):
        return None
    if not any(c.dep_ in rules.CLAUSE_SUBJECT_DEPS for c in head.children):
        return None
    return _words_span(ctx, head, {t.i for t in cue.subtree})


def _according_clause(ctx: _Context, according: Token) -> tuple[int, int] | None:
    """'The top 1 percent would gain most, according to the Tax Foundation.': the clause the phrase hangs on."""
    head = according.head
    if head.pos_ not in ("VERB", "AUX") or head.i in ctx.quoted or according.dep_ != "prep" or rules.is_cue(head):
        return None  # "according to X, Y said that ...": Y's quote is found on its own
    if rules.subject(according) is None or not any(c.dep_ in rules.CLAUSE_SUBJECT_DEPS for c in head.children):
        return None
    phrase = {t.i for t in according.subtree}
    return _words_span(ctx, head, phrase)


def _words_span(ctx: _Context, head: Token, excluded: set[int]) -> tuple[int, int] | None:
    """The span of ``head``'s clause without ``excluded`` tokens and appended asides, within its sentence."""
    aside = _aside_tokens(head) | excluded
    sentence = ctx.sentence_of[head.i]
    words = [t for t in head.subtree if t.i not in aside and ctx.sentence_of[t.i] == sentence]
    dash = next((k for k, t in enumerate(words[:12]) if t.text in rules.DATELINE_DASHES), None)
    if dash is not None and any(t.is_upper and len(t.text) > 1 for t in words[:dash]):
        words = words[dash + 1 :]  # "JERUSALEM (Capital Wire) — ...": the dateline is not reported
    return _trim(ctx, words)


def _inner_report(clause: Token) -> bool:
    """True when the clause is the speaker's own report of telling ("said he had told Putin that ..."):
    the inner clause is then the quote, and the outer one is left out."""
    if not rules.is_cue(clause) or not any(c.dep_ == "ccomp" for c in clause.children):
        return False
    if any(c.dep_ == "aux" and c.tag_ == "MD" for c in clause.children):
        return False  # "told her that she could say ...": what she may say is not a report of saying
    subject = rules.subject(clause)
    return subject is not None and subject.lower_ in rules.SELF_PRONOUNS


def _that_clause(ctx: _Context, cue: Token) -> tuple[int, int] | None:
    """'told a gathering of governors that he ...', 'acknowledged on NBC's "Meet the Press" that Mr. Trump
    was trailing', 'claiming without evidence that the race is tied': a "that" clause after the verb that
    the parser hung on a word in between; it opens before any other verb, has a subject of its own, and
    runs to the sentence end. A "that" the parser read as a relative pronoun counts only after "tell"
    ("cited a report that the agency released" is a relative clause)."""
    sentence = cue.sent
    after = [t for t in sentence if t.i > cue.i]
    that = next((t for t in after if t.lower_ == "that" or t.pos_ in ("VERB", "AUX")), None)
    if that is None or that.lower_ != "that" or that.i in ctx.quoted:
        return None
    clause = that.head
    if clause.pos_ not in ("VERB", "AUX") or clause.i < that.i or (clause.head == cue and clause.dep_ == "ccomp"):
        return None
    if that.dep_ != "mark" and clause.dep_ == "relcl" and cue.lemma_.lower() != "tell":
        return None
    if that.dep_ != "mark" and clause.dep_ != "relcl" and that.dep_ not in ("dobj", "nsubj"):
        return None
    if not any(c.dep_ in rules.CLAUSE_SUBJECT_DEPS and c != that for c in clause.children):
        return None
    if any(t.is_punct and t.text in (";", ":") for t in sentence if cue.i < t.i < that.i):
        return None
    words = [t for t in sentence if t.i > that.i and not t.is_space]
    return _trim(ctx, words)


def _clause_span(ctx: _Context, cue: Token, clause: Token) -> tuple[int, int] | None:
    """Character span of a reported clause, after "that", without quoted fragments; None if unusable."""
    if not any(c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in clause.children):
        return None
    if clause.i < cue.i and not _reported_before(cue, clause):
        return None
    # a cue in a relative clause ("which Mr. Clarke says he is keeping open"): the relative word before it
    # is the noun's, not the report's
    embedded = cue.dep_ == "relcl" and clause.i > cue.i
    words = [t for t in clause.subtree if t.i > cue.i] if embedded else list(clause.subtree)
    if not words or words[0].lower_ in ("what", "which", "who"):
        return None
    aside = _aside_tokens(clause)
    tokens = []
    for token in words:
        if token.text in rules.SENTENCE_END:
            break  # the parser ran on into the next sentence
        if token.i not in aside:
            tokens.append(token)
    inner_cue = any(rules.is_cue(t) and t.i not in ctx.quoted for t in tokens)  # the quote is that verb's
    if any(t.i in ctx.quoted for t in tokens) and not inner_cue and (mixed := _mixed_span(ctx, tokens)) is not None:
        return mixed
    pieces = _pieces(clause, tokens)
    kept: list[list[Token]] = []
    for piece in pieces:
        if not any(t.i in ctx.quoted for t in piece):
            kept.append(piece)
        elif piece is pieces[0] and (cut := _before_appended_quote(ctx, piece)):
            kept.append(cut)
            break
        elif kept:
            break
    return _trim(ctx, [t for piece in kept for t in piece])


def _mixed_span(ctx: _Context, tokens: list[Token]) -> tuple[int, int] | None:
    """A mixed quote: a reported clause holding quoted words ('the board had failed to address the "clear
    pattern" of abuse') is kept whole, its marks included, when the clause itself starts outside marks
    and holds every quote it opens."""
    span = _trim(ctx, tokens, quoted=True)
    if span is None:
        return None
    start, end = span
    if ctx.doc[bisect_left(ctx.starts, start)].i in ctx.quoted:
        return None  # the clause opens inside a quote: the quote is the statement, not this clause
    for mark in ctx.marked:
        if mark.open_at < start <= mark.close_at:
            return None
        if start <= mark.open_at < end <= mark.close_at:
            if ctx.text[end : mark.close_at].strip(" .,;:!?"):
                return None  # the quote runs on past the clause
            end = mark.close_at + (2 if ctx.text.startswith("''", mark.close_at) else 1)
    if not any(start <= mark.open_at < end for mark in ctx.marked):
        return None
    return start, end


def _trim(ctx: _Context, words: list[Token], *, quoted: bool = False) -> tuple[int, int] | None:
    """The span of ``words`` without a leading "that"/conjunction and trailing punctuation; None when it
    is too short or (unless ``quoted``) holds quoted words."""
    while words and (
        words[0].dep_ == "mark"
        or words[0].is_punct
        or (words[0].lower_ in ("that", "and", "but") and words[0].dep_ != "det")
    ):
        if quoted and words[0].is_punct and words[0].i in ctx.quoted:
            break  # the opening mark of a quote that starts the clause
        words = words[1:]
    while words and (words[-1].is_punct or words[-1].is_space or words[-1].dep_ == "cc"):
        words = words[:-1]
    if len(words) < 2 or (not quoted and any(t.i in ctx.quoted for t in words)):
        return None
    return words[0].idx, words[-1].idx + len(words[-1].text)


def _reported_before(cue: Token, clause: Token) -> bool:
    """'The talks will resume, the ministry said.': a clause before a sentence-final reporting clause."""
    subject = rules.subject(cue)
    if subject is None or not subject.i > clause.right_edge.i:
        return False
    if cue.i < subject.i and subject.left_edge.i != cue.i + 1:
        return False  # "..., argued Ruiz." inverts; anything between the verb and its subject does not
    rest = [t for t in cue.sent if t.i > cue.i]
    return all(t.is_punct or t.is_space or t.i in {d.i for c in cue.children for d in c.subtree} for t in rest)


def _aside_tokens(clause: Token) -> set[int]:
    """Token indexes of an aside appended after a comma at the end of a clause (", a concession to
    North Korea", ", setting up a legal fight"), with the comma."""
    end = clause.right_edge.i
    for token in clause.subtree:
        if token == clause or token.right_edge.i != end or token.dep_ not in rules.ASIDE_DEPS:
            continue
        comma = token.left_edge.i - 1
        if token.dep_ == "advcl" and token.tag_ != "VBG":
            continue
        if comma > clause.left_edge.i and token.doc[comma].text == ",":
            return set(range(comma, end + 1))
    return set()


def _pieces(clause: Token, tokens: list[Token]) -> list[list[Token]]:
    """The clause cut at its coordinated clauses: "A and that B" -> [A, and that B]."""
    cuts = sorted(c.left_edge.i for c in clause.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX"))
    pieces: list[list[Token]] = [[]]
    for token in tokens:
        if cuts and token.i >= cuts[0]:
            cuts.pop(0)
            if pieces[-1] and pieces[-1][-1].dep_ == "cc":
                pieces.append([pieces[-1].pop()])
            else:
                pieces.append([])
        pieces[-1].append(token)
    return [p for p in pieces if p]


def _before_appended_quote(ctx: _Context, piece: list[Token]) -> list[Token] | None:
    """A complete clause with quoted words appended after a conjunction: 'kept it alive "but only just"'."""
    first_quoted = next(k for k, t in enumerate(piece) if t.i in ctx.quoted)
    after = [t for t in piece[first_quoted:] if not t.is_punct]
    if after and after[0].pos_ == "CCONJ" and all(t.i in ctx.quoted for t in piece[first_quoted:]):
        return piece[:first_quoted]
    return None


def _cue_lemma(draft: _Draft) -> str | None:
    if draft.cue is None or draft.cue.is_punct:
        return None
    return " ".join(rules.ACCORDING_TO) if rules.is_according(draft.cue) else draft.cue.lemma_.lower()


def _resolve(ctx: _Context, draft: _Draft, resolved: dict[int, Speaker]) -> Speaker:
    """Speaker surface text, named mention and confidence of a draft, in text order (pronouns look back).

    The confidence says how the speaker was found (``rules.CONFIDENCE``): a named subject of the cue, a
    role noun resolved to the one person holding it, a pronoun resolved to its antecedent, a floating
    quote continuing the quote before it, an unresolved description or pronoun, or no speaker."""
    confidence = rules.CONFIDENCE
    if draft.repeats is not None:
        text, start, end, before = resolved.get(id(draft.repeats), (None, None, None, 0.0))
        speaker: Speaker = (text, start, end, min(before, confidence["floating"]) if text is not None else 0.0)
    elif draft.subject is None or draft.subject.lower_ in rules.NOT_SPEAKERS:
        speaker = (None, None, None, 0.0)
    elif draft.subject.lower_ == "i":
        speaker = (ctx.author, None, None, confidence["author"] if ctx.author else 0.0)  # the writer, if known
    else:
        subject = draft.subject
        pronoun = subject.lower_ in rules.PERSON_PRONOUNS
        how = "pronoun" if pronoun else "named"
        named, how = rules.resolve_pronoun(ctx, subject) if pronoun else (rules.named_mention(ctx, subject), how)
        how = how or "pronoun"
        if named is None and not pronoun:
            named = rules.titled_person(ctx, subject)
            how = "title"
        if named is None and not pronoun:
            named = rules.named_organization(ctx, subject)
            how = "organization"
        if named is None and subject.lower_ == "it":
            named = rules.organization_pronoun(ctx, subject)
            how = "pronoun"
        if named is not None:
            named = rules.fullest(ctx, named)
        else:
            how = "unresolved pronoun" if subject.pos_ == "PRON" else "description"
        score = confidence[how] - (confidence["no cue"] if draft.cue is None or draft.cue.is_punct else 0.0)
        surface = _surface(ctx, subject)
        speaker = (
            (surface, named.start_char, named.end_char, score) if named is not None else (surface, None, None, score)
        )
    resolved[id(draft)] = speaker
    start, end = speaker[1], speaker[2]
    named_span = ctx.doc.char_span(start, end) if start is not None and end is not None else None
    if named_span is not None and named_span.root.ent_type_ == "PERSON":
        ctx.speakers.append((bisect_right(ctx.starts, draft.start) - 1, named_span))
    return speaker


def _surface(ctx: _Context, subject: Token) -> str:
    """The speaker phrase as the text gives it, with a capital that only opens its sentence lowered
    ("He" -> "he", "The officials" -> "the officials", "Officials" when the article also writes "officials"),
    so one speaker is not two by case; a name keeps its capital ("Wines")."""
    text = rules.phrase(subject)
    stray = "".join(rules.QUOTE_MARKS | rules.SIGNATURE_DASHES) + " \u00a0"
    if text[:1] in stray and text.lstrip(stray):
        text = text.lstrip(stray)  # a closing mark and dash the tokenizer kept together ('”― Carla Sanchez')
        return text
    dash = next((d for d in rules.DATELINE_DASHES if f" {d} " in text), None)
    if dash is not None and subject.idx > subject.doc.text.find(dash, subject.left_edge.idx):
        text = text.rsplit(f" {dash} ", 1)[1]  # "WOODSIDE, Calif. (Capital Wire) — President Joe Biden"
        return text
    first = subject.doc[subject.left_edge.i]
    if not text.startswith(first.text) or first.text == "I" or (first.is_upper and len(first) > 1):
        return text
    if first.pos_ == "DET" and subject.pos_ == "NOUN" and first.text[:1].isupper():
        return text[:1].lower() + text[1:]  # "--Aug. 14 -- The navy announces": a description, wherever it stands
    if not first.is_sent_start:
        return text
    if first.pos_ in ("PRON", "DET") or (
        first.pos_ == "NOUN" and (first.lower_ in ctx.lower_words() or first.lower_ in rules.GROUP_NOUNS)
    ):
        return text[:1].lower() + text[1:]  # "Prosecutors said", "Officials said": not names
    return text
