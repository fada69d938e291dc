"""The query page: a form pre-filled with the project's example queries; results as a table.

Rendered on the server (no script needed): ``/query?example=NAME`` fills the form,
``/query?query=...`` runs it through the same guards and workers as ``/sparql``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
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


@dataclass(frozen=True, slots=True)
class Example:
    name: str
    title: str
    text: str


def _title(text: str, name: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#"):
            title = line.lstrip("#").strip()
            if title:
                return title
        elif line:
            break
    return name.replace("_", " ").replace("-", " ")


def examples(state: ServerState) -> list[Example]:
    """The project's named queries (kgraph/queries/*.rq), else the server's own examples."""
    cached: list[Example] | None = state.cache.get("examples")
    if cached is not None:
        return cached
    found: list[Example] = []
    project = Path(__file__).resolve().parents[1] / "queries"
    for path in sorted(project.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        found.append(Example(path.stem, _title(text, path.stem), text))
    if not found:
        for path in sorted(QUERIES.glob("example_*.rq")):
            text = path.read_text(encoding="utf-8")
            found.append(Example(path.stem, _title(text, path.stem), text))
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
