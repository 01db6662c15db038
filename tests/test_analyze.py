"""The analysis stage through the public API: incremental, resumable, spans true to the text."""

import json
from pathlib import Path

import pytest

import storyline
from tests.conftest import DEMO

GOLD = json.loads((DEMO / "gold.json").read_text(encoding="utf-8"))

ONE = {
    "id": "one",
    "published": "2020-01-30T12:00:00+03:00",
    "source": "Capital Wire Service",
    "title": "Netanyahu meets Putin",
    "text": (
        "MOSCOW — Israeli Prime Minister Benjamin Netanyahu met Russian President Vladimir Putin in the "
        "Kremlin on Thursday.\n\n"
        '"We have a great deal to talk about," Putin said.\n\n'
        "Netanyahu said that the two countries would keep talking."
    ),
}
TWO = {
    "id": "two",
    "published": "2020-01-31T09:00:00+02:00",
    "title": "Home again",
    "text": "JERUSALEM — Binyamin Netanyahu returned home on Friday, a day after meeting Putin in Moscow.",
}
SPANISH = {
    "id": "es",
    "title": "Cumbre",
    "text": "Los dos líderes se reunieron el jueves en Moscú y hablaron durante tres horas sobre Siria e Irán.",
}


@pytest.fixture
def analyzed(ws: storyline.Workspace) -> storyline.Workspace:
    ws.ingest_records([ONE, SPANISH])
    report = ws.analyze()
    assert report.analyzed == 1
    assert report.skipped == [("es", "language is es, analysis is English only")]
    return ws


def test_rerun_does_nothing_and_new_articles_alone_are_analyzed(analyzed: storyline.Workspace) -> None:
    assert analyzed.analyze().analyzed == 0
    analyzed.ingest_records([TWO])
    assert analyzed.analyze().analyzed == 1
    netanyahu = analyzed.entity("Netanyahu")
    assert netanyahu.name == "Benjamin Netanyahu"
    assert set(netanyahu.article_ids) == {"one", "two"}
    assert {"Binyamin Netanyahu", "Benjamin Netanyahu"} <= set(netanyahu.aliases)
    assert "Israeli Prime Minister" in {t.title for t in netanyahu.titles}


def test_spans_are_slices_of_the_clean_text(analyzed: storyline.Workspace) -> None:
    text = analyzed.get("one").text
    assert [s.text for s in analyzed.store.sentences("one")] == [
        text[s.start : s.end] for s in analyzed.store.sentences("one")
    ]
    for quote in analyzed.quotes(article_id="one"):
        assert text[quote.start : quote.end] == quote.text
    for time in analyzed.times("one"):
        assert text[time.start : time.end] == time.text
    for title in analyzed.entity("Netanyahu").titles:
        assert text[title.start : title.end] == title.title


def test_quotes_resolve_to_entities(analyzed: storyline.Workspace) -> None:
    quotes = analyzed.quotes(speaker="Vladimir Putin")
    assert [q.text for q in quotes] == ["We have a great deal to talk about,"]
    assert quotes[0].speaker_entity_id == analyzed.entity("Putin").id


def test_export_has_analysis(analyzed: storyline.Workspace, tmp_path: Path) -> None:
    analyzed.export(tmp_path / "out.json")
    document = json.loads((tmp_path / "out.json").read_text())
    assert {"articles", "entities", "quotes", "times"} <= set(document)
    entity = next(e for e in document["entities"] if e["name"] == "Benjamin Netanyahu")
    assert {"id", "name", "type", "aliases", "titles", "article_ids"} <= set(entity)
    assert {"id", "article_id", "text", "kind", "cue", "speaker", "speaker_entity_id"} <= set(document["quotes"][0])
    if document["times"]:
        assert {"article_id", "text", "value", "granularity"} <= set(document["times"][0])


@pytest.fixture
def demo(demo_ws: storyline.Workspace) -> storyline.Workspace:
    return demo_ws


@pytest.mark.slow
def test_demo_name_variants_merge(demo: storyline.Workspace) -> None:
    """Every gold variant that occurs as a name in the text resolves to the gold entity's own entity."""
    mention_texts = {a for e in demo.entities(limit=None) for a in e.aliases}
    unmerged = []
    for gold in GOLD["entities"]:
        if gold["name"] not in mention_texts:
            continue
        expected = demo.entity(gold["name"]).id
        for variant in gold["variants"]:
            if variant in mention_texts and expected not in {e.id for e in demo.entities(name=variant, limit=None)}:
                unmerged.append((gold["name"], variant))
    assert unmerged == []


@pytest.mark.slow
def test_demo_distinct_people_stay_apart(demo: storyline.Workspace) -> None:
    for a, b in GOLD["distinct_entities"]:
        assert demo.entity(a).id != demo.entity(b).id, (a, b)


THREE = {
    "id": "three",
    "published": "2024-03-12T08:00:00+00:00",
    "title": "Plant to close",
    "text": (
        "The plant, which has run for two years, will close in five years, the company said on Monday. "
        "Inspectors visit annually. The report is due to be published in May."
    ),
}


def test_durations_and_sets_are_stored_typed_and_searchable(ws: storyline.Workspace, tmp_path: Path) -> None:
    ws.ingest_records([THREE])
    ws.analyze()
    typed = {(t.text, t.value, str(t.type)) for t in ws.times("three")}
    assert {("two years", "P2Y", "DURATION"), ("five years", "P5Y", "DURATION")} <= typed
    assert ("annually", "P1Y", "SET") in typed
    assert ("in May", "2024-05", "DATE") in typed  # a future month in a future clause is ahead
    assert [t.text for t in ws.times(type="duration", value="P5Y")] == ["five years"]
    assert [t.article_id for t in ws.times(type=storyline.TimexType.SET)] == ["three"]
    with pytest.raises(storyline.InputError, match="unknown time type"):
        ws.times(type="EPOCH")
    ws.export(tmp_path / "out.json")
    exported = json.loads((tmp_path / "out.json").read_text())["times"]
    assert {"text": "annually", "type": "SET"}.items() <= next(t for t in exported if t["text"] == "annually").items()
    # durations and sets are facts of the article, never entries of a timeline
    assert all(t.granularity is None for t in ws.times("three") if t.type in ("DURATION", "SET"))
