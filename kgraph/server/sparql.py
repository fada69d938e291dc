"""The SPARQL 1.1 Protocol (query and update) and the Graph Store Protocol.

``/sparql``: query by GET, POST form and POST direct; update by POST only and only with the
bearer token; a Service Description when there is no query. ``/graphs``: Graph Store Protocol
(GET for everyone; PUT/POST/DELETE with the token). Every query passes
:func:`kgraph.security.check_query` before a worker sees it.
"""

from __future__ import annotations

import hmac
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kgraph.errors import InputError, LimitExceeded, NotFound, QueryRefused
from kgraph.security import check_query
from kgraph.server.errors import HTTPProblem
from kgraph.server.negotiation import (
    RDF_DEFAULT,
    RDF_TYPES,
    RESULT_DEFAULT,
    RESULT_TYPES,
    choose,
)
from kgraph.server.results import RDF_FORMATS, RESULT_MEDIA
from kgraph.server.state import ServerState, state_of

CORS_READ = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "KGraph-Truncated, Retry-After",
}
FORM = "application/x-www-form-urlencoded"


def media_type_of(fmt: str) -> str:
    if fmt in RESULT_MEDIA:
        return RESULT_MEDIA[fmt]
    return RDF_FORMATS[fmt][1]


def with_charset(media: str) -> str:
    if media.startswith("text/") or media.endswith(("json", "xml", "turtle", "trig")):
        return media + "; charset=utf-8"
    return media


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing (413) more than ``limit`` bytes before reading it all."""
    length = request.headers.get("content-length")
    if length is not None:
        try:
            if int(length) > limit:
                raise LimitExceeded(f"request body larger than {limit} bytes")
        except ValueError:
            raise InputError("bad Content-Length header") from None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise LimitExceeded(f"request body larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def decode_utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} is not valid UTF-8 (byte {exc.start})") from None


def parse_form(body: bytes) -> list[tuple[str, str]]:
    text = decode_utf8(body, "the form body")
    try:
        return parse_qsl(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except UnicodeDecodeError:
        raise InputError("the form body is not valid UTF-8 once percent-decoded") from None


def query_params(request: Request) -> list[tuple[str, str]]:
    raw = request.scope.get("query_string", b"")
    return parse_form(raw) if raw else []


def _values(params: list[tuple[str, str]], name: str) -> list[str]:
    return [v for k, v in params if k == name]


def _one(params: list[tuple[str, str]], name: str) -> str | None:
    values = _values(params, name)
    if len(values) > 1:
        raise InputError(f"more than one {name!r} parameter")
    return values[0] if values else None


def media_of(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def check_token(request: Request, state: ServerState) -> None:
    """401 without credentials, 403 with wrong ones or when no token is configured."""
    token = state.config.token
    if token is None:
        raise HTTPProblem(
            403,
            "read-only",
            "this server is read-only",
            hint="updates and uploads exist only when the server is started with a token",
        )
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value:
        raise HTTPProblem(
            401,
            "unauthorized",
            "a bearer token is required for this request",
            headers={"WWW-Authenticate": 'Bearer realm="kgraph"'},
        )
    if not hmac.compare_digest(value.strip().encode(), token.encode()):
        raise HTTPProblem(403, "forbidden", "the bearer token is not valid")


async def sparql_endpoint(request: Request) -> Response:
    state = state_of(request)
    cfg = state.config
    params = query_params(request)
    if request.method in ("GET", "HEAD"):
        if _values(params, "update"):
            raise HTTPProblem(
                405,
                "method-not-allowed",
                "SPARQL Update must be sent by POST",
                headers={"Allow": "GET, POST"},
            )
        query = _one(params, "query")
        if query is None:
            accept = request.headers.get("accept", "")
            if "text/html" in accept and "text/turtle" not in accept:
                # a person with a browser: the query page; tools get the Service Description
                return RedirectResponse("/query", status_code=303, headers={"Vary": "Accept"})
            from kgraph.server.describe import service_description

            return await service_description(request)
        return await run_query(request, state, query, params)
    if request.method != "POST":
        raise HTTPProblem(
            405,
            "method-not-allowed",
            f"{request.method} is not supported here",
            headers={"Allow": "GET, POST"},
        )
    media = media_of(request)
    body = await read_body(request, cfg.max_query_bytes)
    if media == FORM:
        form = parse_form(body)
        query, update = _one(form, "query"), _one(form, "update")
        if query is not None and update is not None:
            raise InputError("send either query= or update=, not both")
        if update is not None:
            return await run_update(request, state, update, params + form)
        if query is None:
            raise InputError("the form has no query= field")
        return await run_query(request, state, query, params + form)
    if media == "application/sparql-query":
        return await run_query(request, state, decode_utf8(body, "the query"), params)
    if media == "application/sparql-update":
        return await run_update(request, state, decode_utf8(body, "the update"), params)
    raise HTTPProblem(
        415,
        "unsupported-media-type",
        f"cannot take a request body of type {media or '(none)'!r}",
        hint=f"use {FORM}, application/sparql-query or application/sparql-update",
    )


async def run_query(
    request: Request, state: ServerState, query: str, params: list[tuple[str, str]]
) -> Response:
    body, media, headers = await answer_query(state, query, params, request.headers.get("accept"))
    return Response(body, media_type=media, headers=headers)


async def answer_query(
    state: ServerState, query: str, params: list[tuple[str, str]], accept: str | None
) -> tuple[bytes, str, dict[str, str]]:
    """Check, run and serialise one query: (body, media type, extra headers)."""
    cfg = state.config
    if len(query.encode()) > cfg.max_query_bytes:
        raise LimitExceeded(f"query larger than {cfg.max_query_bytes} bytes")
    info = check_query(
        query,
        max_depth=cfg.max_depth,
        allow_update=True,  # refused below with a clearer message
        graph_prefixes=state.graph_prefixes,
        max_regex_length=cfg.max_regex_length,
        max_chars=cfg.max_query_bytes,
    )
    if info.is_update:
        raise QueryRefused(
            "this is a SPARQL Update, sent as a query",
            hint="updates go by POST as update= or application/sparql-update (with a token)",
        )
    fmt_param = _one(params, "format") or _one(params, "output")
    if info.form in ("CONSTRUCT", "DESCRIBE"):
        fmt = choose(accept, RDF_TYPES, RDF_DEFAULT, fmt_param)
    else:
        fmt = choose(accept, RESULT_TYPES, RESULT_DEFAULT, fmt_param)
    default_graphs = _values(params, "default-graph-uri")
    named_graphs = _values(params, "named-graph-uri")
    args: dict[str, Any] = {
        "query": query,
        "format": fmt,
        "max_rows": cfg.max_rows,
        "max_triples": cfg.max_triples,
        "prefixes": state.prefixes if fmt in RDF_FORMATS else None,
        "union": not (info.from_graphs or info.from_named_graphs),
        "default_graph": default_graphs or None,
        "named_graphs": named_graphs or None,
        "check_graphs": default_graphs + named_graphs,
    }
    result = await state.pool.run("query", args)
    if result.get("missing"):
        raise NotFound(f"no graph {result['missing']!r} in this dataset")
    headers = dict(CORS_READ)
    headers["Vary"] = "Accept"
    if result["truncated"]:
        limit = cfg.max_triples if fmt in RDF_FORMATS else cfg.max_rows
        headers["KGraph-Truncated"] = f"true; limit={limit}"
    return result["body"], with_charset(media_type_of(fmt)), headers


async def run_update(
    request: Request, state: ServerState, update: str, params: list[tuple[str, str]]
) -> Response:
    check_token(request, state)
    cfg = state.config
    check_query(
        update,
        max_depth=cfg.max_depth,
        allow_update=True,
        graph_prefixes=state.graph_prefixes,
        max_regex_length=cfg.max_regex_length,
    )
    from kgraph.server.writer import apply_update

    await apply_update(state, update)
    return Response(status_code=204)


async def sparql_options(request: Request) -> Response:
    return Response(
        status_code=204,
        headers={
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Accept, Content-Type",
            "Access-Control-Max-Age": "600",
            "Allow": "GET, POST, OPTIONS",
        },
    )


async def graph_store(request: Request) -> Response:
    """Graph Store Protocol: GET for everyone; PUT, POST, DELETE with the token."""
    state = state_of(request)
    params = query_params(request)
    graph = _one(params, "graph")
    default = any(k == "default" for k, _ in params)
    if (graph is None) == (not default):
        raise InputError("name exactly one of ?graph=IRI or ?default")
    if request.method in ("GET", "HEAD"):
        fmt = choose(request.headers.get("accept"), RDF_TYPES, RDF_DEFAULT, _one(params, "format"))
        result = await state.pool.run(
            "graph",
            {
                "graph": graph,
                "format": fmt,
                "max_triples": state.config.max_triples,
                "prefixes": state.prefixes,
            },
        )
        if result is None:
            raise NotFound(f"no graph {graph!r} in this dataset")
        headers = dict(CORS_READ)
        headers["Vary"] = "Accept"
        if result["truncated"]:
            headers["KGraph-Truncated"] = f"true; limit={state.config.max_triples}"
        return Response(
            result["body"], media_type=with_charset(media_type_of(fmt)), headers=headers
        )
    if request.method in ("PUT", "POST", "DELETE"):
        check_token(request, state)
        from kgraph.server.writer import graph_write

        return await graph_write(request, state, graph, request.method)
    raise HTTPProblem(
        405,
        "method-not-allowed",
        f"{request.method} is not supported here",
        headers={"Allow": "GET, HEAD, PUT, POST, DELETE"},
    )
