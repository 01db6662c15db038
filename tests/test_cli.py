"""The command line as users run it: exit codes, output, exports readable by other tools."""

import json
import re
from pathlib import Path

import duckdb
import pytest
import typer
from typer.testing import CliRunner

import storyline
from storyline.cli import EXIT_SKIPPED, app
from storyline.cli_render import to_dict
from tests.conftest import story

runner = CliRunner()


def invoke(db: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.output


def corpus(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    records = [
        {
            "id": f"r{i}",
            "text": story(i),
            "title": f"Title {i}",
            "source": "Capital Wire" if i % 2 else "Meridian Post",
            "published": f"2024-03-{10 + i:02d}T08:00:00+00:00",
            "section": "world",
        }
        for i in range(4)
    ]
    (src / "a.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    (src / "b.txt").write_text("Source: Northgate Times\n\nBy the Lake\n\nBy Jane Doe\n\n" + story(7))
    return src


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("ingest", "articles", "show", "export"):
        assert command in result.output


def test_ingest_twice_then_list_show_and_export(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    code, output = invoke(db, "ingest", str(corpus(tmp_path)))
    assert code == 0, output
    assert "ingested 5, duplicates 0, skipped 0" in output
    code, output = invoke(db, "ingest", str(tmp_path / "in"))
    assert code == 0 and "ingested 0, duplicates 5" in output

    code, output = invoke(db, "articles", "--source", "Capital Wire", "--json")
    assert code == 0
    assert [json.loads(line)["id"] for line in output.splitlines()] == ["r1", "r3"]
    code, output = invoke(db, "articles", "--since", "2024-03-12", "--until", "2024-03-13", "--json")
    assert [json.loads(line)["id"] for line in output.splitlines()] == ["r2"]

    code, output = invoke(db, "articles", "--json", "--source", "Northgate Times")
    (txt,) = [json.loads(line) for line in output.splitlines()]
    assert txt["author"] == "Jane Doe" and txt["title"] == "By the Lake"
    code, output = invoke(db, "show", txt["id"], "--removed")
    assert code == 0 and "By Jane Doe" in output and "byline" in output

    for fmt in ("json", "jsonl", "parquet", "csv"):
        out = tmp_path / f"export.{fmt}"
        code, output = invoke(db, "export", str(out))
        assert code == 0, output
        assert "wrote 5 articles" in output
    document = json.loads((tmp_path / "export.json").read_text())
    assert document["schema_version"] == 1 and len(document["articles"]) == 5
    assert {"id", "source", "title", "author", "published", "url", "text"} <= set(document["articles"][0])
    assert len((tmp_path / "export.jsonl").read_text().splitlines()) == 5
    con = duckdb.connect()
    assert con.execute(f"SELECT count(*) FROM '{tmp_path / 'export.parquet'}'").fetchone() == (5,)
    assert con.execute(f"SELECT count(*) FROM read_csv_auto('{tmp_path / 'export.csv'}')").fetchone() == (5,)


def test_exit_codes(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    (tmp_path / "empty.txt").write_text("")
    code, output = invoke(db, "ingest", str(tmp_path / "empty.txt"))
    assert code == EXIT_SKIPPED and "empty" in output
    code, output = invoke(db, "show", "nope")
    assert code == 1 and "no article with id 'nope'" in output
    code, output = invoke(tmp_path / "missing.duckdb", "articles")
    assert code == 1 and "no such store" in output
    code, output = invoke(db, "export", str(tmp_path / "x.xml"))
    assert code == 2
    code, output = invoke(db, "ingest", str(tmp_path), "--published", "whenever")
    assert code == 1 and "whenever" in output


@pytest.mark.slow  # runs spaCy and the embedder over five articles (the fakes would do: only shapes are checked)
def test_every_json_output_is_the_librarys_to_dict(tmp_path: Path) -> None:
    """--json prints what the Python API returns, as each thing's JSON form: lists as JSON Lines, one thing
    as one object; text output of the same commands works too."""
    db = tmp_path / "s.duckdb"
    code, output = invoke(db, "run", str(corpus(tmp_path)))
    assert code == 0, output
    with storyline.open(db, read_only=True) as ws:
        story_id = ws.stories()[0].id
        name = ws.entities(limit=1)[0].name
        lists = {
            ("articles",): ws.articles(limit=50),
            ("stories",): ws.stories(limit=30),
            ("entities",): ws.entities(limit=30),
            ("quotes",): ws.quotes(limit=50),
            ("actions",): ws.actions(limit=100),
            ("actions", "--merged"): ws.merged_actions()[:100],
            ("feeds",): ws.feeds(),
        }
        ones = {("show", "r1"): to_dict(ws.get("r1")), ("timeline", story_id): to_dict(ws.timeline(story_id))}
    assert lists[("articles",)] and lists[("stories",)] and lists[("entities",)]
    for args, expected in lists.items():
        code, output = invoke(db, *args, "--json")
        assert code == 0, (args, output)
        assert [json.loads(line) for line in output.splitlines()] == [to_dict(x) for x in expected], args
        assert invoke(db, *args)[0] == 0, args
    for args, record in ones.items():
        code, output = invoke(db, *args, "--json")
        assert code == 0, (args, output)
        assert json.loads(output) == json.loads(json.dumps(record)) and output.count("\n") > 1, args
        assert invoke(db, *args)[0] == 0, args
    code, output = invoke(db, "entity", name, "--json")  # its JSON form: test_views' agreement test
    assert code == 0 and json.loads(output)["name"] == name and name in invoke(db, "entity", name)[1]


def test_errors_are_one_line_and_reads_do_not_write(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    invoke(db, "ingest", str(corpus(tmp_path)))
    before = db.read_bytes()
    for args in (("stories", "--entity", "Nobody"), ("entity", "Nobody"), ("timeline", "nothing"), ("show", "x")):
        result = runner.invoke(app, ["--db", str(db), *args])
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), args
        assert result.output.startswith("error: ") and "Traceback" not in result.output, args
    code, output = invoke(db, "stories")
    assert code == 0 and "no stories yet" in output
    assert db.read_bytes() == before
    code, output = invoke(db, "story", "x", "--format", "xml")
    assert code == 1 and "unknown format 'xml'" in output


def test_commands_get_no_workspace_argument_and_json_where_documented() -> None:
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    assert len(commands) == len(app.registered_commands)
    with_json = set()
    for name, command in commands.items():
        params = {p.name for p in command.params}
        assert "ws" not in params, name
        if "as_json" in params:
            with_json.add(name)
    assert with_json == {"articles", "show", "stories", "timeline", "entities", "entity", "quotes", "actions", "feeds"}


def test_the_cli_is_thin() -> None:
    """cli.py parses flags, calls the Workspace and renders: no store access, no pipeline, and short."""
    source = (Path(__file__).resolve().parent.parent / "src" / "storyline" / "cli.py").read_text()
    assert len(source.splitlines()) < 450
    assert not re.search(r"\bstore\.|storyline\.pipeline|from storyline import .*\bpipeline\b", source)
