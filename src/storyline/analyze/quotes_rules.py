"""Attribution rules for ``quotes.py``: word lists of English news attribution, kept as data, and the
token-level rules that use them (reporting verbs, their subjects, and the named person a speaker is).

Verbs are lemmas as spaCy's lemmatizer gives them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

# Verbs that introduce what someone said: a direct quote, or a reported clause ("said that ...").
SPEECH_VERBS = frozenset(
    [
        "say",
        "tell",
        "add",
        "ask",
        "answer",
        "reply",
        "respond",
        "retort",
        "explain",
        "note",
        "warn",
        "caution",
        "insist",
        "argue",
        "claim",
        "contend",
        "maintain",
        "state",
        "declare",
        "announce",
        "proclaim",
        "write",
        "tweet",
        "post",
        "conclude",
        "rule",
        "complain",
        "lament",
        "repeat",
        "reiterate",
        "assure",
        "stress",
        "emphasize",
        "emphasise",
        "underline",
        "confirm",
        "deny",
        "acknowledge",
        "admit",
        "concede",
        "predict",
        "suggest",
        "recall",
        "recount",
        "promise",
        "vow",
        "pledge",
        "testify",
        "allege",
        "assert",
        "estimate",
        "observe",
        "remark",
        "continue",
        "joke",
        "quip",
        "shout",
        "exclaim",
        "whisper",
        "mutter",
        "counter",
        "boast",
        "inform",
        "remind",
        "report",
        "disclose",
        "reveal",
        "interject",
        "fume",
        "chime",
        "blurt",
        "email",
        "text",
        "yell",
        "scream",
        "snap",
        "gush",
        "muse",
        "wonder",
        "scoff",
        "sneer",
        "plead",
        "thunder",
        "marvel",
        "demand",
        "protest",
        "brag",
        "grumble",
        "swear",
    ]
)

# Verbs that report a position, belief or finding rather than words ("Wines believes that ...", "the IMF
# expects that ...", "a study found that ..."): a reader takes the clause they govern as that source's
# claim, so they report indirect quotes, but they never attribute a direct quote.
STANCE_VERBS = frozenset(
    [
        "believe",
        "think",
        "expect",
        "fear",
        "worry",
        "hope",
        "feel",
        "agree",
        "doubt",
        "charge",
        "accuse",
        "indicate",
        "show",
        "find",
        "signal",
        "hint",
        "imply",
        "project",
        "forecast",
        "calculate",
        "contend",
        "point",
        "urge",
        "demand",
        "recommend",
        "propose",
        "acknowledge",
        "speculate",
        "surmise",
        "guess",
        "reckon",
        "figure",
        "conclude",
        "determine",
        "decide",
        "question",
        "dispute",
        "mention",
        "brag",
        "grumble",
        "complain",
        "protest",
        "plead",
        "beg",
        "demand",
        "threaten",
        "swear",
        "guarantee",
        "notify",
        "advise",
        "caution",
        "concur",
        "hold",
    ]
)

# Speech acts whose content is an infinitive ("promised to cut taxes", "urged Congress to act", "called on
# the party to unite") or a "for" phrase ("called for a ban"): what was promised, urged or demanded.
ACT_VERBS = frozenset(
    ["promise", "pledge", "vow", "threaten", "urge", "ask", "demand", "agree", "refuse", "call", "offer", "propose",
     "warn", "tell", "plead", "beg", "challenge", "encourage", "implore", "advise", "order", "instruct", "invite"]
)  # fmt: skip

# Verbs whose object is not what was said: the person addressed ("told reporters", "urged Congress"), a
# thing given or kept ("pledged money", "maintains a program"), or a verb whose object content is unclear.
OBJECT_NOT_SAID = frozenset(
    ["tell", "ask", "inform", "remind", "warn", "assure", "urge", "notify", "advise", "caution", "accuse", "charge",
     "beg", "implore", "invite", "order", "instruct", "encourage", "challenge", "threaten", "plead", "answer",
     "email", "text", "call", "question", "find", "hold", "show", "point", "continue", "post", "rule", "decide",
     "determine", "figure", "agree", "refuse", "hope", "feel", "doubt", "guess", "reckon", "project", "pledge",
     "maintain", "vow", "promise", "observe"]
)  # fmt: skip

# Verbs that take a stand on what they name ("criticized the deal", "cited a report", "endorsed the plan"):
# their object is what the subject said of something, an attribution in PolNeAR's and PARC's sense.
STANCE_OBJECT_VERBS = frozenset(
    ["describe", "denounce", "dismiss", "criticize", "criticise", "blast", "slam", "praise", "mock", "deride",
     "decry", "condemn", "cite", "attack", "defend", "reject", "tout", "applaud", "lambaste", "endorse", "back",
     "support", "oppose", "reference", "discuss", "detail", "welcome", "hail", "blame"]
)  # fmt: skip

# Verbs that name something as something ("called the charges unsubstantiated", "branded him a liar").
NAMING_VERBS = frozenset(["call", "brand", "label", "dub", "term", "deem", "pronounce"])

# Verbs of a stated intention whose content is an infinitive ("plans to run again", "wants to build a
# wall"): PolNeAR and PARC take the intention as the subject's attributed position, as they do a promise.
INTENT_VERBS = frozenset(["want", "plan", "intend", "seek", "aim"])

# Passive infinitives of a source's request for anonymity ("asked not to be named"), never a reported request.
ANONYMITY_VERBS = frozenset(["name", "identify", "quote"])

# Verbs that frame quoted words without reporting a whole statement: called the plan a "win-win",
# described the exercises as "provocative", urged delegates to show "flexibility".
FRAMING_VERBS = frozenset(
    [
        "call",
        "describe",
        "brand",
        "label",
        "dub",
        "term",
        "characterize",
        "characterise",
        "hail",
        "urge",
        "denounce",
        "dismiss",
        "criticize",
        "criticise",
        "accuse",
        "blast",
        "slam",
        "praise",
        "mock",
        "deride",
        "decry",
        "condemn",
        "rate",
        "refer",
        "cite",
        "liken",
        "compare",
        "attack",
        "defend",
        "reject",
        "question",
        "sing",
        "chant",
        "pledge",
        "quote",
        "read",
        "insist",
        "promise",
        "vow",
        "threaten",
        "ask",
        "believe",
        "think",
        "want",
        "see",
        "view",
        "regard",
        "consider",
        "treat",
        "portray",
        "paint",
        "cast",
        "frame",
        "tout",
        "applaud",
        "lambaste",
        "chastise",
        "scold",
        "warn",
        "predict",
    ]
)

# Any verb that may govern a partial quote.
PARTIAL_VERBS = (SPEECH_VERBS - {"ask", "inform", "remind", "continue"}) | FRAMING_VERBS

# Dependency labels of a reporting verb that is itself part of a noun phrase or a relative clause
# ("what it said was a test", "a missile that analysts said could reach"): no reported clause follows.
EMBEDDED_CUE_DEPS = frozenset({"relcl", "acl", "csubj", "pcomp", "amod"})

# Dependency labels of an aside a reporter appends to a reported clause after a comma (", a concession
# to North Korea", ", setting up a legal fight"): not part of what was said.
ASIDE_DEPS = frozenset({"appos", "parataxis", "advcl", "npadvmod"})

# Pronoun subjects of an inner reporting verb that make it the speaker's own report ("He said he had
# told Putin that ..."): the inner clause is the quote. Other inner subjects leave the outer clause.
SELF_PRONOUNS = frozenset({"he", "she", "they", "we", "i"})

# Dashes that end a dateline ("SUVA, Fiji — ...").
DATELINE_DASHES = frozenset({"—", "–", "--"})

# Dashes that sign a quote with its speaker's name ('"..." ― Carla Sanchez').
SIGNATURE_DASHES = frozenset({"―", "—", "–", "--", "-"})

# Two-word cue: "..., according to the ministry."
ACCORDING_TO = ("according", "to")

# Pronoun subjects resolved to a named person, with the grammatical gender they require.
PERSON_PRONOUNS = {"he": "m", "she": "f"}

# Subjects that name no speaker at all ("That is what he said", "This shows ..."): no speaker is given.
NOT_SPEAKERS = frozenset({"that", "this", "which", "what", "there", "him", "her", "them", "me", "us"})

# Speaker confidence by how the speaker was found, checked per band against PolNeAR (bench/quotes.py): a
# named subject of the cue, a role noun ("the mayor") resolved to the one person with that title, the writer
# of the article for "I", a pronoun resolved to its antecedent, a floating quote continuing the speaker of
# the quote before it (at most this, and at most that quote's own), a description the text names no one by
# ("a senior official"), a pronoun left unresolved. ``no cue`` is taken off where no reporting verb ties the
# speaker to the words (a dash signature, "Name: ..." lines).
CONFIDENCE = {
    "named": 0.9,
    "title": 0.75,
    "organization": 0.55,
    "author": 0.7,
    "pronoun": 0.6,
    "salient": 0.5,
    "floating": 0.5,
    "description": 0.4,
    "unresolved pronoun": 0.25,
    "no cue": 0.1,
}

# A speaker phrase longer than this (in tokens) is a parse running wild: only the name's head is kept.
MAX_SPEAKER_TOKENS = 16

# Honorifics that fix a person's grammatical gender when the text uses them.
HONORIFICS = {"mr": "m", "mr.": "m", "sir": "m", "mrs": "f", "mrs.": "f", "ms": "f", "ms.": "f", "miss": "f"}

# Abbreviated titles before a name ("Dr. John S. March") that the tagger leaves out of the name.
TITLE_ABBREVIATIONS = frozenset(
    {"dr", "mr", "mrs", "ms", "prof", "rep", "sen", "gov", "gen", "col", "capt", "lt", "sgt"}
)  # fmt: skip

# Nouns of an organization that speaks by its name in the phrase ("the Interfax news agency", "the Xinhua
# news agency"); person nouns ("a Disney spokesman") are not the organization.
ORGANIZATION_NOUNS = frozenset(
    ["agency", "newspaper", "paper", "daily", "team", "club", "league", "administration", "government",
     "weekly", "magazine", "journal", "broadcaster", "network", "channel",
     "station", "company", "firm", "ministry", "department", "council", "committee", "group", "organization",
     "organisation", "institute", "bank", "union", "party", "court", "board", "office", "service", "website"]
)  # fmt: skip

# Plural nouns of unnamed groups of speakers, lowered where they open a sentence ("Prosecutors said") so one
# group is not two by case; other capitalized words there may be names ("Wines believes").
GROUP_NOUNS = frozenset(
    ["officials", "prosecutors", "police", "investigators", "analysts", "experts", "critics", "witnesses",
     "residents", "authorities", "officers", "lawyers", "attorneys", "sources", "scientists", "researchers",
     "doctors", "activists", "protesters", "supporters", "opponents", "diplomats", "economists", "aides",
     "advisers", "lawmakers", "legislators", "leaders", "officers", "rescuers", "relatives", "neighbors",
     "neighbours", "survivors", "officers", "observers", "reports", "sailors", "troops", "soldiers", "workers"]
)  # fmt: skip

# Nouns of a document or finding whose author a "by"/"from" phrase names ("a study by the Institute for
# Statecraft", "new data from Nielsen"): the author is the source.
REPORT_NOUNS = frozenset(
    ["study", "analysis", "report", "survey", "poll", "tally", "data", "review", "audit", "investigation",
     "estimate", "statement", "letter", "memo", "filing", "count", "database", "assessment", "paper"]
)  # fmt: skip

# Entity labels a speaker span may point at. NORP ("Republicans", "Israelis") is left out: it names a
# group of people, not a speaker who can be held to the words.
SPEAKER_LABELS = frozenset({"PERSON", "ORG", "GPE"})

# Dependency labels of a speaker phrase's parts that are not part of the name: "the diplomat [who
# followed the talks]", "an official, [speaking on condition of anonymity]".
SPEAKER_DROP_DEPS = frozenset({"relcl", "acl", "advcl", "punct", "cc", "conj", "parataxis"})

# Quote marks. Straight double quotes open or close by context; curly ones say which they are, but
# texts mix them, so a curly mark is also read by context when it sits on the wrong side of a word.
OPENING_MARKS = frozenset("“„«")
CLOSING_MARKS = frozenset("”»")
STRAIGHT_MARK = '"'
QUOTE_MARKS = OPENING_MARKS | CLOSING_MARKS | {STRAIGHT_MARK}

# Two-character marks of wire and archive text (``...'' and ''...''), read as the single mark they stand for.
PAIRED_MARKS = {"``": "“", "''": STRAIGHT_MARK}

# Characters after which a straight mark opens a quote: start of text, space, bracket, dash, slash.
OPENING_CONTEXT = frozenset(" \t\n([{—–-/")

# Sentence-final punctuation tokens.
SENTENCE_END = frozenset({".", "?", "!"})

# A reporting clause before a direct quote ends in one of these: 'Trump said: "...', 'Biden said, "and'.
INTRODUCERS = frozenset({":", ","})

# Verbs whose passive subject is a victim ("was shot"), and verbs whose subject is dead ("died").
HARM_VERBS = frozenset(
    ["kill", "shoot", "stab", "murder", "slay", "strangle", "beat", "wound", "injure", "attack", "assault", "rape",
     "hit", "abduct", "kidnap", "torture", "execute", "hang", "behead", "poison", "run"]
)  # fmt: skip
DEATH_VERBS = frozenset(["die", "drown", "perish", "succumb"])

# At most this many sentences back, a pronoun looks for its named antecedent.
PRONOUN_WINDOW_SENTENCES = 3

# With no named subject in reach, a pronoun looks this many sentences back for the person it must be.
SALIENT_WINDOW_SENTENCES = 4

SUBJECT_DEPS = ("nsubj", "nsubjpass")
CLAUSE_SUBJECT_DEPS = ("nsubj", "nsubjpass", "expl")  # a clause with one of these says something of its own
RELATIVE = frozenset({"who", "that", "which"})


@dataclass
class Names:
    """What speaker resolution needs of a document: its parse, the tokens inside quote marks, each
    token's sentence, and the gender the text has shown for a name (by its last word)."""

    doc: Doc
    quoted: set[int] = field(default_factory=set)
    sentence_of: list[int] = field(default_factory=list)
    genders: dict[str, str] = field(default_factory=dict)
    ents: tuple[Span, ...] = ()  # doc.ents, which spaCy rebuilds at every read
    speakers: list[tuple[int, Span]] = field(default_factory=list)  # (token, named person) of quotes so far
    pronouns: dict[int, tuple[Span | None, str]] = field(default_factory=dict)  # resolved "he"/"she" by token

    def __post_init__(self) -> None:
        if not self.ents:
            self.ents = tuple(self.doc.ents)


