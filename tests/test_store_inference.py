"""Inference at build time: what the ontology entails, kept apart in kgg:inferred."""

from __future__ import annotations

from pathlib import Path

from conftest import copy_project

from kgraph.build import Inputs, build_in_memory
from kgraph.graph import KnowledgeGraph
from kgraph.query.results import SelectResult


def ask(kg: KnowledgeGraph, text: str) -> bool:
    result = kg.query(text)
    assert isinstance(result, bool)
    return result


def test_inverse_properties_are_inferred_into_their_own_graph(any_kg: KnowledgeGraph) -> None:
    # asserted: unit-400 kgo:manages iraqi-armed-groups (seed 002)
    assert ask(any_kg, "ASK { GRAPH kgg:inferred "
                       "{ kg:iraqi-armed-groups kgo:managedBy kg:unit-400 } }")
    assert not ask(any_kg, "ASK { GRAPH ?g { kg:iraqi-armed-groups kgo:managedBy kg:unit-400 } "
                           "FILTER(?g != kgg:inferred) }")


def test_sub_organization_is_closed_transitively(any_kg: KnowledgeGraph) -> None:
    # unit-400 ⊂ quds-force ⊂ irgc
    assert ask(any_kg, "ASK { kg:unit-400 org:transitiveSubOrganizationOf kg:irgc }")
    assert ask(any_kg, "ASK { kg:irgc org:transitiveHasSubOrganization kg:unit-400 }")


def test_class_hierarchy_and_participant_are_materialised(any_kg: KnowledgeGraph) -> None:
    assert ask(any_kg, "ASK { GRAPH kgg:inferred { kg:lebanese-hezbollah a kgo:Organization } }")
    assert ask(any_kg, "ASK { kg:esmail-qaani a foaf:Person }")
    assert ask(any_kg, "ASK { ?e kgo:attendee ?x . FILTER NOT EXISTS { ?e kgo:participant ?x } }") \
        is False


def test_commanders_and_post_holders_come_from_memberships(any_kg: KnowledgeGraph) -> None:
    assert ask(any_kg, "ASK { kg:majid-navvab kgo:commands kg:unit-400 }")
    assert ask(any_kg, "ASK { kg:unit-340 kgo:hasDeputyCommander kg:majid-navvab }")
    assert ask(any_kg, "ASK { kg:post-quds-force-commander org:heldBy kg:esmail-qaani }")


def test_symmetric_relations_hold_both_ways(any_kg: KnowledgeGraph) -> None:
    assert ask(any_kg, "ASK { kg:qasem-soleimani kgo:friendOf kg:esmail-qaani }")


def test_nothing_inferred_repeats_an_asserted_triple(kg: KnowledgeGraph) -> None:
    dup = kg.query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH kgg:inferred { ?s ?p ?o } "
        "GRAPH ?g { ?s ?p ?o } FILTER(?g != kgg:inferred) }"
    )
    assert dup[0].value("n") == 0  # type: ignore[index]
    assert kg.build_info is not None and kg.build_info.inferred > 0


def test_inferred_statements_about_blank_nodes_stay_attached(
    any_kg: KnowledgeGraph, kg: KnowledgeGraph
) -> None:
    # the intervals of memberships are blank nodes in the source graphs; their inferred class
    # (time:TemporalEntity) lives in kgg:inferred and must be about those same nodes
    text = """SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {
      GRAPH kgg:inferred { ?x a time:TemporalEntity } FILTER(isBlank(?x))
      %s }"""
    detached = "FILTER NOT EXISTS { GRAPH ?g { ?x ?p ?o } FILTER(?g != kgg:inferred) }"

    def count(graph: KnowledgeGraph, extra: str) -> int:
        result = graph.query(text % extra)
        assert isinstance(result, SelectResult)
        return int(str(result.to_dicts()[0]["n"]))

    assert count(any_kg, "") == count(kg, "") > 0
    assert count(any_kg, detached) == 0


def test_rules_run_again_when_a_subclass_makes_something_a_membership(tmp_path: Path) -> None:
    # the class hierarchy rule runs last; a membership known only through a subclass must
    # still give its commander (the command rule reads rdf:type, so it runs again)
    project = copy_project(tmp_path)
    (project / "ontology" / "zz-test.ttl").write_text(
        "@prefix kgo: <https://w3id.org/kgraph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "kgo:TestCommand rdfs:subClassOf kgo:Membership .\n"
    )
    (project / "data" / "zz-test.trig").write_text(
        "@prefix kg: <https://w3id.org/kgraph/id/> .\n"
        "@prefix kgo: <https://w3id.org/kgraph/ontology#> .\n"
        "@prefix org: <http://www.w3.org/ns/org#> .\n"
        "<https://w3id.org/kgraph/graph/zz-test> {\n"
        "  kg:test-command a kgo:TestCommand ; org:member kg:test-person ;\n"
        "    org:organization kg:test-unit ; org:role kgo:CommanderRole .\n"
        "}\n"
    )
    store = build_in_memory(Inputs.from_dir(project))
    assert store.query(
        "ASK { GRAPH <https://w3id.org/kgraph/graph/inferred> { "
        "<https://w3id.org/kgraph/id/test-person> "
        "<https://w3id.org/kgraph/ontology#commands> <https://w3id.org/kgraph/id/test-unit> } }"
    )
