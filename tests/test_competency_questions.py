"""The competency questions: each named query answers a question about the bundled data, and
each expected answer is a fact stated in the seed articles (shared/seeds/000_*.txt is the news
profile, 002_*.txt the analysis)."""

from __future__ import annotations

from typing import Any

import pytest

from kgraph.graph import KnowledgeGraph

KG = "https://w3id.org/kgraph/id/"
KGO = "https://w3id.org/kgraph/ontology#"


def rows(kg: KnowledgeGraph, name: str, **bindings: Any) -> list[dict[str, Any]]:
    result = kg.query(name, **bindings)
    assert not isinstance(result, bool) and hasattr(result, "to_dicts")
    return result.to_dicts()


def col(kg: KnowledgeGraph, name: str, var: str, **bindings: Any) -> set[Any]:
    return {r[var] for r in rows(kg, name, **bindings)}


def test_01_quds_force_commanders(kg: KnowledgeGraph) -> None:
    # 000: "The man who succeeded him"; 002: "Qods Force commander" / "Qods Force leader"
    assert col(kg, "quds-force-commanders", "name") == {"Qasem Soleimani", "Esmail Qaani"}


def test_02_qaani_succeeded_soleimani_in_both_sources(kg: KnowledgeGraph) -> None:
    answer = rows(kg, "successors")
    assert {(r["name"], r["predecessorName"]) for r in answer} == {
        ("Esmail Qaani", "Qasem Soleimani")}
    assert {r["source"] for r in answer} == {KG + "source-wsj-qaani-profile",
                                             KG + "source-qaani-analysis"}


def test_03_unit_400_manages_iraqi_groups_and_navvab_commands_it(kg: KnowledgeGraph) -> None:
    # 002: "Unit 400 in the Qods Force is responsible for managing Iraqi groups";
    #      "Majid Navvab (commander of Unit 400 ...)"
    (r,) = rows(kg, "unit-managing-iraqi-groups")
    assert (r["unitName"], r["commanderName"]) == ("Unit 400", "Majid Navvab")
    assert "responsible for managing Iraqi groups" in r["quote"]


def test_04_holders_of_the_quds_force_at_a_date(kg: KnowledgeGraph) -> None:
    members = col(kg, "holders-at-date", "member", organization="Quds Force", at="2019")
    assert {KG + "qasem-soleimani", KG + "esmail-qaani"} <= members


def test_05_claims_about_october_7_are_graded_and_attributed(kg: KnowledgeGraph) -> None:
    answer = rows(kg, "claims-about-october-7")
    texts = " ".join(r["text"] for r in answer)
    assert "Mughniyeh" in texts  # 002: "a plan developed by Imad Mughniyeh years ago"
    denied = [r for r in answer if r["status"] == KGO + "Denied"]
    assert denied and "directly planned" in denied[0]["text"]
    assert all(r["reliability"] in "ABCDEF" for r in answer)


def test_06_october_14_meeting_attendees_are_claims_of_anonymous_sources(
    kg: KnowledgeGraph,
) -> None:
    # 002: "attended by ... Major General Bagheri, ... Gholam Ali Rashid, Shirazi, ..."
    answer = rows(kg, "october-14-meeting-attendees")
    assert {"Bagheri", "Gholam Ali Rashid", "Shirazi"} <= {r["name"] for r in answer}
    assert {r["reliability"] for r in answer} == {"F"}
    assert {r["claimant"] for r in answer} == {KG + "axis-of-resistance-sources"}


def test_07_in_conflict_with_qaani_facts_and_claims_apart(kg: KnowledgeGraph) -> None:
    answer = rows(kg, "in-conflict-with-qaani")
    claims = {r["name"] for r in answer if r["kind"] == "claim"}
    facts = {r["name"] for r in answer if r["kind"] == "fact"}
    # 002: Shahlaei, Navvab, Mohammadi, Rezaei, Razavi "are all in purported conflict"
    assert {"Yousif Shahlaei", "Majid Navvab", "Mohamed Reza Mohammadi", "Saeed Rezaei",
            "Seyyed Razavi"} <= claims
    # 002: "Asaib Ahl al-Haq and the Badr Organization's private attacks on him"
    assert {"Asaib Ahl al-Haq", "Badr Organization"} <= facts
    assert not claims & facts


