"""SPARQL result serialisers with row caps, used inside the worker processes.

pyoxigraph serialises solutions itself but cannot stop after N rows; these write the four
SPARQL 1.1 result formats (JSON, XML, CSV, TSV) and stop at ``max_rows``, marking the cut
explicitly: a ``link`` in the head (JSON, XML) plus ``"kgraph": {"truncated": true}`` in JSON.
CONSTRUCT / DESCRIBE results go through :func:`pyoxigraph.serialize` fed by a counting
generator, with a closing comment in the formats that allow one.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

TRUNCATED_LINK = "urn:kgraph:result-truncated"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: result format key -> media type
RESULT_MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
#: RDF format key -> (pyoxigraph format, media type)
RDF_FORMATS: dict[str, tuple[ox.RdfFormat, str]] = {
    "ttl": (ox.RdfFormat.TURTLE, "text/turtle"),
    "nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json"),
    "rdf": (ox.RdfFormat.RDF_XML, "application/rdf+xml"),
    "trig": (ox.RdfFormat.TRIG, "application/trig"),
    "nq": (ox.RdfFormat.N_QUADS, "application/n-quads"),
}
COMMENT_FORMATS = frozenset({"ttl", "nt", "trig", "nq"})


def _json_term(term: Any) -> dict[str, Any]:
    # The same as kgraph.store.terms.json_term, kept here on purpose: the query worker runs
    # this module as a script beside pyoxigraph alone, without importing the library.
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    return {"type": "literal", "value": str(term)}


def _xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            dt = quoteattr(term.datatype.value)
            return f"<literal datatype={dt}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        return (
            f"<triple><subject>{_xml_term(term.subject)}</subject>"
            f"<predicate>{_xml_term(term.predicate)}</predicate>"
            f"<object>{_xml_term(term.object)}</object></triple>"
        )
    return f"<literal>{escape(str(term))}</literal>"


def _csv_term(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode | ox.Literal):
        return str(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def _tsv_term(term: Any) -> str:
    return "" if term is None else str(term)


def _capped(solutions: Iterable[Any], max_rows: int) -> tuple[list[Any], bool]:
    rows: list[Any] = []
    for solution in solutions:
        if len(rows) >= max_rows:
            return rows, True
        rows.append(solution)
    return rows, False


def serialize_solutions(
    solutions: ox.QuerySolutions, fmt: str, max_rows: int
) -> tuple[bytes, bool, int]:
    """Serialise up to ``max_rows`` solutions; return (body, truncated, rows written)."""
    names = [v.value for v in solutions.variables]
    rows, truncated = _capped(solutions, max_rows)
    if fmt == "json":
        bindings = []
        for row in rows:
            binding = {}
            for name in names:
                term = row[name]
                if term is not None:
                    binding[name] = _json_term(term)
            bindings.append(binding)
        head: dict[str, Any] = {"vars": names}
        doc: dict[str, Any] = {"head": head, "results": {"bindings": bindings}}
        if truncated:
            head["link"] = [TRUNCATED_LINK]
            doc["kgraph"] = {"truncated": True, "max_rows": max_rows}
        body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
    elif fmt == "xml":
        parts = [
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
        ]
        parts += [f"<variable name={quoteattr(n)}/>" for n in names]
        if truncated:
            parts.append(f'<link href="{TRUNCATED_LINK}"/>')
        parts.append("</head><results>")
        for row in rows:
            parts.append("<result>")
            for name in names:
                term = row[name]
                if term is not None:
                    parts.append(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>")
            parts.append("</result>")
        parts.append("</results></sparql>")
        body = "".join(parts).encode()
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(names)
        for row in rows:
            writer.writerow([_csv_term(row[n]) for n in names])
        body = out.getvalue().encode()
    elif fmt == "tsv":
        lines = ["\t".join(f"?{n}" for n in names)]
        lines += ["\t".join(_tsv_term(row[n]) for n in names) for row in rows]
        body = ("\n".join(lines) + "\n").encode()
    else:
        raise ValueError(f"unknown result format {fmt!r}")
    return body, truncated, len(rows)


def serialize_boolean(value: bool, fmt: str) -> bytes:
    """An ASK answer in one of the four result formats."""
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        word = "true" if value else "false"
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{word}</boolean></sparql>"
        ).encode()
    if fmt == "csv":
        return b"_askResult\r\n" + (b"true" if value else b"false") + b"\r\n"
    if fmt == "tsv":
        return b"?_askResult\n" + (b"true" if value else b"false") + b"\n"
    raise ValueError(f"unknown result format {fmt!r}")


class _Counter:
    def __init__(self, items: Iterable[Any], limit: int) -> None:
        self.items = items
        self.limit = limit
        self.count = 0
        self.truncated = False

    def __iter__(self) -> Iterator[Any]:
        for item in self.items:
            if self.count >= self.limit:
                self.truncated = True
                return
            self.count += 1
            yield item


def serialize_rdf(
    items: Iterable[Any], fmt: str, max_items: int, prefixes: dict[str, str] | None = None
) -> tuple[bytes, bool, int]:
    """Serialise triples or quads, stopping at ``max_items``; (body, truncated, count)."""
    rdf_format = RDF_FORMATS[fmt][0]
    counter = _Counter(items, max_items)
    use_prefixes = prefixes if fmt in ("ttl", "trig", "rdf", "jsonld") else None
    body = ox.serialize(counter, format=rdf_format, prefixes=use_prefixes) or b""
    if counter.truncated and fmt in COMMENT_FORMATS:
        body += f"# {TRUNCATED_LINK}: stopped after {max_items} statements\n".encode()
    return body, counter.truncated, counter.count
