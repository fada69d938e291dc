"""`kgraph add`: names resolve, output is deterministic, nothing invalid is ever written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from curate_project import REPO, SHEETS, make_project, snapshot, write_sheet

from kgraph.curate import atomic
from kgraph.curate.add import add_sheet
from kgraph.errors import SheetError, ValidationFailed

EXAMPLE = SHEETS / "example-source.yaml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def quads_of(path: Path) -> set[str]:
    return {str(q) for q in ox.parse(path=str(path), format=ox.RdfFormat.TRIG)
            if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}


def test_adding_a_sheet_writes_its_source_graph_and_registers_it(project: Path) -> None:
    result = add_sheet(EXAMPLE, root=project, reasoner=False)
    assert result.written and result.source == "example-source"
    written = quads_of(project / "data" / "example-source.trig")
    graph = "<https://w3id.org/kgraph/graph/example-source>"
    assert all(q.endswith(graph) for q in written)
    curation = quads_of(project / "data" / "curation.trig")
    assert (f"{graph} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
            "<https://w3id.org/kgraph/ontology#SourceGraph> "
            "<https://w3id.org/kgraph/graph/curation>") in curation


def test_re_adding_the_same_sheet_changes_nothing(project: Path) -> None:
    add_sheet(EXAMPLE, root=project, reasoner=False)
    before = snapshot(project / "data")
    again = add_sheet(EXAMPLE, root=project, reasoner=False)
    assert not again.changed and not again.written and again.new_quads == 0
    assert snapshot(project / "data") == before


def test_the_same_sheet_gives_the_same_bytes_in_two_fresh_projects(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    pa, pb = make_project(a), make_project(b)
    add_sheet(EXAMPLE, root=pa, reasoner=False)
    add_sheet(EXAMPLE, root=pb, reasoner=False)
    assert snapshot(pa / "data") == snapshot(pb / "data")


def test_adding_one_fact_changes_a_few_lines(project: Path, tmp_path: Path) -> None:
    add_sheet(EXAMPLE, root=project, reasoner=False)
    before = (project / "data" / "example-source.trig").read_text()
    text = EXAMPLE.read_text().replace("claims:", """\
  - subject: Example Brigade
    relation: operates in
    object: Example City
    quote: "The Example Brigade operates in Example City."

claims:""")
    result = add_sheet(write_sheet(tmp_path, "more.yaml", text), root=project, reasoner=False)
    changed = [line for line in result.diff().splitlines()
               if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))]
    assert before != (project / "data" / "example-source.trig").read_text()
    assert all(line.startswith("+") for line in changed)  # nothing else moved
    assert 1 < len(changed) <= 12
    assert not (project / "data" / "curation.trig").read_text().count("operates")


def test_dry_run_prints_the_change_and_writes_nothing(project: Path) -> None:
    before = snapshot(project / "data")
    result = add_sheet(EXAMPLE, root=project, dry_run=True, reasoner=False)
    assert not result.written
    assert "+++ b/data/example-source.trig" in result.diff()
    assert snapshot(project / "data") == before


def test_yaml_and_csv_sheets_give_the_same_graph(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    pa, pb = make_project(a), make_project(b)
    add_sheet(EXAMPLE, root=pa, reasoner=False)
    add_sheet(SHEETS / "example-source.csv", root=pb, reasoner=False)
    name = "example-source.trig"
    assert (pa / "data" / name).read_bytes() == (pb / "data" / name).read_bytes()

    def statements(root: Path) -> list[str]:  # the comment names the sheet file: skip it
        text = (root / "data" / "curation.trig").read_text()
        return [line for line in text.splitlines() if not line.startswith("# added by")]

    assert statements(pa) == statements(pb)


def test_names_resolve_to_entities_already_in_the_graph_tolerant_of_spelling(
    project: Path, tmp_path: Path
) -> None:
    text = """\
source: {id: example-spelling, kind: news article, title: "Example: spelling"}
statements:
  - subject: Esmail Ghaani
    relation: sponsors
    object: the houthis
    quote: "Example quote about Ghaani and the Houthis."
"""
    result = add_sheet(write_sheet(tmp_path, "s.yaml", text), root=project, reasoner=False)
    assert result.new_entities == {}
    triples = quads_of(project / "data" / "example-spelling.trig")
    assert ("<https://w3id.org/kgraph/id/esmail-qaani> <https://w3id.org/kgraph/ontology#sponsors> "
            "<https://w3id.org/kgraph/id/houthis> "
            "<https://w3id.org/kgraph/graph/example-spelling>") in triples


def test_an_ambiguous_name_is_an_error_listing_the_candidates(
    project: Path, tmp_path: Path
) -> None:
    first = """\
source: {id: example-two-brigades, kind: news article, title: "Example: two brigades"}
entities:
  - {name: Example Brigade North, type: armed group}
  - {name: Example Brigade South, type: armed group}
statements:
  - {subject: Example Brigade North, relation: allied with, object: Example Brigade South,
     quote: "Example quote."}
"""
    add_sheet(write_sheet(tmp_path, "first.yaml", first), root=project, reasoner=False)
    second = """\
source: {id: example-ambiguous, kind: news article, title: "Example: ambiguity"}
statements:
  - subject: Quds Force
    relation: sponsors
    object: Example Brigade
    quote: "Example quote."
