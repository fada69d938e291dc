"""kgraph serve is secure by default: each point of issue 4's list is one or more tests here.

In-process (Starlette TestClient over the real worker processes). Tests that need a real HTTP
server (binding, slow clients, 50 concurrent clients) are in test_server_process.py.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from server_support import KGG, RUNAWAY, built_store_path, process_gone, read_store

from kgraph.server.app import create_app

TOKEN = "test-token-0123456789abcdef"
ASK_QAANI = "ASK { <https://w3id.org/kgraph/id/esmail-qaani> ?p ?o }"
INSERT = 'INSERT DATA { GRAPH <https://w3id.org/kgraph/graph/t> { <urn:a> <urn:b> "c" } }'
ASK_INSERTED = 'ASK { GRAPH ?g { <urn:a> <urn:b> "c" } }'


@pytest.fixture(scope="module")
def store_path() -> Path:
    return built_store_path()


@pytest.fixture(scope="module")
def client(store_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(store_path, workers=3, timeout=2.0)) as c:
        yield c


@pytest.fixture
def writable(store_path: Path) -> Iterator[TestClient]:
    """An app with a bearer token (on a private copy of the store)."""
    app = create_app(store_path, workers=2, token=TOKEN, max_upload_bytes=200_000)
    with TestClient(app) as c:
        yield c


def ask(client: TestClient, query: str) -> bool:
    r = client.get("/sparql", params={"query": query})
    assert r.status_code == 200, r.text
    return bool(r.json()["boolean"])


# -- read-only ------------------------------------------------------------------------------


def test_without_a_configured_token_updates_are_403_and_change_nothing(
    client: TestClient,
) -> None:
    r = client.post("/sparql", data={"update": INSERT})
    assert r.status_code == 403
    r = client.post(
        "/sparql", content=INSERT, headers={"content-type": "application/sparql-update"}
    )
    assert r.status_code == 403
    r = client.post(
        "/sparql", data={"update": "DROP ALL"}, headers={"authorization": f"Bearer {TOKEN}"}
    )
    assert r.status_code == 403
    r = client.put(
        "/graphs?graph=" + KGG + "curation",
        content=b"<urn:a> <urn:b> <urn:c> .",
        headers={"content-type": "text/turtle"},
    )
    assert r.status_code in (401, 403)
    r = client.delete("/graphs?graph=" + KGG + "curation")
    assert r.status_code in (401, 403)
    assert not ask(client, ASK_INSERTED)
    assert ask(client, ASK_QAANI)
    assert client.get("/graphs?graph=" + KGG + "curation").status_code == 200


def test_update_by_get_is_405(client: TestClient) -> None:
    r = client.get("/sparql", params={"update": INSERT})
    assert r.status_code == 405
    assert r.json()["error"] == "method-not-allowed"


def test_update_text_sent_as_query_is_400(client: TestClient, writable: TestClient) -> None:
    for c in (client, writable):
        r = c.get("/sparql", params={"query": "DROP ALL"})
        assert r.status_code == 400
        r = c.post("/sparql", data={"query": INSERT}, headers={"authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 400
    assert ask(writable, ASK_QAANI)


def test_with_a_token_updates_need_it_401_without_403_wrong(writable: TestClient) -> None:
    r = writable.post("/sparql", data={"update": INSERT})
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    r = writable.post("/sparql", data={"update": INSERT}, headers={"authorization": "Bearer nope"})
    assert r.status_code == 403
    assert "access-control-allow-origin" not in r.headers
    assert not ask(writable, ASK_INSERTED)
    r = writable.post(
        "/sparql", data={"update": INSERT}, headers={"authorization": f"Bearer {TOKEN}"}
    )
    assert r.status_code == 204
    assert ask(writable, ASK_INSERTED)
    assert ask(writable, ASK_QAANI)


def test_graph_store_writes_with_the_token(writable: TestClient) -> None:
    graph = KGG + "upload-test"
    body = b"<urn:x> <urn:y> <urn:z> ."
    r = writable.put(
        f"/graphs?graph={graph}", content=body, headers={"content-type": "text/turtle"}
    )
    assert r.status_code == 401
    auth = {"authorization": f"Bearer {TOKEN}", "content-type": "text/turtle"}
    r = writable.put(f"/graphs?graph={graph}", content=body, headers=auth)
    assert r.status_code == 201
    r = writable.get(f"/graphs?graph={graph}", headers={"accept": "application/n-triples"})
    assert r.status_code == 200 and "<urn:x> <urn:y> <urn:z>" in r.text
    r = writable.delete(f"/graphs?graph={graph}", headers=auth)
    assert r.status_code == 204
    assert writable.get(f"/graphs?graph={graph}").status_code == 404


def test_the_shared_built_store_is_never_written(store_path: Path, writable: TestClient) -> None:
    r = writable.post(
        "/sparql", data={"update": INSERT}, headers={"authorization": f"Bearer {TOKEN}"}
    )
    assert r.status_code == 204
    assert not bool(read_store(store_path).query(ASK_INSERTED))


# -- no outbound network ----------------------------------------------------------------------


class Canary:
    """A TCP listener on 127.0.0.1 that counts every connection it receives."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def run(self) -> None:
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            conn.close()

    def close(self) -> None:
        self.stop = True
        self.thread.join()
        self.sock.close()


