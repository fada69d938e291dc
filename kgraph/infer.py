"""Materialise what the ontology entails into the graph ``kgg:inferred``.

The rules are SPARQL CONSTRUCT queries in ``kgraph/rules/*.rq`` (run in name order, with the
default graph as the union of all graphs): sub-properties, inverse and symmetric properties,
transitive properties (and the closure of ``org:subOrganizationOf`` into
``org:transitiveSubOrganizationOf``), the class hierarchy, post holders and commanders from
memberships. They read the ontology's axioms from ``kgg:ontology`` and are applied until
nothing new appears (a fixpoint). A triple already present in any graph is never added again,
and nothing is ever written into a source graph, so asserted and inferred statements stay
apart: ``GRAPH kgg:inferred { ... }`` is exactly what inference added.

Each rule's header says which predicates it ``reads`` (CURIEs, or ``subproperties``,
``inverses``, ``symmetric``, ``transitive`` for the properties the ontology declares so) and
whether it is ``closed`` (its own output never enables it again) and ``checked`` (its
query already leaves out what the dataset holds, so kgraph need not look each triple up).
Each rule's output is added before the next rule runs; a rule runs again only when triples
with a predicate it reads were added since its last run (semi-naive evaluation), which keeps
a build of a million triples to about one pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pyoxigraph as ox

from kgraph.errors import StoreError
from kgraph.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, OWL, PREFIXES, RDFS

__all__ = ["RULES_DIR", "Rule", "infer", "rules"]

RULES_DIR: Final = Path(__file__).parent / "rules"
MAX_ROUNDS: Final = 50

_ONTOLOGY_SETS: Final = {
    "subproperties": f"SELECT DISTINCT ?p WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> "
    f"{{ ?p <{RDFS}subPropertyOf> ?q }} }}",
    "inverses": f"SELECT DISTINCT ?p WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> "
    f"{{ {{ ?p <{OWL}inverseOf> ?q }} UNION {{ ?q <{OWL}inverseOf> ?p }} }} }}",
    "symmetric": f"SELECT DISTINCT ?p WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> "
    f"{{ ?p a <{OWL}SymmetricProperty> }} }}",
    "transitive": f"SELECT DISTINCT ?p WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> "
    f"{{ ?p a <{OWL}TransitiveProperty> }} }}",
}
_HEADER = re.compile(r"^#\s*(reads|closed|checked)\s*:\s*(.*)$", re.M)


@dataclass(frozen=True)
class Rule:
    """One materialisation rule: a CONSTRUCT query, what it reads, whether it is closed."""

    name: str
    text: str
    reads: tuple[str, ...] = ("*",)
    closed: bool = False
    checked: bool = False


def rules() -> list[Rule]:
    """The rules shipped in ``kgraph/rules/``, in name order."""
    out = []
    for p in sorted(RULES_DIR.glob("*.rq")):
        text = p.read_text()
        meta = {m[1]: m[2].strip() for m in _HEADER.finditer(text)}
        reads = tuple(meta.get("reads", "*").split())
        out.append(Rule(p.stem, text, reads, meta.get("closed", "no") == "yes",
                        meta.get("checked", "no") == "yes"))
    return out


def _expand(store: ox.Store, reads: tuple[str, ...]) -> frozenset[str] | None:
    """The predicate IRIs a rule reads (None: any)."""
    out: set[str] = set()
    for r in reads:
        if r == "*":
            return None
        if r in _ONTOLOGY_SETS:
            out |= {s[0].value for s in store.query(_ONTOLOGY_SETS[r])  # type: ignore[union-attr]
                    if isinstance(s[0], ox.NamedNode)}
        elif ":" in r:
            prefix, local = r.split(":", 1)
            out.add(PREFIXES[prefix] + local)
    return frozenset(out)


def _fresh_quads(
    store: ox.Store, answer: ox.QueryTriples, graph: ox.NamedNode, checked: bool
) -> set[ox.Quad]:
    """The triples of a rule's answer as quads in ``graph``, less those the dataset holds.

    A checked rule's query already leaves out what the dataset holds, so only its repeats are
    dropped (by the set); any other rule's triples are each looked up.
    """
    if checked:
        return {ox.Quad(t.subject, t.predicate, t.object, graph) for t in answer}
    return {
        ox.Quad(t.subject, t.predicate, t.object, graph) for t in answer
        if next(iter(store.quads_for_pattern(t.subject, t.predicate, t.object)), None) is None
    }


def infer(
    store: ox.Store,
    *,
    max_rounds: int = MAX_ROUNDS,
    on_added: Callable[[set[ox.Quad]], None] | None = None,
) -> int:
    """Apply the rules to a fixpoint, adding new triples to kgg:inferred; returns how many.

    ``on_added`` is called with the quads each rule added, as soon as they are in the store
    (the build streams them to the process that loads the on-disk store).
    """
    graph = ox.NamedNode(INFERRED_GRAPH)
    all_rules = rules()
    reads = {r.name: _expand(store, r.reads) for r in all_rules}
    # (rule, predicates it added), in order; each rule remembers where it last ran
    log: list[tuple[str, frozenset[str]]] = []
    last_run: dict[str, int] = {}
    total = 0
    for _ in range(max_rounds):
        added_this_pass = 0
        for rule in all_rules:
            if rule.name in last_run:
                since = log[last_run[rule.name]:]
                new = set().union(*(p for name, p in since
                                    if not (rule.closed and name == rule.name)))
                wanted = reads[rule.name]
                if not new or (wanted is not None and not (wanted & new)):
                    continue
            answer = store.query(rule.text, use_default_graph_as_union=True)
            assert isinstance(answer, ox.QueryTriples)
            fresh = _fresh_quads(store, answer, graph, rule.checked)
            last_run[rule.name] = len(log) + (1 if fresh else 0)
            if fresh:
                store.bulk_extend(fresh) if len(fresh) > 50_000 else store.extend(fresh)
                if on_added is not None:
                    on_added(fresh)
                log.append((rule.name, frozenset(p.value for p in {q.predicate for q in fresh})))
                total += len(fresh)
                added_this_pass += len(fresh)
        if not added_this_pass:
            return total
    raise StoreError(f"inference did not reach a fixpoint in {max_rounds} rounds")