# ---- reporting verbs and their subjects -----------------------------------------------------------------


def is_cue(token: Token) -> bool:
    """A reporting verb in the active voice ("Seoul had not been told" reports no one's words)."""
    if token.pos_ != "VERB" or token.lemma_.lower() not in SPEECH_VERBS:
        return False
    return not any(c.dep_ in ("auxpass", "nsubjpass") for c in token.children)


def passive(verb: Token) -> bool:
    """True for a verb in the passive voice ("had not been told")."""
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)


def statement_saying(verb: Token) -> bool:
    """'issued a statement saying ...', 'sent a tweet claiming ...': a reporting participle on the object of
    a verb, whose subject is the speaker."""
    return verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.dep_ == "dobj" and verb.head.head.pos_ == "VERB"


def is_report(token: Token) -> bool:
    """A verb whose clausal complement is a source's reported claim: a reporting verb, or a verb of
    belief or finding ("believes that", "found that"), in the active voice."""
    if is_cue(token):
        return True
    if token.pos_ != "VERB" or token.lemma_.lower() not in STANCE_VERBS:
        return False
    return not any(c.dep_ in ("auxpass", "nsubjpass") for c in token.children)


def is_according(token: Token) -> bool:
    """'according' in "according to X"."""
    return (
        token.lower_ == ACCORDING_TO[0] and token.nbor(1).lower_ == ACCORDING_TO[1]
        if (token.i + 1 < len(token.doc))
        else False
    )


