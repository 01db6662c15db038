"""Who did what to whom: action records from the spaCy parse analysis already has.

A light pass over the dependency parse, no second parse. For each clause whose verb (or an event
noun, "a summit with Kim") is in the verb lexicon (``actions.toml``, lemma (+ particle / preposition) ->
PLOVER type), the record gives:

- the **source** (the verb's subject, the agent of a passive, the first of a joint subject "Biden and Xi
  met") and the **target** (the object, the object of the lexicon's preposition, the other of a joint
  subject, or the actor owning a non-actor object: "blocked *Microsoft's* takeover"); an actor is a
  named mention (with its in-article full name), a capital standing for its country ("Moscow" ->
  Russia), a described group ("protesters", "Israeli officials" -> Israel, government), a pronoun
  resolved to the latest person named before it, or "the two leaders" resolved to the article's two
  most named people;
- negation and modality (did / will / may), from the verb's auxiliaries and the verbs governing it;
- the quoted or reported status, from the quotes analysis: inside a quote the claim is its speaker's;
- the date (a time expression in the clause, else in the sentence, else the article's date) and place;
- each actor's country and role from its titles where the text gives them ("Israeli Prime Minister").

Beyond the lexicon's verbs: a promise to give or do something to an actor is an AGREE with it ("agreed to
provide guarantees to Pyongyang"); a hostile label is an ACCUSE ("regarded Xi as a dictator"); a negated
acceptance is a REJECT ("would never accept"); "each other" pairs a joint subject; a vague group stands for
the examples it names ("providers such as Nvidia"); a meeting nominal takes its clause's subject ("left
after meetings with Vietnamese leaders"). Clauses governed by a request ("urged Washington *to stop* arming
Taiwan"), a refusal ("refused to criticize": negated) or a condition are not reported as done. Odd input
(no verbs, very long sentences, lists and tables) gives no records.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from storyline.analyze.actors import SUBJECTS, ArticleActors, compound_text, dateline
from storyline.analyze.lexicon import Lexicon
from storyline.model import Action, Actor, Mention, Quote, TimeExpression, Title

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

MAX_SENTENCE_TOKENS = 120  # longer "sentences" are lists, tables or run-ons: no records
MIN_ALPHA_SHARE = 0.6  # a sentence of mostly numbers and symbols is a table row: no records
_LOOSE_PARTICLES = {"out", "off", "down", "back", "aside", "up", "away"}
_FUTURE_AUX = {"will", "would", "shall", "'ll", "going"}
_POSSIBLE_AUX = {"may", "might", "could", "can", "should", "must"}
_FUTURE_HEADS = {"expect", "schedule", "due", "plan", "agree", "pledge", "promise", "set", "prepare", "vow", "decide"}
_POSSIBLE_HEADS = {"want", "hope", "wish", "willing", "offer", "seek", "try", "ready", "open", "consider", "aim"}
_CONDITION_MARKERS = {"if", "unless", "whether"}
_TIME_PREPS = {"before", "after", "while", "by", "on", "upon", "to", "in", "since", "through"}
_NOMINAL_FRAMES = {"after", "before", "during", "following", "since", "at", "upon"}  # "left after meetings with"
_HOLD = {"hold", "have", "attend", "host", "begin", "open", "resume", "end", "conclude"}
_PROMISE = {"agree", "promise", "pledge", "vow", "commit", "undertake"}
_TRANSFER = {"provide", "give", "return", "hand", "pay", "deliver", "send", "grant", "extend", "supply", "transfer"}
_NEGATING_HEADS = {"refuse", "decline", "fail"}  # "refused to criticize the Scouts": not done
_QUESTION_WORDS = {"why", "what", "how", "whether", "if", "when", "where", "who"}
# People named by a nationality are not their government ("arrested an illegal Chinese immigrant")
_PEOPLE_NOUNS = {"immigrant", "national", "citizen", "man", "woman", "boy", "girl", "child", "journalist", "student",
                 "worker", "tourist", "businessman", "businesswoman", "resident", "refugee", "migrant", "dissident",
                 "scientist", "suspect", "teenager", "couple", "family", "passenger", "athlete", "player"}  # fmt: skip
_HOSTILE_TYPES = {"ASSAULT", "COERCE", "SANCTION", "MOBILIZE", "THREATEN", "ACCUSE", "REJECT", "PROTEST"}
_DIRECTIONAL = {"on", "over", "back"}  # "flying on to Beijing": the particle adds nothing to the lexicon key
_PRAISE_OR_BLAME = {"thank", "praise", "blame", "accuse", "criticize", "criticise", "punish", "fault", "credit"}


def action_id(article_id: str, sentence: int, verb_start: int, source: str, target: str) -> str:
    return "a" + hashlib.sha1(f"{article_id}:{sentence}:{verb_start}:{source}:{target}".encode()).hexdigest()[:12]


class _Article(ArticleActors):
    """One article's action records, over the actor look-ups of ``ArticleActors``."""

    def records(self) -> list[Action]:
        found: list[Action] = []
        for index, sent in enumerate(self.doc.sents):
            if not sent.text.strip():
                continue
            if len(sent) > MAX_SENTENCE_TOKENS or not _prose(sent):
                continue
            for token in sent:
                lemma = token.lemma_.lower()
                verbal = token.pos_ == "VERB" or (token.pos_ in ("ADJ", "NOUN") and token.dep_ == "ROOT")
                if verbal and (
                    lemma in self.lex.verb_lemmas or lemma in self.lex.labelling or lemma in self.lex.refusals
                ):
                    found.extend(self._verb(token, sent, index))
                if verbal and lemma in _PROMISE:
                    found.extend(self._promise(token, sent, index))
                nominal = token.pos_ == "NOUN" or (token.dep_ in ("pobj", "dobj") and token.tag_.startswith("VB"))
                if nominal and (lemma in self.lex.nominals or token.lower_ in self.lex.nominals):
                    found.extend(self._nominal(token, sent, index))
        unique: dict[tuple[str, ...], Action] = {}
        dated: set[tuple[str, ...]] = set()
        for action in found:
            pair = (action.source.name, action.target.name)
            if action.type in self.lex.symmetric:
                pair = tuple(sorted(pair))  # type: ignore[assignment]
            unique.setdefault((str(action.sentence), action.type, *pair, action.date or ""), action)
            if action.date_text is not None:
                dated.add((str(action.sentence), action.type, *pair))
        # a record the text gives no date for repeats a dated one of the same sentence, type and pair
        # ("is expected to travel to Beijing early next year, ... the first to visit China")
        return [a for k, a in unique.items() if a.date_text is not None or tuple(k[:-1]) not in dated]

    def _verb(self, verb: Token, sent: Span, index: int) -> list[Action]:
        lex = self.lex
        lemma = verb.lemma_.lower()
        if verb.tag_ == "VBN" and verb.dep_ == "amod":
            return []
        if self._requested(verb) or self._conditional(verb):
            return []
        particle = next((c.lower_ for c in verb.children if c.dep_ == "prt"), "")
        obj = next((c for c in verb.children if c.dep_ in ("dobj", "obj")), None)
        if obj is None:
            # "approved Microsoft's restructured takeover": the parser read the possessor as a clause's subject
            obj = next(
                (
                    subj
                    for c in verb.children
                    if c.dep_ == "ccomp"
                    for subj in c.children
                    if subj.dep_ == "nsubj"
                    and any(g.dep_ == "case" and g.lower_ in ("'s", "’s") for g in subj.children)
                ),
                None,
            )
        obj_lemma = obj.lemma_.lower() if obj is not None else ""
        preps = [c for c in verb.children if c.dep_ in ("prep", "dative", "agent") and c.lower_ != "by"]
        if not particle:
            # "pulled out of the deal", "shot down a drone": a particle the parser took for a preposition
            loose = next(
                (c for c in verb.children if c.lower_ in _LOOSE_PARTICLES and c.dep_ in ("prep", "advmod")), None
            )
            if loose is not None and (
                lex.verbs.keys() & {(lemma, loose.lower_, "", p.lower_) for p in loose.children}
                or (lemma, loose.lower_, "", "") in lex.verbs
            ):
                particle = loose.lower_
                preps += [c for c in loose.children if c.dep_ == "prep"]
                obj = obj or next((c for c in loose.children if c.dep_ == "pobj"), None)
        for prep in list(preps):
            if not any(c.dep_ == "pobj" for c in prep.children):
                preps += [c for c in prep.children if c.dep_ == "prep"]  # "flying on to Beijing"
        if obj is not None:
            preps += [c for c in obj.children if c.dep_ == "prep"]
        type_, target_token, key_obj, target_prep = None, None, "", None
        for part in (particle, "") if particle in _DIRECTIONAL else (particle,):
            for prep in preps:
                for o in ("", obj_lemma):
                    t = lex.verbs.get((lemma, part, o, prep.lower_))
                    pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
                    if t and pobj is not None:
                        type_, target_token, key_obj, target_prep = t, pobj, o, prep
                        break
                if type_:
                    break
            if type_ is None:
                t = lex.verbs.get((lemma, part, obj_lemma, "")) if obj_lemma else None
                if t:
                    type_, key_obj = t, obj_lemma
                else:
                    type_ = lex.verbs.get((lemma, part, "", ""))
                    target_token = obj
            if type_ is not None:
                particle = part
                break
        refusal = False
        if type_ is None and obj is not None and lemma in lex.labelling and self._hostile_label(verb, obj):
            type_, target_token = "ACCUSE", obj  # "regarded Xi as a dictator"
        if type_ is None and obj is not None and lemma in lex.refusals and any(c.dep_ == "neg" for c in verb.children):
            type_, target_token, refusal = "REJECT", obj, True  # "would never accept the island's independence"
        if type_ == "REQUEST" and any(
            c.dep_ == "ccomp" and any(g.lower_ in _QUESTION_WORDS and g.i < c.i for g in c.subtree)
            for c in verb.children
        ):
            return []  # "asked Roesler why she never checked": a question, not a request
        opinion = lemma == "agree" and any(c.dep_ == "ccomp" for c in verb.children)
        if opinion and any(p.lower_ == "with" for p in preps):
            return []  # "agreed with Linder that a debate made him squeamish": an opinion, not an agreement
        sources, passive_target = self._sources(verb)
        if _reciprocal_object(verb, obj, preps) and _joint(sources):
            # "Xi and Biden sat across a table from each other": together, with the type of "lemma ... with"
            type_ = lex.verbs.get((lemma, particle, "", "with")) or type_
            target_token = None
        alone = lemma in ("work", "cooperate") and not any(c.lower_ == "together" for c in verb.children)
        if type_ is None and lemma in lex.reciprocal and _joint(sources) and not alone:  # not "where they worked"
            # "the two leaders discussed Syria": a joint subject meets, whatever the object
            type_, target_token = lex.verbs.get((lemma, particle, "", "with")), None
        if type_ is None:
            return []
        if type_ == "COOPERATE" and _for_talks(verb, lex):
            type_ = "CONSULT"  # "joined Pompeo for three-way talks"
        if lemma in lex.travel or (lemma == "visit" and target_token is not None):
            named = self.mention_at.get(target_token.i) if target_token is not None else None
            if named is None or (lemma in lex.travel and named.type != "GPE"):
                return []
            if named.type == "GPE" and not (named.name in lex.capitals or named.name in lex.countries):
                return []
            if lemma in lex.travel and not any(_official(s) for s in sources):
                return []  # "Gonzalez traveled to the United States to reclaim his son": no visit to a government
        targets: list[Actor] = []
        if passive_target is not None and target_token is None:
            targets = self._conjoined(passive_target)
            # "dozens of protesters were arrested"; never the owner of a thing ("Xi's account, released by")
            owner = None if targets else self._owner(passive_target, preps=("of",), possessors=False)
            targets = [owner] if owner is not None else targets
        elif target_token is not None:
            targets = self._conjoined(target_token)
            if target_prep is not None:  # "signed with Nintendo and with providers such as Nvidia"
                for more in target_prep.conjuncts:
                    targets += [a for p in more.children if p.dep_ == "pobj" for a in self._conjoined(p)]
            if (
                not targets
                and not key_obj
                and not (type_ == "CONSULT" and lemma == "meet")
                and lemma not in lex.people_only
            ):
                # "blocked Microsoft's takeover": the owner; never "met the requirements of their host countries"
                owner = self._owner(target_token)
                targets = [owner] if owner is not None else []
        direct = target_token is not None and target_token.i in self.mention_at
        if direct and lemma in lex.person_senses and all(t.entity_type == "PERSON" for t in targets):
            type_ = lex.person_senses[lemma]  # "Hormel was approved by the committee": an endorsement
        together = type_ in ("CONSULT", "AGREE") or lemma in lex.reciprocal  # not "Chevrolet and Pontiac sell to"
        if not targets and type_ in lex.symmetric and len(sources) >= 2 and together:
            sources, targets = sources[:1], sources[1:]
        if not targets and type_ in lex.symmetric and len(sources) == 1 and sources[0].kind == "pair":
            targets = [self._other_of_pair(sources[0])]
        written = verb.text if not particle else f"{verb.text} {particle}"
        if refusal:
            written = " ".join(t.text for t in sorted([verb, *(c for c in verb.children if c.dep_ == "neg")]))
        if type_ == "THREATEN" and not targets:
            targets = self._conditioned(verb)  # "warned that ... if Washington kept up its sanctions"
        return self._make(verb, written, type_, sources, targets, sent, index, refusal=refusal)

    def _hostile_label(self, verb: Token, obj: Token) -> bool:
        """ "regarded Xi as a dictator", "called him a liar": the object is given a hostile label."""
        complements = [c for c in verb.children if c.dep_ in ("oprd", "attr", "xcomp", "ccomp")]
        complements += [p for c in (*verb.children, *obj.children) if c.dep_ == "prep" and c.lower_ == "as"
                        for p in c.children if p.dep_ == "pobj"]  # fmt: skip
        return any(t.lemma_.lower() in self.lex.hostile for c in complements for t in c.subtree)

    def _conditioned(self, verb: Token) -> list[Actor]:
        """The actor whose act a warning is conditioned on: the subject of its "if"/"unless" clause."""
        for t in verb.subtree:
            if t.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in t.children):
                subject = next((c for c in t.children if c.dep_ in SUBJECTS), None)
                if subject is not None:
                    return self._conjoined(subject)
        return []

    def _promise(self, head: Token, sent: Span, index: int) -> list[Action]:
        """ "Trump agreed to provide security guarantees to Pyongyang": an AGREE with the promised act's target
        (a promise of a hostile act is that act, coded on its own verb, not an agreement)."""
        if self._requested(head) or self._conditional(head):
            return []
        out: list[Action] = []
        for inner in (c for c in head.children if c.dep_ == "xcomp" and c.pos_ == "VERB"):
            inner_lemma = inner.lemma_.lower()
            types = {t for k, t in self.lex.verbs.items() if k[0] == inner_lemma}
            if types & _HOSTILE_TYPES or not (types or inner_lemma in _TRANSFER):
                continue  # a threat is coded on its own verb; "promised to restore Russia" is no agreement
            if any(c.dep_ == "neg" for c in inner.children):
                continue  # "promised not to bring"
            target: list[Actor] = []
            obj = next((c for c in inner.children if c.dep_ in ("dobj", "obj")), None)
            if obj is not None:
                target = [a for a in self._conjoined(obj) if a.kind != "group"]
            for prep in (c for c in inner.children if c.dep_ in ("prep", "dative") and c.lower_ in ("to", "with")):
                if not target:
                    target = [a for p in prep.children if p.dep_ == "pobj" for a in self._conjoined(p)]
            sources, _ = self._sources(head)
            if target and sources:
                out += self._make(head, f"{head.text} to {inner.text}", "AGREE", sources, target, sent, index)
        return out

    def _nominal(self, noun: Token, sent: Span, index: int) -> list[Action]:
        lex = self.lex
        type_ = lex.nominals.get(noun.lemma_.lower()) or lex.nominals.get(noun.lower_)
        if type_ is None:
            return []
        sources: list[Actor] = []
        targets: list[Actor] = []
        # a show of force is aimed "around the island", "off the coast of", not "with" an ally
        aimed = (
            ("around", "near", "off", "against", "toward", "towards")
            if type_ == "MOBILIZE"
            else ("with", "to", "on", "against", "of")
        )
        for child in noun.children:
            if child.dep_ == "poss":
                sources = self._conjoined(child)
            elif child.dep_ == "prep":
                pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if pobj is None:
                    continue
                if child.lower_ in ("by", "from"):
                    sources = self._conjoined(pobj)
                elif child.lower_ in aimed:
                    targets = targets or self._conjoined(pobj)
                elif child.lower_ == "between":
                    both = self._conjoined(pobj)
                    if len(both) >= 2:
                        sources, targets = both[:1], both[1:2]
        if noun.lemma_.lower() == "visit":  # a visit to a country's government, a person or an organization
            targets = [t for t in targets if t.entity_type != "GPE" or t.name in lex.countries]
        hostile = any(t.lower_ in lex.hostile for t in noun.subtree)
        if type_ == "ACCUSE" and noun.lemma_.lower() == "description" and not hostile:
            return []
        if type_ != "CONSULT" and noun.lemma_.lower() in ("rebuke", "criticism", "condemnation") and not targets:
            # "X drew a rebuke from Y": X (or the person whose remark it was) is the target
            drawn = noun.dep_ == "dobj" and noun.head.lemma_ in ("draw", "prompt", "attract", "provoke")
            subject = next((c for c in noun.head.children if c.dep_ == "nsubj"), None) if drawn else None
            if drawn and not sources:  # "drew a sharp rebuke from China's foreign ministry", "from" on the verb
                sources = [a for p in noun.head.children if p.dep_ == "prep" and p.lower_ == "from"
                           for o in p.children if o.dep_ == "pobj" for a in self._conjoined(o)]  # fmt: skip
            if subject is not None:
                owner = self.actor(subject) or self._owner(subject)
                if owner is None and subject.lower_ in ("that", "which") and noun.head.dep_ == "relcl":
                    remark = noun.head.head
                    owner = self._owner(remark) or self._speaker_of_clause(remark)
                targets = [owner] if owner is not None else []
        if type_ in ("CONSULT", "MOBILIZE") and targets and not sources:
            # "leave Hanoi after official meetings with Vietnamese leaders", "answered with military drills
            # around the island", "will hold talks with": the clause's subject takes part
            frame = noun.head
            if noun.dep_ == "pobj" and (
                frame.lower_ in _NOMINAL_FRAMES or (frame.lower_ == "with" and type_ == "MOBILIZE")
            ):
                frame = frame.head
            elif not (noun.dep_ == "dobj" and frame.lemma_.lower() in _HOLD):
                frame = noun
            if frame is not noun and frame.pos_ in ("VERB", "AUX"):
                sources = self._sources(frame)[0]
        sources = [a for a in sources if not _indefinite(a)]
        targets = [a for a in targets if not _indefinite(a)]
        if not sources and not targets:
            return []
        if type_ in ("CONSULT",) and sources and not targets and len(sources) >= 2:
            sources, targets = sources[:1], sources[1:]
        return self._make(noun, noun.text, type_, sources, targets, sent, index)

    def _speaker_of_clause(self, noun: Token) -> Actor | None:
        """ "Biden said that ..., a remark that drew ...": the subject of the clause the noun is in apposition to."""
        head = noun.head
        while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i:
            head = head.head
        subject = next((c for c in head.children if c.dep_ == "nsubj"), None)
        return self.actor(subject) if subject is not None else None

    def _sources(self, verb: Token) -> tuple[list[Actor], Token | None]:
        """The actors doing ``verb`` and, for a passive, the token of the one it is done to."""
        clause = verb
        stray = _stray_subject(verb)
        if stray is not None and stray.i in self.mention_at:
            # "Kim committed to work toward ... the Peninsula and Trump agreed": the parser took the second
            # clause's subject for a conjunct of the first clause's object
            found = self.actor(stray)
            if found is not None:
                return [found], None
        if verb.dep_ == "pcomp" and verb.head.lower_ == "for" and verb.head.head.pos_ == "VERB":
            # "thanked Putin for pardoning Issachar": the object did it
            thanked = next((c for c in verb.head.head.children if c.dep_ in ("dobj", "obj")), None)
            return (self._conjoined(thanked) if thanked is not None else []), None
        for _ in range(6):
            subjects = [c for c in clause.children if c.dep_ in SUBJECTS]
            subject = next((c for c in subjects if not dateline(c)), subjects[0] if subjects else None)
            if subject is not None and dateline(subject):
                # "SINGAPORE (Capital Wire) — Trump and Kim signed": the parser took the dateline for the
                # subject and hung the real one under it
                return self._after_dateline(subject, clause), None
            agent = next((c for c in clause.children if c.dep_ == "agent"), None)
            if subject is not None and subject.dep_ == "nsubjpass" and clause.i == verb.i:
                by = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
                return (self._conjoined(by) if by is not None else []), subject
            if subject is not None:
                return self._conjoined(subject), None
            if agent is not None:
                by = next((c for c in agent.children if c.dep_ == "pobj"), None)
                target = clause.head if clause.dep_ == "acl" else None
                return (self._conjoined(by) if by is not None else []), target
            if clause.dep_ in ("xcomp", "conj", "acomp") and clause.head.i != clause.i:
                clause = clause.head
                continue
            if clause.dep_ == "relcl":
                return self._conjoined(clause.head), None
            if clause.dep_ == "acl" and clause.tag_ == "VB" and clause.head.pos_ == "NOUN":
                # "a decision by Britain's regulator to block", "its decision to block": the noun's maker
                noun = clause.head
                maker = next((c for c in noun.children if c.dep_ == "poss"), None)
                by = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "by"), None)
                maker = next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else maker
                return (self._conjoined(maker) if maker is not None else []), None
            purpose = clause.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children)
            if clause.dep_ == "advcl" and (clause.tag_ == "VBG" or purpose):  # "Speaking ..., Trump said"
                clause = clause.head
                continue
            if clause.dep_ == "pcomp" and clause.head.lower_ in _TIME_PREPS:  # "before flying on to Beijing"
                clause = clause.head.head
                continue
            break
        return [], None

    def _examples(self, token: Token) -> list[Actor]:
        """ "providers such as Nvidia", "leaders, including Anthony Albanese": the named examples."""
        found: list[Actor] = []
        for prep in token.children:
            if prep.dep_ != "prep" or not (
                prep.lower_ == "including" or (prep.lower_ == "as" and any(c.lower_ == "such" for c in prep.children))
            ):
                continue
            for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                for t in [pobj, *pobj.conjuncts]:
                    a = self.actor(t) if t.i in self.mention_at else None
                    if a is not None:
                        found.append(a)
        return found

    def _coordinated_inside(self, token: Token) -> list[Token]:
        """Named tokens coordinated inside ``token``'s name by a misparse ("Kim and ... Moon Jae-in", where the
        parser made Kim a modifier of Moon's name)."""
        own = self.mention_at.get(token.i)
        if own is None:
            return []
        found = []
        for child in token.children:
            for t in child.subtree:
                other = self.mention_at.get(t.i)
                if (
                    other is not None
                    and other is not own
                    and t.dep_ in ("nmod", "compound")
                    and any(c.dep_ == "cc" for c in t.children)
                    and other.type in ("PERSON", "ORG", "GPE")
                ):
                    found.append(t)
        return found

    def _after_dateline(self, dateline: Token, verb: Token) -> list[Actor]:
        """The named actors between a dateline's dash and the verb, outside prepositional phrases."""
        dash = next((t for t in dateline.sent if t.text in ("—", "–", "--") and t.i < verb.i), None)
        if dash is None:
            return []
        actors: list[Actor] = []
        seen: set[int] = set()
        for t in self.doc[dash.i + 1 : verb.i]:
            mention = self.mention_at.get(t.i)
            if mention is None or id(mention) in seen or mention.type not in ("PERSON", "ORG", "GPE"):
                continue
            node, in_prep = t, False
            while node.i != dateline.i and node.head.i != node.i:
                in_prep = in_prep or node.dep_ in ("pobj", "poss")
                node = node.head
            if in_prep or node.i != dateline.i:
                continue
            seen.add(id(mention))
            actors.append(self._named(mention))
        people = [a for a in actors if a.entity_type == "PERSON"]
        return people or actors

    def _conjoined(self, token: Token) -> list[Actor]:
        """The actor of ``token`` and of its conjuncts of the same class (people with people); a phrase
        naming no actor but examples of them ("providers such as Nvidia", "several leaders, including
        Albanese") stands for the examples; a coordination the parser hung inside a name ("Kim and
        President Moon Jae-in") counts."""
        actors: list[Actor] = []
        for t in [token, *token.conjuncts, *self._coordinated_inside(token)]:
            a = self.actor(t)
            if a is None:
                examples = self._examples(t)
                if examples:
                    actors.extend(x for x in examples if all(_key(x) != _key(y) for y in actors))
                continue
            if actors and (a.entity_type == "PERSON") != (actors[0].entity_type == "PERSON"):
                continue
            actors.append(a)
        return actors

    def _owner(
        self,
        token: Token,
        preps: tuple[str, ...] = ("with", "by", "to", "of", "on", "against"),
        possessors: bool = True,
    ) -> Actor | None:
        """The actor owning a non-actor phrase: "Microsoft's takeover", "the deal with Iran", "the Iran deal"."""
        frontier = [token]
        for _ in range(3):
            nxt = []
            for t in frontier:
                for child in t.children:
                    if child.dep_ in ("poss", "compound", "nmod") and possessors:
                        a = self.actor(child)
                        lex = self.lex
                        if (
                            a is not None
                            and child.dep_ != "poss"
                            and a.entity_type == "GPE"
                            and a.name not in lex.countries
                        ):
                            continue  # "the Kyoto agreement" is named after a city, not made with it
                        if a is not None:
                            return a
                    if (
                        possessors
                        and child.dep_ in ("amod", "compound")
                        and compound_text(child) in self.lex.demonyms
                        and t.lemma_.lower() not in _PEOPLE_NOUNS
                    ):
                        # "Iranian military sites", "an Iranian drone": Iran's
                        country = self.lex.demonyms[compound_text(child)]
                        return Actor(text=child.text, name=country, kind="entity", entity_type="GPE",
                                     country=country, role="government")  # fmt: skip
                    if child.dep_ == "prep" and child.lower_ in preps:
                        pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                        if pobj is not None:
                            a = self.actor(pobj)
                            if a is not None:
                                return a
                            nxt.append(pobj)
            frontier = nxt
        return None

    def _other_of_pair(self, actor: Actor) -> Actor:
        sides = self._pair_countries() if actor.entity_type == "GPE" else None
        if sides is not None:  # "the two sides": the other person's country
            return replace(actor, name=sides[1], country=sides[1])
        return Actor(text=actor.text, name=self.pair[1], kind="pair", entity_type="PERSON")

    def _requested(self, verb: Token) -> bool:
        """A clause someone was asked or pushed to do ("urged Washington to stop"): not done."""
        head = verb
        for _ in range(5):
            while head.dep_ == "conj" and head.head.i != head.i:
                head = head.head
            if head.dep_ == "xcomp" and any(c.dep_ in ("dobj", "obj") for c in head.head.children):
                return head.head.lemma_.lower() not in ("help",)
            if head.dep_ == "pcomp" and head.head.lower_ in ("for", "of"):
                thanked = head.head.head.lemma_.lower() in _PRAISE_OR_BLAME
                return not thanked
            if head.dep_ != "xcomp":
                return False
            head = head.head
        return False

    def _conditional(self, verb: Token) -> bool:
        head = verb
        for _ in range(3):
            if any(c.dep_ == "mark" and c.lower_ in _CONDITION_MARKERS for c in head.children):
                return True
            if head.dep_ not in ("conj", "xcomp"):
                break
            head = head.head
        return False

    def _mode(self, verb: Token) -> tuple[bool, str]:
        negated, mode = False, "did"
        node = verb
        via = ""
        for _ in range(4):
            for c in node.children:
                if c.dep_ == "neg":
                    negated = True
                if c.dep_ in ("aux", "auxpass"):
                    if c.lower_ in _FUTURE_AUX or c.lemma_ == "will":
                        mode = "will" if mode == "did" else mode
                    elif c.lower_ in _POSSIBLE_AUX:
                        mode = "may"
            lemma = node.lemma_.lower()
            if node is not verb and lemma in _NEGATING_HEADS and via == "xcomp":
                negated = True
            if node is not verb and lemma in _POSSIBLE_HEADS:
                mode = "may"
            elif node is not verb and lemma in _FUTURE_HEADS and mode == "did":
                mode = "will"
            if node.dep_ not in ("xcomp", "conj", "acomp") or node.head.i == node.i:
                break
            via = node.dep_
            node = node.head
        if verb.tag_ in ("VBG", "VB") and mode == "did" and verb.dep_ in ("xcomp",):
            mode = "will"
        return negated, mode

    def _make(
        self,
        verb: Token,
        written: str,
        type_: str,
        sources: list[Actor],
        targets: list[Actor],
        sent: Span,
        index: int,
        refusal: bool = False,
    ) -> list[Action]:
        sources = [s for s in sources if s is not None]
        targets = [t for t in targets if t is not None]
        if not sources or not targets:
            return []
        negated, mode = self._mode(verb)
        negated = negated and not refusal  # "never accept" is a refusal that happened
        status, claimed_by, quote_id = self._status(verb.idx)
        date, date_text = self._date(verb, sent)
        place = self._place(verb)
        start = sent.start_char
        end = start + len(sent.text.rstrip())
        out = []
        for s in sources:
            for t in targets:
                if _key(s) == _key(t) or _own_country(s, t) or _own_country(t, s):
                    continue
                out.append(
                    Action(
                        id=action_id(self.article_id, index, verb.idx, _key(s), _key(t)),
                        article_id=self.article_id,
                        sentence=index,
                        start=start,
                        end=end,
                        verb=written,
                        verb_start=verb.idx,
                        type=type_,
                        source=s,
                        target=t,
                        negated=negated,
                        mode=mode,
                        status=status,
                        claimed_by=claimed_by,
                        quote_id=quote_id,
                        date=date,
                        date_text=date_text,
                        place=place,
                    )
                )
        return out

    def _status(self, offset: int) -> tuple[str, str | None, str | None]:
        for q in self.quotes:
            if q.start <= offset < q.end:
                status = "reported" if str(q.kind) == "indirect" else "quoted"
                speaker = None
                if q.speaker_start is not None and q.speaker_start in self.mention_by_start:
                    speaker = self.mention_by_start[q.speaker_start].name
                return status, speaker or q.speaker, q.id or None
        return "narrated", None, None

    def _date(self, verb: Token, sent: Span) -> tuple[str | None, str | None]:
        """A time expression attached to the verb (or a verb governing it), else the publication day."""
        inside = [t for t in self.times if sent.start_char <= t.start < sent.end_char and t.value]
        node = verb
        for _ in range(4):
            if not inside:
                break
            attached = {c.idx for c in node.children if c.dep_ in ("npadvmod", "tmod", "advmod", "obl")}
            for prep in (c for c in node.children if c.dep_ == "prep"):
                attached.update(g.idx for g in prep.subtree)
            for c in node.children:
                if c.dep_ in ("npadvmod", "tmod", "advmod"):
                    attached.update(g.idx for g in c.subtree)
            for t in inside:
                if any(t.start <= i < t.end for i in attached):
                    return t.value, t.text
            if node.head.i == node.i or node.dep_ not in ("xcomp", "conj", "ccomp", "relcl", "advcl", "pcomp"):
                break
            node = node.head
        return self.published, None

    def _place(self, verb: Token) -> str | None:
        for child in verb.children:
            if child.dep_ == "prep" and child.lower_ in ("in", "at"):
                for obj in child.children:
                    m = self.mention_at.get(obj.i)
                    if m is not None and m.type in ("GPE", "LOC", "FAC"):
                        return m.name
        return None


