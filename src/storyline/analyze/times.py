"""Time expressions in an article, resolved against its publication date: "met on Monday" is the last Monday.

Each has its TIMEX3 type: DATE, TIME ("8 PM", "Friday afternoon"), DURATION ("two years" P2Y) or SET
("annually" P1Y); "now", "recently" and "soon" are DATEs valued PRESENT_REF, PAST_REF, FUTURE_REF.
Only dates and times have a granularity, so only they reach timelines.

Candidates come from the patterns in ``times_rules`` (spaCy's DATE entities miss "earlier this week" and
over-span "73 years since"); the spaCy parse decides the direction of what the calendar leaves open:
the year of "in April", the week of "on Monday". The clause's governing verb gives it:

- past ("met", "had met", "was held", "were preparing") -> the latest occurrence on or before the
  publication date, so "said on Thursday" in a Thursday paper is that same Thursday;
- future ("will meet", "is to meet", "plans/is expected/is due to meet", "is meeting") -> the earliest
  occurrence on or after it (the same weekday is again that day: "will speak on Thursday" published
  on Thursday is later that day);
- anything else (present "opens on Tuesday", a time attached to a noun "the meeting on Wednesday",
  "future in the past" "was expected to leave on Friday") -> the nearest occurrence, ties to the past
  (news reports mostly what happened). A day of the month attached to a noun takes the tense of the
  noun's verb ("lied in his Jan. 17 deposition", written in December, is the past January). A weekday
  no finite verb governs ("a premium over Thursday's closing price") is the past one unless the next
  is at most two days ahead; a present verb ("they meet Monday") keeps the nearest.
- a limit ("until mid-November", "through January") is not sent to the past by a past verb ("gave
  them until mid-November"): it takes the nearest occurrence.

After resolution, a few readings use the rest of the text: "the quarter", "for the day", "that year",
"the following month", "the same period last year" are the period the text named before (or, for
"the quarter", "the day", "the year", the publication's); "a year earlier" in a report on a quarter
is that quarter a year before; a clock time is on the day named beside it or in its sentence, a part
of the day in a past clause on the day named before it; in "Aug. 14, a Monday" the weekday is that
date.

A relative expression in an article without a publication date keeps ``value=None``; it is never
resolved against today's date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from spacy.tokens import Doc, Span, Token

from storyline.analyze.times_rules import (
    ANAPHORIC,
    CASED_TRIGGERS,
    NEEDS_DIRECTION,
    PATTERNS,
    RESOLVERS,
    SET_KINDS,
    SKIP,
    TRIGGERS,
    WEEKDAYS,
    Direction,
    iso_duration,
    number,
)
from storyline.model import Granularity, TimeExpression, TimexType

FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
PAST_AUX = frozenset({"was", "were", "did", "had", "has", "have", "'d", "'ve"})
PRESENT_AUX = frozenset({"is", "are", "am", "'s", "'re", "'m", "does", "do"})
MODALS = frozenset({"would", "could", "may", "might", "should", "must", "can", "ought"})
# Verbs and adjectives that put their complement in the future: "plans to", "is expected to", "is due to".
FUTURE_CUES = frozenset(
    {"plan", "expect", "schedule", "due", "set", "intend", "aim", "hope", "slate", "poise", "effective"}
)
# A limit ("until June", "through January") is often later than the act that sets it ("gave them until
# mid-November", "extended the loans through January"): a past verb does not send it to the past.
LIMIT_PREPOSITIONS = frozenset({"until", "till", "through"})
NEXT_WORDS = frozenset({"next", "upcoming", "coming", "forthcoming", "future"})
LAST_WORDS = frozenset({"last", "previous", "past", "recent", "former"})
CLIMB_DEPS = frozenset({"xcomp", "advcl", "acl", "ccomp", "conj", "pcomp", "prep", "pobj", "acomp"})
NOT_YEAR_LABELS = frozenset({"MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"})


@dataclass(frozen=True)
class _Candidate:
    kind: str
    match: re.Match[str]

    @property
    def start(self) -> int:
        return self.match.start()

    @property
    def end(self) -> int:
        return self.match.end()


def find_times(doc: Doc, published: datetime | None, article_id: str = "") -> list[TimeExpression]:
    """Time expressions in ``doc``, sorted by start, normalized against ``published`` (its own local date).

    Each carries its TIMEX3 type: dates (and "now"/"recently" references), times of day, durations
    ("for two years" P2Y) and sets ("annually" P1Y). Without ``published``, relative expressions keep
    ``value=None``; absolute ones ("June 12, 2018", "two years") still resolve.
    """
    anchor = published.date() if published is not None else None
    found: list[TimeExpression] = []
    kinds: list[str] = []
    queue = _candidates(doc)
    while queue:
        candidate = queue.pop(0)
        if not _plausible(candidate, doc):
            continue
        direction = None
        if candidate.kind in NEEDS_DIRECTION:
            direction = _direction(doc, candidate.start, candidate.end, candidate.kind in ("mdy", "dmy"))
            if direction is Direction.PAST and _preposition(candidate.match) in LIMIT_PREPOSITIONS:
                direction = Direction.NEAREST
        value, granularity = RESOLVERS[candidate.kind](candidate.match, anchor, direction or Direction.NEAREST)
        if (value, granularity) == SKIP:
            if candidate.kind == "weekday_range":  # "Friday and Thursday": the two days, each on its own
                inner = PATTERNS["weekday"].finditer(candidate.match.string, candidate.start, candidate.end)
                queue[:0] = [_Candidate("weekday", m) for m in inner]
            continue
        start, end = candidate.start, candidate.end
        if candidate.kind == "offset_event":
            end = _event_end(doc, candidate)
        kind = _timex_type(candidate.kind, value, granularity)
        text = candidate.match.string  # doc.text is rebuilt from the tokens on every access: read it once
        found.append(TimeExpression(article_id, start, end, text[start:end], value, granularity, kind))
        kinds.append(candidate.kind if direction is not Direction.PAST else candidate.kind + ":past")
    found = _anaphora(found, kinds, anchor)
    text = doc.text
    found = _anchor_offsets(doc, text, found)
    found = _year_earlier(found)
    found = _attach_days(doc, text, sorted(found, key=lambda t: (t.start, t.end)))
    return found


PREPOSITION_BEFORE = re.compile(r"(?i)\b(until|till|through)\s+$")


def _preposition(m: re.Match[str]) -> str:
    """The preposition of a match ("until" in "until mid-November"), lower case, or ""."""
    groups = m.re.groupindex
    word = (m["prep"] if "prep" in groups else None) or (m["pre"] if "pre" in groups else None) or ""
    before = PREPOSITION_BEFORE.search(m.string, max(0, m.start() - 8), m.start())
    return before[1].lower() if before else word.lower()


# "in the morning", "by mid-afternoon", "later in the day": on the day the text is about
ON_A_DAY = re.compile(r"(?i)(?:\bthe\s+|\bmid[\s-]?)(?:morning|afternoon|evening)$|\bin\s+the\s+day$")
PREVIOUS_YEAR = re.compile(r"(?i)\bthe\s+(?:(?:previous|prior)\s+year|year\s+(?:before|previous))$")
NAMED = (Granularity.DAY, Granularity.MONTH, Granularity.QUARTER, Granularity.YEAR)
NOT_NAMED = frozenset({"period", "earlier_units", "year_period"})  # derived periods: not what "the quarter" means


def _anaphora(found: list[TimeExpression], kinds: list[str], anchor: date | None) -> list[TimeExpression]:
    """ "the quarter", "for the day", "that year", "the 1988 period": the period the text last named.

    "the quarter" is the quarter named before it, else the last one ended by the publication date (the
    one a company reports on); "the day" the day named before it, else the publication day; "the year"
    and "the month" the publication's ("for the year", "by the end of the month"), "that year" and "the
    same month" the one named before; "the 1988 period" is the quarter named before, in 1988. In a past
    clause a part of the day ("Stocks fell Friday. Dealers sold in the morning", "later in the day") is on
    the day named before it; otherwise ("is expected to leave in the evening") on the publication day.
    """
    out = list(found)
    last: dict[Granularity, str] = {}
    for i, (expr, tagged) in enumerate(zip(found, kinds, strict=True)):
        kind, _, tense = tagged.partition(":")
        if kind in ANAPHORIC and anchor is not None:
            resolved, unit = _anaphor_value(expr.text, last, anchor)
            out[i] = replace(expr, value=resolved, granularity=unit)
        elif kind == "earlier_units" and Granularity.YEAR in last and PREVIOUS_YEAR.search(expr.text):
            out[i] = replace(expr, value=str(int(last[Granularity.YEAR]) - 1))  # "the year before" that one
        elif tense == "past" and expr.value and Granularity.DAY in last and ON_A_DAY.search(expr.text):
            out[i] = replace(expr, value=last[Granularity.DAY] + expr.value[10:])
        value, granularity = out[i].value, out[i].granularity
        if value and granularity in NAMED and value[:4].isdigit() and kind not in NOT_NAMED:
            last[granularity] = value
            if granularity in (Granularity.MONTH, Granularity.QUARTER):
                last[Granularity.RANGE] = value  # the last month or quarter: "the same period last year"
            if granularity is Granularity.DAY:
                last[Granularity.MONTH] = value[:7]
            last[Granularity.YEAR] = value[:4]
    return out


ANAPHOR_TEXT = re.compile(
    r"(?i).*?\b(?P<det>the\s+same|the\s+following|the\s+entire|the\s+whole|the|that)\s+(?:(?P<y>\d{4})\s+(?:fiscal\s+)?)?(?P<unit>\w+)$"
)


def _anaphor_value(text: str, last: dict[Granularity, str], anchor: date) -> tuple[str | None, Granularity]:
    if PATTERNS["same_period"].fullmatch(text):  # "the same period last year": named before, a year back
        period = last.get(Granularity.RANGE)
        if period is None:
            return str(anchor.year - 1), Granularity.YEAR
        granularity = Granularity.QUARTER if "Q" in period else Granularity.MONTH
        return f"{int(period[:4]) - 1}{period[4:]}", granularity
    m = ANAPHOR_TEXT.match(text)
    assert m is not None
    det, unit = " ".join(m["det"].lower().split()), m["unit"].lower()
    named = det != "the"  # "that year", "the same day": the one named before, not the publication's
    if det == "the following":  # "the following year": the one after the one named before, if any
        return _following(unit, last)
    if m["y"]:  # "the 1988 period", "the 1988 quarter"
        quarter = last.get(Granularity.QUARTER)
        return (f"{m['y']}{quarter[4:]}", Granularity.QUARTER) if quarter else (m["y"], Granularity.YEAR)
    if unit == "quarter":
        return last.get(Granularity.QUARTER) or _last_quarter(anchor), Granularity.QUARTER
    if unit == "day":
        return last.get(Granularity.DAY) or anchor.isoformat(), Granularity.DAY
    if unit == "month":
        month = last.get(Granularity.MONTH) if named else None
        return month or f"{anchor.year}-{anchor.month:02d}", Granularity.MONTH
    year = last.get(Granularity.YEAR) if named else None
    return year or str(anchor.year), Granularity.YEAR


def _following(unit: str, last: dict[Granularity, str]) -> tuple[str | None, Granularity]:
    if unit == "day":
        day = last.get(Granularity.DAY)
        return (date.fromisoformat(day) + timedelta(days=1)).isoformat() if day else None, Granularity.DAY
    if unit == "month":
        month = last.get(Granularity.MONTH)
        if month is None:
            return None, Granularity.MONTH
        index = int(month[:4]) * 12 + int(month[5:7])
        return f"{index // 12}-{index % 12 + 1:02d}", Granularity.MONTH
    if unit == "quarter":
        quarter = last.get(Granularity.QUARTER)
        if quarter is None:
            return None, Granularity.QUARTER
        index = int(quarter[:4]) * 4 + int(quarter[-1])
        return f"{index // 4}-Q{index % 4 + 1}", Granularity.QUARTER
    year = last.get(Granularity.YEAR)
    return (str(int(year) + 1) if year else None), Granularity.YEAR


def _last_quarter(anchor: date) -> str:
    """The last quarter ended by ``anchor``."""
    index = anchor.year * 4 + (anchor.month - 1) // 3 - 1
    return f"{index // 4}-Q{index % 4 + 1}"


YEAR_EARLIER = re.compile(
    r"(?i)^(?:from\s+|than\s+)?"
    r"(?:a\s+year\s+(?:earlier|ago|before)|(?:the\s+)?(?:comparable\s+)?year-(?:earlier|ago)\b.*)$"
)
CLOCK_VALUE = re.compile(r"[^T]+T\d\d:\d\dZ?")
QUARTER_VALUE = re.compile(r"^(\d{4})-Q(\d)$")
CONTEXT_CHARS = 600  # how far back a quarter named in the text sets the period of "a year earlier"


def _year_earlier(found: list[TimeExpression]) -> list[TimeExpression]:
    """ "Profit rose to $5 million from $4 million a year earlier": the same period a year before.

    In a report on a quarter ("the third quarter" resolved to 1989-Q3), "a year earlier", "a year ago" and
    "the year-earlier period" mean that quarter of the year before (1988-Q3), not the whole year.
    """
    out = list(found)
    for i, expr in enumerate(out):
        if not YEAR_EARLIER.match(expr.text):
            continue
        before = [
            t
            for t in found[:i]  # the quarters the text names, not those this pass derived
            if t.value and QUARTER_VALUE.match(t.value) and expr.start - t.end < CONTEXT_CHARS
        ]
        if before:
            m = QUARTER_VALUE.match(str(before[-1].value))
            assert m is not None
            out[i] = replace(expr, value=f"{int(m[1]) - 1}-Q{m[2]}", granularity=Granularity.QUARTER)
    return out


def _clock_day_text(text: str) -> str:
    """The day named in a clock expression ("Saturday" in "15:00 GMT Saturday"), or ""."""
    m = PATTERNS["clock"].fullmatch(text)
    return (m["day1"] or m["day2"] or "") if m else ""


def _timex_type(kind: str, value: str | None, granularity: Granularity | None) -> TimexType:
    if kind in SET_KINDS:
        return TimexType.SET
    if granularity is None and (value or "").startswith("P") and not (value or "").endswith("_REF"):
        return TimexType.DURATION
    return TimexType.TIME if granularity is Granularity.TIME else TimexType.DATE


def _attach_days(doc: Doc, text: str, found: list[TimeExpression]) -> list[TimeExpression]:
    """Read a time or weekday with the date written beside it.

    A clock time without its own day ("at 3 p.m. on June 12", "flew Tuesday ... at 18:00 UTC") is on the
    nearest day named in its sentence, not the publication day; in "on Aug. 14, a Monday" the weekday is
    that same day, not the next Monday.
    """
    out = list(found)
    for i, expr in enumerate(out):
        clock = expr.type is TimexType.TIME and expr.value and CLOCK_VALUE.fullmatch(expr.value)
        if clock and not _clock_day_text(expr.text):
            lo, hi = _sentence_bounds(doc, expr.start)
            days = [t for t in out if t.granularity is Granularity.DAY and t.value and lo <= t.start < hi]
            # "at 10 a.m. on Saturday" even when the parser ends the sentence after "a.m."
            beside = [t for t in out[i + 1 : i + 2] if re.fullmatch(r",?\s*(?:on\s+)?", text[expr.end : t.start])]
            days = [t for t in beside if t.granularity is Granularity.DAY and t.value] or days
            if days:
                near = min(days, key=lambda t: min(abs(t.start - expr.end), abs(expr.start - t.end)))
                out[i] = replace(expr, value=str(near.value) + str(expr.value)[10:])
        if i > 0 and expr.granularity is Granularity.DAY and expr.text.strip().lower() in WEEKDAYS:
            before = out[i - 1]
            if (
                before.granularity is Granularity.DAY
                and before.value
                and re.fullmatch(r",\s*(?:a\s+)?", text[before.end : expr.start])
            ):
                day = date.fromisoformat(before.value)
                if day.weekday() == WEEKDAYS[expr.text.strip().lower()]:
                    out[i] = replace(expr, value=before.value)
    return out


def _candidates(doc: Doc) -> list[_Candidate]:
    """Every pattern's matches, overlaps resolved in favour of the longest (then the earliest)."""
    text = doc.text
    low = text.lower()
    every = [
        _Candidate(kind, m)
        for kind, pattern in PATTERNS.items()
        if _triggered(kind, text, low)
        for m in pattern.finditer(text)
    ]
    every.sort(key=lambda c: (-(c.end - c.start), c.start))
    taken: list[_Candidate] = []
    for candidate in every:
        if all(candidate.end <= t.start or candidate.start >= t.end for t in taken):
            taken.append(candidate)
    return sorted(taken, key=lambda c: c.start)


