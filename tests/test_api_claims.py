"""Provenance and graded claims — facts and claims never mixed — on every backend."""

from __future__ import annotations

import pytest

from kgraph.errors import InputError
from kgraph.graph import KnowledgeGraph
from kgraph.model import Claim


def test_claims_about_an_entity_carry_status_grade_source_and_quotes(
    any_kg: KnowledgeGraph,
) -> None:
    claims = any_kg.claims(about="Majid Navvab")
    conflict = [c for c in claims if "conflict" in c.text]
    assert conflict, "seed 002: Navvab is 'in purported conflict with Qaani'"
    c = conflict[0]
    assert isinstance(c, Claim)
    assert c.status == "Alleged"
    assert "purported" in c.hedges
    assert c.reliability is not None and c.credibility is not None
    assert c.source is not None and c.source.slug == "source-qaani-analysis"
    assert any("purported conflict with Qaani" in q for q in c.quotes)
    assert {"esmail-qaani", "majid-navvab"} <= {a.slug for a in c.about}


def test_claims_filter_by_status(any_kg: KnowledgeGraph) -> None:
    denied = any_kg.claims(status="Denied")
    assert denied and {c.status for c in denied} == {"Denied"}
    both = any_kg.claims(status=["Alleged", "Denied"])
    assert {c.status for c in both} == {"Alleged", "Denied"}
    with pytest.raises(InputError):
        any_kg.claims(status="Rumoured")


def test_claims_filter_by_minimum_grades_with_f_and_6_last(any_kg: KnowledgeGraph) -> None:
    everything = any_kg.claims(about="Qaani")
    good = any_kg.claims(about="Qaani", min_reliability="C", min_credibility=3)
    assert good and len(good) < len(everything)
    for c in good:
        assert c.reliability is not None and c.reliability.notation in "ABC"
        assert c.credibility is not None and int(c.credibility.notation) <= 3
    # anonymous sources are graded F: no "C or better" filter keeps them
    assert any(c.reliability and c.reliability.notation == "F" for c in everything)
    assert not any(c.reliability and c.reliability.notation == "F" for c in good)
    with pytest.raises(InputError):
        any_kg.claims(min_reliability="G")


def test_claims_filter_by_claimant(any_kg: KnowledgeGraph) -> None:
    by_takeyh = any_kg.claims(claimed_by="Ray Takeyh")
    assert by_takeyh
    assert all("ray-takeyh" in {r.slug for r in c.claimed_by} for c in by_takeyh)


def test_a_claim_is_never_asserted_as_a_fact(any_kg: KnowledgeGraph) -> None:
    # Qaani "directly planned" October 7 is a denied claim; no planner triple asserts it
    planned = [c for c in any_kg.claims(about="Qaani") if c.status == "Denied"]
    assert planned
    facts = any_kg.query(
        "ASK { ?event kgo:planner <https://w3id.org/kgraph/id/esmail-qaani> }"
    )
    assert facts is False
    # and no claim is a membership or evidence node
    claim_iris = {c.iri for c in any_kg.claims()}
    assert not claim_iris & {m.iri for m in any_kg.memberships()}


def test_sources_of_a_fact_give_document_and_quote(any_kg: KnowledgeGraph) -> None:
    evidence = any_kg.sources("Unit 400", "kgo:manages", "iraqi-armed-groups")
    assert len(evidence) == 1
    ev = evidence[0]
    assert ev.source is not None and ev.source.slug == "source-qaani-analysis"
    assert any("Unit 400 in the Qods Force is responsible for managing Iraqi groups" in q
               for q in ev.quotes)


def test_sources_of_a_sourced_node(any_kg: KnowledgeGraph) -> None:
    m = next(m for m in any_kg.memberships(member="Majid Navvab")
             if m.organization.slug == "unit-400")
    own = [e for e in any_kg.sources(m.iri) if e.predicate == ""]
    assert own and any("commander of Unit 400" in q for q in own[0].quotes)
