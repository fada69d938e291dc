"""Run kgraph's SHACL shapes over a loaded dataset and turn pyshacl's report into results.

How the data graph is built (the named-graph question): pyshacl 0.40 validates an rdflib
``Dataset`` as *one* data graph whose default graph is the union of all graphs, and its SPARQL
engine still answers ``GRAPH ?g``. So the whole dataset — ontology in the default graph, every
``data/*.trig`` named graph — is validated at once: ``sh:targetClass`` sees the ontology's
subclass axioms, and SPARQL-based shapes ask which graph a statement is in (evidence in the same
graph as its fact, canonical names in ``kgg:curation``, unregistered graphs).

SPARQL (targets and constraints) is answered by an in-memory Oxigraph copy of the same quads,
SHACL Core constraints by rdflib's store (see :class:`_OxigraphQueryDataset`): the bundled data
validates in about a second instead of tens of seconds.

The one thing SHACL cannot see through the union is a statement in the *default* graph of a data
file; :func:`default_graph_results` finds those in Python and reports them with the wording of
the (deactivated) shape ``kgsh:StatementInDefaultGraph``, so they appear in the same report.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, RDFS, SH, SKOS
from rdflib.query import Result
from rdflib.term import Node, Variable

from kgraph.errors import InputError
from kgraph.load import LoadedGraph, load_files, project_root
from kgraph.namespaces import KG, KGG, KGO
from kgraph.store.terms import to_rdflib
from kgraph.validate.report import ValidationResult, compact

__all__ = [
    "DEFAULT_GRAPH_SHAPE",
    "KGSH",
    "add_to_report",
    "default_graph_results",
    "describe",
    "load_shapes",
    "node_text",
    "run_shacl",
]

KGSH = "https://w3id.org/kgraph/shapes#"
DEFAULT_GRAPH_SHAPE = URIRef(KGSH + "StatementInDefaultGraph")
_DATE_TEXT = URIRef(KGO + "dateText")


def load_shapes(path: Path | None = None) -> Graph:
    """The shapes graph: every Turtle file under ``path`` (default: the project's ``shapes/``)."""
    where = project_root() / "shapes" if path is None else path
    loaded = load_files([where])
    graph = Graph()
    for prefix, namespace in loaded.dataset.namespaces():
        graph.bind(prefix, namespace, override=True, replace=True)
    graph.bind("kgsh", KGSH)
    for s, p, o, _ in loaded.dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    if not any(graph.triples((None, SH.message, None))):
        raise InputError(
            f"{where}: no SHACL shapes found",
            hint="pass the shapes/ folder of the kgraph project (or a Turtle file of shapes)",
        )
    return graph


def _oxigraph_copy(source: Dataset, named: Iterable[ox.Quad] | None = None) -> ox.Store:
    """The quads of ``source`` in an in-memory Oxigraph store; ``named``, when given, are its
    named-graph quads already as Oxigraph terms (then only its default graph is converted)."""
    store = ox.Store()
    if named is None:
        # quad by quad, not through a serialisation: Store.load would rename the blank nodes
        store.extend(
            ox.Quad(_ox_resource(s), ox.NamedNode(str(p)), _to_ox(o), _ox_graph(g))
            for s, p, o, g in source.quads((None, None, None, None))
        )
        return store
    store.extend(q for q in named if isinstance(q.graph_name, ox.NamedNode))
    store.extend(
        ox.Quad(_ox_resource(s), ox.NamedNode(str(p)), _to_ox(o), ox.DefaultGraph())
        for s, p, o in source.default_graph.triples((None, None, None))
    )
    return store


class _OxigraphQueryDataset(Dataset):
    """The loaded dataset (union default graph) for pyshacl, answering SPARQL through Oxigraph.

    pyshacl walks the graph for SHACL Core constraints (fast on rdflib's in-memory store, which
    this view shares with the loaded dataset) and sends SPARQL for SPARQL-based targets and
    constraints — once per focus node. rdflib's SPARQL engine needs seconds for the GRAPH/MINUS
    queries of the kgraph shapes on the bundled data; Oxigraph needs milliseconds. So the same
    quads are copied into an in-memory Oxigraph store and every query goes there. The view is
    read-only in practice: no inference, no rules.
    """

    def __init__(self, source: Dataset, named: Iterable[ox.Quad] | None = None) -> None:
        super().__init__(store=source.store, default_union=True)
        self._ox = _oxigraph_copy(source, named)

    def query(  # type: ignore[override]
        self,
        query_object: str | object,
        processor: str = "sparql",
        result: str = "sparql",
        initNs: Mapping[str, Any] | None = None,  # noqa: N803 - rdflib's name
        initBindings: Mapping[str, Node] | None = None,  # noqa: N803
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        if not isinstance(query_object, str):
            raise TypeError("kgraph validation sends SPARQL text only")
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]
        substitutions = {
            ox.Variable(str(name)): _to_ox(term) for name, term in (initBindings or {}).items()
        }
        prefixes = {str(k): str(v) for k, v in (initNs or {}).items()}
        answer = self._ox.query(
            query_object,
            prefixes=prefixes or None,
            use_default_graph_as_union=True,
            substitutions=substitutions or None,
        )
        if isinstance(answer, ox.QueryBoolean):
            out = Result("ASK")
            out.askAnswer = bool(answer)
            return out
        if isinstance(answer, ox.QuerySolutions):
            out = Result("SELECT")
            variables = [Variable(v.value) for v in answer.variables]
            out.vars = variables
            out.bindings = [
                {
                    var: to_rdflib(value)
                    for var, value in zip(variables, row, strict=True)
                    if value is not None
                }
                for row in answer
            ]
            return out
        raise TypeError("kgraph validation runs SELECT and ASK queries only")


def _to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot bind {term!r} in a query")


def _ox_resource(term: Node) -> ox.NamedNode | ox.BlankNode:
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    return ox.NamedNode(str(term))


def _ox_graph(graph: object) -> ox.NamedNode | ox.BlankNode | ox.DefaultGraph:
    ident = getattr(graph, "identifier", graph)
    if ident is None or ident == DATASET_DEFAULT_GRAPH_ID:
        return ox.DefaultGraph()
    if isinstance(ident, BNode):
        return ox.BlankNode(str(ident))
    return ox.NamedNode(str(ident))




def run_shacl(loaded: LoadedGraph, shapes: Graph, *,
              named: Iterable[ox.Quad] | None = None) -> tuple[list[ValidationResult], Graph]:
    """Validate ``loaded`` against ``shapes``; return the results and pyshacl's report graph.

    ``named`` are the named-graph quads of ``loaded`` as Oxigraph terms, when the caller has
    them: the SPARQL copy is then filled from them instead of converting rdflib's terms back
    (0.2 s instead of 0.8 s for the 100,000 quads of a large change).
    """
    with warnings.catch_warnings():
        # rdflib calls its own deprecated Dataset API (contexts, default_context) everywhere
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            report = _pyshacl(_OxigraphQueryDataset(loaded.dataset, named), shapes)
        except (ReportableRuntimeError, SyntaxError) as exc:
            raise InputError(
                f"the SHACL shapes cannot be run: {exc}",
                hint="check the shapes file (a SPARQL query in sh:select, or a malformed shape)",
            ) from exc
    results = [_result(loaded, report, node) for node in report.objects(None, SH.result)]
    return results, report


def _pyshacl(data: Graph, shapes: Graph) -> Graph:
    _conforms, report, _text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inplace=True,  # nothing is added (no inference, no rules); the view shares the store
        inference="none",
        advanced=True,  # SPARQL-based targets (SHACL-AF); SPARQL constraints are SHACL Core §5
        abort_on_first=False,
        allow_infos=True,
        allow_warnings=True,
        meta_shacl=False,
        do_owl_imports=False,
        debug=False,
    )
    if not isinstance(report, Graph):  # pragma: no cover - pyshacl always returns a Graph here
        raise TypeError("pyshacl returned no report graph")
    return report


