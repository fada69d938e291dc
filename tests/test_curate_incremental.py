"""Incremental validation (what `kgraph add` runs) agrees with validating the whole graph, on
valid and invalid changes (issue 5, "Fast")."""

from __future__ import annotations

from pathlib import Path

import pytest
from curate_project import SHEETS, make_project, write_sheet

from kgraph.curate.add import plan_files
from kgraph.curate.incremental import validate_full, validate_incremental
from kgraph.curate.resolve import resolve_sheet
from kgraph.curate.sheet import load
from kgraph.curate.state import read_state
from kgraph.curate.to_rdf import build
from kgraph.validate import validate
from kgraph.validate.report import ValidationReport

HEAD = 'source: {id: example-change, kind: news article, title: "Example: a change"}\n'

# made-up changes; the names of existing entities come from the curated seed data
CHANGES = {
    "valid: a new source about known entities": HEAD + """\
statements:
  - {subject: Esmail Qaani, relation: sponsors, object: Houthis, quote: "Example quote."}
  - {subject: Esmail Qaani, relation: commands, object: Quds Force, from: 2020,
     quote: "Example quote."}
""",
    "valid: new entities, an event and a claim": (SHEETS / "example-source.yaml").read_text(),
    "invalid: a second entity with a known canonical name": HEAD + """\
entities:
  - {name: Esmail Qaani, type: person, id: another-esmail-qaani}
statements:
  - {subject: "kg:another-esmail-qaani", relation: member of, object: Quds Force,
     quote: "Example quote."}
""",
    "invalid: a place as the member of an organisation": HEAD + """\
statements:
  - {subject: Afghanistan, relation: member of, object: Quds Force, quote: "Example quote."}
""",
    "invalid: an organisation that succeeded a person": HEAD + """\
statements:
  - {subject: Houthis, relation: succeeded, object: Esmail Qaani, quote: "Example quote."}
""",
}


def violations(report: ValidationReport) -> set[tuple[str, str | None, str | None]]:
    return {(r.focus, r.path, r.shape) for r in report.results if r.severity == "Violation"}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CHANGES))
def test_incremental_and_full_validation_agree(name: str, tmp_path: Path) -> None:
    root = make_project(tmp_path)
    data = root / "data"
    sheet = load(write_sheet(tmp_path, "change.yaml", CHANGES[name]))
    state = read_state(data, root / "ontology")
    built = build(resolve_sheet(sheet, state))
    src, cur, new = plan_files(state, data, built)
    before = validate([root / "ontology", data], reasoner=False, shapes=root / "shapes")
    full = validate_full(root, data, (src, cur), reasoner=True)
    incremental = validate_incremental(state, root, new, reasoner=True)
    assert incremental.consistent == full.consistent
    assert violations(incremental) == violations(full) - violations(before)
    assert incremental.conforms is (full.conforms or not violations(full) - violations(before)
                                    and full.consistent is not False)
    assert incremental.conforms is name.startswith("valid")

