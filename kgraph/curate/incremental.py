"""Validate a change to ``data/``: over the whole graph, or only around what the change touches.

Full validation (:func:`validate_full`) runs :func:`kgraph.validate.validate` (SHACL + OWL) on the
project with the changed files swapped in. It reads everything, so it is the reference.

Incremental validation (:func:`validate_incremental`) rests on the data on disk being valid
already: only nodes whose description the change alters can newly fail. It

1. takes as *focus* every ``kg:``/``kgg:`` node the change says something about (a source graph
   describes every node it names, so this is every node the sheet touches), plus every node
   that points at a node whose classes change (a class check on it may now fail);
2. cuts out the *neighbourhood* those nodes need to be judged: the new statements; each focus
   node's existing statements on the properties the change touches, and its classes (one copy
   of each: a type or name repeated in many graphs says nothing more), dates inline; the
   evidence behind those facts; the classes of everything referred to; the graph
   registrations; the other holders of the focus nodes' canonical names;
3. runs the same SHACL shapes and the same OWL consistency check on that neighbourhood plus the
   ontology, and keeps the results about focus nodes (and their dates) — for a node that
   existed before, only those on the properties the change touches (or on the node as a
   whole): the rest was valid and has not changed.

``tests/test_curate_incremental.py`` checks that both agree on valid and invalid changes.
Limits: a SPARQL-based shape that looks further than one hop beyond a focus node, or an
inconsistency that only follows through a long chain of statements far from the change, is seen
by the full validation only (``kgraph add --full-validation``).
"""

from __future__ import annotations

import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Dataset, URIRef
from rdflib.term import Node

from kgraph.curate import background
from kgraph.curate.state import DataState, QuadIndex, QuadSource, Term, data_files
from kgraph.load import LoadedGraph, load_files
from kgraph.namespaces import KG, KGG, RDF, SKOS
from kgraph.store.terms import to_rdflib
from kgraph.validate import check_consistency_of, validate
from kgraph.validate.quotes import quote_results, seeds_dir
from kgraph.validate.report import ValidationReport, ValidationResult
from kgraph.validate.shacl import default_graph_results, load_shapes, run_shacl

if TYPE_CHECKING:
    from kgraph.curate.add import FileChange

PREF_LABEL = ox.NamedNode(SKOS + "prefLabel")


def _is_data(node: Term) -> bool:
    return isinstance(node, ox.NamedNode) and node.value.startswith((KG, KGG))


def validate_change(state: DataState, root: Path, data_dir: Path,
                    files: Sequence[FileChange], new_quads: set[ox.Quad], *,
                    full: bool = False, reasoner: bool = True) -> ValidationReport:
    """Validate the data as it would be after writing ``files`` (see the module doc)."""
    if full:
        return validate_full(root, data_dir, files, reasoner=reasoner)
    return validate_incremental(state, root, new_quads, reasoner=reasoner)


def validate_full(root: Path, data_dir: Path, files: Sequence[FileChange], *,
                  reasoner: bool = True) -> ValidationReport:
    """SHACL + OWL over the ontology and every data file, with ``files`` as they would be."""
    changed = {f.name: f.after for f in files}
    with tempfile.TemporaryDirectory(prefix="kgraph-validate-") as tmp:
        staged = Path(tmp) / "data"
        staged.mkdir()
        for path in data_files(data_dir):
            if path.name not in changed:
                (staged / path.name).symlink_to(path.resolve())
        for name, text in changed.items():
            (staged / name).write_text(text, "utf-8")
        return validate([root / "ontology", staged], reasoner=reasoner,
                        shapes=root / "shapes")


def _closure(store: QuadSource, nodes: Iterable[Term], out: set[ox.Quad]) -> None:
    """Add every statement about ``nodes`` and, recursively, about the blank nodes they use."""
    todo = list(nodes)
    seen: set[Term] = set()
    while todo:
        node = todo.pop()
        if node in seen or not isinstance(node, ox.NamedNode | ox.BlankNode):
            continue
        seen.add(node)
        for q in store.quads_for_pattern(node, None, None, None):
            out.add(q)
            if isinstance(q.object, ox.BlankNode):
                todo.append(q.object)


_SUBJ, _PRED, _OBJ = (ox.NamedNode(RDF + x) for x in ("subject", "predicate", "object"))
_TYPE = ox.NamedNode(RDF + "type")


def _one(store: QuadSource, s: Term, p: ox.NamedNode, g: Term) -> Term | None:
    for q in store.quads_for_pattern(s, p, None, g):
        return q.object
    return None


