"""Linked data for people and crawlers: dereferencing, negotiation, pages, ontology, VoID, dumps.

Expected content is read from the same built store with pyoxigraph, never written down here.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from server_support import KGG, QAANI, built_store_path, read_store

from kgraph.server.app import create_app

SKOS = "http://www.w3.org/2004/02/skos/core#"
KGO = "https://w3id.org/kgraph/ontology#"
ORG = "http://www.w3.org/ns/org#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
X = ox.Variable("x")


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return read_store(built_store_path())


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    dumps = tmp_path_factory.mktemp("dumps")
    with TestClient(create_app(built_store_path(), workers=2, dumps_dir=dumps)) as c:
        yield c


def select(store: ox.Store, query: str, x: str = QAANI) -> list[ox.QuerySolution]:
    return list(
        store.query(query, use_default_graph_as_union=True, substitutions={X: ox.NamedNode(x)})
    )


@pytest.mark.parametrize(
    ("accept", "target"),
    [
        ("text/html", "/page/esmail-qaani"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "/page/esmail-qaani"),
        ("text/turtle", "/data/esmail-qaani.ttl"),
        ("application/ld+json", "/data/esmail-qaani.jsonld"),
        ("application/n-triples", "/data/esmail-qaani.nt"),
        ("application/rdf+xml", "/data/esmail-qaani.rdf"),
    ],
)
def test_entity_iri_answers_303_by_accept(client: TestClient, accept: str, target: str) -> None:
    r = client.get("/id/esmail-qaani", headers={"accept": accept}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == target
    assert r.headers["vary"] == "Accept"
    assert 'rel="alternate"' in r.headers["link"]


def test_unknown_entity_is_404(client: TestClient) -> None:
    assert client.get("/id/no-such-entity", follow_redirects=False).status_code == 404
    assert client.get("/page/no-such-entity").status_code == 404
    assert client.get("/data/no-such-entity.ttl").status_code == 404


def test_alternate_links_both_ways(client: TestClient) -> None:
    page = client.get("/page/esmail-qaani")
    assert '<link rel="alternate" type="text/turtle" href="/data/esmail-qaani.ttl">' in page.text
    data = client.get("/data/esmail-qaani.ttl")
    assert '</page/esmail-qaani>; rel="alternate"; type="text/html"' in data.headers["link"]


def test_entity_rdf_is_description_plus_incoming_links_with_graphs(
    client: TestClient, store: ox.Store
) -> None:
    r = client.get("/data/esmail-qaani.trig")
    assert r.headers["content-type"].startswith("application/trig")
    got = set(ox.parse(r.content, format=ox.RdfFormat.TRIG))
    x = ox.NamedNode(QAANI)
    outgoing = set(store.quads_for_pattern(x, None, None, None))
    incoming = set(store.quads_for_pattern(None, None, x, None))
    assert outgoing and incoming
    assert outgoing <= got and incoming <= got
    assert {q.graph_name for q in got} >= {q.graph_name for q in outgoing | incoming}
    # every format carries the same statements (triple formats without the graph names)
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in got if not _blank(q)}
    for ext, fmt in (
        ("ttl", ox.RdfFormat.TURTLE),
        ("nt", ox.RdfFormat.N_TRIPLES),
        ("rdf", ox.RdfFormat.RDF_XML),
        ("jsonld", ox.RdfFormat.JSON_LD),
    ):
        parsed = {
            ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(client.get(f"/data/esmail-qaani.{ext}").content, format=fmt)
            if not _blank(q)
        }
        assert parsed == triples, ext


def _blank(q: ox.Quad | ox.Triple) -> bool:
    return isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)


def test_the_page_shows_names_and_variants_and_types(client: TestClient, store: ox.Store) -> None:
    page = html.unescape(client.get("/page/esmail-qaani").text)
    names = select(
        store,
        f"SELECT ?x ?n WHERE {{ ?x <{SKOS}prefLabel>|<{SKOS}altLabel>|<{RDFS}label> ?n }}",
    )
    assert names
    for row in names:
        assert str(row["n"].value) in page
    assert ">Person<" in page


def test_the_page_shows_links_grouped_with_sources(client: TestClient, store: ox.Store) -> None:
    page = client.get("/page/esmail-qaani").text
    rows = select(
        store,
        f"""SELECT ?x ?p ?o ?quote WHERE {{ GRAPH ?g {{ ?x ?p ?o .
        ?ev a <{KGO}Evidence> ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> ?x ;
            <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> ?p ;
            <http://www.w3.org/1999/02/22-rdf-syntax-ns#object> ?o ; <{KGO}quote> ?quote }} }}""",
    )
    assert rows
    text = html.unescape(page)
    for row in rows:
        assert str(row["quote"].value) in text
    assert 'class="link-group"' in page


def test_the_page_shows_memberships_as_a_timeline(client: TestClient, store: ox.Store) -> None:
    page = html.unescape(client.get("/page/esmail-qaani").text)
    rows = select(store, f"SELECT ?x ?m ?t WHERE {{ ?m <{ORG}member> ?x ; <{KGO}roleText> ?t }}")
    assert rows
    timeline = page.split('id="timeline"', 1)[1].split("</section>", 1)[0]
    for row in rows:
        assert str(row["t"].value) in timeline


def test_the_page_shows_events(client: TestClient, store: ox.Store) -> None:
    page = html.unescape(client.get("/page/esmail-qaani").text)
    rows = select(
        store,
        f"""SELECT ?x ?label WHERE {{ ?e ?role ?x . ?role
        <http://www.w3.org/2000/01/rdf-schema#subPropertyOf>* <{KGO}participant> .
        ?e <{SKOS}prefLabel> ?label }}""",
    )
    assert rows
    events = page.split('id="events"', 1)[1].split("</section>", 1)[0]
    for row in rows:
        assert str(row["label"].value) in events


def test_the_page_shows_claims_with_claimant_status_quote_and_grade(
    client: TestClient, store: ox.Store
) -> None:
    page = html.unescape(client.get("/page/esmail-qaani").text)
    rows = select(
        store,
        f"""SELECT ?x ?c ?text ?status ?rn ?cn WHERE {{ ?c a <{KGO}Claim> ;
        <{KGO}about> ?x ; <{KGO}claimText> ?text ; <{KGO}status> ?s ;
        <{KGO}reliability>/<{SKOS}notation> ?rn ; <{KGO}credibility>/<{SKOS}notation> ?cn .
        ?s <{SKOS}prefLabel> ?status }}""",
    )
    assert rows
    claims = page.split('id="claims"', 1)[1].split("</section>", 1)[0]
    for row in rows:
        assert str(row["text"].value) in claims
        assert f"{row['rn'].value}{row['cn'].value} — " in claims
    assert claims.count('class="claim"') == len({r["c"] for r in rows})
    assert "claimed by" in claims and "<blockquote>" in claims


def test_an_organization_page_lists_its_sub_units(client: TestClient, store: ox.Store) -> None:
    rows = list(
        store.query(
            f"SELECT ?u ?o ?label WHERE {{ ?u <{ORG}subOrganizationOf> ?o ."
            f" ?u <{SKOS}prefLabel> ?label }}",
            use_default_graph_as_union=True,
        )
    )
    assert rows
    row = rows[0]
    slug = str(row["o"].value).rsplit("/", 1)[1]
    page = html.unescape(client.get(f"/page/{slug}").text)
    assert str(row["label"].value) in page.split('id="subunits"', 1)[1]


def test_each_page_embeds_schema_org_json_ld(client: TestClient, store: ox.Store) -> None:
    page = client.get("/page/esmail-qaani").text
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert block
    doc = json.loads(block.group(1))
    label = select(store, f"SELECT ?x ?l WHERE {{ ?x <{SKOS}prefLabel> ?l }}")[0]["l"].value
    assert doc["@context"] == "https://schema.org" and doc["@type"] == "Person"
    assert doc["@id"] == QAANI and doc["name"] == label


def test_the_ontology_answers_at_its_iri(client: TestClient, store: ox.Store) -> None:
    page = client.get("/ontology", headers={"accept": "text/html"})
    assert page.status_code == 200 and page.headers["vary"] == "Accept"
    terms = list(
        store.query(f"""SELECT DISTINCT ?t WHERE {{ GRAPH <{KGG}ontology> {{ ?t a ?k }}
        FILTER(?k IN (<http://www.w3.org/2002/07/owl#Class>,
                      <http://www.w3.org/2002/07/owl#ObjectProperty>,
                      <http://www.w3.org/2002/07/owl#DatatypeProperty>))
        FILTER(STRSTARTS(STR(?t), "{KGO}")) }}""")
    )
    assert len(terms) > 20
    for row in terms:
        name = str(row["t"].value)[len(KGO) :]
        assert f'id="{name}"' in page.text, name
    ttl = client.get("/ontology", headers={"accept": "text/turtle"})
    assert ttl.headers["content-type"].startswith("text/turtle")
    expected = len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(KGG + "ontology"))))
    assert len(list(ox.parse(ttl.content, format=ox.RdfFormat.TURTLE))) == expected
    assert client.get("/ontology.rdf").headers["content-type"].startswith("application/rdf+xml")


