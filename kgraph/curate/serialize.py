"""A deterministic TriG writer: the same graph always gives the same bytes.

* every prefix of :data:`kgraph.namespaces.PREFIXES` is declared, in alphabetical order;
* graphs, subjects, predicates (``a`` first) and objects are sorted by their written form;
* blank nodes (only OWL-Time instants and intervals, per docs/model.md) are written inline as
  ``[ ... ]`` wherever they are used; a blank node that nothing uses gets a label derived from
  its content (:func:`canonical`), never a parser's counter;
* literals are always written on one line with ``\\"``, ``\\\\``, ``\\n``... escapes, so text
  that looks like Turtle or SPARQL stays text.

Adding one fact therefore changes a few lines of a file, and writing the same graph twice
changes nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Final

import pyoxigraph as ox

from kgraph.curate.state import Term
from kgraph.namespaces import PREFIXES, RDF, XSD

_PREFIXES: Final = sorted(PREFIXES.items())
# longest namespace first, so kg: never swallows kgg: or kgo:
_BY_LENGTH: Final = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))
_LOCAL_RE: Final = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")
_TYPE: Final = RDF + "type"
_XSD_STRING: Final = XSD + "string"
_LANG_STRING: Final = RDF + "langString"
_ESCAPES: Final = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t",
                   "\b": "\\b", "\f": "\\f"}
_IRI_BAD: Final = re.compile(r'[\x00-\x20<>"{}|^`\\]')
INDENT: Final = "    "

Subject = ox.NamedNode | ox.BlankNode


def iri(value: str) -> str:
    """``value`` as a prefixed name when it can be one, else as ``<...>``."""
    for prefix, ns in _BY_LENGTH:
        if value.startswith(ns):
            local = value[len(ns):]
            if local == "" or _LOCAL_RE.match(local):
                return f"{prefix}:{local}"
            break
    return "<" + _IRI_BAD.sub(lambda m: f"\\u{ord(m.group()):04X}", value) + ">"


def string(value: str) -> str:
    out = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F or 0xD800 <= ord(ch) <= 0xDFFF:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def literal(lit: ox.Literal) -> str:
    body = string(lit.value)
    if lit.language:
        return f"{body}@{lit.language}"
    dt = lit.datatype.value
    if dt in (_XSD_STRING, _LANG_STRING):
        return body
    return f"{body}^^{iri(dt)}"


def _plain(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return iri(term.value)
    if isinstance(term, ox.Literal):
        return literal(term)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    raise TypeError(f"cannot write {term!r}")


# -- canonical blank nodes ---------------------------------------------------------------------


def canonical(quads: Iterable[ox.Quad]) -> set[ox.Quad]:
    """``quads`` with each blank node renamed after a hash of what it says (recursively).

    Two blank nodes that say the same thing become one, so the union of a file with a graph
    built again from the same sheet has no duplicate instants.
    """
    quads = list(quads)
    out_edges: dict[ox.BlankNode, list[tuple[str, Term]]] = defaultdict(list)
    for q in quads:
        if isinstance(q.subject, ox.BlankNode):
            out_edges[q.subject].append((q.predicate.value, q.object))
    memo: dict[ox.BlankNode, str] = {}

    def digest(node: ox.BlankNode, stack: frozenset[ox.BlankNode]) -> str:
        if node in memo:
            return memo[node]
        if node in stack:  # a cycle of blank nodes: not produced by kgraph; cut it
            return "cycle"
        parts = []
        for p, o in out_edges.get(node, []):
            if isinstance(o, ox.BlankNode):
                parts.append(f"{p} [{digest(o, stack | {node})}]")
            else:
                parts.append(f"{p} {_plain(o)}")
        h = hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()[:20]
        memo[node] = h
        return h

    def rename(term: Term) -> Term:
        if isinstance(term, ox.BlankNode):
            return ox.BlankNode("b" + digest(term, frozenset()))
        return term

    return {ox.Quad(rename(q.subject), q.predicate, rename(q.object), q.graph_name)
            for q in quads}


# -- writing -----------------------------------------------------------------------------------


class _GraphWriter:
    def __init__(self, triples: Iterable[tuple[Subject, ox.NamedNode, Term]]) -> None:
        self.props: dict[Subject, dict[str, set[Term]]] = defaultdict(lambda: defaultdict(set))
        self.used: dict[ox.BlankNode, int] = defaultdict(int)
        for s, p, o in triples:
            self.props[s][p.value].add(o)
            if isinstance(o, ox.BlankNode):
                self.used[o] += 1

    def obj(self, term: Term, depth: int, stack: frozenset[ox.BlankNode]) -> str:
        if isinstance(term, ox.BlankNode) and term not in stack and term in self.props:
            return self.inline(term, depth, stack | {term})
        return _plain(term)

    def inline(self, node: ox.BlankNode, depth: int, stack: frozenset[ox.BlankNode]) -> str:
        body = self.body(node, depth + 1, stack)
        return "[\n" + body + "\n" + INDENT * depth + "]"

    def body(self, node: Subject, depth: int, stack: frozenset[ox.BlankNode]) -> str:
        lines = []
        props = self.props[node]
        order = sorted(props, key=lambda p: (p != _TYPE, iri(p)))
        for p in order:
            pred = "a" if p == _TYPE else iri(p)
            objs = sorted(self.obj(o, depth, stack) for o in props[p])
            lines.append(INDENT * depth + pred + " " + ", ".join(objs))
        return " ;\n".join(lines)

    def write(self, depth: int) -> list[str]:
        blocks = []
        roots: list[Subject] = [s for s in self.props
                                if not (isinstance(s, ox.BlankNode) and self.used.get(s))]
        # blank nodes used only inside a cycle would never be written: write them as roots
        reachable = self._reachable(roots)
        roots += [s for s in self.props if isinstance(s, ox.BlankNode) and s not in reachable]
        for s in sorted(roots, key=lambda n: (isinstance(n, ox.BlankNode), _plain(n))):
            head = INDENT * depth + _plain(s)
            stack = frozenset({s}) if isinstance(s, ox.BlankNode) else frozenset()
            body = self.body(s, depth + 1, stack)
            blocks.append(head + "\n" + body + " .")
        return blocks

    def _reachable(self, roots: list[Subject]) -> set[Subject]:
        seen: set[Subject] = set(roots)
        todo = list(roots)
        while todo:
            for objs in self.props[todo.pop()].values():
                for o in objs:
                    if isinstance(o, ox.BlankNode) and o not in seen:
                        seen.add(o)
                        todo.append(o)
        return seen


def serialize_trig(quads: Iterable[ox.Quad], *, header: str | None = None,
                   prefixes: bool = True) -> str:
    """TriG text for ``quads``, byte-for-byte the same for the same set of quads."""
    by_graph: dict[str, list[tuple[Subject, ox.NamedNode, Term]]] = defaultdict(list)
    for q in canonical(quads):
        g = q.graph_name
        key = "" if isinstance(g, ox.DefaultGraph) else _plain(g)
        by_graph[key].append((q.subject, q.predicate, q.object))  # type: ignore[arg-type]
    out: list[str] = []
    if header:
        out += ["# " + line if line else "#" for line in header.splitlines()]
        out.append("")
    if prefixes:
        out += [f"@prefix {p}: <{ns}> ." for p, ns in _PREFIXES]
        out.append("")
    for key in sorted(by_graph):
        blocks = _GraphWriter(by_graph[key]).write(1 if key else 0)
        if key:
            out.append(key + " {")
            out.append("\n\n".join(blocks))
            out.append("}")
        else:
            out.append("\n\n".join(blocks))
        out.append("")
    return "\n".join(out)