def test_nothing_is_ever_fetched_canary_receives_nothing(writable: TestClient) -> None:
    canary = Canary()
    url = canary.url
    auth = {"authorization": f"Bearer {TOKEN}"}
    try:
        refused = [
            writable.get(
                "/sparql", params={"query": f"SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"}
            ),
            writable.get("/sparql", params={"query": f"SELECT * FROM <{url}g> {{ ?s ?p ?o }}"}),
            writable.get(
                "/sparql", params={"query": f"SELECT * FROM NAMED <{url}g> {{ ?s ?p ?o }}"}
            ),
            writable.get(
                "/sparql", params={"query": "SELECT * FROM <file:///etc/passwd> { ?s ?p ?o }"}
            ),
            writable.post("/sparql", data={"update": f"LOAD <{url}data.ttl>"}, headers=auth),
            writable.post(
                "/sparql",
                data={"update": f"LOAD <{url}x> INTO GRAPH <{KGG}x>"},
                headers=auth,
            ),
        ]
        for r in refused:
            assert r.status_code == 400, r.text
        r = writable.get("/sparql", params={"query": "ASK {}", "default-graph-uri": url})
        assert r.status_code == 404
        jsonld = json.dumps({"@context": url + "ctx.jsonld", "@id": "urn:a", "name": "x"})
        r = writable.put(
            f"/graphs?graph={KGG}jsonld",
            content=jsonld.encode(),
            headers={**auth, "content-type": "application/ld+json"},
        )
        assert r.status_code == 400
        xxe = (
            f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "{url}">]>'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            '<rdf:Description rdf:about="urn:a"><rdf:value>&e;</rdf:value></rdf:Description>'
            "</rdf:RDF>"
        )
        r = writable.put(
            f"/graphs?graph={KGG}xxe",
            content=xxe.encode(),
            headers={**auth, "content-type": "application/rdf+xml"},
        )
        assert r.status_code == 400
        owl = "http://www.w3.org/2002/07/owl#"
        imports = f"<urn:o> a <{owl}Ontology> ; <{owl}imports> <{url}onto> ."
        r = writable.put(
            f"/graphs?graph={KGG}imports",
            content=imports.encode(),
            headers={**auth, "content-type": "text/turtle"},
        )
        assert r.status_code == 201  # stored as data; owl:imports is never followed
        assert writable.get(
            "/sparql", params={"query": "ASK { ?o <http://www.w3.org/2002/07/owl#imports> ?i }"}
        ).json()["boolean"]
        time.sleep(0.5)
        assert canary.hits == 0
    finally:
        canary.close()


def test_rdflib_graph_loading_is_switched_off(store_path: Path) -> None:
    import rdflib.plugins.sparql as rdflib_sparql

    rdflib_sparql.SPARQL_LOAD_GRAPHS = True
    create_app(store_path, workers=1)
    assert rdflib_sparql.SPARQL_LOAD_GRAPHS is False


