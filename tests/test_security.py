"""The query and input guards refuse what could hurt the process or reach the network.

Every SPARQL text kgraph runs passes :func:`kgraph.security.check_query` first; RDF/XML passes
:func:`kgraph.security.check_rdf_xml`. These tests pin what is refused and, just as important,
that ordinary queries (with braces, '#' and 'SERVICE' inside strings or IRIs) are not.
"""

from __future__ import annotations

import time

import pyoxigraph
import pytest

from kgraph.errors import InputError, LimitExceeded, QueryRefused
from kgraph.namespaces import CURATION_GRAPH, KGG
from kgraph.security import analyze_query, check_query, check_rdf_xml


def test_ordinary_queries_pass_and_their_form_is_known() -> None:
    assert check_query("SELECT * WHERE { ?s ?p ?o } LIMIT 1").form == "SELECT"
    assert check_query("ASK {}").form == "ASK"
    assert check_query("PREFIX s: <http://x/> CONSTRUCT WHERE { ?s s:p ?o }").form == "CONSTRUCT"
    assert check_query("DESCRIBE <https://w3id.org/kgraph/id/esmail-qaani>").form == "DESCRIBE"


def test_keywords_inside_strings_iris_and_comments_are_not_keywords() -> None:
    text = """
    PREFIX kg: <https://w3id.org/kgraph/id/>
    SELECT ?x WHERE {
      ?x ?p "SERVICE <http://evil/> { LOAD }" .   # SERVICE in a comment { { {
      ?x ?q <http://example.org/a#SERVICE> .
      FILTER(?p != kg:drop-all && ?p != 'INSERT DATA {}')
    }"""
    info = check_query(text)
    assert info.form == "SELECT" and not info.is_update


def test_service_is_refused_in_any_case() -> None:
    for text in (
        "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "select * { service silent <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * { ?s ?p ?o . SERVICE ?endpoint { ?a ?b ?c } }",
    ):
        with pytest.raises(QueryRefused, match="SERVICE"):
            check_query(text)


def test_load_is_refused_even_when_updates_are_allowed() -> None:
    with pytest.raises(QueryRefused, match="LOAD"):
        check_query("LOAD <http://example.org/data.ttl>", allow_update=True)


def test_file_iris_are_refused_anywhere() -> None:
    for text in (
        "SELECT * FROM <file:///etc/passwd> { ?s ?p ?o }",
        "SELECT * { GRAPH <FILE:///etc/passwd> { ?s ?p ?o } }",
        "SELECT * { BIND(IRI('x') AS ?y) ?s ?p <file:/etc/shadow> }",
    ):
        with pytest.raises(QueryRefused, match="file:"):
            check_query(text)


def test_from_may_name_only_project_graphs() -> None:
    ok = check_query(f"SELECT * FROM <{CURATION_GRAPH}> FROM NAMED <{KGG}x> {{ ?s ?p ?o }}")
    assert ok.from_graphs == (CURATION_GRAPH,) and ok.from_named_graphs == (f"{KGG}x",)
    for text in (
        "SELECT * FROM <http://127.0.0.1:9/data.ttl> { ?s ?p ?o }",
        "SELECT * FROM NAMED <https://example.org/g> { GRAPH ?g { ?s ?p ?o } }",
        "PREFIX e: <http://evil.example/> SELECT * FROM e:g { ?s ?p ?o }",
        "BASE <http://evil.example/> SELECT * FROM <g> { ?s ?p ?o }",
    ):
        with pytest.raises(QueryRefused, match="outside this knowledge graph"):
            check_query(text)


def test_prefixed_from_inside_the_project_is_allowed() -> None:
    info = check_query(f"PREFIX kgg: <{KGG}> SELECT * FROM kgg:curation {{ ?s ?p ?o }}")
    assert info.from_graphs == (CURATION_GRAPH,)


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "DROP ALL",
        "CLEAR DEFAULT",
        "CREATE GRAPH <https://w3id.org/kgraph/graph/x>",
        "WITH <https://w3id.org/kgraph/graph/x> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "COPY DEFAULT TO <https://w3id.org/kgraph/graph/x>",
    ],
)
def test_updates_are_refused_unless_allowed(update: str) -> None:
    with pytest.raises(QueryRefused, match="Update"):
        check_query(update)
    assert check_query(update, allow_update=True).is_update


