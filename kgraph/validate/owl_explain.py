"""Say in words *why* the ontology plus the data is inconsistent.

HermiT answers only "inconsistent". This module looks for the usual culprits in the statements
themselves, with a small, sound-for-these-patterns type closure (``rdf:type``, ``rdfs:subClassOf``,
``owl:equivalentClass``, ``rdfs:domain``/``rdfs:range`` through ``rdfs:subPropertyOf``,
``owl:inverseOf`` and ``owl:SymmetricProperty``, ``owl:sameAs``, and general class inclusions
between intersections of named classes), and names the entities involved:

* an entity that belongs to two disjoint classes (``owl:disjointWith``, ``owl:AllDisjointClasses``),
  with the reason it has each type ("stated to be a kgo:Place", "the object of kgo:location,
  whose range is kgo:Place");
* an entity used where a union of classes is required (``kgo:Actor`` = Person or Organization)
  that belongs to a class disjoint with every member of the union;
* two provably different values of a functional property, or of a property a class restricts to
  one value (``kgo:source`` on attributions);
* a literal whose datatype does not fit a data property's range.

(Ill-typed literals are reported by :mod:`kgraph.validate.owl` itself, which must take them out
of the reasoner's input.)

It never decides consistency (HermiT does); it only explains. When it finds nothing, the caller
falls back to localising the clash by named graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from kgraph.namespaces import PREFIXES

__all__ = ["NUMERIC_DATATYPES", "explain", "name_of"]

#: The numeric datatypes of the OWL 2 datatype map (also used by kgraph.validate.owl).
NUMERIC_DATATYPES: frozenset[str] = frozenset({
    str(XSD[t])
    for t in [
        "decimal",
        "integer",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
        "double",
        "float",
    ]
} | {str(OWL.real), str(OWL.rational)})
_INTEGER_SIGN = {
    str(XSD.integer): None,
    str(XSD.long): None,
    str(XSD.int): None,
    str(XSD.short): None,
    str(XSD.byte): None,
    str(XSD.nonNegativeInteger): "nonneg",
    str(XSD.unsignedLong): "nonneg",
    str(XSD.unsignedInt): "nonneg",
    str(XSD.unsignedShort): "nonneg",
    str(XSD.unsignedByte): "nonneg",
    str(XSD.positiveInteger): "pos",
    str(XSD.nonPositiveInteger): "nonpos",
    str(XSD.negativeInteger): "neg",
}
_STRINGS = {
    str(XSD[t])
    for t in ["string", "normalizedString", "token", "language", "Name", "NCName", "NMTOKEN"]
}
# the reasoner sees xsd:date as xsd:dateTime (see kgraph.validate.owl), so they form one family
_DATETIMES = {str(XSD.dateTime), str(XSD.dateTimeStamp), str(XSD.date)}
_ANY_LITERAL = {str(RDFS.Literal), "http://www.w3.org/1999/02/22-rdf-syntax-ns#PlainLiteral"}
_CARDINALITY = (
    OWL.maxCardinality,
    OWL.cardinality,
    OWL.maxQualifiedCardinality,
    OWL.qualifiedCardinality,
)
_LIMIT = 25


@dataclass
class _Schema:
    supers: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    disjoint: set[frozenset[Node]] = field(default_factory=set)
    unions: dict[Node, tuple[Node, ...]] = field(default_factory=dict)
    superprops: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    domains: dict[Node, list[Node]] = field(default_factory=lambda: defaultdict(list))
    ranges: dict[Node, list[Node]] = field(default_factory=lambda: defaultdict(list))
    inverses: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    symmetric: set[Node] = field(default_factory=set)
    functional: set[Node] = field(default_factory=set)
    class_functional: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    distinct: set[frozenset[Node]] = field(default_factory=set)
    data_ranges: dict[Node, str] = field(default_factory=dict)
    # (A and B and ...) subClassOf (C and D ...): general class inclusions between intersections
    rules: list[tuple[frozenset[Node], tuple[Node, ...]]] = field(default_factory=list)


def explain(graph: Graph) -> list[str]:
    """Sentences naming the clashes found in ``graph`` (ontology + data), most specific first."""
    schema = _read_schema(graph)
    types, demands = _types(graph, schema)
    found: list[str] = []
    found.extend(_disjoint_clashes(graph, schema, types))
    found.extend(_union_clashes(graph, schema, types, demands))
    found.extend(_functional_clashes(graph, schema, types))
    found.extend(_data_range_clashes(graph, schema))
    unique = list(dict.fromkeys(found))
    if len(unique) > _LIMIT:
        unique = unique[:_LIMIT] + [f"... and {len(unique) - _LIMIT} more"]
    return unique


# --------------------------------------------------------------------------- schema


def _members(graph: Graph, head: Node) -> list[Node]:
    try:
        return list(Collection(graph, head))
    except Exception:  # noqa: BLE001 - a malformed list explains nothing
        return []


def _closure(edges: dict[Node, set[Node]], start: Node) -> set[Node]:
    seen = {start}
    todo = [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _read_schema(graph: Graph) -> _Schema:
    schema = _Schema()
    direct: dict[Node, set[Node]] = defaultdict(set)
    for sub, sup in graph.subject_objects(RDFS.subClassOf):
        direct[sub].add(sup)
    for a, b in graph.subject_objects(OWL.equivalentClass):
        direct[a].add(b)
        direct[b].add(a)
    for node, head in graph.subject_objects(OWL.unionOf):
        schema.unions[node] = tuple(_members(graph, head))
    for a, b in graph.subject_objects(OWL.equivalentClass):
        for x, y in ((a, b), (b, a)):
            if isinstance(x, URIRef) and y in schema.unions:
                schema.unions[x] = schema.unions[y]
    classes = set(direct) | {c for sups in direct.values() for c in sups}
    classes |= set(graph.subjects(RDF.type, OWL.Class)) | set(graph.objects(None, RDF.type))
    for cls in classes:
        schema.supers[cls] = _closure(direct, cls)
    for a, b in graph.subject_objects(OWL.disjointWith):
        schema.disjoint.add(frozenset((a, b)))
    for sub, sup in graph.subject_objects(RDFS.subClassOf):
        if not isinstance(sub, BNode):
            continue
        heads = list(graph.objects(sub, OWL.intersectionOf))
        if not heads:
            continue
        antecedent = frozenset(_members(graph, heads[0]))
        sup_heads = list(graph.objects(sup, OWL.intersectionOf))
        consequents = tuple(_members(graph, sup_heads[0])) if sup_heads else (sup,)
        if all(isinstance(c, URIRef) for c in antecedent | set(consequents)):
            schema.rules.append((antecedent, consequents))
    for axiom in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        for head in graph.objects(axiom, OWL.members):
            members = _members(graph, head)
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    schema.disjoint.add(frozenset((a, b)))

    sub_props: dict[Node, set[Node]] = defaultdict(set)
    for sub, sup in graph.subject_objects(RDFS.subPropertyOf):
        sub_props[sub].add(sup)
    props = set(sub_props) | set(graph.subjects(RDF.type, OWL.ObjectProperty))
    props |= set(graph.subjects(RDF.type, OWL.DatatypeProperty)) | set(graph.predicates())
    for prop in props:
        schema.superprops[prop] = _closure(sub_props, prop)
    for prop, cls in graph.subject_objects(RDFS.domain):
        schema.domains[prop].append(cls)
    for prop, cls in graph.subject_objects(RDFS.range):
        if isinstance(cls, URIRef) and (str(cls).startswith(str(XSD)) or str(cls) in _ANY_LITERAL):
            schema.data_ranges[prop] = str(cls)
        else:
            schema.ranges[prop].append(cls)
    for a, b in graph.subject_objects(OWL.inverseOf):
        schema.inverses[a].add(b)
        schema.inverses[b].add(a)
    schema.symmetric = set(graph.subjects(RDF.type, OWL.SymmetricProperty))
    schema.functional = set(graph.subjects(RDF.type, OWL.FunctionalProperty))
    for cls, restriction in graph.subject_objects(RDFS.subClassOf):
        restricted = graph.value(restriction, OWL.onProperty)
        if restricted is None:
            continue
        for kind in _CARDINALITY:
            value = graph.value(restriction, kind)
            if isinstance(value, Literal) and str(value) == "1":
                schema.class_functional[cls].add(restricted)
    for axiom in graph.subjects(RDF.type, OWL.AllDifferent):
        for head in list(graph.objects(axiom, OWL.distinctMembers)) + list(
            graph.objects(axiom, OWL.members)
        ):
            members = _members(graph, head)
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    schema.distinct.add(frozenset((a, b)))
    for a, b in graph.subject_objects(OWL.differentFrom):
        schema.distinct.add(frozenset((a, b)))
    return schema


# --------------------------------------------------------------------------- types


_Types = dict[Node, dict[Node, str]]
_Demands = list[tuple[Node, Node, str]]


def _types(graph: Graph, schema: _Schema) -> tuple[_Types, _Demands]:
    """Each entity's classes with the reason for each, and union-typed demands on entities."""
    stated: dict[Node, dict[Node, str]] = defaultdict(dict)
    demands: _Demands = []

    def require(node: Node, cls: Node, reason: str) -> None:
        if isinstance(node, Literal):
            return
        if isinstance(cls, URIRef):
            stated[node].setdefault(cls, reason)
        if cls in schema.unions:
            demands.append((node, cls, reason))

    for node, cls in graph.subject_objects(RDF.type):
        if cls in (OWL.Class, OWL.NamedIndividual, OWL.Restriction) or isinstance(cls, BNode):
            continue
        require(node, cls, f"stated to be a {name_of(cls)}")
    for s, p, o in graph:
        if p == RDF.type:
            continue
        for q in schema.superprops.get(p, {p}):
            via = "" if q == p else f" (a kind of {name_of(q)})"
            for cls in schema.domains.get(q, ()):
                require(s, cls, _why(f"the subject of {name_of(p)}{via}", "domain", cls))
            if isinstance(o, Literal):
                continue
            for cls in schema.ranges.get(q, ()):
                require(o, cls, _why(f"the object of {name_of(p)}{via}", "range", cls))
            for inv in schema.inverses.get(q, ()):
                for cls in schema.domains.get(inv, ()):
                    where = f"the object of {name_of(p)}, whose inverse {name_of(inv)}"
                    require(o, cls, _why(where, "domain", cls, inverse=True))
                for cls in schema.ranges.get(inv, ()):
                    where = f"the subject of {name_of(p)}, whose inverse {name_of(inv)}"
                    require(s, cls, _why(where, "range", cls, inverse=True))
            if q in schema.symmetric:
                for cls in schema.domains.get(q, ()):
                    where = f"the object of the symmetric {name_of(q)}"
                    require(o, cls, _why(where, "domain", cls))
    types: _Types = {}
    for node, classes in stated.items():
        closed: dict[Node, str] = {}
        for cls, reason in classes.items():
            for sup in schema.supers.get(cls, {cls}):
                closed.setdefault(sup, reason)
        _apply_rules(closed, schema)
        types[node] = closed
        for cls, reason in closed.items():
            if cls in schema.unions and cls not in classes:
                demands.append((node, cls, reason))
    _merge_same(graph, types)
    return types, demands