# -- time limits and the worker pool --------------------------------------------------------


def test_a_runaway_query_is_503_within_timeout_plus_2s_and_its_worker_is_killed(
    client: TestClient,
) -> None:
    pool = client.app.state.kgraph.pool  # type: ignore[attr-defined]
    before = set(pool.pids)
    start = time.monotonic()
    r = client.get("/sparql", params={"query": RUNAWAY})
    elapsed = time.monotonic() - start
    assert r.status_code == 503
    assert r.json()["error"] == "timeout"
    assert elapsed < 2.0 + 2.0
    killed = before - set(pool.pids)
    assert len(killed) == 1
    assert all(process_gone(pid) for pid in killed)
    assert ask(client, "ASK {}")


def test_quick_queries_answer_while_a_runaway_runs(client: TestClient) -> None:
    with ThreadPoolExecutor(2) as ex:
        runaway = ex.submit(client.get, "/sparql", params={"query": RUNAWAY})
        time.sleep(0.3)
        start = time.monotonic()
        assert ask(client, "ASK {}")
        assert time.monotonic() - start < 1.0
        assert runaway.result().status_code == 503


def test_a_full_pool_answers_503_with_retry_after(store_path: Path) -> None:
    app = create_app(store_path, workers=1, queue_size=0, timeout=2.0)
    with TestClient(app) as c, ThreadPoolExecutor(2) as ex:
        state = app.state.kgraph  # type: ignore[attr-defined]
        deadline = time.monotonic() + 10
        while "stats" not in state.cache and time.monotonic() < deadline:
            time.sleep(0.05)  # the start-up warm-up uses the one worker first
        runaway = ex.submit(c.get, "/sparql", params={"query": RUNAWAY})
        time.sleep(0.5)
        r = c.get("/sparql", params={"query": "ASK {}"})
        assert r.status_code == 503
        assert r.json()["error"] == "busy"
        assert int(r.headers["retry-after"]) >= 1
        assert runaway.result().status_code == 503


# -- limits ---------------------------------------------------------------------------------


def test_query_body_over_1_mb_is_413(client: TestClient) -> None:
    big = "ASK {} #" + "x" * 1_000_001
    r = client.post("/sparql", content=big, headers={"content-type": "application/sparql-query"})
    assert r.status_code == 413
    r = client.post("/sparql", data={"query": big})
    assert r.status_code == 413


def test_upload_over_the_limit_is_413(writable: TestClient) -> None:
    body = b"<urn:a> <urn:b> " + b'"' + b"x" * 300_000 + b'" .'
    r = writable.put(
        f"/graphs?graph={KGG}big",
        content=body,
        headers={"authorization": f"Bearer {TOKEN}", "content-type": "text/turtle"},
    )
    assert r.status_code == 413


def test_url_over_16_kb_is_414(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "ASK {} #" + "x" * 17_000})
    assert r.status_code == 414


def test_5000_deep_nesting_is_400_and_the_server_lives(client: TestClient) -> None:
    deep = "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000
    r = client.post("/sparql", content=deep, headers={"content-type": "application/sparql-query"})
    assert r.status_code == 400
    assert "nested deeper than 200" in r.json()["message"]
    deep_paren = "ASK { FILTER(" + "(" * 300 + "1" + ")" * 300 + ") }"
    assert client.post("/sparql", data={"query": deep_paren}).status_code == 400
    assert ask(client, ASK_QAANI)


def test_select_is_capped_at_100000_rows_with_an_explicit_marker(client: TestClient) -> None:
    q = "SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 100010"
    r = client.get("/sparql", params={"query": q})
    assert r.status_code == 200
    doc = r.json()
    assert len(doc["results"]["bindings"]) == 100_000
    assert doc["kgraph"] == {"truncated": True, "max_rows": 100_000}
    assert "urn:kgraph:result-truncated" in doc["head"]["link"]
    assert r.headers["kgraph-truncated"].startswith("true")


