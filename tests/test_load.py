"""Loading RDF files: one dataset, named graphs kept, parse errors a curator can act on.

Each broken file in tests/fixtures/load/ marks the line where the parser notices the mistake;
the ParseError must name that file and line and say what is wrong in plain words.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import OWL, RDF

from kgraph.errors import InputError, ParseError
from kgraph.load import default_inputs, load_files, project_root
from kgraph.namespaces import KG, KGG, KGO

FIXTURES = Path(__file__).parent / "fixtures" / "load"
TREE = FIXTURES / "tree"


def line_of(path: Path, marker: str) -> int:
    """1-based number of the first line of ``path`` containing ``marker`` (read as bytes)."""
    for number, line in enumerate(path.read_bytes().splitlines(), start=1):
        if marker.encode() in line:
            return number
    raise AssertionError(f"{marker!r} not in {path}")


# (file, text on the line the error is reported at, words the message must contain)
BROKEN = [
    ("missing-dot.ttl", "ERROR HERE", "missing its final '.'"),
    ("unterminated-string.trig", 'rdfs:label "Esmail Qaani ;', "string is not closed"),
    ("undeclared-prefix.ttl", "ERROR HERE", "prefix kgo: has not been declared"),
    ("bad-iri.ttl", "ERROR HERE", "IRI contains a character"),
    ("relative-iri.ttl", "ERROR HERE", "relative IRI"),
    ("latin1.ttl", "ERROR HERE", "not UTF-8"),
    ("entities.rdf", "<!DOCTYPE", "DOCTYPE declaration is refused"),
]


@pytest.mark.parametrize(("name", "marker", "words"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_file_names_file_line_and_problem(name: str, marker: str, words: str) -> None:
    path = FIXTURES / name
    with pytest.raises(ParseError) as caught:
        load_files([path])
    error = caught.value
    assert error.source == str(path)
    assert error.line == line_of(path, marker)
    assert error.column is not None and error.column >= 1
    assert words in error.message
    assert str(error).startswith(f"{path}:{error.line}:{error.column}: ")
    assert error.hint, "every parse error says what to do"
    assert error.exit_code == 2
    assert error.to_dict()["line"] == error.line


def test_a_file_that_is_not_utf8_points_at_the_first_bad_byte() -> None:
    path = FIXTURES / "latin1.ttl"
    with pytest.raises(ParseError) as caught:
        load_files([path])
    line = path.read_bytes().splitlines()[caught.value.line - 1]
    assert line.index(b"\xe9") + 1 == caught.value.column
    assert "0xE9" in caught.value.message


def test_json_ld_remote_contexts_are_refused_not_fetched() -> None:
    with pytest.raises(ParseError) as caught:
        load_files([FIXTURES / "remote-context.jsonld"])
    assert "never fetches" in caught.value.message


def test_owl_imports_are_not_followed() -> None:
    loaded = load_files([FIXTURES / "imports.ttl"])
    assert len(loaded.dataset) == 2  # the two triples of the file, nothing imported
    assert any(loaded.dataset.quads((None, OWL.imports, None, None)))


def test_turtle_goes_to_the_default_graph_and_trig_keeps_its_named_graphs() -> None:
    loaded = load_files([TREE / "b-ontology.ttl", TREE / "a-data.trig"])
    ds = loaded.dataset
    person = URIRef(KGO + "Person")
    qaani = URIRef(KG + "esmail-qaani")
    assert (person, RDF.type, OWL.Class) in ds.graph(DATASET_DEFAULT_GRAPH_ID)
    assert (qaani, RDF.type, person) in ds.graph(URIRef(KGG + "source-a"))
    assert (qaani, RDF.type, person) not in ds.graph(DATASET_DEFAULT_GRAPH_ID)
    labels = {
        (str(o), str(g))
        for _, _, o, g in ds.quads(
            (qaani, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), None, None)
        )
    }
    assert labels == {("Esmail Qaani", KGG + "source-a"), ("Qaani", KGG + "curation")}


def test_a_directory_is_read_recursively_in_sorted_order_skipping_other_files() -> None:
    loaded = load_files([TREE])
    assert loaded.files == (
        str(TREE / "a-data.trig"),
        str(TREE / "b-ontology.ttl"),
        str(TREE / "sub" / "c-data.trig"),
    )


def test_a_file_named_twice_is_read_once() -> None:
    loaded = load_files([TREE / "a-data.trig", TREE])
    assert loaded.files.count(str(TREE / "a-data.trig")) == 1
    assert len(loaded.files) == 3


def test_graphs_subjects_and_statements_know_their_files() -> None:
    loaded = load_files([TREE])
    a, c = str(TREE / "a-data.trig"), str(TREE / "sub" / "c-data.trig")
    qaani = URIRef(KG + "esmail-qaani")
    assert loaded.graph_files[URIRef(KGG + "source-a")] == (a,)
    assert loaded.graph_files[URIRef(KGG + "source-c")] == (c,)
    assert loaded.files_of(qaani) == (a, c)
    assert loaded.files_stating(qaani, URIRef(KGO + "commands"), URIRef(KG + "quds-force")) == (c,)
    assert loaded.default_subject_files[URIRef(KGO + "Person")] == (str(TREE / "b-ontology.ttl"),)
    assert qaani not in loaded.default_subject_files


def test_blank_nodes_of_different_files_stay_different() -> None:
    loaded = load_files([TREE])
    births = {
        o
        for _, _, o, _ in loaded.dataset.quads(
            (URIRef(KG + "esmail-qaani"), URIRef(KGO + "birthDate"), None, None)
        )
    }
    assert len(births) == 2 and all(isinstance(b, BNode) for b in births)
    texts = {
        str(t)
        for b in births
        for _, _, t, _ in loaded.dataset.quads((b, URIRef(KGO + "dateText"), None, None))
    }
    assert texts == {"1957", "1958"}


def test_literals_keep_language_and_datatype() -> None:
    loaded = load_files([Path(__file__).parent / "fixtures" / "shapes" / "valid.trig"])
    values = {
        o for _, _, o, _ in loaded.dataset.quads((None, None, None, None)) if isinstance(o, Literal)
    }
    assert Literal("Unit 400", lang="en") in values
    assert Literal("Unit 400") in values
    assert any(v.datatype == URIRef("http://www.w3.org/2001/XMLSchema#date") for v in values)


def test_a_missing_path_and_an_unknown_file_type_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_files([tmp_path / "nowhere.trig"])
    notes = tmp_path / "notes.txt"
    notes.write_text("not RDF")
    with pytest.raises(InputError, match="unknown RDF file type"):
        load_files([notes])


def test_the_project_is_found_next_to_the_package_or_through_kgraph_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KGRAPH_HOME", raising=False)
    root = project_root()
    assert (root / "kgraph" / "load.py").is_file()
    assert default_inputs(root) == [root / "ontology", root / "data"]
    (tmp_path / "ontology").mkdir()
    monkeypatch.setenv("KGRAPH_HOME", str(tmp_path))
    assert project_root() == tmp_path
    assert default_inputs() == [tmp_path / "ontology"]
    monkeypatch.setenv("KGRAPH_HOME", str(tmp_path / "missing"))
    with pytest.raises(InputError, match="KGRAPH_HOME"):
        project_root()
