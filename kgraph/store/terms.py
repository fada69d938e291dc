"""RDF terms across pyoxigraph, rdflib and plain Python, and a strict SPARQL term writer.

:func:`sparql_term` is what makes bound values safe on a remote server: it writes one term in
SPARQL syntax or refuses. IRIs are checked against the IRIREF grammar (no spaces, no
``<>"{}|^`\\``), literals are escaped with SPARQL's ECHAR escapes (quotes, backslash, line
breaks), language tags and datatypes are checked. The output can only ever be one term, so a
bound value cannot change the structure of the query around it.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

import pyoxigraph as ox
import rdflib

from kgraph.errors import InputError
from kgraph.namespaces import XSD

__all__ = [
    "from_python",
    "from_rdflib",
    "json_term",
    "solutions_to_json",
    "sparql_term",
    "to_python",
    "to_rdflib",
]

_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LANG = re.compile(r"^[a-zA-Z]+(-[a-zA-Z0-9]+)*$")
_BNODE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
_ECHAR = {
    "\\": "\\\\",
    '"': '\\"',
    "'": "\\'",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


def _check_iri(value: str) -> str:
    if not value or _IRI_FORBIDDEN.search(value) or ":" not in value:
        raise InputError(
            f"not a usable absolute IRI: {value!r}",
            hint='an IRI has a scheme (https:) and no spaces or <>"{}|^`\\ characters',
        )
    return value


def _escape(text: str) -> str:
    return "".join(_ECHAR.get(ch, ch) for ch in text)


def sparql_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    """Write one term in SPARQL syntax, strictly (see the module docstring).

    Blank nodes cannot be bound remotely (their labels are local to a result) and are refused.
    """
    if isinstance(term, ox.NamedNode):
        return "<" + _check_iri(term.value) + ">"
    if isinstance(term, ox.Literal):
        body = '"' + _escape(term.value) + '"'
        if term.language:
            if not _LANG.match(term.language):
                raise InputError(f"not a language tag: {term.language!r}")
            return body + "@" + term.language
        if term.datatype.value != XSD + "string":
            return body + "^^<" + _check_iri(term.datatype.value) + ">"
        return body
    raise InputError(
        "a blank node cannot be bound in a query sent to a remote server",
        hint="bind the IRI of the entity instead",
    )


def from_python(value: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A pyoxigraph term for a Python value.

    Strings become plain literals (use :class:`kgraph.model.IRI` or ``rdflib.URIRef`` for an
    IRI); ints, floats, decimals, bools and dates get their XSD datatype; model values with an
    ``iri`` attribute become that IRI.
    """
    if isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal):
        return value
    if isinstance(value, rdflib.term.Node):
        return from_rdflib(value)
    iri = getattr(value, "iri", None)
    if isinstance(iri, str):
        return ox.NamedNode(_check_iri(iri))
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode(XSD + "double"))
    if isinstance(value, decimal.Decimal):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "decimal"))
    if isinstance(value, _dt.datetime):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "dateTime"))
    if isinstance(value, _dt.date):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    if isinstance(value, str):
        return ox.Literal(value)
    raise InputError(f"cannot bind a {type(value).__name__} value in a query: {value!r}")


def from_rdflib(node: Any) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A pyoxigraph term for an rdflib term."""
    if isinstance(node, rdflib.URIRef):
        return ox.NamedNode(_check_iri(str(node)))
    if isinstance(node, rdflib.BNode):
        return ox.BlankNode(str(node)) if _BNODE.match(str(node)) else ox.BlankNode()
    if isinstance(node, rdflib.Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        if node.datatype is not None:
            return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
        return ox.Literal(str(node))
    raise InputError(f"not an RDF term: {node!r}")


def to_rdflib(term: Any) -> rdflib.term.Identifier:
    """An rdflib term for a pyoxigraph term."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == XSD + "string":
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(dt))
    if isinstance(term, ox.DefaultGraph):
        return rdflib.URIRef("urn:x-rdflib:default")
    raise TypeError(f"not an RDF term: {term!r}")


_NATIVE = {
    XSD + "integer": int,
    XSD + "int": int,
    XSD + "long": int,
    XSD + "nonNegativeInteger": int,
    XSD + "positiveInteger": int,
    XSD + "decimal": decimal.Decimal,
    XSD + "double": float,
    XSD + "float": float,
}


def to_python(term: Any) -> object:
    """A plain Python value: IRIs and blank nodes as str, literals as int/float/Decimal/bool/
    date/str (the lexical form when it does not parse as its datatype)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode | ox.BlankNode):
        return term.value
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        value = term.value
        try:
            if dt in _NATIVE:
                return _NATIVE[dt](value)
            if dt == XSD + "boolean":
                return value in ("true", "1")
            if dt == XSD + "date":
                return _dt.date.fromisoformat(value)
            if dt == XSD + "dateTime":
                return _dt.datetime.fromisoformat(value)
        except (ValueError, decimal.InvalidOperation):
            return value
        return value
    return str(term)


def json_term(term: Any) -> dict[str, Any]:
    """A term in the SPARQL 1.1 Query Results JSON form (section 3.2.2); RDF 1.2 triple terms
    as ``{"type": "triple", ...}``. Never raises: an answer must always serialise."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD + "string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": json_term(term.subject),
                "predicate": json_term(term.predicate),
                "object": json_term(term.object),
            },
        }
    return {"type": "literal", "value": str(term)}


def solutions_to_json(
    variables: Sequence[str], solutions: Iterable[ox.QuerySolution | Sequence[Any]]
) -> bytes:
    """SPARQL 1.1 JSON results for solutions held in memory."""
    bindings = []
    for sol in solutions:
        row: dict[str, dict[str, Any]] = {}
        for i, var in enumerate(variables):
            term = sol[i]
            if term is not None:
                row[var] = json_term(term)
        bindings.append(row)
    doc = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(doc).encode()