def _evidence(store: QuadSource, node: Term, facts_of_node: list[ox.Quad],
              sub: set[ox.Quad]) -> None:
    """Add the evidence behind ``facts_of_node`` (stated either way round), as the shapes
    ask for it."""
    facts = {(q.predicate, q.object, q.graph_name) for q in facts_of_node}
    for q in store.quads_for_pattern(None, _SUBJ, node, None):
        ev, g = q.subject, q.graph_name
        if (_one(store, ev, _PRED, g), _one(store, ev, _OBJ, g), g) in facts:
            sub.update(store.quads_for_pattern(ev, None, None, g))
    for q in store.quads_for_pattern(None, _OBJ, node, None):
        ev, g = q.subject, q.graph_name
        if (_one(store, ev, _PRED, g), _one(store, ev, _SUBJ, g), g) in facts:
            sub.update(store.quads_for_pattern(ev, None, None, g))


def focus_and_neighbourhood(store: QuadSource, new_quads: Iterable[ox.Quad]
                            ) -> tuple[dict[str, set[str] | None], set[ox.Quad]]:
    """The focus nodes of a change and the statements needed to judge them (module doc).

    ``store`` answers patterns over the data *with* the change. Returns each focus node with
    the properties whose results count (None: all of them) and the neighbourhood's quads.
    """
    new_quads = list(new_quads)
    new_of: dict[Term, list[ox.Quad]] = defaultdict(list)
    for q in new_quads:
        if _is_data(q.subject):
            new_of[q.subject].append(q)
    changed: set[Term] = set(new_of)
    blanks = {q.subject for q in new_quads if isinstance(q.subject, ox.BlankNode)}
    sub: set[ox.Quad] = set(new_quads)
    # nodes whose classes change: what points at them may now fail (or pass) a class check
    retyped = {q.subject for q in new_quads if q.predicate == _TYPE and _is_data(q.subject)
               and sum(1 for _ in store.quads_for_pattern(q.subject, _TYPE, q.object, None)) == 1}
    pointers = {q.subject for node in retyped for q in store.quads_for_pattern(None, None, node)
                if _is_data(q.subject)} - changed
    _closure(store, pointers, sub)
    seen = {(q.subject, q.predicate, q.object) for q in new_quads}
    paths: dict[str, set[str] | None] = {}
    for node in changed:
        # the node's existing statements on the properties the change touches (one copy of
        # each: the same type or name repeated in many source graphs says nothing more); all
        # of them for a node that gains a class (new shapes apply to it)
        touched: set[Term] | None = {q.predicate for q in new_of[node]} | {_TYPE}
        if node in retyped:
            touched = None
        paths[node.value] = None if touched is None else {t.value for t in touched}
        mine = list(new_of[node])
        for q in store.quads_for_pattern(node, None, None, None):
            key = (q.subject, q.predicate, q.object)
            if (touched is None or q.predicate in touched) and key not in seen:
                seen.add(key)
                mine.append(q)
                sub.add(q)
                if isinstance(q.object, ox.BlankNode):
                    _closure(store, [q.object], sub)
        _evidence(store, node, mine, sub)
    for node in pointers:
        _evidence(store, node, list(store.quads_for_pattern(node, None, None, None)), sub)
    # the statement each evidence or claim node stands for, in its own graph
    for node in changed | pointers:
        for q in store.quads_for_pattern(node, _SUBJ, None, None):
            p, o = _one(store, node, _PRED, q.graph_name), _one(store, node, _OBJ, q.graph_name)
            if p is not None and o is not None:
                sub.update(store.quads_for_pattern(q.object, p, o, q.graph_name))
    # the classes of everything referred to (one copy each), shared canonical names, registry
    referred = {q.object for q in sub if isinstance(q.object, ox.NamedNode)}
    typed: set[tuple[Term, Term]] = set()
    for node in referred:
        for q in store.quads_for_pattern(node, _TYPE, None, None):
            if (node, q.object) not in typed:
                typed.add((node, q.object))
                sub.add(q)
    sharers: set[Term] = set()
    for node in changed:
        for label in store.quads_for_pattern(node, PREF_LABEL, None, None):
            for q in store.quads_for_pattern(None, PREF_LABEL, label.object, None):
                sub.add(q)
                if q.subject != node:
                    sharers.add(q.subject)
    graphs = {q.graph_name for q in sub if isinstance(q.graph_name, ox.NamedNode)}
    _closure(store, graphs, sub)
    focus = changed | pointers
    paths.update({n.value: None for n in pointers if isinstance(n, ox.NamedNode)})
    for n in sharers:  # another holder of a new canonical name: its name check may now fail
        if isinstance(n, ox.NamedNode) and n.value not in paths:
            paths[n.value] = {PREF_LABEL.value}
    paths.update({"_:" + b.value: None for b in _blank_closure(sub, focus | blanks)})
    return paths, sub