def _merge_same(graph: Graph, types: _Types) -> None:
    """Entities joined by owl:sameAs are one: each gets the other's types (with the reason)."""
    parent: dict[Node, Node] = {}

    def root(node: Node) -> Node:
        while parent.get(node, node) != node:
            node = parent[node]
        return node

    for a, b in graph.subject_objects(OWL.sameAs):
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        parent[root(a)] = root(b)
    groups: dict[Node, list[Node]] = defaultdict(list)
    for node in parent:
        groups[root(node)].append(node)
    for members in groups.values():
        for node in members:
            merged = dict(types.get(node, {}))
            for other in members:
                if other == node:
                    continue
                for cls, reason in types.get(other, {}).items():
                    merged.setdefault(
                        cls, f"as {name_of(other, graph)}, which it is owl:sameAs: {reason}"
                    )
            types[node] = merged


def _apply_rules(closed: dict[Node, str], schema: _Schema) -> None:
    """Add what the general class inclusions entail (Organization and Place -> State, Country)."""
    changed = True
    while changed:
        changed = False
        for antecedent, consequents in schema.rules:
            if not antecedent <= closed.keys():
                continue
            names = " and a ".join(name_of(a) for a in sorted(antecedent, key=str))
            only = " that is a ".join(name_of(c) for c in consequents)
            reason = f"both a {names}, which only a {only} can be"
            for cls in consequents:
                for sup in schema.supers.get(cls, {cls}):
                    if sup not in closed:
                        closed[sup] = reason
                        changed = True


