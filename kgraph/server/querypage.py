"""The query page: a form pre-filled with the project's example queries; results as a table.

Rendered on the server (no script needed): ``/query?example=NAME`` fills the form,
``/query?query=...`` runs it through the same guards and workers as ``/sparql``.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from kgraph.errors import KGraphError, QueryRefused
from kgraph.security import check_query
from kgraph.server.linked_data import template_helpers
from kgraph.server.pages import render
from kgraph.server.queries import QUERIES
from kgraph.server.state import ServerState, state_of

PAGE_ROWS = 1000
log = logging.getLogger("kgraph.server")


@dataclass(frozen=True, slots=True)
class Example:
    name: str
    title: str
    text: str


def _example_params(named: Any) -> dict[str, str]:
    """``--param k=v`` pairs of a named query's first ``# example:`` line."""
    for line in getattr(named, "examples", ()):
        pairs = re.findall(r"--param\s+([A-Za-z_]\w*)=(\S+)", line)
        if pairs:
            return dict(pairs)
    return {}


def _with_example_values(state: ServerState, named: Any) -> str:
    """The query text, with its example's parameter values bound in a VALUES block."""
    params = _example_params(named)
    if not params or not named.params:
        return str(named.text)
    try:
        from kgraph.store.remote import inject_values

        kg = state.kg
        if kg is None:
            from kgraph.graph import open as open_graph

            kg = state.kg = open_graph(state.config.store_path)
        terms = kg._bindings(named, params)
        return str(inject_values(named.text, terms))
    except Exception:  # an example that cannot be bound is shown as written
        log.info("example %s shown without its parameter values", named.name)
        return str(named.text)


def examples(state: ServerState) -> list[Example]:
    """The project's named queries (``kgraph query NAME``), else the server's own examples."""
    cached: list[Example] | None = state.cache.get("examples")
    if cached is not None:
        return cached
    found: list[Example] = []
    try:
        from kgraph.query.named import named_queries

        for name, named in sorted(named_queries().items()):
            found.append(Example(name, str(named.title), _with_example_values(state, named)))
    except Exception:  # the named-query library is optional here
        log.info("no named queries; using the server's own examples")
    if not found:
        for path in sorted(QUERIES.glob("example_*.rq")):
            text = path.read_text(encoding="utf-8")
            title = text.splitlines()[0].lstrip("#").strip() if text else path.stem
            found.append(Example(path.stem, title, text))
    state.cache["examples"] = found
    return found


def _cell(term: dict[str, Any] | None, href: Any) -> dict[str, Any]:
    if term is None:
        return {"text": "", "href": None}
    text = str(term.get("value", ""))
    if term.get("type") == "uri":
        return {"text": text, "href": href(text)}
    if term.get("xml:lang"):
        text = f"{text} @{term['xml:lang']}"
    return {"text": text, "href": None}


async def query_page(request: Request) -> Response:
    state = state_of(request)
    helpers = template_helpers(state)
    exs = examples(state)
    query = request.query_params.get("query")
    example = request.query_params.get("example")
    if query is None and example is not None:
        query = next((e.text for e in exs if e.name == example), None)
    run = request.query_params.get("query") is not None
    if query is None:
        query = exs[0].text if exs else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    context: dict[str, Any] = {
        "examples": exs,
        "query": query,
        "table": None,
        "boolean": None,
        "rdf": None,
        "error": None,
        "json_href": "/sparql?" + urlencode({"query": query}),
    }
    if example is not None and request.query_params.get("query") is None:
        run = True
    if run:
        try:
            cfg = state.config
            info = check_query(
                query,
                max_depth=cfg.max_depth,
                graph_prefixes=state.graph_prefixes,
                max_regex_length=cfg.max_regex_length,
                max_chars=cfg.max_query_bytes,
            )
            if info.is_update:
                raise QueryRefused("the query page runs queries only")
            rdf = info.form in ("CONSTRUCT", "DESCRIBE")
            result = await state.pool.run(
                "query",
                {
                    "query": query,
                    "format": "ttl" if rdf else "json",
                    "max_rows": PAGE_ROWS,
                    "max_triples": PAGE_ROWS * 10,
                    "prefixes": state.prefixes,
                    "union": not (info.from_graphs or info.from_named_graphs),
                },
            )
            if rdf:
                context["rdf"] = result["body"].decode("utf-8", "replace")
            else:
                doc = json.loads(result["body"])
                if "boolean" in doc:
                    context["boolean"] = bool(doc["boolean"])
                else:
                    names = doc["head"]["vars"]
                    rows = [
                        [_cell(b.get(n), helpers["href"]) for n in names]
                        for b in doc["results"]["bindings"]
                    ]
                    context["table"] = {
                        "vars": names,
                        "rows": rows,
                        "truncated": result["truncated"],
                    }
        except KGraphError as exc:
            context["error"] = exc.message
    return render("query.html", **context, **helpers)