def last_cue(tokens: list[Token]) -> Token | None:
    return next((t for t in reversed(tokens) if is_cue(t)), None)


def subject(cue: Token) -> Token | None:
    """The speaker's head word for a reporting verb: its subject, or that of the verb it hangs on
    ("Trump called ... and said", "blocked the deal, saying"), or the object of "according to"."""
    if is_according(cue):
        to = cue.nbor(1)
        return next((c for c in to.children if c.dep_ == "pobj"), None)
    node = cue
    for _ in range(3):
        subject = next((c for c in node.children if c.dep_ in SUBJECT_DEPS), None)
        if subject is not None:
            if subject.lower_ in RELATIVE and node.dep_ == "relcl":
                return node.head
            return after_dateline(subject, node)
        if node.dep_ == "pcomp" and node.head.dep_ == "prep" and node.head.head != node.head:
            node = node.head  # "responded by saying ...": the subject of the verb "by" hangs on
        elif statement_saying(node):
            node = node.head  # "issued a statement saying ...": the subject of "issued"
        elif node.dep_ not in ("conj", "advcl", "xcomp") or node.head == node:
            return None
        node = node.head
    return None


def phrase(subject: Token) -> str:
    """The speaker as the text gives it: the subject's phrase without clauses hanging on it."""
    dropped: set[int] = set()
    for child in subject.children:
        if child.dep_ in SPEAKER_DROP_DEPS:
            dropped.update(t.i for t in child.subtree)
    words = [t for t in subject.subtree if t.i not in dropped]
    words = [t for t in words if words[0].i <= t.i <= words[-1].i]
    if len(words) > MAX_SPEAKER_TOKENS or any("\n" in t.text for t in words):
        words = [*[t for t in subject.lefts if t.dep_ in ("compound", "amod", "det", "poss")][-3:], subject]
    while len(words) > 1 and (words[-1].is_punct or words[-1].is_space):
        words.pop()
    return subject.doc[words[0].i : words[-1].i + 1].text if words else subject.text