def test_caps_are_configurable_and_marked_in_every_format(store_path: Path) -> None:
    with TestClient(create_app(store_path, workers=1, max_rows=3, max_triples=4)) as c:
        q = "SELECT ?s WHERE { ?s ?p ?o }"
        xml = c.get("/sparql", params={"query": q, "format": "xml"})
        assert xml.text.count("<result>") == 3 and "result-truncated" in xml.text
        tsv = c.get("/sparql", params={"query": q, "format": "tsv"})
        assert len(tsv.text.strip().splitlines()) == 4
        assert tsv.headers["kgraph-truncated"].startswith("true")
        ttl = c.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
        assert "result-truncated" in ttl.text
        assert len(list(ox.parse(ttl.content, format=ox.RdfFormat.TURTLE))) == 4
        small = c.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 2"})
        assert "kgraph-truncated" not in small.headers and "kgraph" not in small.json()


def test_long_regular_expressions_are_400(client: TestClient) -> None:
    pattern = "(a|aa)*" * 300
    q = 'SELECT * WHERE { ?s ?p ?o FILTER(REGEX(STR(?o), "' + pattern + '")) }'
    r = client.post("/sparql", data={"query": q})
    assert r.status_code == 400
    assert "regular expression" in r.json()["message"]


# -- parsers ----------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="urn:a"><rdf:value>&lol2;</rdf:value></rdf:Description></rdf:RDF>"""


def test_rdf_xml_with_a_dtd_is_refused_before_parsing(writable: TestClient) -> None:
    r = writable.put(
        f"/graphs?graph={KGG}lol",
        content=BILLION_LAUGHS,
        headers={"authorization": f"Bearer {TOKEN}", "content-type": "application/rdf+xml"},
    )
    assert r.status_code == 400
    assert "DOCTYPE" in r.json()["message"]
    assert writable.get(f"/graphs?graph={KGG}lol").status_code == 404


def test_uploads_are_parsed_with_a_memory_limit(store_path: Path) -> None:
    app = create_app(store_path, workers=1, token=TOKEN, upload_memory_bytes=64_000_000)
    with TestClient(app) as c:
        body = b"".join(b"<urn:s%d> <urn:p> <urn:o%d> .\n" % (i, i) for i in range(400_000))
        r = c.put(
            f"/graphs?graph={KGG}huge",
            content=body,
            headers={"authorization": f"Bearer {TOKEN}", "content-type": "application/n-triples"},
        )
        assert r.status_code == 413
        assert r.json()["message"] == "the upload needs more memory than allowed"
        assert c.get(f"/graphs?graph={KGG}huge").status_code == 404
        assert c.get("/sparql", params={"query": "ASK {}"}).status_code == 200


# -- errors -----------------------------------------------------------------------------------


def test_invalid_utf8_is_400(client: TestClient) -> None:
    r = client.post(
        "/sparql", content=b"ASK { \xff\xfe }", headers={"content-type": "application/sparql-query"}
    )
    assert r.status_code == 400
    r = client.post(
        "/sparql",
        content=b"query=ASK%20%7B%7D%FF",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 400
    r = client.get("/sparql?query=ASK%20%7B%7D%FF")
    assert r.status_code == 400


def test_unsupported_content_type_is_415(client: TestClient) -> None:
    r = client.post("/sparql", content=b"ASK {}", headers={"content-type": "text/plain"})
    assert r.status_code == 415
    r = client.post("/sparql", content=b"ASK {}")
    assert r.status_code == 415


def test_unknown_accept_is_406(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"accept": "application/x-nope"})
    assert r.status_code == 406
    r = client.get("/data/esmail-qaani.ttl", headers={"accept": "application/x-nope"})
    assert r.status_code == 200  # the extension chose the format