def test_injected_update_after_a_query_is_still_an_update() -> None:
    with pytest.raises(QueryRefused):
        check_query("SELECT * { ?s ?p <x> } ; DROP ALL #")


def test_nesting_deeper_than_the_limit_is_refused_before_the_engine() -> None:
    shallow = "SELECT * WHERE " + "{" * 50 + " ?s ?p ?o " + "}" * 50
    assert check_query(shallow).depth == 50
    deep = "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000
    with pytest.raises(QueryRefused, match="nested deeper than 200"):
        check_query(deep)
    parens = "SELECT * { FILTER(" + "(" * 201 + "1" + ")" * 201 + ") }"
    with pytest.raises(QueryRefused, match="nested"):
        check_query(parens)
    with pytest.raises(QueryRefused):
        check_query(shallow, max_depth=10)


def test_the_depth_limit_is_below_what_the_engine_survives() -> None:
    # The guard's default must leave room: the engine itself parses 200 levels without harm.
    text = "SELECT * WHERE " + "{" * 200 + " ?s ?p ?o " + "}" * 200
    check_query(text)
    list(pyoxigraph.Store().query(text))


def test_brackets_inside_strings_do_not_count() -> None:
    text = 'SELECT * { ?s ?p "' + "{" * 1000 + '" }'
    assert check_query(text).depth == 1


def test_lexing_a_huge_query_is_fast_and_bounded() -> None:
    with pytest.raises(LimitExceeded):
        check_query("#" * 1_000_001)
    text = "SELECT * { " + " ".join(f"?s{i} ?p ?o ." for i in range(20000)) + " }"
    start = time.perf_counter()
    check_query(text)
    assert time.perf_counter() - start < 2.0


def test_long_regular_expressions_are_refused() -> None:
    check_query('SELECT * { ?s ?p ?o FILTER(REGEX(?o, "qa+ni", "i")) }')
    long_pattern = "(a|aa)*" * 200
    with pytest.raises(QueryRefused, match="regular expression"):
        check_query(f'SELECT * {{ ?s ?p ?o FILTER(regex(str(?o), "{long_pattern}")) }}')
    with pytest.raises(QueryRefused, match="regular expression"):
        check_query(f'SELECT (REPLACE(?o, "{long_pattern}", "") AS ?x) {{ ?s ?p ?o }}')
    # A long string elsewhere is no regex.
    check_query(f'SELECT * {{ ?s ?p "{long_pattern}" }}')


def test_nul_is_refused() -> None:
    with pytest.raises(QueryRefused):
        check_query("SELECT * { ?s ?p ?o }\x00")


def test_analyze_reports_an_update_form() -> None:
    assert analyze_query("INSERT DATA { <a> <b> <c> }").form == "UPDATE"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
 <rdf:Description rdf:about="http://a"><rdf:value>&lol3;</rdf:value></rdf:Description>
</rdf:RDF>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
 <rdf:Description rdf:about="http://a"><rdf:value>&xxe;</rdf:value></rdf:Description>
</rdf:RDF>"""

PLAIN = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
 <rdf:Description rdf:about="http://a"><rdf:value>ok</rdf:value></rdf:Description>
</rdf:RDF>"""


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, XXE, XXE.decode().encode("utf-16")])
def test_rdf_xml_with_a_dtd_is_refused(payload: bytes) -> None:
    with pytest.raises(InputError, match="DOCTYPE"):
        check_rdf_xml(payload)


def test_plain_rdf_xml_passes() -> None:
    check_rdf_xml(PLAIN)
    assert len(list(pyoxigraph.parse(PLAIN, format=pyoxigraph.RdfFormat.RDF_XML))) == 1
