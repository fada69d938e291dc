"""Every SHACL shape in shapes/ catches the curator mistake it is written for, and only that.

Each fixture in tests/fixtures/shapes/ breaks one rule. Its header names, in ``# expect:`` lines,
the shape(s) that must fire and the focus node(s) they must report. A fixture is validated
together with ``_base.trig`` (a small valid dataset) and the project ontology, exactly as
``kgraph validate`` would; the report must contain those results and nothing else, each with the
shape's own severity and message.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from kgraph.namespaces import KG, KGG
from kgraph.validate import ValidationReport, validate
from kgraph.validate.shacl import KGSH, load_shapes

ROOT = Path(__file__).resolve().parent.parent
SHAPES = ROOT / "shapes"
FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
BASE = FIXTURES / "_base.trig"
VALID = FIXTURES / "valid.trig"
SEEDS = FIXTURES / "seeds"  # the text the fixtures quote
BROKEN = sorted(p for p in FIXTURES.glob("*.trig") if not p.name.startswith("_") and p != VALID)

_EXPECT = re.compile(r"^# expect: kgsh:(\w+) (\S+)$", re.MULTILINE)
_PREFIXES = {"kg:": KG, "kgg:": KGG}


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(SHAPES)


def named_shapes(shapes: Graph) -> list[URIRef]:
    return sorted(s for s in set(shapes.subjects(SH.message, None)) if isinstance(s, URIRef))


def expected(fixture: Path) -> set[tuple[str, str]]:
    pairs = set()
    for shape, focus in _EXPECT.findall(fixture.read_text(encoding="utf-8")):
        for prefix, namespace in _PREFIXES.items():
            if focus.startswith(prefix):
                focus = namespace + focus[len(prefix) :]
        pairs.add((KGSH + shape, focus.strip("<>")))
    return pairs


def found(report: ValidationReport) -> set[tuple[str, str]]:
    return {(r.shape or "", "_:" if r.focus.startswith("_:") else r.focus) for r in report.results}


def message_pattern(template: str) -> re.Pattern[str]:
    """The shape's sh:message with each {?var} / {$this} standing for any substituted text."""
    parts = re.split(r"\{[?$]\w+\}", template)
    return re.compile(".+".join(re.escape(p) for p in parts), re.DOTALL)


def test_every_shape_has_a_message_a_severity_and_a_fixture(shapes: Graph) -> None:
    covered = {shape for fixture in BROKEN for shape, _ in expected(fixture)}
    for shape in named_shapes(shapes):
        assert str(shapes.value(shape, SH.message) or "").strip(), f"{shape} has no sh:message"
        assert shapes.value(shape, SH.severity) in (SH.Violation, SH.Warning, SH.Info), shape
        assert str(shape) in covered, f"no fixture in {FIXTURES} breaks {shape}"


def test_every_fixture_names_what_it_expects() -> None:
    assert len(BROKEN) >= 40
    for fixture in BROKEN:
        assert expected(fixture), f"{fixture.name} has no '# expect: kgsh:Shape focus' line"


def test_the_valid_fixture_gives_no_violations_and_no_warnings() -> None:
    report = validate([BASE, VALID], reasoner=False, seeds=SEEDS)
    assert report.results == (), report.to_text()
    assert report.conforms


@pytest.mark.parametrize("fixture", BROKEN, ids=[p.stem for p in BROKEN])
def test_a_broken_fixture_is_caught_by_its_shape_only(fixture: Path, shapes: Graph) -> None:
    report = validate([BASE, fixture], reasoner=False, seeds=SEEDS)
    assert found(report) == expected(fixture), report.to_text()
    for result in report.results:
        shape = URIRef(result.shape or "")
        severity = shapes.value(shape, SH.severity)
        assert result.severity == str(severity).rsplit("#", 1)[-1]
        template = str(shapes.value(shape, SH.message))
        assert message_pattern(template).fullmatch(result.message), (result.message, template)
        assert result.files and set(result.files) <= {str(BASE), str(fixture)}, result.files
    assert any(str(fixture) in r.files for r in report.results), "the report names the file"
    assert report.conforms == all(r.severity != "Violation" for r in report.results)
