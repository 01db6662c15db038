"""Ingest: read inputs of every format, extract, clean and identify articles."""
