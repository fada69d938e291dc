"""``kg.conflicts()``: where sources contradict each other.

Conflicting sources stay side by side in their own named graphs; nothing is overwritten. This
module finds them, each :class:`Conflict` with both sides' graph, node, value and quotes:

* ``holder`` — two sources give different holders of one exclusive role (commander, head,
  leader, chief of staff, president, supreme leader) of the same organisation, for periods that
  overlap or that the dates cannot tell apart (one ending before the other begins, or a
  ``kgo:succeeded`` statement between the two, is a succession, not a conflict). ``certain``
  when both periods are dated and surely overlap;
* ``date`` — two sources date the same thing differently, with no day in common: the start or
  end of the same role (same member, organisation and role), an event's date, a birth date;
* ``denied`` — a claim with status ``Denied`` or ``Disputed`` in one source about a statement
  another source asserts as fact.

Only source graphs are compared (not ``kgg:curation``, the ontology or inferences).
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from kgraph.curate.state import QuadIndex, QuadSource, Term
from kgraph.namespaces import CURATION_GRAPH, INFERRED_GRAPH, KGO, ONTOLOGY_GRAPH, ORG, RDF, TIME

EXCLUSIVE_ROLES = frozenset(KGO + r for r in (
    "CommanderRole", "HeadRole", "LeaderRole", "ChiefOfStaffRole", "PresidentRole",
    "SupremeLeaderRole",
))
_NOT_SOURCES = frozenset({CURATION_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH})


def N(iri: str) -> ox.NamedNode:  # noqa: N802
    return ox.NamedNode(iri)


TYPE, QUOTE = N(RDF + "type"), N(KGO + "quote")


@dataclass(frozen=True, order=True)
class Side:
    """One source's version: its graph, the node that says it, the value, the quotes."""

    graph: str
    node: str
    value: str
    quotes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Conflict:
    """Two (or more) sources that disagree about ``property`` of ``subject``."""

    kind: str  # "holder" | "date" | "denied"
    subject: str
    property: str
    sides: tuple[Side, ...]
    certain: bool = True
    detail: str = ""

    def __str__(self) -> str:
        what = {"holder": "different holders of", "date": "different dates for",
                "denied": "a fact denied or disputed:"}[self.kind]
        head = f"{what} {_short(self.property)} of <{self.subject}>"
        if self.detail:
            head += f" ({self.detail})"
        if not self.certain:
            head += " (the dates cannot tell them apart)"
        lines = [head]
        for s in self.sides:
            lines.append(f"  {_short(s.graph)}: {s.value}  [{_short(s.node)}]")
            lines += [f"    \u201c{q}\u201d" for q in s.quotes]
        return "\n".join(lines)


def _short(iri: str) -> str:
    from kgraph.curate.serialize import iri as prefixed

    return prefixed(iri)


@dataclass(frozen=True)
class _Bounds:
    earliest: dt.date | None
    latest: dt.date | None
    text: str


class _Quads(QuadSource, Protocol):
    def named_graphs(self) -> Iterable[Term]: ...


def _store_of(kg: Any) -> _Quads:
    """A pyoxigraph store with the named graphs of ``kg`` (a KnowledgeGraph, store, state,
    or data folder)."""
    if isinstance(kg, ox.Store):
        return kg
    if isinstance(kg, Path):
        from kgraph.curate.state import read_state

        return read_state(kg).store
    store = getattr(kg, "store", None)
    if isinstance(store, QuadIndex):  # a DataState
        return store
    raw = getattr(store, "raw", None)
    if isinstance(raw, ox.Store):  # kgraph's embedded backend
        return raw
    if store is not None and hasattr(store, "dump"):  # any kgraph Store: memory, remote
        buf = io.BytesIO()
        store.dump(buf, ox.RdfFormat.N_QUADS)
        out = ox.Store()
        out.bulk_load(buf.getvalue(), format=ox.RdfFormat.N_QUADS)
        return out
    raise TypeError(f"cannot find the quads of {kg!r}")


