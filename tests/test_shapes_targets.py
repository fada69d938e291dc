"""The SPARQL targets of the SPARQL-constraint shapes select exactly the nodes their constraint
reports among the nodes of the shape's SHACL Core target (shapes/prefixes.ttl explains why the
shapes are written that way): no violation is lost, and no passing node is queried one by one.

Checked on every shape fixture and on the bundled data, with the constraint run once per
candidate node, as pyshacl runs it for a Core target.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from kgraph.load import default_inputs
from kgraph.validate.shacl import KGSH, load_shapes

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "shapes"

KGO = "https://w3id.org/kgraph/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
TIME = "http://www.w3.org/2006/time#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"

# each shape's Core target as it was written before its SPARQL target (git history of shapes/)
CORE_TARGETS: dict[str, tuple[str, str]] = {
    "SourceMatchesGraph": ("subjectsOf", KGO + "source"),
    "EvidenceStatesFact": ("class", KGO + "Evidence"),
    "PrefLabelInCuration": ("subjectsOf", SKOS + "prefLabel"),
    "PrefLabelUnique": ("subjectsOf", SKOS + "prefLabel"),
    "ClaimTripleComplete": ("class", KGO + "Claim"),
    "ClaimNotAsserted": ("class", KGO + "Claim"),
    "RelativeDateAnchored": ("subjectsOf", KGO + "precision"),
    "InstantBoundsOrdered": ("subjectsOf", KGO + "latest"),
    "IntervalOrdered": ("subjectsOf", TIME + "hasEnd"),
    "EventParticipant": ("class", KGO + "Event"),
}


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(ROOT / "shapes")


def _prefixes(shapes: Graph) -> dict[str, str]:
    return {
        str(shapes.value(d, SH.prefix)): str(shapes.value(d, SH.namespace))
        for d in shapes.objects(URIRef(KGSH), SH.declare)
    }


def _store(*paths: Path) -> ox.Store:
    store = ox.Store()
    for path in paths:
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            fmt = {".trig": ox.RdfFormat.TRIG, ".ttl": ox.RdfFormat.TURTLE}.get(file.suffix)
            if fmt is not None:
                store.bulk_extend(ox.parse(path=str(file), format=fmt))
    return store


def _select(store: ox.Store, query: str, prefixes: dict[str, str],
            this: ox.NamedNode | ox.BlankNode | None = None) -> list[ox.QuerySolution]:
    answer = store.query(query, prefixes=prefixes, use_default_graph_as_union=True,
                         substitutions={ox.Variable("this"): this} if this is not None else None)
    assert isinstance(answer, ox.QuerySolutions)
    return list(answer)


def _core_target(store: ox.Store, kind: str, iri: str) -> set[ox.NamedNode | ox.BlankNode]:
    if kind == "class":
        query = f"SELECT DISTINCT ?n WHERE {{ ?n a/<{RDFS}subClassOf>* <{iri}> }}"
    else:
        query = f"SELECT DISTINCT ?n WHERE {{ ?n <{iri}> ?x }}"
    return {row["n"] for row in _select(store, query, {})}  # type: ignore[misc]


def check_targets(store: ox.Store, shapes: Graph) -> dict[str, int]:
    prefixes = _prefixes(shapes)
    selected: dict[str, int] = {}
    for name, (kind, iri) in CORE_TARGETS.items():
        shape = URIRef(KGSH + name)
        target = shapes.value(shape, SH.target)
        constraint = shapes.value(shape, SH.sparql)
        assert target is not None and constraint is not None, f"{name}: no SPARQL target"
        target_query = str(shapes.value(target, SH.select))
        constraint_query = str(shapes.value(constraint, SH.select))
        targets = {row["this"] for row in _select(store, target_query, prefixes)}
        reported = {
            node for node in _core_target(store, kind, iri)
            if _select(store, constraint_query, prefixes, this=node)
        }
        assert targets == reported, (name, targets ^ reported)
        selected[name] = len(targets)
    return selected


FIXTURE_FILES = sorted(p for p in FIXTURES.glob("*.trig") if p.name != "_base.trig")


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=[p.stem for p in FIXTURE_FILES])
def test_the_sparql_targets_select_what_the_constraints_report(fixture: Path,
                                                               shapes: Graph) -> None:
    store = _store(ROOT / "ontology", FIXTURES / "_base.trig", fixture)
    check_targets(store, shapes)


def test_the_sparql_targets_on_the_bundled_data(shapes: Graph) -> None:
    store = _store(*default_inputs(), ROOT / "ontology")
    check_targets(store, shapes)


def test_the_check_finds_something_to_compare(shapes: Graph) -> None:
    """The fixtures that break these shapes give non-empty targets (the check is not vacuous)."""
    hits: dict[str, int] = dict.fromkeys(CORE_TARGETS, 0)
    for fixture in FIXTURE_FILES:
        store = _store(ROOT / "ontology", FIXTURES / "_base.trig", fixture)
        for name, count in check_targets(store, shapes).items():
            hits[name] += count
    assert all(hits.values()), hits
