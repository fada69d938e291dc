"""The in-memory backend: an rdflib ``Dataset`` whose default graph is the union of its graphs.

Meant for small experiments (a few thousand triples); rdflib's SPARQL engine is orders of
magnitude slower than Oxigraph on bigger data (see docs/performance.md). Bound values go
through rdflib ``initBindings=`` — never into the query text.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox
import rdflib
from pyparsing import ParseException
from rdflib.query import Result

from kgraph.errors import InputError, QueryRefused, QuerySyntaxError
from kgraph.namespaces import PREFIXES
from kgraph.store.base import RawResult, Term, local_syntax_error, parse_quads
from kgraph.store.terms import from_rdflib, to_rdflib

__all__ = ["MemoryStore"]

_INIT_NS = {k: rdflib.Namespace(v) for k, v in PREFIXES.items()}


class MemoryStore:
    """An rdflib in-memory dataset."""

    backend = "memory"
    path: Path | None = None

    def __init__(self) -> None:
        self.read_only = False
        self.dataset = rdflib.Dataset(default_union=True)

    def execute(
        self,
        query: str,
        *,
        default_graph_union: bool = True,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        bindings: Mapping[str, Term] | None = None,
    ) -> RawResult:
        target: Any = self.dataset
        if default_graph is not None or not default_graph_union:
            target = rdflib.Dataset(default_union=False)
            names = default_graph or []
            for g in names:
                for t in self.dataset.graph(rdflib.URIRef(g)):
                    target.default_graph.add(t)
            for ctx in self.dataset.graphs():
                if named_graphs is None or str(ctx.identifier) in named_graphs:
                    dest = target.graph(ctx.identifier)
                    for t in ctx:
                        dest.add(t)
        elif named_graphs is not None:
            raise InputError("the memory backend restricts named graphs only with default_graph")
        init = {rdflib.Variable(k): to_rdflib(v) for k, v in (bindings or {}).items()}
        try:
            with warnings.catch_warnings():  # rdflib's SPARQL engine uses its own deprecated API
                warnings.simplefilter("ignore", DeprecationWarning)
                result = target.query(query, initNs=_INIT_NS, initBindings=init)
                return _raw(result)
        except ParseException as exc:
            raise local_syntax_error(query) or QuerySyntaxError(
                str(exc.msg), line=exc.lineno, column=exc.col
            ) from None
        except Exception as exc:  # rdflib raises bare Exceptions for unsupported features
            if "expected" in str(exc).lower() or "parse" in type(exc).__name__.lower():
                raise QuerySyntaxError(str(exc)) from None
            raise

    def update(self, update: str) -> None:
        if self.read_only:
            raise QueryRefused("this store is read-only")
        try:
            self.dataset.update(update, initNs=_INIT_NS)
        except ParseException as exc:
            raise QuerySyntaxError(str(exc.msg), line=exc.lineno, column=exc.col) from None

    def load(self, data: bytes, format: ox.RdfFormat, *, graph: str | None = None) -> None:
        # parse with pyoxigraph (fast, good errors), hand over as N-Quads
        quads = parse_quads(data, format, graph)
        nq = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
        self.dataset.parse(data=nq.decode(), format="nquads")

    def replace_graph(self, graph: str, ntriples: bytes) -> None:
        self.dataset.remove_graph(rdflib.URIRef(graph))
        self.dataset.graph(rdflib.URIRef(graph)).parse(data=ntriples.decode(), format="nt")

    def graphs(self) -> list[str]:
        return sorted(
            str(c.identifier)
            for c in self.dataset.graphs()
            if isinstance(c.identifier, rdflib.URIRef)
            and str(c.identifier) != str(rdflib.graph.DATASET_DEFAULT_GRAPH_ID)
            and len(c) > 0
        )

    def quad_count(self) -> int:
        return sum(len(c) for c in self.dataset.graphs())

    def dump(self, output: BinaryIO, format: ox.RdfFormat, *, graph: str | None = None) -> None:
        buf = io.BytesIO()
        if graph is not None:
            self.dataset.graph(rdflib.URIRef(graph)).serialize(buf, format="nt")
            quads = parse_quads(buf.getvalue(), ox.RdfFormat.N_TRIPLES)
        else:
            self.dataset.serialize(buf, format="nquads")
            quads = parse_quads(buf.getvalue(), ox.RdfFormat.N_QUADS)
        out: list[Any] = quads
        if not format.supports_datasets:
            out = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        ox.serialize(out, output, format=format, prefixes=PREFIXES)

    def close(self) -> None:
        self.dataset = rdflib.Dataset(default_union=True)


class _Solution:
    """A minimal QuerySolution look-alike (index by position or name)."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: tuple[str, ...], values: tuple[Any, ...]) -> None:
        self._names = names
        self._values = values

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, int):
            return self._values[key]
        try:
            return self._values[self._names.index(key)]
        except ValueError:
            raise KeyError(key) from None

    def __iter__(self) -> Any:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def _raw(result: Result) -> RawResult:
    if result.type == "ASK":
        return RawResult("ask", boolean=bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        graph = result.graph
        assert graph is not None
        triples = [
            ox.Triple(from_rdflib(s), from_rdflib(p), from_rdflib(o))  # type: ignore[arg-type]
            for s, p, o in graph
        ]
        return RawResult("graph", triples=triples)
    names = tuple(str(v) for v in (result.vars or []))
    rows = [
        _Solution(names, tuple(None if row[i] is None else from_rdflib(row[i])  # type: ignore[index]
                               for i in range(len(names))))
        for row in result
    ]
    return RawResult("select", variables=names, solutions=rows)  # type: ignore[arg-type]
