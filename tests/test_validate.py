"""kgraph.validate and `kgraph validate`: the report, its formats, exit codes, the bundled data."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH, SKOS

from kgraph.cli.validate import validate_command
from kgraph.errors import ParseError
from kgraph.load import default_inputs, load_files, project_root
from kgraph.namespaces import KG, KGO
from kgraph.validate import ValidationReport, validate
from kgraph.validate.quotes import QUOTE_SHAPE, seeds_dir
from kgraph.validate.shacl import DEFAULT_GRAPH_SHAPE, load_shapes

ROOT = Path(__file__).resolve().parent.parent
SHAPES = Path(__file__).parent / "fixtures" / "shapes"
BASE = SHAPES / "_base.trig"
VALID = SHAPES / "valid.trig"
LOAD = Path(__file__).parent / "fixtures" / "load"


def message_of(shape: str) -> str:
    return str(load_shapes(ROOT / "shapes").value(URIRef(shape), SH.message))


def timed(run: Callable[[], ValidationReport]) -> tuple[ValidationReport, float]:
    started = time.perf_counter()
    report = run()
    return report, time.perf_counter() - started


# -- the bundled graph ---------------------------------------------------------------------------


@pytest.mark.slow
def test_bundled_graph_is_valid() -> None:
    """The curated data in data/ passes every shape and the OWL reasoner (no skipping: if data/
    is missing or broken, this fails and says why)."""
    inputs = default_inputs(project_root())
    assert ROOT / "data" in inputs, "data/ is missing"
    assert list((ROOT / "data").glob("*.trig")), "data/ has no TriG files"
    report, seconds = timed(validate)
    assert report.violations == 0, report.to_text()
    assert report.consistency is not None and report.consistency.consistent, report.to_text()
    assert report.conforms
    if seconds >= 10:  # a shared, busy machine: judge the better of two runs
        seconds = min(seconds, timed(validate)[1])
    assert seconds < 10, f"validation took {seconds:.1f} s"


def test_bundled_graph_passes_the_shapes_quickly() -> None:
    report, seconds = timed(lambda: validate(reasoner=False))
    assert report.violations == 0, report.to_text()
    if seconds >= 5:
        seconds = min(seconds, timed(lambda: validate(reasoner=False))[1])
    assert seconds < 5, f"SHACL validation took {seconds:.1f} s"


def test_a_fact_added_to_the_bundled_data_without_evidence_is_caught(tmp_path: Path) -> None:
    """The shapes are not vacuous on the real data: break it the way a curator might."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    loaded = load_files([data])
    people = sorted(
        s for s, _, _, _ in loaded.dataset.quads((None, RDF.type, URIRef(KGO + "Person"), None))
    )
    funds = URIRef(KGO + "funds")
    someone, something = next(
        (p, o)
        for p in people
        for o in people
        if p != o and not any(loaded.dataset.quads((p, funds, o, None)))
    )
    graph = next(
        g
        for _, _, _, g in loaded.dataset.quads((someone, RDF.type, None, None))
        if not str(g).endswith("/curation")
    )
    (data / "zz-broken.trig").write_text(
        f"<{graph}> {{ <{someone}> <{KGO}funds> <{something}> . }}\n", encoding="utf-8"
    )
    report = validate([ROOT / "ontology", data], reasoner=False)
    broken = [r for r in report.results if r.shape and r.shape.endswith("#FactHasEvidence")]
    assert [(r.focus, r.path, r.value) for r in broken] == [
        (str(someone), KGO + "funds", str(something))
    ]
    assert broken[0].files == (str(data / "zz-broken.trig"),)
    assert not report.conforms


def test_a_misquote_in_the_bundled_data_is_caught(tmp_path: Path) -> None:
    """Change one word of one quote of the real data: the quote check names it."""
    seeds = seeds_dir()
    assert seeds is not None, "the seed articles are missing (set KGRAPH_SEEDS)"
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    loaded = load_files([data])
    quote = URIRef(KGO + "quote")
    files = {p: p.read_text(encoding="utf-8") for p in sorted(data.glob("*.trig"))}
    node, text, graph, path = next(  # the first quote written on one line, without escapes
        (s, str(o), str(g), p)
        for s, _, o, g in sorted(loaded.dataset.quads((None, quote, None, None)))
        if not str(g).endswith("/curation")
        for p, content in files.items()
        if f'"{o}"' in content
    )
    words = str(text).split(" ")
    changed = " ".join([*words[:-1], words[-1] + "xyz"])
    path.write_text(path.read_text(encoding="utf-8").replace(text, changed, 1), encoding="utf-8")
    report = validate([ROOT / "ontology", data], reasoner=False, seeds=seeds)
    found = [r for r in report.results if r.shape == str(QUOTE_SHAPE)]
    assert [(r.focus, r.value, r.graphs) for r in found] == [(str(node), changed, (graph,))]
    assert found[0].files == (str(path),)
    assert not report.conforms


# -- the report ----------------------------------------------------------------------------------


def test_warnings_do_not_fail_a_report_violations_do() -> None:
    warned = validate([BASE, SHAPES / "event-date.trig"], reasoner=False)
    assert warned.warnings == 1 and warned.violations == 0 and warned.conforms
    failed = validate([BASE, SHAPES / "claim-status.trig"], reasoner=False)
    assert failed.violations == 1 and not failed.conforms