class _Finder:
    def __init__(self, store: _Quads) -> None:
        self.st = store

    def sources(self) -> set[ox.NamedNode]:
        return {g for g in self.st.named_graphs()
                if isinstance(g, ox.NamedNode) and g.value not in _NOT_SOURCES}

    def one(self, s: Term, p: str, g: Term) -> Term | None:
        for q in self.st.quads_for_pattern(s, N(p), None, g):
            return q.object
        return None

    def quotes(self, s: Term, g: Term) -> tuple[str, ...]:
        found = self.st.quads_for_pattern(s, QUOTE, None, g)
        return tuple(sorted(q.object.value for q in found if isinstance(q.object, ox.Literal)))

    def bounds(self, instant: Term | None, g: Term) -> _Bounds | None:
        if instant is None:
            return None
        if self.one(instant, RDF + "type", g) == N(TIME + "Interval"):
            instant = self.one(instant, TIME + "hasBeginning", g)
            if instant is None:
                return None

        def day(p: str) -> dt.date | None:
            v = self.one(instant, KGO + p, g)
            try:
                return dt.date.fromisoformat(v.value) if isinstance(v, ox.Literal) else None
            except ValueError:
                return None

        text = self.one(instant, KGO + "dateText", g)
        return _Bounds(day("earliest"), day("latest"), text.value if text else "(undated)")

    # -- memberships ---------------------------------------------------------------------------
    def memberships(self) -> Iterator[dict[str, Any]]:
        sources = self.sources()
        for q in self.st.quads_for_pattern(None, TYPE, N(KGO + "Membership"), None):
            g = q.graph_name
            if g not in sources:
                continue
            m = q.subject
            member, org = self.one(m, ORG + "member", g), self.one(m, ORG + "organization", g)
            role = self.one(m, ORG + "role", g)
            if member is None or org is None or role is None:
                continue
            during = self.one(m, ORG + "memberDuring", g)
            begin = end = None
            if during is not None:
                begin = self.bounds(self.one(during, TIME + "hasBeginning", g), g)
                end = self.bounds(self.one(during, TIME + "hasEnd", g), g)
            yield {"node": m, "graph": g, "member": member.value, "org": org.value,
                   "role": role.value, "begin": begin, "end": end, "dated": during is not None,
                   "quotes": self.quotes(m, g)}

    def holders(self, ms: list[dict[str, Any]]) -> Iterator[Conflict]:
        groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for m in ms:
            if m["role"] in EXCLUSIVE_ROLES:
                groups[(m["org"], m["role"])].append(m)
        for (org, role), group in groups.items():
            for a, b in combinations(sorted(group, key=lambda m: m["node"].value), 2):
                if a["graph"] == b["graph"] or a["member"] == b["member"]:
                    continue
                if _sequential(a, b) or _sequential(b, a) or self.succession(a, b):
                    continue
                yield Conflict("holder", org, role, (_side(a, a["member"]), _side(b, b["member"])),
                               certain=_surely_overlap(a, b))

    def succession(self, a: dict[str, Any], b: dict[str, Any]) -> bool:
        """Some source says one of the two holders succeeded the other."""
        succeeded = N(KGO + "succeeded")
        for x, y in ((a["member"], b["member"]), (b["member"], a["member"])):
            for _ in self.st.quads_for_pattern(N(x), succeeded, N(y), None):
                return True
        return False

    def role_dates(self, ms: list[dict[str, Any]]) -> Iterator[Conflict]:
        groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
        for m in ms:
            groups[(m["member"], m["org"], m["role"])].append(m)
        for (member, org, role), group in groups.items():
            for a, b in combinations(sorted(group, key=lambda m: m["node"].value), 2):
                if a["graph"] == b["graph"]:
                    continue
                for which in ("begin", "end"):
                    x, y = a[which], b[which]
                    if x is not None and y is not None and _disjoint(x, y):
                        yield Conflict(
                            "date", member, role, (_side(a, x.text), _side(b, y.text)),
                            detail=f"{'start' if which == 'begin' else 'end'} in <{org}>")

    # -- dates of events and people --------------------------------------------------------------
    def dated(self, prop: str) -> Iterator[Conflict]:
        by_subject: dict[Term, list[tuple[Term, _Bounds]]] = defaultdict(list)
        sources = self.sources()
        for q in self.st.quads_for_pattern(None, N(prop), None, None):
            if q.graph_name in sources and isinstance(q.subject, ox.NamedNode):
                b = self.bounds(q.object, q.graph_name)
                if b is not None:
                    by_subject[q.subject].append((q.graph_name, b))
        for subject, versions in by_subject.items():
            for (ga, a), (gb, b) in combinations(sorted(versions, key=lambda v: v[0].value), 2):
                if ga != gb and _disjoint(a, b):
                    yield Conflict("date", subject.value, prop, (
                        Side(ga.value, subject.value, a.text, self.quotes(subject, ga)),
                        Side(gb.value, subject.value, b.text, self.quotes(subject, gb))))

    # -- denials -----------------------------------------------------------------------------------
    def denied(self) -> Iterator[Conflict]:
        sources = self.sources()
        status = N(KGO + "status")
        for status_iri in (KGO + "Denied", KGO + "Disputed"):
            for q in self.st.quads_for_pattern(None, status, N(status_iri), None):
                c: Term = q.subject
                g: Term = q.graph_name
                s, p, o = (self.one(c, RDF + x, g) for x in ("subject", "predicate", "object"))
                if s is None or p is None or o is None or g not in sources:
                    continue
                for fact in self.st.quads_for_pattern(s, p, o, None):
                    fg: Term = fact.graph_name
                    if fg == g or fg not in sources:
                        continue
                    yield Conflict("denied", s.value, p.value, (
                        Side(fg.value, s.value, f"asserted: {_short(p.value)} <{o.value}>",
                             self._evidence_quotes(s, p, o, fg)),
                        Side(g.value, c.value, status_iri.rsplit("#", 1)[1].lower(),
                             self.quotes(c, g))))

    def _evidence_quotes(self, s: Term, p: Term, o: Term, g: Term) -> tuple[str, ...]:
        for q in self.st.quads_for_pattern(None, N(RDF + "subject"), s, g):
            ev = q.subject
            if self.one(ev, RDF + "predicate", g) == p and self.one(ev, RDF + "object", g) == o:
                return self.quotes(ev, g)
        return ()


