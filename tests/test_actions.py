"""Action records: extraction rules on sentences of our own, odd input, the store, the trace, the surfaces."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import storyline
from storyline.analyze.document import analyze_doc
from storyline.analyze.nlp import load_nlp
from storyline.cli import app
from storyline.model import Action, Article


def actions_of(text: str) -> list[Action]:
    article = Article("t1", text, published=datetime(2024, 3, 6, 12, tzinfo=timezone.utc))
    return list(analyze_doc(load_nlp()(text), article).actions)


def summary(found: list[Action]) -> set[tuple[str, str, str]]:
    return {(a.type, a.source.name, a.target.name) for a in found}


def test_source_target_type_and_titles() -> None:
    found = actions_of(
        "Israeli Prime Minister Benjamin Netanyahu met Russian President Vladimir Putin in Moscow on Thursday."
    )
    assert summary(found) == {("CONSULT", "Benjamin Netanyahu", "Vladimir Putin")}
    record = found[0]
    assert (record.source.country, record.source.role) == ("Israel", "government")
    assert (record.target.country, record.target.role) == ("Russia", "government")
    assert record.date == "2024-02-29" and "Thursday" in (record.date_text or "")  # the Thursday before
    assert record.place == "Moscow" and record.verb == "met" and record.mode == "did" and not record.negated


def test_joint_subject_passive_agent_and_owner() -> None:
    assert summary(actions_of("Joe Biden and Xi Jinping agreed on Monday to restore military talks.")) >= {
        ("AGREE", "Joe Biden", "Xi Jinping")
    }
    found = actions_of("Dozens of protesters were arrested by police in Tbilisi on Saturday.")
    assert [(a.type, a.source.name, a.target.name) for a in found] == [("COERCE", "police", "protester")]
    assert found[0].source.kind == "group" and found[0].target.role == "civilians"
    blocked = actions_of("The European Commission blocked Siemens's takeover of Alstom.")
    assert ("REJECT", "European Commission", "Siemens") in summary(blocked)


def test_capitals_stand_for_countries_and_groups_take_their_country() -> None:
    found = actions_of("Moscow accused Washington of meddling. Israeli warplanes struck Iranian sites in Syria.")
    assert ("ACCUSE", "Russia", "United States") in summary(found)
    strike = next(a for a in found if a.type == "ASSAULT")
    assert (strike.source.country, strike.source.role, strike.target.name) == ("Israel", "military", "Iran")


def test_negation_and_modality() -> None:
    modes = {(a.type, a.negated, a.mode) for a in actions_of("Russia did not attack Ukraine.")}
    assert modes == {("ASSAULT", True, "did")}
    assert {a.mode for a in actions_of("Iran will sanction Britain next year.")} == {"will"}
    assert {a.mode for a in actions_of("Japan may join Australia in the talks.")} == {"may"}


def test_requested_acts_are_not_reported_as_done() -> None:
    found = actions_of("Beijing urged Washington to stop arming Taiwan.")
    assert summary(found) == {("REQUEST", "China", "United States")}


def test_quoted_claims_belong_to_their_speaker() -> None:
    text = 'Avigdor Lieberman spoke in Tel Aviv.\n\n"Iran has attacked Israel again," Lieberman said on Tuesday.'
    found = [a for a in actions_of(text) if a.type == "ASSAULT"]
    assert len(found) == 1
    assert found[0].status == "quoted" and found[0].claimed_by == "Avigdor Lieberman" and found[0].quote_id
    narrated = actions_of("Iran attacked Israel on Tuesday.")
    assert narrated[0].status == "narrated" and narrated[0].claimed_by is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Results: 1-0, 2-1, 3-3, 0-0, 4-2.",
        "Arsenal 2 Chelsea 1\nLiverpool 3 Everton 0\nLeeds 1 Fulham 1\n",
        "- Iran\n- Israel\n- Russia\n- Ukraine\n",
        " ".join(["Russia attacked Ukraine and"] * 400) + " Israel.",
        "Overview Sanctions Talks Attack Summit Meeting",
        "| team | won | lost |\n|---|---|---|\n| Iran | 3 | 1 |\n| Israel | 2 | 2 |",
    ],
)
def test_odd_input_yields_no_records_and_no_error(text: str) -> None:
    assert actions_of(text) == []


# ---- the demo corpus through the store ---------------------------------------------------------------


def test_every_record_traces_to_its_sentence(demo_ws: storyline.Workspace) -> None:
    records = demo_ws.actions()
    assert len(records) > 40
    articles = {a.id: a for a in demo_ws.articles(limit=None)}
    for record in records:
        text = articles[record.article_id].text
        sentence = next(s for s in demo_ws.store.sentences(record.article_id) if s.index == record.sentence)
        assert text[record.start : record.end] == sentence.text
        assert record.start <= record.verb_start < record.end
        for actor in (record.source, record.target):
            if actor.start is not None and actor.end is not None:
                assert text[actor.start : actor.end] == actor.text


def test_merged_records_count_independent_sources(demo_ws: storyline.Workspace) -> None:
    reprints = demo_ws.reprints()
    merged = demo_ws.merged_actions()
    raw = demo_ws.actions()
    assert len(merged) < len(raw)  # reprints and repeated statements are counted once
    assert any(m.sources > 1 for m in merged)
    by_id = {a.id: a for a in raw}
    for m in merged:
        articles = {by_id[s.action_id].article_id for s in m.sentences}
        assert m.articles == len(articles)
        assert m.sources == len({reprints.get(a, a) for a in articles})
        for s in m.sentences:
            assert s.reprint_of == reprints.get(s.article_id)
        json.dumps(m.to_dict())


def test_filters(demo_ws: storyline.Workspace) -> None:
    consult = demo_ws.actions(type="consult")
    assert consult and all(a.type == "CONSULT" for a in consult)
    by_putin = demo_ws.actions(actor="Vladimir Putin")
    assert by_putin and all(a.source.canonical == "Vladimir Putin" for a in by_putin)
    dated = demo_ws.actions(since="2023-01-01", until="2023-12-31")
    assert dated and all((a.date or "") >= "2023" and (a.date or "")[:4] <= "2023" for a in dated)
    story = demo_ws.stories(limit=1)[0]
    in_story = set(story.article_ids)
    assert all(a.article_id in in_story for a in demo_ws.actions(story=story.id))
    with pytest.raises(storyline.InputError):
        demo_ws.actions(type="HUG")


def test_exports_and_cli(demo_ws: storyline.Workspace, tmp_path: Path) -> None:
    count = len(demo_ws.actions())
    assert demo_ws.export_actions(tmp_path / "a.jsonl", "jsonl") == count
    lines = (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    assert len(lines) == count and first["event_type"] and first["sentence_text"]
    assert demo_ws.export_actions(tmp_path / "a.parquet", "parquet") == count
    con = duckdb.connect()
    rows = con.execute(f"SELECT count(*), count(DISTINCT event_type) FROM '{tmp_path / 'a.parquet'}'").fetchone()
    con.close()
    assert rows is not None and rows[0] == count and rows[1] > 3


def test_cli(tmp_path: Path) -> None:
    db = tmp_path / "cli.duckdb"
    text = (
        "Israeli Prime Minister Benjamin Netanyahu met Russian President Vladimir Putin in Moscow on Thursday.\n\n"
        "Moscow accused Washington of meddling in the election, officials said."
    )
    with storyline.open(db) as ws:
        ws.ingest_records([{"id": "m1", "text": text, "title": "Talks", "published": "2024-03-06T12:00:00+00:00"}])
        ws.analyze()
    runner = CliRunner()
    result = runner.invoke(app, ["--db", str(db), "actions", "--type", "ACCUSE", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [(r["event_type"], r["source_actor"], r["target_actor"]) for r in rows] == [
        ("ACCUSE", "Russia", "United States")
    ]
    result = runner.invoke(app, ["--db", str(db), "actions", "--merged"])
    assert result.exit_code == 0 and "CONSULT" in result.output and "Netanyahu" in result.output
    result = runner.invoke(app, ["--db", str(db), "actions", "--out", str(tmp_path / "a.parquet"), "-f", "parquet"])
    assert result.exit_code == 0 and (tmp_path / "a.parquet").is_file()
    result = runner.invoke(app, ["--db", str(db), "actions", "--type", "HUG"])
    assert result.exit_code != 0 and "unknown action type" in result.output