HOSTILE = [
    ("GET", "/sparql?query=%00", None, {}),
    ("GET", "/sparql?query=" + "%7B" * 3000, None, {}),
    ("POST", "/sparql", b"\x00\x01\x02", {"content-type": "application/sparql-query"}),
    ("POST", "/sparql", b"query=", {"content-type": "application/x-www-form-urlencoded"}),
    ("POST", "/sparql", b"query=a&query=b", {"content-type": "application/x-www-form-urlencoded"}),
    ("POST", "/sparql", b"%%%", {"content-type": "application/x-www-form-urlencoded"}),
    ("GET", "/sparql?query=SELECT%20*%20%7B%3Fs%20%3Fp%20%22%5Cu0000%22%7D", None, {}),
    ("GET", "/sparql?query=ASK%20%7B%7D&default-graph-uri=%20", None, {}),
    ("GET", "/sparql?query=ASK%20%7B%7D", None, {"accept": "*/*;q=x, ,;;"}),
    ("GET", "/sparql?query=ASK%20%7B%7D", None, {"accept": "a" * 5000}),
    ("GET", "/graphs", None, {}),
    ("GET", "/graphs?graph=a&default", None, {}),
    ("GET", "/graphs?graph=%FF", None, {}),
    ("PATCH", "/sparql", b"x", {}),
    ("GET", "/page/" + "a" * 5000, None, {}),
    ("GET", "/data/esmail-qaani.", None, {}),
    ("GET", "/id/ESMAIL-QAANI", None, {}),
    ("GET", "/search?q=" + "%F0%9F%92%A9" * 500, None, {}),
    ("GET", "/query?query=SELEC", None, {}),
    ("GET", "/query?query=" + "%7B" * 3000, None, {}),
    ("GET", "/dumps/..%2f..%2fetc%2fpasswd", None, {}),
    ("GET", "/static/..%2f..%2f__init__.py", None, {}),
    (
        "POST",
        "/sparql",
        b"ASK {}",
        {"content-type": "application/sparql-query", "content-length": "x"},
    ),
]


@pytest.mark.parametrize(("method", "url", "body", "headers"), HOSTILE)
def test_hostile_input_never_gives_a_500_a_traceback_or_a_path(
    client: TestClient, method: str, url: str, body: bytes | None, headers: dict[str, str]
) -> None:
    r = client.request(method, url, content=body, headers=headers)
    assert 200 <= r.status_code < 500, (r.status_code, r.text[:300])
    assert "Traceback" not in r.text
    assert not re.search(r"/(work|root|usr|home|tmp)/|\.py\b", r.text), r.text[:300]


# -- escaping, headers, CORS ------------------------------------------------------------------

