"""The benchmark's generator and kgraph's build on synthetic data of the curated shape (10k)."""

from __future__ import annotations

from pathlib import Path

from bench.generate import generate
from kgraph.graph import open as open_graph


def test_synthetic_data_builds_and_answers_the_benchmark_queries(tmp_path: Path) -> None:
    counts = generate(10_000, tmp_path / "data")
    assert counts["sources"] > 5
    with open_graph(tmp_path / "data", cache_dir=tmp_path / "cache") as kg:
        assert kg.build_info is not None
        assert 8_000 < kg.build_info.quads - kg.build_info.inferred < 20_000
        org = kg.query("SELECT ?o (COUNT(*) AS ?n) WHERE { ?m org:organization ?o } "
                       "GROUP BY ?o ORDER BY DESC(?n) ?o LIMIT 1")[0][0]  # type: ignore[index]
        assert len(kg.query("holders-at-date", organization=str(org), at="2005-06-01")) > 0
        four_hop = kg.query("units-managing-groups",
                            parent="https://w3id.org/kgraph/id/quds-force-bench")
        assert len(four_hop) > 0
        person = kg.label(str(kg.query("SELECT ?p WHERE { ?c kgo:about ?p } LIMIT 1")[0][0]))
        assert kg.entity(person.lower()).label == person
