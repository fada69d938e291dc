"""SPARQL in kgraph: named queries shipped as ``.rq`` files and typed answers."""

from __future__ import annotations

from kgraph.query.named import NamedQuery, Param, load_named, named_queries
from kgraph.query.results import Row, SelectResult

__all__ = ["NamedQuery", "Param", "Row", "SelectResult", "load_named", "named_queries"]
