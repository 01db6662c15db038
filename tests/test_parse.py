"""The parse layer: the token attributes equal the stock components', and worker processes store what one does."""

from pathlib import Path

import numpy as np
import pytest
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, ORTH, POS, TAG
from spacy.language import Language

import storyline
from storyline.analyze import document
from storyline.analyze.nlp import load_bare, load_nlp

TEXTS = [
    "There are two reasons, and there is a third. There's more: there were four.",
    "Let's go, y'all. I'm gonna get it, you gotta see. C'mon! It ain't so, it ain't.",
    '  \n\n  Mr. Smith said: "We got it, but I gave it to you."\n\nYou told me it was there.',
    "The mayor, who gets the reports, said they were late. She got them on Monday, but the city didn't.",
    "WASHINGTON _ The Senate voted 52-48 on Tuesday.\n\n(AP) -- More than 300 people were killed.",
]
ATTRS = [ORTH, TAG, POS, MORPH, LEMMA, DEP, HEAD]


@pytest.fixture(scope="module")
def stock() -> Language:
    nlp = load_bare()
    nlp.add_pipe("paragraph_breaks", before="parser")
    return nlp


def test_the_pipeline_sets_token_attributes_once_per_kind() -> None:
    nlp = load_nlp()
    assert "token_attributes" in nlp.pipe_names
    assert "attribute_ruler" not in nlp.pipe_names and "lemmatizer" not in nlp.pipe_names


def test_token_attributes_equal_the_stock_components(stock: Language) -> None:
    nlp = load_nlp()
    for _ in range(2):  # the second pass reuses every kind the first one learned
        for ours, theirs in zip(nlp.pipe(TEXTS), stock.pipe(TEXTS), strict=True):
            assert np.array_equal(ours.to_array(ATTRS), theirs.to_array(ATTRS)), ours.text
            assert [(t.lemma_, t.pos_, str(t.morph)) for t in ours] == [
                (t.lemma_, t.pos_, str(t.morph)) for t in theirs
            ]
    there = next(t for t in nlp(TEXTS[0]) if t.lower_ == "are")
    assert there.pos_ == "VERB"  # a two-token rule ("there are") wins over the one-token rule for "are"


def _rows(ws: storyline.Workspace) -> dict[str, list[tuple[object, ...]]]:
    con = ws.store._con
    return {t: con.execute(f"select * from {t} order by all").fetchall() for t in ("sentences", "quotes", "times")}


RECORDS = [
    {
        "id": f"a{i}",
        "published": "2020-01-30T12:00:00+00:00",
        "title": "Talks",
        "text": f"PARIS — Foreign Minister Anna Berg met envoys on Thursday, day {i} of the talks.\n\n"
        f'"We are close," Berg said on Friday. The next round starts on March {i + 1}.',
    }
    for i in range(1, 41)
]


def test_two_worker_processes_store_what_one_process_does(tmp_path: Path) -> None:
    found = []
    for processes in (1, 2):
        with storyline.open(tmp_path / f"p{processes}.duckdb", analysis_processes=processes) as ws:
            ws.ingest_records(RECORDS)
            report = ws.analyze()
            assert report.analyzed == len(RECORDS) and not report.failed
            found.append(_rows(ws))
    assert found[0] == found[1]
    assert all(found[0].values())


def test_a_failing_article_is_recorded_and_the_others_stored(
    ws: storyline.Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    analyze_doc = document.analyze_doc

    def fails_on_a2(doc, article):  # type: ignore[no-untyped-def]
        if article.id == "a2":
            raise RuntimeError("broken rule")
        return analyze_doc(doc, article)

    monkeypatch.setattr(document, "analyze_doc", fails_on_a2)
    ws.ingest_records(RECORDS[:3])
    report = ws.analyze()
    assert report.analyzed == 2
    assert report.failed == [("a2", "analysis failed: RuntimeError: broken rule")]


def test_workers_are_spawned_only_when_the_main_module_can_be_reimported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys
    import types

    main = types.ModuleType("__main__")
    monkeypatch.setitem(sys.modules, "__main__", main)
    assert document.start_method() == "spawn"  # python -c, a notebook: nothing to re-import
    guarded, bare = tmp_path / "guarded.py", tmp_path / "bare.py"
    guarded.write_text('import storyline\n\nif __name__ == "__main__":\n    storyline.open("x")\n')
    bare.write_text('import storyline\nstoryline.open("x")\n')
    main.__file__ = str(guarded)
    assert document.start_method() == "spawn"
    main.__file__ = str(bare)  # a spawned worker would run this script again: fork instead
    assert document.start_method() == "fork"