def _triggered(kind: str, text: str, low: str) -> bool:
    """Whether ``text`` holds a word every match of the pattern ``kind`` needs (see ``TRIGGERS``)."""
    cased = CASED_TRIGGERS.get(kind)
    if cased is not None:
        return any(word in text for word in cased)
    words = TRIGGERS.get(kind)
    return words is None or any(word in low for word in words)


def _plausible(candidate: _Candidate, doc: Doc) -> bool:
    """Whether a bare number is a year (after a preposition, or a DATE entity that is not money or a count)
    and a recurrence word is not just an adjective ("a quarterly dividend" is a dividend, not a set)."""
    if candidate.kind == "duration" and not _a_duration(candidate.match):
        return False
    if candidate.kind == "set" and candidate.match["adverb"]:
        span = doc.char_span(candidate.start, candidate.end)
        return span is None or span.root.dep_ != "amod"
    if candidate.kind == "anaphor":
        return _anaphor_plausible(candidate.match)
    if candidate.kind == "decade" and (candidate.match["bare"] or candidate.match["bare2"]):
        before = candidate.match.string[max(0, candidate.start - 40) : candidate.start]
        return not TEMPERATURE.search(before)  # "highs in the 70s" are degrees, not the 1970s
    if candidate.kind != "year":
        return True
    m, text = candidate.match, candidate.match.string
    if text[max(0, m.start() - 1) : m.start()] in ("$", "#", "£", "€") or re.match(r"\s*(%|percent)", text[m.end() :]):
        return False
    span = doc.char_span(m.start("y"), m.end("y"), alignment_mode="expand")
    labels = {t.ent_type_ for t in span} if span is not None else set()
    if m["prep"]:  # "by 2100" even when the tagger calls it a number, but not "in 2000 cases"
        return span is None or not any(t.dep_ == "nummod" and t.head.i > t.i and t.head.is_alpha for t in span)
    if labels & NOT_YEAR_LABELS:
        return False
    return "DATE" in labels or (span is not None and not doc.has_annotation("ENT_IOB"))