def named_mention(names: Names, subject: Token) -> Span | None:
    """The named mention a subject is: its entity, an appositive name ("Fiji's prime minister,
    Sitiveni Rabuka"), or, for a proper noun the tagger missed or mislabelled, the one person in the
    article whose name contains it ("Ri" -> "Ri Yong Ho")."""
    entity = entity_at(subject, names.ents)
    if subject.pos_ == "PROPN" and (entity is None or entity.label_ != "PERSON"):
        words = [t.text for t in subject.doc[subject.left_edge.i : subject.i + 1] if t.pos_ == "PROPN"]
        person = only_person(names, words, contains=True)
        if person is not None:
            return person
    if entity is not None:
        return entity if entity.label_ in SPEAKER_LABELS else None
    labels = SPEAKER_LABELS if subject.pos_ == "NOUN" else {"PERSON"}  # "the newspaper France Soir"
    for child in subject.children:
        if child.dep_ == "appos" and (appos := entity_at(child, names.ents)) is not None and appos.label_ in labels:
            return appos
    return untyped_person(subject) or described(names, subject)


def described(names: Names, subject: Token) -> Span | None:
    """The name a description gives its speaker in the same phrase: after a comma ("the study's lead
    author, Dr. John S. March", "a spokeswoman for Trump hotels, Jennifer Rodstrom"), or as the name of an
    organization noun ("the Interfax news agency")."""
    if subject.pos_ != "NOUN" or subject.tag_ in ("NNS", "NNPS"):
        return None
    doc = subject.doc
    after = subject.right_edge.i + 1
    if after + 1 < len(doc) and doc[after].text == ",":
        first = after + 1 + (doc[after + 1].lower_.rstrip(".") in TITLE_ABBREVIATIONS)
        named = entity_at(doc[first], names.ents) if first < len(doc) else None
        if named is not None and named.label_ == "PERSON" and named.start == first:
            root = named.root
            if root.head == subject or (root.head == subject.head and root.dep_ == subject.dep_):
                return named  # not "According to the agency, Sergeyev arrived ...": a clause's own subject
    for token in subject.subtree:  # "a spokeswoman for Trump hotels, Jennifer Rodstrom"
        if token.dep_ == "appos" and token.i > subject.i and doc[token.left_edge.i - 1].text == ",":
            named = entity_at(token, names.ents)
            if named is not None and named.label_ == "PERSON" and named.end - 1 == token.i:
                return named
    if subject.lemma_.lower() in REPORT_NOUNS:  # "a study by the Institute for Statecraft"
        for prep in subject.rights:
            source = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if prep.lower_ in ("by", "from") and source is not None:
                named = entity_at(source, names.ents)
                if named is not None and named.label_ in ("ORG", "PERSON") and named.end - 1 == source.i:
                    return named
    if subject.lemma_.lower() in ORGANIZATION_NOUNS:
        for child in subject.lefts:
            named = entity_at(child, names.ents) if child.dep_ == "compound" else None
            if named is not None and named.label_ == "ORG" and named.end <= subject.i:
                return named
    return None


