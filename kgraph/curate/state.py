"""The curated data as it is on disk: every ``data/*.trig`` file, indexed for curation.

pyoxigraph parses a million triples in about two seconds and :class:`QuadIndex` indexes them in
about as much, so :func:`read_state` is cheap enough to run on every ``kgraph add``. Quads keep
their named graph; :class:`DataState` also knows which file holds which graph, the ontology's
class hierarchy and every entity's names and types.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeAlias

import pyoxigraph as ox

from kgraph.errors import ParseError
from kgraph.namespaces import CURATION_GRAPH, KG, KGO, OWL, RDF, RDFS, SKOS

#: any RDF term pyoxigraph gives (its stubs name no common base class)
Term: TypeAlias = Any

RDF_TYPE = ox.NamedNode(RDF + "type")
LABEL_PROPS = (ox.NamedNode(SKOS + "prefLabel"), ox.NamedNode(RDFS + "label"),
               ox.NamedNode(SKOS + "altLabel"))
SAME_AS = ox.NamedNode(OWL + "sameAs")
SUBCLASS = ox.NamedNode(RDFS + "subClassOf")
INDEXED_PREDICATES = frozenset({*LABEL_PROPS, SAME_AS, RDF_TYPE, ox.NamedNode(KGO + "status")})
INDEXED_GRAPHS = frozenset({ox.NamedNode(CURATION_GRAPH)})


def data_files(data_dir: Path) -> list[Path]:
    """The curated files of ``data_dir`` the loader reads (hidden files are skipped)."""
    return sorted(p for p in data_dir.glob("*.trig") if not p.name.startswith("."))


def parse_file(path: Path) -> list[ox.Quad]:
    """All quads of one TriG file; a syntax error is a :class:`ParseError` with line/column."""
    try:
        return list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))
    except SyntaxError as exc:
        raise ParseError(str(exc), source=str(path)) from exc


class QuadSource(Protocol):
    """Anything that answers quad patterns: :class:`QuadIndex`, ``pyoxigraph.Store``."""

    def quads_for_pattern(self, s: Any, p: Any, o: Any, g: Any = None) -> Iterable[ox.Quad]: ...


class QuadIndex:
    """The few quad patterns curation asks, over plain dicts (pyoxigraph's in-memory store is
    ~6x slower to fill than parsing; a million quads load in a few seconds this way)."""

    def __init__(self) -> None:
        self.by_s: dict[Term, list[ox.Quad]] = defaultdict(list)
        self.by_o: dict[Term, list[ox.Quad]] = defaultdict(list)
        self.by_p: dict[Term, list[ox.Quad]] = defaultdict(list)  # INDEXED_PREDICATES only
        self.by_g: dict[Term, list[ox.Quad]] = defaultdict(list)  # INDEXED_GRAPHS only
        self.graphs: set[Term] = set()
        self.size = 0

    def bulk_extend(self, quads: Iterable[ox.Quad]) -> None:
        by_s, by_o, by_p, by_g = self.by_s, self.by_o, self.by_p, self.by_g
        n = 0
        graphs: set[Term] = set()
        for q in quads:
            s, p, o, g = q
            by_s[s].append(q)
            by_o[o].append(q)
            if p in INDEXED_PREDICATES:
                by_p[p].append(q)
            if g in INDEXED_GRAPHS:
                by_g[g].append(q)
            graphs.add(g)
            n += 1
        self.graphs |= graphs
        self.size += n

    def __len__(self) -> int:
        return self.size

    def named_graphs(self) -> Iterator[Term]:
        return (g for g in self.graphs if not isinstance(g, ox.DefaultGraph))

    def quads_for_pattern(self, s: Term | None, p: Term | None, o: Term | None,
                          g: Term | None = None) -> Iterator[ox.Quad]:
        if s is not None:
            candidates = self.by_s.get(s, [])
        elif o is not None:
            candidates = self.by_o.get(o, [])
        elif p is not None and p in INDEXED_PREDICATES:
            candidates = self.by_p.get(p, [])
        elif g is not None and g in INDEXED_GRAPHS:
            candidates = self.by_g.get(g, [])
        else:
            candidates = [q for qs in self.by_s.values() for q in qs]
        for q in candidates:
            if ((p is None or q.predicate == p) and (o is None or q.object == o)
                    and (g is None or q.graph_name == g) and (s is None or q.subject == s)):
                yield q


@dataclass
class DataState:
    """The curated data, the file of each named graph, and the ontology's class hierarchy."""

    store: QuadIndex
    file_of_graph: dict[str, Path] = field(default_factory=dict)
    superclasses: dict[str, set[str]] = field(default_factory=dict)

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        g = ox.NamedNode(graph) if graph else None
        return iter(self.store.quads_for_pattern(None, None, None, g))

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def types_of(self, iri: str) -> set[str]:
        """The asserted classes of ``iri`` in any graph."""
        return {q.object.value for q in
                self.store.quads_for_pattern(ox.NamedNode(iri), RDF_TYPE, None, None)
                if isinstance(q.object, ox.NamedNode)}

    def exists(self, iri: str) -> bool:
        node = ox.NamedNode(iri)
        for _ in self.store.quads_for_pattern(node, None, None, None):
            return True
        for _ in self.store.quads_for_pattern(None, None, node, None):
            return True
        return False

    def is_a(self, cls: str, ancestor: str) -> bool:
        """True when ``cls`` is ``ancestor`` or a subclass of it (per the ontology)."""
        return cls == ancestor or ancestor in self.superclasses.get(cls, set())

    def names(self) -> Iterator[tuple[str, str, str]]:
        """(entity IRI, label, label property IRI) for every label of a kg: entity."""
        for prop in LABEL_PROPS:
            for q in self.store.quads_for_pattern(None, prop, None, None):
                s, o = q.subject, q.object
                if isinstance(s, ox.NamedNode) and s.value.startswith(KG) and isinstance(
                    o, ox.Literal
                ):
                    yield s.value, o.value, prop.value

    def redirects(self) -> dict[str, str]:
        """Merged-away IRI -> the IRI it was merged into (``owl:sameAs`` in kgg:curation)."""
        out: dict[str, str] = {}
        for q in self.store.quads_for_pattern(None, SAME_AS, None, None):
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
                out[q.subject.value] = q.object.value
        return out