# "the day" is a date after a preposition or a verb of a trading session ("for the day", "ended the day"),
# not as a subject or object ("The quarter was terrible", "called the day a great moment") nor before a
# relative clause ("on the day he took office").
ANAPHOR_BEFORE = re.compile(
    r"(?i)(?:^|\W)(?:for|in|on|during|of|throughout|by|over|through|from|since|until|till|after|before|at|within"
    r"|end|ends|ended|ending|finish|finished|finishing|close|closes|closed|closing|start|started|starting"
    r"|open|opened|opening|begin|began|beginning)\s+$"
)
CLAUSE_AFTER = re.compile(r"(?i)\s+(?:he|she|they|it|we|i|you|the|a|an|his|her|their|its|our|this)\b")


def _anaphor_plausible(m: re.Match[str]) -> bool:
    text = m.string
    if m["prep"] or m["edge"] or (m["det"].lower() != "the" and m["unit"].lower() != "day"):  # "that year"
        return not CLAUSE_AFTER.match(text, m.end())
    return bool(ANAPHOR_BEFORE.search(text[max(0, m.start() - 14) : m.start()])) and not CLAUSE_AFTER.match(
        text, m.end()
    )


OFFSET_AFTER = re.compile(r"(?i)\s+(?:earlier|later)\b")
TEMPERATURE = re.compile(r"(?i)temperature|degree|\bhighs?\b|\blows?\b|°|fahrenheit|celsius")
RATE_BEFORE = re.compile(r"(?:\d|million|billion|thousand|cents?|percent|%)\s+$", re.IGNORECASE)