XSS_LABEL = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def xss_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A store whose entity label is an XSS payload (the curated data has none)."""
    path = tmp_path_factory.mktemp("xss") / "store"
    store = ox.Store(str(path))
    g = ox.NamedNode(KGG + "curation")
    x = ox.NamedNode("https://w3id.org/kgraph/id/evil")
    skos = "http://www.w3.org/2004/02/skos/core#"
    store.add(ox.Quad(x, ox.NamedNode(skos + "prefLabel"), ox.Literal(XSS_LABEL, language="en"), g))
    store.add(
        ox.Quad(x, ox.NamedNode(skos + "altLabel"), ox.Literal("</script><b>x", language="en"), g)
    )
    store.add(
        ox.Quad(
            x,
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode("https://w3id.org/kgraph/ontology#Person"),
            g,
        )
    )
    store.flush()
    del store
    with TestClient(create_app(path, workers=1)) as c:
        yield c


def test_labels_are_escaped_in_html(xss_client: TestClient) -> None:
    page = xss_client.get("/page/evil")
    assert page.status_code == 200
    assert XSS_LABEL not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    hits = xss_client.get("/search", params={"q": "script alert"})
    assert XSS_LABEL not in hits.text and "&lt;script&gt;" in hits.text
    home = xss_client.get("/", params={"q": XSS_LABEL})
    assert XSS_LABEL not in home.text


def test_embedded_json_ld_escapes_closing_tags(xss_client: TestClient) -> None:
    page = xss_client.get("/page/evil").text
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    assert "</" not in blocks[0] and "<" not in blocks[0]
    doc = json.loads(blocks[0])
    assert doc["name"] == XSS_LABEL and doc["@type"] == "Person"


def test_security_headers_on_data_pages(client: TestClient) -> None:
    for path in ("/", "/page/esmail-qaani", "/query", "/ontology", "/search?q=qaani"):
        r = client.get(path)
        assert r.status_code == 200
        assert r.headers["x-content-type-options"] == "nosniff"
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "<script>" not in r.text  # no inline script anywhere
    for path in ("/sparql?query=ASK%20%7B%7D", "/data/esmail-qaani.ttl", "/static/style.css"):
        assert client.get(path).headers["x-content-type-options"] == "nosniff"


def test_cors_star_only_on_read_routes_and_never_with_credentials(
    client: TestClient, writable: TestClient
) -> None:
    for path in (
        "/sparql?query=ASK%20%7B%7D",
        "/data/esmail-qaani.ttl",
        f"/graphs?graph={KGG}curation",
    ):
        r = client.get(path, headers={"origin": "https://elsewhere.example"})
        assert r.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in r.headers
    r = writable.post(
        "/sparql",
        data={"update": INSERT},
        headers={"authorization": f"Bearer {TOKEN}", "origin": "https://elsewhere.example"},
    )
    assert r.status_code == 204 and "access-control-allow-origin" not in r.headers
    page = client.get("/page/esmail-qaani", headers={"origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in page.headers


# -- paths and injection ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/page/%2e%2e/%2e%2e/etc/passwd",
        "/page/..%2f..%2fetc%2fpasswd",
        "/data/%2e%2e%2f%2e%2e%2fetc%2fpasswd.ttl",
        "/static/%2e%2e/%2e%2e/security.py",
        "/dumps/%2e%2e/%2e%2e/etc/passwd",
        "/id/%00",
        "/page/esmail-qaani%00.html",
    ],
)
def test_path_traversal_is_404_or_400(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code in (400, 404)
    assert "root:" not in r.text


def test_entity_names_are_bound_never_pasted_into_sparql(client: TestClient) -> None:
    injected = "x> } ; DROP ALL #"
    for route in ("/page/", "/id/", "/data/"):
        suffix = ".ttl" if route == "/data/" else ""
        r = client.get(route + injected.replace(" ", "%20").replace("#", "%23") + suffix)
        assert r.status_code == 404
    r = client.get("/search", params={"q": injected})
    assert r.status_code == 200
    assert ask(client, ASK_QAANI)


def test_pages_and_search_follow_a_write(writable: TestClient) -> None:
    search = {"params": {"q": "Zzyzx Testperson"}, "headers": {"accept": "application/json"}}
    assert writable.get("/search", **search).json()["hits"] == []
    update = (
        "INSERT DATA { GRAPH <https://w3id.org/kgraph/graph/curation> { "
        "<https://w3id.org/kgraph/id/zzyzx-testperson> "
        '<http://www.w3.org/2004/02/skos/core#prefLabel> "Zzyzx Testperson"@en } }'
    )
    r = writable.post(
        "/sparql", data={"update": update}, headers={"authorization": f"Bearer {TOKEN}"}
    )
    assert r.status_code == 204
    hits = writable.get(
        "/search", params={"q": "Zzyzx Testperson"}, headers={"accept": "application/json"}
    ).json()["hits"]
    assert [h["iri"] for h in hits] == ["https://w3id.org/kgraph/id/zzyzx-testperson"]
    assert writable.get("/page/zzyzx-testperson").status_code == 200


def test_a_query_over_the_worker_memory_limit_fails_alone(store_path: Path) -> None:
    """A huge sort exhausts its worker's address-space limit: 503, a fresh worker, no harm."""
    app = create_app(store_path, workers=2, timeout=20, worker_memory_bytes=1_500_000_000)
    with TestClient(app) as c:
        q = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?d ?c ?f"
        r = c.get("/sparql", params={"query": q})
        assert r.status_code == 503
        assert "memory" in r.json()["message"]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(app.state.kgraph.pool.pids) < 2:  # type: ignore[attr-defined]
            time.sleep(0.1)
        assert [ask(c, "ASK {}") for _ in range(4)] == [True] * 4
