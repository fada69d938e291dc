"""The typed answers are the same on every backend, whatever order each engine returns rows in.

Oxigraph (embedded, remote) and rdflib (memory) return the rows of a query in different
orders, and Oxigraph repeats a statement once per graph holding it (docs/api.md). Where
sources disagree — an event dated by two articles, a grade with two labels, quotes gathered
from several rows — the API must still pick the same value: these tests ask every question
of every entity of the bundled graph on each Oxigraph backend and on the memory backend.
"""

from __future__ import annotations

import pytest

from kgraph.graph import KnowledgeGraph

PER_ENTITY = ("entity", "timeline", "posts", "memberships", "sources")


@pytest.fixture(
    scope="module",
    params=["embedded", pytest.param("remote", marks=[pytest.mark.remote, pytest.mark.slow])],
)
def oxigraph_kg(request: pytest.FixtureRequest) -> KnowledgeGraph:
    graph: KnowledgeGraph = request.getfixturevalue({"embedded": "kg",
                                                     "remote": "remote_kg"}[request.param])
    return graph


def _answer(graph: KnowledgeGraph, question: str, *args: object) -> object:
    try:
        value = getattr(graph, question)(*args)
    except Exception as exc:  # the same failure counts as the same answer
        return f"{type(exc).__name__}: {exc}"
    if question in ("sources", "claims", "conflicts"):  # documented as unordered
        return sorted(map(repr, value))
    return repr(value)


_MEMORY_ANSWERS: dict[tuple[str, str], object] = {}  # the memory backend is the slow one


def test_every_question_about_every_entity_gets_the_same_answer(
    oxigraph_kg: KnowledgeGraph, memory_kg: KnowledgeGraph
) -> None:
    entities = sorted(oxigraph_kg.names.labels)
    assert entities == sorted(memory_kg.names.labels) and len(entities) > 100
    differ = []
    for iri in entities:
        for question in PER_ENTITY:
            if (question, iri) not in _MEMORY_ANSWERS:
                _MEMORY_ANSWERS[question, iri] = _answer(memory_kg, question, iri)
            if _answer(oxigraph_kg, question, iri) != _MEMORY_ANSWERS[question, iri]:
                differ.append((question, iri))
    assert differ == []


@pytest.mark.parametrize("question", ["claims", "conflicts", "stats", "graphs"])
def test_whole_graph_questions_get_the_same_answer(
    oxigraph_kg: KnowledgeGraph, memory_kg: KnowledgeGraph, question: str
) -> None:
    assert _answer(oxigraph_kg, question) == _answer(memory_kg, question)


def test_the_network_is_the_same(oxigraph_kg: KnowledgeGraph, memory_kg: KnowledgeGraph) -> None:
    a, b = oxigraph_kg.network(at="2020"), memory_kg.network(at="2020")
    assert sorted(a.nodes) == sorted(b.nodes)
    assert sorted(map(repr, a.edges(data=True))) == sorted(map(repr, b.edges(data=True)))