def untyped_person(subject: Token) -> Span | None:
    """A name the tagger left untyped that the text shows is a person's: part of it typed PERSON ("Choe Son"
    of "Choe Son Hui"), or a relative "who" on it ("Issachar, who had been held since April")."""
    if subject.pos_ != "PROPN" or subject.ent_type_:
        return None
    lefts = [t for t in subject.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"]
    typed = [t for t in lefts if t.ent_type_ == "PERSON"]
    who = any(c.dep_ == "relcl" and any(g.lower_ == "who" for g in c.children) for c in subject.children)
    if not typed and not (who and not lefts):
        return None
    start = typed[0].i if typed else subject.i
    if any(not t.text[:1].isupper() for t in subject.doc[start : subject.i + 1]):
        return None
    return Span(subject.doc, start, subject.i + 1, label="PERSON")


def only_person(names: Names, words: list[str], *, contains: bool) -> Span | None:
    """The first PERSON mention whose name holds ``words`` (contiguously, or as its ending when not
    ``contains``), provided the article names only one such person; None when none or ambiguous."""
    if not words:
        return None
    found: dict[str, Span] = {}
    n = len(words)
    for entity in names.ents:
        parts = [t.text for t in entity if not t.is_punct and t.tag_ != "POS"]
        if entity.label_ != "PERSON" or not all(t.pos_ == "PROPN" or t.is_punct or t.tag_ == "POS" for t in entity):
            continue
        windows = range(len(parts) - n + 1) if contains else [len(parts) - n]
        if any(i >= 0 and parts[i : i + n] == words for i in windows):
            found.setdefault(" ".join(parts), entity)
    return one_person(found)


def one_person(found: dict[str, Span]) -> Span | None:
    """The mention of the one person named by ``found`` (name -> first mention): a single name, or forms of
    one name ("Hall", "James Hall"; "Donald Trump", "Donald J. Trump": the same last word, every word of each
    in the longest); None when empty or when two people are named."""
    if not found:
        return None
    longest = max(found, key=lambda n: (len(n.split()), len(n)))
    words = set(longest.split())
    if any(set(n.split()) - words or n.split()[-1] != longest.split()[-1] for n in found):
        return None
    return found[longest]


def entity_at(token: Token, ents: tuple[Span, ...] | None = None) -> Span | None:
    if not token.ent_type_:
        return None
    return next((e for e in (token.doc.ents if ents is None else ents) if e.start <= token.i < e.end), None)


def fullest(names: Names, mention: Span) -> Span:
    """The longest form of a person's name in the article ("Putin" -> "Vladimir Putin"), if unambiguous."""
    if mention.label_ != "PERSON":
        return mention
    words = [t.text for t in mention if not t.is_punct]
    candidates = [e for e in names.ents if e.label_ == "PERSON" and len(e) > len(mention)]
    fuller = [e for e in candidates if [t.text for t in e if not t.is_punct][-len(words) :] == words]
    fuller = [e for e in fuller if all(t.pos_ == "PROPN" or t.is_punct for t in e)]
    forms = {e.text for e in fuller}
    if not fuller or any(not any(f.endswith(o) for f in forms) for o in forms):
        return mention
    return max(fuller, key=lambda e: (len(e), -e.start))


def antecedent(names: Names, pronoun: Token) -> Span | None:
    """The named person "he"/"she" refers to (``resolve_pronoun`` without saying how)."""
    return resolve_pronoun(names, pronoun)[0]


def resolve_pronoun(names: Names, pronoun: Token) -> tuple[Span | None, str]:
    """The named person "he"/"she" refers to, and how it was found: the subject of the reporting verb whose
    clause the pronoun opens ("Trump said he ..."), else the most recent subject within a few sentences,
    outside quotes and reported clauses, that names a person of that gender ("pronoun"). A reporting verb's
    subject that is not a named person ("the official said"), a victim, or a name the pronoun's own verb
    takes stops the search: the pronoun may be someone else. With no subject in reach and nothing in the
    way, the one person of that gender the last sentences name, or the last named speaker ("salient")."""
    if pronoun.i not in names.pronouns:
        names.pronouns[pronoun.i] = (None, "")  # a chain that comes back here finds no one
        names.pronouns[pronoun.i] = _resolve_pronoun(names, pronoun)
    return names.pronouns[pronoun.i]


def _resolve_pronoun(names: Names, pronoun: Token) -> tuple[Span | None, str]:
    gender = PERSON_PRONOUNS[pronoun.lower_]
    own = own_report(names, pronoun, gender)
    if own is not None:
        return own, "pronoun"
    floor = names.sentence_of[pronoun.i] - PRONOUN_WINDOW_SENTENCES
    others = {t.text for c in pronoun.head.rights for t in c.subtree if t.pos_ == "PROPN"}  # "he warned Biden"
    spoken_of = {
        t.text for c in pronoun.head.children if c.dep_ in ("ccomp", "xcomp") for t in c.subtree if t.pos_ == "PROPN"
    }  # "She said the campaign had a shot with voters who dislike Mrs. Clinton": she may still be anyone else
    for i in range(pronoun.i - 1, -1, -1):
        token = names.doc[i]
        if names.sentence_of[i] < floor:
            break
        if token.dep_ not in SUBJECT_DEPS or token.tag_ == "NNPS" or reported(names, token):
            continue  # "Africans are suffering, he said": a people is not the one person
        if token.head.dep_ in ("relcl", "acl") and token.lower_ not in RELATIVE:
            continue  # "Babcock, who was one of two people Faulder asked to witness it. ... she said"
        if token.pos_ == "PRON":
            if token.lower_ == pronoun.lower_ and token.dep_ == "nsubj":
                # "He declined. '...,' he said.": the same pronoun as the subject before is the same person
                chained, how = resolve_pronoun(names, token)
                if chained is not None and others & {t.text for t in chained}:
                    return None, ""  # "He said ... It said he warned Biden": not Biden
                if chained is not None:
                    return chained, how
            continue
        if victim(token):
            return None, ""  # "Scott was shot by an officer. He told detectives ...": not the victim
        named = named_mention(names, token)
        if named is not None and named.label_ != "PERSON" and has_role(token):
            named = relabel(named)
        if named is None or named.label_ != "PERSON":
            if is_cue(token.head) or (named is None and token.pos_ == "PROPN" and not token.ent_type_):
                return None, ""  # an unnamed speaker, or a name not typed that may be the person ("Pippig")
            continue
        if not compatible(names, named, gender):
            continue
        if any(c.dep_ == "conj" and c.ent_type_ == "PERSON" for c in token.children):
            return None, ""  # "Brandt and Ortiz met": he could be either
        if others & {t.text for t in named}:
            if spoken_of & {t.text for t in named}:
                continue
            return None, ""  # "he warned Biden": he is not Biden, and the next candidate is a guess
        names.genders[gender_key(named)] = gender
        return named, "pronoun"
    found = salient(names, pronoun, gender, others)
    return found, "salient" if found is not None else ""


def compatible(names: Names, named: Span, gender: str) -> bool:
    """False when the text has shown the person to be of the other gender."""
    known = names.genders.get(gender_key(named)) or honorific(named)
    return known is None or known == gender


def salient(names: Names, pronoun: Token, gender: str, others: set[str]) -> Span | None:
    """A reader's guess that is no guess: the only person of the pronoun's gender (or of none shown) that
    the last few sentences name outside quotes, or, when they name several, the speaker of the last quote
    if that speaker is one of them and was quoted within those sentences. None otherwise, and never a name
    the pronoun's own verb takes ("he told Smith")."""
    here = names.sentence_of[pronoun.i]
    for token in reversed(pronoun.sent[: pronoun.i - pronoun.sent.start]):
        # "In a phone call from Clinton, he allegedly told her ...": the source a fronted phrase names
        if token.dep_ == "pobj" and token.head.lower_ in ("from", "by") and token.ent_type_ == "PERSON":
            named = entity_at(token, names.ents)
            if named is not None and token.i not in names.quoted and compatible(names, named, gender):
                return fullest(names, named)
    floor = here - SALIENT_WINDOW_SENTENCES
    people: dict[str, Span] = {}
    window = [e for e in names.ents if e.start < pronoun.i and names.sentence_of[e.start] >= floor]
    typed = {i for e in window for i in range(e.start, e.end)}
    start = next((i for i in range(pronoun.i - 1, -1, -1) if names.sentence_of[i] < floor), -1) + 1
    persons = {i for e in window if e.label_ == "PERSON" for i in range(e.start, e.end)}
    if any(
        t.pos_ == "PROPN"
        and t.i not in names.quoted
        and t.text[:1].isupper()
        and (t.i not in typed or (t.dep_ in SUBJECT_DEPS and t.i not in persons))
        for t in names.doc[start : pronoun.i]
    ):
        return None  # a name not typed a person may be one ("Pippig will be on TV. ... she said")
    for entity in window:
        if entity.label_ != "PERSON" or entity.start in names.quoted or not compatible(names, entity, gender):
            continue
        if others & {t.text for t in entity} or not all(t.pos_ == "PROPN" or t.is_punct for t in entity):
            continue
        if entity.root.tag_ == "NNPS":
            continue  # "Africans" is no one person
        people[" ".join(t.text for t in entity if not t.is_punct and t.tag_ != "POS")] = entity
    keys = {gender_key(e) for e in people.values()}
    if len(keys) == 1 and (person := one_person(people)) is not None:
        return fullest(names, person)
    if not names.speakers:
        return None  # several: the last speaker, quoted in the last two sentences and shown of that gender
    at, last = names.speakers[-1]
    if names.sentence_of[at] < here - 2 or gender_key(last) not in keys:
        return None
    if names.genders.get(gender_key(last)) != gender:
        return None
    return last


def own_report(names: Names, pronoun: Token, gender: str) -> Span | None:
    """'Trump said he had told Putin ...': the subject of a reporting verb whose reported clause has the
    pronoun as its subject is the pronoun's person, when that subject is a name (a person, or a name the
    tagger did not type or typed as an organization) the text has not shown to be of the other gender."""
    clause = pronoun.head
    if pronoun.dep_ != "nsubj" or clause.dep_ != "ccomp" or not is_cue(clause.head):
        return None
    speaker = subject(clause.head)
    if speaker is None or speaker.i > pronoun.i:
        return None
    if speaker.pos_ != "PROPN" and not (speaker.ent_type_ and speaker.text[:1].isupper()):
        return None  # "Trump", tagged a noun where it opens the sentence, is still a name
    named = named_mention(names, speaker)
    if named is None or named.label_ == "ORG":
        words = [t for t in speaker.lefts if t.dep_ == "compound" and t.text[:1].isupper()] + [speaker]
        named = Span(speaker.doc, words[0].i, speaker.i + 1, label="PERSON")
    if named.label_ != "PERSON":
        return None
    known = names.genders.get(gender_key(named)) or honorific(named)
    if known is not None and known != gender:
        return None
    names.genders[gender_key(named)] = gender
    return named


def learn_genders(names: Names, pronouns: list[Token] | None = None) -> None:
    """The gender the whole article shows for each named person, before any pronoun is resolved: an
    honorific before one of its mentions ("Ms. Lewinsky", weighed double), and a pronoun opening the clause
    the person reports ("Lewinsky testified that she ..."). A name with evidence both ways keeps the
    gender with at least three times the other's weight, or none. ``pronouns``: the tokens "he"/"she" of
    the document, if the caller has found them already."""
    votes: dict[str, dict[str, int]] = {}
    for entity in names.ents:
        if entity.label_ == "PERSON" and (known := honorific(entity)) is not None:
            tally = votes.setdefault(gender_key(entity), {})
            tally[known] = tally.get(known, 0) + 2
    for token in names.doc if pronouns is None else pronouns:
        gender = PERSON_PRONOUNS.get(token.lower_)
        if gender is None or token.dep_ != "nsubj" or token.head.dep_ != "ccomp" or token.i in names.quoted:
            continue
        cue = token.head.head
        speaker = subject(cue) if is_cue(cue) else None
        named = entity_at(speaker, names.ents) if speaker is not None and speaker.i < token.i else None
        if named is not None and named.label_ == "PERSON" and speaker is not None and speaker.pos_ == "PROPN":
            tally = votes.setdefault(gender_key(named), {})
            tally[gender] = tally.get(gender, 0) + 1
    for key, tally in votes.items():
        ranked = sorted(tally.items(), key=lambda kv: -kv[1])
        if len(ranked) == 1 or ranked[0][1] >= 3 * ranked[1][1]:
            names.genders.setdefault(key, ranked[0][0])


def named_organization(names: Names, subject: Token) -> Span | None:
    """The organization a definite description stands for ("the company said", "the newspaper wrote"): the
    most recent organization the last few sentences give as a subject, outside quotes, when the noun is
    one an organization is called by. A description with a name of its own elsewhere is not resolved."""
    if subject.pos_ != "NOUN" or subject.tag_ in ("NNS", "NNPS") or subject.lemma_.lower() not in ORGANIZATION_NOUNS:
        return None
    if not any(c.dep_ == "det" and c.lower_ == "the" for c in subject.children):
        return None
    if subject.lemma_.lower() in ("service", "office") or any(c.dep_ in ("compound", "amod") for c in subject.children):
        return None  # "the press service", "the U.N. weather agency": a part or a kind the subject before may not be
    floor = names.sentence_of[subject.i] - SALIENT_WINDOW_SENTENCES
    for i in range(subject.i - 1, -1, -1):
        token = names.doc[i]
        if names.sentence_of[i] < floor:
            return None
        if token.dep_ not in SUBJECT_DEPS or token.i in names.quoted:
            continue
        named = entity_at(token, names.ents)
        if named is not None and named.label_ == "ORG" and named.end - 1 == token.i:
            return named
    return None


def organization_pronoun(names: Names, pronoun: Token) -> Span | None:
    """The organization "it" stands for as a speaker ("The ministry of Xinhua ... It said ..."): the nearest
    subject before it in this or the previous sentence, outside quotes and reported clauses, when that
    subject is an organization's name; any other singular thing as that subject may be "it" instead."""
    if pronoun.lower_ != "it" or pronoun.dep_ != "nsubj":
        return None
    floor = names.sentence_of[pronoun.i] - 1
    for i in range(pronoun.i - 1, -1, -1):
        token = names.doc[i]
        if names.sentence_of[i] < floor:
            return None
        if token.dep_ not in SUBJECT_DEPS or reported(names, token):
            continue
        named = entity_at(token, names.ents)
        if named is not None and named.label_ == "ORG" and named.end - 1 == token.i:
            return named
        if token.tag_ not in ("NNS", "NNPS") and token.lower_ not in ("he", "she", "they", "we", "i", "you"):
            return None
    return None


def titled_person(names: Names, subject: Token) -> Span | None:
    """The named person a role noun stands for ("the mayor" -> "Mayor Ana Ruiz", "Ana Ruiz, the city's
    mayor", "the mayor, Ana Ruiz"): the one person the article gives that role, searched from the start of
    the article up to the speaker; None when no one or several people hold it."""
    definite = [c for c in subject.children if c.dep_ == "poss" or (c.dep_ == "det" and c.lower_ in ("the", "this"))]
    if (
        subject.pos_ != "NOUN"
        or not definite
        or any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in subject.children)
    ):
        return None  # "a senior official" is someone the article does not name
    if subject.tag_ in ("NNS", "NNPS"):
        return None  # "Clinton's lawyers" are not the one lawyer the article names
    role = subject.lemma_.lower()
    owner = {t.lower_ for c in subject.children if c.dep_ == "poss" for t in c.subtree if t.pos_ == "PROPN"}
    modifiers = {c.lemma_.lower() for c in subject.children if c.dep_ in ("amod", "compound") and c.pos_ != "DET"}
    doc = names.doc
    found: dict[str, tuple[Span, list[str]]] = {}
    for entity in names.ents:
        if entity.label_ != "PERSON" or entity.start >= subject.i or entity.start <= subject.i < entity.end:
            continue
        words = [t for t in entity if t.pos_ == "PROPN"]
        if not words:
            continue
        title = _title_words(doc, entity)
        if role in title and owner <= set(title):  # "Clinton's lawyer" needs a title naming Clinton
            found.setdefault(gender_key(entity), (entity, title))
    if len(found) > 1 and modifiers:  # "the Democratic nominee" among two nominees
        found = {k: v for k, v in found.items() if modifiers <= set(v[1])}
    return next(iter(found.values()))[0] if len(found) == 1 else None