def test_void_and_dcat_description(client: TestClient, store: ox.Store) -> None:
    r = client.get("/.well-known/void", headers={"accept": "text/turtle"})
    assert r.status_code == 200
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    preds = {t.predicate.value for t in triples}
    assert "http://rdfs.org/ns/void#sparqlEndpoint" in preds
    assert "http://rdfs.org/ns/void#dataDump" in preds
    assert any(t.object == ox.NamedNode("http://www.w3.org/ns/dcat#Dataset") for t in triples)
    count = next(t.object for t in triples if t.predicate.value.endswith("void#triples"))
    assert int(count.value) == len(store)


def test_dumps_are_gzipped_trig_and_nquads_with_sha256(client: TestClient, store: ox.Store) -> None:
    index = client.get("/dumps/")
    assert index.status_code == 200
    for name, fmt in (
        ("kgraph.trig.gz", ox.RdfFormat.TRIG),
        ("kgraph.nq.gz", ox.RdfFormat.N_QUADS),
    ):
        assert f'href="/dumps/{name}"' in index.text
        body = client.get(f"/dumps/{name}").content
        sha = client.get(f"/dumps/{name}.sha256").text.split()[0]
        assert hashlib.sha256(body).hexdigest() == sha
        quads = set(ox.parse(gzip.decompress(body), format=fmt))
        assert len(quads) == len(store)


