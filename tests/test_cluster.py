"""Story linking on hand-made features: what each part of the story score does."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import numpy as np

import storyline
from storyline.stories import cluster
from storyline.stories.features import TOPIC_TERMS, Features, topic_terms
from tests.conftest import story

T0 = datetime(2021, 11, 1, tzinfo=timezone.utc)


def unit(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=384).astype(np.float32)
    return v / np.linalg.norm(v)


def near(base: np.ndarray, cosine: float, seed: int) -> np.ndarray:
    """A unit vector at about ``cosine`` to ``base``."""
    other = unit(seed)
    other -= (other @ base) * base
    v = cosine * base + np.sqrt(1 - cosine**2) * other / np.linalg.norm(other)
    return (v / np.linalg.norm(v)).astype(np.float32)


def feature(article: str, day: int, vector: np.ndarray, actors: tuple[str, ...], text: str) -> Features:
    return Features(
        article,
        T0 + timedelta(days=day),
        vector,
        actors,
        tuple(1.0 for _ in actors),
        np.zeros(64, dtype=np.uint32),
        *topic_terms(None, text),
    )


def event(*members: Features) -> cluster.EventState:
    first = members[0]
    state = cluster.EventState(cluster.event_id(first.article_id), first.t, first.t, np.zeros_like(first.vector))
    for f in members:
        state.add(f)
    return state


CLIMATE = "Delegates argued over coal, emissions and fossil fuels as the climate conference ran into overtime."
CLIMATE_LATER = "The climate conference closed with a pledge on fossil fuels; coal and emissions divided delegates."
TRADE = "Negotiators argued over tariffs, soybeans and export quotas as the trade talks ran into overtime."


def test_topic_terms_keep_content_words_by_count() -> None:
    hashes, weights = topic_terms("Coal", "The coal plant's coal. It is coal-fired; the plant's owners said so.")
    plain, _ = topic_terms(None, "coal plant coal coal plant owners fired said")
    assert sorted(hashes.tolist()) == sorted(plain.tolist())  # stop words, possessives and case left out
    assert weights[0] == np.float32(1 + np.log(4))  # "coal" 4 times (title included) ranks first
    many, _ = topic_terms(None, " ".join(f"word{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(100)))
    assert len(many) == TOPIC_TERMS
    assert len(topic_terms(None, "")[0]) == 0


def test_shared_topic_links_events_without_shared_actors() -> None:
    """Two climate conferences two years apart, other delegates, leads at cosine 0.45: one story."""
    params = cluster.Params()
    base = unit(1)
    cop26 = event(feature("a1", 0, base, ("p:sharma", "n:glasgow"), CLIMATE))
    cop28 = event(feature("a2", 730, near(base, 0.45, 2), ("p:jaber", "n:dubai"), CLIMATE_LATER))
    trade = event(feature("a3", 30, near(base, 0.45, 3), ("p:lighthizer", "n:beijing"), TRADE))
    story_of = cluster.group([cop26, cop28, trade], params).story_of
    assert story_of[cop26.id] == story_of[cop28.id]
    assert story_of[trade.id] != story_of[cop26.id]  # same shape of sentence, other topic words
    unlinked = cluster.group([cop26, cop28, trade], cluster.Params(topic_weight=0.0)).story_of
    assert unlinked[cop26.id] != unlinked[cop28.id]  # it is the topic words that link them


def test_words_every_event_uses_do_not_link() -> None:
    """The IDF is counted over the events linked: ten summits share their generic words, each pair of
    them its own subject; only the pairs become stories."""
    common = "summit leaders meeting talks " * 3
    subjects = ["nuclear missiles sanctions", "tariffs soybeans exports", "vaccines pandemic masks",
                "pipeline gas supplies", "refugees border asylum"]  # fmt: skip
    base = unit(30)
    events = [
        event(feature(f"d{i}", 40 * i, near(base, 0.5, 31 + i), (f"p:leader{i}",), common + subjects[i // 2]))
        for i in range(10)
    ]
    story_of = cluster.group(events, cluster.Params()).story_of
    assert [story_of[e.id] for e in events[0::2]] == [story_of[e.id] for e in events[1::2]]
    assert len(set(story_of.values())) == 5


def test_topic_matrix_rows_are_unit_or_empty() -> None:
    lonely = event(feature("c1", 0, unit(20), (), "kangaroo wombat platypus"))
    pair = [event(feature(f"c{i}", i, unit(20 + i), (), CLIMATE)) for i in (2, 3)]
    empty = event(feature("c4", 4, unit(24), (), ""))
    matrix = cluster._topic_matrix([lonely, *pair, empty])
    cosines = (matrix @ matrix.T).toarray()
    assert np.allclose(np.diag(cosines), [0.0, 1.0, 1.0, 0.0])  # no word shared with another event: no topic
    assert cosines[0, 1] == 0 and np.isclose(cosines[1, 2], 1.0)


def test_features_stored_before_topic_terms_are_recomputed(ws: storyline.Workspace) -> None:
    """A store from before schema 5 has features without terms: the next clustering fills them in."""
    ws.ingest_records([{"id": f"n{i}", "title": f"Coal talks {i}", "text": story(i)} for i in range(3)])
    ws.analyze()
    ws.cluster(summaries=False)
    con = ws.store._con
    before = con.execute("SELECT article_id, terms FROM article_features ORDER BY ALL").fetchall()
    assert len(before) == 3 and all(terms for _, terms in before)
    con.execute("UPDATE article_features SET terms = NULL, term_weights = NULL WHERE article_id = 'n1'")
    assert ws.store.pending_features() == ["n1"]
    ws.cluster(summaries=False)
    assert con.execute("SELECT article_id, terms FROM article_features ORDER BY ALL").fetchall() == before
    assert ws.store.pending_features() == []


def test_a_name_every_event_gives_way_among_main_actors() -> None:
    """Three leaders each meet twice, years apart; each event names its leader, six things of its own, a
    venue, and Washington just above the venue: without IDF Washington would be the eighth main actor
    of all six events and link different leaders (leads at cosine 0.63, no topic words). Chosen by
    weight x IDF, the venue takes its place; the same leader still links."""
    base = unit(40)
    rest, _ = np.linalg.qr(np.random.default_rng(41).normal(size=(384, 7)))
    rest = rest[:, 1:] - np.outer(base, base @ rest[:, 1:])  # six directions about orthogonal to base
    rest /= np.linalg.norm(rest, axis=0)
    leaders = ["p:trump", "p:trump", "p:biden", "p:biden", "p:putin", "p:putin"]
    events = []
    for i in range(6):
        vector = (np.sqrt(0.63) * base + np.sqrt(0.37) * rest[:, i]).astype(np.float32)
        keys = (leaders[i], *(f"n:thing{i}.{j}" for j in range(6)), "n:washington", f"n:venue{i}")
        weights = (3.0, *(2.0,) * 6, 1.9, 1.8)
        f = feature(f"w{i}", 400 * i, vector, (), "")
        events.append(event(dataclasses.replace(f, keys=keys, weights=weights)))
    actors = cluster._main_actor_profiles(events, cluster.Params().story_keys)
    assert "n:washington" not in actors[0] and "n:venue0" in actors[0] and len(actors[0]) == 8
    story_of = cluster.group(events, cluster.Params()).story_of
    assert [story_of[e.id] for e in events[0::2]] == [story_of[e.id] for e in events[1::2]]
    assert len(set(story_of.values())) == 3


def test_background_is_the_mean_cosine_of_two_events_with_the_prior() -> None:
    vectors = np.stack([near(unit(50), 0.3, 51 + i) for i in range(12)])
    pairs = [float(vectors[i] @ vectors[j]) for i in range(12) for j in range(i + 1, 12)]
    expected = (sum(pairs) + cluster.PRIOR_PAIRS * 0.1) / (len(pairs) + cluster.PRIOR_PAIRS)
    assert np.isclose(cluster._background(vectors, 0.1), expected, atol=1e-5)
    sparse_rows = cluster._topic_matrix([event(feature(f"b{i}", i, unit(i), (), CLIMATE)) for i in range(3)])
    assert np.isclose(cluster._background(sparse_rows, 0.0), 3 / (3 + cluster.PRIOR_PAIRS), atol=1e-5)
    assert np.isclose(cluster._background(vectors[:1], 0.1), 0.1)  # one event: the prior alone


def test_a_corpus_of_one_genre_needs_more_than_its_usual_likeness_to_link() -> None:
    """Three pairs of summits, other leaders, all six leads at cosine about 0.6 to each other: that is the
    corpus's background, so the lead cosine of two summits counts only above it and each pair (same
    leaders, same subject) is a story of its own."""
    base = unit(60)
    pairs = [(("p:trump", "p:kim"), "nuclear missiles"), (("p:biden", "p:xi"), "tariffs chips"),
             (("p:modi", "p:putin"), "oil rupees")]  # fmt: skip
    summits = [
        event(feature(f"s{i}{k}", 400 * i + 200 * k, near(base, 0.77, 61 + 2 * i + k), leaders, f"summit {words}"))
        for i, (leaders, words) in enumerate(pairs)
        for k in range(2)
    ]
    story_of = cluster.group(summits, cluster.Params()).story_of
    assert [story_of[e.id] for e in summits[0::2]] == [story_of[e.id] for e in summits[1::2]]
    assert len(set(story_of.values())) == 3
    scores = cluster._StoryScores(summits, cluster.Params())
    assert float(summits[0].centroid @ summits[2].centroid) > 0.55 and scores.parts(0, 2)["cosine"] < 0.35
    parts = scores.parts(0, 1)
    assert np.isclose(sum(parts.values()), scores.between(np.array([0]), np.array([1]))[0, 0], atol=1e-5)


def test_events_of_one_topic_that_read_little_alike_link_through_their_neighbours() -> None:
    """Four events of one topic, leads at cosine about 0.45 to each other, no shared actors or words, among
    36 unrelated events: each is the others' nearest, so their neighbourhoods agree and they form a story;
    without the neighbourhood part they stay apart."""
    base = unit(70)
    topic = [event(feature(f"t{i}", 30 * i, near(base, 0.67, 71 + i), (f"p:person{i}",), "")) for i in range(4)]
    noise = [event(feature(f"u{i}", 7 * i, unit(100 + i), (f"p:other{i}",), "")) for i in range(36)]
    events = sorted(topic + noise, key=lambda e: (e.first, e.id))
    scores = cluster._StoryScores(events, cluster.Params())
    at = {e.id: i for i, e in enumerate(events)}
    a, b = at[topic[0].id], at[topic[1].id]
    assert scores.direct(np.array([a]), np.array([b]))[0, 0] < cluster.Params().story
    story_of = cluster.group(events, cluster.Params()).story_of
    assert len({story_of[e.id] for e in topic}) == 1
    assert all(story_of[e.id] != story_of[topic[0].id] for e in noise)
    alone = cluster.group(events, cluster.Params(neighbour_weight=0.0)).story_of
    assert len({alone[e.id] for e in topic}) == 4