def _a_duration(m: re.Match[str]) -> bool:
    """Not a rate ("$500 million a year") nor a fraction ("three-quarters of", "a quarter of the market")."""
    text = m.string
    if m["n"].lower() in ("a", "an") and RATE_BEFORE.search(text[max(0, m.start() - 12) : m.start()]):
        return False
    if OFFSET_AFTER.match(text, m.end()) and not re.match(r"(?i)second|minute|hour", m["unit"]):
        return False  # "two days later", "a year earlier": a date counted from another (other patterns)
    if not m["unit"].lower().startswith("quarter") or m["mod"]:  # "two consecutive quarters of growth"
        return True
    fraction = re.match(r"\s+of\b", text[m.end() :]) or re.match(r"(?i)(?:about\s+|more\s+than\s+)?a\s", m[0])
    return not (fraction or "-" in m[0])


# -- direction from the parse ------------------------------------------------------------------------
def _direction(doc: Doc, start: int, end: int, through_nouns: bool = False) -> Direction:
    """The direction of the clause that governs the span ``start:end`` (see the module docstring).

    With ``through_nouns`` a day attached to a noun takes the tense of the noun's verb: "lied in his
    Jan. 17 deposition" is a past January 17.
    """
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not doc.has_annotation("DEP"):
        return Direction.NEAREST
    token = span.root
    while token.pos_ not in ("VERB", "AUX"):
        if token.head.i == token.i:
            return Direction.UNTENSED
        token = token.head
        if token.pos_ == "ADJ" and token.lemma_ in FUTURE_CUES:
            return Direction.FUTURE  # "the pact effective June 1", "a payment due Jan. 15"
        if token.pos_ in ("NOUN", "PROPN") and token.i not in range(span.start, span.end):
            marked = _noun_marker(token)
            if marked is not None:
                return marked
            if token.lemma_ in FUTURE_CUES:
                return Direction.FUTURE
            if not through_nouns:
                return Direction.UNTENSED
    return _verb_direction(token)