"""
    before = snapshot(project / "data")
    with pytest.raises(SheetError) as info:
        add_sheet(write_sheet(tmp_path, "second.yaml", second), root=project, reasoner=False)
    err = info.value
    assert (err.line, err.field) == (5, "object")
    assert "ambiguous" in err.message
    assert "<https://w3id.org/kgraph/id/example-brigade-north>" in err.message
    assert "<https://w3id.org/kgraph/id/example-brigade-south>" in err.message
    assert snapshot(project / "data") == before


def test_an_invalid_change_is_refused_and_nothing_written(project: Path, tmp_path: Path) -> None:
    # two different new entities given the same canonical name: the shapes refuse it
    text = """\
source: {id: example-invalid, kind: news article, title: "Example: invalid"}
entities:
  - {name: Esmail Qaani, type: person, id: another-esmail-qaani}
statements:
  - subject: kg:another-esmail-qaani
    relation: member of
    object: Quds Force
    quote: "Example quote."
"""
    before = snapshot(project / "data")
    with pytest.raises(ValidationFailed) as info:
        add_sheet(write_sheet(tmp_path, "bad.yaml", text), root=project, reasoner=False)
    assert "same canonical name" in str(info.value)
    assert snapshot(project / "data") == before


def test_incremental_and_full_validation_write_the_same_bytes(tmp_path: Path) -> None:
    # incremental validation writes the files' text out while the reasoner works; full
    # validation writes it first: the result is the same
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    pa, pb = make_project(a), make_project(b)
    inc = add_sheet(EXAMPLE, root=pa, reasoner=False)
    full = add_sheet(EXAMPLE, root=pb, reasoner=False, full_validation=True)
    assert inc.validation.startswith("incremental, conforms")
    assert full.validation.startswith("full, conforms")
    assert inc.files == full.files
    assert snapshot(pa / "data") == snapshot(pb / "data")
    for result in (inc, full):
        assert set(result.timings) == {"read sheet", "load data", "resolve + build",
                                       "serialize", "validate", "write"}
        assert all(seconds >= 0 for seconds in result.timings.values())


@pytest.mark.slow
def test_an_inconsistent_change_is_refused_by_the_reasoner_and_nothing_written(
    project: Path, tmp_path: Path
) -> None:
    # the OWL check runs in a forked child (kgraph.curate.background): its verdict still counts
    text = """\
source: {id: example-inconsistent, kind: news article, title: "Example: inconsistent"}
statements:
  - {subject: Houthis, relation: succeeded, object: Esmail Qaani, quote: "Example quote."}
"""
    before = snapshot(project / "data")
    with pytest.raises(ValidationFailed) as info:
        add_sheet(write_sheet(tmp_path, "bad.yaml", text), root=project, reasoner=True)
    assert "inconsistent" in str(info.value)
    assert snapshot(project / "data") == before


def test_a_type_clash_with_the_graph_is_named(project: Path, tmp_path: Path) -> None:
    text = """\
source: {id: example-clash, kind: news article, title: "Example: clash"}
entities:
  - {name: Quds Force, type: city}
statements:
  - {subject: Esmail Qaani, relation: member of, object: Quds Force, quote: "Example quote."}
"""
    with pytest.raises(SheetError) as info:
        add_sheet(write_sheet(tmp_path, "clash.yaml", text), root=project, reasoner=False)
    assert (info.value.line, info.value.field) == (3, "type")


def _add_in_subprocess(project: Path, crash_at: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, atomic.CRASH_ENV: crash_at, "KGRAPH_HOME": str(project)}
    return subprocess.run(
        [sys.executable, "-m", "kgraph", "add", str(EXAMPLE), "--no-reasoner"],
        env=env, capture_output=True, text=True, cwd=REPO, timeout=120,
    )


def test_a_process_killed_before_the_rename_leaves_data_exactly_as_before(project: Path) -> None:
    before = snapshot(project / "data")
    proc = _add_in_subprocess(project, "after-temp-write")
    assert proc.returncode == atomic.CRASH_EXIT, proc.stderr
    # the killed writer left hidden temporary files only: the loader sees the old data
    visible = {k: v for k, v in snapshot(project / "data").items() if not k.startswith(".")}
    assert visible == before
    assert any(k.endswith(atomic.TMP_SUFFIX) for k in snapshot(project / "data"))
    atomic.recover(project / "data")  # what the next kgraph add does first
    assert snapshot(project / "data") == before


def test_a_process_killed_between_two_renames_is_finished_by_the_next_writer(
    project: Path, tmp_path: Path
) -> None:
    reference = tmp_path / "reference"
    reference.mkdir()
    ref_project = make_project(reference)
    add_sheet(EXAMPLE, root=ref_project, reasoner=False)
    proc = _add_in_subprocess(project, "after-first-rename")
    assert proc.returncode == atomic.CRASH_EXIT, proc.stderr
    assert (project / "data" / atomic.JOURNAL).exists()
    atomic.recover(project / "data")
    assert snapshot(project / "data") == snapshot(ref_project / "data")


def test_the_add_command_end_to_end(project: Path) -> None:
    env = {**os.environ, "KGRAPH_HOME": str(project)}
    proc = subprocess.run([sys.executable, "-m", "kgraph", "add", str(EXAMPLE), "--dry-run",
                           "--no-reasoner"], env=env, capture_output=True, text=True, cwd=REPO,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "+++ b/data/example-source.trig" in proc.stdout and "would write" in proc.stdout
    bad = project / "bad.yaml"
    shutil.copy(EXAMPLE, bad)
    bad.write_text(EXAMPLE.read_text().replace("grade: F3", "grade: Z9"))
    proc = subprocess.run([sys.executable, "-m", "kgraph", "add", str(bad)], env=env,
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 2
    assert f"{bad}:" in proc.stderr and "[grade]" in proc.stderr
