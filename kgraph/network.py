"""Networks of ties between persons, groups and units, as they stood on a date.

:func:`build_network` returns a ``networkx.MultiDiGraph``:

* nodes are IRIs, with attributes ``label``, ``kind`` (most specific kgo: class) and
  ``kinds`` (all kgo: class local names);
* an edge per tie, with ``relation`` (local name: ``member``, ``commands``, ``manages``,
  ``inConflictWith``...), ``label``, ``certainty`` ("certain"/"possible"), ``graph`` (the source
  graph asserting it) and, for roles, ``membership`` (IRI), ``role`` and ``role_text``.

Ties are the asserted relations of the ``ties`` named query (asserted facts only, never
claims) and the memberships (member → organisation). Only memberships carry dates: on ``at``
a membership is kept when it held certainly or possibly (``certainty`` chooses); the other
relations have no dates in the data and are kept whatever the date — read them as "as
reported". ``kinds`` keeps nodes of those classes (local names, e.g. ``{"Person",
"ArmedGroup", "MilitaryUnit"}``; superclasses such as ``Organization`` match every
subclass) and the edges between them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

import networkx as nx

from kgraph.dates import DateSpan
from kgraph.model import local_name

if TYPE_CHECKING:
    from kgraph.graph import KnowledgeGraph

__all__ = ["build_network"]


def build_network(
    kg: KnowledgeGraph,
    *,
    at: DateSpan | None = None,
    kinds: Iterable[str] | None = None,
    certainty: Literal["possible", "certain"] = "possible",
) -> Any:
    """The network of ``kg`` on ``at`` (every tie when None), restricted to ``kinds``."""
    wanted = {k.strip() for k in kinds} if kinds is not None else None
    graph = nx.MultiDiGraph()
    kind_cache: dict[str, frozenset[str]] = {}

    def keep(iri: str) -> bool:
        if iri not in kind_cache:
            try:
                ent = kg.entity(iri)
                kind_cache[iri] = ent.kind_names
                if iri not in graph:
                    graph.add_node(iri, label=ent.label, kind=ent.kind,
                                   kinds=sorted(ent.kind_names))
            except Exception:  # noqa: BLE001 - a dangling IRI is no node
                kind_cache[iri] = frozenset()
        names = kind_cache[iri]
        if not names & {"Person", "Organization", "AnonymousSource"}:
            return False
        return wanted is None or bool(names & wanted)

    for sol in kg._select("ties"):
        a, rel, b, g = sol["a"].value, sol["relation"].value, sol["b"].value, sol["graph"]
        if keep(a) and keep(b):
            graph.add_edge(a, b, key=f"{local_name(rel)}@{g.value}", relation=local_name(rel),
                           label=kg.label(rel), certainty="certain", graph=g.value)
    for m in kg.memberships():
        h = kg._holding(m, at)
        if h is None or (certainty == "certain" and h.certainty != "certain"):
            continue
        a, b = m.member.iri, m.organization.iri
        if keep(a) and keep(b):
            graph.add_edge(a, b, key=m.iri, relation="member",
                           label=m.role_text or (m.role.label if m.role else "member"),
                           certainty=h.certainty, graph=m.graph, membership=m.iri,
                           role=m.role.iri if m.role else None, role_text=m.role_text)
    # drop nodes left without ties or filtered out
    for node in [n for n in graph.nodes if not keep(n) or graph.degree(n) == 0]:
        graph.remove_node(node)
    return graph
