"""Why a story's events are one story (stories/explain.py): the linker's score in parts, named for a reader."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import numpy as np
import pytest

import storyline
from storyline.model import Event, Features
from storyline.store.stories import LinkCounts, NameUse
from storyline.stories import cluster, explain, features
from storyline.stories.stage import cluster_params

T0 = datetime(2024, 3, 1, tzinfo=timezone.utc)


def counts_of(events: list[cluster.EventState]) -> LinkCounts:
    """What the store would count if these were every stored event."""
    keys = Counter(k for e in events for k in e.profile)
    terms = Counter(h for e in events for h in {int(h) for hs, _ in e.terms for h in hs})
    return LinkCounts(len(events), dict(keys), dict(terms))


def random_events(rng: np.random.Generator, n: int) -> list[cluster.EventState]:
    """Events of 1-3 articles over a small vocabulary of actors and words, so that many pairs share some."""
    actors = [f"p:{name}" for name in ("putin", "netanyahu", "biden", "xi", "kim", "trump")] + ["n:moscow", "n:un"]
    found = []
    for i in range(n):
        state = None
        for j in range(int(rng.integers(1, 4))):
            vector = rng.normal(size=16).astype(np.float32)
            vector /= np.linalg.norm(vector)
            keys = tuple(rng.choice(actors, size=int(rng.integers(0, 5)), replace=False).tolist())
            weights = tuple(float(1 + np.log(rng.integers(1, 5))) for _ in keys)
            terms = np.unique(rng.integers(0, 40, size=int(rng.integers(3, 12)))).astype(np.uint32)
            term_weights = (1 + np.log(rng.integers(1, 6, size=len(terms)))).astype(np.float32)
            t = T0 + timedelta(days=i, hours=j)
            f = Features(f"a{i}-{j}", t, vector, keys, weights, np.zeros(4, np.uint32), terms, term_weights)
            state = state or cluster.EventState(f"e{i}", t, t, np.zeros_like(vector))
            state.add(f)
        assert state is not None
        found.append(state)
    return found


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_scores_explained_are_the_linkers(seed: int) -> None:
    """With the store's counts taken over the same events, every pair's evidence is ``cluster``'s (before the
    corpus background and neighbourhoods), and its parts add up to it."""
    events = random_events(np.random.default_rng(seed), 12)
    params = cluster.Params()
    scores = explain.linker_scores(events, counts_of(events), params)
    every = np.arange(len(events))
    expected = cluster._StoryScores(events, params).evidence(every, every)
    assert np.allclose(scores.matrix(), expected, atol=1e-5)
    shared_some = 0
    for i in range(len(events)):
        for j in range(len(events)):
            p = scores.parts(i, j)
            assert p.score == pytest.approx(expected[i, j], abs=1e-5)
            assert p.score == pytest.approx(
                p.similarity + params.entity_weight * p.actor_overlap + params.topic_weight * p.topic_overlap
            )
            assert set(p.actors) <= set(events[i].profile) & set(events[j].profile)
            terms_i = {int(h) for hs, _ in events[i].terms for h in hs}
            terms_j = {int(h) for hs, _ in events[j].terms for h in hs}
            assert set(p.terms) <= terms_i & terms_j
            shared_some += bool(p.actors and p.terms)
    assert shared_some > len(events)  # the check above was not vacuous


def test_the_corpus_counts_change_the_main_actors_and_words() -> None:
    """The IDF comes from every stored event: an actor most events name gives way to a rarer one, and a word
    that only these two events use counts more than one that every event uses."""
    events = random_events(np.random.default_rng(7), 2)
    local = explain.linker_scores(events, counts_of(events), cluster.Params())
    crowded = counts_of(events)
    crowded = LinkCounts(1000, {k: 900 for k in crowded.keys}, {h: 900 for h in crowded.terms})
    assert explain.linker_scores(events, crowded, cluster.Params()).parts(0, 1) != local.parts(0, 1)


def test_each_event_after_the_first_is_linked_to_its_best_earlier_event() -> None:
    events = random_events(np.random.default_rng(11), 6)
    scores = explain.linker_scores(events, counts_of(events), cluster.Params())
    matrix = scores.matrix()
    found = explain.strongest(scores)
    assert [i for i, _, _ in found] == [1, 2, 3, 4, 5]
    for i, j, parts in found:
        assert j < i
        assert matrix[i, j] == pytest.approx(max(matrix[i, :i]))
        assert parts.score == pytest.approx(matrix[i, j], abs=1e-5)


def test_event_states_skip_events_without_features() -> None:
    events = random_events(np.random.default_rng(5), 2)
    members = [Features(a, T0, v, (), (), np.zeros(4, np.uint32), np.zeros(0, np.uint32), np.zeros(0, np.float32))
               for a, v in (("x", events[0].vectors[0]), ("y", events[1].vectors[0]))]  # fmt: skip
    stored = [Event("e1", "s", "One", ("x",)), Event("e2", "s", "Two", ("gone",)), Event("e3", "s", "Three", ("y",))]
    states = explain.event_states(stored, members)
    assert [s.members if s else None for s in states] == [["x"], None, ["y"]]


def test_content_words_are_what_the_stored_hashes_count() -> None:
    title, text = "Talks in Moscow", "Putin's talks with Netanyahu. The talks ran late; Moscow's mayor said 2024."
    hashes, _ = features.topic_terms(title, text)
    words = Counter(features.content_words(title, text))
    assert sorted(hashes.tolist()) == sorted(features.term_hash(w) for w in words)
    assert words["talks"] == 3 and words["moscow"] == 2 and words["putin"] == 1 and "2024" not in words


@pytest.mark.parametrize(
    ("word", "text", "written"),
    [
        ("talks", "Talks began on Monday. The talks ended.", "talks"),
        ("moscow", "He flew to Moscow. Officials in Moscow said so.", "Moscow"),
        ("according", "According to officials, it rained. “According to him, no.”", "according"),
        ("nato", "Members of NATO met. NATO said.", "NATO"),
        ("kremlin", "", "kremlin"),
    ],
)
def test_words_are_shown_as_the_articles_write_them(word: str, text: str, written: str) -> None:
    assert explain._as_written({word}, text) == {word: written}


def test_actors_are_named_by_their_entities() -> None:
    uses = [
        NameUse("PERSON", "Vladimir Putin", "Vladimir Putin", 3),
        NameUse("PERSON", "Putin", "Vladimir Putin", 5),
        NameUse("PERSON", "Binyamin Netanyahu", "Benjamin Netanyahu", 2),
        NameUse("GPE", "Moscow", None, 4),
        NameUse("DATE", "Monday", None, 9),
    ]
    keyed = explain._keyed(uses)
    names = explain._names(keyed)
    assert names == {"p:putin": "Vladimir Putin", "p:netanyahu": "Benjamin Netanyahu", "n:moscow": "Moscow"}
    parts = explain._name_parts(keyed)
    assert explain._name_word("Binyamin", set(), parts[""])  # a word of a longer name
    assert not explain._name_word("talks", set(), parts[""])
    assert explain._name_word("Moscow", parts["n:moscow"], parts[""])  # named as an actor already


@pytest.mark.parametrize(
    ("days", "said"),
    [(0, "same day"), (1, "1 day apart"), (5, "5 days apart"), (170, "about 6 months apart"),
     (759, "about 2 years apart")],
)  # fmt: skip
def test_time_apart_reads_as_a_reader_counts(days: int, said: str) -> None:
    assert explain.apart(days) == said


def test_days_apart_count_happenings_and_only_dated_ones() -> None:
    preview = Event("e1", "s", "Preview", ("x",), first=T0, happened=date(2024, 3, 7))
    coverage = Event("e2", "s", "Coverage", ("y",), first=T0 + timedelta(days=6))  # no happening day: its first
    undated = Event("e3", "s", "Undated", ("z",), happened=date(2024, 3, 7))  # the day it was stored: unknown
    assert explain._days_apart(coverage, preview) == 0
    assert explain._days_apart(preview, Event("e4", "s", "Later", ("w",), first=T0, happened=date(2026, 3, 7))) == 730
    assert explain._days_apart(undated, preview) is None
    assert explain._linked(undated).happened is None


def test_a_link_in_words() -> None:
    b, a = explain.LinkedEvent("e2", "Kremlin talks", date(2024, 3, 7)), explain.LinkedEvent("e1", "Preview", None)
    link = explain.Link(b, a, 1.2, 0.714, 0.5, 0.3, ("Putin", "Netanyahu"), ("talks", "Moscow"), 5)
    assert "; ".join(link.reasons()) == (
        "shared actors Putin, Netanyahu; topic words talks, Moscow; similarity 0.71; 5 days apart"
    )
    assert link.to_dict()["joined"] == {"id": "e1", "title": "Preview", "happened": None}
    bare = explain.Link(b, a, 0.9, 0.9, 0.0, 0.0, (), (), None)
    assert bare.reasons() == ["similarity 0.90"]


# -- on the demo ----------------------------------------------------------------------------------------


def whole_words(text: str) -> set[str]:
    return {w.casefold() for w in re.findall(r"\w+", text)}


def test_demo_links_name_what_the_events_share(demo_ws: storyline.Workspace) -> None:
    stories = demo_ws.stories(limit=None)
    linked = [s for s in stories if len(s.event_ids) > 1]
    assert linked and any(len(s.event_ids) == 1 for s in stories)
    events = {e.id: e for e in demo_ws.events()}
    store = demo_ws.store
    for story in stories:
        view = demo_ws.story_view(story.id)
        if len(story.event_ids) == 1:
            assert view.links == () and view.to_dict()["links"] == []
            continue
        assert [link.event.id for link in view.links] == list(story.event_ids[1:])
        for link in view.links:
            assert story.event_ids.index(link.joined.id) < story.event_ids.index(link.event.id)
            b, a = events[link.event.id], events[link.joined.id]
            assert link.actors and link.words and 0 < link.similarity <= 1
            for member_ids in (a.article_ids, b.article_ids):  # each side names every shared actor and word
                named = {u.entity or u.name for u in store.names_in(list(member_ids))}
                assert set(link.actors) <= named, (link.actors, story.title)
                texts = " ".join(f"{x.title}\n{x.text}" for x in store.articles_by_ids(list(member_ids)))
                assert {w.casefold() for w in link.words} <= whole_words(texts), (link.words, story.title)
            assert link.days == abs(((b.happened or date.min) - (a.happened or date.min)).days)
    assert demo_ws.story_links(linked[0].id) == demo_ws.story_view(linked[0].id).links
    with pytest.raises(storyline.NotFoundError):
        demo_ws.story_links("st-none")
    netanyahu = next(s for s in linked if "Netanyahu" in s.title)
    (link,) = demo_ws.story_view(netanyahu.id).links
    assert {"Benjamin Netanyahu", "Vladimir Putin"} <= set(link.actors)
    assert "Kremlin" in link.words and link.days is not None and link.days > 600


def test_demo_links_score_as_the_linker_scored_every_event(demo_ws: storyline.Workspace) -> None:
    """The store's counts over every event give the scores the linker gives with every event before it."""
    events = demo_ws.events()
    store = demo_ws.store
    states = explain.event_states(events, store.features())
    assert all(s is not None for s in states)
    every = [s for s in states if s is not None]
    index = {e.id: i for i, e in enumerate(events)}
    matrix = cluster._StoryScores(every, cluster_params(demo_ws.settings)).evidence(
        np.arange(len(every)), np.arange(len(every))
    )
    checked = 0
    for story in demo_ws.stories(limit=None):
        for link in demo_ws.story_view(story.id).links:
            assert link.score == pytest.approx(matrix[index[link.event.id], index[link.joined.id]], abs=1e-4)
            checked += 1
    assert checked >= 4
