"""Keeping the graph clean: `kgraph merge`, `kgraph diff` and `kg.conflicts()` (issue 5)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from curate_project import REPO, SHEETS, make_project, write_sheet

from kgraph.curate.add import add_sheet
from kgraph.curate.conflicts import conflicts
from kgraph.curate.diff import diff_states, read_graph_state
from kgraph.curate.merge import merge_entities
from kgraph.curate.state import read_state
from kgraph.errors import AmbiguousName, InputError, UnknownEntity
from kgraph.namespaces import KG, KGG, OWL, SKOS

EXAMPLE = SHEETS / "example-source.yaml"

# A second EXAMPLE source (made up) that contradicts example-source.yaml: another commander of
# the Example Brigade in overlapping years, another date for the Example raid, and a
# differently spelled duplicate of Example Commander.
RIVAL = """\
source:
  id: example-rival
  kind: news article
  title: "Example: a made-up rival report"
  date: 2024-03-01
entities:
  - {name: Example Rival Commander, type: person}
  - {name: Commander Xample, type: person}
statements:
  - subject: Example Rival Commander
    relation: commands
    object: Example Brigade
    from: 2022
    quote: "Example Rival Commander has led the Example Brigade since 2022."
  - subject: Example raid
    relation: targeted
    object: Example City
    quote: "The Example raid, in March 2023, targeted Example City."
  - subject: Commander Xample
    relation: member of
    object: Example Brigade
    quote: "Commander Xample is a member of the Example Brigade."
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = make_project(tmp_path)
    add_sheet(EXAMPLE, root=root, reasoner=False)
    add_sheet(write_sheet(tmp_path, "rival.yaml", RIVAL), root=root, reasoner=False)
    return root


def all_quads(root: Path) -> list[ox.Quad]:
    out: list[ox.Quad] = []
    for f in sorted((root / "data").glob("*.trig")):
        out += ox.parse(path=str(f), format=ox.RdfFormat.TRIG)
    return out


# -- conflicts ---------------------------------------------------------------------------------


def test_a_different_commander_from_another_source_is_listed_with_both_provenances(
    project: Path,
) -> None:
    found = [c for c in conflicts(project / "data") if c.kind == "holder"]
    brigade = [c for c in found if c.subject == KG + "example-brigade"]
    assert len(brigade) == 1
    (conflict,) = brigade
    assert conflict.certain  # 2021-late 2023 and "since 2022" surely overlap
    sides = {s.graph: s for s in conflict.sides}
    assert set(sides) == {KGG + "example-source", KGG + "example-rival"}
    assert sides[KGG + "example-source"].value == KG + "example-commander"
    assert sides[KGG + "example-rival"].value == KG + "example-rival-commander"
    assert sides[KGG + "example-rival"].quotes == (
        "Example Rival Commander has led the Example Brigade since 2022.",)
    assert "different holders of kgo:CommanderRole" in str(conflict)


def test_both_versions_stay_in_their_own_source_graphs(project: Path) -> None:
    commanders = {(q.graph_name.value, q.object.value) for q in all_quads(project)
                  if q.predicate.value == "http://www.w3.org/ns/org#member"}
    assert (KGG + "example-source", KG + "example-commander") in commanders
    assert (KGG + "example-rival", KG + "example-rival-commander") in commanders


def test_a_different_date_for_the_same_event_is_a_conflict(project: Path, tmp_path: Path) -> None:
    text = """\
source: {id: example-redate, kind: news article, title: "Example: redated raid"}
entities:
  - name: Example raid
    type: attack
    date: March 2023
    quote: "The Example raid took place in March 2023."
statements:
  - {subject: Example Brigade, relation: perpetrated, object: Example raid,
     quote: "The Example Brigade carried out the raid."}
"""
    add_sheet(write_sheet(tmp_path, "redate.yaml", text), root=project, reasoner=False)
    dated = [c for c in conflicts(read_state(project / "data")) if c.kind == "date"]
    assert [(c.subject, sorted(s.value for s in c.sides)) for c in dated] == [
        (KG + "example-raid", ["January 2024", "March 2023"])]


