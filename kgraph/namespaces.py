"""The IRIs kgraph mints and the vocabularies it reuses (see docs/model.md)."""

from __future__ import annotations

import re
from typing import Final

BASE: Final = "https://w3id.org/kgraph/"
ONTOLOGY: Final = BASE + "ontology"
KGO: Final = ONTOLOGY + "#"
KG: Final = BASE + "id/"
KGG: Final = BASE + "graph/"

ORG: Final = "http://www.w3.org/ns/org#"
PROV: Final = "http://www.w3.org/ns/prov#"
TIME: Final = "http://www.w3.org/2006/time#"
SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
DCTERMS: Final = "http://purl.org/dc/terms/"
SCHEMA: Final = "https://schema.org/"
FOAF: Final = "http://xmlns.com/foaf/0.1/"
RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS: Final = "http://www.w3.org/2000/01/rdf-schema#"
OWL: Final = "http://www.w3.org/2002/07/owl#"
XSD: Final = "http://www.w3.org/2001/XMLSchema#"
SH: Final = "http://www.w3.org/ns/shacl#"

PREFIXES: Final[dict[str, str]] = {
    "kgo": KGO,
    "kg": KG,
    "kgg": KGG,
    "org": ORG,
    "prov": PROV,
    "time": TIME,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "schema": SCHEMA,
    "foaf": FOAF,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
}

SLUG_RE: Final = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

INFERRED_GRAPH: Final = KGG + "inferred"
ONTOLOGY_GRAPH: Final = KGG + "ontology"
CURATION_GRAPH: Final = KGG + "curation"


def is_slug(text: str) -> bool:
    """True when ``text`` is a valid entity slug (lower-case ASCII words joined by '-')."""
    return bool(SLUG_RE.match(text)) and len(text) <= 120
