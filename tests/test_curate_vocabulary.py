"""Every relation, role and type a fact sheet may name is a term of the ontology."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kgraph.curate.relations import ENTITY_TYPES, RELATIONS, closest, find_relation, find_type
from kgraph.namespaces import KGO, ORG

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology"


@pytest.fixture(scope="module")
def declared() -> set[str]:
    terms: set[str] = set()
    for path in ONTOLOGY.glob("*.ttl"):
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if t.predicate.value.endswith("#type") and isinstance(t.subject, ox.NamedNode):
                terms.add(t.subject.value)
    return terms


@pytest.mark.parametrize("name", sorted(RELATIONS))
def test_each_relation_maps_to_declared_terms(name: str, declared: set[str]) -> None:
    relation = RELATIONS[name]
    if relation.predicate.startswith(KGO):
        assert relation.predicate in declared
    else:
        assert relation.predicate.startswith(ORG)
    if relation.role is not None:
        assert relation.role in declared


def test_each_entity_type_is_a_declared_class(declared: set[str]) -> None:
    assert [t for t in ENTITY_TYPES if KGO + t not in declared] == []


def test_names_are_matched_loosely_and_unknown_ones_ranked() -> None:
    assert find_relation("Deputy-Commander_of") is RELATIONS["deputy commander of"]
    assert find_type("armed group") == "ArmedGroup"
    assert find_relation("sponsor") is None
    assert closest("sponsor", list(RELATIONS))[0] == "sponsors"