def test_a_succession_is_not_a_conflict(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    add_sheet(EXAMPLE, root=root, reasoner=False)  # Example Commander: 2021 - late 2023
    text = RIVAL.replace("from: 2022", "from: 2024").replace("since 2022", "since 2024")
    add_sheet(write_sheet(tmp_path, "after.yaml", text), root=root, reasoner=False)
    assert [c for c in conflicts(root / "data") if c.kind == "holder"
            and c.subject == KG + "example-brigade"] == []


def test_conflicts_of_an_open_knowledge_graph(project: Path) -> None:
    import kgraph

    with kgraph.open(project, backend="memory") as kg:
        listed = kg.conflicts()
    kinds = {(c.kind, c.subject) for c in listed}
    assert ("holder", KG + "example-brigade") in kinds
    assert listed == conflicts(project / "data")  # the method and the function agree


# -- merge -------------------------------------------------------------------------------------


def test_merge_rewrites_every_reference_and_keeps_every_name(project: Path) -> None:
    result = merge_entities("Example Commander", "Commander Xample", root=project,
                            reason="the same person, misspelt in the rival report",
                            reasoner=False)
    assert result.written and result.drop == KG + "commander-xample"
    quads = all_quads(project)
    old = ox.NamedNode(KG + "commander-xample")
    mentions = [q for q in quads if old in (q.subject, q.object)]
    # only the merge record still names the old IRI
    assert {q.predicate.value for q in mentions} == {OWL + "sameAs", SKOS + "changeNote"}
    assert all(q.graph_name.value == KGG + "curation" for q in mentions)
    note = next(q.object.value for q in mentions if q.predicate.value == SKOS + "changeNote")
    assert "the same person, misspelt in the rival report" in note
    keep = ox.NamedNode(KG + "example-commander")
    names = {q.object.value for q in quads if q.subject == keep and q.predicate.value in (
        SKOS + "altLabel", SKOS + "prefLabel", "http://www.w3.org/2000/01/rdf-schema#label")}
    assert {"Example Commander", "Commander Xample"} <= names
    members = {q.object.value for q in quads if q.graph_name.value == KGG + "example-rival"
               and q.predicate.value == "http://www.w3.org/ns/org#member"}
    assert KG + "example-commander" in members


def test_the_old_iri_still_resolves_after_a_merge(project: Path, tmp_path: Path) -> None:
    merge_entities("kg:example-commander", "kg:commander-xample", reason="duplicate",
                   root=project, reasoner=False)
    text = """\
source: {id: example-after-merge, kind: news article, title: "Example: after the merge"}
statements:
  - {subject: "kg:commander-xample", relation: friend of, object: Example Rival Commander,
     quote: "Example quote."}
"""
    add_sheet(write_sheet(tmp_path, "after.yaml", text), root=project, reasoner=False)
    quads = all_quads(project)
    friends = [q for q in quads if q.predicate.value.endswith("#friendOf")
               and q.graph_name.value == KGG + "example-after-merge"]
    assert [q.subject.value for q in friends] == [KG + "example-commander"]


def test_the_api_resolves_an_old_iri_to_the_kept_entity(project: Path) -> None:
    import kgraph

    merge_entities("kg:example-commander", "kg:commander-xample", reason="duplicate",
                   root=project, reasoner=False)
    with kgraph.open(project, backend="memory") as kg:
        assert kg.resolve(KG + "commander-xample") == KG + "example-commander"
        assert kg.entity("kg:commander-xample").iri == KG + "example-commander"
        assert kg.resolve(KG + "example-commander") == KG + "example-commander"


def test_merge_refuses_unknown_same_and_ambiguous_names(project: Path) -> None:
    with pytest.raises(UnknownEntity):
        merge_entities("Example Commander", "Nobody Atall", reason="x", root=project)
    with pytest.raises(InputError):
        merge_entities("Example Commander", "kg:example-commander", reason="x", root=project)
    with pytest.raises(AmbiguousName):
        merge_entities("Commander", "Example City", reason="x", root=project)


# -- diff --------------------------------------------------------------------------------------


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def test_diff_between_two_git_revisions_per_source_and_per_entity(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    _git(root, "init", "-q")
    _git(root, "add", "data")
    _git(root, "commit", "-qm", "before")
    add_sheet(EXAMPLE, root=root, reasoner=False)
    _git(root, "add", "data")
    _git(root, "commit", "-qm", "after")
    result = diff_states(read_graph_state("HEAD~1", root), read_graph_state("HEAD", root))
    plus, minus = result.counts
    assert minus == 0 and plus > 0
    assert set(result.added) == {"kgg:example-source", "kgg:curation"}
    assert ('kg:example-brigade rdfs:label "Example Brigade"@en'
            in result.added["kgg:example-source"])
    membership = [line for line in result.added["kgg:example-source"]
                  if "org:memberDuring" in line]
    assert len(membership) == 1 and 'kgo:dateText "late 2023"' in membership[0]
    assert result.entities[KG + "example-brigade"]["added"] > 0
    text = result.to_text()
    assert "graph kgg:example-source" in text and "by entity:" in text
    data = json.loads(result.to_json())
    assert data["added"] == plus and "kgg:example-source" in data["graphs"]


def test_diff_of_the_same_statements_written_differently_is_empty(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    data = root / "data"
    before = read_graph_state(str(data), root)
    dump = tmp_path / "dump.nq"
    quads = all_quads(root)
    dump.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    result = diff_states(before, read_graph_state(str(dump), root))
    assert result.counts == (0, 0)
    assert "no statement added or removed" in result.to_text()


def test_diff_shows_a_changed_date_as_removed_and_added(project: Path, tmp_path: Path) -> None:
    before = read_graph_state(str(project / "data"), project)
    path = project / "data" / "example-source.trig"
    path.write_text(path.read_text().replace('"late 2023"', '"mid 2023"'))
    result = diff_states(before, read_graph_state(str(project / "data"), project))
    assert result.counts == (1, 1)
    (removed,) = result.removed["kgg:example-source"]
    (added,) = result.added["kgg:example-source"]
    assert '"late 2023"' in removed and '"mid 2023"' in added


def test_the_diff_command_prints_json(project: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "kgraph", "diff", str(REPO / "data"), str(project / "data"),
         "--format", "json"], capture_output=True, text=True, cwd=REPO, timeout=120,
        env={**os.environ, "KGRAPH_HOME": str(project)})
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {"kgg:example-source", "kgg:example-rival"} <= set(data["graphs"])
    assert data["removed"] == 0


def test_the_server_redirects_an_old_iri_to_the_kept_entity(project: Path, tmp_path: Path) -> None:
    import warnings

    import kgraph
    from kgraph.server.app import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    merge_entities("kg:example-commander", "kg:commander-xample", reason="duplicate",
                   root=project, reasoner=False)
    kg = kgraph.open(project, cache_dir=tmp_path / "cache")
    try:
        with TestClient(create_app(kg, workers=1)) as client:
            moved = client.get("/id/commander-xample", follow_redirects=False)
            assert moved.status_code == 301
            assert moved.headers["location"] == "/id/example-commander"
            kept = client.get("/id/example-commander", follow_redirects=False,
                              headers={"Accept": "text/html"})
            assert kept.status_code == 303
    finally:
        kg.close()
