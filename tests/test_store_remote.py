"""The remote backend: safe bindings, the protocol fallback for the union default graph, and a
server that is down or hangs giving a clear error within the timeout."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import free_port

from kgraph.errors import InputError, QueryRefused, RemoteStoreError
from kgraph.graph import KnowledgeGraph
from kgraph.graph import open as open_graph
from kgraph.model import IRI
from kgraph.store.remote import RemoteStore, inject_values
from kgraph.store.terms import from_python, sparql_term


def test_the_term_writer_escapes_literals_and_refuses_bad_iris() -> None:
    assert sparql_term(ox.Literal('a"b\\c\nd')) == '"a\\"b\\\\c\\nd"'
    assert sparql_term(ox.Literal("x", language="en")) == '"x"@en'
    for bad in ["https://x/> } #", "https://x/ y", "https://x/{a}", "no-scheme"]:
        with pytest.raises(InputError):
            sparql_term(from_python(IRI(bad)))


def test_values_go_into_the_outermost_where_group_only() -> None:
    q = 'SELECT ?x WHERE { ?x ?p "}" . FILTER(?name != "{") } # { comment'
    out = inject_values(q, {"name": ox.Literal('Qaani" } #')})
    assert out.startswith('SELECT ?x WHERE { VALUES (?name) { ("Qaani\\" } #") } ')
    assert out.endswith('?x ?p "}" . FILTER(?name != "{") } # { comment')
    construct = inject_values("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                              {"s": ox.NamedNode("https://w3id.org/kgraph/id/unit-400")})
    assert construct.index("VALUES") > construct.index("WHERE")
    with pytest.raises(QueryRefused):
        inject_values("SELECT ?x WHERE { ?x ?p ?o }", {"bad name": ox.Literal("x")})


@pytest.mark.remote
@pytest.mark.slow
def test_the_protocol_fallback_gives_the_same_union(remote_kg: KnowledgeGraph,
                                                     oxigraph_server: str) -> None:
    fallback = open_graph(oxigraph_server, union_default_graph=False)
    q = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a kgo:Person }"
    assert fallback.query(q)[0].value("n") == remote_kg.query(q)[0].value("n") > 0
    assert fallback.entity("Ghaani").slug == "esmail-qaani"


@pytest.mark.remote
@pytest.mark.slow
def test_a_read_only_remote_refuses_writes(oxigraph_server: str) -> None:
    kg = open_graph(oxigraph_server)
    with pytest.raises(QueryRefused):
        kg.store.update("INSERT DATA { GRAPH <https://w3id.org/kgraph/graph/x> "
                        "{ <https://a/b> <https://a/c> <https://a/d> } }")


def test_a_server_that_is_down_gives_a_clear_error_quickly() -> None:
    port = free_port()  # nothing listens there
    store = RemoteStore(f"http://127.0.0.1:{port}/query", timeout=2)
    started = time.monotonic()
    with pytest.raises(RemoteStoreError) as caught:
        store.execute("ASK { ?s ?p ?o }")
    assert time.monotonic() - started < 5
    assert "cannot reach" in str(caught.value) or "failed" in str(caught.value)


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A listener that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    port = sock.getsockname()[1]
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
                held.append(conn)
            except OSError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    yield port
    stop.set()
    t.join()
    for c in held:
        c.close()
    sock.close()


def test_a_server_that_hangs_times_out_within_the_limit(silent_server: int) -> None:
    store = RemoteStore(f"http://127.0.0.1:{silent_server}/query", timeout=1.5)
    started = time.monotonic()
    with pytest.raises(RemoteStoreError) as caught:
        store.execute("ASK { ?s ?p ?o }")
    elapsed = time.monotonic() - started
    assert 1.0 <= elapsed < 6
    assert "did not answer within" in str(caught.value)


@pytest.mark.remote
@pytest.mark.slow
def test_loading_through_sparql_update_keeps_named_graphs(tmp_path: Path) -> None:
    """A server without a Graph Store endpoint is loaded with SPARQL Update instead."""
    import subprocess

    from conftest import _oxigraph_binary, _wait_for

    port = free_port()
    proc = subprocess.Popen(
        [_oxigraph_binary(), "serve", "--location", str(tmp_path / "db"), "--bind",
         f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port, proc)
        kg = open_graph(f"http://127.0.0.1:{port}/query", load=True, store_endpoint="",
                        timeout=30)
        assert kg.store.store_endpoint == ""  # type: ignore[attr-defined]
        assert "https://w3id.org/kgraph/graph/inferred" in kg.graphs()
        assert kg.entity("Ghaani").slug == "esmail-qaani"
        n = kg.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH kgg:qaani-analysis { ?s ?p ?o } }")
        assert n[0].value("n") > 1000  # type: ignore[index,union-attr]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
