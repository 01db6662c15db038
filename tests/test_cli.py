"""The command line as users run it: exit codes, output, exports readable by other tools."""

import json
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from storyline.cli import EXIT_SKIPPED, app
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
