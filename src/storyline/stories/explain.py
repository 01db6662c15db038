"""Why a story's events are one story: each event after the first, with its strongest link to an earlier one.

The story linker (``stories.cluster``) puts events in one story when they score high together. Its evidence
is the cosine of their lead vectors, plus ``entity_weight`` times the overlap of their main actors, plus
``topic_weight`` times the TF-IDF cosine of their topic words, the IDF of actors and words counted over every
stored event; it then measures the lead and topic cosines against the corpus's background and adds how much
the two events' neighbourhoods agree (events of one broad topic that read little alike share the events they
are close to). A link shows the evidence, which a reader can check; the background and the neighbourhoods
are properties of the whole corpus and are not shown.

For each event after the story's first (in time order), a reader gets the earlier event of the story with
the most evidence, and that evidence in parts they can check: how similar the two leads are, the main
actors they share (by name), the topic words they share (as the articles write them) and the days between
the two happenings. A one-event story has no links. Earlier events only: every event is then explained by
what the story held before it, and the links join all the story's events.

Everything is read back from what the story stage stored: the articles' features (vectors, entity keys,
topic-word hashes), the events' members, and, to name what the hashes and keys stand for, the mentions and
the texts of the few articles that hold them. ``linker_scores`` is the one place that knows the linker's
evidence for a pair of events (tests/test_explain.py checks that it agrees with ``cluster``'s ``evidence``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import sparse

from storyline.model import Article, Event, Features, Story
from storyline.stories import features
from storyline.stories.cluster import EventState, Params, main_actors, smooth_idf

if TYPE_CHECKING:
    from storyline.store import Store
    from storyline.store.stories import LinkCounts, NameUse

WORDS_KEPT = 8  # shared topic words a link names, the strongest first
_FEW_EVENTS = 4  # from this many stored events on, a word in more than half of them names no link ("said")
_NAME_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class LinkedEvent:
    """An event as a link names it."""

    id: str
    title: str
    happened: date | None  # the day of its happening (None: none of its articles is dated)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "happened": self.happened.isoformat() if self.happened else None}


@dataclass(frozen=True)
class Link:
    """Why ``event`` is in the story: the earlier event of the story it shares most with, and that evidence.

    ``score`` = ``similarity`` + entity_weight x ``actor_overlap`` + topic_weight x ``topic_overlap`` (the
    linker's weights); ``actors`` and ``words`` are what the two overlaps share, the strongest first. Words
    that say nothing a reader does not see already are left out of ``words`` (they still count in
    ``topic_overlap``): words of the shared actors' names, capitalized words of longer names ("Aviv"), and,
    once four events are stored, words more than half of them use ("said").
    """

    event: LinkedEvent
    joined: LinkedEvent
    score: float
    similarity: float  # cosine of the two events' lead vectors
    actor_overlap: float  # cosine of their main actors' weights
    topic_overlap: float  # cosine of their topic words' TF-IDF weights
    actors: tuple[str, ...]  # the main actors both name
    words: tuple[str, ...]  # topic words both use, as the articles write them (at most WORDS_KEPT)
    days: int | None  # days between the two happenings

    def reasons(self) -> list[str]:
        """The link in words, each part one phrase: shared actors, topic words, similarity, time apart."""
        found = [f"shared actors {', '.join(self.actors)}"] if self.actors else []
        found += [f"topic words {', '.join(self.words)}"] if self.words else []
        found.append(f"similarity {self.similarity:.2f}")
        if self.days is not None:
            found.append(apart(self.days))
        return found

    def to_dict(self) -> dict[str, Any]:
        return {
            "event": self.event.to_dict(),
            "joined": self.joined.to_dict(),
            "score": round(self.score, 4),
            "similarity": round(self.similarity, 4),
            "actor_overlap": round(self.actor_overlap, 4),
            "topic_overlap": round(self.topic_overlap, 4),
            "shared_actors": list(self.actors),
            "shared_words": list(self.words),
            "days_apart": self.days,
        }


def apart(days: int) -> str:
    """Days between two happenings as a reader counts them: "same day", "5 days apart", "about 8 months
    apart", "about 2 years apart"."""
    if days == 0:
        return "same day"
    if days < 60:
        return f"{days} day{'' if days == 1 else 's'} apart"
    if days < 730:
        return f"about {round(days / 30.44)} months apart"
    return f"about {round(days / 365.25)} years apart"


# -- the linker's score, in parts -------------------------------------------------------------------


@dataclass(frozen=True)
class PairParts:
    """The linker's score of two events and what it is made of; ``actors`` (entity keys) and ``terms``
    (topic-word hashes) are what the two overlaps share, by their share of the overlap."""

    score: float
    similarity: float
    actor_overlap: float
    topic_overlap: float
    actors: tuple[str, ...]
    terms: tuple[int, ...]


class LinkerScores:
    """The story linker's evidence (``cluster._StoryScores.evidence``) for some events, with the IDF of actors and topic
    words taken from ``counts`` (every stored event) rather than from these events alone."""

    def __init__(self, events: Sequence[EventState], counts: LinkCounts, params: Params) -> None:
        self.params = params
        local_keys = Counter(k for e in events for k in e.profile)
        local_terms = Counter(int(h) for e in events for h in {int(h) for hs, _ in e.terms for h in hs})
        n = max(counts.events, len(events))

        def idf(df: int) -> float:
            return smooth_idf(n, df)

        key_idf = {k: idf(max(counts.keys.get(k, 0), d)) for k, d in local_keys.items()}
        term_df = {h: max(counts.terms.get(h, 0), d) for h, d in local_terms.items()}
        self.actors = [_unit(main_actors(e.profile, key_idf, params.story_keys)) for e in events]
        self.topics = [_unit(_topic_weights(e, term_df, idf)) for e in events]
        self.centroids = np.stack([e.centroid for e in events]).astype(np.float32)

    def matrix(self) -> np.ndarray:
        """The scores of every pair of the events (one row and column each)."""
        scores = (self.centroids @ self.centroids.T).astype(np.float64)
        for weight, rows in ((self.params.entity_weight, self.actors), (self.params.topic_weight, self.topics)):
            index: dict[Any, int] = {}
            data, cols, ptr = [], [], [0]
            for row in rows:
                for k, w in row.items():
                    cols.append(index.setdefault(k, len(index)))
                    data.append(w)
                ptr.append(len(cols))
            m = sparse.csr_matrix((data, cols, ptr), shape=(len(rows), max(len(index), 1)))
            scores += weight * (m @ m.T).toarray()
        return scores

    def parts(self, i: int, j: int) -> PairParts:
        """The score of events ``i`` and ``j`` in parts."""
        similarity = float(self.centroids[i] @ self.centroids[j])
        actors = _shared(self.actors[i], self.actors[j])
        terms = _shared(self.topics[i], self.topics[j])
        actor_overlap = sum(actors.values())
        topic_overlap = sum(terms.values())
        score = similarity + self.params.entity_weight * actor_overlap + self.params.topic_weight * topic_overlap
        return PairParts(score, similarity, actor_overlap, topic_overlap, _ranked(actors), _ranked(terms))


def linker_scores(events: Sequence[EventState], counts: LinkCounts, params: Params) -> LinkerScores:
    """How the story linker scores pairs of these events: the one function to re-point when it changes."""
    return LinkerScores(events, counts, params)


def _topic_weights(event: EventState, df: Mapping[int, int], idf: Any) -> dict[int, float]:
    """An event's topic words (its members' weights summed) times their IDF; words of one event only drop."""
    summed: dict[int, float] = {}
    for hashes, weights in event.terms:
        for h, w in zip(hashes.tolist(), weights.tolist(), strict=True):
            summed[h] = summed.get(h, 0.0) + w
    return {h: w * idf(df[h]) for h, w in summed.items() if df[h] >= 2}


def _unit(weights: dict[Any, float]) -> dict[Any, float]:
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {k: w / norm for k, w in weights.items()} if norm else {}


def _shared(a: Mapping[Any, float], b: Mapping[Any, float]) -> dict[Any, float]:
    """Each key both weigh, with its share of their cosine."""
    return {k: w * b[k] for k, w in a.items() if k in b}


def _ranked(shares: Mapping[Any, float]) -> tuple[Any, ...]:
    return tuple(k for k, _ in sorted(shares.items(), key=lambda kv: (-kv[1], str(kv[0]))))


# -- a story's links --------------------------------------------------------------------------------


def event_states(events: Sequence[Event], found: Sequence[Features]) -> list[EventState | None]:
    """The state the linker builds of each event from its members' features (None: no member has any)."""
    by_id = {f.article_id: f for f in found}
    states: list[EventState | None] = []
    for event in events:
        members = [by_id[a] for a in event.article_ids if a in by_id]
        if not members:
            states.append(None)
            continue
        state = EventState(event.id, members[0].t, members[0].t, np.zeros_like(members[0].vector))
        for f in members:
            state.add(f)
        states.append(state)
    return states


def strongest(scores: LinkerScores) -> list[tuple[int, int, PairParts]]:
    """(event, earlier event, parts) for each event after the first: the earlier one it scores highest with
    (ties: the earliest)."""
    matrix = scores.matrix()
    found = []
    for i in range(1, len(matrix)):
        best = int(np.argmax(matrix[i, :i]))  # the first of equal maxima: the earliest
        found.append((i, best, scores.parts(i, best)))
    return found


def story_links(
    store: Store, story: Story, params: Params, articles: Mapping[str, Article] | None = None
) -> tuple[Link, ...]:
    """The links of a story's events (none for a one-event story). ``articles`` are any of its articles
    already read (with their text): the others that name a shared topic word are read here."""
    events = store.event_rows(story_id=story.id, texts=False)
    if len(events) < 2:
        return ()
    stored = store.features(ids=[a for e in events for a in e.article_ids])
    states = event_states(events, stored)
    kept = [(e, s) for e, s in zip(events, states, strict=True) if s is not None]
    if len(kept) < 2:
        return ()
    linked = [s for _, s in kept]
    counts = store.link_counts(
        sorted({k for s in linked for k in s.profile}),
        sorted({int(h) for s in linked for hs, _ in s.terms for h in hs}),
    )
    pairs = strongest(linker_scores(linked, counts, params))
    common = {h for h, df in counts.terms.items() if counts.events >= _FEW_EVENTS and 2 * df > counts.events}
    terms = {h for _, _, p in pairs for h in [t for t in p.terms if t not in common][: 2 * WORDS_KEPT]}
    words = _words(terms, stored, store, articles or {})
    keyed = _keyed(store.names_in([a for e, _ in kept for a in e.article_ids]))
    names, parts = _names(keyed), _name_parts(keyed)
    links = []
    for i, j, p in pairs:
        (later, _), (earlier, _) = kept[i], kept[j]
        actors = tuple(dict.fromkeys(names.get(k, _key_name(k)) for k in p.actors))
        in_actors = set().union(*(parts.get(k, set()) for k in p.actors))
        written = [w for h in p.terms if (w := words.get(h)) and not _name_word(w, in_actors, parts.get("", set()))]
        shown = tuple(dict.fromkeys(written))[:WORDS_KEPT]
        links.append(
            Link(_linked(later), _linked(earlier), p.score, p.similarity, p.actor_overlap, p.topic_overlap,
                 actors, shown, _days_apart(later, earlier))
        )  # fmt: skip
    return tuple(links)


def _linked(event: Event) -> LinkedEvent:
    return LinkedEvent(event.id, event.title, _day(event))


def _day(event: Event) -> date | None:
    """The day of an event's happening; None when none of its articles is dated (the stage then dates it by
    the day the articles were stored, which says nothing of when it happened)."""
    if event.first is None:
        return None
    return event.happened or event.first.date()


def _days_apart(a: Event, b: Event) -> int | None:
    first, second = _day(a), _day(b)
    return abs((first - second).days) if first and second else None


def _keyed(uses: Sequence[NameUse]) -> list[tuple[str | None, NameUse]]:
    """Each name use with its entity key (None for a type the linker does not key)."""
    return [(features.entity_key(u.type, u.name) if u.type in features.KEY_TYPES else None, u) for u in uses]


def _names(keyed: Sequence[tuple[str | None, NameUse]]) -> dict[str, str]:
    """Entity key -> the name a reader knows it by: the entity (else the written name) most of its mentions
    use (ties: alphabetically)."""
    votes: dict[str, Counter[str]] = {}
    for key, use in keyed:
        if key is not None:
            votes.setdefault(key, Counter())[use.entity or use.name] += use.mentions
    return {key: min(c, key=lambda name: (-c[name], name)) for key, c in votes.items()}


def _name_parts(keyed: Sequence[tuple[str | None, NameUse]]) -> dict[str, set[str]]:
    """The casefolded words of names: by entity key, every word of each written name of the key (a link
    naming North Korea as an actor does not list "North" as a word); under "", every word of a name of two
    words or more ("Binyamin", "Aviv", "House": no topic words when the text never writes them in lower
    case)."""
    parts: dict[str, set[str]] = {}
    for key, use in keyed:
        words = {w.casefold() for w in _NAME_WORD.findall(use.name)}
        if key is not None:
            parts.setdefault(key, set()).update(words)
        if len(words) > 1:
            parts.setdefault("", set()).update(words)
    return parts


def _name_word(word: str, in_actors: set[str], in_names: set[str]) -> bool:
    """Whether a shared word (as written) is a word of a shared actor's name, or a capitalized word of a longer
    name ("Aviv"), rather than a topic word."""
    folded = word.casefold()
    return folded in in_actors or (word != folded and folded in in_names)


def _key_name(key: str) -> str:
    """A key no mention names any more (the store changed since): its folded form, capitalized."""
    return key.split(":", 1)[-1].title()


def _words(
    wanted: set[int], stored: Sequence[Features], store: Store, articles: Mapping[str, Article]
) -> dict[int, str]:
    """Topic-word hash -> the word as the articles most often write it. Features keep hashes only: the words
    are recounted (``features.content_words``) in the fewest articles whose features hold them."""
    sources: dict[str, set[int]] = {}
    left = set(wanted)
    for f in stored:  # the first article holding each word
        have = left & {int(h) for h in f.terms.tolist()}
        if have:
            sources[f.article_id] = have
            left -= have
    missing = [a for a in sources if a not in articles]
    texts = {**articles, **{a.id: a for a in store.articles_by_ids(missing)}} if missing else articles
    found: dict[int, str] = {}
    for article_id in sources:
        if (article := texts.get(article_id)) is None:
            continue
        new = {}
        for word in features.content_words(article.title, article.text):
            h = features.term_hash(word)
            if h in wanted and h not in found:
                new[h] = word
        written = _as_written(set(new.values()), article.text)
        found.update({h: written[w] for h, w in new.items()})
    return found


def _as_written(words: set[str], text: str) -> dict[str, str]:
    """Casefolded words as the text (not its title) writes them inside sentences: in lower case if it ever
    does ("talks"), else in the form it uses most ("Moscow", "NATO"); a word that only opens sentences
    ("According to ...") or only the title is written in lower case."""
    forms: dict[str, Counter[str]] = {w: Counter() for w in words}
    for m in _NAME_WORD.finditer(text):
        folded = m.group(0).casefold()
        if folded in forms and not _OPENS.search(text, max(0, m.start() - 12), m.start()):
            forms[folded][m.group(0)] += 1
    return {w: w if not c or w in c else min(c, key=lambda f: (-c[f], f)) for w, c in forms.items()}


_OPENS = re.compile(r"""(?:^|[.!?]["'”’)\]]*\s+|\n\s*)["'“‘(\[]*$""")  # right before a sentence's first word