def find_actions(
    doc: Doc,
    article_id: str,
    mentions: Sequence[Mention],
    titles: Sequence[tuple[str, Title]],
    quotes: Sequence[Quote],
    times: Sequence[TimeExpression],
    published: str | None = None,
) -> list[Action]:
    """Action records of one parsed article; ``published`` (ISO day) dates records the text does not."""
    if not len(doc):
        return []
    return _Article(doc, article_id, mentions, titles, quotes, times, published).records()


def _key(actor: Actor) -> str:
    return actor.name.casefold()


def _prose(sent: Span) -> bool:
    words = [t for t in sent if not t.is_space]
    alpha = sum(1 for t in words if t.is_alpha)
    return bool(words) and alpha / len(words) >= MIN_ALPHA_SHARE and any(t.pos_ == "VERB" for t in words)


def _indefinite(actor: Actor) -> bool:
    """ "a leader of North Korea": a group met in passing, not a party to the event."""
    return actor.kind == "group" and actor.text.lower().startswith(("a ", "an "))


def _official(actor: Actor) -> bool:
    """A government, an organization, or a person whose title gives an official role."""
    official_roles = ("government", "military", "legislature", "judiciary")
    return actor.entity_type in ("GPE", "ORG") or actor.kind == "pair" or actor.role in official_roles