def test_home_page_counts_come_from_the_store(client: TestClient, store: ox.Store) -> None:
    page = client.get("/")
    people = len(
        list(
            store.query(
                f"SELECT DISTINCT ?p WHERE {{ ?p a <{KGO}Person> }}",
                use_default_graph_as_union=True,
            )
        )
    )
    assert f'id="count-people">{people}<' in page.text


def test_search_over_labels_and_variants_ghaani_finds_qaani(client: TestClient) -> None:
    r = client.get("/search", params={"q": "Ghaani"}, headers={"accept": "application/json"})
    hits = r.json()["hits"]
    assert hits and hits[0]["iri"] == QAANI
    page = client.get("/search", params={"q": "Ghaani"})
    assert 'href="/page/esmail-qaani"' in page.text


def test_query_page_is_prefilled_with_the_projects_example_queries(client: TestClient) -> None:
    from kgraph.query.named import named_queries

    page = client.get("/query")
    queries = named_queries()
    assert queries
    for name, named in queries.items():
        assert f"/query?example={name}" in page.text
        assert named.title in html.unescape(page.text)
    first = sorted(queries)[0]
    run = client.get("/query", params={"example": first})
    assert '<table class="results" id="results">' in run.text


def test_query_page_shows_results_as_a_table(client: TestClient, store: ox.Store) -> None:
    q = f"SELECT ?label WHERE {{ <{QAANI}> <{SKOS}prefLabel> ?label }}"
    r = client.get("/query", params={"query": q})
    label = select(store, f"SELECT ?x ?l WHERE {{ ?x <{SKOS}prefLabel> ?l }}")[0]["l"].value
    table = r.text.split('id="results"', 1)[1]
    assert (
        f"<td>{html.escape(label)} @en</td>" in table or f"<td>{html.escape(label)}</td>" in table
    )


def test_named_graph_iris_dereference(client: TestClient) -> None:
    r = client.get("/graph/curation", follow_redirects=False)
    assert r.status_code == 303
    assert client.get(r.headers["location"]).status_code == 200


def test_base_iri_is_configurable(store: ox.Store, tmp_path: Path) -> None:
    path = tmp_path / "store"
    other = ox.Store(str(path))
    g = ox.NamedNode("https://example.org/kg/graph/curation")
    x = ox.NamedNode("https://example.org/kg/id/someone")
    other.add(ox.Quad(x, ox.NamedNode(SKOS + "prefLabel"), ox.Literal("Someone"), g))
    other.flush()
    del other
    with TestClient(create_app(path, workers=1, base_iri="https://example.org/kg/")) as c:
        r = c.get("/id/someone", headers={"accept": "text/turtle"}, follow_redirects=True)
        assert r.status_code == 200
        assert "https://example.org/kg/id/someone" in r.text
        assert "Someone" in c.get("/page/someone").text
