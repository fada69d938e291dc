"""The validation report: SHACL results plus the OWL consistency verdict, as text, JSON or Turtle.

A :class:`ValidationReport` is a frozen value. ``conforms`` is False when any result is a
``Violation`` or the ontology plus data is inconsistent; warnings never fail a report.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from kgraph.namespaces import PREFIXES

__all__ = [
    "ConsistencyLike",
    "ValidationReport",
    "ValidationResult",
    "compact",
    "split_message",
]

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}

# Longest namespace first so kgo: (…/ontology#) wins over a shorter base.
_NAMESPACES = sorted(((iri, prefix) for prefix, iri in PREFIXES.items()), key=lambda t: -len(t[0]))
_SHAPES_NS = ("https://w3id.org/kgraph/shapes#", "kgsh")
_SENTENCE_END = re.compile(r"(?<!e\.g\.)(?<!i\.e\.)(?<=[.!?])\s+(?=[A-Z\"'(])")


class ConsistencyLike(Protocol):
    """What the report needs of :class:`kgraph.validate.owl.ConsistencyResult`."""

    @property
    def consistent(self) -> bool: ...

    @property
    def explanation(self) -> str: ...

    @property
    def seconds(self) -> float: ...


def compact(iri: str | None) -> str | None:
    """``https://w3id.org/kgraph/id/x`` -> ``kg:x`` (any known prefix); other text unchanged."""
    if iri is None:
        return None
    for namespace, prefix in (*_NAMESPACES, _SHAPES_NS):
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            if local and re.fullmatch(r"[A-Za-z0-9_][\w\-.]*", local) and not local.endswith("."):
                return f"{prefix}:{local}"
    return iri


def split_message(message: str) -> tuple[str, str]:
    """Split a shape's message into (what is wrong, what to fix): first sentence, then the rest."""
    parts = _SENTENCE_END.split(message.strip(), maxsplit=1)
    if len(parts) == 1:
        return parts[0], ""
    return parts[0], parts[1]


@dataclass(frozen=True)
class ValidationResult:
    """One thing a curator should look at.

    ``focus`` is the IRI (or ``_:id`` for a blank node) of the node the problem is about,
    ``focus_label`` its name (prefLabel, else rdfs:label, else a date's text) when it has one,
    ``path``/``value`` the property and value concerned (when the check names them), ``shape``
    the IRI of the shape that found it, ``files`` the files that describe the focus node and
    ``graphs`` the named graphs the problem is in.
    """

    severity: str
    focus: str
    message: str
    shape: str | None = None
    focus_label: str | None = None
    path: str | None = None
    value: str | None = None
    files: tuple[str, ...] = ()
    graphs: tuple[str, ...] = ()

    @property
    def file(self) -> str:
        """The first file that describes the focus node ("(no file)" when none does)."""
        return self.files[0] if self.files else "(no file)"

    def sort_key(self) -> tuple[str, int, str, str, str, str, str]:
        return (
            self.file,
            SEVERITY_ORDER.get(self.severity, 9),
            self.focus,
            self.shape or "",
            self.path or "",
            self.value or "",
            self.message,
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "focus": self.focus,
            "focus_label": self.focus_label,
            "path": self.path,
            "value": self.value,
            "message": self.message,
            "shape": self.shape,
            "files": list(self.files),
            "graphs": list(self.graphs),
        }


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`kgraph.validate.validate`."""

    results: tuple[ValidationResult, ...]
    files: tuple[str, ...]
    consistency: ConsistencyLike | None = None
    seconds: float = 0.0
    report_turtle: str = field(default="", repr=False, compare=False)

    @property
    def violations(self) -> int:
        return sum(1 for r in self.results if r.severity == "Violation")

    @property
    def warnings(self) -> int:
        return sum(1 for r in self.results if r.severity == "Warning")

    @property
    def consistent(self) -> bool | None:
        return None if self.consistency is None else self.consistency.consistent

    @property
    def conforms(self) -> bool:
        """False on any Violation or an inconsistency; warnings and infos do not fail."""
        return self.violations == 0 and self.consistent is not False

    def summary(self) -> str:
        verdict = "valid" if self.conforms else "NOT valid"
        parts = [f"{self.violations} violation(s)", f"{self.warnings} warning(s)"]
        if self.consistency is not None:
            parts.append("consistent" if self.consistency.consistent else "INCONSISTENT")
        else:
            parts.append("reasoner not run")
        return f"{verdict}: " + ", ".join(parts) + f" in {len(self.files)} file(s)"

    def to_text(self) -> str:
        """Grouped by file, then entity; each problem with the property, value and a fix."""
        lines: list[str] = []
        by_file: dict[str, list[ValidationResult]] = defaultdict(list)
        for result in sorted(self.results, key=ValidationResult.sort_key):
            by_file[result.file].append(result)
        for file, results in by_file.items():
            lines.append(_display_path(file))
            by_focus: dict[str, list[ValidationResult]] = defaultdict(list)
            for result in results:
                by_focus[result.focus].append(result)
            for focus, group in by_focus.items():
                label = group[0].focus_label
                name = compact(focus) or focus
                if focus.startswith("_:") and label:
                    lines.append(f"  {label}")  # a blank node's id means nothing to a curator
                else:
                    lines.append(f"  {label} <{name}>" if label else f"  <{name}>")
                for result in group:
                    lines.extend(_result_lines(result))
            lines.append("")
        if self.consistency is not None and not self.consistency.consistent:
            lines.append("OWL reasoner: the ontology and data are INCONSISTENT")
            lines.extend("  " + line for line in self.consistency.explanation.splitlines())
            lines.append("  what to fix: find the statements named above that contradict the")
            lines.append("  ontology (a disjoint class, a functional property with two values).")
            lines.append("")
        lines.append(self.summary())
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, object]:
        consistency: dict[str, object] | None = None
        if self.consistency is not None:
            consistency = {
                "consistent": self.consistency.consistent,
                "explanation": self.consistency.explanation,
                "seconds": round(self.consistency.seconds, 3),
            }
        return {
            "conforms": self.conforms,
            "violations": self.violations,
            "warnings": self.warnings,
            "files": list(self.files),
            "consistency": consistency,
            "results": [r.to_dict() for r in sorted(self.results, key=ValidationResult.sort_key)],
        }

    def to_json(self) -> str:
        """Stable JSON: sorted results, sorted keys, no timings except the reasoner's."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def to_turtle(self) -> str:
        """The SHACL validation report graph (sh:ValidationReport), as Turtle."""
        return self.report_turtle


def _result_lines(result: ValidationResult) -> Iterable[str]:
    problem, fix = split_message(result.message)
    where = f"{compact(result.path)}: " if result.path else ""  # none: about the node itself
    shown = compact(result.value)
    value = f" ({shown})" if shown is not None and shown not in problem else ""  # said already
    marker = "" if result.severity == "Violation" else f"[{result.severity.lower()}] "
    yield f"    {marker}{where}{problem}{value}"
    if fix:
        yield f"      what to fix: {fix}"
    if result.graphs:
        yield "      in graph: " + ", ".join(compact(g) or g for g in result.graphs)


def _display_path(file: str) -> str:
    """A file name relative to the working directory when it lies under it."""
    try:
        rel = os.path.relpath(file)
    except ValueError:  # another drive (Windows)
        return file
    return file if rel.startswith("..") else rel
