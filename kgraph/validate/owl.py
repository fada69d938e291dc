"""OWL 2 consistency check of the ontology plus the data, with HermiT (run through owlready2).

``check_consistency(graph)`` takes the union of the ontology and the data (an rdflib ``Graph`` or a
``Dataset`` of TriG named graphs, which is flattened to one graph) and asks HermiT whether it has a
model and whether every class can have members. HermiT decides; :mod:`kgraph.validate.owl_explain`
then says in words which entities clash, and when it finds nothing the clash is localised by named
graph (each data graph is checked alone against the ontology).

What the reasoner is given is a *copy*, adjusted to what HermiT supports; the data keeps its own
terms. Each adjustment and why it cannot hide an inconsistency:

1. ``xsd:date`` literals become ``xsd:dateTime`` at midnight (same time zone, if any), and every
   ``xsd:date`` used as a datatype in an axiom (``rdfs:range xsd:date``) becomes ``xsd:dateTime``.
   HermiT supports exactly the OWL 2 datatype map, which lacks ``xsd:date``. The mapping is
   injective and order-preserving, so two different dates stay two different values (a
   functional ``kgo:earliest`` with two values still clashes) and a date still fits its range.
2. Literals of other datatypes outside the OWL 2 datatype map (``xsd:gYear``,
   ``xsd:gYearMonth``, ``xsd:gMonthDay``, ``xsd:duration``, ``rdf:HTML``...) are dropped, and
   such a datatype used in an axiom becomes ``rdfs:Literal``. The ontology states nothing about
   these values except their range (``time:inXSDgYear``), so dropping them removes no entailment
   that could clash; their lexical form is SHACL's to check.
3. Ill-typed literals (``"1955-13-01"^^xsd:date``, ``"many"^^xsd:integer``) are removed from the
   copy, because HermiT and owlready2 crash on them instead of answering; but OWL 2 makes an
   ontology with an ill-typed literal inconsistent, so each one is reported as an inconsistency
   (``consistent=False``), named, and the rest is still reasoned over.
4. ``rdf:subject``/``rdf:predicate``/``rdf:object`` (the reification on ``kgo:Evidence`` and
   ``kgo:Claim``) are renamed to annotation properties of a private namespace. They belong to the
   reserved RDF vocabulary OWL 2 DL forbids as properties, ``rdf:object`` takes both literals and
   IRIs, and ``rdf:predicate`` takes property IRIs as values. The ontology gives these three no
   domain, range or characteristic, so as annotations they lose no entailment; the Evidence and
   Claim nodes keep their classes and all their other properties.

Each call uses a fresh ``owlready2.World`` (never the default world) and a private temporary
directory, both discarded afterwards, so calls do not leak into each other. HermiT's JVM runs with
``-XX:TieredStopAtLevel=1`` (through ``JAVA_TOOL_OPTIONS``, restored afterwards, since owlready2
passes no JVM flags): a run lasts seconds, too short for the optimising compiler to pay off, and
on a two-core machine this about halves the wall time.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import owlready2
import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from kgraph.errors import ReasonerError
from kgraph.namespaces import KGG, ONTOLOGY_GRAPH
from kgraph.store.terms import from_rdflib
from kgraph.validate.owl_explain import NUMERIC_DATATYPES, explain, name_of

__all__ = [
    "OWL2_DATATYPES",
    "ConsistencyResult",
    "ReasonerInput",
    "check_consistency",
    "flatten",
    "prepare",
]

_RDF_NS = str(RDF)
_XSD_NS = str(XSD)

#: The OWL 2 datatype map (OWL 2 Structural Specification, section 4): what HermiT supports.
OWL2_DATATYPES: frozenset[str] = frozenset(
    {
        _RDF_NS + "PlainLiteral",
        _RDF_NS + "XMLLiteral",
        str(RDFS.Literal),
    }
    | {
        _XSD_NS + name
        for name in [
            "string",
            "normalizedString",
            "token",
            "language",
            "Name",
            "NCName",
            "NMTOKEN",
            "boolean",
            "hexBinary",
            "base64Binary",
            "anyURI",
            "dateTime",
            "dateTimeStamp",
        ]
    }
    | NUMERIC_DATATYPES
)

_RDF_DATATYPES = frozenset(
    _RDF_NS + name for name in ("HTML", "langString", "JSON", "dirLangString", "CompoundLiteral")
)
_REIFICATION = {
    RDF.subject: URIRef("urn:kgraph:reasoner#subject"),
    RDF.predicate: URIRef("urn:kgraph:reasoner#predicate"),
    RDF.object: URIRef("urn:kgraph:reasoner#object"),
}
_DATE_RE = re.compile(r"^(-?\d{4,}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?$")
_LOCK = threading.Lock()
_JVM_OPTIONS = "-XX:TieredStopAtLevel=1"


@dataclass(frozen=True)
class ConsistencyResult:
    """HermiT's verdict on ontology + data.

    ``consistent`` is False when the statements have no model *or* a class of the ontology can
    have no members (an incoherent ontology); both are modelling errors a build must stop on.
    ``explanation`` says what clashed, naming the entities, in words a curator understands.
    ``clashes`` lists the individual findings, ``unsatisfiable`` the classes that can have no
    members, ``adjustments`` what was changed in the reasoner's copy (see the module docstring),
    and ``seconds`` the wall time of the whole check.
    """

    consistent: bool
    explanation: str
    seconds: float
    clashes: tuple[str, ...] = ()
    unsatisfiable: tuple[str, ...] = ()
    adjustments: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReasonerInput:
    """The copy HermiT reasons over, with what was adjusted and the ill-typed literals removed."""

    graph: Graph
    adjustments: tuple[str, ...]
    ill_typed: tuple[tuple[Node, Node, Literal], ...]


@dataclass(frozen=True)
class _Verdict:
    consistent: bool
    unsatisfiable: tuple[str, ...]


def flatten(graph: Graph | Dataset) -> Graph:
    """All triples of ``graph`` — every named graph of a Dataset plus its default graph — in one."""
    out = Graph()
    if isinstance(graph, ConjunctiveGraph):  # Dataset is a ConjunctiveGraph
        for s, p, o, _ in graph.quads((None, None, None, None)):
            out.add((s, p, o))
    else:
        for triple in graph:
            out.add(triple)
    return out


def _triples(graph: Graph | Dataset) -> list[tuple[Node, Node, Node]]:
    """Every triple of ``graph`` (all named graphs of a Dataset), repeats included."""
    if isinstance(graph, ConjunctiveGraph):  # Dataset is a ConjunctiveGraph
        return [(s, p, o) for s, p, o, _ in graph.quads((None, None, None, None))]
    return list(graph)


def _adjust(triples: list[tuple[Node, Node, Node]]) -> tuple[
    set[tuple[Node, Node, Node]], tuple[str, ...], tuple[tuple[Node, Node, Literal], ...]
]:
    """The reasoner's copy of ``triples`` (see the module docstring, items 1-4), what was
    adjusted (one note per kind) and the ill-typed literals left out."""
    out: set[tuple[Node, Node, Node]] = set()
    dates = 0
    dropped: Counter[str] = Counter()
    axioms: Counter[str] = Counter()
    renamed = 0
    ill: list[tuple[Node, Node, Literal]] = []
    # datatypes outside the map: those of the literals present, and known ones used in axioms
    foreign = {
        str(o.datatype)
        for _, _, o in triples
        if isinstance(o, Literal) and o.datatype is not None
    }
    foreign = (foreign | _RDF_DATATYPES) - OWL2_DATATYPES - {str(XSD.date)}

    def _unsupported_datatype(iri: URIRef) -> bool:
        text = str(iri)
        if text in foreign:
            return True
        return text.startswith(_XSD_NS) and text not in OWL2_DATATYPES and text != str(XSD.date)

    seen: set[tuple[Node, Node, Node]] = set()
    for triple in triples:
        if triple in seen:  # a statement repeated in several named graphs counts once
            continue
        seen.add(triple)
        s, p, o = triple
        if isinstance(s, URIRef) and _unsupported_datatype(s):
            axioms[_short(s)] += 1
            continue
        original = p
        if isinstance(p, URIRef) and p in _REIFICATION:
            p = _REIFICATION[p]
            renamed += 1
        if isinstance(o, Literal):
            datatype = str(o.datatype) if o.datatype is not None else None
            if datatype is None or datatype in OWL2_DATATYPES:
                if o.ill_typed:
                    ill.append((s, original, o))
                    continue
                out.add((s, p, o))
            elif datatype == str(XSD.date):
                converted = _date_as_datetime(o)
                if converted is None:
                    ill.append((s, original, o))
                    continue
                out.add((s, p, converted))
                dates += 1
            else:
                if o.ill_typed:
                    ill.append((s, original, o))
                dropped[_short(o.datatype)] += 1
        elif isinstance(o, URIRef) and o == XSD.date:
            out.add((s, p, XSD.dateTime))
            axioms["xsd:date"] += 1
        elif isinstance(o, URIRef) and _unsupported_datatype(o):
            out.add((s, p, RDFS.Literal))
            axioms[_short(o)] += 1
        else:
            out.add((s, p, o))
    for prop in set(_REIFICATION.values()) if renamed else ():
        out.add((prop, RDF.type, OWL.AnnotationProperty))
    notes: list[str] = []
    if dates:
        notes.append(f"{dates} xsd:date literal(s) given to the reasoner as xsd:dateTime")
    for datatype, count in sorted(dropped.items()):
        notes.append(f"{count} {datatype} literal(s) left out (not in the OWL 2 datatype map)")
    for datatype, count in sorted(axioms.items()):
        replacement = "xsd:dateTime" if datatype == "xsd:date" else "rdfs:Literal"
        notes.append(f"{count} axiom(s) on {datatype} read with {replacement}")
    if renamed:
        notes.append(f"{renamed} rdf:subject/predicate/object statement(s) read as annotations")
    if ill:
        notes.append(f"{len(ill)} ill-typed literal(s) left out and reported")
    return out, tuple(notes), tuple(ill)


def prepare(graph: Graph) -> ReasonerInput:
    """The copy of a flat ``graph`` HermiT can read (see the module docstring, items 1-4)."""
    triples, notes, ill = _adjust(_triples(graph))
    out = Graph()
    for triple in triples:
        out.add(triple)
    return ReasonerInput(graph=out, adjustments=notes, ill_typed=ill)


def _ntriples(triples: set[tuple[Node, Node, Node]]) -> bytes:
    """The reasoner's copy as N-Triples, written by pyoxigraph (no rdflib Graph in between)."""
    blank: dict[BNode, ox.BlankNode] = {}  # one pyoxigraph node per rdflib node, whatever its id

    def term(node: Node) -> Any:
        if isinstance(node, BNode):
            if node not in blank:
                blank[node] = ox.BlankNode()
            return blank[node]
        return from_rdflib(node)

    return ox.serialize(
        (ox.Triple(term(s), term(p), term(o)) for s, p, o in triples),
        format=ox.RdfFormat.N_TRIPLES,
    ) or b""