def _class_hierarchy(ontology_dir: Path | None) -> dict[str, set[str]]:
    parents: dict[str, set[str]] = defaultdict(set)
    if ontology_dir is None or not ontology_dir.is_dir():
        return {}
    for path in sorted(ontology_dir.glob("*.ttl")):
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if t.predicate == SUBCLASS and isinstance(t.object, ox.NamedNode):
                parents[t.subject.value].add(t.object.value)
    closure: dict[str, set[str]] = {}

    def up(c: str, seen: frozenset[str] = frozenset()) -> set[str]:
        if c in closure:
            return closure[c]
        out: set[str] = set()
        for p in parents.get(c, ()):
            if p not in seen:
                out |= {p} | up(p, seen | {c})
        closure[c] = out
        return out

    for c in list(parents):
        up(c)
    return closure


def read_state(data_dir: Path, ontology_dir: Path | None = None,
               files: Iterable[Path] | None = None) -> DataState:
    """Load ``data_dir``'s TriG files (or ``files``) into a fresh in-memory store."""
    store = QuadIndex()
    file_of_graph: dict[str, Path] = {}
    for path in (data_files(data_dir) if files is None else files):
        before = set(store.graphs)
        store.bulk_extend(parse_file(path))
        for g in store.graphs - before:
            if isinstance(g, ox.NamedNode):
                file_of_graph.setdefault(g.value, path)
    return DataState(store=store, file_of_graph=file_of_graph,
                     superclasses=_class_hierarchy(ontology_dir))


KGO_CLASS_PREFIX = KGO
