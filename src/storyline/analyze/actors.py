"""Actors: who a noun phrase in a parsed article names.

An actor is a named mention (with its in-article full name and the country and role its titles give), a
capital standing for its country ("Moscow" -> Russia), a described group ("protesters", "Israeli officials" ->
Israel, government), a pronoun resolved to the latest person named before it ("he"), to an organization or
country ("it", "they", "we" in a government speaker's quote), "the company" / "the Russian leader" / "the
island" resolved to the latest one named, or "the two leaders" / "the two sides" resolved to the article's two
most named people (and their countries). ``ArticleActors`` holds the per-article indexes these look-ups use;
the action records (``actions``) build on it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from storyline.analyze.lexicon import lexicon
from storyline.model import Actor, Mention, Quote, TimeExpression, Title

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

SUBJECTS = {"nsubj", "nsubjpass", "csubj"}
_PRONOUNS_PERSON = {"he", "she", "him", "her", "his"}
_PRONOUNS_FIRST = {"i", "me", "my"}
_PRONOUNS_ORG = {"it", "they", "its", "their"}
_SPEECH = {"say", "announce", "tell", "add", "state", "insist", "confirm", "reply"}
_PAIR_NOUNS = {"leader", "man", "president", "side"}
_GENERIC_GROUPS = {"country", "nation", "state"}  # "helps support countries in trouble": no one
_RELATIVE = {"who", "that", "whose", "which", "whom"}
_PRONOUNS_WE = {"we", "us", "our"}
_PRONOUNS_PLURAL = {"them", "their"}
_VAGUE = {"few", "no", "any", "none", "every", "several", "many", "some", "various", "most"}
_MEET = {"meet", "talk", "discuss", "negotiate", "confer", "agree"}  # "they met": unambiguous when plural
_ORG_NOUNS = {"company", "regulator", "ministry", "authority", "department", "agency", "watchdog", "group", "firm"}
_PERSON_NOUNS = {"leader", "president", "minister", "chairman", "secretary", "envoy", "negotiator"}
_PLACE_NOUNS = {"island", "country", "nation", "kingdom"}  # "the island" is the latest country named


class ArticleActors:
    """The per-article indexes actor look-ups (and the action rules built on them) use."""

    def __init__(
        self,
        doc: Doc,
        article_id: str,
        mentions: Sequence[Mention],
        titles: Sequence[tuple[str, Title]],
        quotes: Sequence[Quote],
        times: Sequence[TimeExpression],
        published: str | None,
    ) -> None:
        self.doc = doc
        self.article_id = article_id
        self.quotes = quotes
        self.times = times
        self.published = published
        self.lex = lexicon()
        self.mention_at: dict[int, Mention] = {}
        for m in mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is not None:
                for token in span:
                    self.mention_at[token.i] = m
        self.mention_by_start = {m.start: m for m in mentions}
        self.titles: dict[str, list[str]] = {}
        for person, title in titles:
            self.titles.setdefault(person, []).append(title.title)
        people = Counter(m.name for m in mentions if m.type == "PERSON")
        self.pair = [name for name, _ in people.most_common(2)] if len(people) >= 2 else []
        self.sentence_index: dict[int, int] = {}

    # -- actors ------------------------------------------------------------------------------------

    def actor(self, token: Token) -> Actor | None:
        """The actor a noun phrase headed by ``token`` names, or None when it names none."""
        lex = self.lex
        if token.lower_ in _RELATIVE and token.tag_ in ("WP", "WP$", "WDT", "IN"):
            clause = token.head
            for _ in range(3):
                if clause.dep_ in ("relcl", "acl") or clause.head.i == clause.i:
                    break
                clause = clause.head
            if clause.dep_ == "relcl" and clause.head.i != token.i:
                return self.actor(clause.head)
            return None
        mention = self.mention_at.get(token.i)
        if mention is None and token.dep_ == "appos" and token.pos_ == "NOUN":
            # "Sultan al-Jaber, an oil executive whose appointment ...": the named head
            head = self.mention_at.get(token.head.i)
            if head is not None and head.type in ("PERSON", "ORG") and not dateline(token.head):
                return self._named(head)
        if mention is not None and dateline(token):
            return None
        if mention is not None and mention.type in ("PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"):
            if mention.type in ("LOC", "FAC"):
                return None
            return self._named(mention)
        if token.pos_ == "PRON":
            if token.lower_ in _PRONOUNS_FIRST:
                return self._speaker_at(token.idx)
            if token.lower_ in _PRONOUNS_WE:
                return self._speakers_country(token.idx)
            if token.lower_ in _PRONOUNS_PLURAL:
                return self._plural_antecedent(token)
            together = (
                token.lower_ == "they"
                and token.dep_ == "nsubj"
                and token.head.lemma_.lower() in _MEET
                and not any(c.dep_ in ("dobj", "obj") for c in token.head.children)  # "they met the requirements"
            )
            if together and self.pair and self._pair_near(token):  # "since they met in Bali": the two main people
                return Actor(text=token.text, name=self.pair[0], kind="pair", entity_type="PERSON")
            if token.lower_ in _PRONOUNS_ORG:
                subject_or_owner = token.dep_ in ("nsubj", "nsubjpass", "poss")  # an object "it" is a thing
                it = token.lower_ in ("it", "its") and subject_or_owner
                return self._reporter(token) or (self._it_antecedent(token) if it else None)
            return self._pronoun(token)
        if token.pos_ not in ("NOUN", "PROPN"):
            return None
        if token.lemma_.lower() in lex.not_actors:
            return None
        demonym = lex.demonyms.get(token.text) or lex.demonyms.get(compound_text(token))
        if demonym and token.pos_ == "PROPN":
            return None
        lemma = token.lemma_.lower()
        paired = any(c.lower_ in ("two", "both", "the") for c in token.children)
        if lemma in _PAIR_NOUNS and paired and token.tag_ in ("NNS", "NNPS") and self.pair and lemma != "side":
            return Actor(text=_phrase(token), name=self.pair[0], kind="pair", entity_type="PERSON")
        if lemma == "side" and paired and token.tag_ == "NNS" and self.pair:
            sides = self._pair_countries()  # "the two sides": the countries of the article's two main people
            if sides is not None:
                return Actor(text=_phrase(token), name=sides[0], kind="pair", entity_type="GPE", country=sides[0],
                             role="government")  # fmt: skip
        definite = any(c.lower_ == "the" for c in token.children if c.dep_ == "det")
        if definite and token.tag_ == "NN" and lemma in _PLACE_NOUNS:
            place = self._antecedent(token, "GPE", strict=True)  # "the island's independence": Taiwan's
            if place is not None and place.name in lex.countries:
                return place
        if definite and token.tag_ == "NN" and (lemma in _ORG_NOUNS or lemma in _PERSON_NOUNS):
            # "the company" is the latest organization named, "the Russian leader" the latest person
            referent = self._antecedent(token, "ORG" if lemma in _ORG_NOUNS else "PERSON", strict=True)
            if referent is not None:
                return referent
        named_appos = next(
            (c for c in token.children if c.dep_ == "appos" and self.mention_at.get(c.i) is not None), None
        )
        if named_appos is not None and self.mention_at[named_appos.i].type in ("PERSON", "ORG", "GPE"):
            return self._named(self.mention_at[named_appos.i])  # "Fiji's prime minister, Sitiveni Rabuka,"
        role = lex.groups.get(lemma)
        if role is None and any(c.dep_ == "punct" and c.text == "-" for c in token.children):
            lemma = _hyphenated(token)  # "secretary-general", split by the tokenizer
            role = lex.groups.get(lemma)
        if role is None:
            return None
        if any(c.lower_ in _VAGUE for c in token.children if c.dep_ in ("det", "amod", "nummod")):
            return None
        owner = next((c for c in token.children if c.dep_ == "poss" and c.i in self.mention_at), None)
        if owner is not None and self.mention_at[owner.i].type in ("ORG", "GPE"):
            # "China's foreign ministry", "Activision's employees": the named owner acts
            named = self._named(self.mention_at[owner.i])
            start, end = _phrase_span(token)
            return replace(named, text=self.doc.text[start:end], start=start, end=end, role=named.role or role)
        country = self._country_of(token)
        bare = not any(c.dep_ in ("det", "poss", "amod", "compound", "nummod") for c in token.children)
        if country is None and bare and token.tag_ == "NNS" and lemma in _GENERIC_GROUPS:
            return None  # "helps support countries in financial trouble": nobody in particular
        start, end = _phrase_span(token)
        return Actor(
            text=self.doc.text[start:end], name=lemma, kind="group", country=country, role=role, start=start, end=end
        )

    def _named(self, mention: Mention) -> Actor:
        lex = self.lex
        country = lex.capitals.get(mention.name) if mention.type == "GPE" else None
        name = country or mention.name
        if mention.type == "GPE":
            return Actor(
                text=mention.text,
                name=name,
                kind="entity",
                entity_type="GPE",
                country=name,
                role="government",
                start=mention.start,
                end=mention.end,
            )
        country, role = None, None
        for title in self.titles.get(mention.name, ()):
            c, r = self.title_country_role(title)
            country, role = country or c, role or r
        return Actor(
            text=mention.text,
            name=name,
            kind="entity",
            entity_type=mention.type,
            country=country,
            role=role,
            start=mention.start,
            end=mention.end,
        )

    def title_country_role(self, title: str) -> tuple[str | None, str | None]:
        """("Israeli Prime Minister") -> ("Israel", "government"); a title naming no country gives no role
        unless its words are unambiguous ("Attorney General" -> judiciary)."""
        lex = self.lex
        words = title.replace("'s", "").replace("’s", "").split()
        country = None
        for n in (2, 1):
            for i in range(len(words) - n + 1):
                chunk = " ".join(words[i : i + n])
                country = country or lex.demonyms.get(chunk) or (chunk if chunk in lex.countries else None)
        lowered = " ".join(w.lower() for w in words)
        role = None
        for key in sorted(lex.roles, key=len, reverse=True):
            if f" {key} " in f" {lowered} ":
                role = lex.roles[key]
                break
        if country is None and role == "government" and any(w[:1].isupper() for w in words[:1]):
            # "Microsoft President": a company's president is not a government
            first = words[0]
            starts_with_role = any(lowered.startswith(key) for key in lex.roles)  # "Prime Minister"
            nationality = first.endswith(("an", "ese", "ish", "i")) and len(words) > 1  # "Chilean President"
            if not starts_with_role and not nationality and first.lower() not in ("u.s.", "former", "vice", "deputy"):
                role = "organization"
        return country, role

    def _country_of(self, token: Token) -> str | None:
        lex = self.lex
        for child in token.children:
            if child.dep_ in ("amod", "compound", "poss", "nmod"):
                text = compound_text(child) if child.dep_ == "compound" else child.text
                if text in lex.demonyms:
                    return lex.demonyms[text]
                if child.text in lex.demonyms:
                    return lex.demonyms[child.text]
                mention = self.mention_at.get(child.i)
                if mention is not None and mention.type == "GPE":
                    return lex.capitals.get(mention.name, mention.name)
            if child.dep_ == "prep" and child.lower_ in ("from", "of", "in"):
                for obj in child.children:
                    mention = self.mention_at.get(obj.i)
                    if obj.dep_ == "pobj" and mention is not None and mention.type == "GPE":
                        if (
                            child.lower_ == "in"
                            and mention.name not in lex.capitals
                            and mention.name not in lex.countries
                        ):
                            continue  # "the ministry in Beijing" is China's; "officials in Bali" are nobody's
                        return lex.capitals.get(mention.name, mention.name)
        return None

    def _speaker_at(self, offset: int) -> Actor | None:
        """ "I" inside a quote is its speaker, where the quotes analysis names one."""
        for q in self.quotes:
            if q.start <= offset < q.end and q.speaker_start is not None:
                mention = self.mention_by_start.get(q.speaker_start)
                return self._named(mention) if mention is not None else None
        return None

    def _reporter(self, token: Token) -> Actor | None:
        """ "Microsoft said it would appeal": "it"/"they" as subject of what an organization or country says
        is that organization or country."""
        if token.dep_ not in ("nsubj", "nsubjpass"):
            return None
        clause = token.head
        while clause.dep_ == "conj" and clause.head.i != clause.i:
            clause = clause.head
        if clause.dep_ != "ccomp" or clause.head.lemma_.lower() not in _SPEECH:
            return None
        speaker = next((c for c in clause.head.children if c.dep_ == "nsubj"), None)
        if speaker is None or speaker.pos_ == "PRON":
            return None
        found = self.actor(speaker)
        return found if found is not None and found.entity_type in ("ORG", "GPE") else None

    def _speakers_country(self, offset: int) -> Actor | None:
        """ "we" inside a quote of a government's speaker is that country ("we keep talking to Russia")."""
        speaker = self._speaker_at(offset)
        if speaker is None or speaker.role != "government" or speaker.country is None:
            return None
        country = speaker.country
        return Actor(text=speaker.text, name=country, kind="entity", entity_type="GPE", country=country,
                     role="government")  # fmt: skip

    def _pair_countries(self) -> tuple[str, str] | None:
        """The countries of the article's two main people, when their titles give two different ones."""
        countries = []
        for name in self.pair:
            country = None
            for title in self.titles.get(name, ()):
                country = country or self.title_country_role(title)[0]
            countries.append(country)
        if len(countries) == 2 and countries[0] and countries[1] and countries[0] != countries[1]:
            return countries[0], countries[1]
        return None

    def _plural_antecedent(self, token: Token) -> Actor | None:
        """ "wrote to members urging them": the nearest plural group named before, in the same sentence."""
        excluded = {c.i for c in token.head.children if c.dep_ in SUBJECTS}
        for t in reversed(self.doc[token.sent.start : token.i]):
            if t.i in excluded or t.tag_ not in ("NNS", "NNPS") or t.dep_ not in ("pobj", "dobj", "nsubj", "conj"):
                continue
            found = self.actor(t)
            if found is not None:
                return found
        return None

    def _it_antecedent(self, token: Token) -> Actor | None:
        """ "it"/"its" as the nearest organization or country named before, in this sentence or the one before
        ("saying its decision to block": the regulator's); a name inside a person's title does not count."""
        sent = token.sent
        start = sent.start
        if token.i - start < 3 and start > 0:
            start = self.doc[start - 1].sent.start
        excluded = {c.i for c in token.head.children if c.dep_ in SUBJECTS} if token.dep_ != "poss" else set()
        for t in reversed(self.doc[start : token.i]):
            if t.i in excluded or dateline(t) or t.dep_ in ("compound", "amod"):
                continue
            mention = self.mention_at.get(t.i)
            if mention is not None:
                if mention.type in ("ORG", "GPE") and self.doc[t.i].dep_ not in ("poss",):
                    return self._named(mention)
                continue
            if t.pos_ == "NOUN" and t.tag_ == "NN" and t.lemma_.lower() in _ORG_NOUNS | {"military", "government"}:
                found = self.actor(t)
                if found is not None:
                    return found
        return None

    def _pair_near(self, token: Token) -> bool:
        """Both of the article's two main people are named in this sentence or the two before."""
        start = token.sent.start
        for _ in range(2):
            if start > 0:
                start = self.doc[start - 1].sent.start
        names = {m.name for i, m in self.mention_at.items() if start <= i < token.i}
        return all(name in names for name in self.pair)

    def _pronoun(self, token: Token) -> Actor | None:
        if token.lower_ not in _PRONOUNS_PERSON:
            return None
        return self._antecedent(token, "PERSON")

    def _clause_subject(self, token: Token, strict: bool = False) -> Mention | None:
        """The named subject of the clause an object ``token`` is in: "Trump will meet him" -> Trump, whom
        "him" cannot be."""
        if token.dep_ in SUBJECTS or (token.dep_ == "poss" and not strict):
            return None
        node = token
        for _ in range(4):
            node = node.head
            subject = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subject is not None:
                return self.mention_at.get(subject.i)
            if node.head.i == node.i:
                break
        return None

    def _antecedent(self, token: Token, type_: str, strict: bool = False) -> Actor | None:
        """The ``type_`` mention ``token`` refers back to: in the nearest sentence (its own, then up to three
        before) that names one, the nearest subject, else the nearest mention. A subject pronoun takes one
        of its own sentence only when that one is a subject too ("Trump said he would"); ``strict`` (a
        definite noun, "the island") never refers to its own clause's subject, even as a possessor."""
        by_sentence: list[list[Token]] = []
        current = None
        excluded = self._clause_subject(token, strict)
        own = token.sent.start
        subject_pronoun = token.pos_ == "PRON" and token.dep_ in SUBJECTS
        for t in reversed(self.doc[max(0, token.i - 300) : token.i]):
            if t.sent.start != current:
                if len(by_sentence) == 4:
                    break
                by_sentence.append([])
                current = t.sent.start
            mention = self.mention_at.get(t.i)
            fresh = not by_sentence[-1] or self.mention_at.get(by_sentence[-1][-1].i) is not mention
            if type_ != "PERSON" and excluded is not None and _in_title(t, excluded, self.mention_at):
                continue  # "U.S. State Department spokesman James P. Rubin": the title's office is no antecedent
            if mention is not None and mention.type == type_ and not dateline(t) and fresh and mention is not excluded:
                if subject_pronoun and t.sent.start == own and not _subject_like(t):
                    continue  # "In posts on Twitter, he said": not Twitter
                by_sentence[-1].append(t)
        for candidates in by_sentence:  # the nearest sentence naming one: its subject, else its nearest
            if candidates:
                subjects = [t for t in candidates if _subject_like(t)]
                return self._named(self.mention_at[(subjects or candidates)[0].i])
        return None

    # -- records -----------------------------------------------------------------------------------