def _noun_marker(noun: Token) -> Direction | None:
    """ "the next summit" points forward, "the last summit" back; most nouns say nothing."""
    words = {child.lower_ for child in noun.children if child.dep_ in ("amod", "det", "advmod")}
    if words & NEXT_WORDS:
        return Direction.FUTURE
    if words & LAST_WORDS:
        return Direction.PAST
    return None


def _verb_direction(verb: Token) -> Direction:
    """Tense of ``verb``, climbing from non-finite verbs ("to visit", "visiting") to the finite one."""
    cue = False
    via_to = False
    token: Token | None = verb
    while token is not None:
        auxes = {c.lower_ for c in token.children if c.dep_ in ("aux", "auxpass")}
        if auxes & FUTURE_AUX:
            return Direction.FUTURE
        cue = cue or _future_cue(token) or (token.lemma_ == "be" and via_to)
        cue = cue or any(c.lemma_ in FUTURE_CUES and c.dep_ in ("acomp", "xcomp", "attr") for c in token.children)
        tense = _finite_tense(token, auxes)
        if tense is not None:
            if tense is Direction.PAST:
                return Direction.NEAREST if cue else Direction.PAST
            return Direction.FUTURE if cue else tense
        via_to = "to" in auxes
        token = _governor(token)
    return Direction.FUTURE if cue else Direction.UNTENSED