def default_graph_results(loaded: LoadedGraph, shapes: Graph) -> list[ValidationResult]:
    """Data statements outside any named graph: any default-graph subject of a TriG/N-Quads file,
    and any kg:/kgg: subject in the default graph of a Turtle file."""
    message = str(shapes.value(DEFAULT_GRAPH_SHAPE, SH.message) or "outside any named graph")
    severity_node = shapes.value(DEFAULT_GRAPH_SHAPE, SH.severity) or SH.Violation
    severity = _local(severity_node)
    out: list[ValidationResult] = []
    for subject, files in loaded.default_subject_files.items():
        is_data = isinstance(subject, URIRef) and str(subject).startswith((KG, KGG))
        culprits = tuple(f for f in files if is_data or loaded.is_quad_file(f))
        if not culprits:
            continue
        label, _ = describe(loaded, subject)
        out.append(
            ValidationResult(
                severity=severity,
                focus=node_text(subject),
                focus_label=label,
                message=message,
                shape=str(DEFAULT_GRAPH_SHAPE),
                files=culprits,
                graphs=(),
            )
        )
    return out


def add_to_report(report: Graph, results: Iterable[ValidationResult]) -> None:
    """Write Python-side results into the SHACL report graph, and fix its sh:conforms."""
    root = report.value(None, RDF.type, SH.ValidationReport)
    if root is None:  # pragma: no cover - pyshacl always writes the report node
        root = BNode()
        report.add((root, RDF.type, SH.ValidationReport))
    for result in results:
        node = BNode()
        report.add((root, SH.result, node))
        report.add((node, RDF.type, SH.ValidationResult))
        focus: Node = (
            BNode(result.focus[2:]) if result.focus.startswith("_:") else URIRef(result.focus)
        )
        report.add((node, SH.focusNode, focus))
        report.add((node, SH.resultSeverity, SH[result.severity]))
        report.add((node, SH.resultMessage, Literal(result.message)))
        if result.shape:
            report.add((node, SH.sourceShape, URIRef(result.shape)))
    failing = any(
        report.value(r, SH.resultSeverity) == SH.Violation for r in report.objects(root, SH.result)
    )
    report.set((root, SH.conforms, Literal(not failing)))


