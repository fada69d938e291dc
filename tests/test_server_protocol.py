"""`/sparql` speaks the SPARQL 1.1 Protocol and `/graphs` the Graph Store Protocol (read side).

The app runs in-process (Starlette TestClient) over the bundled graph as built by the library;
expected answers are read from the same store directly with pyoxigraph.
"""

from __future__ import annotations

import csv
import io
import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from server_support import KGG, QAANI, built_store_path, read_store

from kgraph.server.app import create_app

LABEL_QUERY = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?label WHERE { <https://w3id.org/kgraph/id/esmail-qaani> skos:prefLabel ?label }"""
CONSTRUCT_QUERY = """CONSTRUCT { <https://w3id.org/kgraph/id/esmail-qaani> ?p ?o }
WHERE { <https://w3id.org/kgraph/id/esmail-qaani> ?p ?o }"""


@pytest.fixture(scope="module")
def store_path() -> Path:
    return built_store_path()


@pytest.fixture(scope="module")
def client(store_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(store_path, workers=2, timeout=20)) as c:
        yield c


@pytest.fixture(scope="module")
def qaani_label(store_path: Path) -> str:
    rows = list(read_store(store_path).query(LABEL_QUERY, use_default_graph_as_union=True))
    assert len(rows) == 1
    return str(rows[0]["label"].value)


def test_query_by_get_post_form_and_post_direct_give_the_same_answer(
    client: TestClient, qaani_label: str
) -> None:
    by_get = client.get("/sparql", params={"query": LABEL_QUERY})
    by_form = client.post("/sparql", data={"query": LABEL_QUERY})
    by_body = client.post(
        "/sparql",
        content=LABEL_QUERY.encode(),
        headers={"content-type": "application/sparql-query"},
    )
    for response in (by_get, by_form, by_body):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/sparql-results+json")
        bindings = response.json()["results"]["bindings"]
        assert [b["label"]["value"] for b in bindings] == [qaani_label]


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
    ],
)
def test_select_results_in_each_format_parse_back_to_the_same_rows(
    client: TestClient, qaani_label: str, accept: str, media: str
) -> None:
    response = client.get("/sparql", params={"query": LABEL_QUERY}, headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert response.headers["vary"] == "Accept"
    fmt = ox.QueryResultsFormat.from_media_type(media)
    if media == "text/csv":
        rows = list(csv.reader(io.StringIO(response.text)))
        assert rows == [["label"], [qaani_label]]
    else:
        parsed = ox.parse_query_results(response.content, format=fmt)
        assert [str(s["label"].value) for s in parsed] == [qaani_label]


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_ask_in_each_format(client: TestClient, fmt: str) -> None:
    response = client.get("/sparql", params={"query": f"ASK {{ <{QAANI}> ?p ?o }}", "format": fmt})
    assert response.status_code == 200
    assert "true" in response.text


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("application/trig", ox.RdfFormat.TRIG),
    ],
)
def test_construct_in_each_rdf_format_parses_back_to_the_same_triples(
    client: TestClient, store_path: Path, accept: str, rdf_format: ox.RdfFormat
) -> None:
    expected = set(read_store(store_path).query(CONSTRUCT_QUERY, use_default_graph_as_union=True))
    response = client.get("/sparql", params={"query": CONSTRUCT_QUERY}, headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    got = {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(response.content, format=rdf_format)
    }
    assert got == expected and expected


def test_describe_answers_rdf(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": f"DESCRIBE <{QAANI}>"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert QAANI in response.text or "esmail-qaani" in response.text


def test_format_parameter_is_the_fallback_when_accept_is_generic(client: TestClient) -> None:
    r = client.get(
        "/sparql", params={"query": LABEL_QUERY, "format": "csv"}, headers={"accept": "*/*"}
    )
    assert r.headers["content-type"].startswith("text/csv")
    r = client.get(
        "/sparql",
        params={"query": LABEL_QUERY, "format": "csv"},
        headers={"accept": "application/sparql-results+xml"},
    )
    assert r.headers["content-type"].startswith("application/sparql-results+xml")


def test_nothing_acceptable_is_406(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": LABEL_QUERY}, headers={"accept": "image/png"})
    assert r.status_code == 406
    assert r.json()["error"] == "not-acceptable"
    r = client.get(
        "/sparql",
        params={"query": CONSTRUCT_QUERY},
        headers={"accept": "application/sparql-results+json"},
    )
    assert r.status_code == 406


def _graph_of_qaani_label(store_path: Path) -> str:
    q = "SELECT ?g ?x WHERE { GRAPH ?g { ?x <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } }"
    rows = list(
        read_store(store_path).query(q, substitutions={ox.Variable("x"): ox.NamedNode(QAANI)})
    )
    return str(rows[0]["g"].value)


def test_named_graphs_via_graph_and_dataset_parameters(
    client: TestClient, store_path: Path, qaani_label: str
) -> None:
    graph = _graph_of_qaani_label(store_path)
    q = "SELECT ?g WHERE { GRAPH ?g { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } }"
    r = client.get("/sparql", params={"query": q})
    assert graph in {b["g"]["value"] for b in r.json()["results"]["bindings"]}
    # default-graph-uri picks the default graph
    r = client.get("/sparql", params={"query": LABEL_QUERY, "default-graph-uri": graph})
    assert [b["label"]["value"] for b in r.json()["results"]["bindings"]] == [qaani_label]
    other = KGG + "ontology"
    r = client.get("/sparql", params={"query": LABEL_QUERY, "default-graph-uri": other})
    assert r.json()["results"]["bindings"] == []
    # named-graph-uri restricts GRAPH ?g
    r = client.post("/sparql", data={"query": q, "named-graph-uri": graph})
    assert {b["g"]["value"] for b in r.json()["results"]["bindings"]} == {graph}
    # FROM in the query text
    r = client.get(
        "/sparql", params={"query": LABEL_QUERY.replace("WHERE", f"FROM <{graph}> WHERE")}
    )
    assert [b["label"]["value"] for b in r.json()["results"]["bindings"]] == [qaani_label]


def test_an_unknown_graph_is_404(client: TestClient) -> None:
    r = client.get(
        "/sparql", params={"query": LABEL_QUERY, "default-graph-uri": KGG + "no-such-graph"}
    )
    assert r.status_code == 404
    r = client.get("/graphs", params={"graph": KGG + "no-such-graph"})
    assert r.status_code == 404
    assert r.json()["error"] == "not-found"


def test_service_description_when_there_is_no_query(client: TestClient) -> None:
    r = client.get("/sparql", headers={"accept": "text/turtle"})
    assert r.status_code == 200
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert any(t.object == ox.NamedNode(sd + "Service") for t in triples)
    assert any(t.object == ox.NamedNode(sd + "UnionDefaultGraph") for t in triples)
    jsonld = client.get("/sparql", headers={"accept": "application/ld+json"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")


def test_cors_on_queries_without_credentials(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"origin": "https://x.example"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in r.headers
    pre = client.options(
        "/sparql",
        headers={
            "origin": "https://x.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert pre.status_code == 204
    assert pre.headers["access-control-allow-origin"] == "*"
    assert "authorization" not in pre.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in pre.headers


def test_graph_store_get_named_and_default(client: TestClient, store_path: Path) -> None:
    graph = KGG + "curation"
    expected = {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in read_store(store_path).quads_for_pattern(None, None, None, ox.NamedNode(graph))
    }
    r = client.get(
        f"/graphs?graph={quote(graph, safe='')}", headers={"accept": "application/n-triples"}
    )
    assert r.status_code == 200
    got = {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES)
    }
    assert got == expected and expected
    r = client.get("/graphs?default", headers={"accept": "text/turtle"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/turtle")


def test_malformed_query_is_400_with_message_and_position(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT * WHERE {\n  ?s ?p }"})
    assert r.status_code == 400
    body = r.json()
    assert body["error"] == "query-syntax"
    assert body["line"] == 2 and isinstance(body["column"], int)
    assert "\n" not in body["message"]


def test_one_json_error_shape(client: TestClient) -> None:
    """Every error is {"error": code, "message": one line, "hint"?: text, ...extras}."""
    cases = [
        client.get("/sparql", params={"query": "SELEC"}),
        client.get("/sparql", params={"query": "SELECT * { SERVICE <http://a/> { ?s ?p ?o } }"}),
        client.get("/sparql", params={"query": "ASK {}"}, headers={"accept": "image/png"}),
        client.post("/sparql", content=b"x", headers={"content-type": "text/plain"}),
        client.get("/graphs", params={"graph": KGG + "none"}),
        client.get("/no/such/route"),
        client.get("/data/esmail-qaani.exe"),
    ]
    for r in cases:
        assert r.status_code >= 400
        assert r.headers["content-type"].startswith("application/json")
        body = r.json()
        assert set(body) >= {"error", "message"}
        assert isinstance(body["error"], str) and isinstance(body["message"], str)
        assert "\n" not in body["message"] and "Traceback" not in r.text
        assert set(body) <= {
            "error",
            "message",
            "hint",
            "line",
            "column",
            "source",
            "suggestions",
            "candidates",
            "sheet",
            "field",
        }


def test_results_json_is_valid_sparql_json(client: TestClient) -> None:
    q = f"SELECT ?p ?o WHERE {{ <{QAANI}> ?p ?o }}"
    doc = json.loads(client.get("/sparql", params={"query": q}).content)
    assert doc["head"]["vars"] == ["p", "o"]
    for b in doc["results"]["bindings"]:
        assert b["p"]["type"] == "uri"
        assert b["o"]["type"] in ("uri", "literal", "bnode")


def test_a_browser_asking_the_endpoint_gets_the_query_page(client: TestClient) -> None:
    r = client.get("/sparql", headers={"accept": "text/html,*/*;q=0.8"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/query"
    head = client.head("/sparql", params={"query": "ASK {}"})
    assert head.status_code == 200
