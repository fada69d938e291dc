"""Validate curated kgraph files: parse, SHACL shapes, graph membership, OWL consistency.

::

    report = validate()               # the project's ontology/ and data/, shapes from shapes/
    report.conforms, report.violations
    print(report.to_text())           # grouped by file, then entity, with what to fix

``validate(paths)`` reads the given files plus, unless they include it, the project's
``ontology/`` (the shapes need its subclass axioms and term declarations; the
reasoner needs its axioms). A file that does not parse raises :class:`kgraph.errors.ParseError`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from kgraph.errors import KGraphError
from kgraph.load import LoadedGraph, default_inputs, load_files, project_root
from kgraph.validate.quotes import quote_results, seeds_dir
from kgraph.validate.report import ConsistencyLike, ValidationReport, ValidationResult
from kgraph.validate.shacl import add_to_report, default_graph_results, load_shapes, run_shacl

__all__ = [
    "ValidationReport",
    "ValidationResult",
    "check_consistency_of",
    "validate",
    "validate_loaded",
]


def validate(
    paths: Sequence[Path] | None = None,
    *,
    reasoner: bool = True,
    shapes: Path | None = None,
    with_ontology: bool = True,
    seeds: Path | None = None,
) -> ValidationReport:
    """Validate ``paths`` (default: the project's ontology/ and data/) and return the report.

    ``reasoner`` runs the OWL consistency check (HermiT; several seconds). ``shapes`` is a shapes
    file or folder (default: the project's shapes/). ``with_ontology`` adds the project ontology
    when the given files do not include it. ``seeds`` is the folder of seed articles the quotes
    are checked against (default: ``$KGRAPH_SEEDS`` or ``shared/seeds`` by the project).
    """
    started = time.perf_counter()
    inputs = _short(default_inputs()) if paths is None else [Path(p) for p in paths]
    ontology_dir = _project_ontology() if with_ontology else None
    if ontology_dir is not None and not any(_within(p, ontology_dir) for p in inputs):
        inputs.extend(_short([ontology_dir]))
    loaded = load_files(inputs)
    return validate_loaded(loaded, reasoner=reasoner, shapes=shapes, seeds=seeds, started=started)


def validate_loaded(
    loaded: LoadedGraph,
    *,
    reasoner: bool = True,
    shapes: Path | None = None,
    seeds: Path | None = None,
    started: float | None = None,
) -> ValidationReport:
    """Validate an already loaded dataset (see :func:`validate`)."""
    t0 = time.perf_counter() if started is None else started
    shapes_graph = load_shapes(shapes)
    results, report_graph = run_shacl(loaded, shapes_graph)
    extra = default_graph_results(loaded, shapes_graph)
    extra += quote_results(loaded, shapes_graph, seeds_dir() if seeds is None else seeds)
    add_to_report(report_graph, extra)
    consistency = check_consistency_of(loaded) if reasoner else None
    all_results = tuple(sorted(_dedupe([*results, *extra]), key=ValidationResult.sort_key))
    return ValidationReport(
        results=all_results,
        files=loaded.files,
        consistency=consistency,
        seconds=time.perf_counter() - t0,
        report_turtle=report_graph.serialize(format="turtle"),
    )


def check_consistency_of(loaded: LoadedGraph) -> ConsistencyLike:
    """Run the OWL consistency check (kgraph.validate.owl) over the loaded dataset."""
    try:
        from kgraph.validate.owl import check_consistency
    except ImportError as exc:
        raise KGraphError(
            "the OWL consistency check is not available (kgraph.validate.owl cannot be imported: "
            f"{exc})",
            hint="run with --no-reasoner (reasoner=False) to check the SHACL shapes only",
        ) from exc
    result: ConsistencyLike = check_consistency(loaded.dataset)
    return result


def _short(paths: Sequence[Path]) -> list[Path]:
    """Paths relative to the working directory when they lie under it (stable report output)."""
    here = Path.cwd().resolve()
    out = []
    for path in paths:
        try:
            out.append(path.resolve().relative_to(here))
        except ValueError:
            out.append(path)
    return out


def _within(path: Path, folder: Path) -> bool:
    """True when ``path`` is ``folder`` or inside it (the ontology is already among the inputs)."""
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _project_ontology() -> Path | None:
    try:
        folder = project_root() / "ontology"
    except KGraphError:
        return None
    return folder if folder.is_dir() else None


def _dedupe(results: Sequence[ValidationResult]) -> list[ValidationResult]:
    seen: set[ValidationResult] = set()
    out: list[ValidationResult] = []
    for result in results:
        if result not in seen:
            seen.add(result)
            out.append(result)
    return out