def _side(m: dict[str, Any], value: str) -> Side:
    return Side(m["graph"].value, m["node"].value, value, m["quotes"])


def _disjoint(a: _Bounds, b: _Bounds) -> bool:
    """No day in common (both bounded)."""
    if a.earliest is None or a.latest is None or b.earliest is None or b.latest is None:
        return False
    return a.latest < b.earliest or b.latest < a.earliest


def _sequential(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """``a`` may have ended before ``b`` began (a succession, not a conflict)."""
    end: _Bounds | None = a["end"]
    begin: _Bounds | None = b["begin"]
    if end is None or begin is None or end.earliest is None or begin.latest is None:
        return False
    return end.earliest <= begin.latest


def _surely_overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    starts: list[dt.date] = []
    ends: list[dt.date] = []
    for m in (a, b):
        begin: _Bounds | None = m["begin"]
        end: _Bounds | None = m["end"]
        if not m["dated"] or begin is None or begin.latest is None:
            return False
        starts.append(begin.latest)
        if end is None:
            ends.append(dt.date.max)  # open: still, as of the source
        elif end.earliest is None:
            return False
        else:
            ends.append(end.earliest)
    return max(starts) < min(ends)


def conflicts(kg: Any) -> list[Conflict]:
    """Every place where sources contradict each other (see the module doc).

    ``kg`` is a :class:`kgraph.graph.KnowledgeGraph`, a pyoxigraph store, a
    :class:`kgraph.curate.state.DataState` or a ``data/`` folder.
    """
    finder = _Finder(_store_of(kg))
    ms = list(finder.memberships())
    found = [*finder.holders(ms), *finder.role_dates(ms), *finder.dated(TIME + "hasTime"),
             *finder.dated(KGO + "birthDate"), *finder.denied()]
    return sorted(set(found), key=lambda c: (c.kind, c.subject, c.property, c.sides))
