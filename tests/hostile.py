"""Hostile inputs for the edge and fuzz tests: each one once crashed an ingest, a store or the watcher."""

from __future__ import annotations

import json
from typing import Any


def good(n: int) -> dict[str, Any]:
    """A plain good record, distinct per ``n``."""
    return {
        "id": f"good-{n}",
        "title": f"Council approves harbour plan {n}",
        "source": "Harbour Ledger",
        "published": f"2021-03-{1 + n % 28:02d}T10:00:00Z",
        "text": f"The town council approved harbour plan number {n} on Monday after a long debate, the mayor said.",
    }


BODY = "The regional board met on Thursday and agreed a new budget for the coastal ferry service."

# (name, record): every record carries enough text to be stored once its bad field is dealt with
BAD_RECORDS: list[tuple[str, dict[str, Any]]] = [
    ("year 1 with +14:00", {"published": "0001-01-01T00:00:00+14:00"}),
    ("year 9999 with -12:00", {"published": "9999-12-31T23:59:59-12:00"}),
    ("400-digit number", {"published": int("9" * 400)}),
    ("400-digit string", {"published": "7" * 400}),
    ("+9999 offset", {"published": "2020-01-01T00:00:00+9999"}),
    ("+99:99 offset", {"published": "2020-01-01T00:00:00+99:99"}),
    ("seconds offset", {"published": "2020-01-01T00:00:00+05:30:15"}),
    ("epoch zero", {"published": 0}),
    ("epoch zero text", {"published": "1970-01-01T00:00:00Z"}),
    ("NaN date", {"published": float("nan")}),
    ("date as object", {"published": {"y": 2020}}),
    ("bad IPv6 URL", {"url": "http://[bad-ipv6/path"}),
    ("port out of range", {"url": "http://127.0.0.1:99999/x"}),
    ("surrogate URL", {"url": "http://example.org/\ud800"}),
    ("surrogate title", {"title": "\ud800"}),
    ("surrogate text", {"text": BODY + " \udfff and more"}),
    ("NUL in text", {"text": BODY.replace(" ", "\x00 ", 3)}),
    ("surrogate key", {"\ud800key": "value"}),
    ("NaN metadata", {"score": float("nan")}),
    ("deep metadata", {"nested": json.loads("[" * 200 + "]" * 200)}),
    ("huge int metadata", {"count": 10**40}),
    ("id as list", {"id": ["a"]}),
    ("title as object", {"title": {"a": 1}}),
    ("huge id", {"id": 10**50}),
]


def bad_record(name: str, fields: dict[str, Any], n: int = 0) -> dict[str, Any]:
    record: dict[str, Any] = {"id": f"bad-{n}", "text": BODY + f" Item {n}.", "source": "Coast Post"}
    record.update(fields)
    return record


def jsonl_line(record: dict[str, Any]) -> str:
    """One JSON line; lone surrogates kept as \\ud800 escapes, as a hostile producer would write them."""
    return json.dumps(record, allow_nan=True)


BAD_LINES = ["[" * 100_000, "{" * 50_000, '{"text": "unterminated', "null", "42", '"just a string"', "[]"]
