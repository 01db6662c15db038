import gzip
import json
from pathlib import Path

import pytest

from storyline.errors import InputError
from storyline.ingest import inputs
from storyline.model import RawDocument, Skip, SkipReason

LIMITS = inputs.Limits(max_document_bytes=10_000, max_file_bytes=100_000)


def read_all(path: Path | str, limits: inputs.Limits = LIMITS) -> list[RawDocument | Skip]:
    return [r.item for r in inputs.read(str(path), limits)]


def test_expand_walks_directories_globs_and_reports_missing(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("x")
    (tmp_path / "a" / "two.HTML").write_text("<p>x</p>")
    (tmp_path / "a" / ".hidden.txt").write_text("x")
    (tmp_path / "a" / "notes.pdf").write_bytes(b"%PDF")
    (tmp_path / "b.jsonl").write_text("{}")
    files, skips = inputs.expand([str(tmp_path / "a"), str(tmp_path / "*.jsonl"), str(tmp_path / "nope.txt"), "-"])
    assert [Path(f).name for f in files if f != "-"] == ["one.txt", "two.HTML", "b.jsonl"]
    assert "-" in files
    reasons = {Path(s.origin).name: s.reason for s in skips}
    assert reasons == {"notes.pdf": SkipReason.UNSUPPORTED, "nope.txt": SkipReason.UNREADABLE}


def test_decode_handles_boms_latin1_and_refuses_binary() -> None:
    assert inputs.decode("héllo wörld".encode()) == "héllo wörld"
    assert inputs.decode(b"\xef\xbb\xbfhello") == "hello"
    assert inputs.decode("hello".encode("utf-16")) == "hello"
    latin = "Le président a déclaré que les négociations reprendraient à Genève.".encode("latin-1")
    assert "président" in inputs.decode(latin)
    with pytest.raises(InputError) as info:
        inputs.decode(b"\x00\x01\x02\x03binary\x00")
    assert info.value.reason == "binary"
    with pytest.raises(InputError) as info:
        inputs.decode(b"  \n\t ")
    assert info.value.reason == "empty"


def test_jsonl_reports_bad_lines_with_numbers_and_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    lines = [
        json.dumps({"id": "a", "text": "Body A", "title": "A", "section": "world"}),
        "{not json",
        json.dumps({"id": "b", "title": "no text"}),
        "",
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "c", "html": "<html><body><article><p>Body C is here.</p></article></body></html>"}),
    ]
    path.write_text("\n".join(lines) + "\n")
    items = read_all(path)
    docs = [i for i in items if isinstance(i, RawDocument)]
    skips = [i for i in items if isinstance(i, Skip)]
    assert [d.id for d in docs] == ["a", "c"]
    assert docs[0].metadata == {"section": "world"}
    assert docs[1].format == "html"
    assert [s.origin for s in skips] == [f"{path}:2", f"{path}:3", f"{path}:5"]
    assert "not valid JSON" in skips[0].detail


def test_jsonl_oversized_and_non_utf8_lines_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    big = json.dumps({"id": "big", "text": "x" * 20_000})
    good = json.dumps({"id": "ok", "text": "fine"})
    path.write_bytes(big.encode() + b"\n" + b'{"id": "latin", "text": "caf\xe9"}\n' + good.encode() + b"\n")
    items = read_all(path)
    assert [type(i).__name__ for i in items] == ["Skip", "Skip", "RawDocument"]
    assert items[0].reason is SkipReason.TOO_LARGE and items[0].origin.endswith(":1")
    assert items[1].reason is SkipReason.ENCODING and items[1].origin.endswith(":2")


def test_jsonl_gz_and_whole_json_files(tmp_path: Path) -> None:
    gz = tmp_path / "x.jsonl.gz"
    with gzip.open(gz, "wt") as handle:
        handle.write(json.dumps({"id": "g", "text": "gz body"}) + "\n")
    assert [d.id for d in read_all(gz)] == ["g"]
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"schema_version": 1, "articles": [{"id": "e1", "text": "t"}, {"id": "e2"}]}))
    items = read_all(export)
    assert isinstance(items[0], RawDocument) and items[0].id == "e1"
    assert isinstance(items[1], Skip) and items[1].origin == f"{export}[1]"
    broken = tmp_path / "broken.json"
    broken.write_text('{"id": ')
    (skip,) = read_all(broken)
    assert isinstance(skip, Skip) and skip.reason is SkipReason.MALFORMED


def test_oversized_document_file_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text("word " * 5000)
    (skip,) = read_all(path)
    assert isinstance(skip, Skip) and skip.reason is SkipReason.TOO_LARGE
    assert "max_document_bytes" in skip.detail


def test_unreadable_path_is_skipped(tmp_path: Path) -> None:
    (skip,) = read_all(tmp_path / "missing.txt")
    assert isinstance(skip, Skip) and skip.reason is SkipReason.UNREADABLE


def test_text_file_fields_come_from_its_header(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Source: Capital Wire\nID: cw-1\n\nHeadline Here\n\nBody sentence one.\n")
    (doc,) = read_all(path)
    assert isinstance(doc, RawDocument)
    assert (doc.id, doc.source, doc.title, doc.body) == ("cw-1", "Capital Wire", "Headline Here", "Body sentence one.")


def test_read_any_reads_parquet_rows_and_skips_bad_rows_and_files(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rows = [{"id": "p1", "title": "Talks", "text": "Negotiators met."}, {"id": "p2", "title": "No text", "text": None}]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "a.parquet")
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 not really")
    (tmp_path / "b.txt").write_text("Title\n\nA body of text.", encoding="utf-8")
    names = [str(tmp_path / "a.parquet"), str(tmp_path / "broken.parquet"), str(tmp_path / "b.txt")]
    skips: list[Skip] = []
    docs = list(inputs.documents(names, LIMITS, skips))
    assert [d.id for d in docs] == ["p1", None] and docs[0].body == "Negotiators met."
    assert [(Path(s.origin).name, s.reason) for s in skips] == [
        ("a.parquet#1", SkipReason.NO_TEXT),
        ("broken.parquet", SkipReason.UNREADABLE),
    ]


def test_read_any_reads_remote_json_lines_through_fsspec() -> None:
    fsspec = pytest.importorskip("fsspec")
    fs = fsspec.filesystem("memory")
    record = {"id": "r1", "title": "Talks", "text": "Negotiators met again."}
    fs.pipe("/storyline-test/in/a.jsonl", (json.dumps(record) + "\n{bad\n").encode())
    fs.pipe("/storyline-test/in/b.txt", b"plain text is not read remotely")
    try:
        names = inputs.expand_url("memory://storyline-test/in")
        assert names == ["memory:///storyline-test/in/a.jsonl", "memory:///storyline-test/in/b.txt"]
        items = [r.item for name in names for r in inputs.read_any(name, LIMITS)]
    finally:
        fs.rm("/storyline-test", recursive=True)
    assert isinstance(items[0], RawDocument) and items[0].id == "r1"
    assert isinstance(items[1], Skip) and items[1].origin.endswith("a.jsonl:2")
    assert isinstance(items[2], Skip) and items[2].reason == SkipReason.UNSUPPORTED