def _run(tokens: list[Token], *, of: bool = False) -> list[str]:
    """Lemmas of a role phrase: tokens up to the first preposition, verb, clause word or punctuation; with
    ``of`` (a title read backwards from a name), an "of" between capitalized words is part of it."""
    out = []
    for k, token in enumerate(tokens):
        inner = of and token.lower_ == "of" and k + 1 < len(tokens) and tokens[k + 1].text[:1].isupper()
        if inner:
            continue
        if token.pos_ in ("ADP", "VERB", "AUX", "PRON", "SCONJ", "CCONJ") or (token.is_punct and token.tag_ != "POS"):
            break
        out.append(token.lemma_.lower())
    return out


def _title_words(doc: Doc, entity: Span) -> list[str]:
    """The words of the title or role the text gives a named person: before the name ("Mayor Karen
    Bass", "the city's mayor, Karen Bass") or in apposition after it ("Karen Bass, the city's mayor")."""
    words = [t.lower_ for t in entity[:-1]]
    before = doc[max(0, entity.start - 5) : entity.start]
    if len(before) and before[-1].text == ",":
        before = before[:-1]
    words += _run(list(reversed(before)), of=True)
    after = doc[entity.end : min(len(doc), entity.end + 7)]
    if len(after) and after[0].text == ",":
        words += _run(list(after[1:]))
    return words