def _why(where: str, kind: str, cls: Node, *, inverse: bool = False) -> str:
    """Why an entity must be in ``cls``: 'the subject of kgo:manages, whose domain is kgo:Actor'.
    A union (a blank node) is spelled out by the clash message, so only the position is given."""
    if not isinstance(cls, URIRef):
        return where
    if inverse:
        return f"{where} has {kind} {name_of(cls)}"
    return f"{where}, whose {kind} is {name_of(cls)}"


def _disjoint(a: Node, b: Node, schema: _Schema) -> bool:
    sa = schema.supers.get(a, {a})
    sb = schema.supers.get(b, {b})
    return any(frozenset((x, y)) in schema.disjoint for x in sa for y in sb)


# --------------------------------------------------------------------------- checks


def _disjoint_clashes(graph: Graph, schema: _Schema, types: _Types) -> Iterator[str]:
    for node, classes in types.items():
        for pair in schema.disjoint:
            a, b = tuple(pair) if len(pair) == 2 else (next(iter(pair)),) * 2
            if a in classes and b in classes:
                first, second = sorted((a, b), key=str)
                yield (
                    f"{name_of(node, graph)} is both a {name_of(first)} "
                    f"({classes[first]}) and a {name_of(second)} ({classes[second]}), "
                    "which are disjoint classes"
                )


