"""Finding entities by IRI, slug or name — the same on every backend."""

from __future__ import annotations

import pytest

from kgraph.errors import AmbiguousName, UnknownEntity
from kgraph.graph import KnowledgeGraph
from kgraph.model import Organization, Person
from kgraph.namespaces import KG


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Ghaani", "esmail-qaani"),           # Gh/Q transliteration
        ("qaani", "esmail-qaani"),            # case
        ("Brig. Gen. Esmail Qaani", "esmail-qaani"),  # title
        ("Qods Force", "quds-force"),         # o/u transliteration, as seed 002 spells it
        ("QUDS FORCE", "quds-force"),
        ("LH", "lebanese-hezbollah"),         # abbreviation
        ("Qassem Soleimani", "qasem-soleimani"),  # doubled consonant
        ("Suleimani", "qasem-soleimani"),
        ("Majid Navab", "majid-navvab"),
        ("unit-400", "unit-400"),             # slug
        ("kg:unit-400", "unit-400"),
        (KG + "unit-400", "unit-400"),        # IRI
    ],
)
def test_names_are_found_tolerantly(any_kg: KnowledgeGraph, name: str, slug: str) -> None:
    assert any_kg.entity(name).slug == slug


def test_entities_come_back_typed_with_labels_variants_and_kinds(any_kg: KnowledgeGraph) -> None:
    qaani = any_kg.entity("Qaani")
    assert isinstance(qaani, Person)
    assert qaani.label == "Esmail Qaani"
    assert "Brig. Gen. Esmail Qaani" in qaani.variants
    assert qaani.kind == "Person"
    assert qaani.birth is not None and qaani.birth.text == "late 1950s"
    hezbollah = any_kg.entity("LH")
    assert isinstance(hezbollah, Organization)
    assert hezbollah.kind == "ArmedGroup"
    assert "Organization" in hezbollah.kind_names  # inferred superclass


def test_values_are_immutable(any_kg: KnowledgeGraph) -> None:
    qaani = any_kg.entity("Qaani")
    with pytest.raises(AttributeError):
        qaani.label = "someone else"  # type: ignore[misc]


def test_an_ambiguous_name_returns_the_candidates(any_kg: KnowledgeGraph) -> None:
    with pytest.raises(AmbiguousName) as caught:
        any_kg.entity("Azizi")
    slugs = {iri.rsplit("/", 1)[1] for iri, _ in caught.value.candidates}
    assert slugs == {"arash-azizi", "hamidreza-azizi"}


def test_an_unknown_name_suggests_the_closest(any_kg: KnowledgeGraph) -> None:
    with pytest.raises(UnknownEntity) as caught:
        any_kg.entity("Esmael Qaanni Khan")
    assert "Esmail Qaani" in caught.value.suggestions
    assert "did you mean" in str(caught.value)


def test_search_ranks_the_best_match_first(any_kg: KnowledgeGraph) -> None:
    found = any_kg.find("soleimani")
    assert found and found[0].slug == "qasem-soleimani"
