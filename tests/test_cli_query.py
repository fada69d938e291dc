"""The shell commands `kgraph query`, `show`, `stats`, `export` — one library call each."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from kgraph.cli.query import export_command, query_command, show_command, stats_command
from kgraph.graph import KnowledgeGraph

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def store(kg: KnowledgeGraph) -> str:
    assert kg.store_path is not None
    return str(kg.store_path)


def run(command, *args: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(command, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_query_a_named_query_as_a_table(store: str) -> None:
    code, out = run(query_command, "holders-at-date", "-p", "organization=Qods Force",
                    "-p", "at=2019", "-g", store)
    assert code == 0
    assert "kg:esmail-qaani" in out and "kg:qasem-soleimani" in out
    assert out.strip().endswith("rows)")


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_query_text_in_result_formats(store: str, fmt: str) -> None:
    code, out = run(query_command, "SELECT ?u WHERE { ?u kgo:manages kg:iraqi-armed-groups }",
                    "-f", fmt, "-g", store)
    assert code == 0 and "unit-400" in out
    if fmt == "json":
        assert json.loads(out)["head"]["vars"] == ["u"]


def test_query_a_file_and_a_construct_as_turtle(store: str, tmp_path: Path) -> None:
    rq = tmp_path / "q.rq"
    rq.write_text("CONSTRUCT { ?u kgo:manages ?g } WHERE { ?u kgo:manages ?g }")
    code, out = run(query_command, str(rq), "-g", store)
    assert code == 0
    graph = rdflib.Graph().parse(data=out, format="turtle")
    assert len(graph) > 3


def test_query_list_names_the_shipped_queries(store: str) -> None:
    code, out = run(query_command, "--list")
    assert code == 0 and "holders-at-date" in out


def test_show_prints_roles_claims_and_sources(store: str) -> None:
    code, out = run(show_command, "Navvab", "-g", store)
    assert code == 0
    assert out.startswith("Majid Navvab  (Person)")
    assert "commander of Unit 400" in out
    assert "CLAIMS" in out and "Alleged" in out
    assert "SOURCES" in out


def test_show_lists_every_source_of_a_fact_with_readable_predicates(store: str) -> None:
    # both articles say Qaani succeeded Soleimani (seeds 000 and 002): both must show
    code, out = run(show_command, "Qaani", "-f", "json", "-g", store)
    assert code == 0
    facts = json.loads(out)["facts"]
    succeeded = [f for f in facts if f["predicate"] == "succeeded"
                 and f["object"] == "Qasem Soleimani"]
    assert len(succeeded) == 1
    sources = {e["source"] for e in succeeded[0]["evidence"]}
    assert len(sources) == 2 and all("seed" in s for s in sources)
    assert all(" " in f["predicate"] or f["predicate"].islower() for f in facts)
    code, text = run(show_command, "Qaani", "-g", store)
    assert "friend of Qasem Soleimani" in text and "friendOf" not in text


def test_show_wraps_a_long_claim_under_its_own_bullet(store: str) -> None:
    code, out = run(show_command, "October 7", "-g", store)
    assert code == 0
    claims = out.split("CLAIMS", 1)[1].split("\nSOURCES", 1)[0]
    bullets = [line for line in claims.splitlines() if line.startswith("  * ")]
    # one bullet per claim, opening with its status and grade; wrapped lines are indented
    assert len(bullets) >= 3 and all(line.startswith("  * [") for line in bullets), bullets


def test_stats_as_text_and_json(store: str) -> None:
    code, out = run(stats_command, "-g", store)
    assert code == 0 and "kgg:inferred" in out
    code, out = run(stats_command, "-f", "json", "-g", store)
    assert json.loads(out)["classes"]["Person"] >= 10


@pytest.mark.parametrize("fmt", ["ttl", "nq"])
def test_export_writes_a_file(store: str, tmp_path: Path, fmt: str) -> None:
    dest = tmp_path / f"out.{fmt}"
    code, _ = run(export_command, "-f", fmt, "-o", str(dest), "-g", store)
    assert code == 0
    parsed = rdflib.Dataset().parse(dest, format={"ttl": "turtle", "nq": "nquads"}[fmt])
    assert len(parsed) > 1000 or sum(len(g) for g in parsed.graphs()) > 1000


def _kgraph(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kgraph", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


def test_bad_input_gives_clean_errors_and_exit_codes(store: str) -> None:
    unknown = _kgraph("show", "Esmael Qaanni Khan", "-g", store)
    assert unknown.returncode == 3 and "did you mean" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    bad = _kgraph("query", "SELECT ?x WHERE {\n ?x ?y\n}", "-g", store)
    assert bad.returncode == 2 and "line 3, column" in bad.stderr
    date = _kgraph("query", "holders-at-date", "-p", "organization=irgc", "-p", "at=soon",
                   "-g", store)
    assert date.returncode == 2 and "accepted forms" in date.stderr