def describe(loaded: LoadedGraph, node: Node) -> tuple[str | None, tuple[str, ...]]:
    """A node's display name (English prefLabel, any prefLabel, rdfs:label, a date's text) and
    the named graphs that state something about it."""
    ds = loaded.dataset
    label: str | None = None
    for prop in (SKOS.prefLabel, RDFS.label, _DATE_TEXT):
        values = [o for _, _, o, _ in ds.quads((node, prop, None, None)) if isinstance(o, Literal)]
        if values:
            english = [v for v in values if v.language == "en"]
            label = str(sorted(english or values)[0])
            break
    if isinstance(node, BNode):
        label = _blank_label(loaded, node, label)
    graphs = sorted({str(_graph_id(g)) for _, _, _, g in ds.quads((node, None, None, None))} - {""})
    return label, tuple(graphs)


def _blank_label(loaded: LoadedGraph, node: BNode, text: str | None) -> str:
    """A blank node has no name: say what it is and where it hangs, e.g. ``"late 1950s",
    kgo:birthDate of Esmail Qaani``."""
    parts = [f'"{text}"'] if text else ["a blank node"]
    for s, p, _, _ in loaded.dataset.quads((None, None, node, None)):
        owner = describe(loaded, s)[0] if not isinstance(s, BNode) else None
        parts.append(f"{compact(str(p))} of {owner or compact(str(s))}")
        break
    return ", ".join(parts)


def _result(loaded: LoadedGraph, report: Graph, node: Node) -> ValidationResult:
    focus = report.value(node, SH.focusNode)
    path = report.value(node, SH.resultPath)
    value = report.value(node, SH.value)
    shape = report.value(node, SH.sourceShape)
    severity = report.value(node, SH.resultSeverity) or SH.Violation
    messages = [str(m) for m in report.objects(node, SH.resultMessage)]
    label, focus_graphs = describe(loaded, focus) if focus is not None else (None, ())
    graphs = focus_graphs
    if isinstance(path, URIRef) and focus is not None and value is not None:
        exact = sorted(
            {str(_graph_id(g)) for _, _, _, g in loaded.dataset.quads((focus, path, value, None))}
            - {""}
        )
        graphs = tuple(exact) or focus_graphs
    files: tuple[str, ...] = ()
    if isinstance(path, URIRef) and focus is not None and value is not None:
        files = loaded.files_stating(focus, path, value)
    if (
        path is None
        and focus is not None
        and isinstance(value, URIRef)
        and value in loaded.graph_files
    ):
        graphs = (str(value),)  # the problem is the graph itself (kgsh:GraphRegistered)
        files = tuple(f for f in loaded.files_of(focus) if f in loaded.graph_files[value])
    files = files or _files(loaded, focus, graphs)
    return ValidationResult(
        severity=_local(severity),
        focus=node_text(focus) if focus is not None else "",
        focus_label=label,
        path=str(path) if isinstance(path, URIRef) else None,
        value=node_text(value) if value is not None and value != focus else None,
        message=_tidy(sorted(messages)[0] if messages else "constraint not met"),
        shape=str(shape) if isinstance(shape, URIRef) else None,
        files=files,
        graphs=graphs,
    )


def _files(loaded: LoadedGraph, focus: Node | None, graphs: tuple[str, ...]) -> tuple[str, ...]:
    """Files that describe ``focus`` in ``graphs``, those giving its rdf:type first; else any
    file describing it."""
    own = loaded.files_of(focus) if focus is not None else ()
    if focus is not None:
        typing = {
            f
            for _, _, t, _ in loaded.dataset.quads((focus, RDF.type, None, None))
            for f in loaded.files_stating(focus, RDF.type, t)
        }
        own = tuple(sorted(own, key=lambda f: f not in typing))
    in_graphs = {f for g in graphs for f in loaded.graph_files.get(URIRef(g), ())}
    both = tuple(f for f in own if f in in_graphs)
    return both or own or tuple(sorted(in_graphs))


def _graph_id(graph: object) -> str:
    ident = getattr(graph, "identifier", graph)
    if ident == DATASET_DEFAULT_GRAPH_ID:
        return ""
    return str(ident)


def node_text(node: Node) -> str:
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def _local(node: Node) -> str:
    text = str(node)
    return text.rsplit("#", 1)[-1]


def _tidy(message: str) -> str:
    """Shorten the full IRIs pyshacl substitutes into messages ({?value}) to prefixed names."""
    words = message.split(" ")
    out = []
    for word in words:
        core = word.rstrip(".,;:)")
        tail = word[len(core) :]
        lead = ""
        if core.startswith("("):
            lead, core = "(", core[1:]
        if core.startswith(("http://", "https://")):
            out.append(lead + (compact(core) or core) + tail)
        else:
            out.append(word)
    return " ".join(out)
