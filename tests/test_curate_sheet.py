"""Bad fact sheets: each is refused with an error naming the sheet line and field, and nothing is
written to data/ (issue 5, "Bad input")."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from curate_project import make_project, snapshot, write_sheet

from kgraph.curate.add import add_sheet
from kgraph.curate.sheet import MAX_SHEET_BYTES
from kgraph.errors import SheetError

# A small self-contained EXAMPLE sheet (made-up facts). Line numbers below refer to it.
GOOD = """\
source:
  id: example-bad-input
  kind: news article
  title: "Example: an illustration of a fact sheet"
  date: 2024-02-05
entities:
  - name: Example Brigade
    type: armed group
  - name: Example Commander
    type: person
  - name: Example anonymous officials
    type: anonymous source
statements:
  - subject: Example Commander
    relation: commands
    object: Example Brigade
    from: 2021
    to: 2023
    quote: "Example Commander led the Example Brigade from 2021 to 2023."
claims:
  - text: Example Brigade is funded by Example Commander.
    subject: Example Commander
    relation: funds
    object: Example Brigade
    by: Example anonymous officials
    status: alleged
    grade: F3
    grade note: anonymous officials; not confirmed elsewhere
    quote: "Officials said the commander funds the brigade."
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def refused(project: Path, tmp_path: Path, text: str | bytes, name: str = "sheet.yaml"
            ) -> SheetError:
    """Add the sheet; assert it is refused and data/ is byte for byte as before."""
    before = snapshot(project / "data")
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(SheetError) as info:
        add_sheet(path, root=project, reasoner=False)
    assert snapshot(project / "data") == before
    assert str(path) in str(info.value)
    return info.value


def test_the_good_sheet_is_accepted(project: Path, tmp_path: Path) -> None:
    result = add_sheet(write_sheet(tmp_path, "good.yaml", GOOD), root=project, reasoner=False)
    assert result.written
    assert (project / "data" / "example-bad-input.trig").exists()


def test_an_unknown_relation_names_the_line_and_lists_the_known_ones(
    project: Path, tmp_path: Path
) -> None:
    err = refused(project, tmp_path, GOOD.replace("relation: commands", "relation: command"))
    assert (err.line, err.field) == (15, "relation")
    assert "unknown relation 'command'" in err.message
    assert err.hint is not None and err.hint.split(": ", 1)[1].startswith("commands")


def test_a_date_in_an_unknown_form(project: Path, tmp_path: Path) -> None:
    err = refused(project, tmp_path, GOOD.replace("from: 2021", "from: the year of the horse"))
    assert (err.line, err.field) == (17, "from")


def test_an_end_before_its_start(project: Path, tmp_path: Path) -> None:
    err = refused(project, tmp_path, GOOD.replace("to: 2023", "to: 2019"))
    assert (err.line, err.field) == (18, "to")
    assert "before" in err.message


@pytest.mark.parametrize("grade", ["G3", "A7", "F", "3F3"])
def test_a_grade_outside_the_admiralty_scale(project: Path, tmp_path: Path, grade: str) -> None:
    err = refused(project, tmp_path, GOOD.replace("grade: F3", f"grade: {grade}"))
    assert (err.line, err.field) == (27, "grade")


def test_a_reference_to_an_entity_that_exists_nowhere(project: Path, tmp_path: Path) -> None:
    text = GOOD.replace("object: Example Brigade\n    from", "object: Example Legion\n    from")
    err = refused(project, tmp_path, text)
    assert (err.line, err.field) == (16, "object")
    assert "Example Legion" in err.message


def test_a_claim_without_a_quote(project: Path, tmp_path: Path) -> None:
    text = GOOD.replace('    quote: "Officials said the commander funds the brigade."\n', "")
    err = refused(project, tmp_path, text)
    assert (err.line, err.field) == (21, "quote")


def test_a_claim_without_a_source(project: Path, tmp_path: Path) -> None:
    text = GOOD[GOOD.index("entities:"):]
    err = refused(project, tmp_path, text)
    assert err.field == "source"


def test_the_same_name_defined_twice_with_different_types(project: Path, tmp_path: Path) -> None:
    text = GOOD.replace("statements:", "  - name: Example Brigade\n    type: city\nstatements:")
    err = refused(project, tmp_path, text)
    assert (err.line, err.field) == (13, "name")
    assert "ArmedGroup (line 7)" in err.message


def test_a_file_that_is_not_utf8(project: Path, tmp_path: Path) -> None:
    data = GOOD.replace("Example Brigade is funded", "Exémple Brigade is funded").encode("latin-1")
    err = refused(project, tmp_path, data)
    assert err.line == 21
    assert "not UTF-8" in err.message


@pytest.mark.parametrize("text", ["", "\n\n  \n", "# only a comment\n", "source:\n  kind: x\n"])
def test_an_empty_sheet(project: Path, tmp_path: Path, text: str) -> None:
    err = refused(project, tmp_path, text)
    assert "empty" in err.message


def test_a_10_mb_sheet(project: Path, tmp_path: Path) -> None:
    padding = "# " + "x" * 98 + "\n"
    text = GOOD + padding * (10_000_000 // len(padding))
    assert len(text.encode()) > MAX_SHEET_BYTES
    err = refused(project, tmp_path, text)
    assert "limit" in err.message


def test_an_unknown_field_is_named(project: Path, tmp_path: Path) -> None:
    err = refused(project, tmp_path, GOOD.replace("    grade note:", "    grade nite:"))
    assert (err.line, err.field) == (28, "grade_nite")
    assert err.hint is not None and "grade_note" in err.hint


def test_turtle_and_sparql_inside_a_label_stay_plain_text(project: Path, tmp_path: Path) -> None:
    nasty = ('Evil" ; a owl:Nothing . } GRAPH kgg:x { kg:a kg:b "c'
             "\\n DROP ALL ; INSERT DATA { <a:b> <c:d> 'e' } # \U0001F600 <script>")
    quoted = json.dumps(nasty, ensure_ascii=False)  # a JSON string is a YAML quoted scalar
    text = GOOD.replace("  - name: Example Brigade\n", f"  - name: {quoted}\n").replace(
        "object: Example Brigade", f"object: {quoted}")
    result = add_sheet(write_sheet(tmp_path, "nasty.yaml", text), root=project, reasoner=False)
    assert result.written
    quads = list(ox.parse(path=str(project / "data" / "example-bad-input.trig"),
                          format=ox.RdfFormat.TRIG))
    (iri,) = [i for i, name in result.new_entities.items() if name == nasty]
    labels = [q.object.value for q in quads
              if q.subject.value == iri and q.predicate.value.endswith("#label")]
    assert labels == [nasty]
    assert iri.rsplit("/", 1)[1].startswith("evil-a-owl-nothing-graph-kgg-x")
    # nothing but kgraph's own vocabulary came out of it: no owl:Nothing, no graph kgg:x
    assert not any("Nothing" in q.object.value for q in quads if isinstance(q.object, ox.NamedNode))
    assert {q.graph_name.value for q in quads} == {"https://w3id.org/kgraph/graph/example-bad-input"}
