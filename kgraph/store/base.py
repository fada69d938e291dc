"""The Store protocol every backend implements, and the raw answer it returns.

A store holds one RDF dataset (named graphs) and runs SPARQL over it. Terms cross the
boundary as pyoxigraph terms (``NamedNode``, ``BlankNode``, ``Literal``) whatever the backend,
so the layers above see one representation.

:class:`RawResult` is the unprocessed answer: the HTTP server serialises it straight to
SPARQL JSON/XML/CSV/TSV (SELECT, ASK) or an RDF format (CONSTRUCT, DESCRIBE); the typed API
(:mod:`kgraph.query.results`) wraps it in rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO, Literal, Protocol, TypeAlias, runtime_checkable

import pyoxigraph as ox

from kgraph.errors import InputError, QuerySyntaxError
from kgraph.namespaces import PREFIXES

__all__ = [
    "RESULT_FORMATS",
    "RDF_FORMATS",
    "RawResult",
    "Store",
    "Term",
    "query_syntax_error",
    "rdf_format",
    "results_format",
]

Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal
ResultKind = Literal["select", "ask", "graph"]

#: names accepted for SELECT/ASK serialisations -> pyoxigraph format
RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "srj": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "srx": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}

#: names accepted for RDF serialisations -> pyoxigraph format
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "nquads": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
    "json-ld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "xml": ox.RdfFormat.RDF_XML,
    "rdf": ox.RdfFormat.RDF_XML,
    "n3": ox.RdfFormat.N3,
}


def results_format(name: str | ox.QueryResultsFormat) -> ox.QueryResultsFormat:
    """The SPARQL results format called ``name`` (json, xml, csv, tsv) or a media type."""
    if isinstance(name, ox.QueryResultsFormat):
        return name
    fmt = RESULT_FORMATS.get(name.lower()) or ox.QueryResultsFormat.from_media_type(name)
    if fmt is None:
        raise InputError(
            f"unknown SPARQL results format {name!r}",
            hint="use one of: json, xml, csv, tsv",
        )
    return fmt


def rdf_format(name: str | ox.RdfFormat) -> ox.RdfFormat:
    """The RDF format called ``name`` (ttl, trig, nt, nq, jsonld, rdfxml) or a media type."""
    if isinstance(name, ox.RdfFormat):
        return name
    fmt = RDF_FORMATS.get(name.lower()) or ox.RdfFormat.from_media_type(name)
    if fmt is None:
        raise InputError(
            f"unknown RDF format {name!r}", hint="use one of: ttl, trig, nt, nq, jsonld, rdfxml"
        )
    return fmt


class RawResult:
    """The raw answer of a SPARQL query, on any backend.

    ``kind`` is ``"select"``, ``"ask"`` or ``"graph"`` (CONSTRUCT/DESCRIBE). Solutions and
    triples can be iterated once.
    """

    def __init__(
        self,
        kind: ResultKind,
        *,
        variables: Sequence[str] = (),
        solutions: ox.QuerySolutions | Iterable[ox.QuerySolution] | None = None,
        boolean: bool | None = None,
        triples: Iterable[ox.Triple] | None = None,
    ) -> None:
        self.kind: ResultKind = kind
        self.variables: tuple[str, ...] = tuple(variables)
        self._solutions = solutions
        self.boolean = boolean
        self._triples = triples

    @classmethod
    def from_pyoxigraph(
        cls, answer: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
    ) -> RawResult:
        """Wrap what ``pyoxigraph.Store.query`` returned."""
        if isinstance(answer, ox.QuerySolutions):
            return cls("select", variables=[v.value for v in answer.variables], solutions=answer)
        if isinstance(answer, ox.QueryBoolean):
            return cls("ask", boolean=bool(answer))
        return cls("graph", triples=answer)

    def solutions(self) -> Iterator[ox.QuerySolution]:
        """The SELECT solutions (once)."""
        if self.kind != "select" or self._solutions is None:
            raise TypeError(f"a {self.kind} result has no solutions")
        return iter(self._solutions)

    def triples(self) -> Iterator[ox.Triple]:
        """The CONSTRUCT/DESCRIBE triples (once)."""
        if self.kind != "graph" or self._triples is None:
            raise TypeError(f"a {self.kind} result has no triples")
        return iter(self._triples)

    def serialize(self, format: str | ox.QueryResultsFormat | ox.RdfFormat = "json") -> bytes:
        """Serialise: SELECT/ASK to json/xml/csv/tsv, graphs to ttl/nt/rdfxml/jsonld..."""
        if self.kind == "graph":
            fmt = rdf_format(format) if not isinstance(format, ox.QueryResultsFormat) else None
            if fmt is None:
                raise InputError("a graph result serialises to an RDF format, not " + str(format))
            out = ox.serialize(self.triples(), format=fmt, prefixes=PREFIXES)
            return out if out is not None else b""
        rfmt = results_format(format) if not isinstance(format, ox.RdfFormat) else None
        if rfmt is None:
            raise InputError(f"a {self.kind} result serialises to json/xml/csv/tsv")
        if self.kind == "ask":
            out = _boolean(bool(self.boolean)).serialize(format=rfmt)
            return out if out is not None else b""
        sols = self._solutions
        if not isinstance(sols, ox.QuerySolutions):
            sols = _solutions_from(self.variables, self.solutions())
        out = sols.serialize(format=rfmt)
        return out if out is not None else b""


_TRUE = ox.Store().query("ASK {}")
_FALSE = ox.Store().query("ASK { FILTER(false) }")


def _boolean(value: bool) -> ox.QueryBoolean:
    answer = _TRUE if value else _FALSE
    assert isinstance(answer, ox.QueryBoolean)
    return answer


def _solutions_from(
    variables: Sequence[str], solutions: Iterable[ox.QuerySolution]
) -> ox.QuerySolutions:
    """Rebuild a pyoxigraph QuerySolutions (for its serialisers) from solutions in memory."""
    from kgraph.store.terms import solutions_to_json

    parsed = ox.parse_query_results(
        solutions_to_json(variables, solutions), format=ox.QueryResultsFormat.JSON
    )
    assert isinstance(parsed, ox.QuerySolutions)
    return parsed


_POSITION = re.compile(r"(?:error at|at line) (\d+)(?::| column )(\d+)")


def query_syntax_error(exc: BaseException, *, line_offset: int = 0) -> QuerySyntaxError:
    """A :class:`QuerySyntaxError` with line and column from a pyoxigraph SyntaxError."""
    text = str(exc)
    m = _POSITION.search(text)
    line = int(m[1]) - line_offset if m else None
    col = int(m[2]) if m else None
    message = text[m.end():] if m else text
    message = " ".join(message.lstrip(": ").split())
    if len(message) > 200:
        message = message[:200] + "…"
    return QuerySyntaxError(message or "syntax error", line=line, column=col)


def parse_quads(data: bytes, format: ox.RdfFormat, graph: str | None = None) -> list[ox.Quad]:
    """Parse RDF into quads; a graph format goes into ``graph`` when given."""
    quads = list(ox.parse(data, format=format))
    if graph is None:
        return quads
    g = ox.NamedNode(graph)
    return [ox.Quad(q.subject, q.predicate, q.object, g) for q in quads]


def local_syntax_error(query: str) -> QuerySyntaxError | None:
    """The syntax error Oxigraph's parser finds in ``query`` (for line and column), if any.

    Used by the backends whose own engine reports positions differently or not at all, so
    that every backend reports the same line and column. The query is run on an empty
    in-memory store (``SERVICE`` queries are not tried).
    """
    if "SERVICE" in query.upper():
        return None
    try:
        ox.Store().query(query, prefixes=PREFIXES)
    except SyntaxError as exc:
        return query_syntax_error(exc)
    except Exception:  # noqa: BLE001 - parsed fine; failed for another reason
        return None
    return None


@runtime_checkable
class Store(Protocol):
    """What every backend offers. All queries see the same dataset layout (docs/model.md)."""

    #: "embedded", "memory" or "remote"
    backend: str
    #: the directory of an embedded store, else None
    path: Path | None
    read_only: bool

    def execute(
        self,
        query: str,
        *,
        default_graph_union: bool = True,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        bindings: Mapping[str, Term] | None = None,
    ) -> RawResult:
        """Run a SPARQL query and return the raw answer.

        By default the default graph is the union of all named graphs. ``default_graph`` (a
        list of graph IRIs) replaces it; ``named_graphs`` restricts what ``GRAPH`` sees.
        ``bindings`` pre-bind variables (names without '?') to terms; values are never
        written into the query text as text.
        """
        ...

    def update(self, update: str) -> None:
        """Run a SPARQL Update (refused on a read-only store)."""
        ...

    def load(self, data: bytes, format: ox.RdfFormat, *, graph: str | None = None) -> None:
        """Add RDF (a dataset format, or a graph format into ``graph``)."""
        ...

    def replace_graph(self, graph: str, ntriples: bytes) -> None:
        """Replace the content of one named graph with these N-Triples."""
        ...

    def graphs(self) -> list[str]:
        """The IRIs of the named graphs."""
        ...

    def quad_count(self) -> int:
        """How many quads the store holds (all graphs)."""
        ...

    def dump(self, output: BinaryIO, format: ox.RdfFormat, *, graph: str | None = None) -> None:
        """Write the dataset (or one graph) in an RDF format."""
        ...

    def close(self) -> None:
        """Release the store."""
        ...


def to_path(value: str | Path | None) -> Path | None:
    """A Path or None."""
    return Path(value) if value is not None else None
