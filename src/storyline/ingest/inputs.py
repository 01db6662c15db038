"""Finding and reading inputs: paths, directories, globs and stdin, decoded safely, one format each; and, for
the Ray engine, Parquet files and remote (fsspec URL) inputs.

Every problem with one input becomes a ``Skip`` with its reason; nothing here raises for bad data.
"""

from __future__ import annotations

import glob
import gzip
import io
import json
import os
import stat
import sys
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from charset_normalizer import from_bytes

from storyline.errors import InputError
from storyline.ingest.records import iter_json_document, iter_json_lines, record_to_document
from storyline.ingest.text import parse_text
from storyline.model import RawDocument, Skip, SkipReason

STDIN = "-"
FORMATS = {
    ".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonl.gz": "jsonl", ".ndjson.gz": "jsonl", ".json": "json",
}  # fmt: skip
PARQUET = ".parquet"  # read by ``read_any`` (the Ray engine's inputs), not by ``read``
_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Limits:
    max_document_bytes: int
    max_file_bytes: int


@dataclass(frozen=True)
class ReadItem:
    """One thing read from the inputs, and how many input bytes it accounts for (for progress)."""

    item: RawDocument | Skip
    nbytes: int


def expand(inputs: list[str]) -> tuple[list[str], list[Skip]]:
    """Files to read, in a stable order, from paths, directories (recursive), globs and '-'."""
    files: list[str] = []
    skips: list[Skip] = []
    for arg in inputs:
        path = Path(arg)
        if arg == STDIN:
            files.append(STDIN)
        elif path.is_dir():
            found, unsupported = _walk(path)
            files.extend(found)
            skips.extend(unsupported)
        elif path.exists() or path.is_symlink():
            files.append(arg)
        elif any(ch in arg for ch in "*?["):
            matches = sorted(m for m in glob.glob(arg, recursive=True) if Path(m).is_file())
            files.extend(matches)
            if not matches:
                skips.append(Skip(arg, SkipReason.UNREADABLE, "no files match this pattern"))
        else:
            skips.append(Skip(arg, SkipReason.UNREADABLE, "no such file or directory"))
    seen: set[str] = set()
    unique = [f for f in files if not (f in seen or seen.add(f))]  # type: ignore[func-returns-value]
    return unique, skips


def _walk(root: Path) -> tuple[list[str], list[Skip]]:
    found, skips = [], []
    for path in sorted(root.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(root).parts) or not path.is_file():
            continue
        if format_of(path.name) is None:
            supported = ", ".join(sorted(FORMATS))
            skips.append(Skip(str(path), SkipReason.UNSUPPORTED, f"not one of {supported}"))
        else:
            found.append(str(path))
    return found, skips


def format_of(name: str) -> str | None:
    lower = name.lower()
    for suffix in sorted(FORMATS, key=len, reverse=True):
        if lower.endswith(suffix):
            return FORMATS[suffix]
    return None


def input_size(name: str) -> int:
    try:
        return 0 if name == STDIN else Path(name).stat().st_size
    except OSError:
        return 0


def read(name: str, limits: Limits) -> Iterator[ReadItem]:
    """Read one input (a file path or '-') into documents and skips."""
    try:
        if name == STDIN:
            yield from _read_stdin(limits)
            return
        fmt = format_of(name)
        mode = os.stat(name).st_mode
        if not stat.S_ISREG(mode):  # a FIFO would block, a device (/dev/zero) never ends
            raise InputError(f"not a regular file ({_kind(mode)}); only files are read", "unreadable")
        if fmt == "jsonl":
            yield from _read_json_lines(name, limits)
            return
        size = Path(name).stat().st_size
        limit = limits.max_file_bytes if fmt == "json" else limits.max_document_bytes
        if size > limit:
            raise InputError(
                f"{_mib(size)} is over the limit of {_mib(limit)} (setting max_document_bytes)", "too large"
            )
        with open(name, "rb") as handle:
            data = handle.read()
        yield from _parse_bytes(name, fmt, data)
    except InputError as exc:
        yield ReadItem(Skip(name, SkipReason(exc.reason), str(exc)), input_size(name))
    except OSError as exc:
        yield ReadItem(Skip(name, SkipReason.UNREADABLE, exc.strerror or str(exc)), input_size(name))


def is_url(name: str) -> bool:
    """A remote input (``scheme://...``), read through fsspec."""
    return "://" in name


