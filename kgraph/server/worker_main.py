"""The query worker: a child process that opens the store read-only and runs one job at a time.

Started as ``python .../kgraph/server/worker_main.py STORE_PATH`` (as a script, so that it
imports only its two sibling modules and pyoxigraph, not the whole library). It reads framed
``(kind, args)`` requests on stdin and writes framed ``("ok", result)`` or
``("err", kind, message, extra)`` answers on stdout. The parent kills it when a job runs past
its time limit, so nothing here needs to be interruptible.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pyoxigraph as ox

if __package__:
    from kgraph.server import protocol
    from kgraph.server.results import serialize_boolean, serialize_rdf, serialize_solutions
else:  # run as a script: import the siblings only, never the whole kgraph package
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import protocol  # type: ignore[no-redef]
    from results import (  # type: ignore[no-redef]
        serialize_boolean,
        serialize_rdf,
        serialize_solutions,
    )

_POS_RE = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)

Term = tuple[str, ...]


def to_term(term: Any) -> Term | None:
    """A pyoxigraph term as a plain tuple the parent can use without pyoxigraph objects."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("bnode", term.value)
    if isinstance(term, ox.Literal):
        return ("literal", term.value, term.language or "", term.datatype.value)
    return ("other", str(term))


def from_term(term: Term) -> Any:
    kind = term[0]
    if kind == "uri":
        return ox.NamedNode(term[1])
    if kind == "literal":
        if len(term) > 2 and term[2]:
            return ox.Literal(term[1], language=term[2])
        if len(term) > 3 and term[3]:
            return ox.Literal(term[1], datatype=ox.NamedNode(term[3]))
        return ox.Literal(term[1])
    raise ValueError(f"cannot bind a {kind} term")


def _graphs(iris: list[str] | None) -> list[Any] | None:
    if iris is None:
        return None
    return [ox.NamedNode(i) for i in iris]


#: the fewest bytes one row can take in each result format (an all-unbound row)
MIN_ROW_BYTES = {"json": 3, "xml": 17, "csv": 2, "tsv": 1}
RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


class _Full(Exception):
    """The serialised answer outgrew what max_rows rows could need."""