def check_consistency(graph: Graph | Dataset) -> ConsistencyResult:
    """Ask HermiT whether ontology + data (``graph``, a Graph or a Dataset) is consistent.

    Raises :class:`~kgraph.errors.ReasonerError` when HermiT cannot give a verdict (no Java,
    a Java crash, input it rejects).
    """
    started = time.perf_counter()
    triples, adjustments, ill_typed = _adjust(_triples(graph))
    verdict = _hermit_ntriples(_ntriples(triples))
    if verdict.consistent and not verdict.unsatisfiable and not ill_typed:
        return ConsistencyResult(
            consistent=True,
            explanation="HermiT finds the ontology and data consistent and every class "
            "satisfiable.",
            seconds=time.perf_counter() - started,
            adjustments=adjustments,
        )
    flat = flatten(graph)  # for the explanation only
    ill_lines = tuple(
        f"{name_of(s, flat)} has {name_of(p)} {name_of(o)}, which is not a valid "
        f"{name_of(o.datatype)}"
        for s, p, o in ill_typed
    )
    clashes: list[str] = list(ill_lines)
    lines: list[str] = []
    if not verdict.consistent:
        found = explain(flat)
        clashes.extend(found)
        if found:
            lines.append("HermiT finds the ontology and data inconsistent:")
            lines.extend(f"- {clash}" for clash in found)
        else:
            where = _localise(graph) if isinstance(graph, ConjunctiveGraph) else ""
            lines.append(
                "HermiT finds the ontology and data inconsistent, and kgraph could not pin "
                "the clash on particular statements (look for an entity with two disjoint "
                "types, or two values of a property that allows one)" + where + "."
            )
    if ill_lines:
        lines.append("Ill-typed literals (each makes an OWL ontology inconsistent):")
        lines.extend(f"- {line}" for line in ill_lines)
    if verdict.unsatisfiable:
        lines.append("The ontology is incoherent; these classes can have no members:")
        lines.extend(f"- {cls}" for cls in verdict.unsatisfiable)
    return ConsistencyResult(
        consistent=False,
        explanation="\n".join(lines),
        seconds=time.perf_counter() - started,
        clashes=tuple(clashes),
        unsatisfiable=verdict.unsatisfiable,
        adjustments=adjustments,
    )


