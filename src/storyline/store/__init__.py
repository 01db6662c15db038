"""The store: one DuckDB file, and the only package that knows SQL."""

from storyline.store.core import EXPORT_COLUMNS, SCHEMA_VERSION, ArticleFilter, Store
from storyline.store.schema import MIGRATIONS

__all__ = ["EXPORT_COLUMNS", "MIGRATIONS", "SCHEMA_VERSION", "ArticleFilter", "Store"]
