"""The web reader and HTTP API behind ``storyline serve`` (FastAPI, Jinja2, uvicorn)."""

from storyline.web.app import create_app

__all__ = ["create_app"]