def expand_url(url: str) -> list[str]:
    """The files an fsspec URL names (a file, every file under a directory, or a glob's matches), as URLs."""
    import fsspec

    fs, _, found = fsspec.get_fs_token_paths(url)
    protocol = url.split("://", 1)[0]
    names: list[str] = []
    for path in found:
        children = sorted(fs.find(path)) if fs.isdir(path) else [path]
        names.extend(c if "://" in c else f"{protocol}://{c}" for c in children)
    return names


def read_any(name: str, limits: Limits) -> Iterator[ReadItem]:
    """Read one input of any kind: a local file or '-' (as ``read``), a Parquet file (local or remote; one
    record per row), or a remote JSON Lines file. A file that fails part-way keeps what was read before."""
    try:
        if name.lower().endswith(PARQUET):
            yield from _read_parquet(name)
        elif is_url(name):
            yield from _read_remote_json_lines(name, limits)
        else:
            yield from read(name, limits)
    except InputError as exc:
        yield ReadItem(Skip(name, SkipReason(exc.reason), str(exc)), 0)
    except Exception as exc:  # an unreadable remote file or a corrupt Parquet footer skips that file only
        yield ReadItem(Skip(name, SkipReason.UNREADABLE, f"{type(exc).__name__}: {exc}"), 0)


def documents(names: Sequence[str], limits: Limits, skips: list[Skip]) -> Iterator[RawDocument]:
    """The documents of these inputs (``read_any``), in order; every bad file or record goes to ``skips``."""
    for name in names:
        for got in read_any(name, limits):
            if isinstance(got.item, Skip):
                skips.append(got.item)
            else:
                yield got.item


def _read_remote_json_lines(url: str, limits: Limits) -> Iterator[ReadItem]:
    import fsspec

    if format_of(url) != "jsonl":
        raise InputError("remote inputs must be JSON Lines (.jsonl, .jsonl.gz) or Parquet", "unsupported file type")
    with fsspec.open(url, "rb", compression="infer") as handle:
        yield from _json_lines_from(handle, url, limits)


def _read_parquet(name: str) -> Iterator[ReadItem]:
    try:
        import fsspec
        import pyarrow.parquet as pq
    except ImportError as exc:
        detail = f"reading Parquet needs {exc.name}: pip install 'storyline[ray]'"
        raise InputError(detail, "unsupported file type") from exc
    with fsspec.open(name, "rb") as handle:
        index = 0
        for batch in pq.ParquetFile(handle).iter_batches(batch_size=1024):
            for record in batch.to_pylist():
                where = f"{name}#{index}"
                index += 1
                try:
                    yield ReadItem(record_to_document(_plain(record), where), 0)
                except InputError as exc:
                    yield ReadItem(Skip(where, SkipReason(exc.reason), str(exc)), 0)


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    """Parquet timestamps as ISO strings, as a JSON dump would give them."""
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in record.items()}


def _read_stdin(limits: Limits) -> Iterator[ReadItem]:
    head = sys.stdin.buffer.read(_SNIFF_BYTES)
    if not head.startswith((b"\xff\xfe", b"\xfe\xff")) and (b"\x00" in head or _control_ratio(head) > 0.1):
        raise InputError("standard input is binary data, not text", "binary")  # e.g. /dev/zero: not read on
    data = head + sys.stdin.buffer.read(limits.max_file_bytes + 1 - len(head)) if len(head) == _SNIFF_BYTES else head
    if len(data) > limits.max_file_bytes:
        raise InputError(f"standard input is over the limit of {_mib(limits.max_file_bytes)}", "too large")
    stripped = data.lstrip()
    fmt = "jsonl" if stripped[:1] in (b"{", b"[") else "html" if stripped[:1] == b"<" else "text"
    if fmt == "jsonl" and stripped[:1] == b"[":
        fmt = "json"
    if fmt == "jsonl":
        yield from _json_lines_from(io.BytesIO(data), "<stdin>", limits)
    else:
        yield from _parse_bytes("<stdin>", fmt, data)


