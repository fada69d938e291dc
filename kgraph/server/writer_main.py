"""The one-shot writer: applies one update or upload to the store, then exits.

Started only when the server has a bearer token and only while no query worker holds the store
open. The parent sets a memory limit (RLIMIT_AS) before exec and kills it after its time limit,
so a hostile upload can neither exhaust memory nor run forever. Remote JSON-LD contexts are
never loaded (pyoxigraph has no loader configured) and RDF/XML with a DTD was refused before.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import pyoxigraph as ox

if __package__:
    from kgraph.server import protocol
    from kgraph.server.worker_main import error_of
else:  # run as a script: siblings only (a small memory limit must not be spent on imports)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import protocol  # type: ignore[no-redef]
    from worker_main import error_of  # type: ignore[no-redef]

FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
}


def apply(store: ox.Store, request: tuple[Any, ...]) -> Any:
    kind = request[0]
    if kind == "update":
        store.update(request[1])
        return None
    graph_iri, data, fmt = request[1], request[2], request[3]
    graph: Any = ox.DefaultGraph() if graph_iri is None else ox.NamedNode(graph_iri)
    if kind == "delete":
        if graph_iri is not None and not store.contains_named_graph(graph):
            return "missing"
        if graph_iri is None:
            store.clear_graph(graph)
        else:
            store.remove_graph(graph)
        return None
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, graph)
        for t in ox.parse(data, format=FORMATS[fmt], without_named_graphs=True)
    ]
    created = graph_iri is not None and not store.contains_named_graph(graph)
    if kind == "put" and not created:
        store.clear_graph(graph)
    store.extend(quads)
    return "created" if created else None


def main(argv: list[str]) -> int:
    stdout = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    try:
        request = protocol.read_frame(sys.stdin.buffer)
        if request is None:
            return 1
        store = ox.Store(argv[1])
        answer: Any = ("ok", apply(store, request))
        store.flush()
        del store
    except MemoryError:
        answer = ("err", "memory", "the upload needs more memory than allowed", {})
    except Exception as exc:  # reported to the parent as a message, never a traceback
        kind, message, extra = error_of(exc)
        answer = ("err", kind, message, extra)
    stdout.write(protocol.encode(answer))
    stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
