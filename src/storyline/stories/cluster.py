"""Events and stories from article features.

Events: one pass over the articles in time order (the time of the happening each reports, see
``stories.happening``: a preview, its coverage and a follow-up share the day of what they report, however
many days apart they were published; then id). Each article is scored
against the events still open at its time (an event closes ``gap_days`` after its latest article, or
``span_days`` after its first): cosine of its vector with the event centroid plus ``entity_weight``
times the overlap of their entity keys. It joins the best event scoring at least ``join``, else opens
a new one. Because the pass is a function of the ordered articles alone, the store can replay it from
any point: new articles older than some already placed make the stage rewind to the oldest of them and
replay from there, so the result never depends on batch sizes or on the order articles arrived in.

After the pass, events that were opened apart but overlap in time and agree in vector and entities
are merged (a late preview and the coverage of one summit). Stories link events of any date whose main
actors and topic agree (the same leaders meeting again years later; two climate conferences with other
delegates), by average linkage on a score of four parts (``_StoryScores``): the cosine of the events'
lead vectors and that of their TF-IDF topic words, each measured against the corpus's background (the
mean cosine of two of its events: a corpus of one genre needs more than its usual likeness), the
overlap of their main actors (chosen by weight and IDF), and how much their neighbourhoods (their best
scoring events) agree. Backgrounds, IDF and neighbourhoods are counted over the events being linked, so
one default serves a corpus of fifty topics and one of a few summits alike.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
from scipy import sparse
from scipy.cluster import hierarchy
from scipy.spatial.distance import squareform

from storyline.model import Features
from storyline.settings import Settings
from storyline.unionfind import UnionFind


@dataclass(frozen=True)
class Params:
    """The clustering parameters; those a user sets default to the Settings' defaults (one place)."""

    join: float = Settings.event_threshold  # cosine + entity_weight * overlap needed to join an event
    entity_weight: float = 0.35
    gap_days: float = Settings.event_gap_days  # an event takes articles up to this long after its latest one
    span_days: float = 12.0  # ... and up to this long after its first one
    merge: float = 0.72  # score two overlapping events need to merge
    story: float = Settings.story_threshold  # average story score a story's events share (see _StoryScores)
    story_keys: int = 8  # main actors of an event: its top entity keys
    topic_weight: float = 1.0  # weight of the TF-IDF cosine of two events' topic words in a story's score
    neighbours: int = 8  # events in an event's neighbourhood (at most one in NEIGHBOUR_SHARE of the corpus)
    neighbour_weight: float = 0.75  # weight of the agreement of two events' neighbourhoods in a story's score


@dataclass
class EventState:
    """An event as the online pass sees it."""

    id: str
    first: datetime
    last: datetime
    total: np.ndarray  # sum of member vectors
    profile: dict[str, float] = field(default_factory=dict)  # summed entity weights
    members: list[str] = field(default_factory=list)
    vectors: list[np.ndarray] = field(default_factory=list)
    terms: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)  # members' (hashes, weights)
    times: list[datetime] = field(default_factory=list)  # members' happening times
    _centroid: np.ndarray | None = None

    def add(self, f: Features) -> None:
        self.total = self.total + f.vector
        self._centroid = None
        self.last = max(self.last, f.t)
        self.first = min(self.first, f.t)
        for key, weight in zip(f.keys, f.weights, strict=True):
            self.profile[key] = self.profile.get(key, 0.0) + weight
        self.members.append(f.article_id)
        self.vectors.append(f.vector)
        self.terms.append((f.terms, f.term_weights))
        self.times.append(f.t)

    @property
    def centroid(self) -> np.ndarray:
        """The unit mean of the members' vectors (cached until the next ``add``)."""
        if self._centroid is None:
            norm = float(np.sqrt(self.total @ self.total))
            self._centroid = self.total / norm if norm else self.total
        return self._centroid