def _stray_subject(verb: Token) -> Token | None:
    """The name just before a subjectless conjoined verb that the parser attached elsewhere as a conjunct."""
    if verb.dep_ != "conj" or any(c.dep_ in SUBJECTS for c in verb.children) or verb.i == verb.sent.start:
        return None
    before = verb.doc[verb.i - 1]
    if before.pos_ == "PROPN" and before.dep_ == "conj" and before.head.i < before.i and before.head.i != verb.head.i:
        return before
    return None


def _own_country(actor: Actor, country: Actor) -> bool:
    """ "the North Korean leader" acting on North Korea: not an interaction between two actors."""
    return country.entity_type == "GPE" and actor.entity_type != "GPE" and actor.country == country.name


def _reciprocal_object(verb: Token, obj: Token | None, preps: list[Token]) -> bool:
    """ "each other" / "one another" as the object or a prepositional object of ``verb``."""
    objects = [obj] if obj is not None else []
    objects += [c for p in preps for c in p.subtree if c.dep_ == "pobj"]  # "across a table from each other"
    return any(
        o.lower_ in ("other", "another") and any(c.lower_ in ("each", "one") for c in o.children) for o in objects
    )


def _joint(actors: list[Actor]) -> bool:
    return len(actors) >= 2 or (len(actors) == 1 and actors[0].kind == "pair")


def _for_talks(verb: Token, lex: Lexicon) -> bool:
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ in ("for", "in"):
            for obj in prep.children:
                if (
                    obj.dep_ == "pobj"
                    and lex.nominals.get(obj.lemma_.lower(), lex.nominals.get(obj.lower_)) == "CONSULT"
                ):
                    return True
    return False