def _future_cue(token: Token) -> bool:
    """ "plans to", "expected to", "set to", but not the past participle of "the record set on Aug. 6"."""
    if token.lemma_ not in FUTURE_CUES:
        return False
    return token.lemma_ != "set" or any(c.dep_ == "xcomp" for c in token.children)


def _finite_tense(token: Token, auxes: set[str]) -> Direction | None:
    """PAST, FUTURE (present progressive, modals) or NEAREST (present) for a finite verb; None if non-finite."""
    if auxes & MODALS:
        return Direction.PAST if auxes & {"have", "'ve"} else Direction.FUTURE
    if auxes & PAST_AUX:
        return Direction.PAST
    if auxes & PRESENT_AUX:
        return Direction.FUTURE if token.tag_ == "VBG" and token.lower_ != "going" else Direction.NEAREST
    if "to" in auxes:
        return None  # "(is due) to be published": non-finite, its tense is its governor's
    if token.tag_ in ("VBD", "VBN"):
        return Direction.PAST  # a bare participle: "the deal, adopted on Wednesday"
    if token.tag_ in ("VBZ", "VBP", "MD"):
        return Direction.NEAREST
    return None


def _governor(token: Token) -> Token | None:
    """The verb a non-finite verb depends on, or None at the top of the clause."""
    head = token.head
    while head.i != token.i and token.dep_ in CLIMB_DEPS:
        if head.pos_ in ("VERB", "AUX", "ADJ") or head.head.i == head.i:
            return head if head.pos_ in ("VERB", "AUX", "ADJ") else None
        token, head = head, head.head
    return None


