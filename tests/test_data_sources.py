"""The curated source graphs in data/ read as the two seed articles say, and no more.

Each source document has one file, data/<source-slug>.trig, holding one named graph; kgg:curation
(data/curation.trig) registers the graphs and describes the documents. These tests check what a
reviewer of the curation would check by hand:

* every file parses (rdflib and pyoxigraph) and keeps all its triples inside one named graph;
* every kgo:quote (and every kgo:dateText and kgo:hedge in a source graph) is copied verbatim from
  the seed text of its document — only white space and curly/straight quotes are normalised;
* every described entity has one English skos:prefLabel in kgg:curation;
* every named graph is registered, and every evidence, claim, membership and event node in a
  source graph names that graph's document as its kgo:source;
* claims carry a claimant, a status, both Admiralty grades and a grade note, and what a claim
  says is not also asserted as a plain fact in the same source graph.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import RDF, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDFS, SKOS

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
KGO = Namespace("https://w3id.org/kgraph/ontology#")
KG = "https://w3id.org/kgraph/id/"
CURATION = URIRef("https://w3id.org/kgraph/graph/curation")

DATA_FILES = sorted(DATA.glob("*.trig"))
SOURCE_FILES = [f for f in DATA_FILES if f.name != "curation.trig"]

ONTOLOGY_FILES = sorted((ROOT / "ontology").glob("*.ttl"))


def subclasses_of(*roots: URIRef) -> frozenset[URIRef]:
    """The given classes and all their rdfs:subClassOf descendants in ontology/*.ttl."""
    onto = Graph()
    for path in ONTOLOGY_FILES:
        onto.parse(path, format="turtle")
    found = set(roots)
    frontier = list(roots)
    while frontier:
        parent = frontier.pop()
        for child in onto.subjects(RDFS.subClassOf, parent):
            if isinstance(child, URIRef) and child not in found:
                found.add(child)
                frontier.append(child)
    return frozenset(found)


# Entities that need a canonical name (docs/model.md, Labels) and the n-ary nodes that must
# name their source document (docs/model.md, Statements), read from the ontology.
NAMED_CLASSES = subclasses_of(
    KGO.Person,
    KGO.Organization,
    KGO.Place,
    KGO.Event,
    KGO.Post,
    KGO.AnonymousSource,
    KGO.SourceDocument,
)
SOURCED_CLASSES = subclasses_of(KGO.Evidence, KGO.Claim, KGO.Membership, KGO.Event)

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def normalise(text: str) -> str:
    """Fold curly quotes to straight ones and runs of white space to one space."""
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).strip()


def seeds_dir() -> Path:
    """The seed articles: $KGRAPH_SEEDS, else shared/seeds next to or inside the repository."""
    candidates = [ROOT.parent / "shared" / "seeds", ROOT / "shared" / "seeds"]
    if os.environ.get("KGRAPH_SEEDS"):
        candidates.insert(0, Path(os.environ["KGRAPH_SEEDS"]))
    for path in candidates:
        if path.is_dir():
            return path
    pytest.skip("seed articles not found (set KGRAPH_SEEDS to the shared/seeds directory)")


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    ds = Dataset()
    for path in DATA_FILES:
        ds.parse(path, format="trig")
    return ds


@pytest.fixture(scope="module")
def curation(dataset: Dataset) -> Graph:
    return dataset.graph(CURATION)


def source_graphs(dataset: Dataset, curation: Graph) -> Iterator[tuple[URIRef, Graph, URIRef]]:
    """Each registered source graph with its document."""
    for name in curation.subjects(RDF.type, KGO.SourceGraph):
        doc = curation.value(name, KGO.graphOf)
        assert isinstance(name, URIRef) and isinstance(doc, URIRef)
        yield name, dataset.graph(name), doc


def test_there_is_one_data_file_per_source_plus_curation(curation: Graph) -> None:
    """data/ holds curation.trig and one <source-slug>.trig for each registered source graph."""
    registered = {str(g).rsplit("/", 1)[1] for g in curation.subjects(RDF.type, KGO.SourceGraph)}
    assert registered, "no source graph is registered in kgg:curation"
    assert {f.stem for f in SOURCE_FILES} == registered


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_file_parses_into_exactly_one_named_graph(path: Path) -> None:
    """rdflib and pyoxigraph both read the file, and every triple is inside GRAPH <file-slug>."""
    ds = Dataset()
    ds.parse(path, format="trig")
    graphs = {g.identifier for g in ds.graphs() if len(g)}
    assert graphs == {URIRef(f"https://w3id.org/kgraph/graph/{path.stem}")}
    with path.open("rb") as fh:
        quads = list(pyoxigraph.parse(fh, format=pyoxigraph.RdfFormat.TRIG))
    assert len(quads) == sum(len(g) for g in ds.graphs())
    assert all(isinstance(q.graph_name, pyoxigraph.NamedNode) for q in quads)


def test_every_named_graph_is_registered(dataset: Dataset, curation: Graph) -> None:
    registered = set(curation.subjects(RDF.type, KGO.SourceGraph)) | {CURATION}
    assert (CURATION, RDF.type, KGO.CurationGraph) in curation
    used = {g.identifier for g in dataset.graphs() if len(g)}
    assert used - registered == set()


def test_each_source_document_is_described_in_curation(dataset: Dataset, curation: Graph) -> None:
    for _name, _graph, doc in source_graphs(dataset, curation):
        assert (doc, RDF.type, None) in curation, doc
        assert curation.value(doc, KGO.seedFile) is not None, f"{doc} has no kgo:seedFile"
        assert curation.value(doc, KGO.about) is not None, f"{doc} says nothing of its subject"
        assert curation.value(doc, SKOS.prefLabel) is not None, f"{doc} has no skos:prefLabel"


def test_quotes_dates_and_hedges_are_verbatim_from_the_seed(
    dataset: Dataset, curation: Graph
) -> None:
    """Each kgo:quote, kgo:dateText and kgo:hedge in a source graph occurs in its seed text."""
    seeds = seeds_dir()
    checked = 0
    missing: list[str] = []
    for _name, graph, doc in source_graphs(dataset, curation):
        seed_file = curation.value(doc, KGO.seedFile)
        text = normalise((seeds / str(seed_file)).read_text(encoding="utf-8"))
        for prop in (KGO.quote, KGO.dateText, KGO.hedge):
            for node, value in graph.subject_objects(prop):
                checked += 1
                if normalise(str(value)) not in text:
                    missing.append(f"{node} {prop}: {value!r}")
    assert checked > 0
    assert missing == []


def test_every_entity_has_one_english_preflabel_in_curation(
    dataset: Dataset, curation: Graph
) -> None:
    unnamed, several = [], []
    for graph in dataset.graphs():
        for entity, cls in graph.subject_objects(RDF.type):
            if cls not in NAMED_CLASSES or not str(entity).startswith(KG):
                continue
            labels = list(curation.objects(entity, SKOS.prefLabel))
            english = [lab for lab in labels if isinstance(lab, Literal) and lab.language == "en"]
            if not english:
                unnamed.append(str(entity))
            elif len(labels) > 1:
                several.append(str(entity))
    assert sorted(set(unnamed)) == []
    assert sorted(set(several)) == []


def test_preflabels_live_only_in_curation_and_are_unique(dataset: Dataset) -> None:
    seen: dict[str, URIRef] = {}
    for graph in dataset.graphs():
        for entity, label in graph.subject_objects(SKOS.prefLabel):
            assert graph.identifier == CURATION, f"prefLabel of {entity} outside kgg:curation"
            other = seen.setdefault(str(label), entity)  # type: ignore[arg-type]
            assert other == entity, f"{entity} and {other} share the prefLabel {label!r}"


def test_every_sourced_node_names_its_graphs_document(dataset: Dataset, curation: Graph) -> None:
    """Evidence, claims, memberships and events carry kgo:source = the graph's own document."""
    wrong = []
    for _name, graph, doc in source_graphs(dataset, curation):
        nodes = {n for n, c in graph.subject_objects(RDF.type) if c in SOURCED_CLASSES}
        assert nodes, f"{_name} has no evidence, claims, memberships or events"
        for node in nodes:
            sources = set(graph.objects(node, KGO.source))
            quotes = set(graph.objects(node, KGO.quote))
            if sources != {doc} or not quotes:
                wrong.append(f"{node}: source={sorted(map(str, sources))} quotes={len(quotes)}")
    assert wrong == []


def test_claims_are_complete_and_not_asserted(dataset: Dataset, curation: Graph) -> None:
    """A claim has text, subject matter, claimant, status, grades and a note; its triple is
    not a plain fact in its own source graph."""
    required = (
        KGO.claimText,
        KGO.about,
        KGO.claimedBy,
        KGO.status,
        KGO.reliability,
        KGO.credibility,
        KGO.gradeNote,
    )
    problems = []
    claims = 0
    for _name, graph, _doc in source_graphs(dataset, curation):
        for claim in graph.subjects(RDF.type, KGO.Claim):
            claims += 1
            problems += [f"{claim} lacks {p}" for p in required if graph.value(claim, p) is None]
            s, p, o = (graph.value(claim, x) for x in (RDF.subject, RDF.predicate, RDF.object))
            if s is not None and p is not None and o is not None and (s, p, o) in graph:
                problems.append(f"{claim}: its content {s} {p} {o} is also asserted")
    assert claims > 0
    assert problems == []


def test_every_evidence_node_backs_a_triple_of_its_graph(dataset: Dataset, curation: Graph) -> None:
    dangling = []
    for _name, graph, _doc in source_graphs(dataset, curation):
        for ev in graph.subjects(RDF.type, KGO.Evidence):
            s, p, o = (graph.value(ev, x) for x in (RDF.subject, RDF.predicate, RDF.object))
            if s is None or p is None or o is None or (s, p, o) not in graph:
                dangling.append(str(ev))
    assert dangling == []
