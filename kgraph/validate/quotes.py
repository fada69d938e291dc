"""Are the quotes verbatim? Each kgo:quote, kgo:dateText and kgo:hedge of a source graph must occur
word for word in the text of its source document (the seed file named by ``kgo:seedFile``).

SHACL cannot read files, so this check runs in Python and reports with the wording and severity
of two deactivated shapes in ``shapes/provenance.ttl``: ``kgsh:QuoteVerbatim`` (a quote not in
the text) and ``kgsh:SeedTextMissing`` (an informational note when the seed file cannot be found,
so that "not checked" never looks like "checked and fine"). Curly and straight quotes and runs of
white space are treated as equal; words, spelling and punctuation are not.

Seed files are looked up in ``$KGRAPH_SEEDS``, else ``shared/seeds`` next to or inside the project.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from kgraph.errors import KGraphError
from kgraph.load import LoadedGraph, project_root
from kgraph.namespaces import CURATION_GRAPH, KGO
from kgraph.validate.report import ValidationResult
from kgraph.validate.shacl import KGSH, describe, node_text

__all__ = ["QUOTE_SHAPE", "SEED_MISSING_SHAPE", "normalise", "quote_results", "seeds_dir"]

QUOTE_SHAPE = URIRef(KGSH + "QuoteVerbatim")
SEED_MISSING_SHAPE = URIRef(KGSH + "SeedTextMissing")
VERBATIM = (URIRef(KGO + "quote"), URIRef(KGO + "dateText"), URIRef(KGO + "hedge"))
_SEED_FILE = URIRef(KGO + "seedFile")
_GRAPH_OF = URIRef(KGO + "graphOf")
_SOURCE_GRAPH = URIRef(KGO + "SourceGraph")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def normalise(text: str) -> str:
    """Fold curly quotes to straight ones and runs of white space to one space."""
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).strip()


def seeds_dir() -> Path | None:
    """The folder of seed articles: ``$KGRAPH_SEEDS``, else ``shared/seeds`` by the project."""
    env = os.environ.get("KGRAPH_SEEDS")
    candidates = [Path(env)] if env else []
    try:
        root = project_root()
    except KGraphError:
        root = None
    if root is not None:
        candidates += [root.parent / "shared" / "seeds", root / "shared" / "seeds"]
    return next((c for c in candidates if c.is_dir()), None)


def quote_results(loaded: LoadedGraph, shapes: Graph, seeds: Path | None) -> list[ValidationResult]:
    """One result per quoted text missing from its seed, one note per seed file not found."""
    ds = loaded.dataset
    curation = ds.graph(URIRef(CURATION_GRAPH))
    out: list[ValidationResult] = []
    registered = sorted(
        (g, doc)
        for g in curation.subjects(RDF.type, _SOURCE_GRAPH)
        for doc in curation.objects(g, _GRAPH_OF)
    )
    for graph, doc in registered:
        if not isinstance(graph, URIRef):
            continue
        names = sorted({str(o) for _, _, o, _ in ds.quads((doc, _SEED_FILE, None, None))})
        if not names:
            continue  # not a seed article: nothing to compare with
        plain = Path(names[0]).name == names[0]  # a file name, never a path out of the folder
        seed = seeds / names[0] if seeds is not None and plain else None
        if seed is None or not seed.is_file():
            note = _result(loaded, shapes, SEED_MISSING_SHAPE, doc, _SEED_FILE, Literal(names[0]))
            out.append(note)
            continue
        text = _seed_text(seed)
        for prop in VERBATIM:
            for node, value in ds.graph(graph).subject_objects(prop):
                if isinstance(value, Literal) and normalise(str(value)) not in text:
                    out.append(_result(loaded, shapes, QUOTE_SHAPE, node, prop, value, graph))
    return out


def _seed_text(path: Path) -> str:
    return normalise(path.read_text(encoding="utf-8"))


def _result(
    loaded: LoadedGraph,
    shapes: Graph,
    shape: URIRef,
    focus: Node,
    path: URIRef,
    value: Literal,
    graph: Node | None = None,
) -> ValidationResult:
    message = str(shapes.value(shape, SH.message) or shape).replace("{?value}", str(value))
    severity = str(shapes.value(shape, SH.severity) or SH.Violation).rsplit("#", 1)[-1]
    label, graphs = describe(loaded, focus)
    files = loaded.files_stating(focus, path, value) or loaded.files_of(focus)
    return ValidationResult(
        severity=severity,
        focus=node_text(focus),
        focus_label=label,
        path=str(path),
        value=str(value),
        message=message,
        shape=str(shape),
        files=files,
        graphs=(str(graph),) if graph is not None else graphs,
    )