def _blank_closure(quads: set[ox.Quad], roots: set[Term]) -> set[ox.BlankNode]:
    by_subject: dict[Term, list[Term]] = {}
    for q in quads:
        by_subject.setdefault(q.subject, []).append(q.object)
    out: set[ox.BlankNode] = set()
    todo = list(roots)
    while todo:
        for o in by_subject.get(todo.pop(), []):
            if isinstance(o, ox.BlankNode) and o not in out:
                out.add(o)
                todo.append(o)
    return out


def loaded_from(quads: Iterable[ox.Quad], ontology: LoadedGraph,
                file_of_graph: dict[str, Path]) -> LoadedGraph:
    """A :class:`LoadedGraph` of ``quads`` (in their named graphs) plus the ontology."""
    ds = Dataset(default_union=False)
    for prefix, ns in ontology.dataset.namespaces():
        ds.bind(prefix, ns)
    default = ds.default_graph
    ds.addN((s, p, o, default) for s, p, o, _ in ontology.dataset.quads((None, None, None, None)))
    graphs: dict[str, object] = {}
    batch = []
    subject_files: dict[Node, set[str]] = {}
    for q in quads:
        if not isinstance(q.graph_name, ox.NamedNode):
            continue
        g = q.graph_name.value
        if g not in graphs:
            graphs[g] = ds.graph(URIRef(g))
        s = to_rdflib(q.subject)
        batch.append((s, URIRef(q.predicate.value), to_rdflib(q.object), graphs[g]))
        file = str(file_of_graph.get(g, "(new)"))
        subject_files.setdefault(s, set()).add(file)
    ds.addN(batch)  # type: ignore[arg-type]
    files = tuple(sorted({str(f) for f in file_of_graph.values()}))
    return LoadedGraph(
        dataset=ds,
        files=(*ontology.files, *files),
        graph_files={URIRef(g): (str(file_of_graph.get(g, "(new)")),) for g in graphs},
        subject_files={s: tuple(sorted(f)) for s, f in subject_files.items()},
        default_subject_files={},
    )


def _kept(results: Iterable[ValidationResult], focus: dict[str, set[str] | None]
          ) -> list[ValidationResult]:
    out = []
    for r in results:
        if r.focus not in focus:
            continue
        paths = focus[r.focus]
        if paths is None or r.path is None or r.path in paths:
            out.append(r)
    return out


def validate_incremental(state: DataState, root: Path, new_quads: set[ox.Quad], *,
                         reasoner: bool = True,
                         meanwhile: Callable[[], object] | None = None) -> ValidationReport:
    """SHACL + OWL on the neighbourhood of ``new_quads`` in the data as it would be.

    The OWL check runs in a forked child (:mod:`~kgraph.curate.background`) while the shapes
    run here, and then ``meanwhile()`` (``kgraph add`` writes out the new files' text then).
    (Splitting a large change in two and validating the halves' SHACL in forked processes was
    tried and measured slower on two cores: the halves' neighbourhoods overlap, see
    docs/performance.md.)
    """
    after = QuadIndex()
    after.bulk_extend(new_quads)
    # the neighbourhood is cut from the data *with* the change: old store + new statements
    combined = _Union(state.store, after)
    t0 = time.perf_counter()
    focus, sub = focus_and_neighbourhood(combined, new_quads)
    loaded = loaded_from(sub, load_files([root / "ontology"]), dict(state.file_of_graph))
    owl = background.start(lambda: check_consistency_of(loaded)) if reasoner else None
    try:
        found = _shacl(loaded, root / "shapes", sub)
        if meanwhile is not None:
            meanwhile()
        consistency = owl.result() if owl is not None else None
    finally:
        if owl is not None:
            owl.cancel()
    results = tuple(sorted(_kept(found, focus), key=ValidationResult.sort_key))
    return ValidationReport(results=results, files=loaded.files, consistency=consistency,
                            seconds=time.perf_counter() - t0, report_turtle="")


def _shacl(loaded: LoadedGraph, shapes_dir: Path, quads: Iterable[ox.Quad]
           ) -> list[ValidationResult]:
    """What :func:`kgraph.validate.validate_loaded` reports without the reasoner (the shapes,
    statements in default graphs, verbatim quotes), without building a report graph, and with
    the SPARQL copy filled from the neighbourhood's own quads (``run_shacl(named=...)``)."""
    shapes = load_shapes(shapes_dir)
    results, _report = run_shacl(loaded, shapes, named=quads)
    results += default_graph_results(loaded, shapes)
    results += quote_results(loaded, shapes, seeds_dir())
    return list(dict.fromkeys(results))


class _Union:
    """Pattern queries over two stores at once (the data on disk and the change)."""

    def __init__(self, *stores: QuadSource) -> None:
        self.stores = stores

    def quads_for_pattern(self, s: Term | None, p: Term | None, o: Term | None,
                          g: Term | None = None) -> Iterable[ox.Quad]:
        for store in self.stores:
            yield from store.quads_for_pattern(s, p, o, g)
