"""The remote backend: any SPARQL 1.1 server.

* Queries go through SPARQLWrapper (HTTP POST), answers are parsed with pyoxigraph.
* Loading uses the SPARQL 1.1 Graph Store Protocol (``PUT <store>?graph=<g>``) when the server
  has a store endpoint, else SPARQL Update (``DROP SILENT GRAPH`` + ``INSERT DATA``).
* The default graph must be the union of the named graphs, as kgraph's queries expect. Either
  the server does it (``oxigraph serve --union-default-graph``; ``union_default_graph=True``,
  the default), or kgraph asks for it through the protocol: with ``union_default_graph=False``
  every request names all the store's graphs as ``default-graph-uri`` *and*
  ``named-graph-uri``, which any SPARQL 1.1 server honours, and the query text is left as is.
* Bound values: SPARQL has no standard way to send bindings beside a query, so each value is
  written by the strict term writer :func:`kgraph.store.terms.sparql_term` (which can only ever
  produce one well-formed term) into a ``VALUES`` block placed at the start of the query's
  outermost ``WHERE`` group. The block joins with the patterns and filters of that group (the
  same answers as pyoxigraph substitutions for kgraph's queries); a sub-SELECT does not see it.
* Every request has a timeout: a server that is down, refuses or hangs gives a
  :class:`~kgraph.errors.RemoteStoreError` within ``timeout`` seconds.
"""

from __future__ import annotations

import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, TURTLE, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from kgraph.errors import QueryRefused, QuerySyntaxError, RemoteStoreError
from kgraph.namespaces import PREFIXES
from kgraph.store.base import RawResult, Term, local_syntax_error, parse_quads
from kgraph.store.terms import sparql_term

__all__ = ["RemoteStore", "inject_values"]

_PROLOGUE = " ".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items()) + " "
_IRI_AT = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _scan(query: str) -> list[tuple[int, str]]:
    """The structural tokens of a query outside strings, IRIs and comments: words and braces."""
    out: list[tuple[int, str]] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch == "#":
            j = query.find("\n", i)
            i = n if j < 0 else j + 1
        elif ch in "\"'":
            triple = query.startswith(ch * 3, i)
            end = ch * 3 if triple else ch
            j = i + len(end)
            while j < n:
                if query[j] == "\\":
                    j += 2
                    continue
                if query.startswith(end, j):
                    break
                j += 1
            i = j + len(end)
        elif ch == "<" and (m := _IRI_AT.match(query, i)):
            i = m.end()
        elif ch in "{}":
            out.append((i, ch))
            i += 1
        elif ch in "?$":
            m = _WORD.match(query, i + 1)
            i = m.end() if m else i + 1
        elif m := _WORD.match(query, i):
            out.append((i, m.group().upper()))
            i = m.end()
        else:
            i += 1
    return out


def inject_values(query: str, bindings: Mapping[str, Term]) -> str:
    """The query with a ``VALUES`` block of the bound terms opening its outermost WHERE group."""
    if not bindings:
        return query
    names = list(bindings)
    for name in names:
        if not _WORD.fullmatch(name):
            raise QueryRefused(f"not a variable name: {name!r}")
    row = " ".join(sparql_term(bindings[k]) for k in names)
    block = " VALUES (" + " ".join("?" + k for k in names) + ") { (" + row + ") } "
    at = _values_position(query)
    if at is None:
        raise QueryRefused("cannot bind values in this query: it has no WHERE group")
    return query[: at + 1] + block + query[at + 1:]


@lru_cache(maxsize=1024)
def _values_position(query: str) -> int | None:
    """The offset of the brace opening the outermost WHERE group (cached per query text)."""
    tokens = _scan(query)
    where = _where_pos(tokens)
    braces = [pos for pos, tok in tokens if tok == "{" and pos > where]
    return braces[0] if braces else None


def _where_pos(tokens: list[tuple[int, str]]) -> int:
    depth = 0
    for pos, tok in tokens:
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
        elif tok == "WHERE" and depth == 0:
            return pos
    return -1