def _parse_bytes(name: str, fmt: str | None, data: bytes) -> Iterator[ReadItem]:
    text = decode(data)
    size = len(data)
    fmt = fmt or _sniff(text)
    if fmt == "json":
        try:
            parsed = json.loads(text)
        except ValueError as exc:
            raise InputError(f"not valid JSON ({exc})") from exc
        except RecursionError as exc:
            raise InputError("JSON nested too deeply to read") from exc
        for doc in iter_json_document(parsed, name):
            yield _item(doc, size)
            size = 0
    elif fmt == "jsonl":
        yield from _json_lines_from(io.BytesIO(data), name, Limits(len(data) + 1, len(data) + 1))
    elif fmt == "html":
        yield ReadItem(RawDocument(origin=name, format="html", html=text), size)
    else:
        parsed_text = parse_text(text, markdown=fmt == "markdown")
        h = parsed_text.headers
        doc = RawDocument(
            origin=name, format=fmt, body=parsed_text.body, title=parsed_text.title, dek=parsed_text.dek,
            author=h.get("author"), source=h.get("source"), url=h.get("url"), published=h.get("published"),
            language=h.get("language"), id=h.get("id"),
        )  # fmt: skip
        yield ReadItem(doc, size)


def _sniff(text: str) -> str:
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype html", "<html", "<head", "<body", "<article", "<div", "<p")):
        return "html"
    return "text"


def _read_json_lines(name: str, limits: Limits) -> Iterator[ReadItem]:
    """Records line by line; a damaged .gz keeps the records read before the damage and reports the rest."""
    gz = name.lower().endswith(".gz")
    opener = gzip.open if gz else open
    read = 0
    try:
        with opener(name, "rb") as handle:
            stream: BinaryIO | gzip.GzipFile = handle
            head = handle.peek(4)[:4] if hasattr(handle, "peek") else b""
            if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 (with a BOM): decoded whole, then read
                data = handle.read(limits.max_file_bytes + 1)
                if len(data) > limits.max_file_bytes:
                    raise InputError(f"UTF-16 JSON Lines over the limit of {_mib(limits.max_file_bytes)}", "too large")
                stream = io.BytesIO(decode(data).encode("utf-8"))
            for item in _json_lines_from(stream, name, limits):
                read += 1
                yield item
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        if gz and read:
            detail = f"the gzip stream is damaged after {read} record(s) ({exc}); the rest is not read"
            raise InputError(detail) from exc
        raise InputError(f"not a valid gzip file ({exc})") from exc


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a directory"),
    ):
        if test(mode):
            return name
    return "a special file"  # fmt: skip


def _json_lines_from(handle: BinaryIO | gzip.GzipFile, name: str, limits: Limits) -> Iterator[ReadItem]:
    first = True
    for number, raw in enumerate(_bounded_lines(handle, limits.max_document_bytes), start=1):
        if raw is _TOO_LONG:
            where = f"{name}:{number}"
            item = Skip(where, SkipReason.TOO_LARGE, f"line over the limit of {_mib(limits.max_document_bytes)}")
            yield ReadItem(item, limits.max_document_bytes)
            continue
        if first and (b"\x00" in raw or _control_ratio(raw[:_SNIFF_BYTES]) > 0.1):
            raise InputError("binary data, not JSON Lines", "binary")
        first = False
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            yield ReadItem(Skip(f"{name}:{number}", SkipReason.ENCODING, f"not UTF-8 ({exc.reason})"), len(raw))
            continue
        for doc in iter_json_lines(iter([(number, line)]), name):
            yield _item(doc, len(raw))


_TOO_LONG = b"\x00<too long>"


def _bounded_lines(handle: BinaryIO | gzip.GzipFile, limit: int) -> Iterator[bytes]:
    """Lines of at most ``limit`` bytes; a longer line is consumed and replaced by a marker."""
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # drain the rest of the over-long line
                rest = handle.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield _TOO_LONG
        else:
            yield line


def _item(doc: RawDocument | InputError, nbytes: int) -> ReadItem:
    if isinstance(doc, InputError):
        where, _, detail = str(doc).partition(": ")
        return ReadItem(Skip(where, SkipReason(doc.reason), detail), nbytes)
    return ReadItem(doc, nbytes)


def decode(data: bytes) -> str:
    """Bytes to text: BOMs honoured, UTF-8 first, else the detected charset. Binary data is refused."""
    if not data.strip():
        raise InputError("the input is empty", "empty")
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"starts with a {codec} byte-order mark but does not decode ({exc.reason})", "undecodable text"
                ) from exc
    if b"\x00" in data[:_SNIFF_BYTES] or _control_ratio(data[:_SNIFF_BYTES]) > 0.1:
        raise InputError("binary data, not text", "binary")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[: 1 << 20]).best()
    if best is None or best.encoding is None:
        raise InputError("not UTF-8, and no character set could be detected", "undecodable text")
    return data.decode(best.encoding, errors="replace")


def _control_ratio(sample: bytes) -> float:
    if not sample:
        return 0.0
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(sample)


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MiB"
