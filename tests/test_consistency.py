"""HermiT finds the ontology plus the curated data consistent, and names what clashes when not.

Every check here runs the real reasoner (Java HermiT, through owlready2) on the real ontology; each
run takes a second or two, mostly the Java start-up. The fixtures in tests/fixtures/owl/ each
carry one deliberate mistake, written in their header.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import owlready2
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kgraph.errors import KGraphError, ReasonerError
from kgraph.load import load_files
from kgraph.namespaces import KG, KGO
from kgraph.validate.owl import ConsistencyResult, check_consistency, flatten, prepare

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_FILES = sorted((ROOT / "ontology").glob("*.ttl"))
DATA_FILES = sorted((ROOT / "data").glob("*.trig"))
FIXTURES = Path(__file__).parent / "fixtures" / "owl"


def check(*files: Path, with_ontology: bool = True) -> ConsistencyResult:
    paths = [*ONTOLOGY_FILES, *files] if with_ontology else list(files)
    return check_consistency(load_files(paths).dataset)


# --------------------------------------------------------------------------- consistent


def test_the_ontology_alone_is_consistent_and_every_class_satisfiable() -> None:
    result = check()
    assert result.consistent, result.explanation
    assert result.unsatisfiable == ()


@pytest.mark.slow
def test_the_ontology_with_all_curated_data_is_consistent() -> None:
    if not DATA_FILES:
        pytest.skip("no curated data yet (data/*.trig)")
    result = check(*DATA_FILES)
    assert result.consistent, result.explanation
    assert result.clashes == ()


def test_the_sample_in_the_data_model_shape_is_consistent() -> None:
    result = check(FIXTURES / "sample.trig")
    assert result.consistent, result.explanation
    # the evidence and claim nodes reify statements: the reasoner reads that as annotations
    assert any("rdf:subject/predicate/object" in note for note in result.adjustments)


def test_dates_in_every_form_are_handed_to_the_reasoner_and_found_consistent() -> None:
    result = check(FIXTURES / "dates.trig")
    assert result.consistent, result.explanation
    notes = " | ".join(result.adjustments)
    assert "xsd:date literal(s) given to the reasoner as xsd:dateTime" in notes
    assert "xsd:gYear literal(s) left out" in notes
    assert "xsd:gYearMonth literal(s) left out" in notes


# --------------------------------------------------------------------------- inconsistent


def test_an_entity_with_two_disjoint_types_is_named() -> None:
    result = check(FIXTURES / "inconsistent-types.trig")
    assert not result.consistent
    text = result.explanation
    assert "kg:person-and-organization" in text
    assert "kgo:Person" in text and "kgo:Organization" in text
    assert "kg:place-and-event" in text
    assert "kgo:Place" in text and "kgo:Event" in text
    assert len(result.clashes) == 2


def test_a_clash_through_a_range_names_the_entity_and_the_property() -> None:
    result = check(FIXTURES / "range-clash.trig")
    assert not result.consistent
    assert result.clashes == (
        'kg:esmail-qaani ("Esmail Qaani") is both a kgo:Person (stated to be a kgo:Person) '
        "and a kgo:Place (the object of kgo:location, whose range is kgo:Place), "
        "which are disjoint classes",
    )


def test_a_non_actor_where_an_actor_is_required_is_named_with_the_alternatives() -> None:
    result = check(FIXTURES / "actor-clash.trig")
    assert not result.consistent
    assert len(result.clashes) == 1
    clash = result.clashes[0]
    assert clash.startswith("kg:axis-anonymous-sources")
    assert "kgo:alliedWith" in clash
    assert "must be a kgo:Person or a kgo:Organization" in clash
    assert "kgo:AnonymousSource" in clash


def test_two_dates_for_a_functional_bound_still_clash_after_the_date_conversion() -> None:
    result = check(FIXTURES / "two-earliest-dates.trig")
    assert not result.consistent
    assert "kg:qaani-birth" in result.explanation
    assert "kgo:earliest" in result.explanation
    assert '"1955-01-01"^^xsd:date' in result.explanation


def test_an_ill_typed_date_is_reported_instead_of_crashing_the_reasoner() -> None:
    result = check(FIXTURES / "ill-typed-date.trig")
    assert not result.consistent
    assert '"1956-13-01"^^xsd:date' in result.explanation
    assert "kg:qaani-birth" in result.explanation
    assert "not a valid xsd:date" in result.explanation


@pytest.mark.slow
def test_a_clash_the_explainer_cannot_analyse_is_localised_to_its_named_graph() -> None:
    """Localising runs HermiT once per graph (and once for the ontology): several seconds."""
    result = check(FIXTURES / "sample.trig", FIXTURES / "same-and-different.trig")
    assert not result.consistent
    assert "kgg:fixture-same-and-different" in result.explanation
    assert "kgg:sample-news" not in result.explanation


def test_an_unsatisfiable_class_fails_the_check_and_is_named() -> None:
    result = check(FIXTURES / "unsatisfiable-class.ttl")
    assert not result.consistent
    assert result.unsatisfiable == ("kgo:PersonPlace",)
    assert "kgo:PersonPlace" in result.explanation


def test_calls_do_not_leak_into_each_other() -> None:
    """Each call reasons in a fresh owlready2 world: a clash once does not stick; and the JVM
    options the check sets for HermiT are gone afterwards."""
    before = os.environ.get("JAVA_TOOL_OPTIONS")
    assert not check(FIXTURES / "inconsistent-types.trig").consistent
    assert check(FIXTURES / "sample.trig").consistent
    assert os.environ.get("JAVA_TOOL_OPTIONS") == before


def test_no_temporary_files_are_left_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert not check(FIXTURES / "inconsistent-types.trig").consistent
    assert list(tmp_path.iterdir()) == []


def test_a_missing_java_is_a_reasoner_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(owlready2, "JAVA_EXE", "/nonexistent/java")
    with pytest.raises(ReasonerError) as caught:
        check(FIXTURES / "sample.trig")
    assert isinstance(caught.value, KGraphError)
    assert "Java" in caught.value.message


# --------------------------------------------------------------------------- the copy


def test_flatten_merges_every_named_graph_and_the_default_graph() -> None:
    dataset = Dataset()
    a, b = URIRef(KG + "a"), URIRef(KG + "b")
    dataset.graph(URIRef("https://w3id.org/kgraph/graph/one")).add(
        (a, RDF.type, URIRef(KGO + "Person"))
    )
    dataset.graph(URIRef("https://w3id.org/kgraph/graph/two")).add(
        (b, RDF.type, URIRef(KGO + "Place"))
    )
    dataset.add((a, URIRef(KGO + "friendOf"), a))
    assert len(flatten(dataset)) == 3


def test_prepare_converts_dates_drops_unsupported_datatypes_and_keeps_the_original() -> None:
    graph = Graph()
    instant, person = BNode(), URIRef(KG + "esmail-qaani")
    earliest, gyear = URIRef(KGO + "earliest"), URIRef("http://www.w3.org/2006/time#inXSDgYear")
    graph.add((instant, earliest, Literal("1956-01-01", datatype=XSD.date)))
    zoned = Literal("1959-12-31+03:30", datatype=XSD.date, normalize=False)  # keep the zone
    graph.add((instant, URIRef(KGO + "latest"), zoned))
    graph.add((instant, gyear, Literal("1980", datatype=XSD.gYear)))
    graph.add((earliest, URIRef("http://www.w3.org/2000/01/rdf-schema#range"), XSD.date))
    graph.add((URIRef(KG + "ev"), RDF.subject, person))
    html = Literal("<b>Qaani</b>", datatype=RDF.HTML)
    graph.add((person, URIRef(KGO + "description"), html))
    graph.add(
        (
            URIRef(KGO + "description"),
            URIRef("http://www.w3.org/2000/01/rdf-schema#range"),
            RDF.HTML,
        )
    )
    prepared = prepare(graph)
    copy = prepared.graph
    assert (instant, earliest, Literal("1956-01-01T00:00:00", datatype=XSD.dateTime)) in copy
    assert Literal("1959-12-31T00:00:00+03:30", datatype=XSD.dateTime) in set(copy.objects())
    assert (instant, gyear, None) not in copy
    assert XSD.dateTime in set(copy.objects(earliest))
    assert html not in set(copy.objects()) and RDF.HTML not in set(copy.objects())
    assert (URIRef(KG + "ev"), RDF.subject, person) not in copy
    assert (URIRef(KG + "ev"), URIRef("urn:kgraph:reasoner#subject"), person) in copy
    # the caller's graph is untouched
    assert (instant, earliest, Literal("1956-01-01", datatype=XSD.date)) in graph
    assert prepared.ill_typed == ()