# -- "a day after the summit" -----------------------------------------------------------------------
def _event_object(doc: Doc, m: re.Match[str]) -> Token | None:
    """The event of "a day after the summit" ("summit"), or the verb of "a day after the summit closed"."""
    span = doc.char_span(m.start("dir"), m.end("dir"), alignment_mode="expand")
    if span is None or not doc.has_annotation("DEP"):
        return None
    word = span[0]
    if word.dep_ == "mark" and word.head.i > word.i:
        return word.head
    return next((c for c in word.children if c.dep_ == "pobj"), None)


def _event_end(doc: Doc, candidate: _Candidate) -> int:
    """Where "a day after the summit" ends: at the event's head word."""
    event = _event_object(doc, candidate.match)
    return candidate.end if event is None else max(candidate.end, event.idx + len(event))


def _anchor_offsets(doc: Doc, text: str, found: list[TimeExpression]) -> list[TimeExpression]:
    """Resolve "N days after/before <event>" from a day named inside the event, else the sentence's day.

    "a day after the summit on June 12" is June 13; "pledged on Friday, a day after the summit" is that
    Friday. With no such day in the sentence it is the duration it gives ("a day", P1D), as TimeML reads it.
    """
    out = []
    for expr in found:
        m = PATTERNS["offset_event"].match(text, expr.start)
        if m is None or expr.value is not None:
            out.append(expr)
            continue
        if m["dir"].lower() not in ("after", "before"):
            out.append(_offset_duration(expr, m))
            continue
        days = [t for t in found if t is not expr and t.granularity is Granularity.DAY and t.value]
        event = _event_object(doc, m)
        lo, hi = (event.left_edge.idx, event.right_edge.idx + len(event.right_edge)) if event else (0, 0)
        inside = [t for t in days if lo <= t.start and t.end <= hi]
        sentence = _sentence_bounds(doc, expr.start)
        around = [t for t in days if sentence[0] <= t.start < sentence[1] and t not in inside]
        value = _offset_value(m, inside, around)
        # with no day to count from, "two weeks after China sent..." is the amount of time it gives (P2W)
        out.append(replace(expr, value=value) if value is not None else _offset_duration(expr, m))
    return out


def _offset_duration(expr: TimeExpression, m: re.Match[str]) -> TimeExpression:
    """ "three days later" with no day to count from: the amount of time it gives ("three days", P3D)."""
    n = number(m["n"]) if m["n"].lower() != "the" else None
    if n is None:
        return expr
    end = m.end("unit")
    value = iso_duration(n, m["unit"])
    return TimeExpression(expr.article_id, expr.start, end, m.string[expr.start : end], value, None, TimexType.DURATION)


def _offset_value(m: re.Match[str], inside: list[TimeExpression], around: list[TimeExpression]) -> str | None:
    n, unit = number(m["n"]), m["unit"].lower().rstrip("s")
    if inside and n is not None and unit in ("day", "week"):
        step = n * (7 if unit == "week" else 1) * (1 if m["dir"].lower() == "after" else -1)
        return (date.fromisoformat(str(inside[0].value)) + timedelta(days=step)).isoformat()
    if around and not inside:
        return around[0].value
    return None


def _sentence_bounds(doc: Doc, char: int) -> tuple[int, int]:
    """The character bounds of the sentence holding ``char`` (the whole text without a parser)."""
    if not doc.has_annotation("SENT_START"):
        return 0, len(doc.text)
    span: Span | None = doc.char_span(char, char + 1, alignment_mode="expand")
    if span is None:
        return 0, len(doc.text)
    sentence = span[0].sent
    return sentence.start_char, sentence.end_char