def _subject_like(token: Token) -> bool:
    """A mention heading a subject, or inside one ("Prime Minister Benjamin Netanyahu")."""
    node = token
    for _ in range(3):
        if node.dep_ in ("nsubj", "nsubjpass"):
            return True
        if node.dep_ not in ("compound", "appos", "flat") or node.head.i == node.i:
            return False
        node = node.head
    return False


def _in_title(token: Token, person: Mention, mention_at: dict[int, Mention]) -> bool:
    """A name inside ``person``'s title ("U.S. State Department spokesman James P. Rubin welcomed the group's
    recommendation": the group is not Rubin's own department)."""
    node = token
    for _ in range(4):
        if node.dep_ not in ("compound", "nmod") or node.head.i == node.i:
            break
        node = node.head
    return node is not token and mention_at.get(node.i) is person and mention_at.get(token.i) is not person


def dateline(token: Token) -> bool:
    """ "MOSCOW —" or "SINGAPORE (Capital Wire) —": a place heading the story, not an actor."""
    return token.is_upper and len(token.text) > 2 and token.i - token.sent.start <= 3


def _hyphenated(token: Token) -> str:
    """ "secretary-general" from the tokens "secretary", "-", "general"."""
    start = min((c.i for c in token.children if c.dep_ in ("compound", "punct") and c.i < token.i), default=token.i)
    return "".join(t.text_with_ws for t in token.doc[start : token.i + 1]).strip().lower().replace(" ", "")


def compound_text(token: Token) -> str:
    parts = [c.text for c in token.children if c.dep_ == "compound" and c.i < token.i]
    return " ".join([*parts, token.text])


def _phrase_span(token: Token) -> tuple[int, int]:
    """The noun phrase without relative clauses and appositions ("Israeli officials")."""
    left = token
    for child in token.lefts:
        if child.dep_ in ("amod", "compound", "poss", "det", "nummod", "nmod"):
            left = child.left_edge if child.left_edge.i < left.i else left
            break
    end = token.idx + len(token.text)
    return left.idx, end


def _phrase(token: Token) -> str:
    start, end = _phrase_span(token)
    return token.doc.text[start:end]