# --------------------------------------------------------------------------- HermiT


def _hermit(graph: Graph) -> _Verdict:
    """Run HermiT on ``graph`` in a fresh owlready2 world."""
    return _hermit_ntriples(graph.serialize(format="nt", encoding="utf-8"))


def _hermit_ntriples(ntriples: bytes) -> _Verdict:
    """Run HermiT on an N-Triples document in a fresh owlready2 world."""
    java = owlready2.JAVA_EXE
    if shutil.which(java) is None:
        raise ReasonerError(
            f"cannot run the OWL reasoner: no Java executable {java!r} on this machine",
            hint="install a Java runtime (17 or later) or set owlready2.JAVA_EXE",
        )
    with tempfile.TemporaryDirectory(prefix="kgraph-owl-") as tmp:
        path = Path(tmp) / "input.nt"
        path.write_bytes(ntriples)
        world = owlready2.World()
        try:
            try:
                world.get_ontology(path.as_uri()).load()
            except owlready2.OwlReadyOntologyParsingError as exc:
                raise ReasonerError(
                    f"owlready2 could not read the reasoner's input: {exc}",
                    hint="run the SHACL validation first; it names malformed statements",
                ) from exc
            with _LOCK, _owlready_tempfiles_in(tmp), _jvm_options(_JVM_OPTIONS):
                try:
                    owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
                except owlready2.OwlReadyInconsistentOntologyError:
                    return _Verdict(consistent=False, unsatisfiable=())
                except owlready2.OwlReadyJavaError as exc:
                    raise ReasonerError(
                        "HermiT failed: " + _java_message(str(exc)),
                        hint="the reasoner rejected its input or crashed; see the message",
                    ) from exc
                except OSError as exc:
                    raise ReasonerError(f"cannot start the OWL reasoner: {exc}") from exc
            unsatisfiable = sorted(
                name_of(URIRef(cls.iri))
                for cls in world.inconsistent_classes()
                if cls.iri != str(OWL.Nothing)
            )
            return _Verdict(consistent=True, unsatisfiable=tuple(unsatisfiable))
        finally:
            world.close()


