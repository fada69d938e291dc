"""Shared fixtures.

* ``kg``: the bundled graph, opened once per session in the embedded store, built into a
  temporary cache directory (never the user's ~/.cache).
* ``any_kg``: the same graph on every backend — embedded, in-memory rdflib, and a real
  Oxigraph server (``oxigraph serve`` on 127.0.0.1, loaded by kgraph itself). API tests that
  take ``any_kg`` run three times; the remote run is marked ``remote`` and ``slow``.
* ``oxigraph_server``: the URL of that server's query endpoint.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kgraph.graph import KnowledgeGraph
from kgraph.graph import open as open_graph

ROOT = Path(__file__).resolve().parent.parent


def _oxigraph_binary() -> str:
    found = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which(
        "oxigraph"
    )
    if not found:
        pytest.skip("the oxigraph server (pip install oxigraph) is not installed")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(port: int, proc: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"oxigraph serve exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("oxigraph serve did not start listening")


@pytest.fixture(scope="session")
def kg_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A session cache directory for built stores."""
    return tmp_path_factory.mktemp("kgraph-cache")


@pytest.fixture(scope="session")
def kg(kg_cache: Path) -> Iterator[KnowledgeGraph]:
    """The bundled graph in the embedded store."""
    graph = open_graph(cache_dir=kg_cache)
    yield graph
    graph.close()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph SPARQL server on 127.0.0.1 with a union default graph."""
    binary = _oxigraph_binary()
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph-server")
    proc = subprocess.Popen(
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
         "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port, proc)
        yield f"http://127.0.0.1:{port}/query"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def remote_kg(oxigraph_server: str) -> Iterator[KnowledgeGraph]:
    """The bundled graph loaded by kgraph into the Oxigraph server."""
    graph = open_graph(oxigraph_server, load=True, timeout=30)
    yield graph
    graph.close()


@pytest.fixture(scope="session")
def memory_kg() -> Iterator[KnowledgeGraph]:
    graph = open_graph(backend="memory")
    yield graph
    graph.close()


@pytest.fixture(
    scope="session",
    params=[
        "embedded",
        "memory",
        pytest.param("remote", marks=[pytest.mark.remote, pytest.mark.slow]),
    ],
)
def any_kg(request: pytest.FixtureRequest) -> KnowledgeGraph:
    """The bundled graph on each backend in turn."""
    name = {"embedded": "kg", "memory": "memory_kg", "remote": "remote_kg"}[request.param]
    graph: KnowledgeGraph = request.getfixturevalue(name)
    return graph


@pytest.fixture
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh cache directory, also set as $KGRAPH_CACHE."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("KGRAPH_CACHE", str(cache))
    return cache


def copy_project(tmp_path: Path) -> Path:
    """A copy of the bundled ontology/ and data/ to change in a test."""
    dest = tmp_path / "project"
    shutil.copytree(ROOT / "ontology", dest / "ontology")
    shutil.copytree(ROOT / "data", dest / "data")
    return dest


os.environ.setdefault("KGRAPH_TEST", "1")