class RemoteStore:
    """A SPARQL 1.1 server at ``endpoint`` (its query URL)."""

    backend = "remote"
    path: Path | None = None

    def __init__(
        self,
        endpoint: str,
        *,
        update_endpoint: str | None = None,
        store_endpoint: str | None = None,
        timeout: float = 10.0,
        load_timeout: float = 300.0,
        union_default_graph: bool = True,
        read_only: bool = False,
    ) -> None:
        self.endpoint = endpoint
        base = endpoint.rstrip("/")
        if update_endpoint is None:
            update_endpoint = base[: -len("/query")] + "/update" if base.endswith("/query") \
                else endpoint
        if store_endpoint is None and base.endswith("/query"):
            store_endpoint = base[: -len("/query")] + "/store"
        self.update_endpoint = update_endpoint
        self.store_endpoint = store_endpoint
        self.timeout = timeout
        self.load_timeout = load_timeout
        self.union_default_graph = union_default_graph
        self.read_only = read_only
        self._graph_cache: list[str] | None = None

    # -- queries ---------------------------------------------------------------------------
    def _client(self, query: str, *, update: bool = False) -> SPARQLWrapper:
        client = SPARQLWrapper(self.endpoint, updateEndpoint=self.update_endpoint)
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED)
        client.setTimeout(int(max(1, round(self.timeout))))
        client.setQuery(query)
        return client

    def execute(
        self,
        query: str,
        *,
        default_graph_union: bool = True,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        bindings: Mapping[str, Term] | None = None,
    ) -> RawResult:
        text = _PROLOGUE + inject_values(query, bindings or {})
        client = self._client(text)
        if default_graph is not None:
            for g in default_graph:
                client.addDefaultGraph(g)
            for g in named_graphs if named_graphs is not None else self.graphs():
                client.addNamedGraph(g)
        elif named_graphs is not None or (default_graph_union and not self.union_default_graph):
            graphs = self.graphs()
            if default_graph_union:
                for g in graphs:
                    client.addDefaultGraph(g)
            for g in named_graphs if named_graphs is not None else graphs:
                client.addNamedGraph(g)
        kind = client.queryType
        graph_query = kind in ("CONSTRUCT", "DESCRIBE")
        client.setReturnFormat(TURTLE if graph_query else JSON)
        body, ctype = self._send(client, query)
        if graph_query:
            fmt = ox.RdfFormat.from_media_type(ctype) or ox.RdfFormat.TURTLE
            try:
                triples = [
                    ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=fmt)
                ]
            except SyntaxError as exc:
                raise RemoteStoreError(f"{self.endpoint} sent an unreadable graph: {exc}") from exc
            return RawResult("graph", triples=triples)
        rfmt = ox.QueryResultsFormat.from_media_type(ctype) or ox.QueryResultsFormat.JSON
        try:
            parsed = ox.parse_query_results(body, format=rfmt)
        except SyntaxError as exc:
            raise RemoteStoreError(f"{self.endpoint} sent unreadable results: {exc}") from exc
        if isinstance(parsed, ox.QueryBoolean):
            return RawResult("ask", boolean=bool(parsed))
        return RawResult(
            "select", variables=[v.value for v in parsed.variables], solutions=list(parsed)
        )

    def _send(self, client: SPARQLWrapper, original: str) -> tuple[bytes, str]:
        try:
            response = client.query()
            raw = response.response
            body: bytes = raw.read()
            ctype = (raw.headers.get("Content-Type") or "").split(";")[0].strip()
            return body, ctype
        except QueryBadFormed as exc:
            raise self._syntax_error(exc, original) from None
        except SPARQLWrapperException as exc:
            raise RemoteStoreError(
                f"the SPARQL server at {self.endpoint} refused the request: {exc.msg}"
            ) from None
        except TimeoutError as exc:
            raise self._timeout(exc) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                raise self._timeout(exc) from None
            raise RemoteStoreError(
                f"cannot reach the SPARQL server at {self.endpoint}: {exc.reason}",
                hint="is the server running? check the URL",
            ) from None
        except (ConnectionError, OSError) as exc:
            raise RemoteStoreError(
                f"the connection to {self.endpoint} failed: {exc}",
                hint="is the server running? check the URL",
            ) from None

    def _timeout(self, exc: BaseException) -> RemoteStoreError:
        return RemoteStoreError(
            f"the SPARQL server at {self.endpoint} did not answer within {self.timeout:g} s",
            hint="the server is down or overloaded; raise the timeout if the query is heavy",
        )

    def _syntax_error(self, exc: QueryBadFormed, original: str) -> QuerySyntaxError:
        # position from a local parse of the text the user wrote
        local = local_syntax_error(original)
        if local is not None:
            return local
        return QuerySyntaxError(str(exc.msg).strip().splitlines()[-1][:300])

    def update(self, update: str) -> None:
        if self.read_only:
            raise QueryRefused("this remote store is open read-only: updates are refused")
        client = self._client(_PROLOGUE + update, update=True)
        client.setTimeout(int(max(1, round(self.load_timeout))))
        self._send(client, update)
        self._graph_cache = None

    # -- loading ---------------------------------------------------------------------------
    def _http(self, method: str, url: str, data: bytes, ctype: str) -> None:
        if not url.startswith(("http://", "https://")):
            raise RemoteStoreError(f"not an http(s) URL: {url}")
        request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
            url, data=data, method=method, headers={"Content-Type": ctype}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.load_timeout) as resp:  # noqa: S310
                resp.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:300]
            raise RemoteStoreError(f"{method} {url} failed: HTTP {exc.code} {detail}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise RemoteStoreError(f"cannot reach {url}: {exc}") from None

    def replace_graph(self, graph: str, ntriples: bytes) -> None:
        if self.read_only:
            raise QueryRefused("this remote store is open read-only: loading is refused")
        if self.store_endpoint:
            url = self.store_endpoint + "?" + urllib.parse.urlencode({"graph": graph})
            self._http("PUT", url, ntriples, "application/n-triples")
        else:
            g = sparql_term(ox.NamedNode(graph))
            self.update(f"DROP SILENT GRAPH {g} ;\nINSERT DATA {{ GRAPH {g} {{\n"
                        + ntriples.decode() + "\n} }")
        self._graph_cache = None

    def load(self, data: bytes, format: ox.RdfFormat, *, graph: str | None = None) -> None:
        """Add RDF: statements without blank nodes graph by graph (Graph Store Protocol POST
        or INSERT DATA), then every statement with a blank node in one INSERT DATA, whose blank
        nodes are one set across its GRAPH blocks (see :mod:`kgraph.store.lines`)."""
        if self.read_only:
            raise QueryRefused("this remote store is open read-only: loading is refused")
        quads = parse_quads(data, format, graph)
        by_graph: dict[str, list[ox.Triple]] = {}
        blank: dict[str, list[ox.Triple]] = {}
        for q in quads:
            if not isinstance(q.graph_name, ox.NamedNode):
                raise RemoteStoreError("kgraph loads named graphs only, not the default graph")
            triple = ox.Triple(q.subject, q.predicate, q.object)
            has_blank = isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
            (blank if has_blank else by_graph).setdefault(q.graph_name.value, []).append(triple)
        for name, triples in by_graph.items():
            nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            if self.store_endpoint:
                url = self.store_endpoint + "?" + urllib.parse.urlencode({"graph": name})
                self._http("POST", url, nt, "application/n-triples")
            else:
                g = sparql_term(ox.NamedNode(name))
                self.update(f"INSERT DATA {{ GRAPH {g} {{\n" + nt.decode() + "\n} }")
        if blank:
            blocks = [
                f"GRAPH {sparql_term(ox.NamedNode(name))} {{\n"
                + (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode() + "}"
                for name, triples in blank.items()
            ]
            self.update("INSERT DATA {\n" + "\n".join(blocks) + "\n}")
        self._graph_cache = None

    def graphs(self) -> list[str]:
        if self._graph_cache is None:
            client = self._client("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
            client.setReturnFormat(JSON)
            body, ctype = self._send(client, "")
            parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
            assert isinstance(parsed, ox.QuerySolutions)
            self._graph_cache = sorted(
                s[0].value for s in parsed if isinstance(s[0], ox.NamedNode)
            )
        return list(self._graph_cache)

    def quad_count(self) -> int:
        raw = self.execute(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", default_graph_union=False
        )
        for sol in raw.solutions():
            term = sol[0]
            return int(term.value) if isinstance(term, ox.Literal) else 0
        return 0

    def dump(self, output: BinaryIO, format: ox.RdfFormat, *, graph: str | None = None) -> None:
        query = (
            "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
        )
        bindings: dict[str, Term] = {"g": ox.NamedNode(graph)} if graph else {}
        raw = self.execute(query, bindings=bindings, default_graph_union=False)
        quads: list[Any] = []
        for sol in raw.solutions():
            s, p, o, g = sol[0], sol[1], sol[2], sol[3]
            if format.supports_datasets:
                quads.append(ox.Quad(s, p, o, g))  # type: ignore[arg-type]
            else:
                quads.append(ox.Triple(s, p, o))  # type: ignore[arg-type]
        ox.serialize(quads, output, format=format, prefixes=PREFIXES)

    def close(self) -> None:
        self._graph_cache = None