@contextmanager
def _owlready_tempfiles_in(directory: str) -> Iterator[None]:
    """Make owlready2's reasoner write its temporary input into ``directory``.

    owlready2 leaves its temporary file behind when HermiT reports an inconsistency; redirecting
    it into our own temporary directory (removed afterwards) keeps /tmp clean. Only the
    ``tempfile`` name inside ``owlready2.reasoning`` is swapped, under a lock.
    """
    module: Any = sys.modules["owlready2.reasoning"]
    original = module.tempfile
    module.tempfile = SimpleNamespace(
        NamedTemporaryFile=partial(tempfile.NamedTemporaryFile, dir=directory)
    )
    try:
        yield
    finally:
        module.tempfile = original


@contextmanager
def _jvm_options(options: str) -> Iterator[None]:
    """Add ``options`` to ``JAVA_TOOL_OPTIONS`` for the JVM owlready2 starts, then restore it."""
    before = os.environ.get("JAVA_TOOL_OPTIONS")
    os.environ["JAVA_TOOL_OPTIONS"] = f"{before} {options}" if before else options
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("JAVA_TOOL_OPTIONS", None)
        else:
            os.environ["JAVA_TOOL_OPTIONS"] = before


def _java_message(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    useful = [
        line
        for line in lines
        if not line.startswith(("at ", "Picked up JAVA_TOOL_OPTIONS"))
        and "Java error message" not in line
    ]
    return " ".join(useful[:4]) or "no message"


# --------------------------------------------------------------------------- localisation


def _localise(dataset: ConjunctiveGraph) -> str:
    """Which named graphs are inconsistent on their own with the ontology (costs a run each)."""
    schema = Graph()
    data: dict[str, Graph] = {}
    for context in dataset.contexts():
        name = str(context.identifier)
        is_schema = (
            name == ONTOLOGY_GRAPH
            or not name.startswith(KGG)
            or (None, RDF.type, OWL.Ontology) in context
        )
        if is_schema:
            for triple in context:
                schema.add(triple)
        elif len(context):
            data[name] = context
    if not data:
        return ""
    if not _hermit(prepare(schema).graph).consistent:
        return "; the ontology alone is already inconsistent"
    culprits = []
    for name, context in sorted(data.items()):
        combined = Graph()
        for triple in schema:
            combined.add(triple)
        for triple in context:
            combined.add(triple)
        if not _hermit(prepare(combined).graph).consistent:
            culprits.append(name_of(URIRef(name)))
    if culprits:
        return "; the clash lies within named graph(s) " + ", ".join(culprits)
    return "; no named graph is inconsistent on its own, so the clash combines several graphs"


def _short(iri: Node | None) -> str:
    return name_of(iri) if iri is not None else "(none)"


def _date_as_datetime(value: Literal) -> Literal | None:
    match = _DATE_RE.match(str(value))
    if match is None or value.ill_typed:
        return None
    return Literal(f"{match.group(1)}T00:00:00{match.group(2) or ''}", datatype=XSD.dateTime)