def victim(subject: Token) -> bool:
    """True for the subject of a report of harm ("Scott was shot", "Scott died"): a pronoun right after it
    is as likely to be whoever did it or tells of it, so a careful reader does not take it for the victim."""
    verb = subject.head
    lemma = verb.lemma_.lower()
    if subject.dep_ == "nsubjpass":
        return lemma in HARM_VERBS
    return lemma in DEATH_VERBS


def has_role(token: Token) -> bool:
    """A name with a role in apposition ("Lavrov, Russia's foreign minister") names a person."""
    return token.pos_ == "PROPN" and any(c.dep_ == "appos" and c.pos_ == "NOUN" for c in token.children)


def relabel(entity: Span) -> Span:
    return Span(entity.doc, entity.start, entity.end, label="PERSON")


def reported(names: Names, token: Token) -> bool:
    """True for words inside quote marks or inside a clause that a reporting verb reports."""
    if token.i in names.quoted:
        return True
    node = token
    while node.head != node:
        if node.dep_ == "ccomp" and is_cue(node.head):
            return True
        node = node.head
    return False


def gender_key(entity: Span) -> str:
    return entity[-1].text.lower()


def honorific(entity: Span) -> str | None:
    before = entity.doc[entity.start - 1].lower_ if entity.start > 0 else ""
    return HONORIFICS.get(before)


def after_dateline(subject: Token, verb: Token) -> Token | None:
    """The parser often takes a dateline ("SUVA, Fiji —") for the subject: then the subject is the last
    noun between the dateline's dash and the first verb or preposition after it."""
    opening = subject.doc[: min(len(subject.doc), 15)]
    dash = next((t.i for t in opening if t.text in DATELINE_DASHES), None)
    if dash is None or subject.i > dash or verb.i < dash:
        return subject
    nouns = []
    for token in subject.doc[dash + 1 : verb.i]:
        if token.pos_ in ("VERB", "AUX", "ADP", "SCONJ") or token.is_punct:
            break
        if token.pos_ in ("NOUN", "PROPN"):
            nouns.append(token)
    return nouns[-1] if nouns else None
