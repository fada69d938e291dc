"""The server's own SPARQL (in ``queries/*.rq``), read once."""

from __future__ import annotations

from functools import cache
from pathlib import Path

QUERIES = Path(__file__).parent / "queries"


@cache
def text(name: str) -> str:
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