def test_08_units_of_the_quds_force(kg: KnowledgeGraph) -> None:
    # 002: "Units 400, 340, 12,000, and 700"
    assert col(kg, "quds-force-units", "name") == {"Unit 400", "Unit 340", "Unit 12,000",
                                                   "Unit 700"}


def test_09_the_leadership_council_manages_the_units(kg: KnowledgeGraph) -> None:
    assert {"Unit 400", "Unit 340"} <= col(kg, "managed-by-leadership-council", "name")


def test_10_qaanis_career_in_date_order(kg: KnowledgeGraph) -> None:
    answer = rows(kg, "career-of", person="Qaani")
    dated = [r["orgName"] for r in answer if r["startEarliest"] is not None]
    # 000: joined the Revolutionary Guard "in 1980"; ground forces "In the 1990s"
    assert dated.index("Islamic Revolutionary Guard Corps") < dated.index("IRGC Ground Forces")


def test_11_birth_dates(kg: KnowledgeGraph) -> None:
    (r,) = [r for r in rows(kg, "birth-dates") if r["name"] == "Esmail Qaani"]
    assert r["text"] == "late 1950s"  # 000: "Born in the late 1950s"
    assert (r["earliest"].year, r["latest"].year) == (1956, 1959)


def test_12_friendships(kg: KnowledgeGraph) -> None:
    pairs = {frozenset((r["aName"], r["bName"])) for r in rows(kg, "friendships")}
    assert frozenset(("Esmail Qaani", "Qasem Soleimani")) in pairs  # 000: "befriended Soleimani"


def test_13_evidence_for_one_statement(kg: KnowledgeGraph) -> None:
    (r,) = rows(kg, "evidence-for", subject="unit-400", predicate="kgo:manages",
                object="iraqi-armed-groups")
    assert r["source"] == KG + "source-qaani-analysis"


def test_14_claims_by_anonymous_sources_are_graded(kg: KnowledgeGraph) -> None:
    answer = rows(kg, "claims-by-anonymous-sources")
    axis = [r for r in answer if r["claimant"] == KG + "axis-of-resistance-sources"]
    assert axis and {r["reliability"] for r in axis} == {"F"}


def test_15_alleged_claims(kg: KnowledgeGraph) -> None:
    texts = col(kg, "claims-by-status", "text", status="kgo:Alleged")
    assert any("Navvab" in t for t in texts)


def test_16_denied_claims(kg: KnowledgeGraph) -> None:
    # 002: "Qaani tried to exonerate himself ... outside of his command"
    (r,) = rows(kg, "denied-claims")
    assert "planned" in r["text"]


def test_17_experts_and_their_institutions(kg: KnowledgeGraph) -> None:
    pairs = {(r["name"], r["institutionName"]) for r in rows(kg, "experts-and-institutions")}
    assert ("Ray Takeyh", "Council on Foreign Relations") in pairs
    assert ("Arash Azizi", "Clemson University") in pairs


def test_18_who_supports_qaani(kg: KnowledgeGraph) -> None:
    # 002: "LH leadership has supported Qaani"; "Ayatollah Khamenei ... publicly support Qaani"
    assert {"Ayatollah Khamenei", "Lebanese Hezbollah leadership"} <= col(
        kg, "supporters-of", "name", agent="Qaani")


def test_19_areas_of_responsibility(kg: KnowledgeGraph) -> None:
    answer = {(r["agentName"], r["areaName"]) for r in rows(kg, "areas-of-responsibility")}
    # 002: "He was concurrently responsible for Afghanistan and Pakistan affairs"
    assert ("Esmail Qaani", "Afghanistan") in answer and ("Esmail Qaani", "Pakistan") in answer
    assert ("Yousif Shahlaei", "Yemen") in answer  # "Qods Force commander responsible for Yemen"


def test_20_members_of_the_proxy_network(kg: KnowledgeGraph) -> None:
    assert {"Houthis", "Lebanese Hezbollah", "Hamas"} <= col(kg, "proxy-network-members", "name")


def test_21_events_with_casualties(kg: KnowledgeGraph) -> None:
    answer = {r["event"]: r for r in rows(kg, "casualties")}
    assert answer[KG + "jordan-drone-strike"]["killed"] == 3  # "killed three U.S. soldiers"
    assert "more than 50" in answer[KG + "soleimani-funeral-stampede"]["casualties"]