def _union_clashes(
    graph: Graph, schema: _Schema, types: _Types, demands: _Demands
) -> Iterator[str]:
    seen: set[tuple[Node, tuple[Node, ...]]] = set()
    for node, union, reason in demands:
        members = schema.unions.get(union, ())
        if (node, members) in seen:
            continue
        classes = types.get(node, {})
        if not members or any(m in classes for m in members):
            continue
        blockers: list[Node] = []
        for member in members:
            blocker = next((c for c in classes if _disjoint(c, member, schema)), None)
            if blocker is None:
                break
            blockers.append(blocker)
        else:
            blocker = blockers[0]
            seen.add((node, members))
            yield (
                f"{name_of(node, graph)} is {reason}, so it must be a "
                f"{' or a '.join(name_of(m) for m in members)}, but it is a "
                f"{name_of(blocker)} ({classes[blocker]})"
            )


def _functional_clashes(graph: Graph, schema: _Schema, types: _Types) -> Iterator[str]:
    subjects = set(graph.subjects())
    for node in subjects:
        props = {p for p in set(graph.predicates(node)) if p in schema.functional}
        for cls in types.get(node, {}):
            props |= schema.class_functional.get(cls, set()) & set(graph.predicates(node))
        for prop in sorted(props, key=str):
            values = sorted(set(graph.objects(node, prop)), key=str)
            for i, a in enumerate(values):
                for b in values[i + 1 :]:
                    if _different(a, b, graph, schema, types):
                        yield (
                            f"{name_of(node, graph)} has two different values of "
                            f"{name_of(prop)}, {_value(a, graph)} and {_value(b, graph)}, "
                            "but may have only one"
                        )