def test_text_report_groups_by_file_then_entity_with_what_to_fix() -> None:
    fixture = SHAPES / "pref-label-english.trig"
    report = validate([BASE, fixture], reasoner=False)
    (result,) = report.results
    unit = URIRef(KG + "unit-400")
    (label,) = {
        str(o)
        for _, _, o, _ in load_files([fixture]).dataset.quads((unit, SKOS.prefLabel, None, None))
    }
    lines = report.to_text().splitlines()
    at = lines.index(next(line for line in lines if line.endswith(fixture.name)))
    assert lines[at + 1] == f"  {label} <kg:unit-400>"
    where, value = "    skos:prefLabel: ", f" ({label})"  # the property, then the bad value
    assert lines[at + 2].startswith(where) and lines[at + 2].endswith(value)
    assert lines[at + 3].startswith("      what to fix: ")
    problem = lines[at + 2][len(where) : -len(value)]
    fix = lines[at + 3][len("      what to fix: ") :]
    assert f"{problem} {fix}" == message_of(result.shape or "")  # split, nothing lost
    assert lines[-1] == report.summary() and "1 violation(s)" in lines[-1]


def test_json_report_is_stable_and_complete() -> None:
    paths = [BASE, SHAPES / "pref-label-unique.trig", SHAPES / "event-date.trig"]
    first = validate(paths, reasoner=False).to_json()
    second = validate(list(reversed(paths)), reasoner=False).to_json()
    data = json.loads(first)
    assert data["conforms"] is False and data["violations"] == 2 and data["warnings"] == 1
    assert {r["focus"] for r in data["results"]} >= {KG + "esmail-qaani", KG + "esmail-qaani-2"}
    assert set(data["results"][0]) == {
        "severity",
        "focus",
        "focus_label",
        "path",
        "value",
        "message",
        "shape",
        "files",
        "graphs",
    }
    assert validate(paths, reasoner=False).to_json() == first  # byte for byte, run after run

    def findings(report: dict[str, list[dict[str, str]]]) -> set[tuple[str, str, str]]:
        return {(r["shape"], r["focus"], r["message"]) for r in report["results"]}

    assert findings(json.loads(second)) == findings(data)  # input order changes no finding


def test_turtle_report_is_the_shacl_report_graph_including_python_side_checks() -> None:
    report = validate([BASE, SHAPES / "statement-in-default-graph.trig"], reasoner=False)
    graph = Graph().parse(data=report.to_turtle(), format="turtle")
    root = graph.value(None, RDF.type, SH.ValidationReport)
    assert root is not None
    assert graph.value(root, SH.conforms).toPython() is False
    results = list(graph.objects(root, SH.result))
    assert len(results) == len(report.results) == 1
    assert graph.value(results[0], SH.sourceShape) == DEFAULT_GRAPH_SHAPE
    assert graph.value(results[0], SH.focusNode) == URIRef(KG + "esmail-qaani")


def test_a_parse_error_propagates_from_validate() -> None:
    with pytest.raises(ParseError) as caught:
        validate([BASE, LOAD / "missing-dot.ttl"], reasoner=False)
    assert caught.value.source == str(LOAD / "missing-dot.ttl")


@pytest.mark.slow
def test_an_inconsistency_fails_the_report_even_when_every_shape_passes() -> None:
    report = validate([BASE, SHAPES / "_inconsistent.trig"], reasoner=True)
    assert report.violations == 0, report.to_text()
    assert report.consistency is not None and report.consistency.consistent is False
    assert not report.conforms
    assert "INCONSISTENT" in report.to_text()
    assert json.loads(report.to_json())["consistency"]["consistent"] is False


# -- the command ---------------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(validate_command, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_cli_exits_0_on_valid_input_even_with_warnings() -> None:
    code, out, _ = run(str(BASE), str(SHAPES / "event-date.trig"), "--no-reasoner")
    assert code == 0
    assert "0 violation(s), 1 warning(s)" in out


def test_cli_exits_1_on_violations_and_prints_the_shape_message() -> None:
    code, out, _ = run(str(BASE), str(SHAPES / "membership-role.trig"), "--no-reasoner")
    assert code == 1
    first_sentence = message_of("https://w3id.org/kgraph/shapes#MembershipRole").split(". ")[0]
    assert first_sentence in out


def test_cli_exits_2_on_unreadable_input_with_file_and_line_on_stderr() -> None:
    path = LOAD / "undeclared-prefix.ttl"
    code, out, err = run(str(path), "--no-reasoner")
    assert code == 2
    assert out == ""
    assert f"{path}:3:" in err and "has not been declared" in err


def test_cli_json_and_turtle_formats() -> None:
    code, out, err = run(
        str(BASE), str(SHAPES / "claim-status.trig"), "--no-reasoner", "--format", "json"
    )
    assert code == 1
    assert json.loads(out)["results"][0]["shape"].endswith("#ClaimStatus")
    assert "NOT valid" in err
    code, out, _ = run(str(BASE), str(VALID), "--no-reasoner", "--format", "turtle")
    assert code == 0
    graph = Graph().parse(data=out, format="turtle")
    assert (None, SH.conforms, None) in graph


def test_the_command_runs_as_a_real_process() -> None:
    fixture = SHAPES / "fact-has-evidence.trig"
    done = subprocess.run(
        [sys.executable, "-m", "kgraph", "validate", str(BASE), str(fixture), "--no-reasoner"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "has no evidence" in done.stdout
    broken = subprocess.run(
        [
            sys.executable,
            "-m",
            "kgraph",
            "validate",
            str(LOAD / "missing-dot.ttl"),
            "--no-reasoner",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert broken.returncode == 2
    assert "missing-dot.ttl:5:1" in broken.stderr
