"""Materialise what the ontology entails into the graph ``kgg:inferred``.

The rules are SPARQL CONSTRUCT queries in ``kgraph/rules/*.rq`` (run in name order, with the
default graph as the union of all graphs): sub-properties, inverse and symmetric properties,
transitive properties (and the closure of ``org:subOrganizationOf`` into
``org:transitiveSubOrganizationOf``), the class hierarchy, post holders and commanders from
memberships. They read the ontology's axioms from ``kgg:ontology`` and are applied until
nothing new appears (a fixpoint). A triple already present in any graph is never added again,
and nothing is ever written into a source graph, so asserted and inferred statements stay
apart: ``GRAPH kgg:inferred { ... }`` is exactly what inference added.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pyoxigraph as ox

from kgraph.errors import StoreError
from kgraph.namespaces import INFERRED_GRAPH

__all__ = ["RULES_DIR", "Rule", "infer", "rules"]

RULES_DIR: Final = Path(__file__).parent / "rules"
MAX_ROUNDS: Final = 50


@dataclass(frozen=True)
class Rule:
    """One materialisation rule: a CONSTRUCT query."""

    name: str
    text: str


def rules() -> list[Rule]:
    """The rules shipped in ``kgraph/rules/``, in name order."""
    return [Rule(p.stem, p.read_text()) for p in sorted(RULES_DIR.glob("*.rq"))]


def infer(store: ox.Store, *, max_rounds: int = MAX_ROUNDS) -> int:
    """Apply the rules to a fixpoint, adding new triples to kgg:inferred; returns how many."""
    graph = ox.NamedNode(INFERRED_GRAPH)
    all_rules = rules()
    total = 0
    for _ in range(max_rounds):
        fresh: set[ox.Quad] = set()
        for rule in all_rules:
            for t in store.query(rule.text, use_default_graph_as_union=True):
                assert isinstance(t, ox.Triple)
                quad = ox.Quad(t.subject, t.predicate, t.object, graph)
                if quad in fresh:
                    continue
                if next(iter(store.quads_for_pattern(t.subject, t.predicate, t.object)), None):
                    continue
                fresh.add(quad)
        if not fresh:
            return total
        store.extend(fresh)
        total += len(fresh)
    raise StoreError(f"inference did not reach a fixpoint in {max_rounds} rounds")