def test_22_source_documents(kg: KnowledgeGraph) -> None:
    answer = {r["seedFile"]: r for r in rows(kg, "source-documents")}
    assert answer["000_c3ff870d6d34f93d.txt"]["author"] == "Sune Engel Rasmussen"
    assert "002_260330608fe70706.txt" in answer


def test_23_heads_of_quds_force_sections(kg: KnowledgeGraph) -> None:
    heads = {r["name"]: r["roleText"] for r in rows(kg, "quds-force-section-heads")}
    assert "commander of Qods Force operations" in heads["Mohamed Reza Mohammadi"]
    assert "former" in heads["Saeed Rezaei"]


def test_24_everything_under_the_irgc_through_inference(kg: KnowledgeGraph) -> None:
    parts = col(kg, "irgc-structure", "name")
    assert {"Quds Force", "Unit 400", "IRGC Ground Forces"} <= parts


def test_25_deputy_commanders(kg: KnowledgeGraph) -> None:
    pairs = {(r["name"], r["orgName"]) for r in rows(kg, "deputy-commanders")}
    assert ("Esmail Qaani", "Quds Force") in pairs  # 002: "as the deputy commander"
    assert ("Majid Navvab", "Unit 340") in pairs


def test_26_hedged_claims_keep_the_hedge_words(kg: KnowledgeGraph) -> None:
    hedges = col(kg, "hedged-claims", "hedge")
    assert "purported" in hedges  # 002: "in purported conflict with Qaani"


def test_27_claims_per_source(kg: KnowledgeGraph) -> None:
    answer = {(r["source"], r["status"]): r["claims"] for r in rows(kg, "claims-per-source")}
    assert answer[(KG + "source-qaani-analysis", KGO + "Denied")] == 1
    assert sum(answer.values()) == len(kg.claims())


def test_28_conflicts_between_agents(kg: KnowledgeGraph) -> None:
    pairs = {(r["aName"], r["bName"]) for r in rows(kg, "conflicts")}
    assert ("Northern Alliance", "Taliban") in pairs  # 000: "the anti-Taliban Northern Alliance"


def test_29_who_killed_soleimani(kg: KnowledgeGraph) -> None:
    (r,) = rows(kg, "killing-of-soleimani")
    assert r["perpetrator"] == KG + "united-states"  # 000: "the U.S. launched a drone strike"


def test_30_who_recruited_afghan_shiites(kg: KnowledgeGraph) -> None:
    (r,) = rows(kg, "recruited-by")
    assert (r["recruiter"], r["recruited"]) == (KG + "esmail-qaani", KG + "afghan-shiites")


def test_31_sponsors_and_funders_of_the_network(kg: KnowledgeGraph) -> None:
    answer = {(r["name"], r["relation"].rsplit("#", 1)[1]) for r in
              rows(kg, "sponsors-and-funders")}
    # 000: "Receiving funding and arms from Iran"; Soleimani "arming and training"
    assert {("Iran", "funds"), ("Iran", "arms"), ("Qasem Soleimani", "trains")} <= answer


def test_32_participants_of_october_7(kg: KnowledgeGraph) -> None:
    answer = {(r["name"], r["role"].rsplit("#", 1)[1]) for r in
              rows(kg, "event-participants", event="october-7-attack")}
    assert ("Hamas", "perpetrator") in answer and ("Israel", "target") in answer


def test_33_units_managing_groups_four_hop(kg: KnowledgeGraph) -> None:
    answer = {(r["unit"], r["group"], r["commander"]) for r in
              rows(kg, "units-managing-groups", parent="quds-force")}
    assert (KG + "unit-400", KG + "iraqi-armed-groups", KG + "majid-navvab") in answer


@pytest.mark.parametrize("name", ["claims-about"])
def test_34_claims_about_an_entity(kg: KnowledgeGraph, name: str) -> None:
    answer = rows(kg, name, about="Navvab")
    assert answer and all(r["about"] == KG + "majid-navvab" for r in answer)


def test_every_shipped_query_parses_and_runs(kg: KnowledgeGraph) -> None:
    for q in kg.queries():
        if not q.params:
            kg.query(q.name)