class _Sink:
    """A write-only byte sink that stops the serialiser past ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _Full
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None


def job_query(store: ox.Store, args: dict[str, Any]) -> dict[str, Any]:
    """Run a SPARQL query and serialise the answer in the requested format."""
    for iri in args.get("check_graphs") or ():
        if not store.contains_named_graph(ox.NamedNode(iri)):
            return {"missing": iri}
    default_graph = _graphs(args.get("default_graph"))
    named_graphs = _graphs(args.get("named_graphs"))
    union = bool(args.get("union", True)) and default_graph is None
    subs = {ox.Variable(k): from_term(v) for k, v in (args.get("bindings") or {}).items()}

    def run() -> Any:
        return store.query(
            args["query"],
            use_default_graph_as_union=union,
            default_graph=default_graph,
            named_graphs=named_graphs,
            substitutions=subs or None,
        )

    result = run()
    fmt = args["format"]
    if isinstance(result, ox.QueryBoolean):
        return {"body": serialize_boolean(bool(result), fmt), "truncated": False, "count": 1}
    if isinstance(result, ox.QuerySolutions):
        max_rows = int(args["max_rows"])
        # Fast path: pyoxigraph's own serialiser, stopped as soon as the output is large
        # enough to possibly hold more than max_rows rows; only then count rows in Python.
        sink = _Sink(max_rows * MIN_ROW_BYTES[fmt])
        try:
            result.serialize(sink, format=RESULT_FORMATS[fmt])  # type: ignore[arg-type]
            return {"body": b"".join(sink.parts), "truncated": False, "count": None}
        except _Full:
            pass
        result = run()  # the answer was too big for the fast path: again, counting rows
        assert isinstance(result, ox.QuerySolutions)
        body, truncated, count = serialize_solutions(result, fmt, max_rows)
    else:
        body, truncated, count = serialize_rdf(
            result, fmt, int(args["max_triples"]), args.get("prefixes")
        )
    return {"body": body, "truncated": truncated, "count": count}


def job_rows(store: ox.Store, args: dict[str, Any]) -> list[dict[str, Term | None]]:
    """Run a SELECT (used by the HTML pages) and return rows of plain term tuples."""
    subs = {ox.Variable(k): from_term(v) for k, v in (args.get("bindings") or {}).items()}
    result = store.query(args["query"], use_default_graph_as_union=True, substitutions=subs or None)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("rows job needs a SELECT query")
    names = [v.value for v in result.variables]
    limit = int(args.get("max_rows", 100_000))
    out: list[dict[str, Term | None]] = []
    for solution in result:
        if len(out) >= limit:
            break
        out.append({n: to_term(solution[n]) for n in names})
    return out


def job_many(store: ox.Store, args: dict[str, Any]) -> dict[str, Any]:
    """Several ``rows`` jobs in one round trip: {name: rows} (an entity page needs six)."""
    return {name: job_rows(store, sub) for name, sub in args["jobs"].items()}


def job_graph(store: ox.Store, args: dict[str, Any]) -> dict[str, Any] | None:
    """Graph Store Protocol GET: one named graph (or the default graph) as RDF; None if absent."""
    iri = args.get("graph")
    graph: Any
    if iri is None:
        graph = ox.DefaultGraph()
    else:
        graph = ox.NamedNode(iri)
        if not store.contains_named_graph(graph):
            return None
    triples: Iterator[Any] = (
        ox.Triple(q.subject, q.predicate, q.object)
        for q in store.quads_for_pattern(None, None, None, graph)
    )
    body, truncated, count = serialize_rdf(
        triples, args["format"], int(args["max_triples"]), args.get("prefixes")
    )
    return {"body": body, "truncated": truncated, "count": count}


def job_quads(store: ox.Store, args: dict[str, Any]) -> dict[str, Any]:
    """Serialise the quads (or triples) a SELECT ?s ?p ?o ?g yields: entity data documents."""
    subs = {ox.Variable(k): from_term(v) for k, v in (args.get("bindings") or {}).items()}
    result = store.query(args["query"], substitutions=subs or None)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("quads job needs a SELECT ?s ?p ?o ?g query")
    fmt = args["format"]
    with_graphs = fmt in ("trig", "nq", "jsonld")
    seen: set[Any] = set()
    items: list[Any] = []
    for row in result:
        g = row["g"]
        item = (
            ox.Quad(row["s"], row["p"], row["o"], g if g is not None else ox.DefaultGraph())
            if with_graphs
            else ox.Triple(row["s"], row["p"], row["o"])
        )
        if item not in seen:
            seen.add(item)
            items.append(item)
    body, truncated, count = serialize_rdf(
        items, fmt, int(args["max_triples"]), args.get("prefixes")
    )
    return {"body": body, "truncated": truncated, "count": count}


def job_dump(store: ox.Store, args: dict[str, Any]) -> dict[str, Any]:
    """Write the whole dataset to a file (TriG or N-Quads)."""
    fmt = {"trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS}[args["format"]]
    prefixes = args.get("prefixes") if fmt == ox.RdfFormat.TRIG else None
    store.dump(args["path"], format=fmt, prefixes=prefixes)
    return {"path": args["path"]}


def job_count(store: ox.Store, args: dict[str, Any]) -> int:
    """The number of quads in the store."""
    return len(store)


def job_ping(store: ox.Store, args: dict[str, Any]) -> str:
    return "pong"


def job_sleep(store: ox.Store, args: dict[str, Any]) -> str:
    """Busy-loop for ``seconds`` (tests of the timeout and kill path only)."""
    import time

    end = time.monotonic() + float(args["seconds"])
    while time.monotonic() < end:
        pass
    return "slept"


JOBS: dict[str, Callable[[ox.Store, dict[str, Any]], Any]] = {
    "query": job_query,
    "rows": job_rows,
    "many": job_many,
    "graph": job_graph,
    "quads": job_quads,
    "dump": job_dump,
    "count": job_count,
    "ping": job_ping,
    "sleep": job_sleep,
}


def error_of(exc: BaseException) -> tuple[str, str, dict[str, Any]]:
    """Map an exception to (kind, one-line message, extra) without paths or tracebacks."""
    if isinstance(exc, SyntaxError):
        text = str(exc.msg if exc.msg else exc)
        match = _POS_RE.match(text)
        if match:
            line, column, rest = int(match[1]), int(match[2]), match[3]
            return "syntax", rest.splitlines()[0], {"line": line, "column": column}
        return "syntax", text.splitlines()[0] if text else "syntax error", {}
    if isinstance(exc, ValueError | TypeError):
        return "input", str(exc).splitlines()[0] if str(exc) else type(exc).__name__, {}
    return "internal", type(exc).__name__, {}


def main(argv: list[str]) -> int:
    # Frames go to a private copy of fd 1; anything else printed lands on stderr.
    stdout = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    stdin = sys.stdin.buffer
    memory_limit = int(argv[3]) if len(argv) > 3 else 0
    if memory_limit:
        # A query that tries to hold more than this (a huge sort, a cross product) makes this
        # process fail, never the machine; the parent answers 503 and starts a fresh worker.
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    try:
        disk = ox.Store.read_only(argv[1])
        store = disk
        memory_quads = int(argv[2]) if len(argv) > 2 else 0
        if memory_quads and len(disk) <= memory_quads:
            # A small dataset is copied into memory: the same answers, several times faster
            # on joins than reading RocksDB. The directory stays open read-only (``disk`` lives
            # as long as this function), so the build cache sees it in use and never prunes it
            # under a running server.
            store = ox.Store()
            store.bulk_extend(disk.quads_for_pattern(None, None, None, None))
    except OSError as exc:
        stdout.write(protocol.encode(("failed", str(exc).splitlines()[0] if str(exc) else "")))
        stdout.flush()
        return 1
    stdout.write(protocol.encode(("ready", None)))
    stdout.flush()
    while True:
        request = protocol.read_frame(stdin)
        if request is None:
            return 0
        kind, args = request
        try:
            answer: Any = ("ok", JOBS[kind](store, args))
        except Exception as exc:  # every failure becomes a message for the parent
            err_kind, message, extra = error_of(exc)
            answer = ("err", err_kind, message, extra)
        stdout.write(protocol.encode(answer))
        stdout.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
