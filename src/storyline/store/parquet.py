"""Store tables as Parquet datasets and back: the exchange format of the Ray engine (``storyline.distributed``).

A dataset directory holds one folder per table, named like the table, whose files have exactly the table's
columns. Per-article tables come in parts (one per input shard); loading keeps the first part's copy of an
article id that several parts hold, so the result is the same whichever part a rerun rewrote.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from storyline.store.core import Store

ARTICLE_TABLES = (
    "articles", "removed_lines", "inputs", "analyses", "sentences", "mentions", "titles", "quotes", "times",
    "actions", "article_features",
)  # fmt: skip
STORY_TABLES = (
    "entities", "entity_names", "reprints", "assignments", "events", "event_articles", "stories", "summaries",
    "timelines", "sentence_vectors",
)  # fmt: skip
_ORDER = {"articles": "id", "entities": "id", "entity_names": "type, name", "events": "id", "stories": "id"}


def part_path(directory: Path, table: str, part: str) -> Path:
    return directory / table / f"{part}.parquet"


def dump(store: Store, tables: Sequence[str], directory: Path, part: str) -> None:
    """Write each table as ``directory/<table>/<part>.parquet``; each file appears whole or not at all."""
    for table in tables:
        target = part_path(directory, table, part)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        order = _ORDER.get(table, "ALL")
        store._con.execute(
            f"COPY (SELECT * FROM {table} ORDER BY {order}) TO '{_sql(partial)}' (FORMAT parquet, COMPRESSION zstd)"
        )
        os.replace(partial, target)


def load_parts(store: Store, directory: Path, parts: Sequence[str]) -> int:
    """Add the per-article tables of ``parts`` (in this order) to the store, one transaction per part.

    Articles the store already holds, by id, are left as they are with their analysis; returns how many
    articles were added.
    """
    added = 0
    con = store._con
    for part in parts:
        source = part_path(directory, "articles", part)
        if not source.exists():
            continue
        with store._transaction():
            con.execute(
                "CREATE OR REPLACE TEMP TABLE _new AS SELECT id FROM read_parquet(?) "
                "WHERE id NOT IN (SELECT id FROM articles)",
                [str(source)],
            )
            for table in ARTICLE_TABLES:
                path = part_path(directory, table, part)
                if not path.exists():
                    continue
                key = "id" if table == "articles" else "article_id"
                keep = "" if table == "inputs" else f"WHERE {key} IN (SELECT id FROM _new)"
                con.execute(
                    f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet(?) {keep} ON CONFLICT DO NOTHING",
                    [str(path)],
                )
            row = con.execute("SELECT count(*) FROM _new").fetchone()
            added += int(row[0]) if row else 0
            con.execute("DROP TABLE _new")
    return added


def replace_story_tables(store: Store, directory: Path, part: str) -> None:
    """Replace the entity and story tables with those of ``part``, in one transaction."""
    with store._transaction():
        for table in STORY_TABLES:
            path = part_path(directory, table, part)
            store._con.execute(f"DELETE FROM {table}")
            if path.exists():
                store._con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet(?)", [str(path)])


def article_count(store: Store) -> int:
    row = store._con.execute("SELECT count(*) FROM articles").fetchone()
    return int(row[0]) if row else 0


def _sql(path: Path) -> str:
    return str(path).replace("'", "''")


def jsonl_to_parquet(source: Path, target: Path, columns: Mapping[str, str]) -> None:
    """Convert a JSON Lines file to Parquet with these (name -> DuckDB type) columns, outside any store."""
    import duckdb

    spec = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items()) + "}"
    con = duckdb.connect()
    try:
        con.execute(
            f"COPY (SELECT * FROM read_json('{_sql(source)}', format = 'newline_delimited', columns = {spec})) "
            f"TO '{_sql(target)}' (FORMAT parquet)"
        )
    finally:
        con.close()