def _different(a: Node, b: Node, graph: Graph, schema: _Schema, types: _Types) -> bool:
    if isinstance(a, Literal) and isinstance(b, Literal):
        if a.value is not None and b.value is not None and a.datatype == b.datatype:
            return bool(a.value != b.value)
        return a != b
    if isinstance(a, Literal) or isinstance(b, Literal):
        return False
    if frozenset((a, b)) in schema.distinct:
        return True
    ta, tb = types.get(a, {}), types.get(b, {})
    if any(_disjoint(x, y, schema) for x in ta for y in tb):
        return True
    for prop in schema.functional:
        va = [v for v in graph.objects(a, prop) if isinstance(v, Literal)]
        vb = [v for v in graph.objects(b, prop) if isinstance(v, Literal)]
        if va and vb and not set(va) & set(vb):
            return True
    return False


def _data_range_clashes(graph: Graph, schema: _Schema) -> Iterator[str]:
    for s, p, o in graph:
        if not isinstance(o, Literal) or o.ill_typed:
            continue
        for q in schema.superprops.get(p, {p}):
            wanted = schema.data_ranges.get(q)
            if wanted is None or _fits(o, wanted):
                continue
            yield (
                f"{name_of(s, graph)} has {name_of(p)} {_lit(o)}, but the values of "
                f"{name_of(q)} must be {name_of(URIRef(wanted))}"
            )


def _fits(value: Literal, wanted: str) -> bool:
    if wanted in _ANY_LITERAL:
        return True
    datatype = str(value.datatype) if value.datatype else None
    if value.language:
        return False
    if datatype is None:
        datatype = str(XSD.string)
    for family in (NUMERIC_DATATYPES, _STRINGS, _DATETIMES):
        if wanted in family:
            if datatype not in family:
                return False
            if family is NUMERIC_DATATYPES and wanted in _INTEGER_SIGN:
                return _integer_fits(value, _INTEGER_SIGN[wanted])
            return True
    return datatype == wanted or not wanted.startswith(str(XSD))


def _integer_fits(value: Literal, sign: str | None) -> bool:
    number = value.value
    if isinstance(number, bool) or not isinstance(number, int | float):
        try:
            number = float(str(value))
        except ValueError:
            return False
    if float(number) != int(number):
        return False
    n = int(number)
    return {None: True, "nonneg": n >= 0, "pos": n > 0, "nonpos": n <= 0, "neg": n < 0}[sign]


# --------------------------------------------------------------------------- names


def name_of(node: Node | None, graph: Graph | None = None, _depth: int = 0) -> str:
    """A curator-readable name: ``kg:esmail-qaani ("Esmail Qaani")``, ``kgo:Person``, or a blank
    node described by what points at it (``the kgo:birthDate of kg:esmail-qaani``)."""
    if node is None:
        return "(nothing)"
    if isinstance(node, Literal):
        return _lit(node)
    if isinstance(node, BNode):
        if graph is not None and _depth < 3:
            for s, p in graph.subject_predicates(node):
                kind = graph.value(node, RDF.type)
                what = f"the {name_of(kind)}" if kind is not None else "the blank node"
                return f"{what} that is the {name_of(p)} of {name_of(s, graph, _depth + 1)}"
        return f"a blank node (_:{node})"
    text = str(node)
    short = _prefixed(text)
    if graph is not None:
        label = graph.value(node, SKOS.prefLabel) or graph.value(node, RDFS.label)
        if isinstance(label, Literal):
            return f'{short} ("{label}")'
    return short


def _prefixed(iri: str) -> str:
    best = ""
    best_prefix = ""
    for prefix, base in PREFIXES.items():
        if iri.startswith(base) and len(base) > len(best):
            best, best_prefix = base, prefix
    if best and iri[len(best) :]:
        return f"{best_prefix}:{iri[len(best) :]}"
    return f"<{iri}>"


def _lit(value: Literal) -> str:
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    suffix = (
        f"@{value.language}"
        if value.language
        else (f"^^{_prefixed(str(value.datatype))}" if value.datatype else "")
    )
    return f'"{text}"{suffix}'


def _value(node: Node, graph: Graph) -> str:
    return _lit(node) if isinstance(node, Literal) else name_of(node, graph)
