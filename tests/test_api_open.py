"""Opening a graph: the cached embedded build, other directories, read-only sharing, bad input."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import copy_project

from kgraph.build import MARKER, Inputs, build_embedded, content_hash
from kgraph.errors import ParseError
from kgraph.graph import KnowledgeGraph
from kgraph.graph import open as open_graph
from kgraph.namespaces import CURATION_GRAPH, INFERRED_GRAPH, KG, ONTOLOGY_GRAPH
from kgraph.store.oxigraph import open_read_only


def test_the_bundled_graph_opens_with_ontology_sources_and_inferences(kg: KnowledgeGraph) -> None:
    graphs = kg.graphs()
    assert {ONTOLOGY_GRAPH, INFERRED_GRAPH, CURATION_GRAPH} <= set(graphs)
    assert len(kg.source_graphs()) >= 3  # curation + one graph per source document
    assert kg.backend == "embedded"
    assert kg.store_path is not None and (kg.store_path / MARKER).is_file()


def test_the_build_is_cached_and_reused_until_inputs_change(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    cache = tmp_path / "cache"
    first, info = build_embedded(Inputs.from_dir(project), cache)
    marker_time = (first / MARKER).stat().st_mtime_ns
    again, _ = build_embedded(Inputs.from_dir(project), cache)
    assert again == first and (first / MARKER).stat().st_mtime_ns == marker_time

    data = next((project / "data").glob("curation.trig"))
    data.write_text(data.read_text() + "\n# an edit\n")
    changed, info2 = build_embedded(Inputs.from_dir(project), cache)
    assert changed != first and info2.hash != info.hash
    assert info2.hash == content_hash(Inputs.from_dir(project))


@pytest.mark.parametrize("damage", ["no-marker", "wrong-marker", "garbage-store"])
def test_a_corrupt_cache_is_rebuilt_not_trusted(tmp_path: Path, damage: str) -> None:
    project = copy_project(tmp_path)
    cache = tmp_path / "cache"
    path, info = build_embedded(Inputs.from_dir(project), cache)
    if damage == "no-marker":
        (path / MARKER).unlink()
    elif damage == "wrong-marker":
        (path / MARKER).write_text(json.dumps({"hash": "0" * 64, "quads": 1, "inferred": 0,
                                               "seconds": 0}))
    else:
        for f in path.iterdir():
            if f.name != MARKER and f.is_file():
                f.write_bytes(b"not a rocksdb file")
    kg = open_graph(project, cache_dir=cache)
    try:
        assert kg.build_info is not None and kg.build_info.hash == info.hash
        assert kg.entity("Qaani").label == "Esmail Qaani"
    finally:
        kg.close()


def test_a_crashed_build_leaves_no_half_store(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    bad = project / "data" / "zz-broken.trig"
    bad.write_text("@prefix kg: <https://w3id.org/kgraph/id/> .\nkg:a kg:b \"unterminated .\n")
    cache = tmp_path / "cache"
    with pytest.raises(ParseError):
        build_embedded(Inputs.from_dir(project), cache)
    assert not any(cache.iterdir())


def test_a_parse_error_names_file_line_and_column(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    bad = project / "data" / "zz-broken.trig"
    bad.write_text(
        "@prefix kg: <https://w3id.org/kgraph/id/> .\n"
        "kg:g {\n  kg:a kg:b kg:c ;\n    kg:d .\n}\n"
    )
    with pytest.raises(ParseError) as caught:
        open_graph(project, cache_dir=tmp_path / "cache")
    err = caught.value
    assert err.source is not None and err.source.endswith("zz-broken.trig")
    assert err.line == 4 and err.column is not None


def test_a_built_store_opens_read_only_from_several_processes(kg: KnowledgeGraph) -> None:
    assert kg.store_path is not None
    other = open_read_only(kg.store_path)
    script = (
        "import sys; from kgraph.graph import open as o; "
        "kg = o(sys.argv[1]); print(kg.entity('Ghaani').iri)"
    )
    out = subprocess.run([sys.executable, "-c", script, str(kg.store_path)], capture_output=True,
                         text=True, check=True, cwd=Path(__file__).resolve().parent.parent)
    assert out.stdout.strip() == "https://w3id.org/kgraph/id/esmail-qaani"
    assert other.quad_count() == kg.store.quad_count()
    other.close()


def test_the_graph_is_a_context_manager(kg_cache: Path) -> None:
    import kgraph

    with kgraph.open(cache_dir=kg_cache) as graph:
        assert graph.entity("Qods Force").slug == "quds-force"


def test_another_directory_of_curated_files_opens_the_same_way(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    for f in (project / "data").glob("*.trig"):
        if f.name != "curation.trig" and "wsj" not in f.name:
            f.unlink()
    with open_graph(project, cache_dir=tmp_path / "cache") as graph:
        sources = graph.source_graphs()
        assert any("wsj" in g for g in sources)
        assert not any("analysis" in g for g in sources)


def test_big_inputs_are_parsed_in_a_child_process_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kg: KnowledgeGraph
) -> None:
    import kgraph.build as build

    monkeypatch.setattr(build, "CHILD_PROCESS_BYTES", 0)
    # a load per data file and per 50 inferred statements: blank nodes must survive them all
    monkeypatch.setattr(build, "CHUNK_INPUT_BYTES", 0)
    monkeypatch.setattr(build, "BULK_CHUNK_LINES", 50)
    project = copy_project(tmp_path)
    path, info = build_embedded(Inputs.from_dir(project), tmp_path / "cache")
    assert kg.build_info is not None
    assert (info.quads, info.inferred) == (kg.build_info.quads, kg.build_info.inferred)
    assert kg.store_path is not None
    assert _blank_node_shapes(path) == _blank_node_shapes(kg.store_path)
    phases = info.phases
    assert 0 < phases["parsed"] <= phases["inferred"] <= phases["loaded"] <= info.seconds
    bad = project / "data" / "zz-broken.trig"
    bad.write_text("@prefix kg: <https://w3id.org/kgraph/id/> .\nkg:g {\n  kg:a kg:b .\n}\n")
    with pytest.raises(ParseError) as caught:
        build_embedded(Inputs.from_dir(project), tmp_path / "cache")
    assert caught.value.source is not None and caught.value.source.endswith("zz-broken.trig")
    assert caught.value.line == 3


def test_a_graph_continued_in_a_later_file_is_loaded_whole_by_the_child_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kgraph.build as build

    project = copy_project(tmp_path)
    first = sorted((project / "data").glob("*.trig"))[0]
    # a later file adds to the first file's graph (a blank node included), after the child
    # process has sent that graph
    graph = re.search(r"^(?:GRAPH\s+)?(\S+)\s*\{\s*$", first.read_text(), re.M)
    assert graph is not None
    (project / "data" / "zz-later.trig").write_text(
        "@prefix kg: <https://w3id.org/kgraph/id/> .\n"
        "@prefix kgg: <https://w3id.org/kgraph/graph/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f"GRAPH {graph[1]} {{\n  kg:later-thing rdfs:seeAlso [ rdfs:label \"later\" ] .\n}}\n"
        # TriG also allows a graph named by a blank node: it must arrive too
        "_:anonymous-graph {\n  kg:in-a-blank-graph rdfs:label \"unnamed graph\" .\n}\n")
    expected, expected_info = build_embedded(Inputs.from_dir(project), tmp_path / "in-process")
    monkeypatch.setattr(build, "CHILD_PROCESS_BYTES", 0)
    monkeypatch.setattr(build, "CHUNK_INPUT_BYTES", 0)
    path, info = build_embedded(Inputs.from_dir(project), tmp_path / "child")
    assert (info.quads, info.inferred) == (expected_info.quads, expected_info.inferred)
    assert _blank_node_shapes(path) == _blank_node_shapes(expected)
    import pyoxigraph as ox

    store = ox.Store.read_only(str(path))
    label = next(iter(store.quads_for_pattern(ox.NamedNode(KG + "in-a-blank-graph"), None, None)))
    assert isinstance(label.graph_name, ox.BlankNode)
    del store


def _blank_node_shapes(store_path: Path) -> Counter[tuple[tuple[str, str, str, str], ...]]:
    """Each blank node as the sorted list of its edges to named nodes and literals (in and out,
    with their graphs): equal multisets mean no blank node was split or merged by a build."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(store_path))
    edges: dict[str, list[tuple[str, str, str, str]]] = {}
    for q in store.quads_for_pattern(None, None, None, None):
        graph = str(q.graph_name)
        if isinstance(q.subject, ox.BlankNode):
            other = "_" if isinstance(q.object, ox.BlankNode) else str(q.object)
            edges.setdefault(q.subject.value, []).append(("out", q.predicate.value, other, graph))
        if isinstance(q.object, ox.BlankNode):
            other = "_" if isinstance(q.subject, ox.BlankNode) else str(q.subject)
            edges.setdefault(q.object.value, []).append(("in", q.predicate.value, other, graph))
    del store
    return Counter(tuple(sorted(e)) for e in edges.values())
