"""`kgraph publish` writes the linked-data site as static files, rendered by the live app."""

from __future__ import annotations

import gzip
import hashlib
import html
from pathlib import Path

import pyoxigraph as ox
import pytest
from server_support import QAANI, built_store_path, read_store

from kgraph.publish import publish

pytestmark = pytest.mark.slow


def test_publish_writes_pages_data_ontology_void_and_dumps(tmp_path: Path) -> None:
    store = read_store(built_store_path())
    label = next(
        iter(
            store.query(
                "SELECT ?l WHERE { <https://w3id.org/kgraph/id/esmail-qaani> "
                "<http://www.w3.org/2004/02/skos/core#prefLabel> ?l }",
                use_default_graph_as_union=True,
            )
        )
    )["l"].value
    site = tmp_path / "site"
    report = publish(built_store_path(), site)
    assert report.entities > 0 and report.files > report.entities
    page = (site / "page" / "esmail-qaani" / "index.html").read_text()
    assert label in html.unescape(page)
    assert "url=/page/esmail-qaani" in (site / "id" / "esmail-qaani" / "index.html").read_text()
    triples = set(
        ox.parse((site / "data" / "esmail-qaani.nt").read_bytes(), format=ox.RdfFormat.N_TRIPLES)
    )
    assert any(t.subject == ox.NamedNode(QAANI) for t in triples)
    assert (site / "ontology" / "index.html").exists() and (site / "ontology.ttl").exists()
    void = ox.parse((site / ".well-known" / "void").read_bytes(), format=ox.RdfFormat.TURTLE)
    assert any(t.predicate.value == "http://rdfs.org/ns/void#dataDump" for t in void)
    dump = (site / "dumps" / "kgraph.nq.gz").read_bytes()
    assert (site / "dumps" / "kgraph.nq.gz.sha256").read_text().split()[0] == hashlib.sha256(
        dump
    ).hexdigest()
    assert len(set(ox.parse(gzip.decompress(dump), format=ox.RdfFormat.N_QUADS))) == len(store)
    assert (site / "static" / "style.css").exists()