def main_day(times: Iterable[datetime]) -> date | None:
    """The day most of ``times`` fall on (ties: the earliest): an event's happening day."""
    days = Counter(t.date() for t in times)
    return min(days, key=lambda d: (-days[d], d)) if days else None


def event_id(first_article: str) -> str:
    return "ev" + hashlib.sha1(first_article.encode()).hexdigest()[:10]


def story_id(first_event: str) -> str:
    return "st" + hashlib.sha1(first_event.encode()).hexdigest()[:10]


def overlap(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine of two entity-key profiles (0 when either is empty)."""
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b[k] for k, w in a.items() if k in b)
    if not dot:
        return 0.0
    return dot / (math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values())))


def order_key(f: Features) -> tuple[datetime, str]:
    return (f.t, f.article_id)


class OnlinePass:
    """Places articles, in time order, into open events."""

    def __init__(self, params: Params, open_events: Iterable[EventState] = ()) -> None:
        self.params = params
        self.open: list[EventState] = list(open_events)

    def _close_expired(self, t: datetime) -> None:
        gap, span = timedelta(days=self.params.gap_days), timedelta(days=self.params.span_days)
        self.open = [e for e in self.open if e.last >= t - gap and e.first >= t - span]

    def place(self, f: Features) -> tuple[str, float]:
        """The event ``f`` joins (opening one if none fits) and its score there."""
        self._close_expired(f.t)
        best: EventState | None = None
        best_score = -1.0
        if self.open:
            centroids = np.stack([e.centroid for e in self.open])
            cosines = centroids @ f.vector
            profile = f.profile
            for event, cosine in zip(self.open, cosines, strict=True):
                if cosine + self.params.entity_weight < self.params.join:
                    continue  # cannot reach the threshold even with full entity overlap
                score = float(cosine) + self.params.entity_weight * overlap(profile, event.profile)
                if score > best_score:
                    best, best_score = event, score
        if best is None or best_score < self.params.join:
            best = EventState(event_id(f.article_id), f.t, f.t, np.zeros_like(f.vector))
            self.open.append(best)
            best_score = 1.0
        best.add(f)
        return best.id, best_score


@dataclass(frozen=True)
class Grouping:
    """The final grouping: merged event of every raw event, story of every merged event."""

    event_of: dict[str, str]  # raw event id -> event id
    story_of: dict[str, str]  # event id -> story id


def group(raw: Sequence[EventState], params: Params) -> Grouping:
    """Merge overlapping events that agree, then link events into stories. Deterministic in ``raw``."""
    events = sorted(raw, key=lambda e: (e.first, e.id))
    merged = _merge_events(events, params)
    by_event: dict[str, list[EventState]] = {}
    for e in events:
        by_event.setdefault(merged[e.id], []).append(e)
    combined = [_combine(k, parts) for k, parts in by_event.items()]
    combined.sort(key=lambda e: (e.first, e.id))
    return Grouping(merged, _link_stories(combined, params))


def _combine(event: str, parts: list[EventState]) -> EventState:
    total = np.sum([p.total for p in parts], axis=0)
    out = EventState(event, min(p.first for p in parts), max(p.last for p in parts), total)
    for p in parts:
        out.members.extend(p.members)
        out.vectors.extend(p.vectors)
        out.terms.extend(p.terms)
        out.times.extend(p.times)
        for k, w in p.profile.items():
            out.profile[k] = out.profile.get(k, 0.0) + w
    return out


def _score(a: EventState, b: EventState, params: Params) -> float:
    return float(a.centroid @ b.centroid) + params.entity_weight * overlap(a.profile, b.profile)


def _merge_events(events: list[EventState], params: Params) -> dict[str, str]:
    uf = UnionFind([e.id for e in events])
    gap = timedelta(days=params.gap_days)
    for i, a in enumerate(events):
        for b in events[i + 1 :]:
            if b.first > a.last + gap:
                break
            if _score(a, b, params) >= params.merge:
                uf.union(a.id, b.id)
    return {e.id: uf.find(e.id) for e in events}


def _link_stories(events: list[EventState], params: Params) -> dict[str, str]:
    """Average-linkage clustering of events on their story score (see ``_StoryScores``).

    Average linkage joins two groups only when their events agree on the whole, so one shared actor
    or word does not chain unrelated events together. A group can only form inside a connected
    component of the graph of pairs scoring at least ``story``, so components are found first (in row
    blocks, actors, topics and neighbourhoods as sparse products) and the linkage runs per component.
    """
    n = len(events)
    if n == 0:
        return {}
    scores = _StoryScores(events, params)
    uf = UnionFind([e.id for e in events])
    everything = np.arange(n)
    for begin in range(0, n, _BLOCK):
        block = np.arange(begin, min(begin + _BLOCK, n))
        rows, cols = np.nonzero(scores.between(block, everything) >= params.story)
        for i, j in zip((rows + begin).tolist(), cols.tolist(), strict=True):
            if j > i:
                uf.union(events[i].id, events[j].id)
    components: dict[str, list[int]] = {}
    for i, e in enumerate(events):
        components.setdefault(uf.find(e.id), []).append(i)
    story_of: dict[str, str] = {}
    for members in components.values():
        for group in _average_linkage(members, scores, params.story):
            first = events[min(group)].id  # events are in time order: the earliest names the story
            story_of.update({events[i].id: story_id(first) for i in group})
    return story_of


_BLOCK = 256  # rows scored at once: 256 x events floats per term of the score
# What two unrelated news events share on average, as if seen over PRIOR_PAIRS pairs before the corpus's
# own: the lead cosine and topic-word cosine of unrelated DUC 2006 and WikiRef220 events (about 0.10 and
# 0.03). It steadies the corpus background of a store of a few events (two events alone are not a corpus).
PRIOR_PAIRS = 10
PRIOR_COSINE = 0.10
PRIOR_TOPIC = 0.03
NEIGHBOUR_SHARE = 10  # an event's neighbourhood: at most one event in this many of the corpus


class _StoryScores:
    """How much two events read as one story. The parts of a pair's score (``parts``):

    - ``cosine``: the cosine of their lead vectors, rescaled against the corpus background (the mean
      cosine of two of its events, ``background``): (cosine - background) / (1 - background), so that a
      corpus of one genre (summits of other leaders, all alike in their words) needs more than its
      usual likeness to link;
    - ``actors`` x ``entity_weight``: the cosine of their main actors;
    - ``topic`` x ``topic_weight``: the cosine of their TF-IDF topic words, rescaled like the lead cosine;
    - ``neighbours`` x ``neighbour_weight``: how much their neighbourhoods agree: the cosine of the
      scores (of the three parts above) of each with its ``neighbours`` best-scoring events, itself
      included. Events of one broad topic that read little alike share the events they are close to.

    ``between`` sums the parts for blocks of events; ``top`` is the score of an event with itself.
    """

    def __init__(self, events: list[EventState], params: Params) -> None:
        self.centroids = np.stack([e.centroid for e in events]).astype(np.float32)
        self.actors = _actor_matrix(_main_actor_profiles(events, params.story_keys))
        self.topics = _topic_matrix(events)
        self.entity_weight, self.topic_weight = params.entity_weight, params.topic_weight
        self.neighbour_weight = params.neighbour_weight
        self.background = _background(self.centroids, PRIOR_COSINE)
        self.topic_background = _background(self.topics, PRIOR_TOPIC)
        self.direct_top = 1.0 + self.entity_weight + self.topic_weight  # identical events, before neighbours
        self.top = self.direct_top + self.neighbour_weight
        n = len(events)
        self.neighbours_of = max(1, min(params.neighbours, n // NEIGHBOUR_SHARE))
        self.neighbourhoods = self._neighbourhoods(n)

    def _cosine(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        found = self.centroids[rows] @ self.centroids[cols].T
        return (found - self.background) / (1.0 - self.background)

    def _actors(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        return np.asarray((self.actors[rows] @ self.actors[cols].T).toarray())

    def _topic(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        found = (self.topics[rows] @ self.topics[cols].T).toarray()
        return np.asarray((found - self.topic_background) / (1.0 - self.topic_background))

    def direct(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """The score without the neighbourhoods: cosine + entity_weight x actors + topic_weight x topic."""
        scores = self._cosine(rows, cols)
        scores += self.entity_weight * self._actors(rows, cols)
        scores += self.topic_weight * self._topic(rows, cols)
        return scores

    def evidence(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """What two events share, before the corpus background and the neighbourhoods: lead cosine +
        entity_weight x actors + topic_weight x topic-word cosine (what ``explain`` shows a reader)."""
        scores = self.centroids[rows] @ self.centroids[cols].T
        scores += self.entity_weight * self._actors(rows, cols)
        scores += self.topic_weight * (self.topics[rows] @ self.topics[cols].T).toarray()
        return np.asarray(scores)

    def between(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Scores of the events ``rows`` (one matrix row each) with the events ``cols``."""
        shared = (self.neighbourhoods[rows] @ self.neighbourhoods[cols].T).toarray()
        return self.direct(rows, cols) + self.neighbour_weight * shared

    def parts(self, i: int, j: int) -> dict[str, float]:
        """The weighted parts of the score of events ``i`` and ``j`` (they sum to ``between``)."""
        a, b = np.array([i]), np.array([j])
        return {
            "cosine": float(self._cosine(a, b)[0, 0]),
            "actors": self.entity_weight * float(self._actors(a, b)[0, 0]),
            "topic": self.topic_weight * float(self._topic(a, b)[0, 0]),
            "neighbours": self.neighbour_weight * float((self.neighbourhoods[a] @ self.neighbourhoods[b].T)[0, 0]),
        }

    def _neighbourhoods(self, n: int) -> sparse.csr_matrix:
        """Rows of each event's ``neighbours_of`` best direct scores (itself at ``direct_top``; scores
        below 0 count 0), L2-normalized: a row product is how much two neighbourhoods agree."""
        k = min(self.neighbours_of + 1, n)
        everything = np.arange(n)
        rows, cols, values = [], [], []
        for begin in range(0, n, _BLOCK):
            block = np.arange(begin, min(begin + _BLOCK, n))
            scores = self.direct(block, everything)
            scores[np.arange(len(block)), block] = self.direct_top
            best = np.argpartition(-scores, k - 1, axis=1)[:, :k] if k < n else np.tile(everything, (len(block), 1))
            found = np.clip(np.take_along_axis(scores, best, axis=1), 0.0, None)
            found /= np.linalg.norm(found, axis=1, keepdims=True)
            rows.append(np.repeat(block, k))
            cols.append(best.ravel())
            values.append(found.ravel())
        return sparse.csr_matrix(
            (np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n), dtype=np.float32
        )


def _background(rows: np.ndarray | sparse.csr_matrix, prior: float) -> float:
    """The mean cosine of two different events (rows of unit or empty vectors), with ``PRIOR_PAIRS`` pairs
    at ``prior`` counted in: the sum of all the rows, squared, less each row with itself, over the pairs."""
    n = rows.shape[0]
    total = np.asarray(rows.sum(axis=0), dtype=np.float64).ravel()
    if isinstance(rows, np.ndarray):
        own = float(np.einsum("ij,ij->", rows, rows, dtype=np.float64))
    else:
        own = float(rows.multiply(rows).sum())
    pairs = n * (n - 1) / 2
    observed = (float(total @ total) - own) / 2  # the sum over pairs
    return (observed + PRIOR_PAIRS * prior) / (pairs + PRIOR_PAIRS)


def _main_actor_profiles(events: list[EventState], n: int) -> list[dict[str, float]]:
    """The ``n`` main actors of each event, chosen by weight x IDF over the events being linked, with their weights.

    The IDF, log((1 + events) / (1 + df)) + 1 as for topic words, counts the events whose entities
    name the actor. An event's main actors are its most named and most distinctive names: among names
    it gives about the same weight, one that most events share (the home country of a corpus, its
    capital: "Washington" in American summits with different leaders) gives way to one that few
    events name. The overlap still uses the weights themselves, so shared names count as before once
    they are main actors.
    """
    df: dict[str, int] = {}
    for e in events:
        for key in e.profile:
            df[key] = df.get(key, 0) + 1
    idf = {k: smooth_idf(len(events), d) for k, d in df.items()}
    return [main_actors(e.profile, idf, n) for e in events]


def smooth_idf(n: float, df: float) -> float:
    """log((1 + n) / (1 + df)) + 1, scikit-learn's smoothed IDF of a name or word ``df`` of ``n`` events hold."""
    return math.log((1.0 + n) / (1.0 + df)) + 1.0


def main_actors(profile: dict[str, float], idf: dict[str, float], n: int) -> dict[str, float]:
    """The ``n`` entity keys of a profile with the highest weight x IDF (ties: by key), with their weights."""
    return dict(sorted(profile.items(), key=lambda kv: (-kv[1] * idf[kv[0]], kv[0]))[:n])


def _actor_matrix(profiles: list[dict[str, float]]) -> sparse.csr_matrix:
    """Rows of L2-normalized actor weights, so a row product is the cosine of two profiles."""
    index: dict[str, int] = {}
    rows, cols, values = [], [], []
    for i, profile in enumerate(profiles):
        norm = math.sqrt(sum(v * v for v in profile.values())) or 1.0
        for key, value in profile.items():
            rows.append(i)
            cols.append(index.setdefault(key, len(index)))
            values.append(value / norm)
    return sparse.csr_matrix((values, (rows, cols)), shape=(len(profiles), max(len(index), 1)), dtype=np.float32)


def _topic_matrix(events: list[EventState]) -> sparse.csr_matrix:
    """Rows of L2-normalized TF-IDF weights of each event's topic words (its members' weights summed).

    The IDF, log((1 + n) / (1 + df)) + 1 (scikit-learn's smoothed form), counts the events a word
    occurs in. A word of one event only is dropped: it cannot link that event to another, and kept in
    the norm it would mostly measure how many articles an event has (on DUC 2006 and WikiRef220,
    dropping it gave the better stories).
    """
    n = len(events)
    owner = [np.full(len(h), i, dtype=np.int64) for i, e in enumerate(events) for h, _ in e.terms]
    if not owner:
        return sparse.csr_matrix((n, 1), dtype=np.float32)
    hashes = np.concatenate([h for e in events for h, _ in e.terms])
    weights = np.concatenate([w for e in events for _, w in e.terms]).astype(np.float32)
    words, column = np.unique(hashes, return_inverse=True)
    matrix = sparse.csr_matrix((weights, (np.concatenate(owner), column)), shape=(n, max(len(words), 1)))
    matrix.sum_duplicates()
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    idf = np.where(df >= 2, np.log((1.0 + n) / (1.0 + df)) + 1.0, 0.0).astype(np.float32)
    matrix = sparse.csr_matrix(matrix @ sparse.diags(idf))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    return sparse.csr_matrix(sparse.diags(np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)) @ matrix)


def _average_linkage(members: list[int], scores: _StoryScores, threshold: float) -> list[list[int]]:
    if len(members) <= 2:
        return [members]  # two events in one component score at least the threshold together
    index = np.array(members)
    distances = np.clip(scores.top - scores.between(index, index), 0.0, None)
    np.fill_diagonal(distances, 0.0)
    tree = hierarchy.linkage(squareform(distances, checks=False), method="average")
    labels = hierarchy.fcluster(tree, t=scores.top - threshold, criterion="distance")
    groups: dict[int, list[int]] = {}
    for member, label in zip(members, labels, strict=True):
        groups.setdefault(int(label), []).append(member)
    return list(groups.values())
