"""Networks of ties as they stood on a date — on every backend."""

from __future__ import annotations

import networkx as nx

from kgraph.graph import KnowledgeGraph

KG = "https://w3id.org/kgraph/id/"


def test_the_network_holds_people_groups_and_units_with_typed_ties(any_kg: KnowledgeGraph) -> None:
    net = any_kg.network()
    assert isinstance(net, nx.MultiDiGraph)
    assert net.nodes[KG + "majid-navvab"]["label"] == "Majid Navvab"
    ties = net.get_edge_data(KG + "majid-navvab", KG + "unit-400")
    assert ties and any(t["relation"] == "member" for t in ties.values())
    manages = net.get_edge_data(KG + "unit-400", KG + "iraqi-armed-groups")
    assert manages and {t["relation"] for t in manages.values()} == {"manages"}
    # claims are not ties: the alleged Navvab–Qaani conflict is no edge
    assert not net.has_edge(KG + "majid-navvab", KG + "esmail-qaani")


def test_the_network_on_a_date_keeps_only_the_roles_held_then(any_kg: KnowledgeGraph) -> None:
    in_1985 = any_kg.network(at="1985")
    roles = {(a, b) for a, b, d in in_1985.edges(data=True) if d["relation"] == "member"}
    assert (KG + "esmail-qaani", KG + "irgc") in roles
    assert (KG + "esmail-qaani", KG + "irgc-ground-forces") not in roles  # only in the 1990s


def test_kinds_restrict_the_nodes(any_kg: KnowledgeGraph) -> None:
    net = any_kg.network(kinds={"Person", "MilitaryUnit"})
    assert net.number_of_nodes() > 0
    for _, data in net.nodes(data=True):
        assert {"Person", "MilitaryUnit"} & set(data["kinds"])
